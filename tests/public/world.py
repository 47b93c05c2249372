"""A small world written through the real operations: FY2569 and FY2570, LAOs in Chiang Mai (50) and Chiang Rai
(57) with their officers, a verifier per province, a national viewer and an administrator; names, phones and
explanations recorded so the public pages can be scanned for them."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app import db
from app.entry.operations import Recorder, record_installment
from app.models import Installment, InstallmentReport, Lao, User
from app.verify.operations import review_installments
from tests import factories as f

TODAY = date(2026, 11, 21)  # FY2570's installment 1 (October 2026) has ended
CEILING = Decimal(10000000000)
# what people recorded: none of it may reach /public or /check
SECRETS = ("สมชายผู้บันทึกลับ", "081-765-4321", "คำชี้แจงลับเฉพาะ", "สมหญิงผู้ยืนยันลับ", "089-111-2233",
           "ปลัดลับเฉพาะ")


@dataclass
class World:
    """Ids of what the world holds (objects are reloaded by the callers in their own sessions)."""

    laos: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)


def installment(year: int, number: int) -> Installment:
    """The installment `number` of `year`."""
    return db.session.scalar(select(Installment).where(Installment.fiscal_year_id == year,
                                                       Installment.number == number))


def record(officer: User, lao: Lao, year: int, number: int, land: str, sign: str = "0",
           explanation: str = "") -> None:
    """The officer records the installment (the LAO's real use case)."""
    inst = installment(year, number)
    rep = db.session.scalar(select(InstallmentReport).where(InstallmentReport.lao_id == lao.id,
                                                            InstallmentReport.installment_id == inst.id))
    record_installment(officer, "127.0.0.1", lao, inst, version=rep.version if rep else 0,
                       amounts={"LAND_BUILDING": land, "SIGNBOARD": sign},
                       explanations={"LAND_BUILDING": explanation, "SIGNBOARD": explanation},
                       recorder=Recorder(SECRETS[0], SECRETS[5], SECRETS[1]), certify=True, today=TODAY,
                       ceiling=CEILING)


def review(verifier: User, lao: Lao, year: int, number: int, action: str, reason: str | None = None) -> None:
    """The provincial verifier confirms, unconfirms or returns the installment (the real use case)."""
    inst = installment(year, number)
    rep = db.session.scalar(select(InstallmentReport).where(InstallmentReport.lao_id == lao.id,
                                                            InstallmentReport.installment_id == inst.id))
    review_installments(verifier, "127.0.0.1", inst, {lao.id: rep.version}, action, reason=reason,
                        position="ผู้ตรวจสอบ", phone=SECRETS[4], today=TODAY)


def build() -> World:
    """Write the world and commit. 50: SAO S1 and municipality M1 (district 5001), SAO S2 (5002); 57: SAO S3.

    FY2569/1 confirmed for all; FY2570/1: S1 1,000.50 (10x: explained), M1 300, S2 recorded but not confirmed
    (777: explained), S3 50. Returns the ids."""
    f.fiscal_year(2569)
    f.fiscal_year(2570)
    laos = {"S1": f.lao("SAO", "50", "5001", code="P-S1", name_th="อบต.หนึ่งสาธารณะ"),
            "M1": f.lao("MUNICIPALITY", "50", "5001", code="P-M1", name_th="เทศบาลสาธารณะ"),
            "S2": f.lao("SAO", "50", "5002", code="P-S2", name_th="อบต.สองสาธารณะ"),
            "S3": f.lao("SAO", "57", code="P-S3", name_th="อบต.สามสาธารณะ")}
    users = {k: f.user(f"officer_{k}", "lao_officer", lao_obj=lao, full_name=SECRETS[0], phone=SECRETS[1])
             for k, lao in laos.items()}
    users["v50"] = f.user("verifier50", "province_verifier", province_obj=f.province("50"), full_name=SECRETS[3],
                          phone=SECRETS[4])
    users["v57"] = f.user("verifier57", "province_verifier", province_obj=f.province("57"), full_name=SECRETS[3],
                          phone=SECRETS[4])
    users["national"] = f.user("national", "national_viewer")
    users["admin"] = f.user("admin", "admin")
    db.session.commit()
    base = {"S1": "100.00", "M1": "200.00", "S2": "300.00", "S3": "40.00"}
    for key, amount in base.items():
        record(users[key], laos[key], 2569, 1, amount)
        review(users["v57" if key == "S3" else "v50"], laos[key], 2569, 1, "confirm")
    record(users["S1"], laos["S1"], 2570, 1, "1000.50", explanation=SECRETS[2])
    record(users["M1"], laos["M1"], 2570, 1, "300.00")
    record(users["S2"], laos["S2"], 2570, 1, "777.00", explanation=SECRETS[2])
    record(users["S3"], laos["S3"], 2570, 1, "50.00")
    for key in ("S1", "M1"):
        review(users["v50"], laos[key], 2570, 1, "confirm")
    review(users["v57"], laos["S3"], 2570, 1, "confirm")
    db.session.commit()
    return World({k: v.id for k, v in laos.items()}, {k: v.id for k, v in users.items()})
