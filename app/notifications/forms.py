"""Forms of the notices people send (the targets are ticked boxes read by the route; the text is optional)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from .escalation import MAX_MESSAGE


class NoticeForm(FlaskForm):
    """An optional message added to a notice."""

    message = TextAreaField(_l("ข้อความถึงผู้รับ (ไม่บังคับ)"), validators=[
        Length(max=MAX_MESSAGE, message=_l("ยาวได้ไม่เกิน %(max)d ตัวอักษร"))])
