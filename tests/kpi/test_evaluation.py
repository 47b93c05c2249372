"""Evaluation of LAOs and provincial offices for a round, hand-computed: punctuality, days late, growth,
confirmation by the offices, completeness, the five-level scores and the ranks; the page and the thresholds form."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app import db
from app.domain.evaluation import rules_from
from app.domain.errors import ValidationError
from app.kpi import evaluation
from app.models import Entry, Installment, InstallmentReport, RevenueItem
from tests import factories as f
from tests.conftest import csrf_from, login

D = Decimal
LATER = date(2026, 12, 5)  # installment 1 of FY2570 is due for recording (20 Nov) and confirmation (30 Nov)


def _report(lao, year, number, baht, status="recorded", recorded=None, late=False, confirmed=None, conf_late=False):
    inst = db.session.scalar(select(Installment).where(Installment.fiscal_year_id == year, Installment.number == number))
    db.session.add(InstallmentReport(lao_id=lao.id, installment_id=inst.id, status=status, recorded_late=late,
                                     recorded_at=recorded, confirmed_at=confirmed, confirmed_late=conf_late))
    item = db.session.scalar(select(RevenueItem).where(RevenueItem.code == "SIGNBOARD"))
    db.session.add(Entry(lao_id=lao.id, installment_id=inst.id, item_id=item.id, amount_satang=int(D(baht) * 100)))


@pytest.fixture
def world(app):
    with app.app_context():
        f.fiscal_year(2569)
        f.fiscal_year(2570)
        l1 = f.lao("SAO", "50", code="L1", name_th="อบต.กอไก่")
        l2 = f.lao("SAO", "50", code="L2", name_th="อบต.ขอไข่")
        l3 = f.lao("MUNICIPALITY", "50", code="L3", name_th="เทศบาลตำบลคอควาย")
        l4 = f.lao("PAO", "57", code="L4", name_th="อบจ.งองู")
        _report(l1, 2570, 1, "110000", "confirmed", datetime(2026, 11, 10, 3), confirmed=datetime(2026, 11, 20, 3))
        _report(l2, 2570, 1, "95000", "recorded", datetime(2026, 11, 25, 3), late=True)
        _report(l4, 2570, 1, "200000", "confirmed", datetime(2026, 11, 12, 3), confirmed=datetime(2026, 12, 2, 3),
                conf_late=True)
        for lao, baht in ((l1, "100000"), (l2, "100000"), (l3, "50000")):
            _report(lao, 2569, 1, baht, "confirmed")
        db.session.commit()


def test_laos_and_offices_hand_computed(app, world):
    with app.app_context():
        ev = evaluation.evaluate(2570, 1, None, LATER)
        laos = {x.lao.code: (x.result.on_time, x.result.days_late, x.result.growth_pct, x.result.score,
                             x.rank_province, x.rank_national) for x in ev.laos}
        assert laos == {
            "L1": (1, 0, D("10.00"), D("5.0000"), 1, 1),  # on time, +10 %: 5 and 5
            "L2": (0, 5, D("-5.00"), D("1.0000"), 2, 3),  # recorded 25 Nov: 5 days; 0 x 50 % + 2 x 50 %
            "L3": (0, 15, D("-100.00"), D("0.0000"), 3, 4),  # not recorded by 5 Dec: 15 days
            "L4": (1, 0, None, D("5.0000"), 1, 1),  # no base year: punctuality alone; shares the first place
        }
        offices = {o.province.code: (o.result.due, o.result.on_time, o.result.days_late, o.result.complete_pct,
                                     o.result.score, o.rank) for o in ev.offices}
        assert offices == {
            "57": (1, 0, 2, D("100.00"), D("2.5000"), 1),  # confirmed 2 Dec, 2 days late; its one LAO complete
            "50": (2, 1, 5, D("33.33"), D("0.0000"), 2),  # L2 still unconfirmed 5 days after 30 Nov
        }
        assert (ev.due_entry, ev.due_confirm) == (1, 1)
        assert [x.lao.code for x in evaluation.evaluate(2570, 1, f.province("50"), LATER).laos] == ["L1", "L2", "L3"]


def test_rules_are_checked_and_change_the_scores(app, world):
    with pytest.raises(ValidationError) as caught:
        rules_from({"punctuality": ["1", "2", "3"], "growth": ["5", "4", "3", "2", "1"], "complete": [1, 2, 3, 4, 5],
                    "lao_punctuality_weight": "101", "office_punctuality_weight": "50"})
    assert set(caught.value.errors) == {"punctuality", "growth", "lao_punctuality_weight"}
    with app.app_context():
        evaluation.set_rules(None, None, 2570, {"punctuality": [0, 25, 50, 75, 100], "growth": [-10, -5, 0, 5, 10],
                                                "complete": [0, 25, 50, 75, 100], "lao_punctuality_weight": "100",
                                                "office_punctuality_weight": "0"})
        db.session.commit()
        ev = evaluation.evaluate(2570, 1, None, LATER)
        assert {x.lao.code: x.result.score for x in ev.laos}["L2"] == D("1.0000")  # 0 % on time scores level 1
        assert {o.province.code: o.result.score for o in ev.offices}["50"] == D("2.3332")  # 33.33 %: 2 + 8.33/25


def test_pages_follow_the_scope_and_national_staff_set_the_rules(app, client, world):
    with app.app_context():
        f.user("ver", "province_verifier", province_obj=f.province("57"))
        f.user("nat", "national_viewer")
        db.session.commit()
    assert login(client, "ver", f.PASSWORD).status_code == 302
    page = client.get("/kpi/evaluation?year=2570&round=1&province=50").get_data(as_text=True)
    assert "อบจ.งองู" in page and "อบต.กอไก่" not in page and 'data-testid="evaluation-rules"' not in page
    token = csrf_from(client.get("/profile").get_data(as_text=True))
    assert client.post("/kpi/evaluation?year=2570&round=1", data={"csrf_token": token}).status_code == 403
    xlsx = load_workbook(io.BytesIO(client.get("/kpi/evaluation.xlsx?year=2570&round=1").data))
    codes = [c.value for row in xlsx["อปท."].iter_rows() for c in row if c.value in ("L1", "L2", "L3", "L4")]
    assert codes == ["L4"]
    client = app.test_client()
    assert login(client, "nat", f.PASSWORD).status_code == 302
    url = "/kpi/evaluation?year=2570&round=1"
    page = client.get(url).get_data(as_text=True)
    form = {f"{part}_{n}": v for part in ("punctuality", "growth", "complete")
            for n, v in enumerate(("60", "70", "80", "90", "100"), start=1)}
    refused = client.post(url, data={**form, "growth_3": "abc", "lao_weight": "50", "office_weight": "๕๐",
                                     "csrf_token": csrf_from(page)})
    assert refused.status_code == 200 and "เกณฑ์ต้องเป็นตัวเลข 5 ระดับเรียงจากน้อยไปมาก" in refused.get_data(as_text=True)
    saved = client.post(url, data={**form, "lao_weight": "50", "office_weight": "๕๐", "csrf_token": csrf_from(page)})
    assert saved.status_code == 302
    assert "บันทึกเกณฑ์การประเมินแล้ว" in client.get(saved.location).get_data(as_text=True)
