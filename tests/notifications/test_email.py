"""One's e-mail address on the profile page: saved and audited, verified by a signed link mailed to it (good, expired,
tampered, another account's, an older address's), unverified again when changed; e-mail turned off per kind."""

import re
import time
import types

from flask import url_for
from sqlalchemy import select

from app import db
from app.auth import email_address
from app.models import AuditEvent, User
from tests import factories as f
from tests.conftest import csrf_from, login

LINK = re.compile(r"https://revenue\.example\.go\.th(/profile/email/verify/\S+)")


def _users(app):
    with app.app_context():
        lao = f.lao("SAO", "50")
        f.user("officer1", "lao_officer", lao_obj=lao)
        f.user("officer2", "lao_officer", lao_obj=f.lao("SAO", "50"))
        db.session.commit()


def _save(client, email: str, kinds=("entry_reminder", "lao_nudge")):
    token = csrf_from(client.get("/profile").get_data(as_text=True))
    data = {"csrf_token": token, "email": email} | {f"mail_{k}": "y" for k in kinds}
    return client.post("/profile/email", data=data)


def _user(app, username: str) -> User:
    with app.app_context():
        return db.session.scalar(select(User).where(User.username == username))


def test_a_new_address_gets_a_link_that_verifies_it(app, client, smtp):
    _users(app)
    login(client, "officer1")
    answer = _save(client, "Somchai@Example.GO.TH")
    assert answer.status_code == 302
    user = _user(app, "officer1")
    assert user.email == "Somchai@example.go.th" and user.email_verified_at is None
    assert user.email_optout == ["extension_decision"]  # an officer's kinds not ticked; the others untouched
    [mail] = smtp.to("Somchai@example.go.th")
    assert mail["Subject"] == "ยืนยันที่อยู่อีเมล — ระบบติดตามรายได้ อปท."
    path = LINK.search(mail.get_content()).group(1)
    assert client.get(path).status_code == 302
    assert _user(app, "officer1").email_verified_at is not None
    html = client.get("/profile").get_data(as_text=True)
    assert "ยืนยันที่อยู่อีเมล Somchai@example.go.th แล้ว" in html and 'data-testid="email-verified"' in html
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["email_changed", "email_verified"]


def test_a_changed_address_is_unverified_and_the_old_link_no_longer_works(app, client, smtp):
    _users(app)
    login(client, "officer1")
    _save(client, "first@example.go.th")
    old = LINK.search(smtp.messages[-1].get_content()).group(1)
    _save(client, "second@example.go.th")
    html = client.get(old, follow_redirects=True).get_data(as_text=True)
    assert "ลิงก์นี้เป็นของที่อยู่อีเมลเดิม" in html
    assert _user(app, "officer1").email_verified_at is None
    new = LINK.search(smtp.messages[-1].get_content()).group(1)
    client.get(new)
    assert _user(app, "officer1").email_verified_at is not None
    _save(client, "third@example.go.th")
    assert _user(app, "officer1").email_verified_at is None


def test_tampered_expired_and_another_accounts_links_are_refused(app, client, smtp, monkeypatch):
    _users(app)
    login(client, "officer1")
    import itsdangerous.timed

    _save(client, "late@example.go.th")
    four_days_ago = types.SimpleNamespace(time=lambda: time.time() - 4 * 24 * 3600)
    with app.test_request_context("/"):
        monkeypatch.setattr(itsdangerous.timed, "time", four_days_ago)  # a link signed four days ago
        expired = url_for("auth.verify_email", token=email_address.token_for(_user(app, "officer1")))
        monkeypatch.undo()
    html = client.get(expired, follow_redirects=True).get_data(as_text=True)
    assert "ลิงก์ยืนยันอีเมลหมดอายุแล้ว" in html
    token = csrf_from(client.get("/profile").get_data(as_text=True))
    client.post("/profile/email/resend", data={"csrf_token": token})
    good = LINK.search(smtp.messages[-1].get_content()).group(1)
    tampered = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    html = client.get(tampered, follow_redirects=True).get_data(as_text=True)
    assert "ลิงก์ยืนยันอีเมลไม่ถูกต้อง" in html
    assert _user(app, "officer1").email_verified_at is None
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/profile").get_data(as_text=True))})
    other = app.test_client()
    login(other, "officer2")
    _save(other, "late@example.go.th")  # the same address on another account: officer1's link is not theirs
    html = other.get(good, follow_redirects=True).get_data(as_text=True)
    assert "ลิงก์ยืนยันอีเมลไม่ถูกต้อง" in html
    assert _user(app, "officer2").email_verified_at is None and _user(app, "officer1").email_verified_at is None


def test_an_invalid_address_is_refused_on_the_form(app, client, smtp):
    _users(app)
    login(client, "officer1")
    answer = _save(client, "not an address")
    assert answer.status_code == 200 and "รูปแบบที่อยู่อีเมลไม่ถูกต้อง" in answer.get_data(as_text=True)
    assert _user(app, "officer1").email is None and smtp.messages == []


def test_without_a_mail_server_the_profile_says_messages_stay_in_the_app(app, client):
    _users(app)
    login(client, "officer1")
    html = client.get("/profile").get_data(as_text=True)
    assert 'data-testid="mail-off"' in html
    _save(client, "somchai@example.go.th")
    html = client.get("/profile").get_data(as_text=True)
    assert "ระบบยังไม่ได้ตั้งค่าการส่งอีเมล การแจ้งเตือนจะแสดงในระบบเท่านั้น" in html
    assert _user(app, "officer1").email == "somchai@example.go.th"
