"""Bearer authentication: 401 without or with a bad token, revocation mid-session, no cookie sessions."""

import pytest
from sqlalchemy import select

from app import db
from app.models import ApiToken, User
from tests.api.conftest import INSTALLMENT, api
from tests.conftest import login, post_form


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic b2ZmaWNlcjpzZWNyZXQ=", "Token abc"])
def test_missing_token_is_401_with_a_bearer_challenge(world, client, header):
    headers = {"Authorization": header} if header is not None else {}
    r = client.get("/api/v1/laos", headers=headers)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert r.get_json() == {"error": "unauthorized", "message": r.get_json()["message"], "fields": {}}
    assert r.get_json()["message"]


@pytest.mark.parametrize("token", ["lrt_not-a-real-token", "x" * 500, "ไทย"])
def test_unknown_token_is_401_invalid_token(world, client, token):
    r = api(client, "GET", "/api/v1/years", token)
    assert r.status_code == 401
    assert r.get_json()["error"] == "invalid_token"
    assert 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    assert token not in r.get_data(as_text=True)


def test_scheme_is_case_insensitive(world, client):
    r = client.get("/api/v1/years", headers={"Authorization": f"bearer {world.tokens['officer']}"})
    assert r.status_code == 200


def test_every_endpoint_but_the_description_needs_a_token(world, client):
    for path in ("/api/v1/laos", "/api/v1/years", "/api/v1/items?year=2570", INSTALLMENT.format(code="OWN"),
                 "/api/v1/reports/status?year=2570&installment=1", "/api/v1/nowhere"):
        assert client.get(path).status_code == 401, path
    assert client.put(INSTALLMENT.format(code="OWN"), json={}).status_code == 401
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/").get_json()["version"] == "v1"


def test_token_revoked_mid_session_stops_working(app, world, client):
    token = world.tokens["officer"]
    assert api(client, "GET", INSTALLMENT.format(code="OWN"), token).status_code == 200
    with app.app_context():
        row = db.session.scalar(select(ApiToken).where(ApiToken.name == "officer script"))
    login(client, "officer")
    r = post_form(client, f"/profile/tokens/{row.id}/revoke", {}, page_url="/profile")
    assert r.status_code == 302
    r = api(client, "GET", INSTALLMENT.format(code="OWN"), token)
    assert r.status_code == 401 and r.get_json()["error"] == "invalid_token"
    # the other users' tokens are untouched
    assert api(client, "GET", INSTALLMENT.format(code="OWN"), world.tokens["verifier"]).status_code == 200


def test_disabling_the_account_stops_its_tokens(app, world, client):
    assert api(client, "GET", "/api/v1/years", world.tokens["verifier"]).status_code == 200
    with app.app_context():
        db.session.get(User, world.users["verifier"].id).active = False
        db.session.commit()
    assert api(client, "GET", "/api/v1/years", world.tokens["verifier"]).status_code == 401


def test_a_logged_in_browser_session_does_not_authenticate_the_api(world, client):
    login(client, "admin")
    assert client.get("/admin/").status_code == 200  # the cookie session works for the web
    r = client.get("/api/v1/laos")
    assert r.status_code == 401


def test_the_token_user_is_the_actor_not_the_cookie_user(world, client):
    login(client, "admin")  # an administrator's cookie must not lend its rights to an officer's token
    r = api(client, "GET", INSTALLMENT.format(code="FAR"), world.tokens["officer"])
    assert r.status_code == 404


def test_answers_are_not_cached(world, client):
    r = api(client, "GET", "/api/v1/years", world.tokens["officer"])
    assert r.headers["Cache-Control"] == "no-store"
