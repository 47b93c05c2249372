"""The entry pages: home overview, the form and its refusals, detail, history and print, by role."""

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import db
from app.auth.loaders import installment_or_404
from app.models import AuditEvent, Entry, InstallmentReport
from app.verify.operations import review_installments
from tests import factories as f
from tests.conftest import csrf_from, login, post_form
from tests.entry.conftest import lao, put_figures, record, snapshot, stored_amounts, user

EDIT = "/entry/OWN01/2570/1"


def logged_in(app, username):
    """A test client logged in as `username`."""
    client = app.test_client()
    assert login(client, username, f.PASSWORD).status_code == 302
    return client


def text_of_html(html: str) -> str:
    """HTML as text with tags stripped and spaces collapsed (for phrase checks)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def text_of(resp) -> str:
    """The response body as text (see text_of_html)."""
    return text_of_html(resp.get_data(as_text=True))


def form_data(**overrides) -> dict:
    """A complete valid entry form for an SAO in FY2570."""
    data = {
        "version": "0",
        "amount_LAND_BUILDING": "1,000.00",
        "amount_SIGNBOARD": "300",
        "explain_LAND_BUILDING": "",
        "explain_SIGNBOARD": "",
        "recorder_name": "สมชาย ใจดี",
        "recorder_position": "นักวิชาการจัดเก็บรายได้",
        "recorder_phone": "053-111111",
        "certify": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def officer(app, world):
    """OWN01's officer, logged in."""
    return logged_in(app, "officer")


# ---------------------------------------------------------------- home

def test_home_lists_installments_with_thai_period_deadline_status_and_lateness(app, officer):
    with app.app_context():
        put_figures("OWN01", 2570, 1, {"LAND_BUILDING": "1234.5", "SIGNBOARD": "100"},
                    recorded_at=datetime(2026, 11, 22, 2, 0))  # 22 Nov local: 2 days late
        db.session.commit()
    resp = officer.get("/entry/")
    assert resp.status_code == 200
    text = text_of(resp)
    assert "อบต.บ้านเรา" in text
    assert "งวดที่ 1 ต.ค. 2569" in text and "งวดที่ 12 ก.ย. 2570" in text
    assert "20 พ.ย. 2569" in text  # entry deadline of installment 1
    assert "บันทึกแล้ว" in text and "ยังไม่บันทึก" in text
    assert "ล่าช้า 2 วัน" in text
    assert "1,234.50" in text and "1,334.50" in text
    assert "ภาษีที่ดินและสิ่งปลูกสร้าง" in text and "ภาษีป้าย" in text
    assert "เปิดบันทึก 1 ธ.ค. 2569" in text  # installment 2 is still running


def test_home_marks_missing_installment_late_after_its_deadline(app, officer):
    text = text_of(officer.get("/entry/"))
    # installment 1 closed, deadline 20 Nov 2026, today 21 Nov 2026: one day late and still missing
    assert "ล่าช้า 1 วัน" in text


def test_home_summary_compares_year_to_date_with_same_period_and_full_prior_year(app, officer):
    with app.app_context():
        put_figures("OWN01", 2569, 1, {"LAND_BUILDING": "800", "SIGNBOARD": "200"})
        put_figures("OWN01", 2569, 2, {"LAND_BUILDING": "1000", "SIGNBOARD": "0"})
        put_figures("OWN01", 2570, 1, {"LAND_BUILDING": "1000", "SIGNBOARD": "100"})
        db.session.commit()
    html = officer.get("/entry/").get_data(as_text=True)
    summary = html[html.index('data-testid="summary"'):]
    rows = {m.group(1): text_of_html(m.group(2))
            for m in re.finditer(r'data-code="(\w+)">(.*?)</tr>', summary, re.S)}
    # year to date 1,000 vs same period (Oct 2025) 800 = +25.00%; against the full year 1,800 (the target)
    # it has reached 1,000 / 1,800 x 100 = 55.555... -> 55.56 % (progress, not a change)
    assert "1,000.00 800.00 25.00 1,800.00 ถึงร้อยละ 55.56 ของเป้าหมาย" in rows["LAND_BUILDING"]
    assert "100.00 200.00 -50.00 200.00 ถึงร้อยละ 50.00 ของเป้าหมาย" in rows["SIGNBOARD"]
    assert "1,100.00 1,000.00 10.00 2,000.00 ถึงร้อยละ 55.00 ของเป้าหมาย" in rows["TOTAL"]
    assert "เทียบเป้าหมาย (ร้อยละ)" not in html
    assert "ต.ค. 2568" in text_of(officer.get("/entry/"))  # the prior period is named


def test_home_year_selector_lists_years_and_switches(app, officer):
    resp = officer.get("/entry/")
    html = resp.get_data(as_text=True)
    assert '<option value="2570" selected>' in html and '<option value="2569">' in html
    assert "งวดที่ 1 ต.ค. 2568" in text_of(officer.get("/entry/?year=2569"))
    assert officer.get("/entry/?year=2400").status_code == 404


def test_home_without_fiscal_years_says_so(app):
    with app.app_context():
        own = f.lao("SAO", "50", code="SOLO")
        f.user("solo", "lao_officer", lao_obj=own)
        db.session.commit()
    client = logged_in(app, "solo")
    resp = client.get("/entry/")
    assert resp.status_code == 200 and "ยังไม่มีปีงบประมาณ" in text_of(resp)


@pytest.mark.parametrize("username", ["verifier", "national", "admin"])
def test_home_is_for_lao_officers_only(app, world, username):
    assert logged_in(app, username).get("/entry/").status_code == 403


# ---------------------------------------------------------------- the form

def test_form_shows_items_in_thai_and_english_prior_year_and_prefilled_certification(app, officer):
    with app.app_context():
        put_figures("OWN01", 2569, 1, {"LAND_BUILDING": "777.25", "SIGNBOARD": "12"})
        db.session.commit()
    resp = officer.get(EDIT)
    html = resp.get_data(as_text=True)
    text = text_of(resp)
    assert resp.status_code == 200
    assert "ภาษีที่ดินและสิ่งปลูกสร้าง" in text and "Land and building tax" in text
    assert "ภาษีป้าย" in text and "Signboard tax" in text
    assert "ภาษีโรงเรือนและที่ดิน" not in text  # ended in FY2562
    assert "777.25" in text and 'data-prior="777.25"' in html
    assert 'value="สมชาย ใจดี"' in html and 'value="นักวิชาการจัดเก็บรายได้"' in html and 'value="053-111111"' in html
    assert re.search(r'name="version" type="hidden" value="0"', html)
    assert 'name="certify"' in html
    assert "entry.js" in html


def test_saving_records_and_returns_home_with_a_message(app, officer):
    resp = post_form(officer, EDIT, form_data(amount_LAND_BUILDING=" ๑,๒๓๔.๕๐ "))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/entry/?year=2570")
    home = officer.get(resp.headers["Location"])
    text = text_of(home)
    assert "บันทึกข้อมูลงวดที่ 1 เรียบร้อยแล้ว (บันทึกหลังกำหนด 1 วัน)" in text
    assert "บันทึกแล้ว" in text and "1,534.50" in text
    with app.app_context():
        assert stored_amounts() == {"LAND_BUILDING": 123450, "SIGNBOARD": 30000}
        report = db.session.scalar(select(InstallmentReport))
        assert report.recorded_late and report.recorder_name == "สมชาย ใจดี"
        event = db.session.scalar(select(AuditEvent))
        assert event.username == "officer" and event.ip == "127.0.0.1"


@pytest.mark.parametrize("text, message", [
    ("-1", "จำนวนเงินต้องไม่ติดลบ"),
    ("1.005", "ทศนิยมได้ไม่เกิน 2 ตำแหน่ง"),
    ("สามร้อย", "รูปแบบจำนวนเงินไม่ถูกต้อง"),
    ("nan", "รูปแบบจำนวนเงินไม่ถูกต้อง"),
    ("1e3", "รูปแบบจำนวนเงินไม่ถูกต้อง"),
    ("", "ถ้าไม่มีรายได้ให้กรอก 0"),
    ("10,000,000,000.01", "เกินเพดาน"),
])
def test_bad_amount_is_shown_next_to_the_field_and_nothing_is_saved(app, officer, text, message):
    with app.app_context():
        before = snapshot()
    resp = post_form(officer, EDIT, form_data(amount_SIGNBOARD=text))
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    error = re.search(r'data-testid="error-SIGNBOARD">([^<]*)<', html)
    assert error and message in error.group(1)
    assert 'value="1,000.00"' in html  # what the officer typed is kept
    assert "ยังไม่ได้บันทึก" in html
    with app.app_context():
        assert snapshot() == before


def test_ceiling_comes_from_config(app, officer):
    app.config["AMOUNT_CEILING"] = Decimal("500")
    try:
        resp = post_form(officer, EDIT, form_data())
        assert "เกินเพดาน" in text_of(resp) and "500.00" in text_of(resp)
    finally:
        app.config["AMOUNT_CEILING"] = Decimal("10000000000")


def test_certification_tick_is_required(app, officer):
    resp = post_form(officer, EDIT, form_data(certify=None, recorder_phone=""))
    text = text_of(resp)
    assert "กรุณายืนยันว่าข้อมูลถูกต้อง" in text and "กรุณากรอกหมายเลขโทรศัพท์" in text
    with app.app_context():
        assert stored_amounts() == {}


def test_typo_guard_warns_beside_the_field_then_saves_with_the_explanation(app, officer):
    with app.app_context():
        put_figures("OWN01", 2569, 1, {"LAND_BUILDING": "1000", "SIGNBOARD": "300"})
        db.session.commit()
    resp = post_form(officer, EDIT, form_data(amount_LAND_BUILDING="5000"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    warning = re.search(r'data-testid="warning-LAND_BUILDING"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert "สูงกว่างวดเดียวกันของปีก่อนเกิน 3 เท่า" in warning
    assert 'data-testid="error-explain-LAND_BUILDING"' in html
    assert re.search(r'data-testid="warning-SIGNBOARD"[^>]*hidden', html)
    with app.app_context():
        assert stored_amounts() == {}
    resp = post_form(officer, EDIT, form_data(amount_LAND_BUILDING="5000",
                                              explain_LAND_BUILDING="มีผู้ชำระภาษีค้างจากปีก่อน"))
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Entry.explanation).where(Entry.amount_satang == 500000)) == \
            "มีผู้ชำระภาษีค้างจากปีก่อน"
    detail = logged_in(app, "verifier").get("/entry/OWN01/2570/1/view")
    assert "มีผู้ชำระภาษีค้างจากปีก่อน" in text_of(detail)
    assert "สูงกว่างวดเดียวกันของปีก่อนเกิน 3 เท่า" in text_of(detail)


def test_installment_not_yet_ended_says_when_it_opens_and_refuses_a_post(app, officer):
    resp = officer.get("/entry/OWN01/2570/2")
    assert resp.status_code == 200
    assert "เปิดให้บันทึกได้ตั้งแต่วันที่ 1 ธ.ค. 2569" in text_of(resp)
    assert 'name="amount_SIGNBOARD"' not in resp.get_data(as_text=True)
    resp = post_form(officer, "/entry/OWN01/2570/2", form_data(), page_url="/entry/")
    assert resp.status_code == 409
    with app.app_context():
        assert stored_amounts(number=2) == {}


def test_confirmed_installment_is_read_only_and_a_post_is_refused(app, officer):
    with app.app_context():
        put_figures("OWN01", 2570, 1, {"LAND_BUILDING": "10", "SIGNBOARD": "1"}, status="confirmed",
                    confirmed_at=datetime(2026, 11, 21, 3, 0), confirmer_name="ผู้ตรวจ")
        db.session.commit()
        before = snapshot()
    resp = officer.get(EDIT)
    html = resp.get_data(as_text=True)
    assert 'data-testid="locked"' in html and "ยกเลิกการยืนยันได้" in text_of(resp)
    assert 'name="amount_SIGNBOARD"' not in html and "10.00" in html
    resp = post_form(officer, EDIT, form_data(version="1"), page_url="/entry/")
    assert resp.status_code == 409 and "ยืนยันข้อมูลแล้ว" in text_of(resp)
    with app.app_context():
        assert snapshot() == before


def test_returned_installment_shows_the_reason_at_the_top(app, officer):
    with app.app_context():
        record()
        db.session.commit()
        review_installments(user("verifier"), "10.1.1.1", installment_or_404(2570, 1), {lao("OWN01").id: 1},
                            "return", reason="ภาษีป้ายไม่ตรงกับทะเบียน", position="จพง.", phone="053",
                            today=date(2026, 11, 21))
        db.session.commit()
    resp = officer.get(EDIT)
    html = resp.get_data(as_text=True)
    assert "ส่งกลับแก้ไข" in text_of(resp)
    assert html.index('data-testid="review-note"') < html.index("ภาษีป้ายไม่ตรงกับทะเบียน") < \
        html.index('id="entry-form"')
    # once the LAO records again, the answered reason is no longer shown on the form
    resp = post_form(officer, EDIT, form_data(version="2"))
    assert resp.status_code == 302
    assert "ภาษีป้ายไม่ตรงกับทะเบียน" not in officer.get(EDIT).get_data(as_text=True)


def test_unconfirmed_installment_shows_the_reason(app, officer):
    with app.app_context():
        record()
        db.session.commit()
        inst = installment_or_404(2570, 1)
        for action, version, reason in (("confirm", 1, None), ("unconfirm", 2, "พบยอดซ้ำ")):
            review_installments(user("verifier"), "10.1.1.1", inst, {lao("OWN01").id: version}, action,
                                reason=reason, position="จพง.", phone="053",
                                today=date(2026, 11, 21))
            db.session.commit()
    text = text_of(officer.get(EDIT))
    assert "สถจ. ยกเลิกการยืนยันข้อมูล" in text and "พบยอดซ้ำ" in text


def test_second_save_on_a_stale_page_is_refused_with_the_current_figures_and_keeps_the_input(app, world):
    first, second = logged_in(app, "officer"), logged_in(app, "officer2")
    page_a = first.get(EDIT).get_data(as_text=True)
    page_b = second.get(EDIT).get_data(as_text=True)
    resp = first.post(EDIT, data={**form_data(amount_LAND_BUILDING="1111"), "csrf_token": csrf_from(page_a)})
    assert resp.status_code == 302
    resp = second.post(EDIT, data={**form_data(amount_LAND_BUILDING="2222"), "csrf_token": csrf_from(page_b)})
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    current = html[html.index('data-testid="conflict"'):html.index('id="entry-form"')]
    assert "1,111.00" in current and "ถูกแก้ไขโดยผู้อื่น" in html
    assert 'value="2222"' in html  # nothing typed is lost
    assert re.search(r'name="version"[^>]*value="1"', html)  # a second click knowingly replaces
    with app.app_context():
        assert stored_amounts()["LAND_BUILDING"] == 111100
    resp = second.post(EDIT, data={**form_data(amount_LAND_BUILDING="2222", version="1"),
                                   "csrf_token": csrf_from(html)})
    assert resp.status_code == 302
    with app.app_context():
        assert stored_amounts()["LAND_BUILDING"] == 222200


def test_missing_or_garbage_version_is_a_conflict(app, officer):
    resp = post_form(officer, EDIT, form_data(version="abc"))
    assert resp.status_code == 409
    with app.app_context():
        assert stored_amounts() == {}


# ---------------------------------------------------------------- scope and roles

@pytest.mark.parametrize("url", [EDIT, EDIT + "/view", EDIT + "/history", EDIT + "/print"])
def test_another_lao_s_officer_gets_404(app, world, url):
    client = logged_in(app, "nextofficer")
    assert client.get(url).status_code == 404
    assert client.get(url.replace("OWN01", "NOPE99")).status_code == 404


def test_posting_into_another_lao_is_404_and_saves_nothing(app, world):
    client = logged_in(app, "nextofficer")
    resp = post_form(client, EDIT, form_data(), page_url="/entry/")
    assert resp.status_code == 404
    with app.app_context():
        assert stored_amounts() == {}


def test_unknown_installment_is_404(app, officer):
    assert officer.get("/entry/OWN01/2570/13").status_code == 404
    assert officer.get("/entry/OWN01/2400/1").status_code == 404


@pytest.mark.parametrize("username", ["verifier", "national", "admin"])
def test_other_roles_posting_get_403_and_nothing_is_saved(app, world, username):
    client = logged_in(app, username)
    resp = post_form(client, EDIT, form_data(), page_url=EDIT + "/view")
    assert resp.status_code == 403
    with app.app_context():
        assert stored_amounts() == {}
    # a GET of the form sends them to the read-only detail
    resp = client.get(EDIT)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(EDIT + "/view")


def test_other_province_verifier_gets_404(app, world):
    client = logged_in(app, "farverifier")
    for url in (EDIT + "/view", EDIT + "/history", EDIT + "/print"):
        assert client.get(url).status_code == 404


def test_anonymous_is_sent_to_login(app, world):
    client = app.test_client()
    for url in (EDIT, EDIT + "/view", EDIT + "/history", EDIT + "/print"):
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]


# ---------------------------------------------------------------- detail, history, print

def _recorded_twice(app):
    with app.app_context():
        record()
        db.session.commit()
        record(version=1, amounts={"LAND_BUILDING": "1500", "SIGNBOARD": "300"}, username="officer2")
        db.session.commit()


@pytest.mark.parametrize("username", ["officer", "verifier", "national", "admin"])
def test_history_shows_who_changed_what_and_when(app, world, username):
    _recorded_twice(app)
    resp = logged_in(app, username).get(EDIT + "/history")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    table = text_of_html(html[html.index('data-testid="history"'):])
    assert "สมศรี ขยัน" in table and "สมชาย ใจดี" in table
    assert "ภาษีที่ดินและสิ่งปลูกสร้าง 1,000.00 1,500.00" in table  # old -> new
    assert "ภาษีที่ดินและสิ่งปลูกสร้าง – 1,000.00" in table  # the first recording
    assert re.search(r"\d{1,2} (ม\.ค|ก\.พ|มี\.ค|เม\.ย|พ\.ค|มิ\.ย|ก\.ค|ส\.ค|ก\.ย|ต\.ค|พ\.ย|ธ\.ค)\. 25\d\d \d\d:\d\d", table)
    assert table.index("สมศรี ขยัน") < table.index("สมชาย ใจดี")  # newest first
    assert ("10.0.0.7" in html) == (username in ("national", "admin"))
    assert 'name="amount_' not in html  # read-only


@pytest.mark.parametrize("username", ["officer", "verifier", "national", "admin"])
def test_detail_is_readable_by_every_reader(app, world, username):
    _recorded_twice(app)
    resp = logged_in(app, username).get(EDIT + "/view")
    assert resp.status_code == 200
    text = text_of(resp)
    assert "1,500.00" in text and "1,800.00" in text and "บันทึกแล้ว" in text
    assert "สมชาย ใจดี" in text and "นักวิชาการ" in text


def test_print_page_is_standalone_a4_with_figures_recorder_and_status(app, world):
    _recorded_twice(app)
    resp = logged_in(app, "officer").get(EDIT + "/print")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    text = text_of(resp)
    assert "navbar" not in html and "ออกจากระบบ" not in html
    assert "entry.css" in html and "app.css" in html  # A4 page rules and the Sarabun font
    assert "แบบรับรองข้อมูลรายได้" in text and "อบต.บ้านเรา" in text
    assert "1,800.00" in text and "สมชาย ใจดี" in text and "บันทึกแล้ว" in text
    assert "1 ตุลาคม 2569 – 31 ตุลาคม 2569" in text


def test_print_of_an_unrecorded_installment_says_so(app, officer):
    resp = officer.get(EDIT + "/print")
    assert resp.status_code == 404 and "ยังไม่ได้บันทึกข้อมูลงวดนี้" in text_of(resp)


# ---------------------------------------------------------------- schedules and LAO types

def test_fy2560_circular_schedule_shows_the_five_month_first_installment(app, world):
    with app.app_context():
        f.fiscal_year(2560, "dla2560")
        db.session.commit()
    client = logged_in(app, "officer")
    text = text_of(client.get("/entry/?year=2560"))
    assert "งวดที่ 1 ต.ค. 2559 – ก.พ. 2560" in text and "งวดที่ 8 ก.ย. 2560" in text
    assert "20 มี.ค. 2560" in text  # installment 1's entry deadline
    # items of FY2560 for an SAO: the house-and-land and local maintenance taxes, not the 2563 tax
    assert "ภาษีโรงเรือนและที่ดิน" in text and "ภาษีบำรุงท้องที่" in text
    assert "ภาษีที่ดินและสิ่งปลูกสร้าง" not in text


def test_pao_form_has_the_three_pao_items(app, world):
    with app.app_context():
        pao = f.lao("PAO", "50", code="PAO50", name_th="อบจ.เชียงใหม่")
        f.user("paoofficer", "lao_officer", lao_obj=pao)
        db.session.commit()
    text = text_of(logged_in(app, "paoofficer").get("/entry/PAO50/2570/1"))
    for name in ("ภาษีน้ำมัน", "Oil and fuel tax", "ภาษียาสูบ", "ค่าธรรมเนียมจากผู้พักในโรงแรม"):
        assert name in text
    assert "ภาษีป้าย" not in text


def test_home_shows_returned_and_confirmed_statuses(app, officer):
    with app.app_context():
        put_figures("OWN01", 2569, 1, {"LAND_BUILDING": "1", "SIGNBOARD": "1"}, status="confirmed")
        put_figures("OWN01", 2569, 2, {"LAND_BUILDING": "1", "SIGNBOARD": "1"}, status="returned",
                    return_reason="ผิด")
        db.session.commit()
    html = officer.get("/entry/?year=2569").get_data(as_text=True)
    row1 = text_of_html(re.search(r'data-number="1".*?</tr>', html, re.S).group(0))
    row2 = text_of_html(re.search(r'data-number="2".*?</tr>', html, re.S).group(0))
    assert "ยืนยันแล้ว" in row1 and "ดู" in row1 and "แก้ไข" not in row1
    assert "ส่งกลับแก้ไข" in row2 and "แก้ไข" in row2
    # the reason and a link to fix it are on the home page, above the installments
    assert "เหตุผล: ผิด" in row2
    note = re.search(r'data-testid="returned" data-returned="2">(.*?)</a>', html, re.S)
    assert note and "งวดที่ 2" in note.group(1) and "เหตุผล: ผิด" in note.group(1)
    assert 'href="/entry/OWN01/2569/2"' in note.group(1)
    assert html.index('data-testid="returned"') < html.index('data-testid="installments"')


def test_home_progress_is_blank_without_a_prior_year_total(app, officer):
    with app.app_context():
        put_figures("OWN01", 2570, 1, {"LAND_BUILDING": "1000", "SIGNBOARD": "100"})
        db.session.commit()
    html = officer.get("/entry/").get_data(as_text=True)
    summary = html[html.index('data-testid="summary"'):]
    # FY2569 holds nothing for OWN01: no target, so no progress (never a division by zero)
    assert 'data-progress=""' in summary and "ถึงร้อยละ" not in summary


def test_verifier_sees_an_unrecorded_installment_as_not_recorded(app, world):
    text = text_of(logged_in(app, "verifier").get(EDIT + "/view"))
    assert "ยังไม่ได้บันทึกข้อมูลงวดนี้" in text and "ยังไม่บันทึก" in text


def test_history_shows_the_verifier_s_return_with_its_reason(app, world):
    with app.app_context():
        record()
        db.session.commit()
        review_installments(user("verifier"), "10.1.1.1", installment_or_404(2570, 1), {lao("OWN01").id: 1},
                            "return", reason="ตัวเลขภาษีป้ายไม่ครบ", position="นักวิเคราะห์", phone="053-999",
                            today=date(2026, 11, 21))
        db.session.commit()
    html = logged_in(app, "officer").get(EDIT + "/history").get_data(as_text=True)
    table = text_of_html(html[html.index('data-testid="history"'):])
    assert "ส่งกลับแก้ไข" in table and "ตัวเลขภาษีป้ายไม่ครบ" in table and "ผู้ตรวจ เชียงใหม่" in table
    assert "10.1.1.1" not in html  # addresses are for national staff and admins
