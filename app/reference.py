"""Reference data every installation needs: geography from geothai, revenue items, fiscal years."""

import uuid
from dataclasses import dataclass
from typing import Any

import geothai
from flask import current_app, g, has_app_context
from sqlalchemy import Connection, ScalarSelect, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session

from . import db
from .domain.calendar import build_schedule, fiscal_year_bounds
from .domain.errors import DomainError, N_
from .models import District, Entry, FiscalYear, Installment, Province, RevenueItem

# code, Thai name, English name, LAO types, first FY, last FY, order
REVENUE_ITEMS = (
    ("PAO_OIL", "ภาษีน้ำมัน", "Oil and fuel tax", ("PAO",), None, None, 1),
    ("PAO_TOBACCO", "ภาษียาสูบ", "Tobacco tax", ("PAO",), None, None, 2),
    ("PAO_HOTEL", "ค่าธรรมเนียมจากผู้พักในโรงแรม", "Hotel guest fee", ("PAO",), None, None, 3),
    ("HOUSE_LAND", "ภาษีโรงเรือนและที่ดิน", "House and land tax", ("MUNICIPALITY", "SAO"), None, 2562, 10),
    ("LOCAL_MAINT", "ภาษีบำรุงท้องที่", "Local maintenance tax", ("MUNICIPALITY", "SAO"), None, 2562, 11),
    ("LAND_BUILDING", "ภาษีที่ดินและสิ่งปลูกสร้าง", "Land and building tax", ("MUNICIPALITY", "SAO"), 2563, None, 12),
    ("SIGNBOARD", "ภาษีป้าย", "Signboard tax", ("MUNICIPALITY", "SAO"), None, None, 13),
)

ROUNDS_2560 = (("รอบที่ 1 (งวด 1–6)", 6), ("รอบที่ 2 (ทั้งปี)", 8))
ROUNDS_MONTHLY = (("รอบ 6 เดือน", 6), ("รอบ 9 เดือน", 9), ("รอบ 12 เดือน", 12))


def seed_geography() -> tuple[int, int]:
    """Insert the provinces and districts of geothai that are missing; returns the counts inserted."""
    have_p = set(db.session.scalars(select(Province.code)))
    have_d = set(db.session.scalars(select(District.code)))
    np = nd = 0
    for p in geothai.provinces():
        if p.code not in have_p:
            db.session.add(Province(code=p.code, name_th=p.name_th, name_en=p.name_en))
            np += 1
    db.session.flush()
    pid = dict(db.session.execute(select(Province.code, Province.id)).all())
    for p in geothai.provinces():
        for d in geothai.districts(p.code):
            if d.code not in have_d:
                db.session.add(District(code=d.code, province_id=pid[p.code], name_th=d.name_th, name_en=d.name_en))
                nd += 1
    db.session.flush()
    return np, nd


def seed_items() -> int:
    """Insert the revenue items of the circular and the Land and Building Tax; returns how many."""
    have = set(db.session.scalars(select(RevenueItem.code)))
    n = 0
    for code, th, en, types, first, last, order in REVENUE_ITEMS:
        if code not in have:
            db.session.add(RevenueItem(code=code, name_th=th, name_en=en, lao_types=list(types),
                                       first_fy=first, last_fy=last, sort_order=order))
            n += 1
    db.session.flush()
    return n


def create_fiscal_year(year: int, schedule: str, rounds: bool = True) -> FiscalYear:
    """Create fiscal year `year` with the installments of `schedule` (and default rounds).

    Raises DomainError when the year already exists.
    """
    if db.session.get(FiscalYear, year) is not None:
        raise DomainError("year", N_("ปีงบประมาณ %(year)s มีอยู่แล้ว"), year=year)
    start, end = fiscal_year_bounds(year)
    fy = FiscalYear(year=year, start_date=start, end_date=end, schedule=schedule)
    db.session.add(fy)
    db.session.flush()
    add_schedule(year, schedule, rounds)
    db.session.flush()
    return fy


def add_schedule(year: int, schedule: str, rounds: bool = True) -> int:
    """Add the installments (and default rounds) of `schedule` to fiscal year `year`; returns how many installments.

    Raises DomainError on an unknown schedule.
    """
    from .models import Round

    specs = build_schedule(year, schedule)
    for spec in specs:
        db.session.add(Installment(fiscal_year_id=year, number=spec.number, period_start=spec.period_start,
                                   period_end=spec.period_end, entry_deadline=spec.entry_deadline,
                                   confirm_deadline=spec.confirm_deadline))
    if rounds and schedule != "annual":
        for name, last in (ROUNDS_2560 if schedule == "dla2560" else ROUNDS_MONTHLY):
            db.session.add(Round(fiscal_year_id=year, name=name, last_installment=last))
    return len(specs)


def year_has_figures(year: int) -> bool:
    """Whether any entry exists in fiscal year `year`."""
    return db.session.scalar(
        select(Entry.id).join(Installment, Entry.installment_id == Installment.id)
        .where(Installment.fiscal_year_id == year).limit(1)
    ) is not None


def items_for(lao_type: str, fy: int) -> list[RevenueItem]:
    """Revenue items that apply to `lao_type` in fiscal year `fy`, in display order (from the reference cache).

    An admin's ItemActivation for the year and type overrides the item's own years and types.
    """
    return current().items_for(lao_type, fy)


# --- the per-process cache of reference data -------------------------------------------------------------
# Fiscal years, installments, rounds, revenue items and their activations, provinces and districts change only
# through the admin (and the seed/demo commands). Each process keeps one copy per app; every change to them bumps
# the `reference_version` setting in the same transaction (session events below, so no write path can forget
# it), and each request reads that version in its first query (the user loader) or once on first use; a copy
# whose version differs is reloaded. Several processes on one database therefore never serve stale data
# beyond the request that committed the change.

VERSION_KEY = "reference_version"


@dataclass(frozen=True)
class Reference:
    """One consistent copy of the reference data (detached rows: read their columns, never their relations)."""

    version: str | None
    years: list[int]  # newest first
    fiscal_years: dict[int, FiscalYear]
    installments: dict[int, list[Installment]]  # per fiscal year, in order
    installment_by_id: dict[int, Installment]
    items: list[RevenueItem]  # in display order
    item_by_id: dict[int, RevenueItem]
    activations: dict[tuple[int, str], dict[int, bool]]  # (fiscal year, LAO type) -> item id -> active
    provinces: dict[int, Province]
    districts: dict[int, District]
    districts_of: dict[int, list[District]]  # per province, by code

    def installment(self, year: int, number: int) -> Installment | None:
        """Installment `number` of fiscal `year`, if configured."""
        return next((i for i in self.installments.get(year, []) if i.number == number), None)

    def items_for(self, lao_type: str, fy: int) -> list[RevenueItem]:
        """Revenue items of `lao_type` in fiscal year `fy` (activations override the items' own years and types)."""
        overrides = self.activations.get((fy, lao_type), {})
        return [i for i in self.items if overrides.get(i.id, i.applies(lao_type, fy))]


def version_column() -> ScalarSelect[Any]:
    """The stored reference version as a scalar subquery, to ride along in a request's first query."""
    from .models import Setting

    return select(Setting.value).where(Setting.key == VERSION_KEY).scalar_subquery()


def note_version(version: str | None) -> None:
    """Remember the reference version this request read (the user loader calls it with its first query)."""
    g.reference_version = version


def current() -> Reference:
    """This request's reference data: the process's copy, reloaded when the stored version differs."""
    if "reference_version" not in g:
        from .models import Setting

        g.reference_version = db.session.scalar(select(Setting.value).where(Setting.key == VERSION_KEY))
    version = g.reference_version
    cache: Reference | None = current_app.extensions.get("reference_cache")
    if cache is None or cache.version != version:
        cache = _load(version)
        current_app.extensions["reference_cache"] = cache
    return cache


def _load(version: str | None) -> Reference:
    """Read every reference table once (read after the version, so the copy is never older than its label)."""
    from .models import ItemActivation

    s = Session(bind=db.session.connection())  # the request's transaction, an identity map of its own
    fys = list(s.scalars(select(FiscalYear).order_by(FiscalYear.year.desc())))
    insts = list(s.scalars(select(Installment).order_by(Installment.fiscal_year_id, Installment.number)))
    items = list(s.scalars(select(RevenueItem).order_by(RevenueItem.sort_order)))
    activations: dict[tuple[int, str], dict[int, bool]] = {}
    for a in s.scalars(select(ItemActivation)):
        activations.setdefault((a.fiscal_year_id, a.lao_type), {})[a.item_id] = a.active
    provinces = list(s.scalars(select(Province)))
    districts = list(s.scalars(select(District).order_by(District.code)))
    by_year: dict[int, list[Installment]] = {}
    for inst in insts:
        by_year.setdefault(inst.fiscal_year_id, []).append(inst)
    districts_of: dict[int, list[District]] = {}
    for d in districts:
        districts_of.setdefault(d.province_id, []).append(d)
    s.close()  # the rows become detached; the request's connection and transaction go on
    return Reference(
        version=version, years=[fy.year for fy in fys], fiscal_years={fy.year: fy for fy in fys},
        installments=by_year, installment_by_id={i.id: i for i in insts}, items=items,
        item_by_id={i.id: i for i in items}, activations=activations, provinces={p.id: p for p in provinces},
        districts={d.id: d for d in districts}, districts_of=districts_of,
    )


def _reference_models() -> tuple[type, ...]:
    """The models whose rows the cache holds, and rounds (a change to any of them bumps the version)."""
    from .models import ItemActivation, Round

    return (FiscalYear, Installment, Round, RevenueItem, ItemActivation, Province, District)


def bump_version(conn: Connection) -> None:
    """Store a new reference version in the transaction of `conn` and forget this request's copy of it."""
    from .models import Setting

    value = uuid.uuid4().hex
    if conn.dialect.name == "postgresql":
        stmt: Any = pg_insert(Setting).values(key=VERSION_KEY, value=value)
    else:
        stmt = sqlite_insert(Setting).values(key=VERSION_KEY, value=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))
    if has_app_context():
        g.pop("reference_version", None)


@event.listens_for(db.AppSession, "after_flush")
def _bump_after_flush(session: Session, _context: Any) -> None:
    models = _reference_models()
    if any(isinstance(obj, models) for obj in (*session.new, *session.dirty, *session.deleted)):
        bump_version(session.connection())


@event.listens_for(db.AppSession, "do_orm_execute")
def _bump_on_bulk(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, _reference_models()):
        bump_version(state.session.connection())
