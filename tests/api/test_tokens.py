"""API tokens: stored as SHA-256 only, resolved to active users, revocable, audited."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import db
from app.api.tokens import issue_token, revoke_token, user_for_token
from app.domain.errors import DomainError, NotPermittedError
from app.models import ApiToken, AuditEvent, utcnow


def test_issue_stores_only_the_sha256_of_the_raw_token(world, ctx):
    raw = issue_token(world.users["national"], "  nightly export  ")
    db.session.commit()
    row = db.session.scalar(select(ApiToken).where(ApiToken.name == "nightly export"))
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {t.token_hash for t in db.session.scalars(select(ApiToken))}
    assert len(raw) >= 40 and raw.startswith("lrt_")
    assert issue_token(world.users["national"]) != raw  # random, not derived from the user


def test_issue_and_revoke_are_audited_without_the_raw_token(world, ctx):
    user = world.users["verifier"]
    raw = issue_token(user, "excel", actor=user, ip="10.0.0.9")
    db.session.commit()
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "excel"))
    revoke_token(user, token.id, "10.0.0.9")
    db.session.commit()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(token.id))).all()
    assert [e.action for e in events] == ["api_token_issued", "api_token_revoked"]
    assert all(e.username == "verifier" and e.ip == "10.0.0.9" for e in events)
    assert all(raw not in str(e.new_values) and token.token_hash not in str(e.new_values) for e in events)


def test_command_line_issue_is_audited_as_system(world, ctx):
    issue_token(world.users["admin"], "cli")
    db.session.commit()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api_token_issued")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.username == "system" and event.new_values["user"] == "admin"


def test_user_for_token_refuses_unknown_revoked_and_inactive(world, ctx):
    raw = world.tokens["officer"]
    assert user_for_token(raw).username == "officer"
    assert user_for_token(raw + "x") is None
    assert user_for_token("") is None and user_for_token(None) is None
    db.session.rollback()  # the last-use write went apart: end this read, as a request's write (begin_write) does

    officer = db.session.merge(world.users["officer"])
    officer.active = False
    db.session.commit()
    assert user_for_token(raw) is None
    officer.active = True
    db.session.commit()

    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == officer.id))
    revoke_token(officer, token.id, None)
    db.session.commit()
    assert user_for_token(raw) is None


def _reread(token: ApiToken) -> None:
    """Read `token` again in a new transaction: the last-use write is committed apart from this session's."""
    db.session.rollback()
    db.session.refresh(token)


def test_last_used_is_written_at_most_once_a_minute(world, ctx):
    raw = world.tokens["national"]
    now = utcnow()
    user_for_token(raw, now=now)
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "national script"))
    _reread(token)
    assert token.last_used_at == now
    user_for_token(raw, now=now + timedelta(seconds=30))
    _reread(token)
    assert token.last_used_at == now  # within the minute: no write
    later = now + timedelta(seconds=61)
    user_for_token(raw, now=later)
    _reread(token)
    assert token.last_used_at == later


def test_revoke_refuses_strangers_and_twice(world, ctx):
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "officer script"))
    with pytest.raises(NotPermittedError):
        revoke_token(db.session.merge(world.users["verifier"]), token.id, None)
    db.session.rollback()
    with pytest.raises(DomainError):
        revoke_token(None, 987654, None)
    db.session.rollback()
    revoke_token(db.session.merge(world.users["admin"]), token.id, None)  # an administrator may
    db.session.commit()
    with pytest.raises(DomainError, match="ยกเลิกไปแล้ว"):
        revoke_token(None, token.id, None)
    db.session.rollback()
