"""Reference data every installation needs: geography from geothai, revenue items, fiscal years."""

import geothai
from sqlalchemy import select

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
    """Revenue items that apply to `lao_type` in fiscal year `fy`, in display order.

    An admin's ItemActivation for the year and type overrides the item's own years and types.
    """
    from .models import ItemActivation

    items = db.session.scalars(select(RevenueItem).order_by(RevenueItem.sort_order)).all()
    overrides = dict(
        db.session.execute(
            select(ItemActivation.item_id, ItemActivation.active).where(
                ItemActivation.fiscal_year_id == fy, ItemActivation.lao_type == lao_type
            )
        ).all()
    )
    return [i for i in items if overrides.get(i.id, i.applies(lao_type, fy))]
