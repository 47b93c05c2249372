"""Security headers on every blueprint (CSP, frame-ancestors, nosniff, Referrer-Policy; HTTPS and HSTS in
production), Cache-Control: no-store on signed-in pages, API answers and every export, and IP addresses shown
only to admins and national staff (auth.loaders.may_see_addresses)."""

import csv
import gzip
import hashlib
import io
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import plotly
import pytest
from flask import url_for
from sqlalchemy import select

from app import audit, create_app, db
from app.api.tokens import issue_token
from app.entry.operations import Recorder, record_installment
from app.models import Installment
from config import DevelopmentConfig
from tests import factories as f
from tests.conftest import login

IP = "203.0.113.77"


@pytest.fixture
def world(app):
    """Two fiscal years, an LAO with a recorded installment (its audit event carries IP), one user per role,
    and the officer's API token."""
    with app.app_context():
        f.fiscal_year(2569)
        f.fiscal_year(2570)
        own = f.lao("SAO", "50", code="OWN")
        officer = f.user("officer", "lao_officer", lao_obj=own)
        f.user("verifier", "province_verifier", province_obj=f.province("50"))
        f.user("national", "national_viewer")
        f.user("admin", "admin")
        db.session.commit()
        inst = db.session.scalar(select(Installment).where(Installment.fiscal_year_id == 2570,
                                                           Installment.number == 1))
        record_installment(officer, IP, own, inst, version=0,
                           amounts={"LAND_BUILDING": "500.00", "SIGNBOARD": "0"}, explanations={},
                           recorder=Recorder("ผู้บันทึก", "ปลัด", "02-111-1111"), certify=True,
                           today=date(2026, 11, 21), ceiling=Decimal(10000000000))
        event = audit.record(officer, IP, "record_installment", "installment_report", "IP-EVENT",
                             lao_id=own.id, province_id=own.province_id)
        event.at = datetime(2026, 11, 10, 3, 0)
        token = issue_token(officer, "headers", actor=officer, ip=None)
        db.session.commit()
    return {"token": token}


# one sample page per blueprint, with the user who may open it
PAGES = [
    ("main", None, "/lang/th"),
    ("auth", None, "/login"),
    ("entry", "officer", "/entry/"),
    ("verify", "verifier", "/verify/"),
    ("reports", "national", "/reports/"),
    ("admin", "admin", "/admin/"),
]


def _csp(response) -> dict[str, str]:
    policy = response.headers.get("Content-Security-Policy", "")
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
            for part in (p.strip() for p in policy.split(";")) if part}


def _assert_security_headers(response) -> None:
    csp = _csp(response)
    assert csp["default-src"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[\w-]+'", csp["script-src"])
    assert re.fullmatch(r"'self' 'nonce-[\w-]+'", csp["style-src"])
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain http in tests and `make run`


@pytest.mark.parametrize("blueprint, username, path", PAGES, ids=[p[0] for p in PAGES])
def test_security_headers_on_a_page_of_every_blueprint(app, client, world, blueprint, username, path):
    if username:
        login(client, username, f.PASSWORD)
    response = client.get(path)
    assert response.status_code in (200, 302), blueprint
    _assert_security_headers(response)


def test_security_headers_and_no_store_on_api_json(app, client, world):
    response = client.get("/api/v1/years", headers={"Authorization": f"Bearer {world['token']}"})
    assert response.status_code == 200 and response.is_json
    _assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_inline_scripts_and_styles_carry_the_nonce(app, client, world):
    login(client, "national", f.PASSWORD)
    response = client.get("/reports/monitoring")
    html = response.get_data(as_text=True)
    nonce = re.search(r"'nonce-([\w-]+)'", response.headers["Content-Security-Policy"]).group(1)
    styles = re.findall(r"<style[^>]*>", html)
    assert styles and all(f'nonce="{nonce}"' in tag for tag in styles)
    # executable scripts only from files; JSON data blocks are not executed
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+=", html) and " style=" not in html


@pytest.mark.parametrize("username, path", [
    ("officer", "/entry/"), ("officer", "/profile"), ("verifier", "/verify/"), ("national", "/reports/"),
    ("admin", "/admin/users"), ("officer", "/admin/audit"),
])
def test_signed_in_pages_are_no_store(app, client, world, username, path):
    login(client, username, f.PASSWORD)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_public_assets_stay_cacheable_for_signed_in_users(app, client, world):
    login(client, "national", f.PASSWORD)
    for path in ("/static/css/app.css", "/fonts/Sarabun-Regular.ttf", "/vendor/plotly-basic.min.js", "/favicon.ico"):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
        response.close()


@pytest.mark.parametrize("username, path", [
    ("verifier", "/verify/followup.csv"),
    ("verifier", "/verify/followup.xlsx"),
    ("officer", "/admin/audit.csv"),
    ("admin", "/admin/audit.csv"),
    ("national", "/reports/export/comparison.csv"),
    ("national", "/reports/province/50/rollup.xlsx"),
    ("national", "/reports/monitoring/export.csv"),
    ("national", "/reports/kpi/export.csv"),
])
def test_every_export_is_no_store(app, client, world, username, path):
    login(client, username, f.PASSWORD)
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    response.close()


def test_an_attachment_is_no_store_even_without_a_session(app):
    """The rule keys on the attachment itself, not only on who asked."""
    from flask import Response

    with app.test_request_context("/"):
        response = app.process_response(Response("a,b\n", headers={"Content-Disposition": "attachment"}))
    assert response.headers["Cache-Control"] == "no-store"


def _audit_csv_rows(client) -> list[list[str]]:
    response = client.get("/admin/audit.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


@pytest.mark.parametrize("username, sees", [("officer", False), ("verifier", False), ("national", True),
                                            ("admin", True)])
def test_ip_addresses_only_for_admins_and_national_staff(app, client, world, username, sees):
    login(client, username, f.PASSWORD)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "IP-EVENT" in page  # the event itself is in every one of these scopes
    assert (IP in page) is sees
    assert ("หมายเลข IP" in page) is sees
    rows = _audit_csv_rows(client)
    assert ("IP" in rows[0]) is sees
    assert any(IP in row for row in rows[1:]) is sees
    assert len({len(row) for row in rows}) == 1  # header and rows keep the same columns
    history = client.get("/entry/OWN/2570/1/history").get_data(as_text=True)
    assert (IP in history) is sees


def test_may_see_addresses_is_the_one_rule(app, world):
    from flask_login import AnonymousUserMixin

    from app.auth.loaders import may_see_addresses
    from app.models import User

    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        assert {name: may_see_addresses(u) for name, u in users.items()} == {
            "officer": False, "verifier": False, "national": True, "admin": True}
        assert may_see_addresses(None) is False
        assert may_see_addresses(AnonymousUserMixin()) is False


def test_production_forces_https_with_hsts_and_secure_cookies(monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", "prod-test-secret")
    monkeypatch.setenv("CERTIFICATE_KEY", "prod-test-certificate-key")
    monkeypatch.setenv("DATABASE_URL", database_url)
    application = create_app("production", DATABASE_URL=database_url, SECRET_KEY="prod-test-secret")
    try:
        client = application.test_client()
        plain = client.get("/login")
        assert plain.status_code == 302 and plain.headers["Location"].startswith("https://")
        secure = client.get("/login", base_url="https://localhost")
        assert secure.status_code == 200
        assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        cookie = secure.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert _csp(secure)["frame-ancestors"] == "'none'"
    finally:
        application.extensions["engine"].dispose()


def test_development_and_testing_stay_on_http(app, client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Secure" not in response.headers.get("Set-Cookie", "")
    assert app.config["FORCE_HTTPS"] is False and DevelopmentConfig.FORCE_HTTPS is False


VENDORED_PLOTLY = Path(__file__).resolve().parents[1] / "app" / "static" / "vendor" / "plotly-basic.min.js"


def test_the_plotly_placeholders_match_the_shipped_plotly_js():
    """reports/_style.html pre-creates the <style> plotly.js fills by CSSOM and the element whose id stops it
    injecting MapLibre's stylesheet; a plotly upgrade that renames either must fail here, not in a browser."""
    shipped = VENDORED_PLOTLY.read_text(encoding="utf-8")
    template = (Path(__file__).resolve().parents[1] / "app" / "templates" / "reports" / "_style.html").read_text()
    assert '"plotly.js-style-"+' in shipped and 'id="plotly.js-style-global"' in template
    ids = set(re.findall(r'getElementById\("([0-9a-f]{64})"\)', shipped))
    assert ids and all(f'id="{i}"' in template for i in ids)
    assert shipped.count('createElement("style")') == 2  # the global rules and MapLibre's: both handled


def test_the_vendored_plotly_bundle_is_the_basic_dist_of_the_python_packages_version():
    """The charts are drawn by plotly.js's basic bundle (bar, scatter, pie) of the same version as the plotly.js the
    Python package writes figures for; the file is the npm package's byte for byte (static/vendor/README.md)."""
    data = VENDORED_PLOTLY.read_bytes()
    assert hashlib.sha256(data).hexdigest() == "99784e3abfb07b142a15e521a439e6d9addceadb3f79553fd24c72774f0649ba"
    full = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")[:200]
    version = re.search(r"plotly\.js v([0-9.]+)", full)
    assert version and f"plotly.js (basic - minified) v{version[1]}" in data[:200].decode()
    assert len(data) < 1_300_000  # the full bundle is 4.8 MB


def test_pages_scripts_and_csv_are_compressed_for_browsers_that_accept_it(app, client, world):
    page = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in page.headers["Vary"]
    assert "เข้าสู่ระบบ" in gzip.decompress(page.data).decode()
    assert "Content-Encoding" not in client.get("/login").headers  # nothing asked: nothing compressed
    with app.test_request_context():
        script = url_for("main.plotly_js")
    js = client.get(script, headers={"Accept-Encoding": "gzip"})
    raw = gzip.decompress(js.data)
    assert js.headers["Content-Encoding"] == "gzip" and raw == VENDORED_PLOTLY.read_bytes()
    assert len(js.data) < len(raw) / 2
    login(client, "national", f.PASSWORD)
    csv_answer = client.get("/admin/audit.csv", headers={"Accept-Encoding": "gzip"})
    assert csv_answer.headers["Content-Encoding"] == "gzip"
    assert csv_answer.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset, never two
    assert "IP-EVENT" in gzip.decompress(csv_answer.data).decode("utf-8-sig")


def test_an_xlsx_attachment_is_not_compressed_again(app, client, world):
    login(client, "national", f.PASSWORD)
    response = client.get("/reports/monitoring/export.xlsx?year=2570&number=1", headers={"Accept-Encoding": "gzip"})
    if response.status_code == 302:  # no installment to monitor in this world: any xlsx will do
        pytest.skip("no monitoring export in this world")
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    assert response.data[:2] == b"PK"


def test_static_urls_carry_the_content_hash_and_are_cached_for_a_year(app, client, world):
    html = client.get("/login").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/(?:static|vendor|bootstrap)/[^"]+)"', html)
    assert any("app.css" in u for u in urls) and any("favicon.ico" in u for u in urls)
    for url in urls:
        assert re.search(r"[?&]v=[0-9a-f]{12}$", url.replace("&amp;", "&")), url
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
        response.close()
    stale = client.get("/static/css/app.css?v=000000000000")  # an old version's URL: not pinned for a year
    assert "immutable" not in stale.headers.get("Cache-Control", "")
    stale.close()
    css = (Path(__file__).resolve().parents[1] / "app" / "static" / "css" / "app.css").read_bytes()
    assert f"app.css?v={hashlib.sha256(css).hexdigest()[:12]}" in html


def test_the_favicon_is_served_where_browsers_look(app, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()
