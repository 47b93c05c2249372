"""Read-side queries of the admin area: paginated LAO, account and audit lists with their filters (SQL only)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, exists, false, func, or_, select

from .. import db
from ..i18n import is_thai
from ..auth.loaders import in_scope, scope_of
from ..domain.thai_sort import thai_sort_key
from ..domain.vocabulary import SECURITY_ACTIONS
from ..domain.workflow import Role
from ..models import (
    LAO_TYPES,
    AuditEvent,
    District,
    FiscalYear,
    Installment,
    ItemActivation,
    Lao,
    Province,
    RevenueItem,
    User,
)

PER_PAGE = 50
BANGKOK_OFFSET = timedelta(hours=7)  # audit times are stored in UTC; filters are Thai calendar days


@dataclass
class Page:
    """One page of a list: its rows, the page number, the page size and the total number of rows."""

    items: Sequence[Row[*tuple[Any, ...]]]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """1-based number of the first row on this page (0 when empty)."""
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        """1-based number of the last row on this page."""
        return min(self.total, self.page * self.per_page)


def paginate(stmt: Select[*tuple[Any, ...]], page: int, per_page: int = PER_PAGE) -> Page:
    """Run `stmt` for one page (LIMIT/OFFSET) and count all its rows."""
    total = db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    page = min(max(1, page), max(1, -(-total // per_page)))
    items = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items, page, per_page, total)


def _contains(column, text: str):
    return func.lower(column).contains(text.lower(), autoescape=True)


def provinces() -> list[Province]:
    """Every province in Thai dictionary order."""
    return sorted(db.session.scalars(select(Province)), key=lambda p: thai_sort_key(p.name_th))


def districts() -> Sequence[Row[str, str, str]]:
    """Every district as (code, Thai name, province code), ordered by code."""
    return db.session.execute(
        select(District.code, District.name_th, Province.code).join(Province, Province.id == District.province_id)
        .order_by(District.code)).all()


@dataclass
class LaoFilters:
    """Filters of the LAO register list."""

    q: str = ""
    province: str = ""
    district: str = ""
    lao_type: str = ""
    active: str = ""  # "1" active, "0" inactive, "" both


def laos_page(f: LaoFilters, page: int) -> Page:
    """LAOs matching the filters (search in Thai or English name or code), with province and district names."""
    stmt = (select(Lao, Province.name_th, District.name_th)
            .join(Province, Province.id == Lao.province_id).join(District, District.id == Lao.district_id)
            .order_by(Province.code, District.code, Lao.lao_type, Lao.code))
    if f.q:
        stmt = stmt.where(or_(_contains(Lao.name_th, f.q), _contains(Lao.name_en, f.q), _contains(Lao.code, f.q)))
    if f.province:
        stmt = stmt.where(Province.code == f.province)
    if f.district:
        stmt = stmt.where(District.code == f.district)
    if f.lao_type:
        stmt = stmt.where(Lao.lao_type == f.lao_type)
    if f.active in ("0", "1"):
        stmt = stmt.where(Lao.active.is_(f.active == "1"))
    return paginate(stmt, page)


@dataclass
class UserFilters:
    """Filters of the account list."""

    q: str = ""
    role: str = ""
    province: str = ""
    active: str = ""


def users_page(f: UserFilters, page: int) -> Page:
    """Accounts matching the filters, with their LAO and province (a verifier's, or its LAO's)."""
    scope_province = func.coalesce(User.province_id, Lao.province_id)
    stmt = (select(User, Lao.code, Lao.name_th, Province.name_th)
            .outerjoin(Lao, Lao.id == User.lao_id).outerjoin(Province, Province.id == scope_province)
            .order_by(User.username))
    if f.q:
        stmt = stmt.where(or_(_contains(User.username, f.q), _contains(User.full_name, f.q),
                              _contains(func.coalesce(Lao.name_th, ""), f.q)))
    if f.role:
        stmt = stmt.where(User.role == f.role)
    if f.province:
        stmt = stmt.where(Province.code == f.province)
    if f.active in ("0", "1"):
        stmt = stmt.where(User.active.is_(f.active == "1"))
    return paginate(stmt, page)


def years_overview() -> list[tuple[FiscalYear, int, bool]]:
    """Fiscal years, newest first, with their number of installments and whether they have figures."""
    from ..reference import year_has_figures

    counts = dict(db.session.execute(
        select(Installment.fiscal_year_id, func.count(Installment.id)).group_by(Installment.fiscal_year_id)).all())
    years = db.session.scalars(select(FiscalYear).order_by(FiscalYear.year.desc())).all()
    return [(fy, counts.get(fy.year, 0), year_has_figures(fy.year)) for fy in years]


def missing_officer_counts() -> dict[str, int]:
    """Number of active LAOs without an LAO-officer account, per province code."""
    rows = db.session.execute(
        select(Province.code, func.count(Lao.id)).join(Province, Province.id == Lao.province_id)
        .where(Lao.active.is_(True), ~select(User.id).where(User.lao_id == Lao.id).exists())
        .group_by(Province.code))
    return dict(rows.all())


# ---------------------------------------------------------------------------------------------------
# Audit trail


@dataclass
class AuditFilters:
    """Filters of the audit viewer; dates are Thai calendar days (inclusive)."""

    province: str = ""
    lao: str = ""
    user: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    category: str = ""  # "" all, CHANGES or SECURITY (admins only; others never see security events)
    date_from_text: str = ""  # the dates as the viewer typed them (B.E.), shown back in the filter form
    date_to_text: str = ""
    errors: dict[str, str] = field(default_factory=dict)  # filter name -> why it was refused (not applied)


CHANGES, SECURITY = "changes", "security"
"""Audit categories: changes to data, and security events (SECURITY_ACTIONS, shown to admins only)."""


def _categories(viewer: User, category: str) -> list[ColumnElement[bool]]:
    """Conditions on the action for `category`; security events are hidden from everyone but admins."""
    if not viewer.has_role(Role.ADMIN) or category == CHANGES:
        return [AuditEvent.action.not_in(SECURITY_ACTIONS)]
    if category == SECURITY:
        return [AuditEvent.action.in_(SECURITY_ACTIONS)]
    return []




def _utc(day: date) -> datetime:
    return datetime.combine(day, time()) - BANGKOK_OFFSET


def audit_query(viewer: User, f: AuditFilters) -> Select[AuditEvent, str, str, str]:
    """Audit events `viewer` may read that match the filters, newest first, with LAO and province names."""
    lao_name: ColumnElement[str]
    province_name: ColumnElement[str]
    if is_thai():
        lao_name, province_name = Lao.name_th.expression, Province.name_th.expression
    else:  # the English name where the register has one
        lao_name = func.coalesce(func.nullif(Lao.name_en, ""), Lao.name_th)
        province_name = func.coalesce(func.nullif(Province.name_en, ""), Province.name_th)
    stmt = (select(AuditEvent, Lao.code, lao_name, province_name)
            .outerjoin(Lao, Lao.id == AuditEvent.lao_id)
            .outerjoin(Province, Province.id == AuditEvent.province_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    stmt = in_scope(stmt, scope_of(viewer), province_id=AuditEvent.province_id, lao_id=AuditEvent.lao_id)
    if f.errors:
        return stmt.where(false())  # a refused filter shows its message, not every event unfiltered
    conditions: list[ColumnElement[bool]] = _categories(viewer, f.category)
    if f.province:
        conditions.append(Province.code == f.province)
    if f.lao:
        conditions.append(Lao.code == f.lao)
    if f.user:
        conditions.append(_contains(func.coalesce(AuditEvent.username, ""), f.user))
    if f.action:
        conditions.append(AuditEvent.action == f.action)
    if f.date_from:
        conditions.append(AuditEvent.at >= _utc(f.date_from))
    if f.date_to:
        conditions.append(AuditEvent.at < _utc(f.date_to + timedelta(days=1)))
    return stmt.where(*conditions)


def audit_actions(viewer: User) -> list[str]:
    """The actions present in the events `viewer` may read (for the filter; security events for admins only)."""
    stmt = select(AuditEvent.action).distinct().order_by(AuditEvent.action).where(*_categories(viewer, ""))
    return list(db.session.scalars(
        in_scope(stmt, scope_of(viewer), province_id=AuditEvent.province_id, lao_id=AuditEvent.lao_id)))


def audit_stream(stmt: Select[*tuple[Any, ...]], batch: int = 1000) -> Iterator[Row[*tuple[Any, ...]]]:
    """Yield the rows of an audit query `batch` at a time (an export of any size without loading it all)."""
    yield from db.session.execute(stmt.execution_options(yield_per=batch))


def item_matrix(year: int) -> dict[tuple[str, str], bool]:
    """Whether each (item code, LAO type) is collected in `year`: the admin's override, else the item's own rule."""
    overrides = {(code, t): active for code, t, active in db.session.execute(
        select(RevenueItem.code, ItemActivation.lao_type, ItemActivation.active)
        .join(RevenueItem, RevenueItem.id == ItemActivation.item_id)
        .where(ItemActivation.fiscal_year_id == year))}
    items = db.session.scalars(select(RevenueItem).order_by(RevenueItem.sort_order)).all()
    return {(i.code, t): overrides.get((i.code, t), i.applies(t, year)) for i in items for t in LAO_TYPES}

def laos_without_officer(province_id: int | None) -> Sequence[Row[int, str, str, str, int, str, str]]:
    """Active LAOs (of a province, or all) that have no LAO-officer account at all, with their place names.

    Rows: id, code, name_th, lao_type, province_id, province name, district name.
    """
    q = (select(Lao.id, Lao.code, Lao.name_th, Lao.lao_type, Lao.province_id, Province.name_th, District.name_th)
         .join(Province, Province.id == Lao.province_id).join(District, District.id == Lao.district_id)
         .where(Lao.active.is_(True), ~exists().where(User.lao_id == Lao.id)).order_by(Lao.id))
    if province_id is not None:
        q = q.where(Lao.province_id == province_id)
    return db.session.execute(q).all()
