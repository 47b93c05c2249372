"""The profile page: one's e-mail address (verified by a link) and which notifications are mailed, one's own API
tokens (create, shown once; revoke) and signing out everywhere."""

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import Length

from .. import mail
from ..api import tokens
from ..domain.errors import DomainError, NotPermittedError
from ..domain.vocabulary import NOTIFICATION_KIND_LABELS, NotificationKind
from ..web import action_time, domain_message, refuse
from . import bp, email_address, operations
from .forms import EndSessionsForm


class CreateTokenForm(FlaskForm):
    """A name to recognise the token by (which program uses it)."""

    name = StringField(_l("ชื่อโทเค็น (เช่น ชื่อโปรแกรมที่ใช้)"),
                       validators=[Length(max=tokens.MAX_NAME, message=_l("ยาวได้ไม่เกิน %(max)d ตัวอักษร"))])


class EmailForm(FlaskForm):
    """The address notifications are mailed to, and one box per kind of message (ticked: mailed)."""

    email = StringField(_l("ที่อยู่อีเมล"), validators=[
        Length(max=email_address.MAX_EMAIL, message=_l("ยาวได้ไม่เกิน %(max)d ตัวอักษร"))])


for _kind in NotificationKind:
    setattr(EmailForm, f"mail_{_kind.value}", BooleanField(_l(NOTIFICATION_KIND_LABELS[_kind])))


def _email_form(formdata=None) -> EmailForm:
    """The e-mail form filled from the account (or from the request when `formdata` is given)."""
    optout = set(current_user.email_optout or [])
    data = {"email": current_user.email or ""} | {f"mail_{k.value}": k.value not in optout for k in NotificationKind}
    return EmailForm(formdata=formdata, data=data) if formdata is not None else EmailForm(formdata=None, data=data)


class RevokeTokenForm(FlaskForm):
    """Only the CSRF token: the token to revoke is in the URL."""


def _render(form: CreateTokenForm, new_token: str | None = None, status: int = 200,
            email_form: EmailForm | None = None):
    response = render_template(
        "auth/profile.html", form=form, revoke_form=RevokeTokenForm(), tokens=tokens.tokens_of(current_user),
        new_token=new_token, end_form=EndSessionsForm(), email_form=email_form or _email_form(),
        kinds=[(k.value, f"mail_{k.value}") for k in email_address.kinds_for(current_user)],
        mail_configured=mail.configured(),
    )
    return response, status, {"Cache-Control": "no-store"}


@bp.route("/profile")
@login_required
def profile():
    """The user's account details and API tokens."""
    return _render(CreateTokenForm())


@bp.route("/profile/tokens", methods=["POST"])
@login_required
def create_token():
    """Create a token and show it on this response only (never flashed: the session cookie is not secret)."""
    form = CreateTokenForm()
    if not form.validate_on_submit():
        return _render(form, status=400 if form.csrf_token.errors else 200)
    try:
        raw = tokens.issue_token(current_user, form.name.data or "", actor=current_user, ip=request.remote_addr)
    except DomainError as err:
        refuse(form, err, default="name")
        return _render(form)
    return _render(CreateTokenForm(formdata=None), new_token=raw)


@bp.route("/profile/tokens/<int(max=2147483647):token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    """Revoke one of the user's tokens; programs using it are refused from the next request on."""
    form = RevokeTokenForm()
    if not form.validate_on_submit():
        abort(400)
    owned = {t.id for t in tokens.tokens_of(current_user)}
    if token_id not in owned:
        abort(404)  # the profile page manages one's own tokens only
    try:
        tokens.revoke_token(current_user, token_id, request.remote_addr)
    except NotPermittedError:
        abort(404)  # another's token: as if it did not exist
    except DomainError as err:
        refuse(form, err)
    else:
        flash(_("ยกเลิกโทเค็นแล้ว โปรแกรมที่ใช้โทเค็นนี้จะเข้าถึงระบบไม่ได้อีก"), "success")
    return redirect(url_for("auth.profile"))


@bp.route("/profile/sessions/end", methods=["POST"])
@login_required
def end_sessions():
    """Sign out everywhere: end every session (this one too) and revoke every API token of the account."""
    form = EndSessionsForm()
    if not form.validate_on_submit():
        abort(400)
    revoked = operations.end_all_sessions(current_user, request.remote_addr)
    lang, size = session.get("lang"), session.get("text_size")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    if size is not None:
        session["text_size"] = size
    flash(_("ออกจากระบบทุกอุปกรณ์แล้ว และยกเลิกโทเค็น API %(n)s รายการ กรุณาเข้าสู่ระบบอีกครั้ง", n=revoked), "info")
    return redirect(url_for("auth.login"))


def _send_link() -> None:
    """Mail a verification link to the signed-in user's address and say what happened."""
    link = mail.absolute_url(url_for("auth.verify_email", token=email_address.token_for(current_user)))
    try:
        sent = email_address.send_verification(current_user, link)
    except mail.MailError:
        flash(_("ส่งอีเมลยืนยันไม่สำเร็จในขณะนี้ กรุณากด \"ส่งลิงก์ยืนยันอีกครั้ง\" ภายหลัง"), "warning")
        return
    if sent:
        flash(_("ส่งลิงก์ยืนยันไปที่ %(email)s แล้ว กรุณาเปิดอีเมลและกดลิงก์ภายใน %(days)s วัน",
                email=current_user.email, days=current_app.config["EMAIL_TOKEN_MAX_AGE"] // 86400), "info")
    else:
        flash(_("ระบบยังไม่ได้ตั้งค่าการส่งอีเมล การแจ้งเตือนจะแสดงในระบบเท่านั้น"), "warning")


@bp.route("/profile/email", methods=["POST"])
@login_required
def save_email():
    """Save one's address and the kinds of message mailed; a new address gets a verification link."""
    form = EmailForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _render(CreateTokenForm(formdata=None), email_form=form)
    kinds = {k.value for k in email_address.kinds_for(current_user) if form[f"mail_{k.value}"].data}
    try:
        changed = email_address.save_settings(current_user, request.remote_addr, form.email.data, kinds,
                                              now=action_time())
    except DomainError as err:
        refuse(form, err, default="email")
        return _render(CreateTokenForm(formdata=None), email_form=form)
    flash(_("บันทึกการตั้งค่าอีเมลแล้ว"), "success")
    if changed and current_user.email:
        _send_link()
    return redirect(url_for("auth.profile"))


@bp.route("/profile/email/resend", methods=["POST"])
@login_required
def resend_email():
    """Mail a new verification link to one's (unverified) address."""
    form = RevokeTokenForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.email and current_user.email_verified_at is None:
        _send_link()
    return redirect(url_for("auth.profile"))


@bp.route("/profile/email/verify/<token>")
@login_required
def verify_email(token: str):
    """The link of a verification mail: the signed-in account's current address becomes verified."""
    try:
        email_address.verify(current_user, request.remote_addr, token[:500], now=action_time())
    except DomainError as err:
        flash(domain_message(err), "error")
    else:
        flash(_("ยืนยันที่อยู่อีเมล %(email)s แล้ว", email=current_user.email), "success")
    return redirect(url_for("auth.profile"))
