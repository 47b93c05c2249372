"""The follow-up list (LAOs that have not recorded) as CSV (UTF-8 with BOM) or xlsx, formula-injection safe."""

import csv
import io
from collections.abc import Callable

import pandas as pd
from flask_babel import gettext as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def followup_table(followup: list, installment, type_label: Callable[[str], str]) -> tuple[list[str], list[list]]:
    """Header and rows of the follow-up list (part 2 of the verification screen)."""
    columns = [_("ลำดับ"), _("รหัส อปท."), _("ชื่อ อปท."), _("ประเภท"), _("อำเภอ"), _("จังหวัด"),
               _("ผู้ติดต่อ"), _("ตำแหน่ง"), _("โทรศัพท์"), _("ปีงบประมาณ"), _("งวดที่")]
    rows = [
        [i, r.lao_code, r.lao_name, type_label(r.lao_type), r.district_name, r.province_name, r.contact_name,
         r.contact_position, r.contact_phone, installment.fiscal_year_id, installment.number]
        for i, r in enumerate(followup, start=1)
    ]
    return columns, rows


def neutralise(value):
    """A text value that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def to_csv(columns: list[str], rows: list[list]) -> bytes:
    """CSV bytes in UTF-8 with a BOM (Excel opens Thai correctly), text cells neutralised."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(columns: list[str], rows: list[list], sheet: str = "sheet1") -> bytes:
    """xlsx bytes (pandas + openpyxl) where every text cell is a string cell, never a formula."""
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet[:31])
        ws = writer.sheets[sheet[:31]]
        for cells in ws.iter_rows():
            for cell in cells:
                if cell.data_type == "f":  # openpyxl read a leading "=" as a formula: store the text instead
                    cell.data_type = "s"
        for letter, width in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", _widths(columns, rows)):
            ws.column_dimensions[letter].width = width
    return buf.getvalue()


def _widths(columns: list[str], rows: list[list]) -> list[int]:
    """Column widths that fit the longest value (capped), so the file opens readable."""
    out = []
    for i, name in enumerate(columns):
        longest = max([len(str(name))] + [len(str(r[i])) for r in rows if r[i] is not None])
        out.append(min(60, max(8, longest + 2)))
    return out
