"""Reading figures: amounts per LAO and item for installments, prior-year comparisons (SQL sums)."""

import functools
from collections import defaultdict
from datetime import date

from sqlalchemy import Select, and_, bindparam, func, select

from . import db
from .domain.calendar import month_end
from .models import Entry, Installment, InstallmentReport, RevenueItem


def shift_year(d: date, years: int) -> date:
    """The same day `years` years later (28 February for 29 February)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def prior_installment_ids(installment: Installment) -> list[int]:
    """Installments of the prior fiscal year that fall inside this one's period shifted back a year.

    Matching by period (not by number) keeps the comparison right across schedules, e.g. FY2560's
    installment 1 (Oct-Feb) against five monthly installments of FY2559.
    """
    from . import reference

    start = shift_year(installment.period_start, -1)
    shifted = shift_year(installment.period_end, -1)
    end = month_end(shifted.year, shifted.month)  # whole months: 28 Feb 2017 -> 29 Feb 2016
    return [i.id for i in reference.current().installments.get(installment.fiscal_year_id - 1, [])
            if i.period_start >= start and i.period_end <= end]


@functools.cache
def _amounts_by_lao(some_laos: bool) -> Select:
    """The statement of `amounts_by_lao` (with or without the LAO filter), built once per process."""
    q = (
        select(Entry.lao_id, RevenueItem.code, func.sum(Entry.amount_satang))
        .join(RevenueItem, RevenueItem.id == Entry.item_id)
        .where(Entry.installment_id.in_(bindparam("installment_ids", expanding=True)))
        .group_by(Entry.lao_id, RevenueItem.code)
    )
    return q.where(Entry.lao_id.in_(bindparam("lao_ids", expanding=True))) if some_laos else q


def amounts_by_lao(lao_ids: list[int] | None, installment_ids: list[int]) -> dict[int, dict[str, int]]:
    """Satang per LAO and item code summed over `installment_ids` (all LAOs when lao_ids is None)."""
    if not installment_ids:
        return {}
    params: dict[str, list[int]] = {"installment_ids": list(installment_ids)}
    if lao_ids is not None:
        params["lao_ids"] = list(lao_ids)
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for lao_id, code, total in db.session.execute(_amounts_by_lao(lao_ids is not None), params):
        out[lao_id][code] = int(total or 0)
    return out


def recorded_prior_lao_ids(lao_ids: list[int], installment_ids: list[int]) -> set[int]:
    """LAOs that have any figure in `installment_ids` (to tell 'no data' from 'zero')."""
    if not installment_ids or not lao_ids:
        return set()
    return set(
        db.session.scalars(
            select(Entry.lao_id).where(and_(Entry.installment_id.in_(installment_ids), Entry.lao_id.in_(lao_ids)))
            .distinct()
        )
    )


def explanations_for(lao_id: int, installment_id: int) -> dict[str, str]:
    """Typo-guard explanations the LAO gave per item code."""
    rows = db.session.execute(
        select(RevenueItem.code, Entry.explanation)
        .join(RevenueItem, RevenueItem.id == Entry.item_id)
        .where(Entry.lao_id == lao_id, Entry.installment_id == installment_id, Entry.explanation.is_not(None))
    )
    return {code: text for code, text in rows if text}


def report_for(lao_id: int, installment_id: int) -> InstallmentReport | None:
    """The LAO's report row for the installment, if any."""
    return db.session.scalar(
        select(InstallmentReport).where(
            InstallmentReport.lao_id == lao_id, InstallmentReport.installment_id == installment_id
        )
    )
