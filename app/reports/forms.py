"""Forms of the reports area: the report selectors (GET, no CSRF) and the KPI settings (POST, CSRF)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain import comparison as cmp
from ..params import whole
from ..web import BuddhistDateField


# The pages' default is like-for-like: mid-year most LAOs are not confirmed yet, so "confirmed only" puts
# a fall on screen that is only missing confirmations (base year complete, current year partial), and
# "everything recorded" mixes in unchecked figures. Comparing only the LAOs confirmed in both periods
# answers "how is collection going" on checked figures without that distortion; the coverage beside
# each headline says how many LAOs it rests on. (The CLI and API keep "confirmed", their documented default.)
DEFAULT_STATUS = cmp.STATUS_LIKE_FOR_LIKE


def _status_choices() -> list[SelectChoice]:
    """The data selectors: like-for-like first (the default), then confirmed only and everything recorded."""
    return [
        SelectChoice(cmp.STATUS_LIKE_FOR_LIKE, _l("เฉพาะ อปท. ที่ยืนยันแล้วทั้งสองช่วง (เทียบกันได้)")),
        SelectChoice(cmp.STATUS_CONFIRMED, _l("เฉพาะที่ สถจ. ยืนยันแล้ว")),
        SelectChoice(cmp.STATUS_RECORDED, _l("ทั้งหมดที่ อปท. บันทึก")),
    ]


class _SelectorForm(FlaskForm):
    """A GET form that only selects what a report shows: no CSRF token, nothing changes."""

    class Meta:
        """No CSRF token on a GET selector form."""

        csrf = False


class ComparisonForm(_SelectorForm):
    """Selectors of the comparison report (INF508)."""

    base = SelectField(_l("ฐานข้อมูลปี"), coerce=whole, validate_choice=False)
    year = SelectField(_l("ปีงบประมาณ"), coerce=whole, validate_choice=False)
    through = SelectField(_l("ถึงงวด / รอบ"), validate_choice=False)
    basis = SelectField(_l("ฐานการเปรียบเทียบ"), choices=[
        SelectChoice(cmp.BASIS_SAME_PERIOD, _l("ช่วงเดียวกันของปีฐาน")),
        SelectChoice(cmp.BASIS_FULL_YEAR, _l("ทั้งปีของปีฐาน (ค่าเป้าหมาย)")),
    ], default=cmp.BASIS_SAME_PERIOD)
    status = SelectField(_l("ข้อมูลที่นับ"), choices=_status_choices(), default=DEFAULT_STATUS)
    cats = SelectMultipleField(_l("ประเภท อปท. ที่แสดง"), choices=[
        SelectChoice("pao", _l("อบจ.")), SelectChoice("mun", _l("เทศบาล")), SelectChoice("sao", _l("อบต.")),
    ], default=["pao", "mun", "sao"], widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    order = SelectField(_l("เรียงตาม"), choices=[
        SelectChoice("name", _l("ชื่อ (ก–ฮ)")), SelectChoice("code", _l("รหัส")),
    ], default="name")
    # the figures as they stood at a past moment (app/params.moment reads both; blank: now)
    as_of_date = BuddhistDateField(_l("ข้อมูล ณ วันที่ (ย้อนหลัง)"))
    as_of_time = StringField(_l("เวลา"), render_kw={"placeholder": _l("ชช:นน"), "inputmode": "numeric",
                                                    "autocomplete": "off", "maxlength": 5})
    submit = SubmitField(_l("แสดงรายงาน"))

    def field_for_error(self, name: str | None):
        """The selector an error names (the operation's base_year is this form's base), or None."""
        name = "base" if name == "base_year" else name
        field = getattr(self, name, None) if name else None
        return field if hasattr(field, "errors") else None


class MonitoringForm(_SelectorForm):
    """Selectors of the monitoring page: fiscal year and installment."""

    year = SelectField(_l("ปีงบประมาณ"), coerce=whole, validate_choice=False)
    number = SelectField(_l("งวด"), coerce=whole, validate_choice=False)
    submit = SubmitField(_l("แสดง"))


class KpiForm(_SelectorForm):
    """Selectors of the KPI scorecard: fiscal year, round (or installment) and the data counted."""

    year = SelectField(_l("ปีงบประมาณ"), coerce=whole, validate_choice=False)
    through = SelectField(_l("รอบการประเมิน / ถึงงวด"), validate_choice=False)
    status = SelectField(_l("ข้อมูลที่นับ"), choices=_status_choices(), default=DEFAULT_STATUS)
    submit = SubmitField(_l("แสดงคะแนน"))


class KpiSettingsForm(FlaskForm):
    """An admin's KPI thresholds (growth %, levels 1-5) and category weights (%) for one fiscal year."""

    year = HiddenField()
    t1 = StringField(_l("ระดับ 1"))
    t2 = StringField(_l("ระดับ 2"))
    t3 = StringField(_l("ระดับ 3"))
    t4 = StringField(_l("ระดับ 4"))
    t5 = StringField(_l("ระดับ 5"))
    weight_pao = StringField(_l("น้ำหนัก อบจ. (%)"))
    weight_mun = StringField(_l("น้ำหนัก เทศบาล (%)"))
    weight_sao = StringField(_l("น้ำหนัก อบต. (%)"))
    submit = SubmitField(_l("บันทึกเกณฑ์"))
