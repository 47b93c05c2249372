"""The follow-up list (LAOs that have not recorded) as CSV or xlsx, through the app's safe export writers.

The writers of app.reports.exports do the formula-injection protection (string cells in xlsx, an
apostrophe before a CSV text cell that starts like a formula) and the UTF-8 BOM of web CSV files.
"""

from flask_babel import gettext as _

from ..models import Installment
from ..reports.exports import Column, Sheet, csv_bytes, frame, xlsx_bytes
from .selection import type_label


def followup_columns() -> list[Column]:
    """Columns of the follow-up list: machine keys (CSV header) and Thai headers (xlsx)."""
    return [
        Column("no", _("ลำดับ"), "int"),
        Column("lao_code", _("รหัส อปท."), "code"),
        Column("lao_name", _("ชื่อ อปท.")),
        Column("lao_type", _("ประเภท"), "code"),
        Column("district", _("อำเภอ")),
        Column("province", _("จังหวัด")),
        Column("contact_name", _("ผู้ติดต่อ")),
        Column("contact_position", _("ตำแหน่ง")),
        Column("contact_phone", _("โทรศัพท์"), "code"),
        Column("last_recorded", _("บันทึกครั้งล่าสุด"), "date"),
    ]


def _records(followup: list) -> list[dict]:
    """One dict per follow-up row keyed like followup_columns()."""
    return [
        {"no": i, "lao_code": r.lao_code, "lao_name": r.lao_name, "lao_type": type_label(r.lao_type),
         "district": r.district_name, "province": r.province_name, "contact_name": r.contact_name,
         "contact_position": r.contact_position, "contact_phone": r.contact_phone,
         "last_recorded": r.last_recorded_at.date() if r.last_recorded_at else None}
        for i, r in enumerate(followup, start=1)
    ]


def followup_csv(followup: list) -> bytes:
    """The follow-up list as CSV (UTF-8 with BOM, text cells formula-safe)."""
    columns = followup_columns()
    return csv_bytes(frame(_records(followup), columns), columns)


def followup_xlsx(followup: list, installment: Installment, place: str) -> bytes:
    """The follow-up list as an xlsx sheet titled with the installment and the place (string cells only)."""
    columns = followup_columns()
    sheet = Sheet(
        name=_("ยังไม่บันทึก"),
        title=_("อปท. ที่ยังไม่บันทึกข้อมูล ปีงบประมาณ %(year)s งวดที่ %(n)s", year=installment.fiscal_year_id,
                n=installment.number),
        notes=[place, _("ทั้งหมด %(n)s แห่ง", n=len(followup))],
        df=frame(_records(followup), columns),
        columns=columns,
        freeze_columns=3,
    )
    return xlsx_bytes([sheet])
