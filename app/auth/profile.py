"""The profile page: one's own API tokens (create, shown once; revoke) and signing out everywhere."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from ..api import tokens
from ..domain.errors import DomainError, NotPermittedError
from ..web import refuse
from . import bp, operations
from .forms import EndSessionsForm


class CreateTokenForm(FlaskForm):
    """A name to recognise the token by (which program uses it)."""

    name = StringField(_l("ชื่อโทเค็น (เช่น ชื่อโปรแกรมที่ใช้)"),
                       validators=[Length(max=tokens.MAX_NAME, message=_l("ยาวได้ไม่เกิน %(max)d ตัวอักษร"))])


class RevokeTokenForm(FlaskForm):
    """Only the CSRF token: the token to revoke is in the URL."""


def _render(form: CreateTokenForm, new_token: str | None = None, status: int = 200):
    response = render_template(
        "auth/profile.html", form=form, revoke_form=RevokeTokenForm(), tokens=tokens.tokens_of(current_user),
        new_token=new_token, end_form=EndSessionsForm(),
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
