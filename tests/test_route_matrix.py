"""Route × role × scope matrix, generated from app.url_map: every endpoint has an expectation for every kind
of user, so a new route without an entry in EXPECTED fails here until someone decides who may reach it.

Kinds of user: anonymous; an LAO officer of OWN (Chiang Mai, 50); a verifier of Chiang Mai; a national viewer;
an administrator; and a verifier whose account has no province — a state the database refuses (CHECK), put
there by hand to prove the application fails closed on its own (403 everywhere but signing out).
Outcomes: "ok" (the page or its redirect: anything below 400 except being sent to log in, or a 400 for a
POST without a body), "login" (sent to the login page), or an HTTP status. Web POSTs go without CSRF
(this app disables it) so that the access decision, not the token check, answers.
"""

import contextlib
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select, text

from app import create_app, db
from app.api.tokens import issue_token
from app.deadlines import operations as extension_ops
from app.entry.operations import Recorder, record_installment
from app.kpi import operations as kpi_operations
from app.models import Installment, Lao, User
from tests import factories as f

ROLES = ("anon", "officer", "verifier", "national", "admin", "noscope")
OK, LOGIN = "ok", "login"

# endpoint -> (method, path, {kind: outcome}); kinds not named get DEFAULT[...] below.
ALL_OK = {"officer": OK, "verifier": OK, "national": OK, "admin": OK}
ADMIN_ONLY = {"officer": 403, "verifier": 403, "national": 403, "admin": OK}
VERIFY_AREA = {"officer": 403, "verifier": OK, "national": 403, "admin": OK}
READERS = {"officer": 403, "verifier": OK, "national": OK, "admin": OK}
NATIONAL_ONLY = {"officer": 403, "verifier": 403, "national": OK, "admin": OK}
OFFICER_ONLY = {"officer": OK, "verifier": 403, "national": 403, "admin": 403}
OPEN = {kind: OK for kind in ROLES}
ENTRY = "/entry/{own}/2570/1"
API_INST = "/api/v1/laos/{own}/years/2570/installments/1"

EXPECTED: dict[str, tuple[str, str, dict]] = {
    # open to everyone, signed in or not
    "static": ("GET", "/static/css/app.css", OPEN),
    "bootstrap.static": ("GET", "/bootstrap/static/css/bootstrap.min.css", OPEN),
    "main.font": ("GET", "/fonts/Sarabun-Regular.ttf", OPEN),
    "main.plotly_js": ("GET", "/vendor/plotly-basic.min.js", OPEN),
    "main.favicon": ("GET", "/favicon.ico", OPEN),
    "main.set_language": ("GET", "/lang/th", OPEN),
    "main.set_text_size": ("GET", "/textsize/1", OPEN),
    "auth.login": ("GET", "/login", OPEN),
    "auth.logout": ("POST", "/logout", {kind: LOGIN for kind in ROLES}),  # signs out, then the login page
    "api.index": ("GET", "/api/v1/", OPEN),
    # the public page and the certificate check: anyone, signed in or not (an account without a scope: 403)
    "check.form": ("GET", "/check", {"anon": OK, **ALL_OK}),
    "check.show": ("GET", "/check/0000-0000-0000", {k: 404 for k in ("anon", *ALL_OK)}),  # no such code
    "public.index": ("GET", "/public/", {"anon": OK, **ALL_OK}),
    "public.province": ("GET", "/public/province/50", {"anon": OK, **ALL_OK}),
    "public.data": ("GET", "/public/data.csv", {"anon": OK, **ALL_OK}),
    "public.province_data": ("GET", "/public/province/50/data.json", {"anon": OK, **ALL_OK}),
    "public.dictionary": ("GET", "/public/dictionary", {"anon": OK, **ALL_OK}),
    "api.openapi": ("GET", "/api/v1/openapi.json", OPEN),
    # every signed-in role
    "main.index": ("GET", "/", ALL_OK),
    "auth.profile": ("GET", "/profile", ALL_OK),
    "auth.change_password": ("GET", "/password", ALL_OK),
    "auth.create_token": ("POST", "/profile/tokens", ALL_OK),
    "auth.revoke_token": ("POST", "/profile/tokens/999999/revoke", {k: 404 for k in ALL_OK}),
    # signs out everywhere (every session, every API token), then the login page
    "auth.end_sessions": ("POST", "/profile/sessions/end", {k: LOGIN for k in ALL_OK}),
    "auth.save_email": ("POST", "/profile/email", ALL_OK),
    "auth.resend_email": ("POST", "/profile/email/resend", ALL_OK),
    # a bad link: the profile page with a message
    "auth.verify_email": ("GET", "/profile/email/verify/not-a-token", ALL_OK),
    "notifications.index": ("GET", "/notifications/", ALL_OK),
    "notifications.read_all": ("POST", "/notifications/read", ALL_OK),
    "notifications.open_one": ("POST", "/notifications/999999/open", {k: 404 for k in ALL_OK}),
    "admin.audit": ("GET", "/admin/audit", ALL_OK),
    # deadline extensions: each role sees the requests in its scope; officers ask for their LAO, verifiers for
    # their province's confirmation; an entry request is decided by its province's verifier (or an administrator)
    "deadlines.index": ("GET", "/deadlines/", ALL_OK),
    "deadlines.request_entry": ("GET", "/deadlines/entry/{own}/2570/1", OFFICER_ONLY),
    "deadlines.request_confirm": ("GET", "/deadlines/confirm/2570/1",
                                  {"officer": 403, "verifier": OK, "national": 403, "admin": 403}),
    "deadlines.detail": ("GET", "/deadlines/{entry_ext}", {"officer": 404, "verifier": OK, "national": OK, "admin": OK}),
    "deadlines.decide": ("POST", "/deadlines/{entry_ext}/decide",
                         {"officer": 404, "verifier": OK, "national": 403, "admin": OK}),
    "admin.audit_export": ("GET", "/admin/audit.csv", ALL_OK),
    # entry: the officer of the LAO; other readers see the detail of LAOs in their scope
    "entry.home": ("GET", "/entry/", OFFICER_ONLY),
    "entry.edit": ("GET", ENTRY, ALL_OK),
    "entry.detail": ("GET", ENTRY + "/view", ALL_OK),
    "entry.history": ("GET", ENTRY + "/history", ALL_OK),
    "entry.print_view": ("GET", ENTRY + "/print", ALL_OK),
    # verify area
    "verify.home": ("GET", "/verify/", VERIFY_AREA),
    "verify.review": ("POST", "/verify/review", VERIFY_AREA),
    "verify.status": ("GET", "/verify/status", READERS),
    "verify.matrix": ("GET", "/verify/matrix", VERIFY_AREA),
    "verify.followup_export": ("GET", "/verify/followup.csv", VERIFY_AREA),
    "verify.nudge": ("POST", "/verify/nudge", VERIFY_AREA),
    "verify.accounts": ("GET", "/verify/accounts", VERIFY_AREA),
    "verify.account_reset": ("POST", "/verify/accounts/{target_id}/reset", VERIFY_AREA),
    "verify.account_disable": ("POST", "/verify/accounts/{target_id}/disable", VERIFY_AREA),
    "verify.account_enable": ("POST", "/verify/accounts/{target_id}/enable", VERIFY_AREA),
    "verify.account_disable_confirm": ("GET", "/verify/accounts/{target_id}/disable", VERIFY_AREA),
    "verify.status_export": ("GET", "/verify/status.xlsx", READERS),
    "verify.matrix_export": ("GET", "/verify/matrix.csv", VERIFY_AREA),
    # reports: verifiers read their own province
    "reports.home": ("GET", "/reports/", READERS),
    "reports.province": ("GET", "/reports/province/50", READERS),
    "reports.rollup": ("GET", "/reports/province/50/rollup.xlsx", READERS),
    "reports.export": ("GET", "/reports/export/comparison.csv", READERS),
    "reports.print_comparison": ("GET", "/reports/print/comparison", READERS),
    "reports.monitoring": ("GET", "/reports/monitoring", NATIONAL_ONLY),
    "reports.monitoring_export": ("GET", "/reports/monitoring/export.csv", NATIONAL_ONLY),
    "reports.monitoring_notice": ("POST", "/reports/monitoring/notice", NATIONAL_ONLY),
    "reports.print_monitoring": ("GET", "/reports/print/monitoring", NATIONAL_ONLY),
    "reports.kpi": ("GET", "/reports/kpi", NATIONAL_ONLY),
    "reports.kpi_export": ("GET", "/reports/kpi/export.csv", NATIONAL_ONLY),
    "reports.print_kpi": ("GET", "/reports/print/kpi", NATIONAL_ONLY),
    "reports.kpi_settings": ("GET", "/reports/kpi/settings", ADMIN_ONLY),
    # admin
    "admin.home": ("GET", "/admin/", ADMIN_ONLY),
    "admin.years": ("GET", "/admin/years", ADMIN_ONLY),
    "admin.year_edit": ("GET", "/admin/years/2570", ADMIN_ONLY),
    "admin.holidays": ("GET", "/admin/holidays", ADMIN_ONLY),
    "admin.public_switch": ("POST", "/admin/public", ADMIN_ONLY),
    "kpi.definitions": ("GET", "/kpi/", NATIONAL_ONLY),
    "kpi.scorecard_page": ("GET", "/kpi/scorecard?year=2570&round=1", READERS),
    "kpi.scorecard_xlsx": ("GET", "/kpi/scorecard.xlsx?year=2570&round=1", READERS),
    "kpi.evaluation_page": ("GET", "/kpi/evaluation?year=2570&round=1", READERS),
    "kpi.evaluation_xlsx": ("GET", "/kpi/evaluation.xlsx?year=2570&round=1", READERS),
    "kpi.new": ("GET", "/kpi/2570/new", NATIONAL_ONLY),
    "kpi.revise": ("GET", "/kpi/2570/REV_ALL/revise", NATIONAL_ONLY),
    "admin.holiday_remove": ("POST", "/admin/holidays/remove", ADMIN_ONLY),
    "admin.laos": ("GET", "/admin/laos", ADMIN_ONLY),
    "admin.lao_edit": ("GET", "/admin/laos/{own}", ADMIN_ONLY),
    "admin.lao_set_active": ("POST", "/admin/laos/{neighbour}/active", ADMIN_ONLY),
    "admin.lao_import": ("GET", "/admin/laos/import", ADMIN_ONLY),
    "admin.import_figures": ("GET", "/admin/import", ADMIN_ONLY),
    "admin.users": ("GET", "/admin/users", ADMIN_ONLY),
    "admin.user_edit": ("GET", "/admin/users/{target_id}", ADMIN_ONLY),
    "admin.user_reset": ("POST", "/admin/users/{target_id}/reset", ADMIN_ONLY),
    "admin.user_set_active": ("POST", "/admin/users/{target_id}/active", ADMIN_ONLY),
    "admin.users_bulk": ("GET", "/admin/users/bulk", ADMIN_ONLY),
    # API (bearer tokens; anonymous is 401)
    "api.years": ("GET", "/api/v1/years", ALL_OK),
    "api.items": ("GET", "/api/v1/items", ALL_OK),
    "api.kpis": ("GET", "/api/v1/years/2570/kpis", ALL_OK),
    "api.laos": ("GET", "/api/v1/laos", ALL_OK),
    "api.installment": ("GET", API_INST, ALL_OK),
    "api.record": ("PUT", API_INST, {"officer": OK, "verifier": 403, "national": 403, "admin": 403}),
    "api.review": ("POST", API_INST + "/review", {"officer": 403, "verifier": OK, "national": 403, "admin": OK}),
    "api.comparison_report": ("GET", "/api/v1/reports/comparison?base=2569&year=2570", READERS),
    "api.status_report": ("GET", "/api/v1/reports/status?year=2570&installment=1", READERS),
    "api.extensions": ("GET", "/api/v1/extensions", ALL_OK),
    "api.request_extension": ("POST", "/api/v1/extensions", ALL_OK),  # an empty body is 422 before any rule
    "api.extension": ("GET", "/api/v1/extensions/{entry_ext}",
                      {"officer": 404, "verifier": OK, "national": OK, "admin": OK}),
    "api.decide_extension": ("POST", "/api/v1/extensions/{entry_ext}/decision",
                             {"officer": 404, "verifier": OK, "national": 403, "admin": OK}),
    "api.unknown": ("GET", "/api/v1/nothing-here", {k: 404 for k in ALL_OK}),
    # one's own messages, whatever the role
    "api.notifications": ("GET", "/api/v1/notifications", ALL_OK),
    "api.notifications_read": ("POST", "/api/v1/notifications/read", ALL_OK),
}

# what is out of scope is 404, not 403: the far LAO and province exist but must not be revealed
OUT_OF_SCOPE: list[tuple[str, str, dict]] = [
    ("GET", "/entry/{far}/2570/1/view", {"officer": 404, "verifier": 404, "national": OK, "admin": OK}),
    ("GET", "/entry/{neighbour}/2570/1/view", {"officer": 404, "verifier": OK, "national": OK, "admin": OK}),
    ("GET", "/reports/province/57", {"officer": 403, "verifier": 404, "national": OK, "admin": OK}),
    ("GET", "/verify/?province=57", {"officer": 403, "verifier": 404, "national": 403, "admin": OK}),
    ("GET", "/api/v1/laos/{far}/years/2570/installments/1", {"officer": 404, "verifier": 404, "national": OK,
                                                             "admin": OK}),
    ("GET", "/api/v1/reports/status?year=2570&installment=1&province=57",
     {"officer": 403, "verifier": 404, "national": OK, "admin": OK}),
    ("GET", "/deadlines/entry/{neighbour}/2570/1", {"officer": 404, "verifier": 403, "national": 403, "admin": 403}),
    ("GET", "/deadlines/{confirm_ext}", {"officer": 404, "verifier": OK, "national": OK, "admin": OK}),
    ("GET", "/deadlines/{far_ext}", {"officer": 404, "verifier": 404, "national": OK, "admin": OK}),
    ("POST", "/deadlines/{far_ext}/decide", {"officer": 404, "verifier": 404, "national": 403, "admin": OK}),
    ("GET", "/api/v1/extensions/{far_ext}", {"officer": 404, "verifier": 404, "national": OK, "admin": OK}),
]


def _default(kind: str, path: str) -> object:
    """The outcome of a kind not named in an expectation: anonymous logs in (401 on the API), no scope is 403."""
    if kind == "anon":
        return 401 if path.startswith("/api/") else LOGIN
    if kind == "noscope":
        return 403
    raise AssertionError(f"no expectation for {kind} on {path}")


@contextlib.contextmanager
def _broken_account(engine, user_id: int):
    """Make `user_id` a verifier without a province, which the users table's CHECK constraints refuse, for the
    duration of the block; then make the row valid again. SQLite skips the checks for the one statement
    (and checks only the columns an UPDATE changes afterwards); PostgreSQL has the constraints dropped for
    the block and re-added, validated, after it."""
    broken = text("UPDATE users SET role = 'province_verifier', province_id = NULL WHERE id = :id")
    mended = text("UPDATE users SET role = 'national_viewer' WHERE id = :id")
    checks = [] if engine.dialect.name == "sqlite" else inspect(engine).get_check_constraints("users")
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA ignore_check_constraints=ON")
        for c in checks:
            conn.execute(text(f'ALTER TABLE users DROP CONSTRAINT "{c["name"]}"'))
        conn.execute(broken, {"id": user_id})
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA ignore_check_constraints=OFF")
    try:
        yield
    finally:
        with engine.begin() as conn:
            conn.execute(mended, {"id": user_id})
            for c in checks:
                conn.execute(text(f'ALTER TABLE users ADD CONSTRAINT "{c["name"]}" CHECK ({c["sqltext"]})'))


def build_world() -> tuple[dict, dict]:
    """FY2569-2570; OWN and NEIGHBOUR in Chiang Mai (50), FAR in Chiang Rai (57); a user per kind and a target
    officer account of NEIGHBOUR; OWN's installment 2570/1 recorded; pending extension requests of NEIGHBOUR's and
    FAR's entry deadline and of Chiang Mai's confirmation deadline. Returns (URL values, user ids by kind).
    Call inside an app context; commits."""
    f.fiscal_year(2569)
    f.fiscal_year(2570)
    own = f.lao("SAO", "50", code="OWN")
    f.lao("MUNICIPALITY", "50", code="NEIGHBOUR")
    f.lao("SAO", "57", code="FAR")
    users = {
        "officer": f.user("officer", "lao_officer", lao_obj=own),
        "verifier": f.user("verifier", "province_verifier", province_obj=f.province("50")),
        "national": f.user("national", "national_viewer"),
        "admin": f.user("admin", "admin"),
        "noscope": f.user("noscope", "national_viewer"),
    }
    target = f.user("target", "lao_officer", lao_obj=db.session.scalar(select(Lao).where(Lao.code == "NEIGHBOUR")))
    db.session.commit()
    inst = db.session.scalar(select(Installment).where(Installment.fiscal_year_id == 2570, Installment.number == 1))
    record_installment(users["officer"], None, own, inst, version=0,
                       amounts={"LAND_BUILDING": "500.00", "SIGNBOARD": "0"}, explanations={},
                       recorder=Recorder("ผู้บันทึก", "ปลัด", "02-111-1111"), certify=True,
                       today=date(2026, 11, 21), ceiling=Decimal("10000000000"))
    kpi_operations.define(None, None, 2570, {
        "code": "REV_ALL", "name": "รายได้ที่จัดเก็บเอง", "unit": "ล้านบาท", "direction": "higher",
        "measure": "amount_million", "category": "ALL", "points": "1", "t1": "1", "t2": "2", "t3": "3", "t4": "4",
        "t5": "5", "rounds": "1", "penalty": "none"})
    neighbour = db.session.scalar(select(Lao).where(Lao.code == "NEIGHBOUR"))
    far = db.session.scalar(select(Lao).where(Lao.code == "FAR"))
    far_officer = f.user("far_officer", "lao_officer", lao_obj=far)
    asked = {"requested": date(2026, 11, 25), "reason": "ระบบขัดข้อง", "today": date(2026, 11, 21), "max_days": 15}
    entry_ext = extension_ops.request_entry_extension(target, None, neighbour, inst, **asked)
    far_ext = extension_ops.request_entry_extension(far_officer, None, far, inst, **asked)
    confirm_ext = extension_ops.request_confirm_extension(users["verifier"], None, f.province("50"), inst,
                                                          **{**asked, "requested": date(2026, 12, 5)})
    db.session.commit()
    values = {"own": "OWN", "far": "FAR", "neighbour": "NEIGHBOUR", "target_id": str(target.id),
              "entry_ext": str(entry_ext.id), "far_ext": str(far_ext.id), "confirm_ext": str(confirm_ext.id)}
    return values, {k: u.id for k, u in users.items()}


@pytest.fixture
def matrix(app, database_url):
    """An app without CSRF on the test database, the world, and a signed-in client (or token) per kind."""
    application = create_app("testing", DATABASE_URL=database_url, WTF_CSRF_ENABLED=False, TODAY="2026-11-21")
    with application.app_context():
        values, ids = build_world()
        users = {k: db.session.get(User, i) for k, i in ids.items()}
        tokens = {k: issue_token(u, k, actor=u, ip=None) for k, u in users.items()}
        db.session.commit()
    clients = Clients(application)
    with _broken_account(application.extensions["engine"], ids["noscope"]):
        yield application, clients, tokens, values
    application.extensions["engine"].dispose()


class Clients(dict):
    """A signed-in test client per kind of user, logged in on first use; `fresh(kind)` for one that signs out."""

    def __init__(self, application):
        super().__init__()
        self.application = application

    def fresh(self, kind: str):
        """A newly signed-in client of `kind` (anonymous: a bare client)."""
        client = self.application.test_client()
        if kind != "anon":
            response = client.post("/login", data={"username": kind, "password": "secret-pass-1"})
            assert response.status_code == 302, f"{kind} could not log in"
        return client

    def __missing__(self, kind: str):
        self[kind] = self.fresh(kind)
        return self[kind]


def _call(clients, tokens, kind: str, method: str, path: str):
    """One request as `kind`: the web through its signed-in client, the API with its bearer token."""
    client = clients[kind]
    headers = {}
    if path.startswith("/api/") and kind != "anon":
        headers["Authorization"] = f"Bearer {tokens[kind]}"
    kwargs = {"json": {}} if path.startswith("/api/") and method in ("PUT", "POST") else {"data": {}}
    return client.open(path, method=method, headers=headers, **kwargs)


def _outcome(response) -> object:
    """The response as the matrix names it."""
    if response.status_code in (301, 302, 303) and "/login" in response.headers.get("Location", ""):
        return LOGIN
    if response.status_code < 400 or response.status_code in (400, 409, 422):
        return OK
    return response.status_code


def test_every_endpoint_has_an_expectation(app):
    """A new route must be added to EXPECTED (who may reach it) before the suite passes."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - EXPECTED.keys()) == []
    assert sorted(EXPECTED.keys() - endpoints) == []


def _mismatches(clients, tokens, label: str, method: str, path: str, expected: dict) -> list[str]:
    """Each kind of user whose outcome at `method path` is not the one `expected` names."""
    wrong = []
    for kind, want in expected.items():
        got = _outcome(_call(clients, tokens, kind, method, path))
        if got != want:
            wrong.append(f"{label} {method} {path} as {kind}: expected {want}, got {got}")
    return wrong


def test_route_matrix(matrix):
    application, clients, tokens, values = matrix
    wrong = []
    # signing out (everywhere) ends every session of the account, and every token, so it goes last
    last = ("auth.end_sessions", "auth.logout")
    for endpoint, (method, template, expected) in sorted(EXPECTED.items(), key=lambda e: (e[0] in last, e[0])):
        path = template.format(**values)
        everyone = {kind: expected.get(kind) or _default(kind, path) for kind in ROLES}
        wrong += _mismatches(clients, tokens, endpoint, method, path, everyone)
    assert wrong == [], "\n".join(wrong)


def test_out_of_scope_objects_are_not_found(matrix):
    application, clients, tokens, values = matrix
    wrong = []
    for method, template, expected in OUT_OF_SCOPE:
        wrong += _mismatches(clients, tokens, "", method, template.format(**values), expected)
    assert wrong == [], "\n".join(wrong)


def test_a_verifier_without_a_province_sees_nothing(matrix):
    """The account the database should never hold: every page but signing out is 403, never national data."""
    application, clients, tokens, values = matrix
    for path in ("/reports/", "/reports/province/57", "/verify/", "/verify/status", "/admin/audit"):
        response = clients["noscope"].get(path)
        assert response.status_code == 403, path
        assert "เชียงราย" not in response.get_data(as_text=True)
    api = clients["noscope"].get("/api/v1/reports/comparison?base=2569&year=2570",
                                 headers={"Authorization": f"Bearer {tokens['noscope']}"})
    assert api.status_code == 403
