"""Fixtures of the deadline-extension tests: FY2569-2570, LAOs in Chiang Mai (50) and Chiang Rai (57), users."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import db
from app.entry.operations import Recorder, record_installment
from app.models import Installment, InstallmentReport, Lao, Province, User
from tests import factories as f

TODAY = date(2026, 11, 21)  # FY2570 installment 1 (Oct 2026): entry deadline 20 Nov, confirmation 30 Nov
CEILING = Decimal(10000000000)
MAX_DAYS = 15


@pytest.fixture
def world(app):
    """OWN and NEXT (SAOs of Chiang Mai), FAR (Chiang Rai); an officer each, verifiers of both provinces,
    national staff and an administrator."""
    with app.app_context():
        f.fiscal_year(2569)
        f.fiscal_year(2570)
        own = f.lao("SAO", "50", code="OWN", name_th="อบต.บ้านเรา")
        nxt = f.lao("SAO", "50", code="NEXT", name_th="อบต.ข้างเคียง")
        far = f.lao("SAO", "57", code="FAR", name_th="อบต.ไกลบ้าน")
        f.user("officer", "lao_officer", lao_obj=own, full_name="สมชาย ใจดี")
        f.user("officer2", "lao_officer", lao_obj=own, full_name="สมศรี ขยัน")
        f.user("nextofficer", "lao_officer", lao_obj=nxt)
        f.user("farofficer", "lao_officer", lao_obj=far)
        f.user("verifier", "province_verifier", province_obj=f.province("50"), full_name="ผู้ตรวจ เชียงใหม่")
        f.user("farverifier", "province_verifier", province_obj=f.province("57"))
        f.user("national", "national_viewer")
        f.user("admin", "admin")
        db.session.commit()


def lao(code: str) -> Lao:
    """The LAO with `code`."""
    return db.session.scalar(select(Lao).where(Lao.code == code))


def user(username: str) -> User:
    """The user `username`."""
    return db.session.scalar(select(User).where(User.username == username))


def province(code: str) -> Province:
    """The province with `code`."""
    return db.session.scalar(select(Province).where(Province.code == code))


def inst(year: int = 2570, number: int = 1) -> Installment:
    """Installment `number` of `year`."""
    return db.session.scalar(select(Installment).where(Installment.fiscal_year_id == year,
                                                       Installment.number == number))


def record(lao_code: str, on: date, number: int = 1) -> InstallmentReport:
    """Record the LAO's installment on day `on` (noon in Bangkok) as its first officer does on the entry form."""
    the_lao = lao(lao_code)
    officer = db.session.scalar(select(User).where(User.lao_id == the_lao.id).order_by(User.id))
    installment = inst(2570, number)
    report = db.session.scalar(select(InstallmentReport).where(InstallmentReport.lao_id == the_lao.id,
                                                               InstallmentReport.installment_id == installment.id))
    return record_installment(officer, None, the_lao, installment, version=report.version if report else 0,
                              amounts={"LAND_BUILDING": "1000.00", "SIGNBOARD": "0"}, explanations={},
                              recorder=Recorder("ผู้บันทึก", "ปลัด", "053-000000"), certify=True, today=on,
                              ceiling=CEILING, now=datetime.combine(on, time(5, 0)))
