"""Accounts: CLI create and token, admin pages to create/edit/disable/reset, bulk LAO accounts with an xlsx."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app import db
from app.admin import accounts
from app.api.tokens import user_for_token
from app.auth.passwords import hash_many, verify_password
from app.models import AuditEvent, User
from tests import factories as f
from tests.admin.conftest import audit_count
from tests.conftest import login, post_form


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def test_cli_creates_a_user_with_a_password_from_stdin(app, runner, client):
    with app.app_context():
        f.lao("SAO", "50", code="5500201")
        db.session.commit()
    result = runner.invoke(args=["users", "create", "--username", "Officer1", "--role", "lao_officer",
                                 "--scope", "5500201", "--password-stdin"], input="long-enough-9\n")
    assert result.exit_code == 0, result.output
    assert "user officer1 created" in result.output and "long-enough-9" not in result.output
    with app.app_context():
        user = _user("officer1")
        assert user.lao.code == "5500201" and not user.must_change_password
        assert audit_count("user_created") == 1
    assert login(client, "officer1", "long-enough-9").status_code == 302


@pytest.mark.parametrize("args, stdin, words", [
    (["--username", "x1", "--role", "admin"], "long-enough-9\n", "ชื่อผู้ใช้ต้องยาว"),
    (["--username", "verifier1", "--role", "province_verifier"], "long-enough-9\n", "ต้องระบุรหัสจังหวัด"),
    (["--username", "verifier1", "--role", "province_verifier", "--scope", "99"], "long-enough-9\n", "99"),
    (["--username", "national1", "--role", "national_viewer", "--scope", "50"], "long-enough-9\n", "ไม่ต้องระบุ"),
    (["--username", "admin2", "--role", "admin"], "short\n", "อย่างน้อย 10"),
    (["--username", "admin2", "--role", "admin"], "\n", "no password"),
])
def test_cli_refuses_bad_accounts(app, runner, args, stdin, words):
    result = runner.invoke(args=["users", "create", *args, "--password-stdin"], input=stdin)
    assert result.exit_code != 0 and words in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_cli_refuses_a_duplicate_username(app, runner):
    with app.app_context():
        f.user("taken", "admin")
        db.session.commit()
    result = runner.invoke(args=["users", "create", "--username", "TAKEN", "--role", "admin", "--password-stdin"],
                           input="long-enough-9\n")
    assert result.exit_code == 1 and "มีอยู่แล้ว" in result.output


def test_cli_issues_an_api_token_printed_once(app, runner):
    with app.app_context():
        f.user("national", "national_viewer")
        db.session.commit()
    result = runner.invoke(args=["users", "token", "national", "--name", "dashboard"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    with app.app_context():
        assert user_for_token(token).username == "national"
    assert runner.invoke(args=["users", "token", "nobody"]).exit_code == 1


def _password_from(html: str) -> str:
    return re.search(r'data-testid="one-time-password"><code>([^<]+)</code>', html).group(1)


def test_admin_creates_an_account_and_its_one_time_password_must_be_changed(app, admin_client):
    response = post_form(admin_client, "/admin/users/new", {
        "username": "cm_verifier", "full_name": "สมหญิง ตรวจดี", "position": "นักวิชาการ", "phone": "053-000000",
        "role": "province_verifier", "province": "50", "lao_code": ""})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = _password_from(response.get_data(as_text=True))
    with app.app_context():
        user = _user("cm_verifier")
        assert user.province.code == "50" and user.must_change_password
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user_created"))
        assert password not in str(event.new_values)
    other = app.test_client()
    assert login(other, "cm_verifier", password).location.endswith("/password")


def test_create_form_shows_scope_errors_next_to_the_field(app, admin_client):
    response = post_form(admin_client, "/admin/users/new", {
        "username": "officer9", "role": "lao_officer", "lao_code": "NOPE", "province": ""})
    html = response.get_data(as_text=True)
    assert "ไม่พบรหัส อปท. NOPE" in html and 'id="lao_code"' in html and "is-invalid" in html


def test_role_change_ends_the_users_sessions(app, admin_client):
    with app.app_context():
        f.user("viewer", "national_viewer")
        db.session.commit()
        user_id = _user("viewer").id
    viewer = app.test_client()
    login(viewer, "viewer", f.PASSWORD)
    assert viewer.get("/admin/audit").status_code == 200
    response = post_form(admin_client, f"/admin/users/{user_id}", {
        "username": "viewer", "full_name": "viewer", "role": "province_verifier", "province": "57"})
    assert response.status_code == 302
    assert viewer.get("/admin/audit").status_code == 302  # logged out: must log in again
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user_updated"))
        assert event.old_values["role"] == "national_viewer" and event.new_values["scope"] == "57"


def test_disable_reenable_and_reset(app, admin_client):
    with app.app_context():
        f.user("clerk", "national_viewer")
        db.session.commit()
        user_id = _user("clerk").id
    page = f"/admin/users/{user_id}"
    post_form(admin_client, f"{page}/active", {"active": "0"}, page_url=page)
    refused = login(app.test_client(), "clerk", f.PASSWORD)  # the same refusal as a wrong password
    assert refused.status_code == 200 and "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in refused.get_data(as_text=True)
    post_form(admin_client, f"{page}/active", {"active": "1"}, page_url=page)
    assert login(app.test_client(), "clerk", f.PASSWORD).status_code == 302
    reset = post_form(admin_client, f"{page}/reset", {}, page_url=page)
    password = _password_from(reset.get_data(as_text=True))
    assert login(app.test_client(), "clerk", f.PASSWORD).status_code == 200  # old password refused
    assert login(app.test_client(), "clerk", password).status_code == 302
    with app.app_context():
        assert [audit_count(a) for a in ("account_disabled", "account_enabled", "password_reset")] == [1, 1, 1]


def test_admin_cannot_disable_or_demote_itself(app, admin_client):
    with app.app_context():
        admin_id = _user("admin").id
    page = f"/admin/users/{admin_id}"
    response = post_form(admin_client, f"{page}/active", {"active": "0"}, page_url=page)
    assert "ไม่สามารถปิดการใช้งานบัญชีของตนเองได้" in admin_client.get(response.location).get_data(as_text=True)
    response = post_form(admin_client, page, {"username": "admin", "role": "national_viewer"})
    assert "ไม่สามารถเปลี่ยนบทบาทของบัญชีตนเองได้" in response.get_data(as_text=True)
    with app.app_context():
        assert _user("admin").role == "admin" and _user("admin").active


def test_users_list_filters(app, admin_client):
    with app.app_context():
        lao = f.lao("SAO", "57", code="5700001", name_th="อบต.ดอยงาม")
        f.user("far_officer", "lao_officer", lao_obj=lao)
        f.user("cm_checker", "province_verifier", province_obj=f.province("50"))
        db.session.commit()
    by_province = admin_client.get("/admin/users?province=57").get_data(as_text=True)
    assert "far_officer" in by_province and "cm_checker" not in by_province
    by_lao_name = admin_client.get("/admin/users?q=ดอยงาม").get_data(as_text=True)
    assert "far_officer" in by_lao_name and "จาก 1 รายการ" in by_lao_name
    by_role = admin_client.get("/admin/users?role=province_verifier").get_data(as_text=True)
    assert "cm_checker" in by_role and "far_officer" not in by_role


def test_bulk_creation_writes_an_xlsx_whose_passwords_log_in(app, admin_client):
    with app.app_context():
        have = f.lao("SAO", "50", code="5500001")
        f.user("existing", "lao_officer", lao_obj=have)
        f.lao("SAO", "50", code="5500002", name_th="อบต.สอง")
        f.lao("MUNICIPALITY", "50", code="4500003", name_th="เทศบาลตำบลสาม")
        f.lao("SAO", "50", code="5500004", active=False)  # inactive: no account
        f.lao("SAO", "57", code="5700005")  # another province
        db.session.commit()
    page = admin_client.get("/admin/users/bulk").get_data(as_text=True)
    assert re.search(r"50 เชียงใหม่</td><td class=\"num\">2<", page)
    response = post_form(admin_client, "/admin/users/bulk", {"province": "50"})
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "lao-accounts-50-" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("จังหวัด", "อำเภอ", "รหัส อปท.", "ชื่อ อปท.", "ประเภท", "ชื่อผู้ใช้", "รหัสผ่านครั้งแรก")
    accounts = {r[2]: (r[5], r[6]) for r in rows[1:]}
    assert set(accounts) == {"5500002", "4500003"}
    assert {r[2]: r[4] for r in rows[1:]} == {"5500002": "อบต.", "4500003": "เทศบาล"}  # Thai type labels, not codes
    for code, (username, password) in accounts.items():
        assert username == code.lower()
        reply = login(app.test_client(), username, password)
        assert reply.status_code == 302 and reply.location.endswith("/password")  # must change it first
    with app.app_context():
        assert audit_count("user_created") == 2 and audit_count("accounts_bulk_created") == 1
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_id == "5500002"))
        assert event.lao_id == db.session.scalar(select(User.lao_id).where(User.username == "5500002"))
        assert event.username == "admin" and event.province_id is not None
    again = post_form(admin_client, "/admin/users/bulk", {"province": "50"})
    assert again.status_code == 302
    assert "มีบัญชีผู้ใช้แล้ว" in admin_client.get(again.location).get_data(as_text=True)


def test_bulk_username_taken_by_someone_else_gets_a_prefix(ctx):
    f.lao("SAO", "50", code="5500002")
    f.user("5500002", "national_viewer")  # an unrelated account already uses the code as its name
    db.session.commit()
    result = accounts.bulk_create_lao_accounts(None, None, f.province("50"))
    db.session.commit()
    assert [a.username for a in result.accounts] == ["lao5500002"]


def test_hashing_in_a_process_pool_gives_valid_hashes(app, ctx):
    from app.resources import close_resources

    passwords = [f"pw-{i:03d}-secret" for i in range(70)]
    hashes, workers = hash_many(passwords, workers=2)
    assert workers == 2 and len(hashes) == 70
    assert hashes[0].startswith("$argon2id$v=19$m=8192,t=1,p=1$")  # the cheaper one-time setting
    assert verify_password(hashes[0], passwords[0]) and verify_password(hashes[69], passwords[69])
    assert not verify_password(hashes[1], passwords[0])
    pool = app.extensions["resources"]["password_pool_2"]  # the app owns the pool and shuts it down
    close_resources(app)
    with pytest.raises(RuntimeError):
        pool.submit(print)


def test_cli_bulk_create_writes_the_sheet(app, runner, tmp_path):
    with app.app_context():
        f.lao("SAO", "57", code="5700005")
        db.session.commit()
    out = tmp_path / "accounts.xlsx"
    result = runner.invoke(args=["users", "bulk-create", "--province", "57", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 accounts created" in result.output
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[1][2] == "5700005" and len(rows[1][6]) == 10
