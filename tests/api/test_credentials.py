"""API tokens and sessions die with the credentials: password reset (admin, provincial office), password change,
disabling (and stay dead after re-enabling), signing out everywhere; a user who must change the password is
refused by the API with 403 password_change_required until they do."""

from sqlalchemy import select

from app import db
from app.api.tokens import issue_token
from app.models import ApiToken, AuditEvent, User
from tests import factories as f
from tests.api.conftest import INSTALLMENT, api, record_body
from tests.conftest import login, post_form


def _put(client, token: str):
    """The officer's save of its own installment through the API."""
    return api(client, "PUT", INSTALLMENT.format(code="OWN"), token, record_body())


def _user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def _revocations(app, username: str) -> list[tuple[str | None, str | None]]:
    """(reason, actor) of the api_token_revoked audit rows of `username`'s tokens, oldest first."""
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api_token_revoked")
                                    .order_by(AuditEvent.id)).all()
        return [(e.new_values.get("reason"), e.username) for e in events if e.new_values["user"] == username]


def _live_tokens(app, username: str) -> int:
    with app.app_context():
        return len(db.session.scalars(select(ApiToken).join(User).where(
            User.username == username, ApiToken.revoked_at.is_(None))).all())


def test_the_officers_token_writes_before_anything_happens(world, client):
    assert _put(client, world.tokens["officer"]).status_code == 200


def test_token_is_dead_after_the_provincial_office_resets_the_password(app, world, client):
    verifier = app.test_client()
    login(verifier, "verifier")
    officer_id = _user_id(app, "officer")
    r = post_form(verifier, f"/verify/accounts/{officer_id}/reset", {}, page_url="/verify/accounts")
    assert r.status_code == 200
    r = _put(client, world.tokens["officer"])
    assert r.status_code == 401 and r.get_json()["error"] == "invalid_token"
    assert _revocations(app, "officer") == [("password_reset", "verifier")]
    assert _live_tokens(app, "officer") == 0


def test_token_is_dead_after_an_administrator_resets_the_password(app, world, client):
    admin = app.test_client()
    login(admin, "admin")
    officer_id = _user_id(app, "officer")
    r = post_form(admin, f"/admin/users/{officer_id}/reset", {}, page_url=f"/admin/users/{officer_id}")
    assert r.status_code == 200
    assert _put(client, world.tokens["officer"]).status_code == 401
    assert _revocations(app, "officer") == [("password_reset", "admin")]


def test_reset_also_ends_the_web_sessions(app, world, client):
    login(client, "officer")
    assert client.get("/entry/").status_code == 200
    admin = app.test_client()
    login(admin, "admin")
    officer_id = _user_id(app, "officer")
    post_form(admin, f"/admin/users/{officer_id}/reset", {}, page_url=f"/admin/users/{officer_id}")
    r = client.get("/entry/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_token_is_dead_after_the_user_changes_the_password(app, world, client):
    other = app.test_client()
    login(other, "officer")
    login(client, "officer")
    r = post_form(client, "/password", {"current_password": f.PASSWORD, "new_password": "violet-canoe-47",
                                        "confirm_password": "violet-canoe-47"})
    assert r.status_code == 302
    assert _put(app.test_client(), world.tokens["officer"]).status_code == 401
    assert _revocations(app, "officer") == [("password_changed", "officer")]
    assert other.get("/entry/").status_code == 302  # the other session ended
    assert client.get("/entry/").status_code == 200  # this one continues


def test_token_stays_dead_after_disable_and_re_enable_by_an_administrator(app, world, client):
    admin = app.test_client()
    login(admin, "admin")
    officer_id = _user_id(app, "officer")
    page = f"/admin/users/{officer_id}"
    assert post_form(admin, f"{page}/active", {"active": "0"}, page_url=page).status_code == 302
    assert _put(client, world.tokens["officer"]).status_code == 401
    assert post_form(admin, f"{page}/active", {"active": "1"}, page_url=page).status_code == 302
    with app.app_context():
        assert db.session.get(User, officer_id).active is True
    r = _put(client, world.tokens["officer"])
    assert r.status_code == 401 and r.get_json()["error"] == "invalid_token"
    assert _revocations(app, "officer") == [("account_disabled", "admin")]
    # a token issued after re-enabling works: the account itself is fine
    with app.app_context():
        fresh = issue_token(db.session.get(User, officer_id), "after")
        db.session.commit()
    assert _put(client, fresh).status_code == 200


def test_token_stays_dead_after_disable_and_re_enable_by_the_provincial_office(app, world, client):
    verifier = app.test_client()
    login(verifier, "verifier")
    officer_id = _user_id(app, "officer")
    post_form(verifier, f"/verify/accounts/{officer_id}/disable", {"confirm": "yes"}, page_url="/verify/accounts")
    post_form(verifier, f"/verify/accounts/{officer_id}/enable", {}, page_url="/verify/accounts")
    with app.app_context():
        assert db.session.get(User, officer_id).active is True
    assert _put(client, world.tokens["officer"]).status_code == 401
    assert _revocations(app, "officer") == [("account_disabled", "verifier")]


def test_a_user_who_must_change_the_password_gets_403_password_change_required(app, world, client):
    officer_id = _user_id(app, "officer")
    with app.app_context():
        user = db.session.get(User, officer_id)
        user.must_change_password = True
        db.session.commit()
    for method, body in (("GET", None), ("PUT", record_body())):
        r = api(client, method, INSTALLMENT.format(code="OWN"), world.tokens["officer"], body)
        assert r.status_code == 403, method
        payload = r.get_json()
        assert payload["error"] == "password_change_required" and "เปลี่ยนรหัสผ่าน" in payload["message"]
    # once the password is changed on the web, a new token works
    login(client, "officer")
    post_form(client, "/password", {"current_password": f.PASSWORD, "new_password": "violet-canoe-47",
                                    "confirm_password": "violet-canoe-47"})
    with app.app_context():
        fresh = issue_token(db.session.get(User, officer_id), "after")
        db.session.commit()
    assert _put(app.test_client(), fresh).status_code == 200


def test_after_a_reset_a_token_issued_before_the_change_is_403_not_200(app, world, client):
    """A token issued to a must-change account (e.g. by the command line) still cannot write figures."""
    admin = app.test_client()
    login(admin, "admin")
    officer_id = _user_id(app, "officer")
    post_form(admin, f"/admin/users/{officer_id}/reset", {}, page_url=f"/admin/users/{officer_id}")
    with app.app_context():
        raw = issue_token(db.session.get(User, officer_id), "cli")
        db.session.commit()
    r = _put(client, raw)
    assert r.status_code == 403 and r.get_json()["error"] == "password_change_required"


def test_sign_out_everywhere_ends_sessions_and_tokens(app, world, client):
    other = app.test_client()
    login(other, "officer")
    login(client, "officer")
    with app.app_context():
        second = issue_token(db.session.get(User, _user_id(app, "officer")), "second")
        db.session.commit()
    profile = client.get("/profile").get_data(as_text=True)
    assert "ออกจากระบบทุกอุปกรณ์" in profile and 'action="/profile/sessions/end"' in profile
    r = post_form(client, "/profile/sessions/end", {}, page_url="/profile")
    assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    page = client.get("/login").get_data(as_text=True)
    assert "ออกจากระบบทุกอุปกรณ์แล้ว" in page and "2 รายการ" in page
    assert client.get("/profile").status_code == 302  # this session ended
    assert other.get("/profile").status_code == 302  # and the other one
    for raw in (world.tokens["officer"], second):
        assert _put(client, raw).status_code == 401
    assert [r for r, _u in _revocations(app, "officer")] == ["sessions_ended", "sessions_ended"]
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sessions_ended"))
        assert event.username == "officer" and event.object_id == "officer"
        assert event.new_values == {"tokens_revoked": 2}
    assert login(client, "officer").status_code == 302  # the password still works
    assert client.get("/profile").status_code == 200


def test_sign_out_everywhere_needs_csrf_and_post(app, world, client):
    login(client, "officer")
    assert client.post("/profile/sessions/end", data={}).status_code == 400
    assert client.get("/profile/sessions/end").status_code == 405
    assert client.get("/profile").status_code == 200
    assert _put(client, world.tokens["officer"]).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sessions_ended")) is None


def test_sign_out_everywhere_of_one_user_leaves_others_alone(app, world, client):
    login(client, "officer")
    post_form(client, "/profile/sessions/end", {}, page_url="/profile")
    assert api(client, "GET", "/api/v1/years", world.tokens["verifier"]).status_code == 200
    assert _live_tokens(app, "verifier") == 1
