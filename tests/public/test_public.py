"""The public page /public: confirmed totals only, no personal data, tables without JavaScript, open data that adds
up, conditional GETs, the admin switch, the rate limit."""

import csv
import io
import json

import pytest
from sqlalchemy import select

from app import db
from app.models import Lao, User
from tests.conftest import login, post_form
from tests.public import world

PAGES = ("/public/", "/public/province/50", "/public/province/57", "/public/dictionary", "/public/data.csv",
         "/public/data.json", "/public/province/50/data.csv", "/public/province/50/data.json")


@pytest.fixture
def built(app):
    """The public world (names, phones, explanations recorded; FY2570/1 partly confirmed)."""
    with app.app_context():
        return world.build()


def _json(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, path
    return json.loads(response.get_data(as_text=True))


def _row(doc: dict, code_key: str, code: str) -> dict:
    return next(r for r in doc["rows"] if r[code_key] == code)


def test_pages_and_downloads_hold_no_names_phones_or_explanations(app, built):
    client = app.test_client()
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        leaked = [s for s in world.SECRETS if s in body]
        assert leaked == [], f"{path} shows {leaked}"
        assert "P-S1" not in body and "อบต.หนึ่งสาธารณะ" not in body, path  # nor the LAOs themselves


def test_only_confirmed_figures_are_counted(app, built):
    doc = _json(app.test_client(), "/public/data.json")
    chiang_mai = _row(doc, "province_code", "50")
    # S1 1,000.50 and M1 300.00 confirmed; S2's 777.00 is recorded, not confirmed
    assert chiang_mai["all_current_satang"] == 100050 + 30000
    assert chiang_mai["sao_current_satang"] == 100050 and chiang_mai["mun_current_satang"] == 30000
    assert chiang_mai["all_base_satang"] == 10000 + 20000 + 30000
    assert chiang_mai["all_pct"] == "116.75"  # (1300.50 - 600) / 600, from the sums, half away from zero
    assert (chiang_mai["laos"], chiang_mai["confirmed_laos"], chiang_mai["confirmed_pct"]) == (3, 2, "66.67")


def test_totals_equal_the_sum_of_their_rows(app, built):
    client = app.test_client()
    national = _json(client, "/public/data.json")
    rows = [r for r in national["rows"] if r["province_code"] != "TOTAL"]
    total = _row(national, "province_code", "TOTAL")
    for key in ("all_base_satang", "all_current_satang", "sao_current_satang", "mun_current_satang", "laos",
                "confirmed_laos"):
        assert total[key] == sum(r[key] or 0 for r in rows), key
    for code in ("50", "57"):
        districts = _json(client, f"/public/province/{code}/data.json")
        inner = [r for r in districts["rows"] if r["district_code"] != "TOTAL"]
        province_total = _row(districts, "district_code", "TOTAL")
        for key in ("all_base_satang", "all_current_satang", "sao_base_satang", "sao_current_satang", "laos",
                    "confirmed_laos"):
            assert province_total[key] == sum(r[key] or 0 for r in inner), (code, key)
            assert province_total[key] == _row(national, "province_code", code)[key], (code, key)


def test_csv_is_utf8_with_bom_and_matches_the_json(app, built):
    client = app.test_client()
    raw = client.get("/public/data.csv")
    assert raw.mimetype == "text/csv" and raw.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.data.decode("utf-8-sig"))))
    doc = _json(client, "/public/data.json")
    assert [r["province_code"] for r in rows] == [r["province_code"] for r in doc["rows"]]
    assert int(rows[-1]["all_current_satang"]) == doc["rows"][-1]["all_current_satang"]
    assert doc["licence"]["name"].startswith("Creative Commons Attribution 4.0")


def test_conditional_get_answers_304(app, built):
    client = app.test_client()
    for path in ("/public/data.csv", "/public/data.json", "/public/province/50/data.csv"):
        first = client.get(path)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", path
        assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
        assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304


def test_a_confirmation_changes_the_etag(app, built):
    client = app.test_client()
    etag = client.get("/public/data.json").headers["ETag"]
    with app.app_context():
        verifier = db.session.scalar(select(User).where(User.username == "verifier50"))
        lao = db.session.scalar(select(Lao).where(Lao.code == "P-S2"))
        world.review(verifier, lao, 2570, 1, "confirm")
        db.session.commit()
    fresh = client.get("/public/data.json", headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    assert _row(json.loads(fresh.data), "province_code", "50")["sao_current_satang"] == 100050 + 77700


def test_tables_are_in_the_html_without_javascript(app, built):
    body = app.test_client().get("/public/").get_data(as_text=True)
    for testid in ("public-categories", "public-provinces", "downloads", "licence"):
        assert f'data-testid="{testid}"' in body, testid
    assert "เชียงใหม่" in body and "1,300.50" in body and "116.75" in body
    districts = app.test_client().get("/public/province/50").get_data(as_text=True)
    assert 'data-testid="public-districts"' in districts and "เมืองเชียงใหม่" in districts


def test_english_through_the_language_switch(app, built):
    client = app.test_client()
    client.get("/lang/en")
    body = client.get("/public/").get_data(as_text=True)
    assert "Self-collected revenue" in body or "self-collected revenue" in body


def test_unknown_period_or_province_is_404(app, built):
    client = app.test_client()
    for path in ("/public/?period=2570-12", "/public/?period=x", "/public/province/99", "/public/data.xml",
                 "/public/province/99/data.csv", "/public/?period=2599-1"):
        assert client.get(path).status_code == 404, path


def test_the_admin_switch_closes_and_reopens_the_page(app, built):
    admin = app.test_client()
    login(admin, "admin")
    off = post_form(admin, "/admin/public", {"public": "off"}, page_url="/admin/")
    assert off.status_code == 302
    anonymous = app.test_client()
    for path in ("/public/", "/public/data.csv", "/public/dictionary"):
        closed = anonymous.get(path)
        assert closed.status_code == 404 and "ปิดให้บริการ" in closed.get_data(as_text=True), path
    assert "ปิดให้บริการอยู่" in admin.get("/admin/").get_data(as_text=True)
    post_form(admin, "/admin/public", {"public": "on"}, page_url="/admin/")
    assert anonymous.get("/public/").status_code == 200


def test_only_an_administrator_may_switch(app, built):
    client = app.test_client()
    login(client, "national")
    page = client.get("/public/")
    assert page.status_code == 200
    assert client.post("/admin/public", data={"public": "off"}).status_code in (400, 403)
    assert app.test_client().get("/public/").status_code == 200


def test_login_page_links_to_the_public_page(app):
    body = app.test_client().get("/login").get_data(as_text=True)
    assert 'href="/public/"' in body and 'href="/check"' in body


def test_public_is_rate_limited(app, built):
    app.config["PUBLIC_LIMIT"] = "2 per minute"
    try:
        client = app.test_client()
        answers = [client.get("/public/dictionary").status_code for _ in range(4)]
    finally:
        app.config["PUBLIC_LIMIT"] = "120 per minute;2000 per hour"
    assert answers[:2] == [200, 200] and answers[-1] == 429
