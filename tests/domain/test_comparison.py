"""Comparison math (pure): percents from sums, totals, the printed INF508 rows, period matching, KPI scorecards."""

from datetime import date
from decimal import Decimal

import pytest

from app.domain import comparison as cmp
from app.domain.calendar import build_schedule
from app.domain.errors import DomainError, ValidationError
from app.domain.money import to_satang

D = Decimal

# The three rows printed in domain.md (baht): PAO base/current/%, municipality, SAO.
PRINTED = [
    ("1", ("59747354.80", "58950493.71", "-1.33"), ("83452853.83", "86366073.50", "3.49"),
     ("77105871.95", "86452157.80", "12.12")),
    ("6", ("47945008.26", "45278854.27", "-5.56"), ("102646598.91", "115955068.76", "12.97"),
     ("15302069.63", "20721841.83", "35.42")),
    ("10", ("35078926.25", "34718178.03", "-1.03"), ("40912102.90", "42871916.87", "4.79"),
     ("29568351.20", "38133899.08", "28.97")),
]


def satang(text: str) -> int:
    """Baht text as integer satang."""
    return to_satang(D(text))


@pytest.mark.parametrize("code, pao, mun, sao", PRINTED)
def test_the_printed_inf508_rows_reproduce_exactly(code, pao, mun, sao):
    base = {"PAO": satang(pao[0]), "MUNICIPALITY": satang(mun[0]), "SAO": satang(sao[0])}
    current = {"PAO": satang(pao[1]), "MUNICIPALITY": satang(mun[1]), "SAO": satang(sao[1])}
    row = cmp.build_row("province", code, "row", base, current)
    for group, printed in (("pao", pao), ("mun", mun), ("sao", sao)):
        c = row.cells[group]
        assert (str(c.base), str(c.current), str(c.pct)) == printed


def test_total_row_percent_comes_from_column_totals_not_row_percents():
    rows = [cmp.build_row("province", "1", "a", {"SAO": 100_00}, {"SAO": 200_00}),  # +100 %
            cmp.build_row("province", "2", "b", {"SAO": 900_00}, {"SAO": 900_00})]  # 0 %
    total = cmp.total_row(rows)
    assert total.cells["sao"] == cmp.Cell(D("1000.00"), D("1100.00"), D("10.00"))  # not the 50 % average
    assert total.code == "TOTAL" and total.name == "รวม"


def test_zero_base_gives_no_percent_and_rounding_is_half_away_from_zero():
    assert cmp.make_cell(D("0.00"), D("5.00")).pct is None
    assert cmp.make_cell(D("0.00"), D("0.00")).pct is None
    assert cmp.make_cell(D("200.00"), D("200.01")).pct == D("0.01")  # 0.005 rounds up
    assert cmp.make_cell(D("200.00"), D("199.99")).pct == D("-0.01")  # -0.005 rounds away from zero
    assert cmp.make_cell(None, None) == cmp.Cell(None, None, None)


def test_lao_row_has_only_its_category_and_all():
    row = cmp.build_row("lao", "L1", "อบต.ก", {"SAO": 100}, {"SAO": 150}, categories=("SAO",))
    assert not row.cells["pao"].applicable and not row.cells["mun"].applicable
    assert row.cells["all"] == row.cells["sao"] == cmp.Cell(D("1.00"), D("1.50"), D("50.00"))
    rec = row.record("province")
    assert list(rec) == list(cmp.PROVINCE_FIELDS)
    assert rec["lao_code"] == "L1" and rec["pao_base"] is None and row["sao_pct"] == D("50.00")


def test_total_of_rows_without_a_category_leaves_it_blank():
    rows = [cmp.build_row("lao", "L1", "a", {"SAO": 1}, {"SAO": 2}, categories=("SAO",))]
    assert cmp.total_row(rows, kind="district").cells["pao"] == cmp.Cell(None, None, None)


def test_coverage_counts_add_up_and_missing_depends_on_status():
    total = cmp.Coverage(3, 1, 1) + cmp.Coverage(2, 0, 1)
    assert total == cmp.Coverage(5, 1, 2)
    assert total.missing("confirmed") == 3 and total.missing("recorded") == 1


def periods(year: int, kind: str) -> list[cmp.Period]:
    """The domain periods of a schedule."""
    return [cmp.Period(s.number, s.period_start, s.period_end) for s in build_schedule(year, kind)]


def test_same_period_monthly_against_monthly():
    m = cmp.match_periods(periods(2569, "monthly"), periods(2568, "monthly"), 4, 1, "same-period")
    assert m == cmp.PeriodMatch((1, 2, 3, 4), (1, 2, 3, 4), "same-period", False)


def test_fy2560_installment_1_meets_five_months_of_a_leap_year():
    m = cmp.match_periods(periods(2560, "dla2560"), periods(2559, "monthly"), 1, 1, "same-period")
    assert m.base == (1, 2, 3, 4, 5) and not m.fallback  # Oct 2015 .. 29 Feb 2016
    m = cmp.match_periods(periods(2560, "dla2560"), periods(2559, "monthly"), 3, 1, "same-period")
    assert m.base == (1, 2, 3, 4, 5, 6, 7)


def test_monthly_against_fy2560_falls_back_until_the_months_line_up():
    three = cmp.match_periods(periods(2561, "monthly"), periods(2560, "dla2560"), 3, 1, "same-period")
    assert three.fallback and three.basis == "full-year" and three.base == tuple(range(1, 9))
    five = cmp.match_periods(periods(2561, "monthly"), periods(2560, "dla2560"), 5, 1, "same-period")
    assert not five.fallback and five.base == (1,)


def test_annual_base_year_only_matches_the_whole_year_and_gaps_of_two_years_work():
    part = cmp.match_periods(periods(2569, "monthly"), periods(2567, "annual"), 6, 2, "same-period")
    assert part.fallback and part.base == (1,)
    whole = cmp.match_periods(periods(2569, "monthly"), periods(2567, "annual"), 12, 2, "same-period")
    assert not whole.fallback and whole.basis == "same-period"
    two = cmp.match_periods(periods(2569, "monthly"), periods(2567, "monthly"), 2, 2, "same-period")
    assert two.base == (1, 2)


def test_full_year_basis_takes_every_base_installment_and_bad_input_is_refused():
    m = cmp.match_periods(periods(2569, "monthly"), periods(2568, "monthly"), 2, 1, "full-year")
    assert m == cmp.PeriodMatch((1, 2), tuple(range(1, 13)), "full-year", False)
    with pytest.raises(DomainError) as err:
        cmp.match_periods(periods(2569, "monthly"), periods(2568, "monthly"), 13, 1, "same-period")
    assert err.value.field == "through"
    with pytest.raises(DomainError):
        cmp.match_periods(periods(2569, "monthly"), periods(2568, "monthly"), 2, 1, "sideways")


def test_default_through_is_the_latest_ended_period():
    p = periods(2570, "monthly")
    assert cmp.default_through(p, date(2026, 11, 21)) == 1
    assert cmp.default_through(p, date(2026, 10, 31)) is None
    assert cmp.default_through(p, date(2027, 12, 1)) == 12


def test_rate_and_cumulative():
    assert cmp.rate(9, 10) == D("90.00") and cmp.rate(2, 3) == D("66.67") and cmp.rate(1, 0) is None
    assert cmp.cumulative([1, 2, 3]) == [1, 3, 6]


def kpi_row(code: str, pao: tuple | None, mun: tuple, sao: tuple) -> cmp.Row:
    """A province row from (base, current) satang pairs; pao None means the province has no PAO figures."""
    base = {"MUNICIPALITY": mun[0], "SAO": sao[0]}
    current = {"MUNICIPALITY": mun[1], "SAO": sao[1]}
    if pao:
        base["PAO"], current["PAO"] = pao
    return cmp.build_row("province", code, code, base, current)


def test_scorecard_scores_growth_on_five_levels_and_ranks():
    settings = cmp.KpiSettings()  # -10/-5/0/+5/+10, 33.34/33.33/33.33
    a = kpi_row("A", (100_00, 107_50), (100_00, 112_00), (100_00, 80_00))  # +7.5 %, +12 %, -20 %
    b = kpi_row("B", (100_00, 100_00), (100_00, 100_00), (100_00, 100_00))  # 0 % everywhere
    rows = cmp.scorecard([b, a], settings)
    got = {r.code: r for r in rows}
    assert got["A"].lines["pao"].score == D("4.5000")  # 4 + (7.5 - 5) / 5
    assert got["A"].lines["mun"].score == D("5.0000")
    assert got["A"].lines["sao"].score == D("0.0000")  # below T1
    assert got["A"].lines["pao"].weighted == D("1.5003")  # 4.5 x 33.34 %
    assert got["A"].total == D("1.5003") + D("1.6665") + D("0.0000")
    assert got["B"].total == D("3.0000")  # 3 x (33.34 + 33.33 + 33.33) %
    assert [r.code for r in rows] == ["A", "B"] and (got["A"].rank, got["B"].rank) == (1, 2)  # 3.1668 > 3


def test_scorecard_worked_examples_of_domain_md_through_the_five_level_method():
    settings = cmp.KpiSettings(thresholds=(D(20), D(40), D(60), D(80), D(100)),
                               weights={"pao": D(100), "mun": D(0), "sao": D(0)})
    row = kpi_row("X", (10000, 10000 + 8885), (1, 1), (1, 1))  # PAO growth 88.85 %
    assert cmp.score_row(row, settings).lines["pao"].score == D("4.4425")


def test_unscored_category_passes_its_weight_to_the_others_and_ties_share_a_rank():
    settings = cmp.KpiSettings()
    no_pao = kpi_row("P", None, (100_00, 110_00), (100_00, 110_00))  # +10 % scores 5 in both
    full = kpi_row("Q", (100_00, 110_00), (100_00, 110_00), (100_00, 110_00))
    rows = {r.code: r for r in cmp.scorecard([no_pao, full], settings)}
    assert rows["P"].lines["pao"].score is None and rows["P"].lines["pao"].weight == 0
    assert rows["P"].lines["mun"].weight == D("50.00")
    assert rows["P"].total == D("5.0000") == rows["Q"].total
    assert rows["P"].rank == rows["Q"].rank == 1


def test_kpi_settings_validation_names_the_fields():
    ok = cmp.validate_kpi_settings(["-10", "-5", "0", "5", "10"], {"pao": "40", "mun": "30", "sao": "30"})
    assert ok.thresholds == (D(-10), D(-5), D(0), D(5), D(10)) and ok.weights["pao"] == D("40.00")
    with pytest.raises(ValidationError) as err:
        cmp.validate_kpi_settings(["-10", "abc", "0", "0", "10"], {"pao": "50", "mun": "30", "sao": "30"})
    assert set(err.value.errors) == {"t2", "t4", "weight_pao"}
    with pytest.raises(ValidationError) as err:
        cmp.validate_kpi_settings(["1", "2", "3", "4", "5"], {"pao": "-1", "mun": "50.555", "sao": "x"})
    assert set(err.value.errors) == {"weight_pao", "weight_mun", "weight_sao"}


# ---------------------------------------------------------------- progress and short names (issue 13)

@pytest.mark.parametrize("done, target, expected", [
    (D("1000"), D("1800"), D("55.56")),   # 55.555... half away from zero
    (D("694.00"), D("20000.00"), D("3.47")),  # "reached 3.47 %" where the old column said -96.53
    (D("0.125"), D("1000"), D("0.01")),   # 0.0125 -> 0.01
    (D("0.135"), D("1000"), D("0.01")),   # 0.0135 -> 0.01
    (D("0.145"), D("100"), D("0.15")),    # exactly half: away from zero
    (D("2500"), D("2000"), D("125.00")),  # past the target
    (D("0"), D("2000"), D("0.00")),
    (D("100"), D("0"), None),             # no target
    (D("100"), None, None),
])
def test_progress_toward_the_target(done, target, expected):
    assert cmp.progress(done, target) == expected


@pytest.mark.parametrize("name, short", [
    ("องค์การบริหารส่วนตำบลแม่ริม", "อบต.แม่ริม"),
    ("เทศบาลตำบลสันทราย", "ทต.สันทราย"),
    ("เทศบาลเมืองลำพูน", "ทม.ลำพูน"),
    ("เทศบาลนครเชียงใหม่", "ทน.เชียงใหม่"),
    ("องค์การบริหารส่วนจังหวัดเชียงใหม่", "อบจ.เชียงใหม่"),
    ("องค์การบริหารส่วนตำบล บ้านกลาง", "อบต.บ้านกลาง"),
    ("อบต.หนึ่ง", "อบต.หนึ่ง"),  # already short
    ("เมืองพัทยา", "เมืองพัทยา"),  # no type prefix
    ("บ้านเทศบาลตำบลใน", "บ้านเทศบาลตำบลใน"),  # only a leading prefix
])
def test_short_lao_name_abbreviates_the_type_prefix(name, short):
    assert cmp.short_lao_name(name) == short


def test_coverage_counts_per_selector_and_adds_up():
    a = cmp.Coverage(laos=4, not_recorded=1, not_confirmed=1, paired=2)
    b = cmp.Coverage(laos=3, not_recorded=0, not_confirmed=0, paired=3)
    both = a + b
    assert (both.laos, both.paired) == (7, 5)
    assert [both.counted(s) for s in ("like-for-like", "confirmed", "recorded")] == [5, 5, 6]
    assert both.missing("like-for-like") == 2
    assert both.share("like-for-like") == D("71.43")  # 5 / 7 = 71.428...
    assert cmp.Coverage().share("confirmed") is None
