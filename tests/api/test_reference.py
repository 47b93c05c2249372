"""Reference endpoints: LAOs (filters, paging), fiscal years with installments and rounds, revenue items."""

import pytest

from app import db
from tests import factories as f
from tests.api.conftest import api


def test_lao_list_fields_and_filters(world, client):
    token = world.tokens["national"]
    rows = api(client, "GET", "/api/v1/laos?province=50&type=SAO", token).get_json()
    assert rows == [{"code": "OWN", "name_th": "อบต.ของเรา", "name_en": rows[0]["name_en"], "type": "SAO",
                     "province_code": "50", "district_code": "5001"}]
    assert [r["code"] for r in api(client, "GET", "/api/v1/laos?type=MUNICIPALITY", token).get_json()] == ["NEIGHBOUR"]


@pytest.mark.parametrize("query, field", [
    ("type=CITY", "type"), ("province=5", "province"), ("province=5%00", "province"), ("limit=0", "limit"),
    ("limit=1001", "limit"), ("offset=-1", "offset"), ("limit=ten", "limit"),
])
def test_lao_list_bad_filters_are_422(world, client, query, field):
    r = api(client, "GET", f"/api/v1/laos?{query}", world.tokens["national"])
    assert r.status_code == 422 and set(r.get_json()["fields"]) == {field}


def test_unknown_province_is_404(world, client):
    assert api(client, "GET", "/api/v1/laos?province=99", world.tokens["national"]).status_code == 404


def test_lao_list_pages_with_limit_offset_and_link(app, world, client):
    with app.app_context():
        for i in range(5):
            f.lao("SAO", "57", code=f"P{i}")
        db.session.commit()
    token = world.tokens["national"]
    first = api(client, "GET", "/api/v1/laos?province=57&limit=4", token)
    assert [r["code"] for r in first.get_json()] == ["FAR", "P0", "P1", "P2"]
    assert first.headers["X-Total-Count"] == "6"
    link = first.headers["Link"]
    assert link.endswith('rel="next"') and "offset=4" in link
    nxt = api(client, "GET", link[1:link.index(">")], token)
    assert [r["code"] for r in nxt.get_json()] == ["P3", "P4"]
    assert "Link" not in nxt.headers


def test_years_list_installments_deadlines_and_rounds(world, client):
    years = api(client, "GET", "/api/v1/years", world.tokens["officer"]).get_json()
    assert [y["fiscal_year"] for y in years] == [2569, 2570]
    fy = years[1]
    assert fy["start"] == "2026-10-01" and fy["end"] == "2027-09-30"
    assert len(fy["installments"]) == 12
    assert fy["installments"][0] == {"number": 1, "period_start": "2026-10-01", "period_end": "2026-10-31",
                                     "entry_deadline": "2026-11-20", "confirm_deadline": "2026-11-30"}
    assert [r["last_installment"] for r in fy["rounds"]] == [6, 9, 12]


def test_items_active_in_a_year(world, client):
    token = world.tokens["officer"]
    sao = api(client, "GET", "/api/v1/items?year=2570&type=SAO", token).get_json()
    assert [i["code"] for i in sao] == ["LAND_BUILDING", "SIGNBOARD"]
    assert sao[0]["lao_types"] == ["SAO"]
    every = api(client, "GET", "/api/v1/items?year=2570", token).get_json()
    assert [i["code"] for i in every][:3] == ["PAO_OIL", "PAO_TOBACCO", "PAO_HOTEL"]
    assert next(i for i in every if i["code"] == "SIGNBOARD")["lao_types"] == ["MUNICIPALITY", "SAO"]


def test_items_before_the_land_and_building_tax(app, world, client):
    with app.app_context():
        f.fiscal_year(2562)
        db.session.commit()
    codes = [i["code"] for i in api(client, "GET", "/api/v1/items?year=2562&type=MUNICIPALITY",
                                    world.tokens["officer"]).get_json()]
    assert codes == ["HOUSE_LAND", "LOCAL_MAINT", "SIGNBOARD"]


@pytest.mark.parametrize("query, status", [("", 422), ("year=abc", 422), ("year=2555", 404), ("year=2570&type=X", 422)])
def test_items_refusals(world, client, query, status):
    assert api(client, "GET", f"/api/v1/items?{query}", world.tokens["officer"]).status_code == status


def test_kpi_definitions_read_with_every_version(app, world, client):
    from app.kpi import operations
    from app.kpi.seed import seed_memo_kpis

    with app.app_context():
        seed_memo_kpis(2570)
        operations.define(None, None, 2570, {
            "code": "REV_PAO", "name": "รายได้ อบจ.", "group": "ด้านการจัดเก็บรายได้", "unit": "ล้านบาท", "direction": "higher", "measure": "amount_million",
            "category": "PAO", "points": "2", "t1": "1", "t2": "2", "t3": "3", "t4": "4", "t5": "5", "rounds": "2,3",
            "base_year": "2558", "penalty": "calendar", "deadline": __import__("datetime").date(2027, 10, 31)},
            from_round=2)
        db.session.commit()
    token = world.tokens["officer"]  # the published targets: every reader
    rows = api(client, "GET", "/api/v1/years/2570/kpis", token).get_json()
    assert [(r["code"], r["version"], r["from_round"]) for r in rows] == [
        ("REV_MUNICIPALITY", 1, 1), ("REV_PAO", 1, 1), ("REV_PAO", 2, 2), ("REV_SAO", 1, 1)]
    assert rows[1]["thresholds"] == ["2303.44", "2588.44", "2873.44", "3158.44", "3443.44"]
    assert rows[1]["points"] == "1" and rows[1]["rounds"] == [1, 2, 3] and rows[1]["deadline"] is None
    assert rows[2]["penalty"] == "calendar" and rows[2]["deadline"] == "2027-10-31" and rows[2]["points"] == "2"
    assert api(client, "GET", "/api/v1/years/2499/kpis", token).status_code == 404
    assert api(client, "GET", "/api/v1/years/2570/kpis", None).status_code == 401
