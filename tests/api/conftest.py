"""Fixtures of the API tests: two provinces, LAOs, a user and a bearer token of every role, API call helpers."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest

from app import db
from app.api.tokens import issue_token
from app.entry.operations import Recorder, record_installment
from app.models import Installment, Lao, User
from tests import factories as f

INSTALLMENT = "/api/v1/laos/{code}/years/2570/installments/1"
SAO_ITEMS = ("LAND_BUILDING", "SIGNBOARD")  # what an SAO or a municipality records in FY2570


@dataclass
class World:
    """The test world: LAOs by name, users and their raw tokens by role name."""

    laos: dict[str, Lao] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def world(app):
    """OWN and NEIGHBOUR in Chiang Mai (50), FAR in Chiang Rai (57); FY2569-2570; one token per user.

    Built in its own app context, which is gone before the test runs: each API call then gets a fresh
    context (and `g`) as in production, instead of sharing the test's.
    """
    with app.app_context():
        f.fiscal_year(2569)
        f.fiscal_year(2570)
        w = World()
        w.laos = {
            "own": f.lao("SAO", "50", code="OWN", name_th="อบต.ของเรา"),
            "neighbour": f.lao("MUNICIPALITY", "50", code="NEIGHBOUR", name_th="เทศบาลข้างเคียง"),
            "far": f.lao("SAO", "57", code="FAR", name_th="อบต.ไกล"),
        }
        w.users = {
            "officer": f.user("officer", "lao_officer", lao_obj=w.laos["own"]),
            "officer_neighbour": f.user("officer_neighbour", "lao_officer", lao_obj=w.laos["neighbour"]),
            "officer_far": f.user("officer_far", "lao_officer", lao_obj=w.laos["far"]),
            "verifier": f.user("verifier", "province_verifier", province_obj=f.province("50"),
                               full_name="สมหญิง ตรวจดี"),
            "verifier_far": f.user("verifier_far", "province_verifier", province_obj=f.province("57")),
            "national": f.user("national", "national_viewer"),
            "admin": f.user("admin", "admin"),
        }
        db.session.commit()
        for name, user in w.users.items():
            w.tokens[name] = issue_token(user, f"{name} script")
        db.session.commit()
        db.session.remove()
    return w


def auth(token: str | None) -> dict:
    """The Authorization header of a bearer token."""
    return {"Authorization": f"Bearer {token}"} if token else {}


def api(client, method: str, path: str, token: str | None, body=None, **kwargs):
    """Call the API with a bearer token (and a JSON body); returns the response."""
    if body is not None:
        kwargs["json"] = body
    return client.open(path, method=method, headers=auth(token), **kwargs)


def record_body(version: int = 0, land: str = "1234.50", sign: str = "100.00", **extra) -> dict:
    """A valid PUT body for an SAO or municipality in FY2570."""
    body = {
        "version": version,
        "entries": {"LAND_BUILDING": land, "SIGNBOARD": sign},
        "explanations": {},
        "recorder": {"name": "สมชาย ใจดี", "position": "นักวิชาการจัดเก็บรายได้", "phone": "053-000-000"},
        "certify": True,
    }
    body.update(extra)
    return body


def record_directly(app, world: World, lao_name: str, officer_name: str, land: str = "500.00",
                    fiscal_year: int = 2570, number: int = 1) -> None:
    """Record an installment of an LAO through the operation (as its officer), committed."""
    with app.app_context():
        lao = db.session.get(Lao, world.laos[lao_name].id)
        inst = db.session.query(Installment).filter_by(fiscal_year_id=fiscal_year, number=number).one()
        record_installment(
            db.session.get(User, world.users[officer_name].id), None, lao, inst, version=0,
            amounts={"LAND_BUILDING": land, "SIGNBOARD": "0"}, explanations={},
            recorder=Recorder("ผู้บันทึก", "ปลัด", "02-111-1111"), certify=True,
            today=date(2026, 11, 21), ceiling=Decimal("10000000000"),
        )
        db.session.commit()
