"""API scope matrix: every role against its own LAO, another LAO of its province, and another province."""

import pytest

from tests.api.conftest import INSTALLMENT, api, record_body, record_directly

LAOS = ("OWN", "NEIGHBOUR", "FAR")  # OWN is the officer's; OWN and NEIGHBOUR are in the verifier's province

# role -> expected status per LAO (OWN, NEIGHBOUR, FAR)
READ = {
    "officer": (200, 404, 404),
    "verifier": (200, 200, 404),
    "verifier_far": (404, 404, 200),
    "national": (200, 200, 200),
    "admin": (200, 200, 200),
}
WRITE = {  # PUT figures: only the LAO's own officer; who cannot see the LAO gets 404, who can but may not 403
    "officer": (200, 404, 404),
    "verifier": (403, 403, 404),
    "verifier_far": (404, 404, 403),
    "national": (403, 403, 403),
    "admin": (403, 403, 403),
}
REVIEW = {  # confirm: the province's verifier or an administrator
    "officer": (403, 404, 404),
    "verifier": (200, 200, 404),
    "verifier_far": (404, 404, 200),
    "national": (403, 403, 403),
    "admin": (200, 200, 200),
}


@pytest.mark.parametrize("role", READ)
def test_read_scope(world, client, role):
    for code, expected in zip(LAOS, READ[role], strict=True):
        r = api(client, "GET", INSTALLMENT.format(code=code), world.tokens[role])
        assert r.status_code == expected, (role, code)
        if expected == 404:
            assert r.get_json()["error"] == "not_found"  # outsiders learn nothing about the LAO


@pytest.mark.parametrize("role", WRITE)
def test_write_scope(world, client, role):
    for code, expected in zip(LAOS, WRITE[role], strict=True):
        r = api(client, "PUT", INSTALLMENT.format(code=code), world.tokens[role], record_body())
        assert r.status_code == expected, (role, code, r.get_json())
        if expected == 403:
            assert r.get_json()["error"] == "forbidden"


@pytest.mark.parametrize("role", REVIEW)
def test_review_scope(app, world, client, role):
    record_directly(app, world, "own", "officer")
    record_directly(app, world, "neighbour", "officer_neighbour")
    record_directly(app, world, "far", "officer_far")
    for code, expected in zip(LAOS, REVIEW[role], strict=True):
        body = {"action": "confirm", "version": 1, "position": "นักวิชาการ", "phone": "053-111-222"}
        r = api(client, "POST", INSTALLMENT.format(code=code) + "/review", world.tokens[role], body)
        assert r.status_code == expected, (role, code, r.get_json())
        if expected == 200:
            assert r.get_json()["status"] == "confirmed"
        else:
            after = api(client, "GET", INSTALLMENT.format(code=code), world.tokens["admin"]).get_json()
            assert after["status"] == "recorded"  # a refusal changes nothing


@pytest.mark.parametrize("role, visible", [
    ("officer", ["OWN"]),
    ("verifier", ["NEIGHBOUR", "OWN"]),
    ("verifier_far", ["FAR"]),
    ("national", ["FAR", "NEIGHBOUR", "OWN"]),
    ("admin", ["FAR", "NEIGHBOUR", "OWN"]),
])
def test_lao_list_scope(world, client, role, visible):
    r = api(client, "GET", "/api/v1/laos", world.tokens[role])
    assert [lao["code"] for lao in r.get_json()] == visible
    assert r.headers["X-Total-Count"] == str(len(visible))


def test_lao_list_of_another_province_is_404_for_a_verifier(world, client):
    assert api(client, "GET", "/api/v1/laos?province=57", world.tokens["verifier"]).status_code == 404
    assert api(client, "GET", "/api/v1/laos?province=50", world.tokens["verifier"]).status_code == 200
    assert api(client, "GET", "/api/v1/laos?province=57", world.tokens["national"]).status_code == 200


@pytest.mark.parametrize("role, expected", [
    ("officer", 403), ("verifier", 200), ("national", 200), ("admin", 200),
])
def test_status_report_scope(world, client, role, expected):
    r = api(client, "GET", "/api/v1/reports/status?year=2570&installment=1", world.tokens[role])
    assert r.status_code == expected
    if role == "verifier":  # always its own province
        body = r.get_json()
        assert body["province_code"] == "50" and body["total"] == 2
        assert api(client, "GET", "/api/v1/reports/status?year=2570&installment=1&province=57",
                   world.tokens[role]).status_code == 404
    if role == "national":
        assert r.get_json()["total"] == 3


def test_a_verifier_without_a_province_cannot_exist(app, world):
    """A verifier without a province would have no scope: the database refuses the account (ck_users_role_scope)."""
    from sqlalchemy import select
    from sqlalchemy.exc import IntegrityError

    from app import db
    from app.models import User
    from tests import factories as f

    with app.app_context():
        with pytest.raises(IntegrityError):
            f.user("orphan", "province_verifier")
        db.session.rollback()
        assert db.session.scalar(select(User).where(User.username == "orphan")) is None
