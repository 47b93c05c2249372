"""The password policy (10-128 characters, not common, not containing the username, one limit in every form)
and argon2id hashing with older werkzeug hashes re-hashed at the next successful login."""

import socket

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app import db
from app.auth import operations
from app.auth.passwords import hash_password, needs_rehash, strength, verify_password
from app.domain.errors import DomainError
from app.domain.limits import MAX_PASSWORD, MIN_PASSWORD
from app.models import User
from tests import factories as f
from tests.conftest import login, post_form

STRONG_128 = ("violet-canoe-47 " * 8)[:127] + "x"  # strong and exactly MAX_PASSWORD long
STRONG_129 = STRONG_128 + "y"
TOO_SHORT = "อย่างน้อย 10 ตัวอักษร"
TOO_COMMON = "รหัสผ่านนี้เดาง่ายเกินไป"
HAS_USERNAME = "ต้องไม่มีชื่อผู้ใช้"


@pytest.fixture
def officer(app):
    with app.app_context():
        f.user("officer", "lao_officer", lao_obj=f.lao("SAO", "50", code="5500101"), full_name="สมชาย ใจดี")
        db.session.commit()


def _change(client, new: str, current: str = f.PASSWORD):
    """Submit the change-password form; returns the page text (or the redirect's location)."""
    r = post_form(client, "/password", {"current_password": current, "new_password": new, "confirm_password": new})
    return r.headers["Location"] if r.status_code == 302 else r.get_data(as_text=True)


def _hash_of(app, username: str) -> str:
    with app.app_context():
        return db.session.scalar(select(User.password_hash).where(User.username == username))


def test_limits_are_10_and_128():
    assert (MIN_PASSWORD, MAX_PASSWORD) == (10, 128) and len(STRONG_128) == 128


@pytest.mark.parametrize("password, words", [
    ("12345678", TOO_SHORT),
    ("password", TOO_SHORT),
    ("aaaaaaaa", TOO_SHORT),
    ("demo-2560", TOO_SHORT),
    ("1234567890", TOO_COMMON),
    ("aaaaaaaaaa", TOO_COMMON),
    ("password12", TOO_COMMON),
    ("qwertyuiop", TOO_COMMON),
    ("iloveyou123", TOO_COMMON),
    ("abc123abc123", TOO_COMMON),
    ("officer2025!", HAS_USERNAME),
    ("MyOFFICERpass-99", HAS_USERNAME),
    (STRONG_129, "ยาวได้ไม่เกิน 128 ตัวอักษร"),
])
def test_weak_passwords_are_refused_on_the_change_form_with_a_thai_message(app, officer, client, password, words):
    login(client, "officer")
    assert words in _change(client, password)
    assert verify_password(_hash_of(app, "officer"), f.PASSWORD)  # unchanged


def test_a_strong_128_character_password_is_accepted_and_logs_in(app, officer, client):
    login(client, "officer")
    assert _change(client, STRONG_128).endswith("/")
    fresh = app.test_client()
    assert login(fresh, "officer", STRONG_128).status_code == 302
    assert fresh.get("/entry/").status_code == 200


def test_a_129_character_password_is_refused_by_the_login_form(app, officer, client):
    r = login(client, "officer", STRONG_129)
    assert r.status_code == 200 and "ยาวได้ไม่เกิน 128 ตัวอักษร" in r.get_data(as_text=True)
    with app.app_context():  # refused by the form: not even counted as a wrong password
        assert db.session.scalar(select(User.failed_logins).where(User.username == "officer")) == 0


def test_the_forms_tell_the_browser_the_limit(officer, client):
    assert f'maxlength="{MAX_PASSWORD}"' in client.get("/login").get_data(as_text=True)
    login(client, "officer")
    page = client.get("/password").get_data(as_text=True)
    assert page.count(f'maxlength="{MAX_PASSWORD}"') == 3 and "10–128 ตัวอักษร" in page


def test_a_129_character_password_is_refused_by_the_operations(app, officer):
    with pytest.raises(DomainError) as err:
        operations.validate_new_password(STRONG_129, "officer")
    assert err.value.field == "new_password"
    operations.validate_new_password(STRONG_128, "officer")


@pytest.mark.parametrize("password, words", [
    (STRONG_129, "ยาวได้ไม่เกิน 128"),
    ("1234567890", TOO_COMMON),
    ("short-9", TOO_SHORT),
    ("newadmin-2025-x", HAS_USERNAME),
])
def test_the_command_line_account_creation_applies_the_policy(app, password, words):
    result = app.test_cli_runner().invoke(args=["users", "create", "--username", "newadmin", "--role", "admin", "--password-stdin"],
                           input=password + "\n")
    assert result.exit_code != 0 and words in result.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "newadmin")) is None


def test_the_full_name_counts_as_guessable_context():
    score_without, _ = strength("somchai-jaidee", [])
    score_with, _ = strength("somchai-jaidee", ["somchai", "jaidee"])
    assert score_with < score_without


def test_strength_works_without_a_network(monkeypatch):
    def no_network(*_args, **_kwargs):
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert strength("password", [])[0] == 0
    assert strength("violet-canoe-47", [])[0] >= 3


def test_new_hashes_are_argon2id_at_owasp_parameters():
    hashed = hash_password("violet-canoe-47")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(hashed, "violet-canoe-47") and not verify_password(hashed, "violet-canoe-48")
    assert not needs_rehash(hashed)
    assert not verify_password("$argon2id$garbage", "x")


@pytest.mark.parametrize("method", ["scrypt", "scrypt:16384:8:1", "pbkdf2:sha256"])
def test_an_older_werkzeug_hash_becomes_argon2id_at_the_next_login(app, officer, client, method):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "officer"))
        user.password_hash = generate_password_hash(f.PASSWORD, method=method)
        db.session.commit()
    assert needs_rehash(_hash_of(app, "officer"))
    assert login(client, "officer", "wrong-password-1").status_code == 200
    assert not _hash_of(app, "officer").startswith("$argon2")  # a failed login changes nothing
    assert login(client, "officer").status_code == 302
    new_hash = _hash_of(app, "officer")
    assert new_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$") and verify_password(new_hash, f.PASSWORD)
    assert login(app.test_client(), "officer").status_code == 302  # and the password still works


def test_a_one_time_password_is_not_rehashed_at_login(app, officer, client):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "officer"))
        user.password_hash = generate_password_hash(f.PASSWORD, method="scrypt:16384:8:1")
        user.must_change_password = True
        db.session.commit()
    old = _hash_of(app, "officer")
    assert login(client, "officer").headers["Location"].endswith("/password")
    assert _hash_of(app, "officer") == old  # replaced by the change that must follow, not re-hashed


def test_demo_accounts_keep_their_seeded_password(app):
    from app.demo import DEMO_PASSWORD

    assert DEMO_PASSWORD == "demo-2560"  # seeded, not chosen: the policy applies to passwords people choose
    with pytest.raises(DomainError):
        operations.validate_new_password(DEMO_PASSWORD, "demo_lao")
