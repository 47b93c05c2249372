"""Fixtures of the snapshot and as-of tests: FY2569 and FY2570, three LAOs in two provinces, the real operations."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import db
from app.auth.loaders import installment_or_404
from app.entry.operations import Recorder, record_installment
from app.models import InstallmentReport, Lao, User
from app.reference import items_for
from app.verify.operations import review_installments
from tests import factories as f

TODAY = date(2026, 11, 21)  # the testing config's TODAY: FY2570 installment 1 (Oct 2026) has ended
CEILING = Decimal("10000000000")
START = datetime(2026, 11, 20, 1, 0)  # naive UTC: the first step of a scripted sequence
OFFICERS = {"OWN01": "officer", "NEXT01": "nextofficer", "FAR01": "farofficer"}


@pytest.fixture
def world(app):
    """FY2569 and FY2570 (monthly); SAO OWN01 and municipality NEXT01 in Chiang Mai, SAO FAR01 in Chiang Rai;
    an officer per LAO, a Chiang Mai verifier, an admin and a national viewer."""
    with app.app_context():
        build_world()
        db.session.commit()


def build_world() -> None:
    """Write the world's years, LAOs and users (flushed; the caller commits)."""
    f.fiscal_year(2569)
    f.fiscal_year(2570)
    own = f.lao("SAO", "50", code="OWN01", name_th="อบต.บ้านเรา")
    nxt = f.lao("MUNICIPALITY", "50", code="NEXT01", name_th="เทศบาลตำบลข้างเคียง")
    far = f.lao("SAO", "57", code="FAR01", name_th="อบต.ไกลบ้าน")
    for obj, name in ((own, "officer"), (nxt, "nextofficer"), (far, "farofficer")):
        f.user(name, "lao_officer", lao_obj=obj, full_name=f"เจ้าหน้าที่ {name}")
    f.user("verifier", "province_verifier", province_obj=f.province("50"), full_name="สมหญิง ตรวจดี")
    f.user("admin", "admin", full_name="ผู้ดูแล ระบบ")
    f.user("national", "national_viewer", full_name="ส่วนกลาง")


def lao(code: str) -> Lao:
    """The LAO with `code`."""
    return db.session.scalar(select(Lao).where(Lao.code == code))


def user(username: str) -> User:
    """The user `username`."""
    return db.session.scalar(select(User).where(User.username == username))


def item_codes(code: str, year: int) -> list[str]:
    """The item codes the LAO records in fiscal `year`."""
    return [it.code for it in items_for(lao(code).lao_type, year)]


def report(code: str, year: int, number: int) -> InstallmentReport | None:
    """The LAO's report of an installment, read afresh."""
    inst = installment_or_404(year, number)
    return db.session.scalar(select(InstallmentReport).where(InstallmentReport.lao_id == lao(code).id,
                                                             InstallmentReport.installment_id == inst.id)
                             .execution_options(populate_existing=True))


def save(code: str, year: int, number: int, amounts: list[str] | dict[str, str], now: datetime,
         explain: bool = True) -> InstallmentReport:
    """Record an installment through the real operation at `now` (amounts per item, in the items' order)."""
    codes = item_codes(code, year)
    values = amounts if isinstance(amounts, dict) else dict(zip(codes, amounts))
    rep = report(code, year, number)
    return record_installment(
        user(OFFICERS[code]), "10.0.0.7", lao(code), installment_or_404(year, number),
        version=rep.version if rep else 0, amounts=values,
        explanations={c: "ตัวเลขจริงตามใบเสร็จ" for c in codes} if explain else None,
        recorder=Recorder(f"ผู้บันทึก {code}", "นักวิชาการ", "053-111111"), certify=True, today=TODAY,
        ceiling=CEILING, now=now)


def review(code: str, year: int, number: int, action: str, now: datetime, reason: str | None = None,
           username: str = "admin"):
    """Confirm, unconfirm or return an installment through the real operation at `now`."""
    rep = report(code, year, number)
    return review_installments(user(username), "10.0.0.8", installment_or_404(year, number),
                               {lao(code).id: rep.version if rep else 0}, action, reason=reason,
                               position="ผู้ตรวจสอบ", phone="053-222222", today=TODAY, now=now)


def minutes(n: int) -> datetime:
    """START plus n minutes."""
    return START + timedelta(minutes=n)
