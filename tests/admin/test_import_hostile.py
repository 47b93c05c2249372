"""Hostile and malformed import files: misaligned rows, forged dimensions, padded sheets, zip bombs, broken XML.

Every refusal must be a clear Thai file or row error, fast, and write nothing. The workbooks are built by hand
with zipfile (a few hundred bytes each) so that each one carries exactly the flaw under test.
"""

import io
import time
import zipfile
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import db
from app.admin import imports
from app.admin.imports import ENTRY_COLUMNS, Upload
from app.domain.errors import DomainError
from app.models import Entry, InstallmentReport
from tests import factories as f
from tests.admin.conftest import audit_count, csv_bytes, upload, xlsx_bytes

TODAY = __import__("datetime").date(2026, 11, 21)
CEILING = Decimal(10_000_000_000)
UNREADABLE = "อ่านแฟ้ม Excel ไม่ได้"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>')
_SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _cell(ref: str, text: str) -> str:
    """An inline-string cell at `ref`."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _row(number: int, values) -> str:
    """Row `number` with `values` in columns A, B, ..."""
    return f'<row r="{number}">' + "".join(_cell(f"{c}{number}", v) for c, v in zip("ABCDEFG", values)) + "</row>"


HEADER_ROW = _row(1, ENTRY_COLUMNS)
GOOD_ROWS = _row(2, ("2570", "S1", "1", "LAND_BUILDING", "1234.50")) + _row(3, ("2570", "S1", "1", "SIGNBOARD", "1"))


def _sheet(rows_xml: str, dimension: str | None = None, prolog: str = "") -> str:
    """A worksheet part holding `rows_xml`, with an optional declared dimension and prolog (e.g. a DTD)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet {_SHEET_NS}>{dim}'
            f"<sheetData>{rows_xml}</sheetData></worksheet>")


def _xlsx(sheet: str | bytes, *, extra: dict[str, bytes] | None = None, drop: str | None = None) -> bytes:
    """A minimal workbook (content types, relationships, workbook, one sheet) written member by member."""
    members: dict[str, str | bytes] = {
        "[Content_Types].xml": _CONTENT_TYPES, "_rels/.rels": _ROOT_RELS, "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS, "xl/worksheets/sheet1.xml": sheet, **(extra or {})}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if name != drop:
                archive.writestr(name, content)
    return out.getvalue()


@pytest.fixture
def laos(ctx):
    """FY2570 (monthly) and an SAO S1 whose installment 1 needs LAND_BUILDING and SIGNBOARD."""
    f.fiscal_year(2570)
    f.lao("SAO", "50", code="S1", name_th="อบต.หนึ่ง")
    db.session.commit()


def _import(data: bytes, name: str, *, dry_run: bool = False):
    """Import `data` as an entries file; commit a clean real run, roll back anything else."""
    plan = imports.import_figures(None, None, Upload(name, data), "entries", dry_run=dry_run, today=TODAY,
                                  ceiling=CEILING)
    if plan.errors or dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return plan


def _nothing_written() -> bool:
    """Whether no entry, installment report or audit event exists."""
    return (db.session.scalar(select(func.count(Entry.id))) == 0
            and db.session.scalar(select(func.count(InstallmentReport.id))) == 0 and audit_count() == 0)


def _refused(data: bytes, name: str = "figures.xlsx") -> tuple[DomainError, float]:
    """Import `data`, expect a file error that wrote nothing; returns it and the seconds it took."""
    started = time.perf_counter()
    with pytest.raises(DomainError) as caught:
        _import(data, name)
    elapsed = time.perf_counter() - started
    assert caught.value.field == "file"
    assert _nothing_written()
    return caught.value, elapsed


# ---------------------------------------------------------------------------------------------------
# Rows that do not line up with the header


CSV_HEADER = b"fiscal_year,lao_code,installment,item_code,amount\r\n"


@pytest.mark.parametrize("dry_run", [True, False])
def test_unquoted_thousands_separator_is_a_row_error_naming_its_line(laos, dry_run):
    data = CSV_HEADER + b"2570,S1,1,LAND_BUILDING,1,234.50\r\n2570,S1,1,SIGNBOARD,1\r\n"
    plan = _import(data, "figures.csv", dry_run=dry_run)
    assert [(e.line, e.column) for e in plan.errors] == [(2, None)]  # and no "missing item" echo of it
    assert "6 ช่อง" in str(plan.errors[0]) and "5 ช่อง" in str(plan.errors[0]) and '"1,234.50"' in str(plan.errors[0])
    assert _nothing_written()


def test_quoted_thousands_separator_stays_accepted(laos):
    data = CSV_HEADER + b'2570,S1,1,LAND_BUILDING,"1,234.50"\r\n2570,S1,1,SIGNBOARD,1\r\n'
    plan = _import(data, "figures.csv")
    assert not plan.errors
    assert db.session.scalars(select(Entry.amount_satang).order_by(Entry.amount_satang)).all() == [100, 123450]


def test_csv_row_with_fewer_cells_than_the_header_is_a_row_error(laos):
    data = CSV_HEADER + b"2570,S1,1,LAND_BUILDING\r\n2570,S1,1,SIGNBOARD,1\r\n"
    plan = _import(data, "figures.csv")
    assert [(e.line, e.column) for e in plan.errors] == [(2, None)]
    assert "4 ช่อง" in str(plan.errors[0])
    assert _nothing_written()


def test_csv_trailing_empty_cells_are_fine(laos):
    data = CSV_HEADER + b"2570,S1,1,LAND_BUILDING,1234.50,,\r\n2570,S1,1,SIGNBOARD,1,\r\n"
    assert not _import(data, "figures.csv").errors


def test_xlsx_value_right_of_the_header_is_a_row_error_but_empty_cells_there_are_fine(laos):
    rows = [(2570, "S1", 1, "LAND_BUILDING", 1234, 50), (2570, "S1", 1, "SIGNBOARD", 1)]
    plan = _import(xlsx_bytes(ENTRY_COLUMNS, rows), "figures.xlsx")
    assert [(e.line, e.column) for e in plan.errors] == [(2, None)]
    assert "คอลัมน์ที่ 6" in str(plan.errors[0])
    assert _nothing_written()
    styled_blank = '<c r="H2" s="0"/><c r="Z3" t="inlineStr"><is><t> </t></is></c>'
    sheet = _sheet(HEADER_ROW + GOOD_ROWS.replace("</row>", styled_blank + "</row>", 1))
    assert not _import(_xlsx(sheet), "figures.xlsx").errors


# ---------------------------------------------------------------------------------------------------
# Sheets that claim or carry far more than their data


def test_forged_dimension_does_not_make_every_row_16384_cells_wide(laos):
    data = _xlsx(_sheet(HEADER_ROW + GOOD_ROWS, dimension="A1:XFD20000"))
    assert len(data) < 2000
    started = time.perf_counter()
    plan = _import(data, "figures.xlsx", dry_run=True)
    assert time.perf_counter() - started < 2  # 23.6 s when openpyxl trusted the dimension
    assert not plan.errors and len(plan.creates) == 2


def test_a_value_beyond_the_column_limit_refuses_the_file_at_once(laos):
    far = _cell("XFD3", "x")
    data = _xlsx(_sheet(HEADER_ROW + GOOD_ROWS.replace("</row>", far + "</row>").replace(far, "", 1),
                        dimension="A1:XFD20000"))
    error, elapsed = _refused(data)
    assert elapsed < 2
    assert "เกิน 50 คอลัมน์" in str(error) and "บรรทัด 3" in str(error)


def test_100k_padded_rows_are_refused_quickly(laos):
    padding = "".join(f'<row r="{n}"><c r="XFD{n}" s="0"/></row>' for n in range(4, 100_004))
    data = _xlsx(_sheet(HEADER_ROW + GOOD_ROWS + padding))
    assert len(data) < 600_000
    error, elapsed = _refused(data)
    assert elapsed < 5  # 160 s when each row was padded to 16,384 cells
    assert "แถวว่างเกิน 10,000 แถว" in str(error)


def test_a_row_number_past_the_row_limit_refuses_the_file(laos):
    error, elapsed = _refused(_xlsx(_sheet(HEADER_ROW + GOOD_ROWS + _row(1_048_577, ("2570",)))))
    assert elapsed < 2 and "เกิน 1,048,576 แถว" in str(error)


@pytest.mark.parametrize("name", ["figures.xlsx", "figures.csv"])
def test_more_rows_than_the_limit_refuse_the_file(laos, monkeypatch, name):
    monkeypatch.setattr(imports, "MAX_ROWS", 5)
    rows = [(2570, "S1", 1, "SIGNBOARD", n) for n in range(6)]
    data = xlsx_bytes(ENTRY_COLUMNS, rows) if name.endswith("xlsx") else csv_bytes(ENTRY_COLUMNS, rows)
    error, _elapsed = _refused(data, name)
    assert "เกิน 5 แถว" in str(error)


def test_a_csv_line_longer_than_the_limit_refuses_the_file(laos):
    data = CSV_HEADER + b"2570,S1,1,SIGNBOARD," + b"1" * 20_000 + b"\r\n"
    error, _elapsed = _refused(data, "figures.csv")
    assert "บรรทัด 2" in str(error) and "10,000 ตัวอักษร" in str(error)


def test_zip_bomb_member_is_refused_from_the_central_directory(laos):
    bomb = _xlsx(_sheet(HEADER_ROW + GOOD_ROWS), extra={"xl/media/pad.bin": b"\0" * (4 * 1024 * 1024)})
    assert len(bomb) < 20_000
    error, elapsed = _refused(bomb)
    assert elapsed < 2 and "บีบอัดผิดปกติ" in str(error)


def test_too_much_unpacked_data_is_refused_from_the_central_directory(laos, monkeypatch):
    monkeypatch.setattr(imports, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    data = _xlsx(_sheet(HEADER_ROW + GOOD_ROWS), extra={"xl/media/noise.bin": bytes(range(256)) * 12_000})
    error, _elapsed = _refused(data)
    assert "ใหญ่เกิน 2 MB" in str(error)


# ---------------------------------------------------------------------------------------------------
# Files that are no workbook, or a broken one


def _corrupt_deflate() -> bytes:
    """A workbook whose sheet's deflate stream is overwritten with garbage."""
    data = bytearray(_xlsx(_sheet(HEADER_ROW + GOOD_ROWS * 40)))
    at = data.index(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml") + 40
    data[at:at + 40] = b"\xff" * 40
    return bytes(data)


BILLION_LAUGHS = ('<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                  '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
BROKEN = {
    "not a zip": b"PK\x03\x04 this is not really a zip file",
    "truncated zip": _xlsx(_sheet(HEADER_ROW + GOOD_ROWS))[:300],
    "no workbook part": _xlsx(_sheet(HEADER_ROW + GOOD_ROWS), drop="xl/workbook.xml"),
    "no sheet part": _xlsx(_sheet(HEADER_ROW + GOOD_ROWS), drop="xl/worksheets/sheet1.xml"),
    "truncated sheet XML": _xlsx(_sheet(HEADER_ROW + GOOD_ROWS)[:-40]),
    "not XML at all": _xlsx(b"\x00\x01\x02 binary"),
    "entity expansion": _xlsx(_sheet(HEADER_ROW + _row(2, ("&c;",)), prolog=BILLION_LAUGHS)),
    "external entity": _xlsx(_sheet(HEADER_ROW + _row(2, ("&x;",)),
                                    prolog='<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>')),
    "bad number": _xlsx(_sheet(HEADER_ROW + '<row r="2"><c r="A2"><v>12abc</v></c></row>')),
    "shared string out of range": _xlsx(_sheet(HEADER_ROW + '<row r="2"><c r="A2" t="s"><v>99</v></c></row>')),
    "bad cell reference": _xlsx(_sheet(HEADER_ROW + '<row r="2"><c r="2A"><v>1</v></c></row>')),
    "bad row number": _xlsx(_sheet(HEADER_ROW + '<row r="x"><c><v>1</v></c></row>')),
    "corrupt deflate stream": _corrupt_deflate(),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_every_parse_failure_is_a_clear_file_error(laos, case):
    error, elapsed = _refused(BROKEN[case])
    assert elapsed < 2
    assert UNREADABLE in str(error), str(error)


def test_openpyxl_parses_with_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_web_dry_run_shows_a_broken_workbook_as_a_file_error_not_a_500(app, admin_client):
    with app.app_context():
        f.fiscal_year(2570)
        f.lao("SAO", "50", code="S1")
        db.session.commit()
    response = upload(admin_client, "/admin/import", BROKEN["truncated sheet XML"], "figures.xlsx", kind="entries")
    assert response.status_code == 200 and UNREADABLE in response.get_data(as_text=True)
    response = upload(admin_client, "/admin/import", CSV_HEADER + b"2570,S1,1,LAND_BUILDING,1,234.50\r\n"
                      b"2570,S1,1,SIGNBOARD,1\r\n", "figures.csv", kind="entries")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "6 ช่อง" in html and 'data-testid="apply-form"' not in html


def test_cli_refuses_a_broken_workbook_with_the_thai_message(app, runner, tmp_path):
    path = tmp_path / "figures.xlsx"
    path.write_bytes(BROKEN["entity expansion"])
    result = runner.invoke(args=["import", "entries", str(path)])
    assert result.exit_code == 1 and UNREADABLE in result.output
