"""Importing figures: baseline years and installment entries, checked like the entry form, all or nothing."""

from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select

from app import db
from app.admin import imports, years
from app.admin.imports import BASELINE_COLUMNS, ENTRY_COLUMNS, Upload
from app.models import AuditEvent, Entry, FiscalYear, Installment, InstallmentReport, Lao, RevenueItem
from tests import factories as f
from tests.admin.conftest import audit_count, csv_bytes, hidden_fields, upload, xlsx_bytes

TODAY = __import__("datetime").date(2026, 11, 21)
CEILING = Decimal("10000000000")


@pytest.fixture
def laos(ctx):
    """FY2569 and FY2570 (monthly); an SAO, a municipality and a PAO in Chiang Mai."""
    f.fiscal_year(2569)
    f.fiscal_year(2570)
    f.lao("SAO", "50", code="S1", name_th="อบต.หนึ่ง")
    f.lao("MUNICIPALITY", "50", code="M1", name_th="เทศบาลหนึ่ง")
    f.lao("PAO", "50", code="P1", name_th="อบจ.เชียงใหม่")
    db.session.commit()


def _run(kind, rows, *, dry_run=False, confirm=False, name="figures.csv", data=None):
    columns = BASELINE_COLUMNS if kind == "baseline" else ENTRY_COLUMNS
    file = Upload(name, data if data is not None else csv_bytes(columns, rows))
    plan = imports.import_figures(None, None, file, kind, confirm=confirm, dry_run=dry_run, today=TODAY,
                                  ceiling=CEILING)
    if plan.errors or dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return plan


def _amounts(year=None) -> dict:
    q = (select(Lao.code, Installment.fiscal_year_id, Installment.number, RevenueItem.code, Entry.amount_satang)
         .join(Lao, Lao.id == Entry.lao_id).join(Installment, Installment.id == Entry.installment_id)
         .join(RevenueItem, RevenueItem.id == Entry.item_id))
    return {(a, y, n, i): v for a, y, n, i, v in db.session.execute(q) if year is None or y == year}


def _statuses() -> dict:
    q = (select(Lao.code, Installment.fiscal_year_id, Installment.number, InstallmentReport.status)
         .join(Lao, Lao.id == InstallmentReport.lao_id)
         .join(Installment, Installment.id == InstallmentReport.installment_id))
    return {(a, y, n): s for a, y, n, s in db.session.execute(q)}


BASELINE_2560 = [
    ("2560", "S1", "HOUSE_LAND", "1,000.50"),
    ("2560", "S1", "LOCAL_MAINT", "200"),
    ("2560", "S1", "SIGNBOARD", "30.25"),
    ("2560", "P1", "PAO_OIL", "5000000"),
]


def test_baseline_creates_an_annual_year_and_stores_confirmed_figures(laos):
    dry = _run("baseline", BASELINE_2560, dry_run=True)
    assert dry.years_to_create == [2560] and len(dry.creates) == 4
    assert db.session.get(FiscalYear, 2560) is None  # a dry run creates nothing, not even the year
    plan = _run("baseline", BASELINE_2560)
    assert not plan.errors
    fy = db.session.get(FiscalYear, 2560)
    assert fy.schedule == "annual" and len(fy.installments) == 1
    assert _amounts(2560) == {("S1", 2560, 1, "HOUSE_LAND"): 100050, ("S1", 2560, 1, "LOCAL_MAINT"): 20000,
                              ("S1", 2560, 1, "SIGNBOARD"): 3025, ("P1", 2560, 1, "PAO_OIL"): 500000000}
    assert _statuses() == {("S1", 2560, 1): "confirmed", ("P1", 2560, 1): "confirmed"}


def test_import_is_audited_as_one_event_with_the_files_hash_and_row_count(laos):
    data = csv_bytes(BASELINE_COLUMNS, BASELINE_2560)
    _run("baseline", None, data=data)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "baseline_import")).all()
    assert len(events) == 1
    event = events[0]
    assert event.object_id == Upload("x", data).sha256 and event.new_values["sha256"] == event.object_id
    assert event.new_values["rows"] == 4 and event.new_values["entries_created"] == 4
    assert event.new_values["years_created"] == [2560] and event.new_values["total"] == "5001230.75"


def test_reimporting_the_same_baseline_changes_nothing(laos):
    _run("baseline", BASELINE_2560)
    before = (_amounts(), _statuses(), audit_count())
    plan = _run("baseline", BASELINE_2560)
    assert not plan.has_changes and plan.unchanged == 4
    assert (_amounts(), _statuses(), audit_count()) == before


def test_baseline_goes_into_an_existing_annual_year_only_once_it_has_ended(laos):
    years.create_year(None, None, 2571, "annual")
    years.create_year(None, None, 2568, "annual")
    db.session.commit()
    plan = _run("baseline", [("2571", "S1", "SIGNBOARD", "1"), ("2568", "S1", "SIGNBOARD", "1")])
    assert [(e.line, e.column) for e in plan.errors] == [(2, "fiscal_year")]
    assert "สิ้นสุดแล้ว" in str(plan.errors[0])
    plan = _run("baseline", [("2568", "S1", "SIGNBOARD", "7.00")])
    assert not plan.errors and plan.years_to_create == []
    assert _amounts() == {("S1", 2568, 1, "SIGNBOARD"): 700}


def test_baseline_changes_are_shown_old_to_new_and_audited(laos):
    _run("baseline", BASELINE_2560)
    changed = [*BASELINE_2560[:3], ("2560", "P1", "PAO_OIL", "5000001.00")]
    plan = _run("baseline", changed)
    assert [(c.lao_code, c.old_satang, c.satang) for c in plan.updates] == [("P1", 500000000, 500000100)]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "baseline_import")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.old_values == {"P1/2560/1/PAO_OIL": "5000000.00"}
    assert event.new_values["P1/2560/1/PAO_OIL"] == "5000001.00"


@pytest.mark.parametrize("row, column, words", [
    (("2570", "S1", "SIGNBOARD", "1"), "fiscal_year", "12 งวด"),            # a monthly year is no baseline
    (("2571", "S1", "SIGNBOARD", "1"), "fiscal_year", "สิ้นสุดแล้ว"),         # not over yet
    (("25x0", "S1", "SIGNBOARD", "1"), "fiscal_year", "พ.ศ."),
    (("2560", "NOPE", "SIGNBOARD", "1"), "lao_code", "NOPE"),
    (("2560", "S1", "LAND_BUILDING", "1"), "item_code", "LAND_BUILDING"),    # that tax starts in 2563
    (("2560", "S1", "PAO_OIL", "1"), "item_code", "ไม่ใช่รายได้"),            # a PAO item for an SAO
    (("2560", "S1", "SIGNBOARD", "12.345"), "amount", "ทศนิยม"),
    (("2560", "S1", "SIGNBOARD", "-5"), "amount", "ติดลบ"),
    (("2560", "S1", "SIGNBOARD", "1e5"), "amount", "รูปแบบ"),
    (("2560", "S1", "SIGNBOARD", ""), "amount", "กรุณากรอก"),
    (("2560", "S1", "SIGNBOARD", "20000000000"), "amount", "เพดาน"),
])
def test_baseline_bad_rows(laos, row, column, words):
    plan = _run("baseline", [BASELINE_2560[0], row])
    assert [(e.line, e.column) for e in plan.errors] == [(3, column)]
    assert words in str(plan.errors[0])
    assert _amounts() == {} and audit_count() == 0
    assert db.session.get(FiscalYear, 2560) is None


ENTRIES = [
    ("2570", "S1", "1", "LAND_BUILDING", "1234.50"),
    ("2570", "S1", "1", "SIGNBOARD", "100"),
    ("2570", "P1", "1", "PAO_OIL", "1,000,000"),
    ("2570", "P1", "1", "PAO_TOBACCO", "0"),
    ("2570", "P1", "1", "PAO_HOTEL", "5.5"),
]


def test_entries_are_stored_as_recorded(laos):
    plan = _run("entries", ENTRIES)
    assert not plan.errors and len(plan.creates) == 5
    assert _statuses() == {("S1", 2570, 1): "recorded", ("P1", 2570, 1): "recorded"}
    assert _amounts()[("P1", 2570, 1, "PAO_HOTEL")] == 550
    assert audit_count("entries_import") == 1


def test_entries_with_confirm_are_stored_as_confirmed(laos):
    _run("entries", ENTRIES)
    plan = _run("entries", ENTRIES, confirm=True)
    assert plan.unchanged == 5 and len(plan.reports) == 2  # same figures, now confirmed
    report = db.session.scalar(select(InstallmentReport).join(Lao).where(Lao.code == "S1"))
    assert report.status == "confirmed" and report.confirmed_at is not None and report.version == 2


def test_confirmed_figures_cannot_change_without_confirm(laos):
    _run("entries", ENTRIES, confirm=True)
    same = _run("entries", ENTRIES)
    assert not same.errors and not same.has_changes  # equal figures: nothing to do, no refusal
    changed = [*ENTRIES[:1], ("2570", "S1", "1", "SIGNBOARD", "101")]
    plan = _run("entries", changed)
    assert [(e.line, e.column) for e in plan.errors] == [(3, "amount")]
    assert "ยืนยันข้อมูลแล้ว" in str(plan.errors[0])
    assert _amounts()[("S1", 2570, 1, "SIGNBOARD")] == 10000
    by_admin = _run("entries", changed, confirm=True)
    assert not by_admin.errors and _amounts()[("S1", 2570, 1, "SIGNBOARD")] == 10100


@pytest.mark.parametrize("row, column, words", [
    (("2570", "S1", "2", "SIGNBOARD", "1"), "installment", "ยังไม่สิ้นสุด"),   # November 2026 is not over
    (("2570", "S1", "13", "SIGNBOARD", "1"), "installment", "ไม่มีงวดที่ 13"),
    (("2575", "S1", "1", "SIGNBOARD", "1"), "fiscal_year", "ไม่พบปีงบประมาณ 2575"),
    (("2570", "S1", "x", "SIGNBOARD", "1"), "installment", "ตัวเลข"),
    (("2570", "S1", "1", "HOUSE_LAND", "1"), "item_code", "HOUSE_LAND"),     # gone since 2563
    (("2570", "S1", "1", "SIGNBOARD", "1"), "item_code", "ซ้ำกับบรรทัดที่ 3"),
])
def test_entries_bad_rows(laos, row, column, words):
    plan = _run("entries", [*ENTRIES[:2], row])
    assert [(e.line, e.column) for e in plan.errors] == [(4, column)], plan.errors
    assert words in str(plan.errors[0])
    assert _amounts() == {}


def test_an_installment_needs_every_item_like_the_entry_form(laos):
    plan = _run("entries", [ENTRIES[0]])
    assert [(e.line, e.column) for e in plan.errors] == [(2, "item_code")]
    assert "SIGNBOARD" in str(plan.errors[0])


def test_item_switched_off_for_the_year_is_refused(laos):
    years.set_item_activations(None, None, 2570, {("SIGNBOARD", "SAO"): False})
    db.session.commit()
    plan = _run("entries", [ENTRIES[0], ENTRIES[1]])
    assert [(e.line, e.column) for e in plan.errors] == [(3, "item_code")]
    assert not _run("entries", [ENTRIES[0]]).errors  # and the SAO's installment is complete without it


def test_one_bad_row_among_a_thousand_changes_nothing_and_names_the_row(laos):
    province_id, district_id = db.session.execute(select(Lao.province_id, Lao.district_id)
                                                  .where(Lao.code == "S1")).one()
    db.session.execute(insert(Lao.__table__), [
        {"code": f"B{i:04d}", "name_th": f"อบต.{i}", "name_en": "", "lao_type": "SAO", "municipality_class": None,
         "province_id": province_id, "district_id": district_id, "active": True} for i in range(500)])
    db.session.commit()
    rows = [("2570", f"B{i:04d}", "1", item, f"{i}.{i % 100:02d}") for i in range(500)
            for item in ("LAND_BUILDING", "SIGNBOARD")]
    rows[777] = (*rows[777][:4], "12,34.00")
    plan = _run("entries", rows)
    assert [(e.line, e.column) for e in plan.errors] == [(779, "amount")]
    assert _amounts() == {} and _statuses() == {} and audit_count() == 0
    rows[777] = (*rows[777][:4], "1234.00")
    assert not _run("entries", rows).errors
    assert db.session.scalar(select(func.count(Entry.id))) == 1000


def test_xlsx_numbers_are_read_as_typed_never_as_floats(laos):
    rows = [(2570, "S1", 1, "LAND_BUILDING", 1234567.89), (2570, "S1", 1, "SIGNBOARD", 0.1)]
    plan = _run("entries", None, name="figures.xlsx", data=xlsx_bytes(ENTRY_COLUMNS, rows))
    assert not plan.errors
    assert _amounts()[("S1", 2570, 1, "LAND_BUILDING")] == 123456789
    assert _amounts()[("S1", 2570, 1, "SIGNBOARD")] == 10
    # a number with a third decimal is refused, never rounded to the satang behind the user's back
    bad = _run("entries", None, name="figures.xlsx",
               data=xlsx_bytes(ENTRY_COLUMNS, [rows[0], (2570, "S1", 1, "SIGNBOARD", 12.345)]))
    assert [(e.line, e.column) for e in bad.errors] == [(3, "amount")] and "ทศนิยม" in str(bad.errors[0])


def test_cli_imports_baseline_and_confirmed_entries(app, runner, tmp_path, laos):
    base = tmp_path / "base.csv"
    base.write_bytes(csv_bytes(BASELINE_COLUMNS, BASELINE_2560))
    result = runner.invoke(args=["import", "baseline", str(base)])
    assert result.exit_code == 0, result.output
    assert "did create 4" in result.output and "[2560]" in result.output
    entries = tmp_path / "entries.csv"
    entries.write_bytes(csv_bytes(ENTRY_COLUMNS, ENTRIES))
    dry = runner.invoke(args=["import", "entries", str(entries), "--confirm", "--dry-run"])
    assert dry.exit_code == 0 and "would create 5" in dry.output
    result = runner.invoke(args=["import", "entries", str(entries), "--confirm"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert _statuses()[("P1", 2570, 1)] == "confirmed"


def test_web_figures_import_dry_run_then_apply(app, admin_client):
    with app.app_context():
        f.fiscal_year(2570)
        f.lao("SAO", "50", code="S1")
        f.lao("PAO", "50", code="P1")
        db.session.commit()
    response = upload(admin_client, "/admin/import", csv_bytes(ENTRY_COLUMNS, ENTRIES), "entries.csv",
                      kind="entries", confirm="y")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-testid="count-created">5<' in html
    assert "1,001,340.00" in html  # the file's total
    with app.app_context():
        assert _amounts() == {}
    fields = hidden_fields(html, "apply-")
    assert fields["apply-kind"] == "entries" and fields["apply-confirm"] == "1"
    applied = admin_client.post("/admin/import", data=fields)
    assert applied.status_code == 302
    with app.app_context():
        assert _statuses() == {("S1", 2570, 1): "confirmed", ("P1", 2570, 1): "confirmed"}
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entries_import"))
        assert event.username == "admin" and event.new_values["confirmed"] is True


def test_web_figures_import_lists_bad_rows(app, admin_client):
    with app.app_context():
        f.fiscal_year(2570)
        f.lao("SAO", "50", code="S1")
        db.session.commit()
    response = upload(admin_client, "/admin/import",
                      csv_bytes(ENTRY_COLUMNS, [ENTRIES[0], ("2570", "S1", "1", "SIGNBOARD", "abc")]), "e.csv",
                      kind="entries")
    html = response.get_data(as_text=True)
    assert "รูปแบบจำนวนเงินไม่ถูกต้อง" in html and 'data-testid="apply-form"' not in html
