"""Login and password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..domain.limits import MAX_PASSWORD

_TOO_LONG = _l("ยาวได้ไม่เกิน %(max)d ตัวอักษร")


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("ชื่อผู้ใช้"), validators=[DataRequired(_l("กรุณากรอกชื่อผู้ใช้")), Length(max=80)])
    password = PasswordField(_l("รหัสผ่าน"), validators=[DataRequired(_l("กรุณากรอกรหัสผ่าน")),
                                                        Length(max=MAX_PASSWORD, message=_TOO_LONG)])


class ChangePasswordForm(FlaskForm):
    """Current password, new password twice."""

    current_password = PasswordField(_l("รหัสผ่านปัจจุบัน"), validators=[DataRequired(_l("กรุณากรอกรหัสผ่านปัจจุบัน")),
                                                                        Length(max=MAX_PASSWORD, message=_TOO_LONG)])
    new_password = PasswordField(_l("รหัสผ่านใหม่"), validators=[DataRequired(_l("กรุณากรอกรหัสผ่านใหม่")),
                                                               Length(max=MAX_PASSWORD, message=_TOO_LONG)])
    confirm_password = PasswordField(_l("ยืนยันรหัสผ่านใหม่"), validators=[DataRequired(_l("กรุณากรอกรหัสผ่านใหม่อีกครั้ง")),
                                                                        Length(max=MAX_PASSWORD, message=_TOO_LONG)])


class EndSessionsForm(FlaskForm):
    """Only the CSRF token: sign out everywhere (every session and API token of one's own account)."""
