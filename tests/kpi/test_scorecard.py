"""The scorecard of a round, hand-computed cell by cell from confirmed figures (the rollup), national and per
province; a KPI not measured in the round drops out of the weights; the provincial office sees its own card."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app import db
from app.domain.errors import ValidationError
from app.kpi import operations, scorecard
from app.models import AuditEvent, Entry, Holiday, Installment, InstallmentReport, Province, RevenueItem, ScorecardReport
from tests import factories as f
from tests.conftest import csrf_from, login

D = Decimal
BASE = {"group": "ด้านรายได้", "unit": "บาท", "direction": "higher", "category": "ALL", "rounds": "1",
        "penalty": "none"}


def _figures(lao, year: int, number: int, baht: str, status: str = "confirmed") -> None:
    inst = db.session.scalar(select(Installment).where(Installment.fiscal_year_id == year, Installment.number == number))
    item = db.session.scalar(select(RevenueItem).where(RevenueItem.code == "SIGNBOARD"))
    db.session.add(InstallmentReport(lao_id=lao.id, installment_id=inst.id, status=status))
    db.session.add(Entry(lao_id=lao.id, installment_id=inst.id, item_id=item.id, amount_satang=int(D(baht) * 100)))


@pytest.fixture
def world(app):
    """FY2569 (base) and FY2570; a PAO, a municipality and an SAO in Chiang Mai (50), an SAO in Chiang Rai (57);
    installment 1 confirmed in both years, one later installment recorded only; four KPIs of FY2570."""
    with app.app_context():
        f.fiscal_year(2569)
        f.fiscal_year(2570)
        p1, m1, s1, s2 = f.lao("PAO", "50"), f.lao("MUNICIPALITY", "50"), f.lao("SAO", "50"), f.lao("SAO", "57")
        for lao, now, before in ((p1, "1000000", "800000"), (m1, "500000", "500000"), (s1, "300000", "250000"),
                                 (s2, "200000", "100000")):
            _figures(lao, 2570, 1, now)
            _figures(lao, 2569, 1, before)
        _figures(s2, 2570, 2, "999", status="recorded")  # not confirmed: never counted
        db.session.flush()
        operations.define(None, None, 2570, {**BASE, "code": "A", "name": "รายได้รวม", "measure": "amount_baht",
                                             "points": "9", "t1": "1000000", "t2": "1500000", "t3": "2000000",
                                             "t4": "2500000", "t5": "3000000"})
        operations.define(None, None, 2570, {**BASE, "code": "B", "name": "อัตราเพิ่มของ อบต.", "unit": "ร้อยละ",
                                             "measure": "growth_pct", "category": "SAO", "base_year": "2569",
                                             "points": "20", "t1": "-10", "t2": "-5", "t3": "0", "t4": "5", "t5": "10"})
        operations.define(None, None, 2570, {**BASE, "code": "C", "name": "สัดส่วนต่อปีฐาน", "unit": "ร้อยละ",
                                             "measure": "share_pct", "direction": "lower", "base_year": "2569",
                                             "points": "36", "t1": "150", "t2": "140", "t3": "130", "t4": "120",
                                             "t5": "110"})
        operations.define(None, None, 2570, {**BASE, "code": "D", "name": "วัดเฉพาะรอบ 2", "measure": "amount_baht",
                                             "points": "100", "rounds": "2", "t1": "1", "t2": "2", "t3": "3", "t4": "4",
                                             "t5": "5"})
        db.session.commit()


def _cells(card) -> dict[str, tuple]:
    return {line.kpi.code: (line.result, line.score, line.weight_pct, line.weighted, line.met) for line in card.lines}


def test_national_card_hand_computed(app, world):
    with app.app_context():
        card = scorecard.build(2570, 1, None)
        assert _cells(card) == {
            "A": (D("2000000.00"), D("3.0000"), D("13.85"), D("0.4154"), True),  # 3 x 9/65
            "B": (D("42.86"), D("5.0000"), D("30.77"), D("1.5385"), True),  # (500,000 - 350,000) / 350,000
            "C": (D("121.21"), D("3.8790"), D("55.38"), D("2.1484"), True),  # lower is better: 3 + 8.79/10
            "D": (None, None, None, None, None),  # not measured in round 1: out of the weights
        }
        assert card.total == D("4.1023") == sum(line.weighted for line in card.lines if line.weighted is not None)
        assert card.weight_pct == D("100.00")
        assert (card.confirmed, card.expected, card.completeness) == (4, 24, D("16.67"))  # 4 LAOs x 6 installments


def test_province_card_hand_computed(app, world):
    with app.app_context():
        card = scorecard.build(2570, 1, db.session.scalar(select(Province).where(Province.code == "50")))
        assert {k: v[:2] for k, v in _cells(card).items() if k != "D"} == {
            "A": (D("1800000.00"), D("2.6000")), "B": (D("20.00"), D("5.0000")), "C": (D("116.13"), D("4.3870"))}
        assert card.total == D("4.3282")  # 0.3600 + 1.5385 + 2.4297
        assert _cells(card)["A"][4] is False  # 2.6 is below the target level 3
        assert (card.confirmed, card.expected) == (3, 18)


def test_pages_and_xlsx_follow_the_scope(app, client, world):
    with app.app_context():
        f.user("ver", "province_verifier", province_obj=f.province("57"))
        db.session.commit()
    assert login(client, "ver", f.PASSWORD).status_code == 302
    page = client.get("/kpi/scorecard?year=2570&round=1&province=50")  # asks for another province: gets its own
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "เชียงราย" in html and 'data-testid="completeness"' in html
    assert "ร้อยละ 16.67" in html and "ผลยังไม่ครบ" in html
    xlsx = client.get("/kpi/scorecard.xlsx?year=2570&round=1")
    assert xlsx.status_code == 200 and xlsx.headers["Content-Disposition"].endswith('scorecard_57_2570_r1.xlsx"')
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    total_row = next(row for row in values if row[0] == "รวม")
    # Chiang Rai: A 200,000 scores 0; B growth 100 % scores 5; C 200,000 / 100,000 = 200 % scores 0
    assert total_row[-2] == pytest.approx(1.5385)
    assert client.get("/kpi/scorecard?year=2570&round=99").status_code == 200  # an unknown round: the last one


REPORTER = {"reporter_name": "นางสาวรายงาน ผล", "reporter_position": "นักวิเคราะห์นโยบายและแผน",
            "reporter_unit": "ส่วนนโยบายการคลังฯ", "reporter_phone": "02-241-9000", "report_date": "20/11/2569"}


def test_the_responsible_person_explains_misses_and_signs(app, client, world):
    with app.app_context():
        f.user("ver", "province_verifier", province_obj=f.province("57"))
        db.session.commit()
    assert login(client, "ver", f.PASSWORD).status_code == 302
    url = "/kpi/scorecard?year=2570&round=1"
    page = client.get(url).get_data(as_text=True)
    token = csrf_from(page)
    # Chiang Rai misses A and C: both need an explanation; a report date in the future is refused too
    refused = client.post(url, data={**REPORTER, "report_date": "22/11/2569", "explain_B": "เพิ่มขึ้นตามเป้า",
                                     "version": "0", "csrf_token": token})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and html.count("ผลไม่บรรลุค่าเป้าหมาย กรุณาชี้แจงเพิ่มเติม") == 2
    assert "วันที่รายงานต้องไม่เกินวันนี้" in html and "เพิ่มขึ้นตามเป้า" in html  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(select(ScorecardReport)) is None
    sent = client.post(url, data={**REPORTER, "explain_A": "จัดเก็บล่าช้าเพราะน้ำท่วม", "explain_C": "ฐานปีก่อนต่ำ",
                                  "version": "0", "csrf_token": token})
    assert sent.status_code == 302
    shown = client.get(sent.location).get_data(as_text=True)
    assert "ส่งแบบสรุปผลแล้ว" in shown and "จัดเก็บล่าช้าเพราะน้ำท่วม" in shown and 'data-testid="submitted"' in shown
    stale = client.post(url, data={**REPORTER, "explain_A": "x", "explain_C": "y", "version": "0",
                                   "csrf_token": token})
    assert "มีผู้ส่งแบบสรุปผลนี้หลังจากที่ท่านเปิดหน้านี้" in stale.get_data(as_text=True)
    with app.app_context():
        report = db.session.scalar(select(ScorecardReport))
        assert (report.place, report.version, report.report_date) == ("57", 1, date(2026, 11, 20))
        assert report.explanations == {"A": "จัดเก็บล่าช้าเพราะน้ำท่วม", "C": "ฐานปีก่อนต่ำ"}
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "scorecard_submitted")) == 1


def test_late_submission_penalties_by_calendar_and_working_days(app, world):
    with app.app_context():
        kpi = operations.latest(2570, "A")
        raw = {"code": "A", "name": kpi.name_th, "group": kpi.group_th, "unit": kpi.unit, "direction": "higher",
               "measure": "amount_baht", "category": "ALL", "points": "9", "rounds": "1", "penalty": "calendar",
               "deadline": date(2026, 11, 18), **{f"t{n}": str(t) for n, t in enumerate(kpi.thresholds, start=1)}}
        operations.define(None, None, 2570, raw)
        operations.submit_scorecard(None, None, 2570, 1, None, explanations={}, reporter=REPORTER,
                                    report_date=date(2026, 11, 20), version=0, missed=[], known=["A", "B", "C"],
                                    today=date(2026, 11, 21), now=datetime(2026, 11, 21, 3, 0))  # 10:00 in Bangkok
        db.session.commit()
        card = scorecard.build(2570, 1, None)
        a = next(line for line in card.lines if line.kpi.code == "A")
        assert (a.days_late, a.penalty, a.score, a.score_after, a.weighted_after) == (
            3, D("0.03"), D("3.0000"), D("2.9700"), D("0.4112"))  # 2.97 x 9/65
        assert card.total == D("4.1023") and card.total_after == D("4.0981")  # 0.4112 + 1.5385 + 2.1484
        operations.define(None, None, 2570, {**raw, "penalty": "working", "deadline": date(2026, 11, 13)})
        db.session.add(Holiday(day=date(2026, 11, 17), name_th="วันหยุดพิเศษ"))
        db.session.commit()
        a = next(line for line in scorecard.build(2570, 1, None).lines if line.kpi.code == "A")
        assert (a.days_late, a.penalty, a.score_after) == (4, D("0.4"), D("2.6000"))  # Mon 16, Wed 18 - Fri 20


def test_a_kpi_measured_in_each_half_is_weighted_from_the_halves(app, world):
    with app.app_context():
        _figures(f.lao("PAO", "57"), 2570, 7, "3000000")  # April: the second half
        db.session.flush()
        raw = {**BASE, "code": "H", "name": "รายได้แยกครึ่งปี", "measure": "amount_baht", "points": "5", "rounds": "3",
               "t1": "1000000", "t2": "1500000", "t3": "2000000", "t4": "2500000", "t5": "3000000",
               "first_half_weight": "40"}
        with pytest.raises(ValidationError) as caught:
            operations.define(None, None, 2570, {**raw, "first_half_weight": "100"})
        assert set(caught.value.errors) == {"first_half_weight"}
        operations.define(None, None, 2570, raw)
        db.session.commit()
        card = scorecard.build(2570, 3, None)  # the 12-month round
        h = next(line for line in card.lines if line.kpi.code == "H")
        assert h.half_results == [D("2000000.00"), D("3000000.00")]  # October-March, April-September
        assert (h.result, h.score) == (D("5000000.00"), D("4.2000"))  # 3 x 40 % + 5 x 60 %, not the whole year's 5
        assert card.total == D("4.2000")  # the only KPI measured in round 3
        first = next(line for line in scorecard.build(2570, 1, None).lines if line.kpi.code == "H")
        assert not first.applicable  # measured in round 3 only
