"""KPI definitions: every field checked at once, versions within a year, the pages and the CLI, the memo seed."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import db
from app.domain.errors import NotPermittedError, ValidationError
from app.domain.kpi import parse_definition
from app.kpi import operations
from app.kpi.seed import seed_memo_kpis
from app.models import AuditEvent, KpiDefinition
from tests import factories as f
from tests.conftest import csrf_from, login, post_form

D = Decimal
GOOD = {"code": "rev_all", "name": "รายได้ที่จัดเก็บเอง", "group": "ด้านรายได้", "unit": "ล้านบาท", "direction": "higher",
        "measure": "amount_million", "category": "ALL", "points": "9", "t1": "2,303.44", "t2": "2588.44",
        "t3": "๒,๘๗๓.๔๔", "t4": "3158.44", "t5": "3443.44", "rounds": "1, 2", "base_year": "2558", "deadline": None,
        "penalty": "none"}


def test_a_good_definition_parses_with_thai_digits_and_separators():
    spec = parse_definition(GOOD, round_count=2)
    assert spec.code == "REV_ALL" and spec.rounds == (1, 2) and spec.points == D(9)
    assert spec.thresholds == (D("2303.44"), D("2588.44"), D("2873.44"), D("3158.44"), D("3443.44"))


def test_every_field_error_is_reported_at_once():
    bad = {**GOOD, "code": "รหัส", "name": " ", "direction": "up", "points": "0", "t2": "1e999", "t3": "2303.44",
           "t4": "9" * 30, "rounds": "3", "base_year": "2027", "penalty": "working"}
    with pytest.raises(ValidationError) as caught:
        parse_definition(bad, round_count=2)
    assert set(caught.value.errors) == {"code", "name", "direction", "points", "t2", "t4", "rounds", "base_year",
                                        "deadline"}
    assert "t3" not in caught.value.errors  # t2 failed to parse, so t3 is not compared with it


def test_lower_is_better_thresholds_descend():
    lower = {**GOOD, "direction": "lower", "t1": "25", "t2": "20", "t3": "15", "t4": "10", "t5": "5"}
    assert parse_definition(lower, 2).thresholds[0] == D(25)
    with pytest.raises(ValidationError) as caught:
        parse_definition({**lower, "t3": "30"}, 2)
    assert caught.value.errors["t3"].params == {"n": 3, "m": 2}


def test_a_revision_governs_later_rounds_and_the_old_version_earlier_ones(app):
    with app.app_context():
        f.fiscal_year(2560, "dla2560")  # two rounds
        v1 = operations.define(None, None, 2560, GOOD)
        v2 = operations.define(None, None, 2560, {**GOOD, "t5": "4000", "points": "12"}, from_round=2)
        removed = operations.define(None, None, 2560, {**GOOD, "code": "GONE", "rounds": "1"})
        db.session.commit()
        assert (v1.version, v2.version, v2.from_round) == (1, 2, 2)
        assert [(r.code, r.version) for r in operations.governing(2560, 1)] == [("REV_ALL", 1), ("GONE", 1)]
        round2 = operations.governing(2560, 2)
        assert [(r.code, r.version, 2 in r.round_numbers) for r in round2] == [("REV_ALL", 2, True), ("GONE", 1, False)]
        assert removed.round_numbers == (1,)
        with pytest.raises(ValidationError) as caught:  # a revision cannot reach back before the current version
            operations.define(None, None, 2560, GOOD, from_round=1)
        assert set(caught.value.errors) == {"from_round"}
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "kpi_defined")) == 3
        verifier = f.user("ver", "province_verifier", province_obj=f.province("50"))
        with pytest.raises(NotPermittedError):
            operations.define(verifier, None, 2560, {**GOOD, "code": "X"})


def test_national_staff_define_and_revise_on_the_page(app, client):
    with app.app_context():
        f.fiscal_year(2570)
        f.user("nat", "national_viewer")
        db.session.commit()
    assert login(client, "nat", f.PASSWORD).status_code == 302
    form = {k: v for k, v in GOOD.items() if v is not None}
    refused = post_form(client, "/kpi/2570/new", {**form, "t3": "abc", "rounds": "9"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "กรุณากรอกตัวเลข" in html and "รอบที่วัดต้องเป็นเลขรอบ" in html
    with app.app_context():
        assert db.session.scalar(select(KpiDefinition)) is None
    saved = post_form(client, "/kpi/2570/new", form)
    assert saved.status_code == 302 and saved.location.endswith("/kpi/?year=2570")
    listing = client.get(saved.location).get_data(as_text=True)
    assert "บันทึกตัวชี้วัด REV_ALL แล้ว" in listing and "2,873.44" in listing
    page = client.get("/kpi/2570/REV_ALL/revise").get_data(as_text=True)
    assert 'value="2,873.44"' in page
    revised = client.post("/kpi/2570/REV_ALL/revise", data={**form, "t5": "5000", "from_round": "2",
                                                            "csrf_token": csrf_from(page)})
    assert revised.status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(KpiDefinition).order_by(KpiDefinition.version)).all()
        assert [(r.version, r.from_round, r.t5) for r in rows] == [(1, 1, D("3443.44")), (2, 2, D("5000"))]
    assert client.get("/kpi/2570/NOPE/revise").status_code == 404


def test_verifiers_and_officers_cannot_reach_the_definitions(app, client):
    with app.app_context():
        f.fiscal_year(2570)
        f.user("ver", "province_verifier", province_obj=f.province("50"))
        db.session.commit()
    assert login(client, "ver", f.PASSWORD).status_code == 302
    assert client.get("/kpi/").status_code == 403
    assert client.post("/kpi/2570/new", data=GOOD).status_code in (400, 403)


def test_the_memo_seed_and_the_cli(app):
    with app.app_context():
        f.fiscal_year(2560, "dla2560")
        rows = seed_memo_kpis(2560)
        db.session.commit()
        pao = rows[0]
        assert (pao.code, pao.category, pao.unit, pao.base_year) == ("REV_PAO", "PAO", "ล้านบาท", 2558)
        assert pao.thresholds == (D("2303.44"), D("2588.44"), D("2873.44"), D("3158.44"), D("3443.44"))
        assert rows[1].thresholds[2] == D("10477.06") and rows[1].thresholds[4] == D("14004.75")
        assert rows[2].thresholds[2] == D("4430.06") and rows[2].thresholds[4] == D("6401.75")
        assert pao.round_numbers == (1, 2)
    result = app.test_cli_runner().invoke(args=["kpi", "list", "--year", "2560"])
    assert result.exit_code == 0, result.output
    assert "REV_SAO\tv1 from round 1" in result.output and "4430.06" in result.output
    empty = app.test_cli_runner().invoke(args=["kpi", "list", "--year", "2599"])
    assert "no KPI defined" in empty.output
