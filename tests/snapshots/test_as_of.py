"""Reports as of a moment equal the live reports taken at that moment (property test over random sequences of
saves, confirmations, unconfirmations and returns through the real operations), and the as-of parameter everywhere."""

import itertools
import json
from dataclasses import asdict
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import db
from app.auth.loaders import installment_or_404
from app.domain import comparison as cmp
from app.reports import queries
from app.verify.queries import status_by_province, status_report
from tests.conftest import _clean
from tests.snapshots.conftest import TODAY, START, build_world, minutes, report, review, save
from tests import factories as f

LAOS = ("OWN01", "NEXT01", "FAR01")
INSTALLMENTS = ((2570, 1), (2569, 1), (2569, 2))
ACTIONS = ("save", "confirm", "unconfirm", "return")
STEP = st.tuples(st.sampled_from(LAOS), st.sampled_from(INSTALLMENTS), st.sampled_from(ACTIONS),
                 st.integers(min_value=0, max_value=4))


def _comparison_view(result: queries.ComparisonResult) -> tuple:
    """Everything a reader sees in a comparison but the moment it was computed."""
    selection = {k: v for k, v in result.selection.as_dict().items() if k not in ("computed_at", "as_of")}
    groups = [(sub.record("province"), [m.record("province") for m in members]) for sub, members in result.groups]
    # a category at 0 satang may be present or absent (the rollup keeps emptied rows): the chart draws both alike
    series = {side: [(n, a, b, {k: x for k, x in v.items() if x}) for n, a, b, v in rows]
              for side, rows in result.series.items()}
    coverage = [(r.code, {k: asdict(v) for k, v in r.coverage.items()}) for r in [*result.rows, result.total]]
    return result.records(), selection, groups, series, coverage


def _status_view(report_) -> tuple:
    """INR911's counts and rows as a reader sees them."""
    counts = (report_.total, report_.recorded_count, report_.not_recorded_count, report_.recorded_pct,
              report_.confirmed_count, report_.returned_count, report_.late_count)
    rows = [(r.lao_code, r.status, r.version, r.recorded_at, r.recorded_late, r.confirmed_at, r.confirmed_late)
            for r in report_.rows]
    return counts, rows


def reports(at=None) -> dict:
    """The comparison (national, per province; three data selections, and confirmed against the whole base year),
    the drill-down and INR911
    (per province and nationally, with the per-province lines), live or as of `at`."""
    out = {}
    selections = [(status, cmp.BASIS_SAME_PERIOD) for status in cmp.SELECTORS]
    selections.append((cmp.STATUS_CONFIRMED, cmp.BASIS_FULL_YEAR))
    for (status, basis), province in itertools.product(selections, (None, "50", "57")):
        result = queries.comparison(2569, 2570, 1, basis, status, province, today=TODAY, as_of=at)
        out[("comparison", status, basis, province)] = _comparison_view(result)
    for year, number in INSTALLMENTS:
        inst = installment_or_404(year, number)
        for province in (None, f.province("50").id):
            out[("inr911", year, number, province)] = _status_view(status_report(inst, province, as_of=at))
        out[("inr911-provinces", year, number)] = [asdict(line) for line in status_by_province(inst, as_of=at)]
    return out


def _valid(status: str, action: str) -> bool:
    """Whether `action` is allowed on a report in `status` (the operations refuse the others)."""
    return {"save": status != "confirmed", "confirm": status in ("recorded", "returned"),
            "unconfirm": status == "confirmed", "return": status in ("recorded", "confirmed")}[action]


def _apply(step, now) -> bool:
    """Run one step through the real operation at `now`; False when the action is not allowed in the state."""
    code, (year, number), action, k = step
    rep = report(code, year, number)
    if not _valid(rep.status if rep else "not_recorded", action):
        return False
    if action == "save":
        save(code, year, number, [f"{(k + 1) * 1234}.{k}5", f"{k * 70}.50", "12.00", "3.00"][:2] if code != "NEXT01"
             else _municipality_amounts(year, k), now)
    else:
        review(code, year, number, action, now, reason=None if action == "confirm" else f"เหตุผล {k}")
    db.session.commit()
    return True


def _municipality_amounts(year: int, k: int) -> list[str]:
    """Amounts for every item a municipality records in `year`."""
    from tests.snapshots.conftest import item_codes

    return [f"{(n + 1) * 1000 + k * 111}.{k}0" for n in range(len(item_codes("NEXT01", year)))]


@settings(max_examples=15, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=8))
def test_as_of_report_equals_the_live_report_of_that_moment(app, steps):
    with app.app_context():
        db.session.remove()
        _clean(app.extensions["engine"])
        build_world()
        db.session.commit()
        empty = reports()
        seen = []
        for n, step in enumerate(steps):
            now = minutes(n)
            if _apply(step, now):
                seen.append((now, reports()))
        assert reports(START - timedelta(seconds=1)) == empty  # before anything was recorded
        for n, (now, live) in enumerate(seen):
            assert reports(now) == live, f"as of {now}"
            if n == len(seen) - 1:
                assert reports(now + timedelta(seconds=30)) == live  # after the last step nothing changes


def test_as_of_is_exact_to_the_state_changes(app, world):
    """A scripted sequence: confirmed-only and recorded figures at chosen moments, by hand."""
    with app.app_context():
        save("OWN01", 2570, 1, ["1,000.00", "300.00"], minutes(0))
        review("OWN01", 2570, 1, "confirm", minutes(10))
        review("OWN01", 2570, 1, "unconfirm", minutes(20), reason="ผิด")
        save("OWN01", 2570, 1, ["2,000.00", "300.00"], minutes(30))
        db.session.commit()

        def total(status, at):
            result = queries.comparison(2569, 2570, 1, cmp.BASIS_SAME_PERIOD, status, "50", today=TODAY, as_of=at)
            return result.total.cells["all"].current

        assert total(cmp.STATUS_RECORDED, minutes(5)) == 1300
        assert total(cmp.STATUS_CONFIRMED, minutes(5)) == 0
        assert total(cmp.STATUS_CONFIRMED, minutes(10)) == 1300
        assert total(cmp.STATUS_CONFIRMED, minutes(25)) == 0
        assert total(cmp.STATUS_RECORDED, minutes(25)) == 1300
        assert total(cmp.STATUS_RECORDED, minutes(30)) == 2300
        assert total(cmp.STATUS_RECORDED, None) == 2300
        selection = queries.comparison(2569, 2570, 1, cmp.BASIS_SAME_PERIOD, cmp.STATUS_RECORDED, None,
                                       today=TODAY, as_of=minutes(5)).selection
        assert selection.as_of == minutes(5).isoformat(timespec="seconds")
        assert json.dumps(selection.as_dict())  # JSON-ready for the API and CLI
