"""Fiscal-year and installment lookups every area shares, one argument order throughout: `today` first,
then the fiscal year when there is one."""

from datetime import date

from sqlalchemy import select

from . import db, reference
from .domain.calendar import fiscal_year_of
from .models import Installment


def fiscal_years() -> list[int]:
    """Every configured fiscal year (B.E.), newest first (from the reference cache)."""
    return list(reference.current().years)


def installments_of(year: int) -> list[Installment]:
    """The installments of fiscal year `year` in order (from the reference cache: detached rows)."""
    return list(reference.current().installments.get(year, []))


def current_year(today: date, years: list[int] | None = None) -> int | None:
    """The fiscal year containing `today` if configured, else the newest one before it, else the newest."""
    years = fiscal_years() if years is None else years
    if not years:
        return None
    current = fiscal_year_of(today)
    if current in years:
        return current
    earlier = [y for y in years if y < current]
    return max(earlier) if earlier else max(years)


def compared_years(today: date) -> tuple[int | None, int | None]:
    """(base year, year) a comparison shows first: the latest year with an ended installment, against the
    year before it (or the newest older one)."""
    years = fiscal_years()
    ended = set(db.session.scalars(
        select(Installment.fiscal_year_id).where(Installment.period_end < today).distinct()
    ))
    year = next((y for y in years if y in ended), years[0] if years else None)
    if year is None:
        return None, None
    older = [y for y in years if y < year]
    return (year - 1 if year - 1 in years else (older[0] if older else None)), year


def latest_closed_installment(today: date, year: int | None = None) -> Installment | None:
    """The installment whose period ended most recently before `today` (of fiscal `year` when given)."""
    stmt = select(Installment).where(Installment.period_end < today)
    if year is not None:
        stmt = stmt.where(Installment.fiscal_year_id == year)
    return db.session.scalar(
        stmt.order_by(Installment.period_end.desc(), Installment.fiscal_year_id.desc()).limit(1)
    )


def default_installment(today: date, year: int | None = None) -> Installment | None:
    """The installment a screen opens on: the latest closed one (of `year` when given), else the first one."""
    closed = latest_closed_installment(today, year)
    if closed is not None:
        return closed
    stmt = select(Installment)
    if year is not None:
        stmt = stmt.where(Installment.fiscal_year_id == year)
    return db.session.scalar(stmt.order_by(Installment.fiscal_year_id.desc(), Installment.number).limit(1))
