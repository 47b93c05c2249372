"""The user loader and the scoped loaders every view uses to reach objects (404/403 in one place)."""

from functools import wraps
from urllib.parse import urlsplit

from typing import Any, TypeVarTuple

from flask import abort, g, request
from flask_login import current_user
from sqlalchemy import Select, bindparam, false, select
from sqlalchemy.orm import contains_eager

from .. import db
from ..domain.scope import NOTHING, Reach, Scope
from ..domain.workflow import Role
from ..models import FiscalYear, Installment, Lao, Province, User

_Ts = TypeVarTuple("_Ts")


@db.prepared
def _account_row() -> Select[Any]:
    """The request's first query: the account, its LAO or province, the reference-data version, the demo flag
    and the unread-notification count."""
    from .. import reference
    from ..models import Setting
    from ..notifications.operations import unread_count_column

    return (
        select(User, reference.version_column(), select(Setting.key).where(Setting.key == "demo_data").exists(),
               unread_count_column(User.id))
        .outerjoin(User.lao).outerjoin(User.province)
        .options(contains_eager(User.lao), contains_eager(User.province))
        .where(User.id == bindparam("user_id"))
    )


def load_user(alt_id: str) -> User | None:
    """Flask-Login loader keyed by 'id:session_token'; a rotated token ends old sessions."""
    user_id, _, token = alt_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    from .. import reference

    row = db.session.execute(_account_row(), {"user_id": int(user_id)}).first()
    if row is None:
        return None
    user, version, demo, unread = row
    reference.note_version(version)
    g.demo_loaded = bool(demo)  # what web.demo_loaded() would ask, answered here
    g.unread_notifications = int(unread or 0)  # the header's bell
    if not user.active or user.session_token != token:
        return None
    return user


def safe_next(target: str | None) -> str | None:
    """`target` if it is a local path on this site, else None (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def roles_required(*roles: Role):
    """Decorator: 403 unless the logged-in user has one of `roles` (login is required first)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from ..extensions import login_manager

                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def scope_of(user: User | None) -> Scope:
    """The access scope of `user` (nothing for no user): the one place every loader and query asks."""
    return user.scope if user is not None and getattr(user, "is_authenticated", False) else NOTHING


def in_scope(stmt: Select[*_Ts], scope: Scope, *, province_id: Any, lao_id: Any = None) -> Select[*_Ts]:
    """`stmt` limited to `scope`: no condition nationally, `province_id` = its province, `lao_id` = its LAO
    (or, for a statement without an LAO column, nothing), and nothing at all for the NOTHING scope."""
    if scope.is_national:
        return stmt
    if scope.reach == Reach.PROVINCE:
        return stmt.where(province_id == scope.province_id)
    if scope.reach == Reach.LAO and lao_id is not None:
        return stmt.where(lao_id == scope.lao_id)
    return stmt.where(false())


def require_scope() -> None:
    """Before every request: a signed-in account whose scope is nothing is refused (403) everywhere but
    signing out, changing language and static files — it fails closed rather than falling through to national."""
    if request.endpoint in OPEN_WITHOUT_SCOPE or request.blueprint == "api" or not current_user.is_authenticated:
        return  # the API authenticates by token and checks the token owner's scope itself
    if scope_of(current_user).is_nothing:
        from .. import audit
        from ..domain.vocabulary import AuditAction

        audit.security_event(AuditAction.ACCESS_DENIED, user=current_user, detail={"status": 403, "reason": "no_scope"})
        abort(403)


OPEN_WITHOUT_SCOPE = {None, "static", "bootstrap.static", "main.font", "main.plotly_js", "main.favicon",
                      "main.set_language", "main.set_text_size", "auth.logout", "auth.login"}


def may_see_addresses(user: User | None) -> bool:
    """Whether `user` may see the IP addresses recorded with events: admins and national staff only, on every
    page and export (the one rule the audit trail, its CSV and the installment history ask)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.has_role(Role.ADMIN, Role.NATIONAL_VIEWER)


def scope_province(user: User) -> Province | None:
    """The province `user`'s scope is limited to (None for national scope); 403 when the scope is nothing."""
    scope = scope_of(user)
    if scope.is_national:
        return None
    province = db.session.get(Province, scope.province_id) if scope.province_id is not None else None
    if province is None:
        abort(403)
    return province


def can_see_lao(user: User, lao: Lao) -> bool:
    """Whether `user` may read `lao`: its own LAO, its province's LAOs, or everything nationally."""
    return scope_of(user).covers_lao(lao.id, lao.province_id)


def lao_or_404(code: str, user: User) -> Lao:
    """The LAO with `code` if `user` may see it; 404 otherwise (outsiders learn nothing)."""
    lao = db.session.scalar(select(Lao).where(Lao.code == code))
    if lao is None or not can_see_lao(user, lao):
        abort(404)
    return lao


def province_or_404(code: str, user: User) -> Province:
    """The province with `code` if `user`'s scope reaches into it; 404 otherwise. (An LAO officer reaches
    its own province, as a label or filter; the rows it then sees are still limited by `in_scope`.)"""
    province = db.session.scalar(select(Province).where(Province.code == code))
    if province is None or not scope_of(user).touches_province(province.id):
        abort(404)
    return province


def installment_or_404(fiscal_year: int, number: int) -> Installment:
    """The installment `number` of `fiscal_year`, or 404."""
    inst = db.session.scalar(
        select(Installment).where(Installment.fiscal_year_id == fiscal_year, Installment.number == number)
    )
    if inst is None:
        abort(404)
    return inst


def fiscal_year_or_404(year: int) -> FiscalYear:
    """The fiscal year `year`, or 404."""
    fy = db.session.get(FiscalYear, year)
    if fy is None:
        abort(404)
    return fy
