"""The verify pages through the real HTTP stack: scope and roles, the review form, exports, INR911, matrix, accounts."""

import csv
import io
import re

import openpyxl
import pytest
from sqlalchemy import select

from app import db
from app.models import AuditEvent, InstallmentReport, User
from tests import factories as f
from tests.conftest import csrf_from, login
from tests.verify.conftest import inst, record, record_as_officer


def _page(client, url="/verify/"):
    """The HTML of a page that must load."""
    resp = client.get(url)
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def _review(client, rows: list[str], action="confirm", reason="", page="/verify/", **extra):
    """Post the review form as the page would, ticking `rows` ("lao_id:version")."""
    html = _page(client, page)
    hidden = dict(re.findall(r'<input id="(province|year|number|type|district|status)" name="\1" type="hidden" '
                             r'value="([^"]*)">', html))
    data = {**hidden, "csrf_token": csrf_from(html), "position": "นักวิชาการตรวจสอบภายใน",
            "phone": "053-112-233", "action": action, "reason": reason, "row": rows, **extra}
    return client.post("/verify/review", data=data)


def _status(app, lao, installment) -> str | None:
    """The report's status read in a fresh app context."""
    with app.app_context():
        return db.session.scalar(select(InstallmentReport.status).where(
            InstallmentReport.lao_id == lao.id, InstallmentReport.installment_id == installment.id))


def _user(app, user) -> User:
    """The user row read in a fresh app context."""
    with app.app_context():
        return db.session.get(User, user.id)


def _audit_users(app, action: str) -> list[str]:
    """Usernames on the audit events of `action`."""
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.username).where(AuditEvent.action == action)))


def _token(rep) -> str:
    """The checkbox value of a report row: "lao_id:version"."""
    return f"{rep.lao_id}:{rep.version}"


# --------------------------------------------------------------------------- roles and scope


@pytest.mark.parametrize("user, url, code", [
    ("national", "/verify/", 403),
    ("officer", "/verify/", 403),
    ("national", "/verify/status", 200),
    ("officer", "/verify/status", 403),
    ("national", "/verify/matrix", 403),
    ("national", "/verify/accounts", 403),
    ("verifier", "/verify/?province=57", 404),
    ("verifier", "/verify/status?province=57", 404),
    ("verifier", "/verify/matrix?province=57", 404),
    ("verifier", "/verify/accounts?province=57", 404),
    ("verifier", "/verify/?year=2570&number=13", 404),
    ("verifier", "/verify/followup.pdf", 404),
    ("admin", "/verify/?province=57", 200),
])
def test_roles_and_province_scope(site, client, user, url, code):
    login(client, user)
    assert client.get(url).status_code == code


def test_anonymous_is_sent_to_login(site, client):
    resp = client.get("/verify/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


# --------------------------------------------------------------------------- the verification screen


def test_screen_defaults_to_latest_closed_installment_with_both_parts_and_counts(site, client, app):
    laos, installment = site["laos"], site["inst"]
    with app.app_context():
        record(laos["sao1"], site["prior"], {"LAND_BUILDING": "100.00", "SIGNBOARD": "100.00"})
        record(laos["sao1"], installment, {"LAND_BUILDING": "1000.00", "SIGNBOARD": "100.00"},
               explanations={"LAND_BUILDING": "เก็บภาษีค้างจ่ายได้"}, late=True)
        record(laos["mun"], installment, status="confirmed")
        record(laos["far"], installment)  # other province: never shown
        db.session.commit()
    login(client, "verifier")
    html = _page(client)
    assert "ปีงบประมาณ 2570 งวดที่ 1" in html
    part1 = html[html.index('id="part1"'):html.index('id="review-box"')]
    part2 = html[html.index('id="part2"'):]
    assert "อบต.สันผีเสื้อ" in part1 and "เทศบาลตำบลหนองหอย" in part1 and "อบต.ริมกก" not in html
    assert "อบต.ดอยแก้ว" in part2 and "อบจ.เชียงใหม่" in part2 and "081-234-5678" in part2
    assert "1,000.00" in part1 and "1,100.00" in part1 and "450.00" in part1  # amount, total, +450 %
    assert "เก็บภาษีค้างจ่ายได้" in part1 and "สูงกว่างวดเดียวกันของปีก่อนเกิน 3 เท่า" in part1
    assert 'data-warn="1"' in part1 and 'data-warn="0"' in part1
    assert "/entry/CM-SAO1/2570/1/view" in part1
    counts = html[html.index('data-testid="counts"'):html.index('id="review-form"')]
    assert "2 <small" in counts and "(50.00%)" in counts  # recorded 2 of 4, not recorded 2
    assert 'data-testid="count-confirmed">1' in counts and 'data-testid="count-late">1' in counts
    assert "เหลือ 9 วัน" in counts  # deadline 30 Nov 2026, today 21 Nov 2026
    # position and phone come prefilled from the verifier's profile
    assert 'value="นักวิชาการตรวจสอบภายใน"' in html and 'value="053-112-233"' in html


def test_filters_narrow_the_screen(site, client, app):
    laos, installment = site["laos"], site["inst"]
    with app.app_context():
        record(laos["sao1"], installment)
        record(laos["sao2"], installment, status="confirmed")
        db.session.commit()
    login(client, "verifier")
    html = _page(client, "/verify/?year=2570&number=1&district=5002")
    part1 = html[html.index('id="part1"'):html.index('id="review-box"')]
    assert "อบต.ดอยแก้ว" in part1 and "อบต.สันผีเสื้อ" not in part1
    html = _page(client, "/verify/?status=recorded")
    part1 = html[html.index('id="part1"'):html.index('id="review-box"')]
    assert "อบต.สันผีเสื้อ" in part1 and "อบต.ดอยแก้ว" not in part1
    html = _page(client, "/verify/?type=PAO")
    assert "อบต.สันผีเสื้อ" not in html and "อบจ.เชียงใหม่" in html


def test_overdue_days_are_shown(site, client, app):
    app.config["TODAY"] = "2026-12-05"
    login(client, "verifier")
    html = _page(client, "/verify/?year=2570&number=1")
    assert "เลยกำหนด 5 วัน" in html


def test_confirm_through_the_form(site, client, app):
    laos, installment = site["laos"], site["inst"]
    with app.app_context():
        a, b = record(laos["sao1"], installment), record(laos["sao2"], installment)
        db.session.commit()
    login(client, "verifier")
    resp = _review(client, [_token(a), _token(b)])
    assert resp.status_code == 302
    assert _status(app, laos["sao1"], installment) == "confirmed"
    assert _status(app, laos["sao2"], installment) == "confirmed"
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "ยืนยันข้อมูลแล้ว 2 แห่ง" in html
    assert _audit_users(app, "confirm_installment") == ["verifier", "verifier"]


def test_confirming_another_provinces_lao_through_the_form_is_403(site, client, app):
    laos, installment = site["laos"], site["inst"]
    with app.app_context():
        own, far = record(laos["sao1"], installment), record(laos["far"], installment)
        db.session.commit()
    login(client, "verifier")
    resp = _review(client, [_token(own), _token(far)])
    assert resp.status_code == 403
    assert _status(app, laos["sao1"], installment) == "recorded"
    assert _status(app, laos["far"], installment) == "recorded"
    assert _audit_users(app, "confirm_installment") == []


def test_posting_for_another_province_is_404(site, client):
    login(client, "verifier")
    assert _review(client, ["1:1"], province="57").status_code == 404


def test_stale_row_is_left_and_listed(site, client, app):
    laos, users, installment = site["laos"], site["users"], site["inst"]
    with app.app_context():
        seen = record_as_officer(users["officer"], laos["sao1"], installment,
                                 {"LAND_BUILDING": "5.00", "SIGNBOARD": "1.00"})
        other = record(laos["sao2"], installment)
        db.session.commit()
    login(client, "verifier")
    html = _page(client)
    assert f'value="{_token(seen)}"' in html  # the page carries the version it shows
    with app.app_context():  # the LAO corrects its figures meanwhile
        record_as_officer(users["officer"], laos["sao1"], installment,
                          {"LAND_BUILDING": "50.00", "SIGNBOARD": "1.00"}, version=seen.version)
        db.session.commit()
    resp = _review(client, [_token(seen), _token(other)])
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "ถูกแก้ไขหลังจากที่ท่านเปิดหน้านี้" in html and "อบต.สันผีเสื้อ" in html
    assert _status(app, laos["sao1"], installment) == "recorded"
    assert _status(app, laos["sao2"], installment) == "confirmed"


def test_return_without_reason_is_refused_on_the_page(site, client, app):
    laos, installment = site["laos"], site["inst"]
    with app.app_context():
        rep = record(laos["sao1"], installment)
        db.session.commit()
    login(client, "verifier")
    resp = _review(client, [_token(rep)], action="return", reason="  ")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "กรุณาระบุเหตุผล" in html and "ยังไม่ได้บันทึกการดำเนินการใด ๆ" in html
    assert re.search(r'value="%s"[^>]*checked' % _token(rep), html.replace("\n", " "))  # tick kept
    assert _status(app, laos["sao1"], installment) == "recorded"
    assert _audit_users(app, "return_installment") == []


def test_missing_position_and_no_rows_are_refused_with_messages(site, client, app):
    laos, installment = site["laos"], site["inst"]
    with app.app_context():
        rep = record(laos["sao1"], installment)
        db.session.commit()
    login(client, "verifier")
    resp = _review(client, [_token(rep)], position="")
    assert resp.status_code == 400 and "กรุณากรอกตำแหน่งผู้ตรวจสอบ" in resp.get_data(as_text=True)
    resp = _review(client, [])
    assert resp.status_code == 400 and "กรุณาเลือก อปท. อย่างน้อย 1 แห่ง" in resp.get_data(as_text=True)
    resp = _review(client, ["abc"])
    assert resp.status_code == 400 and "ข้อมูลรายการที่เลือกไม่ถูกต้อง" in resp.get_data(as_text=True)
    assert _status(app, laos["sao1"], installment) == "recorded"


def test_a_row_in_the_wrong_state_refuses_the_whole_save_with_its_name(site, client, app):
    laos, installment = site["laos"], site["inst"]
    with app.app_context():
        a = record(laos["sao1"], installment)
        b = record(laos["sao2"], installment, status="confirmed")
        db.session.commit()
    login(client, "verifier")
    resp = _review(client, [_token(a), _token(b)])
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "อบต.ดอยแก้ว: งวดนี้ยืนยันแล้ว" in html
    assert _status(app, laos["sao1"], installment) == "recorded"  # nothing half-applied
    resp = _review(client, [_token(a)], phone="0" * 51)
    assert resp.status_code == 400 and "หมายเลขโทรศัพท์ยาวได้ไม่เกิน 50 ตัวอักษร" in resp.get_data(as_text=True)


def test_review_without_csrf_is_refused(site, client, app):
    laos, installment = site["laos"], site["inst"]
    with app.app_context():
        rep = record(laos["sao1"], installment)
        db.session.commit()
    login(client, "verifier")
    resp = client.post("/verify/review", data={"year": "2570", "number": "1", "row": [_token(rep)],
                                               "position": "x", "phone": "y", "action": "confirm"})
    assert resp.status_code == 400
    assert _status(app, laos["sao1"], installment) == "recorded"


def test_return_with_reason_shows_on_the_screen_and_the_lao_page(site, client, app):
    laos, installment = site["laos"], site["inst"]
    with app.app_context():
        rep = record(laos["sao1"], installment)
        db.session.commit()
    login(client, "verifier")
    resp = _review(client, [_token(rep)], action="return", reason="ภาษีป้ายต่ำผิดปกติ")
    assert resp.status_code == 302
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "ส่งกลับให้ อปท. แก้ไขแล้ว 1 แห่ง" in html and "ภาษีป้ายต่ำผิดปกติ" in html
    assert _status(app, laos["sao1"], installment) == "returned"
    if "entry.edit" in app.view_functions:  # the LAO's form (built in parallel) shows the reason
        lao_client = app.test_client()
        login(lao_client, "officer")
        assert "ภาษีป้ายต่ำผิดปกติ" in lao_client.get("/entry/CM-SAO1/2570/1").get_data(as_text=True)


def test_admin_reviews_a_chosen_province(site, client, app):
    laos, installment = site["laos"], site["inst"]
    with app.app_context():
        rep = record(laos["far"], installment)
        db.session.commit()
    login(client, "admin")
    html = _page(client, "/verify/?province=57")
    assert "อบต.ริมกก" in html
    resp = _review(client, [_token(rep)], page="/verify/?province=57")
    assert resp.status_code == 302 and "province=57" in resp.headers["Location"]
    assert _status(app, laos["far"], installment) == "confirmed"


# --------------------------------------------------------------------------- follow-up export


def test_followup_csv_has_bom_and_neutralised_text(site, client, app):
    with app.app_context():
        f.lao("SAO", "50", "5001", code="CM-EVIL", name_th="=HYPERLINK(\"http://x\")")
        record(site["laos"]["sao1"], site["inst"])
        db.session.commit()
    login(client, "verifier")
    resp = client.get("/verify/followup.csv?year=2570&number=1")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    assert "followup_50_2570_1.csv" in resp.headers["Content-Disposition"]
    body = resp.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["ลำดับ", "รหัส อปท.", "ชื่อ อปท."]
    names = {r[1]: r for r in rows[1:]}
    assert set(names) == {"CM-SAO2", "CM-MUN", "CM-PAO", "CM-EVIL"}  # CM-SAO1 recorded
    assert names["CM-EVIL"][2] == "'=HYPERLINK(\"http://x\")"
    assert names["CM-SAO2"][6:9] == ["มานี มีนา", "เจ้าพนักงาน", "081-234-5678"]


def test_followup_xlsx_writes_text_never_formulas(site, client, app):
    with app.app_context():
        f.lao("SAO", "50", "5001", code="CM-EVIL", name_th="=1+2")
        db.session.commit()
    login(client, "verifier")
    resp = client.get("/verify/followup.xlsx?year=2570&number=1&type=SAO&district=5001")
    assert resp.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(resp.get_data())).active
    assert ws["A2"].value == "จังหวัดเชียงใหม่ · อำเภอเมืองเชียงใหม่ · อบต."
    assert [c.value for c in ws[5]][:3] == ["ลำดับ", "รหัส อปท.", "ชื่อ อปท."]
    cells = {row[1].value: row[2] for row in ws.iter_rows(min_row=6)}
    assert set(cells) == {"CM-SAO1", "CM-EVIL"}
    assert cells["CM-EVIL"].value == "=1+2" and cells["CM-EVIL"].data_type == "s"


# --------------------------------------------------------------------------- INR911


def test_inr911_circular_example(site, client, app):
    with app.app_context():
        laos = [f.lao("SAO", "57", "5702", name_th=f"อบต.ตัวอย่าง{i}") for i in range(10)]
        for lao in laos[:9]:
            record(lao, site["inst"])
        db.session.commit()
    login(client, "national")
    html = _page(client, "/verify/status?province=57&district=5702&year=2570&number=1")
    assert re.search(r'data-testid="total-recorded">9 \(90\.00%\)', html)
    assert re.search(r'data-testid="total-not-recorded">1 \(10\.00%\)', html)
    not_recorded = html[html.index('data-testid="list-not-recorded"'):]
    assert "อบต.ตัวอย่าง9" in not_recorded and "อบต.ตัวอย่าง8" not in not_recorded


def test_inr911_verifier_sees_own_province_and_national_sees_all(site, client, app):
    with app.app_context():
        record(site["laos"]["far"], site["inst"])
        db.session.commit()
    login(client, "verifier")
    html = _page(client, "/verify/status")
    assert "อบต.สันผีเสื้อ" in html and "อบต.ริมกก" not in html
    assert re.search(r'data-testid="total-recorded">0 \(0\.00%\)', html)
    national = app.test_client()
    login(national, "national")
    html = _page(national, "/verify/status?lists=1")
    assert "อบต.สันผีเสื้อ" in html and "อบต.ริมกก" in html
    assert re.search(r'data-testid="total-recorded">1 \(20\.00%\)', html)


# --------------------------------------------------------------------------- matrix


def test_matrix_page_marks_and_sort_links(site, client, app):
    laos = site["laos"]
    with app.app_context():
        record(laos["sao1"], inst(2569, 12), status="confirmed")
        record(laos["sao2"], inst(2569, 12), late=True)
        db.session.commit()
    login(client, "verifier")
    html = _page(client, "/verify/matrix?year=2569&sort=type")
    row = html[html.index('data-testid="m-CM-SAO1"'):]
    row = row[:row.index("</tr>")]
    assert row.count("mk-not_recorded") == 11 and row.count("mk-confirmed") == 1
    assert 'data-testid="m-CM-SAO2"' in html and "mk-late" in html
    assert html.index("m-CM-PAO") < html.index("m-CM-MUN") < html.index("m-CM-SAO2")
    assert "sort=district" in html and "อบต.ริมกก" not in html


def test_matrix_admin_picks_province(site, client):
    login(client, "admin")
    html = _page(client, "/verify/matrix?year=2570&province=57")
    assert "อบต.ริมกก" in html and "อบต.สันผีเสื้อ" not in html


# --------------------------------------------------------------------------- accounts


def _account_post(client, user_id: int, what: str, **extra):
    """Press an account button (reset / disable / enable) with the page's CSRF token (disable: confirmed)."""
    token = csrf_from(_page(client, "/verify/accounts"))
    data = {"csrf_token": token, **({"confirm": "yes"} if what == "disable" else {}), **extra}
    return client.post(f"/verify/accounts/{user_id}/{what}", data=data)


def test_disable_asks_first_and_refuses_a_post_without_the_confirmation(site, client, app):
    users = site["users"]
    login(client, "verifier")
    html = _page(client, "/verify/accounts")
    assert f'href="/verify/accounts/{users["officer"].id}/disable"' in html  # a link to the confirmation, no form
    page = _page(client, f"/verify/accounts/{users['officer'].id}/disable")
    assert 'data-testid="disable-confirm"' in page and 'name="confirm" value="yes"' in page
    assert _user(app, users["officer"]).active is True  # asking changes nothing
    resp = _account_post(client, users["officer"].id, "disable", confirm="")
    assert resp.status_code == 400 and "กรุณายืนยันการปิดใช้งานบัญชีก่อน" in resp.get_data(as_text=True)
    assert _user(app, users["officer"]).active is True and _audit_users(app, "account_disabled") == []
    assert client.get(f"/verify/accounts/{site['users']['officer_far'].id}/disable").status_code == 404
    resp = _account_post(client, users["officer"].id, "disable")
    assert resp.status_code == 302 and _user(app, users["officer"]).active is False


def test_accounts_list_only_own_provinces_lao_officers(site, client):
    login(client, "verifier")
    html = _page(client, "/verify/accounts")
    assert "officer2" in html and 'data-testid="account-officer"' in html
    assert "officer_far" not in html and "verifier57" not in html and "ยังไม่เคยเข้าสู่ระบบ" in html


def test_reset_password_shows_it_once_and_forces_a_change(site, client, app):
    users = site["users"]
    login(client, "verifier")
    resp = _account_post(client, users["officer"].id, "reset")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    password = re.search(r'data-testid="one-time-password">(\w+)<', resp.get_data(as_text=True)).group(1)
    assert password not in _page(client, "/verify/accounts")
    lao_client = app.test_client()
    assert login(lao_client, "officer", f.PASSWORD).status_code == 200  # old password no longer works
    resp = login(lao_client, "officer", password)
    assert resp.status_code == 302 and "/password" in resp.headers["Location"]
    assert _audit_users(app, "password_reset") == ["verifier"]


@pytest.mark.parametrize("target", ["officer_far", "verifier57", "admin"])
def test_accounts_outside_scope_are_404(site, client, app, target):
    login(client, "verifier")
    for what in ("reset", "disable", "enable"):
        assert _account_post(client, site["users"][target].id, what).status_code == 404
    assert _account_post(client, 99999, "reset").status_code == 404
    assert _user(app, site["users"][target]).active is True
    assert _audit_users(app, "password_reset") == []


def test_disable_ends_login_and_enable_restores(site, client, app):
    users = site["users"]
    lao_client = app.test_client()
    login(lao_client, "officer")
    assert lao_client.get("/entry/").status_code == 200
    login(client, "verifier")
    resp = _account_post(client, users["officer"].id, "disable")
    assert resp.status_code == 302
    assert "ปิดใช้งานบัญชี officer แล้ว" in client.get("/verify/accounts").get_data(as_text=True)
    assert "/login" in lao_client.get("/entry/").headers["Location"]  # its session ended
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in login(lao_client, "officer").get_data(as_text=True)  # says nothing more
    _account_post(client, users["officer"].id, "enable")
    assert _user(app, users["officer"]).active is True
    assert login(lao_client, "officer").status_code == 302
    assert _audit_users(app, "account_disabled") == ["verifier"]
    assert _audit_users(app, "account_enabled") == ["verifier"]


def test_admin_manages_accounts_everywhere(site, client, app):
    login(client, "admin")
    html = _page(client, "/verify/accounts?province=57")
    assert "officer_far" in html
    resp = _account_post(client, site["users"]["officer_far"].id, "disable")
    assert resp.status_code == 302 and "province=57" in resp.headers["Location"]
    assert _user(app, site["users"]["officer_far"]).active is False


@pytest.mark.parametrize("url, marker", [
    ("/verify/", 'data-testid="row-CM-SAO1"'),
    ("/verify/status", 'data-testid="total-recorded">1 (25.00%)'),
    ("/verify/matrix", 'data-testid="m-CM-SAO1"'),
    ("/verify/accounts", 'data-testid="account-officer"'),
])
def test_pages_render_in_english(site, client, app, url, marker):
    with app.app_context():
        record(site["laos"]["sao1"], site["inst"])
        db.session.commit()
    login(client, "verifier")
    client.get("/lang/en")
    html = _page(client, url)
    assert '<html lang="en">' in html and marker in html


def test_national_inr911_opens_on_a_province_summary_and_lists_names_on_request(site, app, client):
    with app.app_context():
        record(db.session.merge(site["laos"]["sao1"]), inst(2570, 1))
        record(db.session.merge(site["laos"]["far"]), inst(2570, 1))
        db.session.commit()
    login(client, "national")
    html = client.get("/verify/status?year=2570&number=1").get_data(as_text=True)
    summary = html[html.index('data-testid="by-province"'):]
    summary = summary[:summary.index("</table>")]
    rows = re.findall(r"<tr><td><a [^>]*>([^<]+)</a></td>\s*<td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
                      r"<td class=\"num\">([\d.]+)</td>\s*<td class=\"num\">(\d+)</td><td class=\"num\">([\d.]+)</td>",
                      summary)
    assert rows == [("เชียงราย", "1", "1", "100.00", "0", "0.00"), ("เชียงใหม่", "4", "1", "25.00", "3", "75.00")]
    assert 'data-testid="list-recorded"' not in html  # no 7,800-name lists by default
    assert 'data-testid="show-lists"' in html
    listed = client.get("/verify/status?year=2570&number=1&lists=1").get_data(as_text=True)
    assert 'data-testid="list-recorded"' in listed and "อบต.ริมกก" in listed
