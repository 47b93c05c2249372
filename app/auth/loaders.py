"""The user loader and the scoped loaders every view uses to reach objects (404/403 in one place)."""

from functools import wraps
from urllib.parse import urlsplit

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from .. import db
from ..domain.workflow import Role
from ..models import FiscalYear, Installment, Lao, Province, User


def load_user(alt_id: str) -> User | None:
    """Flask-Login loader keyed by 'id:session_token'; a rotated token ends old sessions."""
    user_id, _, token = alt_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
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


def can_see_lao(user: User, lao: Lao) -> bool:
    """Whether `user` may read `lao`: its own LAO, its province's LAOs, or everything nationally."""
    role = user.role_enum
    if role in (Role.NATIONAL_VIEWER, Role.ADMIN):
        return True
    if role == Role.PROVINCE_VERIFIER:
        return user.province_id == lao.province_id
    return user.lao_id == lao.id


def lao_or_404(code: str, user: User) -> Lao:
    """The LAO with `code` if `user` may see it; 404 otherwise (outsiders learn nothing)."""
    lao = db.session.scalar(select(Lao).where(Lao.code == code))
    if lao is None or not can_see_lao(user, lao):
        abort(404)
    return lao


def province_or_404(code: str, user: User) -> Province:
    """The province with `code` if `user` may see it; 404 otherwise."""
    province = db.session.scalar(select(Province).where(Province.code == code))
    if province is None:
        abort(404)
    scope = user.scope_province_id
    if scope is not None and scope != province.id:
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
