"""The LAO register: import from CSV/XLSX (dry run, all or nothing, idempotent), list, form, deactivation."""

from pathlib import Path

from sqlalchemy import func, select

from app import db
from app.admin import imports
from app.admin.imports import Upload
from app.models import AuditEvent, Entry, Lao
from tests import factories as f
from tests.admin.conftest import LAO_HEADER, audit_count, csv_bytes, hidden_fields, upload, xlsx_bytes
from tests.conftest import post_form

GOOD = [
    ("1500000", "อบจ.เชียงใหม่", "Chiang Mai PAO", "PAO", "", "50", "5001"),
    ("2500101", "เทศบาลนครเชียงใหม่", "Chiang Mai City Municipality", "MUNICIPALITY", "city", "50", "5001"),
    ("5500201", "อบต.แม่ริมทดสอบ", "Test SAO", "SAO", "", "50", "5002"),
]


def _file(rows, name="laos.csv") -> Upload:
    return Upload(name, csv_bytes(LAO_HEADER, rows))


def _lao_count() -> int:
    return db.session.scalar(select(func.count(Lao.id)))


def test_dry_run_shows_what_would_be_created_and_writes_nothing(ctx):
    plan = imports.import_laos(None, None, _file(GOOD), dry_run=True)
    db.session.commit()
    assert not plan.errors
    assert [c.code for c in plan.creates] == ["1500000", "2500101", "5500201"]
    assert _lao_count() == 0 and audit_count() == 0


def test_real_run_creates_the_laos_and_one_audit_event_with_the_files_hash(ctx):
    file = _file(GOOD)
    plan = imports.import_laos(None, None, file, dry_run=False)
    db.session.commit()
    assert len(plan.creates) == 3
    city = db.session.scalar(select(Lao).where(Lao.code == "2500101"))
    assert (city.lao_type, city.municipality_class, city.province.code, city.district.code, city.active) == (
        "MUNICIPALITY", "city", "50", "5001", True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "lao_import"))
    assert event.object_id == file.sha256
    assert event.new_values["rows"] == 3 and event.new_values["created"] == 3
    assert event.new_values["created_codes"] == ["1500000", "2500101", "5500201"]


def test_the_same_file_twice_changes_nothing(ctx):
    imports.import_laos(None, None, _file(GOOD), dry_run=False)
    db.session.commit()
    before = db.session.execute(select(Lao.code, Lao.name_th, Lao.district_id).order_by(Lao.code)).all()
    plan = imports.import_laos(None, None, _file(GOOD), dry_run=False)
    db.session.commit()
    assert not plan.has_changes and plan.unchanged == 3
    assert db.session.execute(select(Lao.code, Lao.name_th, Lao.district_id).order_by(Lao.code)).all() == before
    assert audit_count("lao_import") == 1


def test_a_changed_row_updates_the_lao_and_the_audit_shows_old_and_new(ctx):
    imports.import_laos(None, None, _file(GOOD), dry_run=False)
    db.session.commit()
    moved = [*GOOD[:2], ("5500201", "อบต.แม่ริมใหม่", "Test SAO", "SAO", "", "50", "5003")]
    plan = imports.import_laos(None, None, _file(moved), dry_run=True)
    assert [(c.code, c.old, c.new) for c in plan.updates] == [
        ("5500201", {"name_th": "อบต.แม่ริมทดสอบ", "district": "5002"}, {"name_th": "อบต.แม่ริมใหม่", "district": "5003"})]
    imports.import_laos(None, None, _file(moved), dry_run=False)
    db.session.commit()
    sao = db.session.scalar(select(Lao).where(Lao.code == "5500201"))
    assert sao.name_th == "อบต.แม่ริมใหม่" and sao.district.code == "5003"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "lao_import")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.old_values == {"5500201.name_th": "อบต.แม่ริมทดสอบ", "5500201.district": "5002"}
    assert event.new_values["5500201.district"] == "5003" and event.new_values["changed"] == 1


def test_every_kind_of_bad_row_is_named_by_line_and_column(ctx):
    f.lao("PAO", "57", code="1570000", name_th="อบจ.เชียงราย")
    db.session.commit()
    rows = [
        GOOD[0],                                                                   # line 2: fine
        ("9000001", "อบต.ก", "", "SAO", "", "99", "5001"),                          # 3: unknown province
        ("9000002", "อบต.ข", "", "SAO", "", "50", "5701"),                          # 4: district of Chiang Rai
        ("1500000", "อบจ.ซ้ำ", "", "PAO", "", "50", "5001"),                        # 5: duplicate code
        ("1500001", "อบจ.ที่สอง", "", "PAO", "", "50", "5002"),                     # 6: second PAO in the file
        ("1570001", "อบจ.เชียงรายใหม่", "", "PAO", "", "57", "5701"),               # 7: province already has one
        ("9000003", "อบต.ค", "", "XYZ", "", "50", "5001"),                          # 8: bad type
        ("9000004", "เทศบาลง", "", "MUNICIPALITY", "", "50", "5001"),               # 9: municipality without class
        ("9000005", "", "", "SAO", "", "50", "5001"),                               # 10: no Thai name
    ]
    plan = imports.import_laos(None, None, _file(rows), dry_run=False)
    db.session.rollback()
    found = {(e.line, e.column) for e in plan.errors}
    assert found == {(3, "province_code"), (4, "district_code"), (5, "lao_code"), (6, "lao_type"), (7, "lao_type"),
                     (8, "lao_type"), (9, "municipality_class"), (10, "name_th")}
    text = {e.line: str(e) for e in plan.errors}
    assert "99" in text[3] and "ไม่พบรหัสจังหวัด" in text[3]
    assert "ไม่ได้อยู่ในจังหวัด" in text[4]
    assert "ซ้ำกับบรรทัดที่ 2" in text[5]
    assert "บรรทัดที่ 2" in text[6] and "1500000" in text[6]
    assert "1570000" in text[7] and "ในทะเบียน" in text[7]
    assert "PAO, MUNICIPALITY หรือ SAO" in text[8]
    assert _lao_count() == 1  # only the factory's PAO: nothing of the file was written


def test_one_bad_row_among_a_thousand_changes_nothing_and_names_the_row(ctx):
    rows = [(f"S{i:05d}", f"อบต.ทดสอบ{i}", f"SAO {i}", "SAO", "", "50", "5001") for i in range(1000)]
    rows[637] = ("S00637", "อบต.ทดสอบ637", "SAO 637", "SAO", "", "50", "9999")
    plan = imports.import_laos(None, None, _file(rows), dry_run=False)
    db.session.rollback()
    assert [(e.line, e.column) for e in plan.errors] == [(639, "district_code")]
    assert _lao_count() == 0 and audit_count() == 0


def test_a_row_that_does_not_line_up_with_the_header_changes_nothing_and_names_its_line(ctx):
    header = ",".join(LAO_HEADER).encode()
    good = "1500000,อบจ.เชียงใหม่,Chiang Mai PAO,PAO,,50,5001".encode()
    split_name = "5500201,อบต.แม่ริม,Mae Rim, Chiang Mai,SAO,,50,5002".encode()  # an unquoted comma in name_en
    short = "5500202,อบต.ริมใต้,,SAO,,50".encode()
    data = b"\r\n".join([header, good, split_name, short, b""])
    plan = imports.import_laos(None, None, Upload("laos.csv", data), dry_run=False)
    db.session.rollback()
    assert [(e.line, e.column) for e in plan.errors] == [(3, None), (4, None)]
    assert "8 ช่อง" in str(plan.errors[0]) and "6 ช่อง" in str(plan.errors[1])
    assert _lao_count() == 0 and audit_count() == 0
    quoted = data.replace(b"Mae Rim, Chiang Mai", b'"Mae Rim, Chiang Mai"').replace(b",50\r\n", b",50,5002\r\n")
    assert not imports.import_laos(None, None, Upload("laos.csv", quoted), dry_run=True).errors


def test_type_change_refused_for_an_lao_with_figures(ctx):
    fy = f.fiscal_year(2570)
    lao = f.lao("SAO", "50", code="5500201", district_code="5002")
    from app.models import RevenueItem
    item = db.session.scalar(select(RevenueItem).where(RevenueItem.code == "SIGNBOARD"))
    db.session.add(Entry(lao_id=lao.id, installment_id=fy.installments[0].id, item_id=item.id, amount_satang=100))
    db.session.commit()
    plan = imports.import_laos(None, None, _file([("5500201", lao.name_th, lao.name_en, "MUNICIPALITY", "town",
                                                   "50", "5002")]), dry_run=True)
    assert [(e.line, e.column) for e in plan.errors] == [(2, "lao_type")]
    assert "มีข้อมูลรายได้แล้ว" in str(plan.errors[0])


def test_xlsx_with_numeric_code_cells_imports_like_csv(ctx):
    rows = [(1500000, "อบจ.เชียงใหม่", "Chiang Mai PAO", "PAO", None, 50, 5001)]
    plan = imports.import_laos(None, None, Upload("laos.xlsx", xlsx_bytes(LAO_HEADER, rows)), dry_run=False)
    db.session.commit()
    assert not plan.errors
    assert db.session.scalar(select(Lao.code).where(Lao.lao_type == "PAO")) == "1500000"


def test_missing_column_is_refused_with_a_clear_message(ctx):
    from app.domain.errors import DomainError
    import pytest

    with pytest.raises(DomainError) as err:
        imports.import_laos(None, None, Upload("x.csv", b"lao_code,name_th\n1,a\n"), dry_run=True)
    assert "province_code" in str(err.value)


def test_cli_dry_run_then_real_run(app, runner, tmp_path):
    path = tmp_path / "laos.csv"
    path.write_bytes(csv_bytes(LAO_HEADER, GOOD))
    dry = runner.invoke(args=["import", "laos", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would create 3" in dry.output
    with app.app_context():
        assert _lao_count() == 0
    real = runner.invoke(args=["import", "laos", str(path)])
    assert real.exit_code == 0 and "did create 3" in real.output and "imported" in real.output
    again = runner.invoke(args=["import", "laos", str(path)])
    assert again.exit_code == 0 and "nothing to change" in again.output
    with app.app_context():
        assert _lao_count() == 3


def test_cli_bad_file_fails_naming_the_rows(app, runner, tmp_path):
    path = Path(tmp_path / "bad.csv")
    path.write_bytes(csv_bytes(LAO_HEADER, [GOOD[0], ("X1", "อบต.ก", "", "SAO", "", "99", "5001")]))
    result = runner.invoke(args=["import", "laos", str(path)])
    assert result.exit_code == 1
    assert "line 3, province_code" in result.output and "nothing was imported" in result.output
    with app.app_context():
        assert _lao_count() == 0


def test_web_import_dry_run_then_apply_the_file_kept_on_the_server(app, admin_client):
    response = upload(admin_client, "/admin/laos/import", csv_bytes(LAO_HEADER, GOOD), "laos.csv")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "ผลการตรวจสอบ (ยังไม่บันทึก)" in html
    assert 'data-testid="count-created">3<' in html
    with app.app_context():
        assert _lao_count() == 0
    fields = hidden_fields(html, "apply-")
    assert set(fields) >= {"apply-sha256", "apply-filename", "apply-csrf_token"}
    assert "lao_code" not in "".join(fields.values())  # the data stays on the server, never in the page
    applied = admin_client.post("/admin/laos/import", data=fields)
    assert applied.status_code == 302 and applied.location.endswith("/admin/laos")
    with app.app_context():
        assert _lao_count() == 3
    # the staged file is gone once applied: a second click cannot apply it again
    again = admin_client.post("/admin/laos/import", data=fields, follow_redirects=True)
    assert "ไม่พบแฟ้มที่ตรวจสอบไว้" in again.get_data(as_text=True)


def test_web_import_shows_bad_rows_and_offers_no_apply_button(app, admin_client):
    response = upload(admin_client, "/admin/laos/import",
                      csv_bytes(LAO_HEADER, [GOOD[0], ("X1", "อบต.ก", "", "SAO", "", "50", "5701")]), "laos.csv")
    html = response.get_data(as_text=True)
    assert 'data-testid="import-errors"' in html and "ไม่ได้อยู่ในจังหวัด" in html
    assert 'data-testid="apply-form"' not in html


def test_web_refuses_a_tampered_sha(app, admin_client):
    page = admin_client.get("/admin/laos/import").get_data(as_text=True)
    from tests.conftest import csrf_from

    token = csrf_from(page)
    response = admin_client.post("/admin/laos/import", data={
        "apply-sha256": "0" * 64, "apply-filename": "x.csv", "apply-csrf_token": token}, follow_redirects=True)
    assert "ไม่พบแฟ้มที่ตรวจสอบไว้" in response.get_data(as_text=True)


def test_register_list_searches_filters_and_paginates(app, admin_client):
    with app.app_context():
        for i in range(60):
            f.lao("SAO", "50", code=f"S{i:03d}", name_th=f"อบต.หนองบัว{i}")
        f.lao("MUNICIPALITY", "57", code="M001", name_th="เทศบาลตำบลเวียง")
        f.lao("SAO", "50", code="OFF01", name_th="อบต.ปิดแล้ว", active=False)
        db.session.commit()
    first = admin_client.get("/admin/laos").get_data(as_text=True)
    assert "แสดง 1–50 จาก 62 รายการ" in first
    second = admin_client.get("/admin/laos?page=2").get_data(as_text=True)
    assert "แสดง 51–62 จาก 62 รายการ" in second
    assert "เทศบาลตำบลเวียง" in admin_client.get("/admin/laos?q=เวียง").get_data(as_text=True)
    assert "จาก 1 รายการ" in admin_client.get("/admin/laos?q=m001").get_data(as_text=True)
    by_type = admin_client.get("/admin/laos?lao_type=MUNICIPALITY&province=57").get_data(as_text=True)
    assert "M001" in by_type and "S001" not in by_type
    inactive = admin_client.get("/admin/laos?active=0").get_data(as_text=True)
    assert "OFF01" in inactive and "จาก 1 รายการ" in inactive


def test_form_creates_an_lao_and_refuses_a_district_of_another_province(app, admin_client):
    data = {"code": "5500999", "name_th": "อบต.ใหม่", "name_en": "New SAO", "lao_type": "SAO",
            "municipality_class": "", "province": "50", "district": "5701"}
    bad = post_form(admin_client, "/admin/laos/new", data)
    assert bad.status_code == 200 and "ไม่ได้อยู่ในจังหวัด" in bad.get_data(as_text=True)
    with app.app_context():
        assert _lao_count() == 0
    good = post_form(admin_client, "/admin/laos/new", {**data, "district": "5002"})
    assert good.status_code == 302
    with app.app_context():
        lao = db.session.scalar(select(Lao).where(Lao.code == "5500999"))
        assert lao.district.code == "5002"
        assert audit_count("lao_created") == 1


def test_form_refuses_a_second_pao(app, admin_client):
    with app.app_context():
        f.lao("PAO", "50", code="1500000")
        db.session.commit()
    response = post_form(admin_client, "/admin/laos/new", {
        "code": "1500001", "name_th": "อบจ.ซ้ำ", "lao_type": "PAO", "province": "50", "district": "5001"})
    assert "มี อบจ. ในทะเบียนอยู่แล้ว" in response.get_data(as_text=True)


def test_edit_keeps_the_code_and_deactivation_never_deletes(app, admin_client):
    with app.app_context():
        f.lao("SAO", "50", code="5500201", name_th="อบต.เดิม", district_code="5002")
        db.session.commit()
    response = post_form(admin_client, "/admin/laos/5500201", {
        "code": "HACKED", "name_th": "อบต.ชื่อใหม่", "lao_type": "SAO", "province": "50", "district": "5002"})
    assert response.status_code == 302
    deact = post_form(admin_client, "/admin/laos/5500201/active", {"active": "0"}, page_url="/admin/laos/5500201")
    assert deact.status_code == 302
    with app.app_context():
        lao = db.session.scalar(select(Lao).where(Lao.code == "5500201"))
        assert lao.name_th == "อบต.ชื่อใหม่" and lao.active is False
        assert audit_count("lao_updated") == 1 and audit_count("lao_deactivated") == 1


def test_admin_pages_are_refused_to_other_roles(app, client):
    from tests.conftest import login

    with app.app_context():
        f.user("national", "national_viewer")
        db.session.commit()
    login(client, "national", f.PASSWORD)
    for url in ("/admin/", "/admin/laos", "/admin/laos/import", "/admin/years", "/admin/users", "/admin/import"):
        assert client.get(url).status_code == 403, url
    assert client.get("/admin/audit").status_code == 200
