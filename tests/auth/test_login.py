"""Login, logout, lockout, forced password change and session invalidation through the real pages."""

from datetime import timedelta

from sqlalchemy import select

from app import db
from app.models import AuditEvent, User, utcnow
from tests import factories as f
from tests.conftest import csrf_from, login, post_form


def _make_user(app, **fields):
    with app.app_context():
        lao = f.lao("SAO", "50")
        f.user("officer", "lao_officer", lao_obj=lao, **fields)
        db.session.commit()


def test_login_page_is_thai_and_has_csrf(client, app):
    html = client.get("/login").get_data(as_text=True)
    assert "เข้าสู่ระบบ" in html and 'name="username"' in html and 'name="password"' in html
    assert 'name="csrf_token"' in html


def test_login_without_csrf_token_is_refused(client, app):
    _make_user(app)
    resp = client.post("/login", data={"username": "officer", "password": f.PASSWORD})
    assert resp.status_code == 400
    assert "แบบฟอร์มหมดอายุ" in resp.get_data(as_text=True)


def test_login_and_role_home(client, app):
    _make_user(app)
    resp = login(client, "officer")
    assert resp.status_code == 302
    home = client.get("/", follow_redirects=True)
    assert "บันทึกข้อมูลรายได้" in home.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.last_login_at).where(User.username == "officer")) is not None


def test_wrong_password_gets_thai_message_and_stays_logged_out(client, app):
    _make_user(app)
    resp = login(client, "officer", "wrong-password")
    assert resp.status_code == 200
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in resp.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still sent to the login page


def test_empty_fields_get_messages(client, app):
    resp = post_form(client, "/login", {"username": "", "password": ""})
    html = resp.get_data(as_text=True)
    assert "กรุณากรอกชื่อผู้ใช้" in html and "กรุณากรอกรหัสผ่าน" in html


def test_repeated_failures_back_off_even_for_the_right_password_then_let_it_in(client, app):
    _make_user(app)
    for _ in range(3):
        login(client, "officer", "nope-nope")
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account_locked")) is not None
        user = db.session.scalar(select(User).where(User.username == "officer"))
        assert user.failed_logins == 3 and timedelta(0) < user.locked_until - utcnow() <= timedelta(seconds=1)
        user.locked_until = utcnow() + timedelta(seconds=30)  # as after a few more failures
        db.session.commit()
    resp = login(client, "officer", f.PASSWORD)  # in its back-off: not even the right password is judged
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in resp.get_data(as_text=True)
    assert client.get("/").status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "officer"))
        user.locked_until = utcnow() - timedelta(seconds=1)  # the wait is over
        db.session.commit()
    assert login(client, "officer", f.PASSWORD).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.failed_logins).where(User.username == "officer")) == 0


def test_disabled_account_gets_the_same_refusal_as_a_wrong_password(client, app):
    _make_user(app, active=False)
    right = login(client, "officer").get_data(as_text=True)
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in right and "ปิดการใช้งาน" not in right
    assert client.get("/").status_code == 302


def test_logout_ends_copied_sessions(client, app):
    _make_user(app)
    login(client, "officer")
    copied = app.test_client()
    cookie = client.get_cookie("session")
    copied.set_cookie("session", cookie.value)
    assert copied.get("/entry/").status_code == 200
    resp = post_form(client, "/logout", {}, page_url="/entry/")
    assert resp.status_code == 302
    assert copied.get("/entry/").status_code == 302  # the copied cookie no longer works


def test_logout_requires_post(client, app):
    _make_user(app)
    login(client, "officer")
    assert client.get("/logout").status_code == 405


def test_forced_password_change_on_first_login(client, app):
    _make_user(app, must_change_password=True)
    resp = login(client, "officer")
    assert resp.headers["Location"].endswith("/password")
    assert client.get("/entry/").headers["Location"].endswith("/password")
    page = client.get("/password").get_data(as_text=True)
    token = csrf_from(page)
    bad = client.post("/password", data={"csrf_token": token, "current_password": f.PASSWORD,
                                         "new_password": "short", "confirm_password": "short"})
    assert "อย่างน้อย 10" in bad.get_data(as_text=True)
    mismatch = client.post("/password", data={"csrf_token": token, "current_password": f.PASSWORD,
                                              "new_password": "a-new-pass-1", "confirm_password": "a-new-pass-2"})
    assert "ไม่ตรงกัน" in mismatch.get_data(as_text=True)
    wrong = client.post("/password", data={"csrf_token": token, "current_password": "not-it",
                                           "new_password": "a-new-pass-1", "confirm_password": "a-new-pass-1"})
    assert "รหัสผ่านปัจจุบันไม่ถูกต้อง" in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.must_change_password).where(User.username == "officer")) is True
    ok = client.post("/password", data={"csrf_token": token, "current_password": f.PASSWORD,
                                        "new_password": "a-new-pass-1", "confirm_password": "a-new-pass-1"})
    assert ok.status_code == 302
    assert client.get("/entry/").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(User.must_change_password).where(User.username == "officer")) is False
    other = app.test_client()
    assert login(other, "officer", "a-new-pass-1").status_code == 302


def test_password_change_ends_other_sessions(client, app):
    _make_user(app)
    login(client, "officer")
    other = app.test_client()
    login(other, "officer")
    assert other.get("/entry/").status_code == 200
    post_form(client, "/password", {"current_password": f.PASSWORD, "new_password": "another-pass-9",
                                    "confirm_password": "another-pass-9"})
    assert client.get("/entry/").status_code == 200
    assert other.get("/entry/").status_code == 302


def test_next_parameter_only_redirects_locally(client, app):
    _make_user(app)
    page = client.get("/login?next=https://evil.example/")
    token = csrf_from(page.get_data(as_text=True))
    resp = client.post("/login?next=https://evil.example/",
                       data={"username": "officer", "password": f.PASSWORD, "csrf_token": token})
    assert "evil" not in resp.headers["Location"]


def test_session_cookie_flags(client, app):
    _make_user(app)
    resp = login(client, "officer")
    cookie = resp.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_error_pages_are_thai_without_traceback(client, app):
    resp = client.get("/no-such-page")
    assert resp.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in resp.get_data(as_text=True)
    assert "Traceback" not in resp.get_data(as_text=True)
