"""The KPI definition form: every field as text, checked by app.domain.kpi.parse_definition (all errors at once)."""

from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Optional

from ..domain.errors import DomainError
from ..domain.kpi import CATEGORIES, DIRECTIONS, MEASURES, PENALTIES, parse_number
from ..web import BuddhistDateField, BuddhistYearWindow

TEXT_FIELDS = ("code", "name", "group", "unit", "direction", "measure", "category", "points", "t1", "t2", "t3", "t4",
               "t5", "rounds", "base_year", "penalty", "first_half_weight")


def _choices(labels: dict[str, str]) -> list[SelectChoice]:
    """SelectField choices from {value: label msgid} (labels translated when shown)."""
    return [SelectChoice(key, _l(label)) for key, label in labels.items()]


class KpiForm(FlaskForm):
    """A KPI of a fiscal year as the summary form states it; `from_round` for a revision."""

    code = StringField(_l("รหัสตัวชี้วัด"), render_kw={"maxlength": 40, "autocapitalize": "characters"})
    name = StringField(_l("ชื่อตัวชี้วัด"), render_kw={"maxlength": 300})
    group = StringField(_l("กลุ่มตัวชี้วัด"), render_kw={"maxlength": 200})
    unit = StringField(_l("หน่วยวัด"), render_kw={"maxlength": 40})
    direction = SelectField(_l("ทิศทาง"), choices=_choices(DIRECTIONS), default="higher")
    measure = SelectField(_l("สิ่งที่วัด"), choices=_choices(MEASURES), default="amount_million")
    category = SelectField(_l("ประเภท อปท."), choices=_choices(CATEGORIES), default="ALL")
    points = StringField(_l("น้ำหนัก (คะแนน)"), render_kw={"inputmode": "decimal"})
    t1 = StringField(_l("ระดับ 1"), render_kw={"inputmode": "decimal"})
    t2 = StringField(_l("ระดับ 2"), render_kw={"inputmode": "decimal"})
    t3 = StringField(_l("ระดับ 3"), render_kw={"inputmode": "decimal"})
    t4 = StringField(_l("ระดับ 4"), render_kw={"inputmode": "decimal"})
    t5 = StringField(_l("ระดับ 5"), render_kw={"inputmode": "decimal"})
    rounds = StringField(_l("รอบที่วัด (เลขรอบ คั่นด้วยจุลภาค)"), default="1")
    base_year = StringField(_l("ปีฐาน (พ.ศ.)"), render_kw={"inputmode": "numeric", "maxlength": 4})
    deadline = BuddhistDateField(_l("กำหนดส่งรายงาน"), validators=[Optional(), BuddhistYearWindow(ahead=2)])
    penalty = SelectField(_l("การหักคะแนนเมื่อส่งล่าช้า"), choices=_choices(PENALTIES), default="none")
    first_half_weight = StringField(_l("วัดแยกครึ่งปี: น้ำหนักครึ่งปีแรก (ร้อยละ)"), render_kw={"inputmode": "decimal"})
    from_round = SelectField(_l("ใช้ตั้งแต่รอบที่"), choices=[], validate_choice=False)
    submit = SubmitField(_l("บันทึกตัวชี้วัด"))

    def raw(self) -> dict[str, object]:
        """What was typed, for parse_definition (the deadline already a date or None)."""
        data: dict[str, object] = {name: self[name].data for name in TEXT_FIELDS}
        data["deadline"] = self.deadline.data
        return data

    def field_for_error(self, name: str):
        """The field a domain error names (refuse() puts the message there)."""
        return self[name] if name in self._fields else None


class ScorecardForm(FlaskForm):
    """The reporter block and report date of a scorecard; the explanations are textareas named explain_<KPI code>
    (read by the view), their errors kept in `explain_errors`."""

    reporter_name = StringField(_l("ชื่อผู้รายงาน"), render_kw={"maxlength": 200})
    reporter_position = StringField(_l("ตำแหน่ง"), render_kw={"maxlength": 200})
    reporter_unit = StringField(_l("หน่วยงาน"), render_kw={"maxlength": 200})
    reporter_phone = StringField(_l("โทรศัพท์"), render_kw={"maxlength": 50})
    report_date = BuddhistDateField(_l("วันที่รายงาน"), validators=[Optional(), BuddhistYearWindow()])
    version = HiddenField()
    submit = SubmitField(_l("ส่งแบบสรุปผล"))

    def __init__(self, *args, **kwargs) -> None:
        """The form, with no explanation errors yet."""
        super().__init__(*args, **kwargs)
        self.explain_errors: dict[str, SimpleNamespace] = {}

    def field_for_error(self, name: str):
        """Where refuse() puts a domain error: an explanation's error holder, or the named field."""
        if name.startswith("explain_"):
            return self.explain_errors.setdefault(name, SimpleNamespace(errors=[]))
        return self[name] if name in self._fields and name != "version" else None  # a conflict is flashed


class EvaluationRulesForm(FlaskForm):
    """The year's evaluation thresholds (five per part) and the weights of punctuality, typed as numbers."""

    submit = SubmitField(_l("บันทึกเกณฑ์การประเมิน"))

    def raw(self) -> dict:
        """What was typed, as app.domain.evaluation.rules_from reads it (numbers with separators or Thai digits
        are normalised by parse_number; anything else is left for it to refuse)."""
        def number(name: str) -> str:
            """The field's number as plain text, or a marker the rules refuse."""
            try:
                return str(parse_number(self[name].data, name))
            except DomainError:
                return "x"
        out: dict = {part: [number(f"{part}_{n}") for n in range(1, 6)] for part in ("punctuality", "growth", "complete")}
        out["lao_punctuality_weight"] = number("lao_weight")
        out["office_punctuality_weight"] = number("office_weight")
        return out

    def field_for_error(self, name: str):
        """Where a part's error shows: its first threshold, or the weight."""
        if name in ("punctuality", "growth", "complete"):
            return self[f"{name}_1"]
        return {"lao_punctuality_weight": self.lao_weight, "office_punctuality_weight": self.office_weight}.get(name)


for _part in ("punctuality", "growth", "complete"):
    for _n in range(1, 6):
        setattr(EvaluationRulesForm, f"{_part}_{_n}", StringField(_l("ระดับ %(n)s", n=_n), render_kw={"inputmode": "decimal"}))
EvaluationRulesForm.lao_weight = StringField(_l("น้ำหนักความตรงเวลาของ อปท. (ร้อยละ)"))
EvaluationRulesForm.office_weight = StringField(_l("น้ำหนักการยืนยันตรงเวลาของ สถจ. (ร้อยละ)"))
