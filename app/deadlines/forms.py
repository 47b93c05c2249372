"""Forms of deadline extensions: the request (a later date and a reason) and the decision."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import Optional

from ..domain.extensions import Decision
from ..domain.limits import MAX_REASON
from ..web import BuddhistDateField, BuddhistYearWindow


class RequestForm(FlaskForm):
    """A request for a later deadline: the date asked for (B.E.) and why."""

    requested_deadline = BuddhistDateField(_l("ขอขยายถึงวันที่"), validators=[Optional(), BuddhistYearWindow()])
    reason = TextAreaField(_l("เหตุผลที่ขอขยาย"), render_kw={"maxlength": MAX_REASON, "rows": 3})
    submit = SubmitField(_l("ส่งคำขอ"))


class DecisionForm(FlaskForm):
    """A decision on a pending request: approve with a date, or refuse; a reason either way."""

    version = HiddenField()
    decision = RadioField(_l("ผลการพิจารณา"), choices=[SelectChoice(Decision.APPROVE.value, _l("อนุมัติ")),
                                                      SelectChoice(Decision.REFUSE.value, _l("ไม่อนุมัติ"))],
                          default=Decision.APPROVE.value, validate_choice=False)
    new_deadline = BuddhistDateField(_l("ขยายถึงวันที่"), validators=[Optional(), BuddhistYearWindow()])
    decision_reason = TextAreaField(_l("เหตุผลประกอบการพิจารณา"), render_kw={"maxlength": MAX_REASON, "rows": 3})
    submit = SubmitField(_l("บันทึกผลการพิจารณา"))
