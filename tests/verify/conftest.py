"""Builders for verify tests: installments recorded straight into the tables (fast) or through the operation."""

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import db
from app.domain.money import to_satang
from app.domain.workflow import Status
from app.entry.operations import Recorder, record_installment
from app.models import Entry, Installment, InstallmentReport, RevenueItem
from app.reference import items_for
from tests import factories as f

TODAY = datetime(2026, 11, 21).date()


def inst(year: int, number: int) -> Installment:
    """Installment `number` of fiscal year `year`."""
    return db.session.scalar(
        select(Installment).where(Installment.fiscal_year_id == year, Installment.number == number)
    )


def record(lao, installment, amounts: dict[str, str] | None = None, *, status: str = Status.RECORDED.value,
           late: bool = False, explanations: dict[str, str] | None = None, recorder: str = "สมชาย ใจดี",
           phone: str = "053-000-111", recorded_at: datetime | None = None) -> InstallmentReport:
    """Write an LAO's figures and report row directly (default: 1,000.00 per applicable item)."""
    items = items_for(lao.lao_type, installment.fiscal_year_id)
    amounts = amounts or {i.code: "1000.00" for i in items}
    ids = dict(db.session.execute(select(RevenueItem.code, RevenueItem.id)).all())
    for code, value in amounts.items():
        db.session.add(Entry(lao_id=lao.id, installment_id=installment.id, item_id=ids[code],
                             amount_satang=to_satang(Decimal(value)),
                             explanation=(explanations or {}).get(code)))
    report = InstallmentReport(lao_id=lao.id, installment_id=installment.id, status=status,
                               recorder_name=recorder, recorder_position="นักวิชาการเงินและบัญชี",
                               recorder_phone=phone, recorded_at=recorded_at or datetime(2026, 11, 10, 3, 0),
                               recorded_late=late)
    db.session.add(report)
    db.session.flush()
    return report


def record_as_officer(officer, lao, installment, amounts: dict[str, str], version: int | None = 0,
                      today=TODAY, explanations=None):
    """Record through the LAO's own operation (the LAO officer's path)."""
    return record_installment(
        officer, "127.0.0.1", lao, installment, version=version, amounts=amounts, explanations=explanations,
        recorder=Recorder("สมชาย ใจดี", "นักวิชาการเงินและบัญชี", "053-000-111"), certify=True, today=today,
        ceiling=Decimal("10000000000"),
    )


def build_world() -> dict:
    """FY2569 and FY2570 (monthly); a verifier of Chiang Mai (50) and one of Chiang Rai (57); a few LAOs."""
    f.fiscal_year(2569)
    f.fiscal_year(2570)
    cm, cr = f.province("50"), f.province("57")
    laos = {
        "sao1": f.lao("SAO", "50", "5001", code="CM-SAO1", name_th="อบต.สันผีเสื้อ"),
        "sao2": f.lao("SAO", "50", "5002", code="CM-SAO2", name_th="อบต.ดอยแก้ว"),
        "mun": f.lao("MUNICIPALITY", "50", "5001", code="CM-MUN", name_th="เทศบาลตำบลหนองหอย"),
        "pao": f.lao("PAO", "50", "5001", code="CM-PAO", name_th="อบจ.เชียงใหม่"),
        "far": f.lao("SAO", "57", code="CR-SAO", name_th="อบต.ริมกก"),
    }
    users = {
        "verifier": f.user("verifier", "province_verifier", province_obj=cm, full_name="สมหญิง ตรวจดี",
                           position="นักวิชาการตรวจสอบภายใน", phone="053-112-233"),
        "verifier57": f.user("verifier57", "province_verifier", province_obj=cr),
        "national": f.user("national", "national_viewer"),
        "admin": f.user("admin", "admin"),
        "officer": f.user("officer", "lao_officer", lao_obj=laos["sao1"], full_name="สมชาย ใจดี"),
        "officer2": f.user("officer2", "lao_officer", lao_obj=laos["sao2"], full_name="มานี มีนา",
                           phone="081-234-5678"),
        "officer_far": f.user("officer_far", "lao_officer", lao_obj=laos["far"]),
    }
    db.session.commit()
    return {"laos": laos, "users": users, "inst": inst(2570, 1), "prior": inst(2569, 1)}


@pytest.fixture
def world(ctx):
    """The world, for operation and query tests that run inside one app context."""
    return build_world()


@pytest.fixture
def site(app):
    """The world for HTTP tests: built in its own app context, which is closed again.

    Requests must not run inside a test's app context: Flask would reuse it, so `g` (CSRF token,
    Flask-Login's current user) would leak from one request or client to the next.
    """
    with app.app_context():
        data = build_world()
    return data
