"""Report endpoints: the comparison (INF508) and the status report (INR911), scoped like the web."""

import pytest

from tests.api.conftest import INSTALLMENT, api, record_directly

COMPARISON = "/api/v1/reports/comparison?base=2569&year=2570"
STATUS = "/api/v1/reports/status?year=2570&installment=1"


def confirm(client, world, code: str, fiscal_year: int = 2570, token: str = "verifier"):
    path = INSTALLMENT.format(code=code).replace("/2570/", f"/{fiscal_year}/") + "/review"
    body = {"action": "confirm", "version": 1, "position": "นักวิชาการ", "phone": "053-000-111"}
    assert api(client, "POST", path, world.tokens[token], body).status_code == 200


@pytest.fixture
def figures(app, world, client):
    """OWN: 100.00 in FY2569 installment 1 and 150.50 in FY2570 installment 1, both confirmed;
    NEIGHBOUR recorded FY2570 installment 1 but nobody confirmed it; FAR recorded nothing."""
    record_directly(app, world, "own", "officer", land="100.00", fiscal_year=2569)
    record_directly(app, world, "own", "officer", land="150.50")
    record_directly(app, world, "neighbour", "officer_neighbour", land="999.00")
    confirm(client, world, "OWN", 2569)
    confirm(client, world, "OWN")
    return world


def test_national_comparison_by_province_with_money_strings(figures, client):
    r = api(client, "GET", COMPARISON, figures.tokens["national"])
    assert r.status_code == 200
    body = r.get_json()
    chiang_mai = next(row for row in body["rows"] if row["province_code"] == "50")
    assert chiang_mai["sao_base"] == "100.00" and chiang_mai["sao_current"] == "150.50"
    assert chiang_mai["sao_pct"] == "50.50"
    assert chiang_mai["mun_current"] == "0.00"  # NEIGHBOUR's figures are not confirmed
    assert body["total"]["all_base"] == "100.00" and body["total"]["all_current"] == "150.50"
    assert body["total"]["all_pct"] == "50.50"
    assert body["selection"]["base_year"] == 2569 and body["selection"]["status"] == "confirmed"
    assert list(chiang_mai)[:2] == ["province_code", "province_name"]
    for row in [*body["rows"], body["total"]]:
        assert not any(isinstance(v, float) for v in row.values())


def test_recorded_status_counts_unconfirmed_figures(figures, client):
    body = api(client, "GET", COMPARISON + "&status=recorded", figures.tokens["national"]).get_json()
    chiang_mai = next(row for row in body["rows"] if row["province_code"] == "50")
    assert chiang_mai["mun_current"] == "999.00" and chiang_mai["mun_pct"] is None  # no base: no percent


def test_verifier_gets_its_province_by_lao(figures, client):
    body = api(client, "GET", COMPARISON, figures.tokens["verifier"]).get_json()
    assert body["selection"]["province_code"] == "50"
    own = next(row for row in body["rows"] if row["lao_code"] == "OWN")
    assert list(own)[:2] == ["lao_code", "lao_name"]
    assert own["sao_current"] == "150.50" and own["pao_current"] is None
    assert "FAR" not in {row["lao_code"] for row in body["rows"]}
    assert api(client, "GET", COMPARISON + "&province=57", figures.tokens["verifier"]).status_code == 404
    assert api(client, "GET", COMPARISON + "&province=50", figures.tokens["verifier"]).status_code == 200


def test_lao_officers_may_not_read_reports(figures, client):
    for path in (COMPARISON, STATUS):
        r = api(client, "GET", path, figures.tokens["officer"])
        assert r.status_code == 403 and r.get_json()["error"] == "forbidden"


@pytest.mark.parametrize("query, field", [
    ("base=2570&year=2570", "base"), ("base=2569", "year"), ("base=2569&year=2570&basis=calendar", "basis"),
    ("base=2569&year=2570&status=all", "status"), ("base=2569&year=2570&through=0", "through"),
    ("base=2560&year=2570", "base"),
])
def test_comparison_refusals_name_the_parameter(figures, client, query, field):
    r = api(client, "GET", f"/api/v1/reports/comparison?{query}", figures.tokens["national"])
    assert r.status_code == 422
    assert field in r.get_json()["fields"]


def test_status_report_counts_percentages_and_lists(figures, client):
    body = api(client, "GET", STATUS, figures.tokens["verifier"]).get_json()
    assert (body["total"], body["recorded_count"], body["not_recorded_count"]) == (2, 2, 0)
    assert (body["recorded_pct"], body["not_recorded_pct"]) == ("100.00", "0.00")
    assert body["confirmed_count"] == 1
    national = api(client, "GET", STATUS, figures.tokens["national"]).get_json()
    assert (national["total"], national["recorded_count"]) == (3, 2)
    assert (national["recorded_pct"], national["not_recorded_pct"]) == ("66.67", "33.33")
    assert [lao["lao_code"] for lao in national["not_recorded"]] == ["FAR"]
    far = national["not_recorded"][0]
    assert far["status"] == "not_recorded" and far["recorded_at"] is None and far["province_code"] == "57"


def test_status_report_filters(figures, client):
    token = figures.tokens["national"]
    body = api(client, "GET", STATUS + "&province=50&type=SAO", token).get_json()
    assert [lao["lao_code"] for lao in body["recorded"]] == ["OWN"] and body["total"] == 1
    body = api(client, "GET", STATUS + "&district=5701", token).get_json()
    assert body["total"] == 1 and body["not_recorded"][0]["lao_code"] == "FAR"
    assert api(client, "GET", STATUS + "&district=5701", figures.tokens["verifier"]).status_code == 404
    assert api(client, "GET", STATUS + "&district=9999", token).status_code == 404
    assert api(client, "GET", "/api/v1/reports/status?year=2570&installment=13", token).status_code == 404
    assert api(client, "GET", "/api/v1/reports/status?year=2570", token).status_code == 422
