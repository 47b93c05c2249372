"""Oversized API bodies get a JSON 413 and write nothing (deep nesting: test_models.py)."""

import pytest
from sqlalchemy import func, select

from app import db
from app.models import Entry
from tests.api.conftest import INSTALLMENT, auth


def _put(client, world, raw: bytes):
    return client.put(INSTALLMENT.format(code="OWN"), data=raw, content_type="application/json",
                      headers=auth(world.tokens["officer"]))


def _entries(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Entry.id)))


@pytest.mark.parametrize("raw", [
    b'{"version": 0, "explanations": {"LAND_BUILDING": "' + b"x" * 70_000 + b'"}}',
    b"[" * 100_000,
], ids=["long-text", "100k-brackets"])
def test_an_oversized_body_is_a_json_413(app, client, world, raw):
    """The API reads at most 64 KiB (ten items with 500-character Thai explanations need about 16 KiB)."""
    response = _put(client, world, raw)
    assert response.status_code == 413
    assert response.json["error"] == "request_entity_too_large"
    assert response.json["message"] == "คำขอมีขนาดใหญ่เกินไป"
    assert _entries(app) == 0
