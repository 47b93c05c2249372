"""An approved extension is honoured where lateness is counted: monitoring's overdue counts and the evaluation's
punctuality (on time, days late), while the original deadline stays the installment's."""

from datetime import date

from app import db
from app.deadlines import operations as ops
from app.kpi.evaluation import evaluate
from app.reports.queries import monitoring
from tests.deadlines.conftest import MAX_DAYS, TODAY, inst, lao, province, record, user


def extend(lao_code: str, until: date, officer: str) -> None:
    """The LAO's officer asks, the verifier approves, committed."""
    ext = ops.request_entry_extension(user(officer), None, lao(lao_code), inst(), requested=until, reason="เหตุขัดข้อง",
                                      today=TODAY, max_days=MAX_DAYS)
    ops.decide(user("verifier"), None, ext, version=ext.version, decision="approve", new_deadline=until,
               reason="อนุมัติ", today=TODAY, max_days=MAX_DAYS)
    db.session.commit()


def row_of(result, code: str = "50"):
    """Monitoring's line of province `code`."""
    return next(r for r in result.rows if r.code == code)


def test_monitoring_does_not_count_an_lao_overdue_while_its_extension_runs(ctx, world):
    extend("OWN", date(2026, 11, 28), "officer")
    assert row_of(monitoring(2570, 1, date(2026, 11, 26))).entry_overdue == 1  # NEXT only
    assert row_of(monitoring(2570, 1, date(2026, 11, 28))).entry_overdue == 1  # the last day of OWN's extension
    assert row_of(monitoring(2570, 1, date(2026, 11, 29))).entry_overdue == 2
    record("OWN", date(2026, 11, 27))
    db.session.commit()
    after = row_of(monitoring(2570, 1, date(2026, 11, 29)))
    assert (after.recorded, after.recorded_late, after.entry_overdue) == (1, 0, 1)


def test_monitoring_shows_a_province_s_confirmation_extension(ctx, world):
    ext = ops.request_confirm_extension(user("verifier"), None, province("50"), inst(), requested=date(2026, 12, 4),
                                        reason="ผู้ตรวจสอบลาป่วย", today=TODAY, max_days=MAX_DAYS)
    ops.decide(user("national"), None, ext, version=ext.version, decision="approve", new_deadline=date(2026, 12, 4),
               reason="อนุมัติ", today=TODAY, max_days=MAX_DAYS)
    db.session.commit()
    on_dec_2 = monitoring(2570, 1, date(2026, 12, 2))
    assert row_of(on_dec_2).confirm_extended_to == date(2026, 12, 4)
    assert row_of(on_dec_2).confirm_overdue == 0
    assert row_of(on_dec_2, "57").confirm_overdue == 1  # Chiang Rai has no extension
    assert row_of(monitoring(2570, 1, date(2026, 12, 5))).confirm_overdue == 2


def test_the_evaluation_counts_a_recording_by_the_extended_deadline_on_time(ctx, world):
    extend("OWN", date(2026, 11, 25), "officer")
    record("OWN", date(2026, 11, 25))
    record("NEXT", date(2026, 11, 22))
    db.session.commit()
    result = {row.lao.code: row.result for row in evaluate(2570, 1, None, date(2026, 11, 30)).laos}
    assert (result["OWN"].due, result["OWN"].on_time, result["OWN"].days_late) == (1, 1, 0)
    assert (result["NEXT"].due, result["NEXT"].on_time, result["NEXT"].days_late) == (1, 0, 2)


def test_an_installment_is_not_due_for_an_lao_until_its_extension_runs_out(ctx, world):
    extend("OWN", date(2026, 11, 28), "officer")
    before = {row.lao.code: row.result for row in evaluate(2570, 1, None, date(2026, 11, 26)).laos}
    assert before["OWN"].due == 0 and before["NEXT"].due == 1
    after = {row.lao.code: row.result for row in evaluate(2570, 1, None, date(2026, 12, 1)).laos}
    assert (after["OWN"].due, after["OWN"].days_late) == (1, 3)  # not recorded: 3 days past 28 Nov
