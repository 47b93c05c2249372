"""A hand-computed dataset for the comparison: 3 provinces, LAOs of each type, base FY2568 and FY2569."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app import db
from app.domain.money import to_satang
from app.models import Entry, Installment, InstallmentReport, RevenueItem
from tests import factories as f

ITEMS = {"PAO": ("PAO_OIL", "PAO_TOBACCO"), "MUNICIPALITY": ("LAND_BUILDING", "SIGNBOARD"),
         "SAO": ("LAND_BUILDING", "SIGNBOARD")}


def put(lao, year: int, number: int, amount: str, status: str = "confirmed") -> None:
    """Record `amount` baht for the LAO's installment, split over two items (1.00 in the second)."""
    inst = db.session.scalar(select(Installment).where(Installment.fiscal_year_id == year,
                                                       Installment.number == number))
    first, second = (db.session.scalar(select(RevenueItem).where(RevenueItem.code == c)) for c in ITEMS[lao.lao_type])
    total = Decimal(amount)
    parts = [(first, total - 1), (second, Decimal(1))] if total >= 1 else [(first, total)]
    for item, value in parts:
        db.session.add(Entry(lao_id=lao.id, installment_id=inst.id, item_id=item.id, amount_satang=to_satang(value)))
    db.session.add(InstallmentReport(lao_id=lao.id, installment_id=inst.id, status=status,
                                     recorder_name="ผู้บันทึก", recorder_position="นักวิชาการ", recorder_phone="0"))


def put_all(lao, year: int, amounts: list[str], status: str = "confirmed") -> None:
    """Record installments 1..len(amounts) of `year`."""
    for n, amount in enumerate(amounts, start=1):
        put(lao, year, n, amount, status)


@pytest.fixture
def dataset(app):
    """The hand-computed comparison dataset (amounts in baht; expected results in the tests).

    Built in its own app context: a context held open through the test would share flask.g (and
    its cached CSRF token) between the test client's requests.

    Chiang Mai (50): PAO A, municipality M1, SAO S1 (district 5001), SAO S2 (district 5002).
    Chiang Rai (57): PAO B, municipality M2, SAO S3 (new: nothing in the base year), SAO S5 (nothing
    recorded in the current year). Phitsanulok (65): municipality M3 and SAO S4 (no PAO); S4's
    installment 2 is recorded but not confirmed and installment 3 was returned.
    """
    with app.app_context():
        return _build_dataset()


def _build_dataset() -> dict:
    """Write the dataset's LAOs and figures; returns the LAOs by key."""
    f.fiscal_year(2568)
    f.fiscal_year(2569)
    laos = {
        "A": f.lao("PAO", "50", "5001", code="L-A", name_th="อบจ.เชียงใหม่ทดสอบ"),
        "M1": f.lao("MUNICIPALITY", "50", "5001", code="L-M1", name_th="เทศบาลนครทดสอบ"),
        "S1": f.lao("SAO", "50", "5001", code="L-S1", name_th="อบต.หนึ่ง"),
        "S2": f.lao("SAO", "50", "5002", code="L-S2", name_th="อบต.สอง"),
        "B": f.lao("PAO", "57", code="L-B", name_th="อบจ.เชียงรายทดสอบ"),
        "M2": f.lao("MUNICIPALITY", "57", code="L-M2", name_th="เทศบาลเชียงรายทดสอบ"),
        "S3": f.lao("SAO", "57", code="L-S3", name_th="อบต.ใหม่"),
        "S5": f.lao("SAO", "57", code="L-S5", name_th="อบต.ยังไม่ส่ง"),
        "M3": f.lao("MUNICIPALITY", "65", code="L-M3", name_th="เทศบาลพิษณุโลกทดสอบ"),
        "S4": f.lao("SAO", "65", code="L-S4", name_th="อบต.รอยืนยัน"),
    }
    base = {
        "A": ["1000.00", "1000.00", "1000.00"],
        "M1": ["2000.00", "2000.00", "2000.00"],
        "S1": ["100.00", "100.00", "100.00"],
        "S2": ["50.00", "50.00", "50.00"],
        "B": ["800.00", "800.00", "800.00"],
        "M2": ["333.33", "333.33", "333.33"],
        "S5": ["40.00", "40.00", "40.00"],
        "M3": ["1000.00", "1000.00", "1000.00"],
        "S4": ["200.00", "200.00", "200.00"],
    }
    for key, amounts in base.items():
        put_all(laos[key], 2568, amounts)
    put(laos["A"], 2568, 6, "500.00")  # later in the base year: only the whole-year basis counts it
    current = {
        "A": ["1100.00", "1100.00", "1100.50"],
        "M1": ["1500.00", "1500.00", "1500.00"],
        "S1": ["110.00", "110.00", "110.01"],
        "S2": ["60.00", "60.00", "60.00"],
        "B": ["700.00", "700.00", "700.00"],
        "M2": ["333.34", "333.34", "333.34"],
        "S3": ["10.00", "10.00", "10.00"],
        "M3": ["1000.00", "1000.00", "1000.00"],
    }
    for key, amounts in current.items():
        put_all(laos[key], 2569, amounts)
    put(laos["S4"], 2569, 1, "200.00", "confirmed")
    put(laos["S4"], 2569, 2, "250.00", "recorded")
    put(laos["S4"], 2569, 3, "300.00", "returned")
    db.session.commit()
    return laos


@pytest.fixture
def users(app):
    """One user of every role (the verifier and the officer in Chiang Mai), built in its own app context."""
    with app.app_context():
        officer_lao = f.lao("SAO", "50", "5003", code="L-OFFICER", name_th="อบต.ของเจ้าหน้าที่", active=False)
        out = {
            "national": f.user("national", "national_viewer"),
            "verifier": f.user("verifier", "province_verifier", province_obj=f.province("50")),
            "admin": f.user("admin", "admin"),
            "officer": f.user("officer", "lao_officer", lao_obj=officer_lao),
        }
        db.session.commit()
        return out
