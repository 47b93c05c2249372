"""Login, logout and password change views."""

from flask import Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from .. import db
from ..domain.errors import DomainError
from ..domain.limits import MAX_PASSWORD, MIN_PASSWORD
from ..extensions import limiter
from ..models import User
from ..web import refuse
from . import bp, operations
from .forms import ChangePasswordForm, LoginForm
from .loaders import safe_next


@bp.before_app_request
def _force_password_change():
    """A user whose password must change can only reach the change page, logout and assets."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in ("auth.change_password", "auth.logout", "static", "main.font",
                                     "main.set_language", "main.set_text_size", "bootstrap.static")
    ):
        return redirect(url_for("auth.change_password"))
    return None


def _username_key() -> str:
    """The rate-limit key of a sign-in attempt's username (case-insensitive)."""
    return "login-user:" + (request.form.get("username") or "").strip().lower()[:80]


def _refused(response: Response) -> bool:
    """Whether a sign-in POST was refused (only refusals count toward the limits)."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_refused)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_USERNAME"], methods=["POST"], key_func=_username_key,
               deduct_when=_refused)
def login():
    """Log in; refusals say one thing whatever the cause, and are limited per address and per username."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = operations.authenticate(form.username.data, form.password.data, request.remote_addr)
        except DomainError as err:
            refuse(form, err, default="password")
        else:
            lang, size = session.get("lang"), session.get("text_size")
            session.clear()
            if lang:
                session["lang"] = lang
            if size is not None:
                session["text_size"] = size
            login_user(user)
            if user.must_change_password:
                flash(_("กรุณาตั้งรหัสผ่านใหม่ก่อนใช้งาน"), "warning")
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out and end every session of this account (the rotating token changes)."""
    user = db.session.scalar(db.locked(select(User).where(User.id == current_user.id)))
    user.session_token = operations.new_session_token()
    logout_user()
    session.clear()
    flash(_("ออกจากระบบแล้ว"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; other sessions of the account end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            operations.change_password(
                current_user, form.current_password.data, form.new_password.data,
                form.confirm_password.data, request.remote_addr,
            )
        except DomainError as err:
            refuse(form, err, default="new_password")
        else:
            login_user(db.session.get(User, current_user.id))  # this session continues with the new token
            flash(_("เปลี่ยนรหัสผ่านเรียบร้อยแล้ว"), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form, min_password=MIN_PASSWORD,
                           max_password=MAX_PASSWORD)
