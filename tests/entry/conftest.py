"""Fixtures of the entry tests: two fiscal years, three LAOs in two provinces, one user per role."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import db
from app.auth.loaders import installment_or_404
from app.domain.money import parse_amount, to_satang
from app.entry.operations import Recorder, record_installment
from app.models import AuditEvent, Entry, InstallmentReport, Lao, RevenueItem, User
from tests import factories as f

TODAY = date(2026, 11, 21)  # the testing config's TODAY: FY2570, installment 1 (Oct 2026) closed
CEILING = Decimal("10000000000")


@dataclass
class World:
    """Codes and usernames of the test world (ids are looked up inside each app context)."""

    own: str = "OWN01"
    neighbour: str = "NEXT01"
    far: str = "FAR01"


@pytest.fixture
def world(app):
    """FY2569 and FY2570 (monthly), SAOs OWN01 and NEXT01 in Chiang Mai, FAR01 in Chiang Rai, users."""
    with app.app_context():
        f.fiscal_year(2569)
        f.fiscal_year(2570)
        own = f.lao("SAO", "50", code="OWN01", name_th="อบต.บ้านเรา")
        nxt = f.lao("SAO", "50", code="NEXT01", name_th="อบต.ข้างเคียง")
        far = f.lao("SAO", "57", code="FAR01", name_th="อบต.ไกลบ้าน")
        f.user("officer", "lao_officer", lao_obj=own, full_name="สมชาย ใจดี", position="นักวิชาการจัดเก็บรายได้",
               phone="053-111111")
        f.user("officer2", "lao_officer", lao_obj=own, full_name="สมศรี ขยัน")
        f.user("nextofficer", "lao_officer", lao_obj=nxt)
        f.user("farofficer", "lao_officer", lao_obj=far)
        f.user("verifier", "province_verifier", province_obj=f.province("50"), full_name="ผู้ตรวจ เชียงใหม่")
        f.user("farverifier", "province_verifier", province_obj=f.province("57"))
        f.user("national", "national_viewer")
        f.user("admin", "admin")
        db.session.commit()
    return World()


def lao(code: str) -> Lao:
    """The LAO with `code`."""
    return db.session.scalar(select(Lao).where(Lao.code == code))


def user(username: str) -> User:
    """The user `username`."""
    return db.session.scalar(select(User).where(User.username == username))


def put_figures(code: str, year: int, number: int, amounts: dict[str, str], status: str = "recorded",
                recorded_at: datetime | None = None, **report_fields) -> InstallmentReport:
    """Write an installment's entries and report directly (history the tests start from)."""
    obj = lao(code)
    inst = installment_or_404(year, number)
    items = {i.code: i for i in db.session.scalars(select(RevenueItem))}
    for item_code, text in amounts.items():
        db.session.add(Entry(lao_id=obj.id, installment_id=inst.id, item_id=items[item_code].id,
                             amount_satang=to_satang(parse_amount(text))))
    report = InstallmentReport(lao_id=obj.id, installment_id=inst.id, status=status,
                               recorded_at=recorded_at or datetime(inst.entry_deadline.year,
                                                                   inst.entry_deadline.month, 10, 3, 0),
                               recorder_name="ผู้บันทึกเดิม", recorder_position="จพง.", recorder_phone="0",
                               **report_fields)
    db.session.add(report)
    db.session.flush()
    return report


def record(code: str = "OWN01", year: int = 2570, number: int = 1, *, username: str = "officer",
           amounts: dict[str, str] | None = None, explanations: dict[str, str] | None = None,
           version: int | None = 0, certify: bool = True, today: date = TODAY,
           ceiling: Decimal = CEILING, recorder: Recorder | None = None) -> InstallmentReport:
    """Call record_installment with sensible defaults (an SAO's two FY2570 items)."""
    return record_installment(
        user(username), "10.0.0.7", lao(code), installment_or_404(year, number), version=version,
        amounts=amounts if amounts is not None else {"LAND_BUILDING": "1,000.00", "SIGNBOARD": "300"},
        explanations=explanations, recorder=recorder or Recorder("สมชาย ใจดี", "นักวิชาการ", "053-111111"),
        certify=certify, today=today, ceiling=ceiling,
    )


def snapshot() -> tuple:
    """Everything a failed save must leave alone: entries, reports and the audit count."""
    entries = sorted(db.session.execute(
        select(Entry.lao_id, Entry.installment_id, Entry.item_id, Entry.amount_satang, Entry.explanation)
    ).all())
    reports = sorted(db.session.execute(
        select(InstallmentReport.lao_id, InstallmentReport.installment_id, InstallmentReport.status,
               InstallmentReport.version, InstallmentReport.recorded_at)
    ).all())
    return entries, reports, db.session.scalar(select(func.count(AuditEvent.id)))


def stored_amounts(code: str = "OWN01", year: int = 2570, number: int = 1) -> dict[str, int]:
    """Satang per item code stored for an LAO's installment."""
    inst = installment_or_404(year, number)
    return dict(db.session.execute(
        select(RevenueItem.code, Entry.amount_satang).join(RevenueItem, RevenueItem.id == Entry.item_id)
        .where(Entry.lao_id == lao(code).id, Entry.installment_id == inst.id)
    ).all())
