"""Prior-year matching of installments by period, across schedules and leap years."""

from sqlalchemy import select

from app import db
from app.figures import prior_installment_ids
from app.models import Installment
from tests import factories as f


def _inst(year, number):
    return db.session.scalar(
        select(Installment).where(Installment.fiscal_year_id == year, Installment.number == number))


def test_fy2560_first_installment_meets_five_months_of_fy2559_including_leap_february(ctx):
    f.fiscal_year(2559)
    f.fiscal_year(2560, "dla2560")
    ids = prior_installment_ids(_inst(2560, 1))
    numbers = sorted(ctx.scalars(select(Installment.number).where(Installment.id.in_(ids))))
    assert numbers == [1, 2, 3, 4, 5]  # Oct 2558 .. Feb 2559 (29 days)


def test_monthly_february_meets_leap_february(ctx):
    f.fiscal_year(2559)
    f.fiscal_year(2560)
    ids = prior_installment_ids(_inst(2560, 5))  # February 2017 (28 days)
    assert ids == [_inst(2559, 5).id]  # February 2016 (29 days)


def test_no_prior_year_means_no_match(ctx):
    f.fiscal_year(2570)
    assert prior_installment_ids(_inst(2570, 1)) == []
