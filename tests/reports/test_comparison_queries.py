"""The comparison computed in SQL, checked cell by cell against the hand-computed dataset (conftest.py)."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import case

from app.domain.errors import DomainError
from app.reports import queries
from tests import factories as f

D = Decimal


def rows_by_code(result):
    """{code: record} of the rows and the total (code TOTAL)."""
    return {r.code: r.record(result.level) for r in [*result.rows, result.total]}


def cell(record, group):
    """(base, current, pct) of one column group of a record."""
    return record[f"{group}_base"], record[f"{group}_current"], record[f"{group}_pct"]


def test_national_confirmed_same_period_cell_by_cell(dataset, ctx):
    result = queries.comparison(2568, 2569, through=3)
    got = rows_by_code(result)
    assert [r.code for r in result.rows] == ["57", "50", "65"]  # เชียงราย, เชียงใหม่, พิษณุโลก (Thai order)
    cm, cr, ps, total = got["50"], got["57"], got["65"], got["TOTAL"]
    assert cm["province_name"] == "เชียงใหม่"
    assert cell(cm, "pao") == (D("3000.00"), D("3300.50"), D("10.02"))
    assert cell(cm, "mun") == (D("6000.00"), D("4500.00"), D("-25.00"))
    assert cell(cm, "sao") == (D("450.00"), D("510.01"), D("13.34"))
    assert cell(cm, "all") == (D("9450.00"), D("8310.51"), D("-12.06"))
    assert cell(cr, "pao") == (D("2400.00"), D("2100.00"), D("-12.50"))
    assert cell(cr, "mun") == (D("999.99"), D("1000.02"), D("0.00"))
    # S3 is new (no base), S5 recorded nothing this year: the SAO sums still compare
    assert cell(cr, "sao") == (D("120.00"), D("30.00"), D("-75.00"))
    assert cell(cr, "all") == (D("3519.99"), D("3130.02"), D("-11.08"))
    # Phitsanulok has no PAO: a zero base gives no percent, never an error
    assert cell(ps, "pao") == (D("0.00"), D("0.00"), None)
    assert cell(ps, "mun") == (D("3000.00"), D("3000.00"), D("0.00"))
    assert cell(ps, "sao") == (D("600.00"), D("200.00"), D("-66.67"))  # only the confirmed installment 1
    assert cell(ps, "all") == (D("3600.00"), D("3200.00"), D("-11.11"))
    # the total row's percents come from the column totals
    assert cell(total, "pao") == (D("5400.00"), D("5400.50"), D("0.01"))
    assert cell(total, "mun") == (D("9999.99"), D("8500.02"), D("-15.00"))
    assert cell(total, "sao") == (D("1170.00"), D("740.01"), D("-36.75"))
    assert cell(total, "all") == (D("16569.99"), D("14640.53"), D("-11.64"))
    assert total["province_code"] == "TOTAL"


def test_total_percent_is_not_an_average_of_row_percents(dataset, ctx):
    result = queries.comparison(2568, 2569, through=3)
    row_pcts = [r.cells["mun"].pct for r in result.rows]
    assert sum(row_pcts) / len(row_pcts) != result.total.cells["mun"].pct


def test_recorded_counts_unconfirmed_and_returned_figures(dataset, ctx):
    result = queries.comparison(2568, 2569, through=3, status="recorded")
    got = rows_by_code(result)
    assert cell(got["65"], "sao") == (D("600.00"), D("750.00"), D("25.00"))
    assert cell(got["65"], "all") == (D("3600.00"), D("3750.00"), D("4.17"))
    assert cell(got["TOTAL"], "sao") == (D("1170.00"), D("1290.01"), D("10.26"))
    assert cell(got["TOTAL"], "all") == (D("16569.99"), D("15190.53"), D("-8.33"))
    assert cell(got["50"], "all") == (D("9450.00"), D("8310.51"), D("-12.06"))  # unchanged: all confirmed
    assert result.selection.statuses == ("recorded", "confirmed", "returned")


def test_whole_base_year_counts_the_base_years_later_installments(dataset, ctx):
    result = queries.comparison(2568, 2569, through=3, basis="full-year")
    got = rows_by_code(result)
    assert cell(got["50"], "pao") == (D("3500.00"), D("3300.50"), D("-5.70"))
    assert cell(got["50"], "all") == (D("9950.00"), D("8310.51"), D("-16.48"))
    assert cell(got["TOTAL"], "pao") == (D("5900.00"), D("5400.50"), D("-8.47"))
    assert cell(got["TOTAL"], "all") == (D("17069.99"), D("14640.53"), D("-14.23"))
    s = result.selection
    assert s.base_installments == tuple(range(1, 13)) and s.basis_used == "full-year"
    assert not s.basis_fallback


def test_same_period_matches_the_months_and_says_what_is_counted(dataset, ctx):
    result = queries.comparison(2568, 2569, through=3)
    s = result.selection
    assert s.current_installments == (1, 2, 3) and s.base_installments == (1, 2, 3)
    assert s.current_period == ("2025-10-01", "2025-12-31")
    assert s.base_period == ("2024-10-01", "2024-12-31")
    # 10 active LAOs; current year: S5 recorded nothing, S4 has unconfirmed installments
    assert (s.laos, s.not_recorded, s.not_confirmed, s.missing) == (10, 1, 1, 2)
    assert (s.base_not_recorded, s.base_missing) == (1, 1)  # S3 did not exist
    recorded = queries.comparison(2568, 2569, through=3, status="recorded").selection
    assert recorded.missing == 1  # only S5: recorded-but-unconfirmed figures are counted


def test_default_through_is_the_latest_ended_installment(dataset, ctx):
    # December 2025 (installment 3) ended, January has not
    assert queries.comparison(2568, 2569, today=date(2026, 1, 15)).selection.through == 3
    assert queries.comparison(2568, 2569, today=date(2026, 11, 21)).selection.through == 12


def test_round_sets_the_cut_off(dataset, ctx):
    round6 = queries.rounds(2569)[0]
    result = queries.comparison(2568, 2569, round_id=round6.id)
    assert result.selection.through == 6 and result.selection.round == round6.name
    assert result.selection.base_installments == (1, 2, 3, 4, 5, 6)
    assert cell(rows_by_code(result)["50"], "pao") == (D("3500.00"), D("3300.50"), D("-5.70"))


def test_code_order(dataset, ctx):
    assert [r.code for r in queries.comparison(2568, 2569, through=3, order="code").rows] == ["50", "57", "65"]


def test_province_level_rows_are_laos_grouped_by_district_with_subtotals(dataset, ctx):
    result = queries.comparison(2568, 2569, through=3, province_code="50")
    assert result.level == "province"
    got = rows_by_code(result)
    assert set(got) == {"L-A", "L-M1", "L-S1", "L-S2", "TOTAL"}
    assert got["L-A"]["lao_name"] == "อบจ.เชียงใหม่ทดสอบ"
    assert cell(got["L-A"], "pao") == (D("3000.00"), D("3300.50"), D("10.02"))
    assert cell(got["L-A"], "mun") == (None, None, None)  # a PAO has no municipality cells
    assert cell(got["L-S1"], "sao") == (D("300.00"), D("330.01"), D("10.00"))
    assert cell(got["L-S2"], "all") == (D("150.00"), D("180.00"), D("20.00"))
    # the province's total equals its row in the national table
    national = rows_by_code(queries.comparison(2568, 2569, through=3))["50"]
    assert {k: v for k, v in got["TOTAL"].items() if not k.startswith("lao_")} == {
        k: v for k, v in national.items() if not k.startswith("province_")}
    districts = [(sub.code, [r.code for r in members]) for sub, members in result.groups]
    assert districts == [("5002", ["L-S2"]), ("5001", ["L-A", "L-M1", "L-S1"])]  # จอมทอง before เมืองเชียงใหม่
    sub_5001 = result.groups[1][0]
    assert cell(sub_5001.record("province"), "sao") == (D("300.00"), D("330.01"), D("10.00"))
    assert cell(sub_5001.record("province"), "all") == (D("9300.00"), D("8130.51"), D("-12.58"))


def test_lao_missing_in_one_year_shows_zero_and_no_percent(dataset, ctx):
    got = rows_by_code(queries.comparison(2568, 2569, through=3, province_code="57"))
    assert cell(got["L-S3"], "sao") == (D("0.00"), D("30.00"), None)  # new LAO: zero base
    assert cell(got["L-S5"], "sao") == (D("120.00"), D("0.00"), D("-100.00"))  # nothing recorded this year
    result = queries.comparison(2568, 2569, through=3, province_code="57")
    coverage = {r.code: r.coverage for r in result.rows}
    assert coverage["L-S5"]["current"].not_recorded == 1
    assert coverage["L-S3"]["base"].not_recorded == 1
    assert coverage["L-B"]["current"].missing("confirmed") == 0


def test_same_period_falls_back_to_the_whole_base_year_when_schedules_cannot_match(ctx):
    f.fiscal_year(2568, "annual")
    f.fiscal_year(2569)
    result = queries.comparison(2568, 2569, through=3)
    s = result.selection
    assert s.basis == "same-period" and s.basis_used == "full-year" and s.basis_fallback
    assert s.base_installments == (1,)
    # the whole year is a period the annual base year covers exactly
    whole = queries.comparison(2568, 2569, through=12).selection
    assert whole.basis_used == "same-period" and not whole.basis_fallback


def test_eight_installment_year_matches_five_monthly_installments(ctx):
    f.fiscal_year(2559)
    f.fiscal_year(2560, "dla2560")
    s = queries.comparison(2559, 2560, through=1).selection
    assert s.current_installments == (1,) and s.base_installments == (1, 2, 3, 4, 5)
    assert s.basis_used == "same-period"


@pytest.mark.parametrize("kwargs, field", [
    ({"base_year": 2569, "year": 2568}, "base_year"),
    ({"base_year": 2560, "year": 2569}, "base_year"),
    ({"base_year": 2568, "year": 2569, "through": 13}, "through"),
    ({"base_year": 2568, "year": 2569, "basis": "nonsense"}, "basis"),
    ({"base_year": 2568, "year": 2569, "status": "nonsense"}, "status"),
    ({"base_year": 2568, "year": 2569, "province_code": "99"}, "province"),
    ({"base_year": 2568, "year": 2569, "round_id": 999999}, "round"),
])
def test_bad_selections_are_refused_with_the_field(dataset, ctx, kwargs, field):
    with pytest.raises(DomainError) as err:
        queries.comparison(**kwargs, today=date(2026, 11, 21))
    assert err.value.field == field


def test_both_sql_forms_give_the_same_sums(dataset, ctx):
    ids = [i.id for i in queries.installments(2568) + queries.installments(2569)]
    for province_id in (None, f.province("50").id):
        a = sorted(tuple(r) for r in queries._sums(ids, ("confirmed",), province_id, form="correlated"))
        b = sorted(tuple(r) for r in queries._sums(ids, ("confirmed",), province_id, form="join"))
        c = sorted(tuple(r) for r in queries._sums(ids, ("confirmed",), province_id, form="reports"))
        assert a == b == c and a
        cur = [i.id for i in queries.installments(2569)[:3]]
        base = [i.id for i in queries.installments(2568)[:3]]
        paired = list(ctx.scalars(queries._paired(cur, base)))
        a = sorted(tuple(r) for r in queries._sums(ids, ("confirmed",), province_id, "correlated", paired))
        b = sorted(tuple(r) for r in queries._sums(ids, ("confirmed",), province_id, "join", paired))
        c = sorted(tuple(r) for r in queries._sums(ids, ("confirmed",), province_id, "reports", paired))
        assert a == b == c and a


@pytest.mark.parametrize("cur_numbers, base_numbers", [([1, 2, 3], [1, 2, 3]), ([2], [2]), ([1], [1, 2, 3, 6]),
                                                       ([3], [1, 2, 3])])
def test_like_for_like_from_the_per_lao_year_rollup_equals_the_reports(dataset, ctx, cur_numbers, base_numbers):
    """The paired LAOs' sums from rollup_lao_years (bit masks joined across the years) are the rows summing the
    paired LAOs' confirmed reports gives (the raw GROUP BY), nationally and in a province."""
    cur_inst, base_inst = queries.installments(2569), queries.installments(2568)
    current = [i for i in cur_inst if i.number in cur_numbers]
    base = [i for i in base_inst if i.number in base_numbers]
    ids = [i.id for i in current] + [i.id for i in base_inst]
    paired = list(ctx.scalars(queries._paired([i.id for i in current], [i.id for i in base])))
    assert paired  # the dataset pairs some LAOs in each of these selections
    raw = sorted((*r[:-1], int(r[-1])) for r in queries._sums(ids, ("confirmed",), None, "join", paired))
    sums, counts = queries._like_for_like(2569, 2568, current, base, base_inst)
    assert sorted(sums) == raw
    assert counts == queries._paired_counts(paired, None)


@pytest.mark.parametrize("like", [True, False])
@pytest.mark.parametrize("cur_numbers, base_numbers", [([1, 2, 3], [1, 2, 3]), ([2], [2]), ([1], [1, 2, 3, 6]),
                                                       ([3], [1, 2, 3])])
def test_a_provinces_figures_from_the_per_lao_year_rollup_equal_the_reports(dataset, ctx, cur_numbers, base_numbers,
                                                                            like):
    """Inside a province, each LAO's compared sums of both years and the chart's satang per installment and type
    from rollup_lao_years (two rows per LAO) are what folding the raw GROUP BY of the confirmed reports gives:
    for like-for-like (the paired LAOs only) and for all confirmed figures."""
    cur_inst, base_inst = queries.installments(2569), queries.installments(2568)
    current = [i for i in cur_inst if i.number in cur_numbers]
    base = [i for i in base_inst if i.number in base_numbers]
    ids = [i.id for i in current] + [i.id for i in base_inst]
    side_of = {i.id: "current" for i in current} | {i.id: "base" for i in base}
    paired = list(ctx.scalars(queries._paired([i.id for i in current], [i.id for i in base]))) if like else None
    compared = 0
    for province_id in (f.province("50").id, f.province("57").id):
        raw = queries._sums(ids, ("confirmed",), province_id, "join", paired)
        compared += len(raw)
        want_slots: dict = {i: defaultdict(int) for i in ids}
        want = queries._fold_lao_sums(raw, side_of, want_slots, province_id)
        got_slots: dict = {i: defaultdict(int) for i in ids}
        got, counts = queries._province_figures(queries._province_lao_years(province_id, (2569, 2568)), 2569, 2568,
                                                current, base, base_inst, got_slots, like)
        assert got == want
        assert ({i: {t: v for t, v in s.items() if v} for i, s in got_slots.items()}
                == {i: {t: v for t, v in s.items() if v} for i, s in want_slots.items()})
        assert counts == (queries._paired_counts(paired, province_id) if like else {})
    assert compared  # the dataset has figures to compare in these selections


def test_chart_series_hold_every_installment_of_the_base_year(dataset, ctx):
    result = queries.comparison(2568, 2569, through=3)
    assert [n for n, *_ in result.series["current"]] == [1, 2, 3]
    assert [n for n, *_ in result.series["base"]] == list(range(1, 13))
    base6 = result.series["base"][5][3]
    assert base6 == {"PAO": 50000}  # 500.00 baht in satang


def test_national_completeness_counted_from_the_reports_equals_the_streak_rollup(dataset, ctx):
    """Installments that are not 1..n of their year are counted from the reports (_complete); for 1..n both ways
    give the same counts per province and type."""
    for year in (2568, 2569):
        insts = queries.installments(year)
        for n in (1, 3, len(insts)):
            assert queries._complete([i.id for i in insts[:n]]) == queries._complete_through(year, n)


# Like-for-like: only LAOs confirmed in installments 1-3 of both years. Paired: A, M1, S1, S2 (Chiang Mai),
# B, M2 (Chiang Rai; S3 has no base year, S5 nothing this year) and M3 (Phitsanulok; S4 not all confirmed):
# 7 of 10 active LAOs.

def test_like_for_like_counts_only_laos_confirmed_in_both_periods(dataset, ctx):
    result = queries.comparison(2568, 2569, through=3, status="like-for-like")
    got = rows_by_code(result)
    cm, cr, ps, total = got["50"], got["57"], got["65"], got["TOTAL"]
    # Chiang Mai: every LAO paired, as under "confirmed"
    assert cell(cm, "all") == (D("9450.00"), D("8310.51"), D("-12.06"))
    assert cell(cr, "pao") == (D("2400.00"), D("2100.00"), D("-12.50"))
    assert cell(cr, "mun") == (D("999.99"), D("1000.02"), D("0.00"))
    # S3 (no base) and S5 (no current figures) drop out of both sides: no -75 % from missing data
    assert cell(cr, "sao") == (D("0.00"), D("0.00"), None)
    # (3100.02 - 3399.99) / 3399.99 x 100 = -8.8226... -> -8.82
    assert cell(cr, "all") == (D("3399.99"), D("3100.02"), D("-8.82"))
    # S4 is not confirmed in installments 2-3: its 600.00 base leaves the base side too (was -66.67)
    assert cell(ps, "sao") == (D("0.00"), D("0.00"), None)
    assert cell(ps, "all") == (D("3000.00"), D("3000.00"), D("0.00"))
    assert cell(total, "sao") == (D("450.00"), D("510.01"), D("13.34"))
    # (14410.53 - 15849.99) / 15849.99 x 100 = -9.0818... -> -9.08
    assert cell(total, "all") == (D("15849.99"), D("14410.53"), D("-9.08"))
    s = result.selection
    assert s.status == "like-for-like" and s.statuses == ("confirmed",)
    assert (s.laos, s.paired, s.missing) == (10, 7, 3)
    assert result.total.coverage["current"].share("like-for-like") == D("70.00")
    coverage = {r.code: r.coverage["current"] for r in result.rows}
    assert [(coverage[c].paired, coverage[c].laos) for c in ("50", "57", "65")] == [(4, 4), (2, 4), (1, 2)]


def test_like_for_like_in_a_province_and_its_chart_series(dataset, ctx):
    result = queries.comparison(2568, 2569, through=3, status="like-for-like", province_code="57")
    got = rows_by_code(result)
    assert cell(got["L-S3"], "sao") == (D("0.00"), D("0.00"), None)
    assert cell(got["L-S5"], "sao") == (D("0.00"), D("0.00"), None)
    assert cell(got["L-B"], "pao") == (D("2400.00"), D("2100.00"), D("-12.50"))
    assert cell(got["TOTAL"], "all") == (D("3399.99"), D("3100.02"), D("-8.82"))
    paired = {r.code: r.coverage["current"].paired for r in result.rows}
    assert paired == {"L-B": 1, "L-M2": 1, "L-S3": 0, "L-S5": 0}
    assert result.selection.paired == 2 and result.selection.missing == 2
    # the province's total equals its row in the national table
    national = rows_by_code(queries.comparison(2568, 2569, through=3, status="like-for-like"))["57"]
    assert {k: v for k, v in got["TOTAL"].items() if not k.startswith("lao_")} == {
        k: v for k, v in national.items() if not k.startswith("province_")}
    # Chiang Mai's PAO A is paired: the base year's installment 6 (500.00) is on the chart
    national_series = queries.comparison(2568, 2569, through=3, status="like-for-like").series
    assert national_series["base"][5][3] == {"PAO": 50000}
    assert sum(national_series["current"][0][3].values()) == 110000 + 150000 + 11000 + 6000 + 70000 + 33334 + 100000


def test_like_for_like_pairs_whole_base_year_on_the_full_year_basis(dataset, ctx):
    # full-year: base installments 1-12; only A has a confirmed... no LAO has all 12 base installments
    s = queries.comparison(2568, 2569, through=3, basis="full-year", status="like-for-like").selection
    assert s.paired == 0 and s.missing == 10


def test_coverage_of_the_other_selectors(dataset, ctx):
    confirmed = queries.comparison(2568, 2569, through=3).total.coverage["current"]
    assert (confirmed.counted("confirmed"), confirmed.share("confirmed")) == (8, D("80.00"))
    assert (confirmed.counted("recorded"), confirmed.share("recorded")) == (9, D("90.00"))
    assert queries.comparison(2568, 2569, through=3).selection.paired is None


@pytest.mark.parametrize("year, numbers", [(2569, [1, 2, 3]), (2569, [2]), (2568, [1, 2, 3, 6]), (2568, [1])])
def test_a_provinces_completeness_from_the_per_lao_year_rollup_equals_the_reports(dataset, ctx, year, numbers):
    """The LAOs that recorded every installment, and whether they confirmed them all, read from rollup_lao_years'
    masks are those counting the reports gives."""
    from sqlalchemy import func, select

    from app.models import Installment, InstallmentReport, Lao

    r = InstallmentReport
    ids = list(ctx.scalars(select(Installment.id).where(Installment.fiscal_year_id == year,
                                                        Installment.number.in_(list(numbers)))))
    seen, waiting = 0, 0
    for code in ("50", "57", "65"):
        province_id = f.province(code).id
        counted = ctx.execute(
            select(r.lao_id, func.count(), func.sum(case((r.status == "confirmed", 1), else_=0)))
            .join(Lao, Lao.id == r.lao_id)
            .where(Lao.province_id == province_id, r.installment_id.in_(ids),
                   r.status.in_(("recorded", "confirmed", "returned")))
            .group_by(r.lao_id)).all()
        want = {lao_id: (1, 1 if n_conf == len(ids) else 0) for lao_id, n, n_conf in counted if n == len(ids)}
        got = queries._province_complete(queries._province_lao_years(province_id, (year,))[year], list(numbers))
        assert got == want
        seen += len(want)
        waiting += sum(1 for _rec, conf in want.values() if not conf)
    assert seen  # some LAOs recorded every one of these installments
    if year == 2569 and list(numbers) == [1, 2, 3]:
        assert waiting  # and some of them have not all been confirmed
