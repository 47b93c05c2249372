"""Read queries of the verify area: INR911 counts and shares, part 1 rows, follow-up contacts, matrix marks."""

import dataclasses
from datetime import date, datetime
from decimal import Decimal

import pytest

from app import db, fiscal
from app.verify import queries
from tests import factories as f
from tests.verify.conftest import TODAY, inst, record


def test_circular_example_ten_laos_nine_recorded(world):
    installment = world["inst"]
    laos = [f.lao("SAO", "57", "5702", name_th=f"อบต.ตัวอย่าง{i}") for i in range(10)]
    for lao in laos[:9]:
        record(lao, installment)
    db.session.commit()
    district = f.district("5702")
    report = queries.status_report(installment, province_id=district.province_id, district_id=district.id)
    assert (report.recorded_count, report.not_recorded_count, report.total) == (9, 1, 10)
    assert report.recorded_pct == Decimal("90.00") and report.not_recorded_pct == Decimal("10.00")
    assert [r.lao_name for r in report.not_recorded] == ["อบต.ตัวอย่าง9"]
    assert len(report.recorded) == 9
    # the API serialises the dataclass as it is
    assert dataclasses.asdict(report)["recorded_pct"] == Decimal("90.00")


def test_percentages_add_to_100_and_filters_narrow(world):
    laos, installment = world["laos"], world["inst"]
    record(laos["sao1"], installment)  # 4 LAOs in Chiang Mai, 1 recorded (33.33 would not add up)
    record(laos["far"], installment, status="confirmed")
    db.session.commit()
    cm = laos["sao1"].province_id
    report = queries.status_report(installment, province_id=cm)
    assert (report.recorded_count, report.not_recorded_count) == (1, 3)
    assert report.recorded_pct + report.not_recorded_pct == Decimal("100.00")
    assert report.recorded_pct == Decimal("25.00")
    sao_only = queries.status_report(installment, province_id=cm, lao_type="SAO")
    assert sao_only.total == 2 and sao_only.recorded_pct == Decimal("50.00")
    national = queries.status_report(installment)
    assert national.recorded_count == 2 and national.confirmed_count == 1 and national.total == 5
    third = queries.status_report(installment, lao_type="SAO")  # 2 of 3 SAOs
    assert (third.recorded_pct, third.not_recorded_pct) == (Decimal("66.67"), Decimal("33.33"))


def test_inactive_laos_are_left_out(world):
    f.lao("SAO", "50", code="GONE", active=False)
    db.session.commit()
    report = queries.status_report(world["inst"], province_id=world["laos"]["sao1"].province_id)
    assert "GONE" not in [r.lao_code for r in report.not_recorded + report.recorded]


def test_empty_scope_gives_zero_shares(world):
    report = queries.status_report(world["inst"], province_id=f.province("10").id)
    assert report.total == 0 and report.recorded_pct == Decimal("0.00")


def test_review_rows_show_figures_prior_year_change_and_warnings(world):
    laos, installment, prior = world["laos"], world["inst"], world["prior"]
    record(laos["sao1"], prior, {"LAND_BUILDING": "1000.00", "SIGNBOARD": "200.00"})
    record(laos["sao1"], installment, {"LAND_BUILDING": "5000.00", "SIGNBOARD": "220.50"},
           explanations={"LAND_BUILDING": "มีการชำระภาษีค้างจ่ายของปีก่อน"}, late=True)
    record(laos["pao"], installment, {"PAO_OIL": "1.00", "PAO_TOBACCO": "2.00", "PAO_HOTEL": "3.00"},
           status="confirmed")
    db.session.commit()
    rows = {r.lao_code: r for r in queries.review_rows(installment, laos["sao1"].province_id)}
    assert set(rows) == {"CM-SAO1", "CM-PAO"}
    sao = rows["CM-SAO1"]
    assert sao.amounts == {"LAND_BUILDING": Decimal("5000.00"), "SIGNBOARD": Decimal("220.50")}
    assert sao.total == Decimal("5220.50") and sao.prior_total == Decimal("1200.00")
    assert sao.change_pct == Decimal("335.04")
    assert sao.recorded_late is True and sao.recorder_name == "สมชาย ใจดี"
    assert [(w.item_code, w.code, w.explanation) for w in sao.warnings] == [
        ("LAND_BUILDING", "high", "มีการชำระภาษีค้างจ่ายของปีก่อน")]
    pao = rows["CM-PAO"]
    assert pao.prior_total is None and pao.change_pct is None and pao.warnings == []
    assert pao.total == Decimal("6.00")
    confirmed_only = queries.review_rows(installment, laos["sao1"].province_id, status="confirmed")
    assert [r.lao_code for r in confirmed_only] == ["CM-PAO"]
    columns = [i.code for i in queries.item_columns(2570)]
    assert columns == ["PAO_OIL", "PAO_TOBACCO", "PAO_HOTEL", "LAND_BUILDING", "SIGNBOARD"]
    assert [i.code for i in queries.item_columns(2570, {"SAO", "MUNICIPALITY"})] == ["LAND_BUILDING", "SIGNBOARD"]
    assert queries.item_columns(2570, set()) == []


def test_followup_contact_is_the_last_recorder_else_the_account(world):
    laos, installment = world["laos"], world["inst"]
    record(laos["sao1"], world["prior"], recorder="ผู้บันทึกเก่า", recorded_at=datetime(2025, 11, 1))
    record(laos["sao1"], inst(2569, 2), recorder="ผู้บันทึกล่าสุด", phone="053-999-999",
           recorded_at=datetime(2025, 12, 15))
    db.session.commit()
    report = queries.status_report(installment, province_id=laos["sao1"].province_id)
    contacts = {r.lao_code: r for r in queries.followup_rows(report)}
    assert set(contacts) == {"CM-SAO1", "CM-SAO2", "CM-MUN", "CM-PAO"}
    assert (contacts["CM-SAO1"].contact_name, contacts["CM-SAO1"].contact_phone,
            contacts["CM-SAO1"].contact_source) == ("ผู้บันทึกล่าสุด", "053-999-999", "recorder")
    assert (contacts["CM-SAO2"].contact_name, contacts["CM-SAO2"].contact_phone,
            contacts["CM-SAO2"].contact_source) == ("มานี มีนา", "081-234-5678", "account")
    assert contacts["CM-MUN"].contact_source is None


def test_default_installment_is_the_latest_closed(world):
    assert (fiscal.latest_closed_installment(TODAY).fiscal_year_id, fiscal.latest_closed_installment(TODAY).number) \
        == (2570, 1)
    assert fiscal.default_installment(date(2026, 10, 31)).fiscal_year_id == 2569  # FY2570 #1 not ended yet
    assert fiscal.default_installment(TODAY, 2569).number == 12


@pytest.mark.parametrize("status, late, ended, mark", [
    ("confirmed", True, True, "confirmed"),
    ("returned", False, True, "returned"),
    ("recorded", True, True, "late"),
    ("recorded", False, True, "recorded"),
    (None, False, True, "not_recorded"),
    ("not_recorded", False, True, "not_recorded"),
    (None, False, False, "open"),
])
def test_cell_marks(status, late, ended, mark):
    assert queries.cell_mark(status, late, ended) == mark


def test_progress_matrix_marks_counts_and_sorting(world):
    laos = world["laos"]
    record(laos["sao1"], inst(2569, 11), status="confirmed")
    record(laos["sao2"], inst(2569, 11), late=True)
    record(laos["mun"], inst(2569, 12), status="returned")
    record(laos["far"], inst(2569, 11), status="confirmed")  # another province: not in the matrix
    db.session.commit()
    grid = queries.progress_matrix(2569, laos["sao1"].province_id, TODAY, "type")
    assert [r.lao_code for r in grid.rows] == ["CM-PAO", "CM-MUN", "CM-SAO2", "CM-SAO1"]  # type, then district
    marks = {r.lao_code: r.marks for r in grid.rows}
    assert marks["CM-SAO1"][10] == "confirmed" and marks["CM-SAO2"][10] == "late"
    assert marks["CM-MUN"][11] == "returned" and marks["CM-PAO"][0] == "not_recorded"
    nov = grid.column_counts[10]
    assert (nov["confirmed"], nov["late"], nov["not_recorded"], nov["done"]) == (1, 1, 2, 2)
    by_district = queries.progress_matrix(2569, laos["sao1"].province_id, TODAY, "district")
    assert [r.district_name for r in by_district.rows] == ["จอมทอง", "เมืองเชียงใหม่", "เมืองเชียงใหม่",
                                                           "เมืองเชียงใหม่"]
    future = queries.progress_matrix(2570, laos["sao1"].province_id, TODAY)
    assert future.rows[0].marks[0] == "not_recorded" and future.rows[0].marks[1] == "open"
    assert future.column_counts[1]["not_recorded"] == 0
