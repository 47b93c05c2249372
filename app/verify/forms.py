"""Forms of the verify area: the bulk review form and the CSRF-only account action form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..domain.errors import DomainError, N_
from ..domain.workflow import ACTION_LABELS, ReviewAction
from ..params import whole


class ReviewForm(FlaskForm):
    """Verifier's position and phone, the action and its reason; the ticked rows arrive as `row` values.

    Required fields, lengths and the reason rule are checked by the operation (one place for the
    rules), so the form itself validates only the CSRF token; the hidden fields carry the screen's
    selection back for the redirect.
    """

    province = HiddenField()
    year = HiddenField()
    number = HiddenField()
    type = HiddenField()
    district = HiddenField()
    status = HiddenField()
    position = StringField(_l("ตำแหน่งผู้ตรวจสอบ"))
    phone = StringField(_l("หมายเลขโทรศัพท์ผู้ตรวจสอบ"))
    action = RadioField(
        _l("การดำเนินการ"),
        choices=[SelectChoice(a.value, _l(ACTION_LABELS[a])) for a in ReviewAction],
        default=ReviewAction.CONFIRM.value,
        validate_choice=False,  # the operation refuses unknown actions with a Thai message
    )
    reason = TextAreaField(_l("เหตุผล (จำเป็นเมื่อไม่ยืนยันหรือส่งกลับแก้ไข)"))


class ActionForm(FlaskForm):
    """A button that changes something (reset, disable, enable): only the CSRF token."""


def parse_rows(tokens: list[str]) -> dict[int, int]:
    """The ticked rows as {lao id: version seen}, from checkbox values "lao_id:version".

    Raises DomainError('laos') on a malformed value (a tampered form).
    """
    out: dict[int, int] = {}
    for token in tokens:
        lao_id, sep, version = (token or "").partition(":")
        try:
            out[whole(lao_id)] = whole(version)
        except ValueError:
            raise DomainError("laos", N_("ข้อมูลรายการที่เลือกไม่ถูกต้อง กรุณาเปิดหน้านี้ใหม่")) from None
    return out
