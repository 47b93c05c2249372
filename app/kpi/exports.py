"""The scorecard as an xlsx sheet in the summary-form layout, through the app's safe export writers."""

import pandas as pd
from flask_babel import gettext as _

from .. import reference
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


def evaluation_xlsx(ev, province) -> bytes:
    """Two sheets: every LAO evaluated (ranks in its province and nationally), and the provincial offices."""
    lao_columns = [Column("rank_province", _("อันดับในจังหวัด"), "int"), Column("rank_national", _("อันดับทั้งประเทศ"), "int"),
                   Column("lao_code", _("รหัส อปท."), "code"), Column("lao_name", _("ชื่อ อปท.")),
                   Column("province", _("จังหวัด")), Column("due", _("งวดที่ถึงกำหนด"), "int"),
                   Column("on_time", _("บันทึกทันกำหนด (งวด)"), "int"), Column("on_time_pct", _("ร้อยละที่ทันกำหนด"), "pct"),
                   Column("days_late", _("ล่าช้ารวม (วัน)"), "int"), Column("growth_pct", _("ร้อยละการเพิ่มขึ้น"), "pct"),
                   Column("score", _("คะแนน"), "score")]
    provinces = reference.current().provinces
    laos = [{"rank_province": x.rank_province, "rank_national": x.rank_national, "lao_code": x.lao.code,
             "lao_name": x.lao.name_th, "province": provinces[x.lao.province_id].name_th, "due": x.result.due,
             "on_time": x.result.on_time, "on_time_pct": x.result.on_time_pct, "days_late": x.result.days_late,
             "growth_pct": x.result.growth_pct, "score": x.result.score} for x in ev.laos]
    office_columns = [Column("rank", _("อันดับ"), "int"), Column("province", _("สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด")),
                      Column("due", _("งวดที่ถึงกำหนดยืนยัน"), "int"), Column("on_time", _("ยืนยันทันกำหนด (งวด)"), "int"),
                      Column("on_time_pct", _("ร้อยละที่ทันกำหนด"), "pct"), Column("days_late", _("ล่าช้ารวม (วัน)"), "int"),
                      Column("complete_pct", _("ร้อยละ อปท. ที่ยืนยันครบ"), "pct"), Column("score", _("คะแนน"), "score")]
    offices = [{"rank": o.rank, "province": o.province.name_th, "due": o.result.due, "on_time": o.result.on_time,
                "on_time_pct": o.result.on_time_pct, "days_late": o.result.days_late,
                "complete_pct": o.result.complete_pct, "score": o.result.score} for o in ev.offices]
    place = province.name_th if province is not None else _("ทั้งประเทศ")
    title = _("ผลการประเมิน ปีงบประมาณ %(year)s รอบที่ %(n)s", year=ev.year, n=ev.round_no)
    return xlsx_bytes([
        Sheet(_("อปท."), title, [place], pd.DataFrame.from_records(laos, columns=[c.key for c in lao_columns]),
              lao_columns, freeze_columns=4),
        Sheet(_("สถจ."), title, [place], pd.DataFrame.from_records(offices, columns=[c.key for c in office_columns]),
              office_columns, freeze_columns=2),
    ])
