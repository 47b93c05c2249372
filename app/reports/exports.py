"""DataFrame -> xlsx / csv bytes for the report exports (formula-injection safe, exact Decimal amounts).

xlsx: a title row, the selection and as-of lines, Thai headers (frozen), amounts as numbers with
`#,##0.00`, percents `0.00`, dates as real date cells shown in the Buddhist Era, total rows in bold;
every text cell is written as a string cell, so a name starting with "=" stays text and is never
evaluated. csv: UTF-8; for people (the web: with a BOM, so Thai Excel opens it correctly) the Thai
headers and B.E. dates วว/ดด/ปปปป, for scripts (the command line) the machine column names and ISO
dates; amounts as plain decimals with 2 places either way.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape as xml_escape

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..domain.calendar import be_year
from ..domain.money import plain_baht

MONEY_FORMAT = "#,##0.00"
PCT_FORMAT = "0.00"
SCORE_FORMAT = "0.0000"
INT_FORMAT = "#,##0"
# [$-NNCCLLLL]: NN=01 Western digits, CC=07 the Thai Buddhist calendar, LLLL=0000 the system locale; this is the
# code Excel itself writes for a B.E. date format (a 2026 date shows 2569 in any Excel, Thai or not).
BE_DATE_FORMAT = "[$-1070000]dd/mm/yyyy"
BE_DATETIME_FORMAT = "[$-1070000]dd/mm/yyyy hh:mm"
FORMATS = {"money": MONEY_FORMAT, "pct": PCT_FORMAT, "score": SCORE_FORMAT, "int": INT_FORMAT,
           "date": BE_DATE_FORMAT, "datetime": BE_DATETIME_FORMAT}
EXCEL_EPOCH = date(1899, 12, 30)
WIDTHS = {"text": 28, "code": 12, "money": 17, "pct": 9, "score": 10, "int": 9, "date": 12, "datetime": 17}
HEADER_FILL = PatternFill("solid", fgColor="DDE6F3")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
# Characters that make a spreadsheet treat a CSV cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One exported column: the DataFrame key (also the CSV header), its Thai header and its kind.

    kind: "text", "code", "money" (Decimal baht), "pct" (Decimal percent), "score", "int", "date" or
    "datetime" (a local date and time, shown to the minute).
    """

    key: str
    header: str
    kind: str = "text"


@dataclass
class Sheet:
    """One worksheet: a title, lines describing the selection, a DataFrame and its columns.

    `bold_rows` are DataFrame positions of total or subtotal rows.
    """

    name: str
    title: str
    notes: list[str]
    df: pd.DataFrame
    columns: list[Column]
    bold_rows: set[int] = field(default_factory=set)
    freeze_columns: int = 2


def frame(records: list[dict], columns: list[Column]) -> pd.DataFrame:
    """A DataFrame of `records` with exactly `columns` (object dtype, so Decimals stay exact)."""
    return pd.DataFrame([[r.get(c.key) for c in columns] for r in records],
                        columns=[c.key for c in columns], dtype=object)


def _cell_value(value):
    """None for empty cells (None or NaN); any other value as it is."""
    if value is None or (not isinstance(value, (str, Decimal, date)) and pd.isna(value)):
        return None
    return value


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """The workbook of `sheets` as .xlsx bytes.

    openpyxl lays out each sheet (title, notes, headers, widths, frozen panes, print setup) and
    registers the cell styles; the data rows are then written straight into the sheet XML, because
    openpyxl's pure-Python XML writer costs about 10 microseconds a cell (a province's rollup has
    over 100,000). Text is always an inline string, so it can never become a formula.
    """
    wb = Workbook()
    wb.remove(wb.active)
    bodies: dict[str, tuple[str, str]] = {}
    for index, sheet in enumerate(sheets, start=1):
        ws = wb.create_sheet(sheet.name[:31])
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        _text(ws, 1, 1, sheet.title).font = Font(bold=True, size=14)
        for i, note in enumerate(sheet.notes, start=2):
            _text(ws, i, 1, note).font = Font(italic=True, color="555555")
        header_row = len(sheet.notes) + 3
        for j, col in enumerate(sheet.columns, start=1):
            cell = _text(ws, header_row, j, col.header)
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            ws.column_dimensions[get_column_letter(j)].width = WIDTHS.get(col.kind, 14)
        ws.row_dimensions[header_row].height = 36
        ws.freeze_panes = f"{get_column_letter(sheet.freeze_columns + 1)}{header_row + 1}"  # no cell created
        ws.print_title_rows = f"{header_row}:{header_row}"
        styles = _style_ids(ws, sheet.columns, header_row + 1)
        rows_xml = _rows_xml(sheet, header_row + 1, styles)
        last = f"{get_column_letter(len(sheet.columns))}{header_row + len(sheet.df)}"
        bodies[f"xl/worksheets/sheet{index}.xml"] = (rows_xml, f"A1:{last}")
    out = io.BytesIO()
    wb.save(out)
    return _inject_rows(out.getvalue(), bodies)


def _style_ids(ws, columns: list[Column], row: int) -> dict[tuple[str, bool], int]:
    """Register the data cells' styles (format per kind, bold total rows) and return their ids."""
    ids = {}
    for kind in {c.kind for c in columns} | {"text"}:
        for bold in (False, True):
            cell = ws.cell(row, 1)
            if kind in FORMATS:
                cell.number_format = FORMATS[kind]
            if bold:
                cell.font = Font(bold=True)
                cell.fill = TOTAL_FILL
            ids[(kind, bold)] = cell.style_id if cell.has_style else 0
            del ws._cells[(row, 1)]  # only the style stays registered in the workbook
    return ids


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _rows_xml(sheet: Sheet, first_row: int, styles: dict[tuple[str, bool], int]) -> str:
    """The <row> elements of the sheet's DataFrame: numbers as numbers, everything else as inline text."""
    letters = [get_column_letter(j) for j in range(1, len(sheet.columns) + 1)]
    parts = []
    for i, values in enumerate(sheet.df.itertuples(index=False)):
        r = first_row + i
        bold = i in sheet.bold_rows
        cells = []
        for letter, col, value in zip(letters, sheet.columns, values):
            value = _cell_value(value)
            sid = styles[(col.kind if col.kind in FORMATS else "text", bold)]
            style = f' s="{sid}"' if sid else ""
            if value is None:
                if bold:
                    cells.append(f'<c r="{letter}{r}"{style}/>')
                continue
            if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool) and col.kind not in (
                    "text", "code"):
                cells.append(f'<c r="{letter}{r}"{style}><v>{value}</v></c>')
                continue
            if isinstance(value, date) and col.kind in ("date", "datetime"):
                cells.append(f'<c r="{letter}{r}"{style}><v>{_serial(value, col.kind)}</v></c>')  # a real date cell
                continue
            text = _XML_ILLEGAL.sub("", value.isoformat() if isinstance(value, date) else str(value))
            space = ' xml:space="preserve"' if text != text.strip() else ""
            cells.append(f'<c r="{letter}{r}"{style} t="inlineStr"><is><t{space}>{xml_escape(text)}</t></is></c>')
        parts.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(parts)


def _serial(value: date, kind: str) -> str:
    """Excel's serial number of a date (whole days) or of a local date and time (with the fraction of the day)."""
    day = value.date() if isinstance(value, datetime) else value
    days = (day - EXCEL_EPOCH).days
    if kind != "datetime" or not isinstance(value, datetime):
        return str(days)
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    return repr(days + seconds / 86400)


def be_date(value: date) -> str:
    """A date as วว/ดด/ปปปป in the Buddhist Era (a timestamp also with its local time HH:MM)."""
    text = f"{value.day:02d}/{value.month:02d}/{be_year(value.year)}"
    return f"{text} {value:%H:%M}" if isinstance(value, datetime) else text


def _inject_rows(data: bytes, bodies: dict[str, tuple[str, str]]) -> bytes:
    """Copy the workbook, appending each sheet's rows to its <sheetData> and fixing its dimension."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename in bodies:
                rows, ref = bodies[info.filename]
                xml = content.decode("utf-8")
                xml = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml, count=1)
                if "</sheetData>" in xml:
                    xml = xml.replace("</sheetData>", rows + "</sheetData>", 1)
                else:
                    xml = xml.replace("<sheetData/>", f"<sheetData>{rows}</sheetData>", 1)
                content = xml.encode("utf-8")
            target.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _text(ws, row: int, column: int, value: str | None):
    """A cell holding `value` as a string cell: never a formula, whatever it starts with."""
    cell = ws.cell(row, column, value)
    if value is not None:
        cell.data_type = "s"
    return cell


def _csv_value(value, kind: str, excel_safe: bool, human: bool = False) -> str:
    """One CSV cell: plain decimals for amounts, 2 places for percents, 4 for scores, dates B.E. for people
    (ISO for scripts), text as is."""
    value = _cell_value(value)
    if value is None:
        return ""
    if kind == "money":
        return plain_baht(Decimal(value))
    if kind == "pct":
        return f"{Decimal(value):.2f}"
    if kind == "score":
        return f"{Decimal(value):.4f}"
    if isinstance(value, date):
        if human:
            return be_date(value if kind == "datetime" or not isinstance(value, datetime) else value.date())
        return value.isoformat()
    text = str(value)
    if excel_safe and kind in ("text", "code") and text.startswith(FORMULA_START):
        return "'" + text  # shown as text by spreadsheets instead of being run as a formula
    return text


def csv_bytes(df: pd.DataFrame, columns: list[Column], bom: bool = True, excel_safe: bool = True,
              human: bool | None = None) -> bytes:
    """The DataFrame as CSV bytes: UTF-8 (with BOM unless `bom` is False).

    `human` (default: when `bom`, i.e. a file for a spreadsheet): the Thai headers and dates วว/ดด/ปปปป in
    the Buddhist Era; otherwise the machine column keys and ISO dates (the command line's documented
    layout). `excel_safe` prefixes text cells that start like a formula with an apostrophe (for
    spreadsheet users; the command line leaves them as they are for scripts).
    """
    human = bom if human is None else human
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.header if human else c.key for c in columns])
    for values in df.itertuples(index=False):
        writer.writerow([_csv_value(v, c.kind, excel_safe, human) for c, v in zip(columns, values)])
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")
