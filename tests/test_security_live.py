"""The security findings, replayed against a live server with a real HTTP client (urllib, cookies, CSRF tokens
read from the pages): dead credentials, one refusal for every failed sign-in, 429 with Retry-After, headers on a
page of every blueprint, no-store on exports, a forged audit row found, TRUNCATE refused on PostgreSQL."""

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app import audit, db
from app.admin import accounts
from app.api.tokens import issue_token
from app.models import AuditEvent, User, utcnow
from tests import factories as f

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REFUSED = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"


@dataclass
class Reply:
    """What came back: status, headers and body text."""

    status: int
    headers: dict[str, str]
    body: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None  # a 302 is an answer to look at, not to follow


class Browser:
    """A real HTTP client with its own cookie jar, like one person's browser."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None,
                body: bytes | None = None) -> Reply:
        """One request; HTTP errors are replies too."""
        payload = urllib.parse.urlencode(data).encode() if data is not None else body
        req = urllib.request.Request(self.base + path, data=payload, method=method, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as resp:
                return Reply(resp.status, dict(resp.headers), resp.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as err:
            return Reply(err.code, dict(err.headers), err.read().decode("utf-8", "replace"))

    def get(self, path: str, **kw) -> Reply:
        """GET `path`."""
        return self.request("GET", path, **kw)

    def post_form(self, path: str, data: dict, page: str | None = None) -> Reply:
        """POST a form with the CSRF token read from `page` (default: `path`)."""
        token = CSRF.search(self.get(page or path).body)
        assert token, f"no CSRF token on {page or path}"
        return self.post(path, {**data, "csrf_token": token.group(1)})

    def post(self, path: str, data: dict) -> Reply:
        """POST form fields as they are."""
        return self.request("POST", path, data=data)

    def sign_in(self, username: str, password: str = f.PASSWORD) -> Reply:
        """Sign in through the login form."""
        return self.post_form("/login", {"username": username, "password": password})


@pytest.fixture
def people(app):
    """One account of every role, an API token for the officer, committed."""
    with app.app_context():
        f.fiscal_year(2570)
        own = f.lao("SAO", "50", code="OWN")
        users = {
            "officer": f.user("officer", "lao_officer", lao_obj=own),
            "verifier": f.user("verifier", "province_verifier", province_obj=f.province("50")),
            "national": f.user("national", "national_viewer"),
            "admin": f.user("admin", "admin"),
        }
        db.session.commit()
        token = issue_token(users["officer"], "script")
        db.session.commit()
        ids = {k: u.id for k, u in users.items()}
    return ids, token


def _api(live_server: str, token: str, path: str = "/api/v1/years") -> Reply:
    return Browser(live_server).get(path, headers={"Authorization": f"Bearer {token}"})


def test_an_api_token_dies_with_a_reset_and_stays_dead_after_disable_and_enable(app, live_server, people):
    ids, token = people
    assert _api(live_server, token).status == 200
    with app.app_context():
        admin, officer = db.session.get(User, ids["admin"]), db.session.get(User, ids["officer"])
        accounts.set_user_active(admin, None, officer, False)
        accounts.set_user_active(admin, None, officer, True)
        db.session.commit()
    assert _api(live_server, token).status == 401
    with app.app_context():
        officer = db.session.get(User, ids["officer"])
        fresh = issue_token(officer, "again")
        db.session.commit()
    assert _api(live_server, fresh).status == 200
    with app.app_context():
        accounts.reset_user_password(db.session.get(User, ids["admin"]), None, db.session.get(User, ids["officer"]))
        db.session.commit()
    assert _api(live_server, fresh).status == 401


def test_every_failed_sign_in_gets_the_same_answer(app, live_server, people):
    with app.app_context():
        user = db.session.get(User, people[0]["verifier"])
        user.active = False
        db.session.commit()
    answers = [
        Browser(live_server).sign_in("nobody-at-all", f.PASSWORD),  # unknown user
        Browser(live_server).sign_in("officer", "not-the-password"),  # wrong password
        Browser(live_server).sign_in("verifier", f.PASSWORD),  # disabled, right password
    ]
    with app.app_context():
        officer = db.session.get(User, people[0]["officer"])
        officer.failed_logins, officer.locked_until = 8, _in_seconds(60)
        db.session.commit()
    answers.append(Browser(live_server).sign_in("officer", f.PASSWORD))  # in its back-off, right password
    assert {a.status for a in answers} == {200}
    texts = {re.search(REFUSED + r"[^<]*", a.body).group(0) for a in answers}
    assert len(texts) == 1


def _in_seconds(seconds: int) -> datetime:
    """A moment `seconds` from now (UTC, naive, as stored)."""
    return utcnow() + timedelta(seconds=seconds)


def test_too_many_refusals_are_429_with_retry_after(app, live_server, people):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "4 per minute"
    try:
        statuses = [Browser(live_server).sign_in(f"guess-{i}", "wrong-wrong-1").status for i in range(5)]
        assert statuses[:4] == [200] * 4 and statuses[4] == 429
        last = Browser(live_server).sign_in("someone", "wrong-wrong-1")
        assert last.status == 429 and int(last.headers["Retry-After"]) > 0
    finally:
        app.config["LOGIN_LIMIT_PER_ADDRESS"] = "30 per minute;300 per hour"


@pytest.mark.parametrize("who, path", [
    (None, "/login"),
    ("officer", "/entry/"),
    ("verifier", "/verify/"),
    ("national", "/reports/"),
    ("admin", "/admin/"),
    ("admin", "/admin/audit"),
    ("token", "/api/v1/years"),
])
def test_security_headers_on_a_page_of_every_blueprint(app, live_server, people, who, path):
    browser = Browser(live_server)
    headers = {}
    if who == "token":
        headers["Authorization"] = f"Bearer {people[1]}"
    elif who:
        assert browser.sign_in(who).status == 302
    reply = browser.get(path, headers=headers)
    assert reply.status == 200
    csp = reply.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "same-origin"
    if who:
        assert "no-store" in reply.headers["Cache-Control"]


@pytest.mark.parametrize("who, path", [
    ("verifier", "/verify/followup.csv"),
    ("admin", "/admin/audit.csv"),
    ("national", "/reports/export/comparison.csv?base=2570&year=2570"),
])
def test_exports_are_never_cached(app, live_server, people, who, path):
    browser = Browser(live_server)
    assert browser.sign_in(who).status == 302
    reply = browser.get(path)
    assert reply.status in (200, 302), reply.status
    assert "no-store" in reply.headers["Cache-Control"]


def test_a_forged_audit_row_is_found_by_the_admin_page_and_the_command(app, live_server, people):
    with app.app_context():
        head = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        db.session.execute(text(
            "INSERT INTO audit_events (id, at, username, action, object_type, object_id, prev_hash, hash) "
            "VALUES (:id, :at, 'admin', 'user_created', 'user', 'ghost', :prev, :hash)"),
            {"id": head.id + 1, "at": head.at, "prev": head.hash, "hash": "0" * 64})
        db.session.commit()
        assert not audit.verify().intact
    admin = Browser(live_server)
    assert admin.sign_in("admin").status == 302
    page = admin.get("/admin/audit?verify=1").body
    assert "ประวัติการแก้ไขไม่ครบถ้วนหรือถูกแก้ไข" in page
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"broken at event {head.id + 1}" in result.output


def test_truncate_of_the_audit_trail_is_refused_on_postgresql(app, people):
    with app.app_context():
        if db.session.get_bind().dialect.name != "postgresql":
            pytest.skip("SQLite has no TRUNCATE")
        with pytest.raises(DBAPIError):
            db.session.execute(text("TRUNCATE audit_events"))
        db.session.rollback()
        assert db.session.scalar(select(AuditEvent.id).limit(1)) is not None


def test_the_api_refuses_a_user_who_must_change_the_password(app, live_server, people):
    ids, token = people
    with app.app_context():
        officer = db.session.get(User, ids["officer"])
        officer.must_change_password = True
        db.session.commit()
    reply = _api(live_server, token)
    assert reply.status == 403 and json.loads(reply.body)["error"] == "password_change_required"
