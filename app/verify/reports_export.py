"""INR911 and the progress matrix as xlsx and CSV a Thai office can file: Thai headers, Thai labels, totals rows.

Written through the app's safe export writers (app.reports.exports): string cells in xlsx, formula-safe CSV
text with a BOM. The CSV header is the column key, so the keys here are the Thai headers themselves; dates are
real date cells in xlsx and B.E. `dd/mm/yyyy` text in CSV.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from flask_babel import gettext as _

from ..domain.money import shares
from ..domain.thai_sort import thai_sort_key
from ..domain.vocabulary import RECORDED_STATUSES
from ..models import Installment
from ..reports.exports import Column, Sheet, csv_bytes, frame, xlsx_bytes
from ..web import show_date, status_label, to_local
from .queries import MARK_NOT_RECORDED, MARKS, Matrix, ProvinceStatus, StatusReport
from .selection import type_label


def _col(header: str, kind: str = "text") -> Column:
    """A column whose key is its Thai header (the CSV header row is then Thai too)."""
    return Column(header, header, kind)


def be_date(d: date | datetime | None) -> str | None:
    """A date as B.E. `dd/mm/yyyy` (CSV cells), None for none."""
    if d is None:
        return None
    local = to_local(d).date() if isinstance(d, datetime) else d
    return f"{local.day:02d}/{local.month:02d}/{local.year + 543}"


def _day(d: datetime | None) -> date | None:
    """The local calendar day of a UTC timestamp (xlsx date cells)."""
    return to_local(d).date() if d is not None else None


# --------------------------------------------------------------------------- INR911


def status_summary_columns(national: bool) -> list[Column]:
    """Columns of the INR911 summary: one line per province (whole country) or per district (a province)."""
    return [
        _col(_("จังหวัด") if national else _("อำเภอ")),
        _col(_("อปท. ทั้งหมด (แห่ง)"), "int"),
        _col(_("บันทึกแล้ว (แห่ง)"), "int"),
        _col(_("บันทึกแล้ว (ร้อยละ)"), "pct"),
        _col(_("ยังไม่บันทึก (แห่ง)"), "int"),
        _col(_("ยังไม่บันทึก (ร้อยละ)"), "pct"),
    ]


def status_summary_records(report: StatusReport, by_province: list[ProvinceStatus] | None) -> list[dict]:
    """The summary lines and the totals line last (its counts are the sums of the lines)."""
    columns = status_summary_columns(by_province is not None)
    keys = [c.key for c in columns]
    lines: list[tuple[str, int, int, object, object]] = []
    if by_province is not None:
        lines = [(p.province_name, p.total, p.recorded, p.recorded_pct, p.not_recorded_pct) for p in by_province]
    else:
        per: dict[str, list[int]] = {}
        for r in report.recorded + report.not_recorded:
            counts = per.setdefault(r.district_name, [0, 0])
            counts[0] += 1
            counts[1] += 1 if r.status in RECORDED_STATUSES else 0
        for name in sorted(per, key=thai_sort_key):
            total, recorded = per[name]
            pct_rec, pct_not = shares([recorded, total - recorded])
            lines.append((name, total, recorded, pct_rec, pct_not))
    out = [dict(zip(keys, (name, total, rec, pct_rec, total - rec, pct_not)))
           for name, total, rec, pct_rec, pct_not in lines]
    out.append(dict(zip(keys, (_("รวม"), report.total, report.recorded_count, report.recorded_pct,
                               report.not_recorded_count, report.not_recorded_pct))))
    return out


def status_list_columns(national: bool, for_csv: bool) -> list[Column]:
    """Columns of the INR911 list of LAOs (recorded first, then not recorded)."""
    columns = [_col(_("ลำดับ"), "int"), _col(_("รหัส อปท."), "code"), _col(_("ชื่อ อปท.")), _col(_("ประเภท"))]
    if national:
        columns.append(_col(_("จังหวัด")))
    columns += [_col(_("อำเภอ")), _col(_("การบันทึก")), _col(_("สถานะ")),
                _col(_("วันที่บันทึก"), "code" if for_csv else "date"), _col(_("บันทึกล่าช้า"))]
    return columns


def status_list_records(report: StatusReport, national: bool, for_csv: bool) -> list[dict]:
    """One record per LAO: the recorded ones, then those that did not record."""
    columns = status_list_columns(national, for_csv)
    keys = [c.key for c in columns]
    t_rec, t_not, t_late = _("บันทึกแล้ว"), _("ยังไม่บันทึก"), _("ล่าช้า")
    out = []
    for i, r in enumerate(report.recorded + report.not_recorded, start=1):
        recorded = r.status in RECORDED_STATUSES
        values = [i, r.lao_code, r.lao_name, type_label(r.lao_type)]
        if national:
            values.append(r.province_name)
        values += [r.district_name, t_rec if recorded else t_not, status_label(r.status) if recorded else "",
                   be_date(r.recorded_at) if for_csv else _day(r.recorded_at), t_late if r.recorded_late else ""]
        out.append(dict(zip(keys, values)))
    return out


def _status_title(inst: Installment) -> str:
    """The title line of the INR911 exports."""
    return _("สถานะการบันทึกข้อมูล (INR911) ปีงบประมาณ %(year)s งวดที่ %(n)s", year=inst.fiscal_year_id,
             n=inst.number)


def status_csv(report: StatusReport, by_province: list[ProvinceStatus] | None) -> bytes:
    """INR911 as CSV: the summary lines with the totals line (Thai headers)."""
    columns = status_summary_columns(by_province is not None)
    return csv_bytes(frame(status_summary_records(report, by_province), columns), columns)


def status_xlsx(report: StatusReport, by_province: list[ProvinceStatus] | None, inst: Installment,
                place: str) -> bytes:
    """INR911 as xlsx: the summary sheet (totals row in bold) and the list of every LAO."""
    national = by_province is not None
    summary_cols = status_summary_columns(national)
    summary = status_summary_records(report, by_province)
    list_cols = status_list_columns(national, for_csv=False)
    notes = [place, _("ทั้งหมด %(n)s แห่ง", n=f"{report.total:,}")]
    if report.as_of is not None:
        notes.append(_("ข้อมูล ณ %(at)s (ตามที่บันทึกและยืนยันไว้ในขณะนั้น)", at=show_date(report.as_of)))
    return xlsx_bytes([
        Sheet(name=_("สรุป"), title=_status_title(inst), notes=notes, df=frame(summary, summary_cols),
              columns=summary_cols, bold_rows={len(summary) - 1}, freeze_columns=1),
        Sheet(name=_("รายชื่อ อปท."), title=_status_title(inst), notes=notes,
              df=frame(status_list_records(report, national, for_csv=False), list_cols), columns=list_cols,
              freeze_columns=3),
    ])


# --------------------------------------------------------------------------- progress matrix


def matrix_columns(grid: Matrix) -> list[Column]:
    """Columns of the matrix: the LAO, then one per installment (its mark; the totals rows hold counts)."""
    return [_col(_("ลำดับ"), "int"), _col(_("รหัส อปท."), "code"), _col(_("ชื่อ อปท.")), _col(_("ประเภท")),
            _col(_("อำเภอ"))] + [_col(_("งวดที่ %(n)s", n=inst.number), "int") for inst in grid.installments] + [
            _col(_("บันทึกแล้ว (งวด)"), "int")]


def matrix_records(grid: Matrix, mark_label: Callable[[str], str]) -> list[dict]:
    """One record per LAO with the mark labels, then the totals rows (counts per installment)."""
    columns = matrix_columns(grid)
    keys = [c.key for c in columns]
    n_inst = len(grid.installments)
    labels = {m: mark_label(m) for m in (*MARKS, "open")}
    out = []
    for i, row in enumerate(grid.rows, start=1):
        done = sum(1 for m in row.marks if m not in (MARK_NOT_RECORDED, "open"))
        out.append(dict(zip(keys, [i, row.lao_code, row.lao_name, type_label(row.lao_type), row.district_name,
                                   *(labels[m] for m in row.marks), done])))
    for key, label in (("done", _("บันทึกแล้ว (ทุกสถานะ)")), ("confirmed", labels["confirmed"]),
                       ("not_recorded", labels[MARK_NOT_RECORDED])):
        counts = [c[key] for c in grid.column_counts]
        last = sum(counts) if key == "done" else None
        out.append(dict(zip(keys, [None, None, label, None, None, *counts[:n_inst], last])))
    return out


def _matrix_title(grid: Matrix) -> str:
    """The title line of the matrix exports."""
    return _("ความก้าวหน้ารายงวด ปีงบประมาณ %(year)s", year=grid.fiscal_year)


def matrix_csv(grid: Matrix, mark_label: Callable[[str], str]) -> bytes:
    """The matrix as CSV (Thai headers and marks, totals rows last)."""
    columns = matrix_columns(grid)
    return csv_bytes(frame(matrix_records(grid, mark_label), columns), columns)


def matrix_xlsx(grid: Matrix, mark_label: Callable[[str], str], place: str) -> bytes:
    """The matrix as one xlsx sheet with its totals rows in bold."""
    columns = matrix_columns(grid)
    records = matrix_records(grid, mark_label)
    return xlsx_bytes([Sheet(
        name=_("ความก้าวหน้า"), title=_matrix_title(grid),
        notes=[place, _("ทั้งหมด %(n)s แห่ง", n=f"{len(grid.rows):,}")],
        df=frame(records, columns), columns=columns, bold_rows=set(range(len(grid.rows), len(records))),
        freeze_columns=3,
    )])
