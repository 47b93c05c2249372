"""Reading import files (CSV or XLSX, every cell as text), checking their rows into a plan of changes, applying it.

Checking only reads the database; import_laos/import_figures apply a plan without errors (all or nothing).
Amounts are never floats: cells are read as text and parsed with app.domain.money.parse_amount.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import cast
from zipfile import BadZipFile, LargeZipFile, ZipFile

from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import Table, bindparam, insert, select, update

from .. import audit, db, snapshots, totals
from ..domain.calendar import fiscal_year_bounds
from ..domain.errors import N_, DomainError
from ..domain.money import from_satang, parse_amount, plain_baht, to_satang
from ..domain.vocabulary import AuditAction
from ..domain.workflow import Status
from ..models import (
    LAO_TYPES,
    MUNICIPALITY_CLASSES,
    District,
    Entry,
    FiscalYear,
    Installment,
    InstallmentReport,
    Lao,
    Province,
    RevenueItem,
    User,
    utcnow,
)
from ..reference import create_fiscal_year, items_for
from .access import check_admin

LAO_COLUMNS = ("lao_code", "name_th", "name_en", "lao_type", "municipality_class", "province_code", "district_code")
BASELINE_COLUMNS = ("fiscal_year", "lao_code", "item_code", "amount")
ENTRY_COLUMNS = ("fiscal_year", "lao_code", "installment", "item_code", "amount")

MIN_YEAR, MAX_YEAR = 2500, 2700  # B.E. years the register can hold
_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
ProgressFn = Callable[[int, int], None]  # (rows checked so far, total rows)
_PROGRESS_EVERY = 500
MAX_AUDIT_DETAILS = 200  # changed figures listed one by one in an import's audit event


@dataclass(frozen=True)
class Upload:
    """An uploaded file: its name and bytes."""

    filename: str
    data: bytes

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the file's bytes (names the import in the audit trail)."""
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class RowError:
    """A bad cell or row: file line, column name (None for the whole row) and a Thai msgid with params."""

    line: int
    column: str | None
    message: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message % self.params if self.params else self.message


@dataclass(frozen=True)
class Row:
    """One data row of a file: its line number, its cells as stripped text by column name, and a shape error.

    `error` is set when the row does not line up with the header (more or fewer cells); its values are then
    unreliable and the plan reports the error instead of checking them.
    """

    line: int
    values: dict[str, str]
    error: RowError | None = None


# ---------------------------------------------------------------------------------------------------
# Reading


def _cell_text(value) -> str:
    """An XLSX cell as text; numbers keep the digits typed (shortest repr), so no float reaches the amounts."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # repr gives the shortest decimal that round-trips, i.e. the number as typed (up to 15 digits);
        # parse_amount then rejects exponents and more than 2 decimals instead of rounding silently.
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# Limits of an import file, chosen from measurements (README "Import limits"). A whole year's entries of every LAO
# (~7,850 LAOs x 12 installments x ~10 items, ~942,000 rows) fits; so does everything Excel can save.
MAX_ROWS = 1_048_576  # rows of a sheet or records of a CSV: Excel's own sheet limit
MAX_COLUMNS = 50  # a value further right than this refuses the file; the widest import has 7 columns
MAX_BLANK_ROWS = 10_000  # stored rows without any value (formatted or hostile padding) in one sheet
MAX_LINE_CHARS = 10_000  # one physical line of a CSV file
MAX_UNPACKED_BYTES = 600 * 1024 * 1024  # all members of an XLSX together, as its central directory declares them
MAX_PACKING_RATIO = 100  # uncompressed / compressed size of a member larger than 1 MB
_RATIO_FROM_BYTES = 1024 * 1024

# Everything reading a broken or hostile workbook was seen to raise (zip, zlib, XML incl. defusedxml's refusals,
# openpyxl's own checks); any of them means "not a workbook we can read".
_XLSX_ERRORS: tuple[type[BaseException], ...] = (
    BadZipFile, LargeZipFile, zlib.error, SyntaxError, ValueError, KeyError, IndexError, TypeError, AttributeError,
    EOFError, OSError, OverflowError, NotImplementedError, InvalidFileException)
_UNREADABLE_XLSX = N_("อ่านแฟ้ม Excel ไม่ได้ กรุณาบันทึกเป็น .xlsx หรือ .csv แล้วลองใหม่")


def _check_zip(data: bytes) -> None:
    """Refuse a workbook whose central directory declares too much data or a bomb-like packing ratio."""
    try:
        with ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except _XLSX_ERRORS as exc:
        raise DomainError("file", _UNREADABLE_XLSX) from exc
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise DomainError("file", N_("แฟ้ม Excel ใหญ่เกิน %(limit)s MB เมื่อคลายการบีบอัด กรุณาแบ่งเป็นหลายแฟ้ม"),
                          limit=f"{MAX_UNPACKED_BYTES // (1024 * 1024):,}")
    for m in members:
        if m.file_size > _RATIO_FROM_BYTES and m.file_size > MAX_PACKING_RATIO * max(m.compress_size, 1):
            raise DomainError("file", N_("แฟ้ม Excel ถูกบีบอัดผิดปกติ (ขยายได้เกิน %(limit)s เท่า) ระบบจึงไม่เปิดแฟ้มนี้"),
                              limit=MAX_PACKING_RATIO)


def _too_many_rows() -> DomainError:
    """The refusal of a file with more than MAX_ROWS rows."""
    return DomainError("file", N_("แฟ้มมีข้อมูลเกิน %(limit)s แถว กรุณาแบ่งเป็นหลายแฟ้ม"), limit=f"{MAX_ROWS:,}")


def _xlsx_lines(data: bytes):
    """(row number, cell texts up to the last filled cell) of the first sheet, streamed with the limits checked.

    Only the parts needed are read (workbook, shared strings, styles for dates, the first sheet), and the sheet's
    declared dimension is ignored (a forged `A1:XFD20000` made openpyxl pad every row to 16,384 cells): rows are
    read as stored, and a value right of MAX_COLUMNS, a row past MAX_ROWS or more than MAX_BLANK_ROWS rows
    without a value refuse the file as soon as they are met.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._reader import WorkSheetParser

    _check_zip(data)
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    except _XLSX_ERRORS as exc:
        raise DomainError("file", _UNREADABLE_XLSX) from exc
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)  # the number formats that tell dates from numbers
        path = next((rel.target for _sheet, rel in reader.parser.find_sheets()
                     if rel.target in reader.valid_files and "chartsheet" not in rel.Type), None)
        if path is None:
            raise DomainError("file", _UNREADABLE_XLSX)
        wb = reader.wb
        with reader.archive.open(path) as source:
            parser = WorkSheetParser(source, reader.shared_strings, data_only=True, epoch=wb.epoch,
                                     date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
            count = blank = 0
            for number, cells in parser.parse():
                count += 1
                if number > MAX_ROWS or count > MAX_ROWS:
                    raise _too_many_rows()
                texts: dict[int, str] = {}
                for cell in cells:
                    text = _cell_text(cell["value"])
                    if text:
                        if cell["column"] > MAX_COLUMNS:
                            raise DomainError("file", N_("แฟ้มมีข้อมูลเกิน %(limit)s คอลัมน์ (บรรทัด %(line)s)"),
                                              limit=MAX_COLUMNS, line=number)
                        texts[cell["column"]] = text
                if not texts:
                    blank += 1
                    if blank > MAX_BLANK_ROWS:
                        raise DomainError("file", N_("แฟ้มมีแถวว่างเกิน %(limit)s แถว กรุณาลบแถวว่างแล้วบันทึกใหม่"),
                                          limit=f"{MAX_BLANK_ROWS:,}")
                    continue
                yield number, [texts.get(c, "") for c in range(1, max(texts) + 1)]
    except _XLSX_ERRORS as exc:
        raise DomainError("file", _UNREADABLE_XLSX) from exc
    finally:
        reader.archive.close()


def _bounded_lines(text: str):
    """The physical lines of a CSV text, refusing one longer than MAX_LINE_CHARS."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise DomainError("file", N_("บรรทัด %(line)s ของแฟ้ม CSV ยาวเกิน %(limit)s ตัวอักษร"),
                              line=number, limit=f"{MAX_LINE_CHARS:,}")
        yield line


def _csv_lines(data: bytes):
    """(line number, stripped cells) of every record of a CSV file (UTF-8 or Thai Windows), with the limits."""
    for encoding in ("utf-8-sig", "cp874"):  # Thai Excel saves CSV as TIS-620 (cp874) unless told UTF-8
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError("file", N_("อ่านแฟ้ม CSV ไม่ได้ กรุณาบันทึกเป็น UTF-8"))
    reader = csv.reader(_bounded_lines(text))
    try:
        for count, cells in enumerate(reader, start=1):
            if count > MAX_ROWS:
                raise _too_many_rows()
            yield reader.line_num, [c.strip() for c in cells]
    except csv.Error as exc:
        raise DomainError("file", N_("แฟ้ม CSV มีรูปแบบไม่ถูกต้องที่บรรทัด %(line)s"), line=reader.line_num) from exc


def is_xlsx(upload: Upload) -> bool:
    """Whether the upload is an XLSX workbook (by name, or a ZIP signature when the name says nothing)."""
    name = upload.filename.lower()
    if name.endswith(".xlsx"):
        return True
    if name.endswith(".csv"):
        return False
    return upload.data[:2] == b"PK"


def read_rows(upload: Upload, columns: tuple[str, ...]) -> list[Row]:
    """The data rows of a CSV or XLSX file whose first row names `columns` (any order, extra columns ignored).

    Blank rows are skipped. A row with a value right of the header's last column (e.g. an unquoted `1,234.50`
    in a CSV), or a CSV row with fewer cells than the header names, carries a row error. Raises
    DomainError('file', ...) for an unreadable file, a file beyond the limits, missing columns or no rows.
    """
    if not upload.data:
        raise DomainError("file", N_("แฟ้มว่างเปล่า"))
    xlsx = is_xlsx(upload)
    lines = _xlsx_lines(upload.data) if xlsx else _csv_lines(upload.data)
    header = None
    width = 0  # cells of the header up to its last named column
    rows: list[Row] = []
    for number, cells in lines:
        if not any(cells):
            continue
        if header is None:
            header = [c.strip().lower() for c in cells]
            missing = [c for c in columns if c not in header]
            if missing:
                raise DomainError("file", N_("แถวแรกของแฟ้มต้องมีคอลัมน์ %(columns)s (ไม่พบ %(missing)s)"),
                                  columns=",".join(columns), missing=", ".join(missing))
            index = {c: header.index(c) for c in columns}
            width = _filled_width(header)
            continue
        error = None
        filled = _filled_width(cells)
        if filled > width:
            message = (N_("แถวนี้มีข้อมูลถึงคอลัมน์ที่ %(found)s แต่แถวแรกมีเพียง %(expected)s คอลัมน์") if xlsx else
                       N_("แถวนี้มี %(found)s ช่อง แต่แถวแรกมี %(expected)s ช่อง (จำนวนเงินที่มีจุลภาคต้องอยู่ใน"
                          "เครื่องหมายคำพูด เช่น \"1,234.50\")"))
            error = RowError(number, None, message, {"found": filled, "expected": width})
        elif not xlsx and len(cells) < width:  # Excel stores no empty cells; a CSV row has them all
            error = RowError(number, None, N_("แถวนี้มี %(found)s ช่อง แต่แถวแรกมี %(expected)s ช่อง"),
                             {"found": len(cells), "expected": width})
        rows.append(Row(number, {c: (cells[i] if i < len(cells) else "") for c, i in index.items()}, error))
    if header is None or not rows:
        raise DomainError("file", N_("ไม่พบข้อมูลในแฟ้ม"))
    return rows


def _filled_width(cells: list[str]) -> int:
    """The number of cells up to the last non-empty one (trailing empty cells do not count)."""
    for i in range(len(cells), 0, -1):
        if cells[i - 1]:
            return i
    return 0


def _tick(progress: ProgressFn | None, done: int, total: int) -> None:
    if progress is not None and (done % _PROGRESS_EVERY == 0 or done == total):
        progress(done, total)


# ---------------------------------------------------------------------------------------------------
# LAO register


@dataclass
class LaoChange:
    """A planned change of the LAO register: a new LAO, or the fields of an existing one that change."""

    line: int
    code: str
    values: dict  # every column value to write (ids for province and district)
    lao_id: int | None = None  # None: a new LAO
    old: dict = field(default_factory=dict)  # changed field -> shown old value (updates)
    new: dict = field(default_factory=dict)  # changed field -> shown new value (updates)


@dataclass
class LaoPlan:
    """What a LAO register file would do."""

    rows: int
    errors: list[RowError] = field(default_factory=list)
    creates: list[LaoChange] = field(default_factory=list)
    updates: list[LaoChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def has_changes(self) -> bool:
        """Whether applying the plan would change anything."""
        return bool(self.creates or self.updates)


_LAO_FIELDS = ("name_th", "name_en", "lao_type", "municipality_class", "province_id", "district_id")


def plan_laos(rows: list[Row], progress: ProgressFn | None = None) -> LaoPlan:
    """Check LAO register rows against the geography and the register; never writes.

    Errors: missing or too long values, bad type or municipality class, unknown province, district not in
    that province, duplicate code in the file, a second active PAO in a province, a type change of an LAO
    that has figures.
    """
    plan = LaoPlan(rows=len(rows))
    provinces = {code: (pid, name) for code, pid, name in db.session.execute(
        select(Province.code, Province.id, Province.name_th))}
    province_code = {pid: code for code, (pid, _n) in provinces.items()}
    districts = {code: (did, pid) for code, did, pid in db.session.execute(
        select(District.code, District.id, District.province_id))}
    district_code = {did: code for code, (did, _p) in districts.items()}
    existing = {r.code: r for r in db.session.execute(
        select(Lao.id, Lao.code, Lao.active, *(getattr(Lao, f) for f in _LAO_FIELDS)))}
    file_codes = {r.values["lao_code"] for r in rows}
    # Active PAOs the file does not mention keep their province; the file decides for the others.
    # province id -> (PAO code, its line in the file; None for the register)
    pao_of_province: dict[int, tuple[str, int | None]] = {
        r.province_id: (r.code, None) for r in existing.values()
        if r.lao_type == "PAO" and r.active and r.code not in file_codes}
    seen: dict[str, int] = {}
    type_changes: dict[int, LaoChange] = {}

    for done, row in enumerate(rows, start=1):
        _tick(progress, done, len(rows))
        if row.error is not None:
            plan.errors.append(row.error)
            continue
        v = row.values
        errs: list[RowError] = []

        def err(column, message, **params):
            errs.append(RowError(row.line, column, message, params))

        code = v["lao_code"]
        if not code:
            err("lao_code", N_("กรุณาระบุรหัส อปท."))
        elif not _CODE_RE.match(code):
            err("lao_code", N_("รหัส อปท. ต้องเป็นตัวอักษรอังกฤษหรือตัวเลข ไม่เกิน 20 ตัว"))
        elif code in seen:
            err("lao_code", N_("รหัส อปท. %(code)s ซ้ำกับบรรทัดที่ %(line)s"), code=code, line=seen[code])
        else:
            seen[code] = row.line
        if not v["name_th"]:
            err("name_th", N_("กรุณาระบุชื่อภาษาไทย"))
        for col in ("name_th", "name_en"):
            if len(v[col]) > 200:
                err(col, N_("ชื่อยาวได้ไม่เกิน 200 ตัวอักษร"))
        lao_type = v["lao_type"].upper()
        if lao_type not in LAO_TYPES:
            err("lao_type", N_("ประเภท อปท. ต้องเป็น PAO, MUNICIPALITY หรือ SAO (ไม่ใช่ %(value)s)"),
                value=v["lao_type"] or "–")
        mclass = v["municipality_class"].lower() or None
        if lao_type == "MUNICIPALITY" and mclass not in MUNICIPALITY_CLASSES:
            err("municipality_class", N_("เทศบาลต้องระบุขนาดเป็น city, town หรือ subdistrict"))
        elif lao_type in ("PAO", "SAO") and mclass:
            err("municipality_class", N_("ระบุขนาดเทศบาลได้เฉพาะประเภท MUNICIPALITY"))
        province = provinces.get(v["province_code"])
        district = districts.get(v["district_code"])
        if province is None:
            err("province_code", N_("ไม่พบรหัสจังหวัด %(code)s"), code=v["province_code"] or "–")
        elif district is None:
            err("district_code", N_("ไม่พบรหัสอำเภอ %(code)s"), code=v["district_code"] or "–")
        elif district[1] != province[0]:
            err("district_code", N_("อำเภอ %(district)s ไม่ได้อยู่ในจังหวัด %(province)s"),
                district=v["district_code"], province=province[1])
        old = existing.get(code)
        # without an error the province was found (province is not None)
        if not errs and province is not None and lao_type == "PAO" and (old is None or old.active):
            holder = pao_of_province.get(province[0])
            if holder is not None and holder[0] != code and holder[1] is None:
                err("lao_type", N_("จังหวัด%(province)s มี อบจ. ในทะเบียนอยู่แล้ว (%(other)s)"),
                    province=province[1], other=holder[0])
            elif holder is not None and holder[0] != code:
                err("lao_type", N_("จังหวัด%(province)s มี อบจ. อยู่แล้วที่บรรทัดที่ %(line)s (%(other)s)"),
                    province=province[1], other=holder[0], line=holder[1])
            else:
                pao_of_province[province[0]] = (code, row.line)
        if errs:
            plan.errors.extend(errs)
            continue
        if province is None or district is None:  # each would have been a row error
            raise RuntimeError(f"line {row.line}: a row without errors lacks its province or district")

        values = {"name_th": v["name_th"], "name_en": v["name_en"], "lao_type": lao_type,
                  "municipality_class": mclass if lao_type == "MUNICIPALITY" else None,
                  "province_id": province[0], "district_id": district[0]}
        if old is None:
            plan.creates.append(LaoChange(row.line, code, values))
            continue
        shown = {"province_id": province_code, "district_id": district_code}
        change = LaoChange(row.line, code, values, lao_id=old.id)
        for f in _LAO_FIELDS:
            if getattr(old, f) != values[f]:
                label = f.removesuffix("_id") if f in shown else f
                change.old[label] = shown[f][getattr(old, f)] if f in shown else getattr(old, f)
                change.new[label] = shown[f][cast(int, values[f])] if f in shown else values[f]  # ids there
        if not change.old:
            plan.unchanged += 1
            continue
        plan.updates.append(change)
        if "lao_type" in change.old:
            type_changes[old.id] = change

    if type_changes:
        with_figures = set(db.session.scalars(
            select(Entry.lao_id).where(Entry.lao_id.in_(list(type_changes))).distinct()))
        for lao_id in with_figures:
            change = type_changes[lao_id]
            plan.errors.append(RowError(change.line, "lao_type",
                                        N_("อปท. %(code)s มีข้อมูลรายได้แล้ว จึงเปลี่ยนประเภทไม่ได้"),
                                        {"code": change.code}))
            plan.updates.remove(change)
    plan.errors.sort(key=lambda e: e.line)
    return plan


# ---------------------------------------------------------------------------------------------------
# Figures (baseline years and installment entries)


@dataclass
class EntryChange:
    """A planned figure: a new entry or a new amount for an existing one."""

    line: int
    lao_code: str
    lao_id: int
    year: int
    installment: int
    item_code: str
    item_id: int
    satang: int
    entry_id: int | None = None
    old_satang: int | None = None


@dataclass
class ReportChange:
    """A planned installment-report row: created (report_id None) or moved to `status`."""

    lao_id: int
    year: int
    installment: int
    status: str
    report_id: int | None = None
    old_status: str | None = None


@dataclass
class FiguresPlan:
    """What a figures file (baseline or entries) would do."""

    kind: str  # "baseline" | "entries"
    rows: int
    confirm: bool
    errors: list[RowError] = field(default_factory=list)
    creates: list[EntryChange] = field(default_factory=list)
    updates: list[EntryChange] = field(default_factory=list)
    unchanged: int = 0
    reports: list[ReportChange] = field(default_factory=list)
    years_to_create: list[int] = field(default_factory=list)
    total_satang: int = 0

    @property
    def has_changes(self) -> bool:
        """Whether applying the plan would change anything."""
        return bool(self.creates or self.updates or self.reports or self.years_to_create)

    def by_installment(self) -> list[tuple[int, int, int, int]]:
        """(year, installment, entries created, entries changed) for the dry-run summary."""
        counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
        for c in self.creates:
            counts[(c.year, c.installment)][0] += 1
        for c in self.updates:
            counts[(c.year, c.installment)][1] += 1
        return [(y, n, a, b) for (y, n), (a, b) in sorted(counts.items())]


def _int_cell(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 6 else None


def plan_figures(rows: list[Row], kind: str, *, confirm: bool, today: date, ceiling: Decimal,
                 progress: ProgressFn | None = None) -> FiguresPlan:
    """Check figure rows with the entry form's rules; never writes.

    kind 'baseline': annual actuals of a past year (installment 1 of an annual year, created when missing);
    stored as confirmed. kind 'entries': installment figures of an existing year; stored as recorded, or
    as confirmed with `confirm`. Per row: year, installment (exists, period ended), LAO, item (applies to
    the LAO's type that year), amount (parse_amount with `ceiling`), no duplicate key in the file; without
    `confirm` a confirmed installment cannot change. For entries every item of an LAO's installment must
    end up with a figure, as on the entry form.
    """
    baseline = kind == "baseline"
    confirm = confirm or baseline
    plan = FiguresPlan(kind=kind, rows=len(rows), confirm=confirm)
    laos = {code: (lid, ltype) for code, lid, ltype in db.session.execute(select(Lao.code, Lao.id, Lao.lao_type))}
    item_ids = dict(db.session.execute(select(RevenueItem.code, RevenueItem.id)).all())
    years = {y for (y,) in db.session.execute(select(FiscalYear.year))}
    installments = {(y, n): (iid, end) for iid, y, n, end in db.session.execute(
        select(Installment.id, Installment.fiscal_year_id, Installment.number, Installment.period_end))}
    counts: defaultdict[int, int] = defaultdict(int)
    for (y, _n) in installments:
        counts[y] += 1
    applicable: dict[tuple[str, int], set[str]] = {}

    def items_of(lao_type: str, year: int) -> set[str]:
        key = (lao_type, year)
        if key not in applicable:
            applicable[key] = {i.code for i in items_for(lao_type, year)}
        return applicable[key]

    seen: dict[tuple, int] = {}
    valid: list[tuple[Row, int, int, str, int, int]] = []  # row, year, number, lao code, item id, satang
    bad_groups: set[tuple] = set()
    new_years: set[int] = set()
    for done, row in enumerate(rows, start=1):
        _tick(progress, done, len(rows))
        v = row.values
        if row.error is not None:
            plan.errors.append(row.error)
            # its installment's completeness would only repeat this error
            bad_groups.add((_int_cell(v["fiscal_year"]), 1 if baseline else _int_cell(v["installment"]),
                            v["lao_code"]))
            continue
        errs: list[RowError] = []

        def err(column, message, **params):
            errs.append(RowError(row.line, column, message, params))

        year = _int_cell(v["fiscal_year"])
        number = 1 if baseline else _int_cell(v["installment"])
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            err("fiscal_year", N_("ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2569"))
            year = None
        elif baseline:
            if year in years and counts[year] != 1:
                err("fiscal_year", N_("ปีงบประมาณ %(year)s แบ่งเป็น %(n)s งวด นำเข้าเป็นข้อมูลทั้งปีไม่ได้ "
                                      "(ใช้การนำเข้าข้อมูลรายงวด)"), year=year, n=counts[year])
            elif fiscal_year_bounds(year)[1] >= today:
                err("fiscal_year", N_("ข้อมูลฐานต้องเป็นปีงบประมาณที่สิ้นสุดแล้ว"))
            elif year not in years:
                new_years.add(year)
        elif year not in years:
            err("fiscal_year", N_("ไม่พบปีงบประมาณ %(year)s ในระบบ"), year=year)
        elif number is None:
            err("installment", N_("งวดต้องเป็นตัวเลข"))
        elif (year, number) not in installments:
            err("installment", N_("ปีงบประมาณ %(year)s ไม่มีงวดที่ %(n)s"), year=year, n=number)
        elif installments[(year, number)][1] >= today:
            err("installment", N_("งวดที่ %(n)s ปีงบประมาณ %(year)s ยังไม่สิ้นสุด"), year=year, n=number)
        lao = laos.get(v["lao_code"])
        if lao is None:
            err("lao_code", N_("ไม่พบรหัส อปท. %(code)s"), code=v["lao_code"] or "–")
        item_id = item_ids.get(v["item_code"])
        if item_id is None:
            err("item_code", N_("ไม่พบรหัสรายการรายได้ %(code)s"), code=v["item_code"] or "–")
        elif lao is not None and year is not None and v["item_code"] not in items_of(lao[1], year):
            err("item_code", N_("รายการ %(item)s ไม่ใช่รายได้ของ อปท. ประเภท %(type)s ในปีงบประมาณ %(year)s"),
                item=v["item_code"], type=lao[1], year=year)
        try:
            satang = to_satang(parse_amount(v["amount"], "amount", ceiling))
        except DomainError as exc:
            errs.append(RowError(row.line, "amount", exc.message, exc.params))
            satang = None
        if not errs:
            key = (year, number, v["lao_code"], v["item_code"])
            if key in seen:
                err("item_code", N_("ข้อมูลซ้ำกับบรรทัดที่ %(line)s (ปี อปท. งวด และรายการเดียวกัน)"), line=seen[key])
            else:
                seen[key] = row.line
        if errs:
            plan.errors.extend(errs)
            bad_groups.add((year, number, v["lao_code"]))  # its completeness would only repeat this error
            continue
        if year is None or number is None or item_id is None or satang is None:  # each would have been an error
            raise RuntimeError(f"line {row.line}: a row without errors lacks a value")
        valid.append((row, year, number, v["lao_code"], item_id, satang))
    plan.years_to_create = sorted(new_years)
    if not valid:
        plan.errors.sort(key=lambda e: e.line)
        return plan

    inst_ids = list({installments[(y, n)][0] for _r, y, n, *_ in valid if (y, n) in installments})
    existing: dict[tuple[int, int, int], tuple[int, int]] = {}
    reports: dict[tuple[int, int], tuple[int, str]] = {}
    for chunk in _chunks(inst_ids, 200):
        for eid, lid, iid, item, amount in db.session.execute(
            select(Entry.id, Entry.lao_id, Entry.installment_id, Entry.item_id, Entry.amount_satang)
            .where(Entry.installment_id.in_(chunk))
        ):
            existing[(lid, iid, item)] = (eid, amount)
        for rid, lid, iid, status in db.session.execute(
            select(InstallmentReport.id, InstallmentReport.lao_id, InstallmentReport.installment_id,
                   InstallmentReport.status).where(InstallmentReport.installment_id.in_(chunk))
        ):
            reports[(lid, iid)] = (rid, status)

    code_of_item = {i: c for c, i in item_ids.items()}
    have_items: dict[tuple[int, int], set[str]] = defaultdict(set)  # (lao, installment) -> item codes in DB
    for lid, iid, item in existing:
        have_items[(lid, iid)].add(code_of_item[item])
    groups: dict[tuple[int, int, str], dict] = {}
    for row, year, number, lao_code, item_id, satang in valid:
        lao_id, lao_type = laos[lao_code]
        inst_id = installments[(year, number)][0] if (year, number) in installments else None
        group = groups.setdefault((year, number, lao_code), {"line": row.line, "items": set(), "changed": False,
                                                              "lao": (lao_id, lao_type), "iid": inst_id})
        group["items"].add(code_of_item[item_id])
        plan.total_satang += satang
        old = existing.get((lao_id, inst_id, item_id)) if inst_id else None
        change = EntryChange(row.line, lao_code, lao_id, year, number, code_of_item[item_id], item_id, satang)
        if old is None:
            plan.creates.append(change)
        elif old[1] != satang:
            change.entry_id, change.old_satang = old
            plan.updates.append(change)
        else:
            plan.unchanged += 1
            continue
        group["changed"] = True
        report = reports.get((lao_id, inst_id)) if inst_id is not None else None
        if not confirm and report and report[1] == Status.CONFIRMED.value:
            plan.errors.append(RowError(row.line, "amount", N_(
                "งวดที่ %(n)s ปีงบประมาณ %(year)s ของ %(lao)s ยืนยันข้อมูลแล้ว แก้ไขไม่ได้ "
                "(ผู้ดูแลระบบนำเข้าแบบยืนยันข้อมูลได้)"), {"n": number, "year": year, "lao": lao_code}))

    target = Status.CONFIRMED.value if confirm else Status.RECORDED.value
    for (year, number, lao_code), g in groups.items():
        lao_id, lao_type = g["lao"]
        if not baseline and (year, number, lao_code) not in bad_groups:  # every item, as on the entry form
            missing = sorted(items_of(lao_type, year) - g["items"] - have_items.get((lao_id, g["iid"]), set()))
            if missing:
                plan.errors.append(RowError(g["line"], "item_code", N_(
                    "%(lao)s งวดที่ %(n)s ขาดรายการ %(items)s (ต้องมีครบทุกรายการเหมือนแบบฟอร์มบันทึก)"),
                    {"lao": lao_code, "n": number, "items": ", ".join(missing)}))
        report = reports.get((lao_id, g["iid"])) if g["iid"] else None
        if report is None:
            plan.reports.append(ReportChange(lao_id, year, number, target))
        elif g["changed"] or (confirm and report[1] != target):
            # changed figures are (re)recorded or (re)confirmed now; unchanged ones only move to confirmed
            plan.reports.append(ReportChange(lao_id, year, number, target, report[0], report[1]))
    plan.errors.sort(key=lambda e: e.line)
    return plan


def _chunks(values: list, size: int):
    for start in range(0, len(values), size):
        yield values[start:start + size]


# ---------------------------------------------------------------------------------------------------
# Applying a checked plan (all or nothing)


def apply_lao_plan(plan: LaoPlan) -> None:
    """Write a checked plan with two executemany statements."""
    # A declarative class's __table__ is typed FromClause; a mapped class's is a Table.
    table = cast(Table, Lao.__table__)
    if plan.creates:
        db.session.execute(insert(table), [dict(code=c.code, active=True, **c.values) for c in plan.creates])
    if plan.updates:
        fields = list(plan.updates[0].values)
        moving = [c.lao_id for c in plan.updates if {"province", "lao_type"} & set(c.new)]  # keys of the rollup
        with totals.replacing(totals.whole_laos(c for c in moving if c is not None)):
            db.session.execute(
                update(table).where(table.c.id == bindparam("b_id")).values({f: bindparam(f"b_{f}") for f in fields}),
                [{"b_id": c.lao_id, **{f"b_{f}": c.values[f] for f in fields}} for c in plan.updates],
            )


def import_laos(actor: User | None, ip: str | None, upload: Upload, *, dry_run: bool,
                progress: ProgressFn | None = None) -> LaoPlan:
    """Check an LAO register file and, unless `dry_run` or any row is bad, apply it all; returns the plan.

    Idempotent: rows equal to the register change nothing (and write no audit event). Raises
    NotPermittedError, DomainError('file') for an unreadable file.
    """
    check_admin(actor)
    rows = read_rows(upload, LAO_COLUMNS)
    if not dry_run:
        db.begin_write()  # check inside the write transaction, so what is applied is what was checked
    plan = plan_laos(rows, progress)
    if dry_run or plan.errors or not plan.has_changes:
        return plan
    apply_lao_plan(plan)
    old = {f"{c.code}.{k}": v for c in plan.updates for k, v in c.old.items()}
    new = {f"{c.code}.{k}": v for c in plan.updates for k, v in c.new.items()}
    audit.record(actor, ip, AuditAction.LAO_IMPORT, "import", upload.sha256, old=old or None,
                 new={"file": upload.filename, "sha256": upload.sha256, "rows": plan.rows,
                      "created": len(plan.creates), "changed": len(plan.updates),
                      "created_codes": [c.code for c in plan.creates], **new})
    db.session.flush()
    return plan

def _installment_ids(years: set[int]) -> dict[tuple[int, int], int]:
    rows = db.session.execute(select(Installment.fiscal_year_id, Installment.number, Installment.id)
                              .where(Installment.fiscal_year_id.in_(list(years))))
    return {(y, n): i for y, n, i in rows}

def _apply_figures_plan(actor: User | None, plan: FiguresPlan, now) -> None:
    """Write a checked plan: missing years, entries and reports with executemany statements."""
    for year in plan.years_to_create:
        create_fiscal_year(year, "annual")
    years = {c.year for c in plan.creates + plan.updates} | {r.year for r in plan.reports}
    inst = _installment_ids(years)
    touched = totals.pairs([(c.lao_id, inst[(c.year, c.installment)]) for c in plan.creates + plan.updates]
                           + [(r.lao_id, inst[(r.year, r.installment)]) for r in plan.reports])
    with totals.replacing(touched):  # the rollup follows these Core statements in the same transaction
        _write_figures(actor, plan, inst, now)
    snapshots.capture([(r.lao_id, inst[(r.year, r.installment)]) for r in plan.reports], event="import", at=now,
                      actor=actor, source="import")


def _write_figures(actor: User | None, plan: FiguresPlan, inst: dict[tuple[int, int], int], now) -> None:
    """The entries and reports of a checked plan, with executemany statements."""
    # A declarative class's __table__ is typed FromClause; a mapped class's is a Table.
    entries = cast(Table, Entry.__table__)
    if plan.creates:
        db.session.execute(insert(entries), [
            {"lao_id": c.lao_id, "installment_id": inst[(c.year, c.installment)], "item_id": c.item_id,
             "amount_satang": c.satang, "explanation": None} for c in plan.creates])
    if plan.updates:
        db.session.execute(
            update(entries).where(entries.c.id == bindparam("b_id")).values(amount_satang=bindparam("b_amount")),
            [{"b_id": c.entry_id, "b_amount": c.satang} for c in plan.updates])
    actor_id = actor.id if actor is not None else None
    confirmed = plan.confirm
    # recorded_late/confirmed_late stay False: an import loads figures from elsewhere, it is not the LAO's lateness
    stamp = {"status": Status.CONFIRMED.value if confirmed else Status.RECORDED.value,
             "recorded_by_id": actor_id, "recorded_at": now,
             "confirmed_by_id": actor_id if confirmed else None, "confirmed_at": now if confirmed else None,
             "confirmer_name": ((actor.full_name or actor.username) if actor else "system") if confirmed else None}
    reports = cast(Table, InstallmentReport.__table__)
    new_reports = [r for r in plan.reports if r.report_id is None]
    if new_reports:
        db.session.execute(insert(reports), [
            {"lao_id": r.lao_id, "installment_id": inst[(r.year, r.installment)], "recorded_late": False,
             "confirmed_late": False, "version": 1, **stamp} for r in new_reports])
    changed_reports = [r for r in plan.reports if r.report_id is not None]
    if changed_reports:
        # Core statements bypass the ORM's version counter: bump it so open forms see the change
        db.session.execute(
            update(reports).where(reports.c.id == bindparam("b_id"))
            .values(version=reports.c.version + 1, return_reason=None,
                    **{k: bindparam(f"b_{k}") for k in stamp}),
            [{"b_id": r.report_id, **{f"b_{k}": v for k, v in stamp.items()}} for r in changed_reports])

def import_figures(actor: User | None, ip: str | None, upload: Upload, kind: str, *, confirm: bool = False,
                   dry_run: bool, today: date, ceiling: Decimal, progress: ProgressFn | None = None) -> FiguresPlan:
    """Check a baseline or entries file and, unless `dry_run` or any row is bad, apply it all; returns the plan.

    Baselines are stored as confirmed (their missing years created as annual years); entries as recorded,
    or as confirmed with `confirm` (administrators only). One audit event names the file's SHA-256 and
    row count. Idempotent: a file equal to the database changes nothing and writes no event.
    Raises NotPermittedError, DomainError('file') for an unreadable file.
    """
    check_admin(actor)
    if kind not in ("baseline", "entries"):
        raise DomainError("kind", N_("ไม่รู้จักชนิดข้อมูลนำเข้า"))
    columns = BASELINE_COLUMNS if kind == "baseline" else ENTRY_COLUMNS
    rows = read_rows(upload, columns)
    if not dry_run:
        db.begin_write()
    plan = plan_figures(rows, kind, confirm=confirm, today=today, ceiling=ceiling, progress=progress)
    if dry_run or plan.errors or not plan.has_changes:
        return plan
    now = utcnow()
    _apply_figures_plan(actor, plan, now)
    changes = plan.updates[:MAX_AUDIT_DETAILS]
    key = "{0.lao_code}/{0.year}/{0.installment}/{0.item_code}".format
    audit.record(
        actor, ip, AuditAction(f"{kind}_import"), "import", upload.sha256,
        old={key(c): plain_baht(from_satang(c.old_satang)) for c in changes} or None,
        new={"file": upload.filename, "sha256": upload.sha256, "rows": plan.rows, "confirmed": plan.confirm,
             "entries_created": len(plan.creates), "entries_changed": len(plan.updates),
             "entries_unchanged": plan.unchanged, "reports": len(plan.reports),
             "years_created": plan.years_to_create, "total": plain_baht(from_satang(plan.total_satang)),
             **{key(c): plain_baht(from_satang(c.satang)) for c in changes}},
    )
    db.session.flush()
    return plan
