"""The scorecard as an xlsx sheet in the summary-form layout, through the app's safe export writers."""

import pandas as pd
from flask_babel import gettext as _

from ..domain.kpi import CATEGORIES
from ..reports.exports import Column, Sheet, xlsx_bytes
from .scorecard import Scorecard


def scorecard_xlsx(card: Scorecard) -> bytes:
    """One sheet: group rows with their subtotals, a row per KPI (unit, thresholds, result, score, weight,
    weighted score, status), the total row; the completeness line among the notes."""
    columns = [Column("kpi", _("ตัวชี้วัด")), Column("unit", _("หน่วยวัด"), "code"), Column("category", _("ประเภท อปท."), "code"),
               Column("weight", _("น้ำหนัก (ร้อยละ)"), "pct"),
               *[Column(f"t{n}", _("ระดับ %(n)s", n=n), "money") for n in range(1, 6)],
               Column("result", _("ผลการดำเนินงาน"), "money"), Column("score", _("คะแนนที่ได้"), "score"),
               Column("weighted", _("คะแนนถ่วงน้ำหนัก"), "score"), Column("status", _("สถานะ"), "code")]
    records: list[dict] = []
    bold: set[int] = set()
    for group in card.groups:
        if group.name:
            bold.add(len(records))
            records.append({"kpi": group.name, "weight": group.weight_pct, "weighted": group.weighted})
        for line in group.lines:
            status = "" if line.met is None else (_("บรรลุ") if line.met else _("ไม่บรรลุ"))
            records.append({
                "kpi": f"{line.kpi.code} {line.kpi.name_th}", "unit": line.kpi.unit,
                "category": _(CATEGORIES[line.kpi.category]), "weight": line.weight_pct,
                **{f"t{n}": t for n, t in enumerate(line.kpi.thresholds, start=1)},
                "result": line.result, "score": line.score if line.applicable else None, "weighted": line.weighted,
                "status": status if line.applicable else _("ไม่วัดในรอบนี้")})
    bold.add(len(records))
    records.append({"kpi": _("รวม"), "weight": card.weight_pct, "weighted": card.total})
    place = card.province.name_th if card.province else _("ทั้งประเทศ")
    notes = [place, card.round.name if card.round else ""]
    if card.completeness is not None:
        notes.append(_("ข้อมูลที่ยืนยันแล้ว %(n)s จาก %(m)s งวด-แห่ง (ร้อยละ %(pct)s)", n=f"{card.confirmed:,}",
                       m=f"{card.expected:,}", pct=f"{card.completeness:.2f}"))
    frame = pd.DataFrame.from_records(records, columns=[c.key for c in columns])
    sheet = Sheet(name=_("คะแนน KPI"), title=_("แบบสรุปผลการดำเนินงานตามตัวชี้วัด ปีงบประมาณ %(year)s", year=card.year),
                  notes=notes, df=frame, columns=columns, bold_rows=bold, freeze_columns=1)
    return xlsx_bytes([sheet])
