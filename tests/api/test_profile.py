"""The profile page: create a token (shown once), list tokens, revoke one's own (CSRF-protected)."""

import re

from sqlalchemy import select

from app import db
from app.models import ApiToken
from tests.api.conftest import api
from tests.conftest import login, post_form

TOKEN_RE = re.compile(r'id="new-token-value"[^>]*value="(lrt_[^"]+)"')


def test_profile_needs_login(world, client):
    r = client.get("/profile")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_create_token_shows_it_once_and_it_works(world, client):
    login(client, "national")
    r = post_form(client, "/profile/tokens", {"name": "รายงานประจำเดือน"}, page_url="/profile")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    raw = TOKEN_RE.search(html).group(1)
    assert r.headers["Cache-Control"] == "no-store"
    assert "รายงานประจำเดือน" in html
    assert api(client, "GET", "/api/v1/years", raw).status_code == 200
    again = client.get("/profile").get_data(as_text=True)
    assert raw not in again and "รายงานประจำเดือน" in again  # listed, never shown again
    assert "ใช้ล่าสุด" in again


def test_create_token_needs_csrf(world, client):
    login(client, "national")
    r = client.post("/profile/tokens", data={"name": "x"})
    assert r.status_code == 400


def test_overlong_name_is_refused_with_a_message(app, world, client):
    login(client, "national")
    r = post_form(client, "/profile/tokens", {"name": "ก" * 101}, page_url="/profile")
    html = r.get_data(as_text=True)
    assert "ยาวได้ไม่เกิน 100 ตัวอักษร" in html and not TOKEN_RE.search(html)
    with app.app_context():
        assert db.session.scalar(select(ApiToken).where(ApiToken.name.startswith("กกก"))) is None


def test_profile_lists_only_ones_own_tokens(world, client):
    login(client, "officer")
    html = client.get("/profile").get_data(as_text=True)
    assert "officer script" in html and "verifier script" not in html


def test_revoke_own_token(app, world, client):
    login(client, "officer")
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.name == "officer script"))
    r = post_form(client, f"/profile/tokens/{token_id}/revoke", {}, page_url="/profile")
    assert r.status_code == 302
    html = client.get("/profile").get_data(as_text=True)
    assert "ยกเลิกโทเค็นแล้ว" in html and "ยกเลิกแล้ว" in html
    assert api(client, "GET", "/api/v1/years", world.tokens["officer"]).status_code == 401


def test_cannot_revoke_someone_elses_token(app, world, client):
    login(client, "officer")
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.name == "verifier script"))
    r = post_form(client, f"/profile/tokens/{token_id}/revoke", {}, page_url="/profile")
    assert r.status_code == 404
    assert api(client, "GET", "/api/v1/years", world.tokens["verifier"]).status_code == 200


def test_revoke_needs_csrf(app, world, client):
    login(client, "officer")
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.name == "officer script"))
    assert client.post(f"/profile/tokens/{token_id}/revoke").status_code == 400
    assert api(client, "GET", "/api/v1/years", world.tokens["officer"]).status_code == 200
