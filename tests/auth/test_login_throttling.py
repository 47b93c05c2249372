"""Sign-in refusals say nothing about the account, count toward per-address and per-username limits (429 with
Retry-After), and are recorded as security events."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import db
from app.models import AuditEvent, User, utcnow
from tests import factories as f
from tests.conftest import csrf_from, login

REFUSED = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"


@pytest.fixture
def accounts(app):
    """An active officer and a disabled one."""
    with app.app_context():
        lao = f.lao("SAO", "50")
        f.user("officer", "lao_officer", lao_obj=lao)
        f.user("gone", "lao_officer", lao_obj=f.lao("SAO", "50", code="GONE"), active=False)
        db.session.commit()


def _attempt(app, username: str, password: str):
    """One sign-in from a fresh client; returns (status, page text, seconds)."""
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    started = time.perf_counter()
    resp = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    return resp.status_code, resp.get_data(as_text=True), time.perf_counter() - started


def _message(html: str) -> str:
    """The refusal text shown under the password field."""
    start = html.index(REFUSED)
    return html[start:html.index("<", start)]


def test_unknown_user_wrong_password_back_off_and_disabled_look_the_same(app, accounts):
    with app.app_context():  # the officer in its back-off, as after a run of wrong passwords
        user = db.session.scalar(select(User).where(User.username == "officer"))
        user.failed_logins, user.locked_until = 8, utcnow() + timedelta(seconds=30)
        db.session.commit()
    cases = {
        "unknown": _attempt(app, "nobody-here", f.PASSWORD),
        "wrong": _attempt(app, "gone", "wrong-guess-1"),
        "disabled, right password": _attempt(app, "gone", f.PASSWORD),
        "back-off, right password": _attempt(app, "officer", f.PASSWORD),
    }
    statuses = {status for status, _html, _s in cases.values()}
    messages = {_message(html) for _s, html, _t in cases.values()}
    assert statuses == {200} and len(messages) == 1, cases.keys()
    assert "ปิดการใช้งาน" not in cases["disabled, right password"][1]
    times = [seconds for _s, _h, seconds in cases.values()]
    assert max(times) < 4 * min(times) + 0.05  # every refusal checks one password hash


def test_refusals_are_security_events_with_the_username_and_address(app, accounts):
    _attempt(app, "nobody-here", "x" * 12)
    _attempt(app, "officer", "wrong-guess-1")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")
                                    .order_by(AuditEvent.id)).all()
        assert [(e.object_id, e.ip, e.new_values["reason"]) for e in events] == [
            ("nobody-here", "127.0.0.1", "unknown_user"), ("officer", "127.0.0.1", "wrong_password")]


def test_too_many_refusals_for_one_username_get_429_with_retry_after(app, accounts):
    app.config["LOGIN_LIMIT_PER_USERNAME"] = "3 per minute"
    try:
        for _ in range(3):
            assert _attempt(app, "nobody-here", "wrong-guess-1")[0] == 200
        status, html, _s = _attempt(app, "nobody-here", "wrong-guess-1")
        assert status == 429 and "ลองเข้าระบบไม่สำเร็จหลายครั้งเกินไป" in html
        client = app.test_client()
        token = csrf_from(client.get("/login").get_data(as_text=True))
        resp = client.post("/login", data={"username": "nobody-here", "password": "x", "csrf_token": token})
        assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 0
        assert login(app.test_client(), "officer").status_code == 302  # another username is not held up
    finally:
        app.config["LOGIN_LIMIT_PER_USERNAME"] = "10 per minute;60 per hour"


def test_successful_sign_ins_do_not_count_toward_the_address_limit(app, accounts):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per minute"
    try:
        for _ in range(6):  # a whole office behind one address signing in
            assert login(app.test_client(), "officer").status_code == 302
        for _ in range(3):
            _attempt(app, "nobody-here", "wrong-guess-1")
        assert _attempt(app, "someone-else", "wrong-guess-1")[0] == 429
    finally:
        app.config["LOGIN_LIMIT_PER_ADDRESS"] = "30 per minute;300 per hour"
