"""Certificates on the three prints and /check: same content same code, a changed figure and a tampered row
reported, typed codes, no personal data, no 5xx."""

import re

import pytest
from sqlalchemy import func, select, text

from app import db
from app.certificates import codes
from app.models import Certificate, Lao, User
from tests.conftest import login
from tests.public import world

CODE_RE = re.compile(r'data-testid="certificate-code">([^<]+)<')
URL_RE = re.compile(r'data-testid="certificate-url">([^<]+)<')


@pytest.fixture
def built(app):
    """The public world (names, phones, explanations recorded; FY2570/1 partly confirmed)."""
    with app.app_context():
        return world.build()


def _code(response) -> str:
    """The code printed on a page."""
    assert response.status_code == 200, response.status_code
    match = CODE_RE.search(response.get_data(as_text=True))
    assert match, "no certificate on the page"
    return match.group(1)


def _certificates(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Certificate))


def _state(response) -> str:
    match = re.search(r'data-state="(\w+)"', response.get_data(as_text=True))
    return match.group(1) if match else ""


def _users(app, *keys):
    with app.app_context():
        out = {k: db.session.scalar(select(User).where(User.username == k)) for k in keys}
        db.session.expunge_all()
        return out


def test_lao_print_carries_a_stable_code_and_qr_and_check_says_it_matches(app, client, built):
    login(client, "officer_S1")
    first = client.get("/entry/P-S1/2570/1/print")
    code = _code(first)
    html = first.get_data(as_text=True)
    assert "<svg" in html and 'data-testid="certificate-qr"' in html
    assert URL_RE.search(html).group(1) == f"http://localhost/check/{code}"
    assert _code(client.get("/entry/P-S1/2570/1/print")) == code  # printed again: same content, same code
    assert _certificates(app) == 1
    anonymous = app.test_client()
    page = anonymous.get(f"/check/{code}")
    assert page.status_code == 200 and _state(page) == "matches"
    body = page.get_data(as_text=True)
    assert "ตรงกับข้อมูลปัจจุบัน" in body and "1,000.50" in body
    assert not [s for s in world.SECRETS if s in body]


def test_a_typed_code_in_lowercase_with_spaces_or_dashes_works(app, client, built):
    login(client, "officer_S1")
    code = _code(client.get("/entry/P-S1/2570/1/print"))
    anonymous = app.test_client()
    for typed in (code.lower(), code.replace("-", " "), code.replace("-", ""), f"  {code.lower()}  "):
        answer = anonymous.get("/check", query_string={"code": typed})
        assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/check/{code}"), typed
        assert _state(anonymous.get(f"/check/{typed}")) == "matches", typed
    with_o = code.replace("0", "O")
    assert _state(anonymous.get(f"/check/{with_o}")) == "matches"


def test_a_figure_changed_after_printing_is_reported_with_when(app, client, built):
    login(client, "officer_S1")
    code = _code(client.get("/entry/P-S1/2570/1/print"))
    users = _users(app, "verifier50", "officer_S1")
    with app.app_context():
        lao = db.session.scalar(select(Lao).where(Lao.code == "P-S1"))
        verifier, officer = (db.session.get(User, users[k].id) for k in ("verifier50", "officer_S1"))
        world.review(verifier, lao, 2570, 1, "unconfirm", reason="ตัวเลขผิด")
        world.record(officer, lao, 2570, 1, "1000.75", explanation="แก้ไขแล้ว")
        db.session.commit()
    page = app.test_client().get(f"/check/{code}")
    assert page.status_code == 200 and _state(page) == "changed"
    body = page.get_data(as_text=True)
    assert "ข้อมูลเปลี่ยนแปลงหลังจากพิมพ์เอกสารนี้" in body and "เปลี่ยนแปลงครั้งแรกเมื่อ" in body
    assert "1,000.50" in body and "1,000.75" in body  # the paper's figure and today's
    new_code = _code(client.get("/entry/P-S1/2570/1/print"))
    assert new_code != code and _certificates(app) == 2


def test_a_tampered_row_is_refused_with_404(app, client, built):
    login(client, "officer_S1")
    code = _code(client.get("/entry/P-S1/2570/1/print"))
    with app.app_context():
        db.session.execute(text("UPDATE certificates SET payload = REPLACE(payload, '100050', '999999')"))
        db.session.commit()
    page = app.test_client().get(f"/check/{code}")
    assert page.status_code == 404 and _state(page) == "tampered"
    assert "ตรวจสอบไม่ผ่าน" in page.get_data(as_text=True)


def test_a_row_whose_code_was_swapped_is_refused(app, client, built):
    login(client, "officer_S1")
    code = codes.normalize(_code(client.get("/entry/P-S1/2570/1/print")))
    forged = "0" * 12 if code != "0" * 12 else "1" * 12
    with app.app_context():
        db.session.execute(text("UPDATE certificates SET code = :c"), {"c": forged})
        db.session.commit()
    assert _state(app.test_client().get(f"/check/{forged}")) == "tampered"


def test_unknown_and_malformed_codes_are_a_thai_404(app, built):
    anonymous = app.test_client()
    for path in ("/check/0000-0000-0000", "/check/nonsense", "/check/" + "9" * 400, "/check/%00",
                 "/check/<script>", "/check/7K3M-0Q9T-D21U"):
        page = anonymous.get(path)
        assert page.status_code == 404, path
        assert "ไม่พบเอกสารที่มีรหัสตรวจสอบนี้" in page.get_data(as_text=True), path
    typed = anonymous.get("/check", query_string={"code": "not a code"})
    assert typed.status_code == 404 and "รหัสตรวจสอบไม่ถูกต้อง" in typed.get_data(as_text=True)
    assert anonymous.get("/check").status_code == 200


def test_national_and_province_prints_carry_codes_that_check(app, client, built):
    login(client, "national")
    national = _code(client.get("/reports/print/comparison?base=2569&year=2570&through=1&status=confirmed"))
    province = _code(client.get("/reports/print/comparison?base=2569&year=2570&through=1&status=confirmed"
                                "&province=50"))
    assert national != province
    anonymous = app.test_client()
    for code in (national, province):
        page = anonymous.get(f"/check/{code}")
        assert _state(page) == "matches", code
        assert not [s for s in world.SECRETS if s in page.get_data(as_text=True)]
    # S2's installment is confirmed now: confirmed totals change in Chiang Mai and the nation, not elsewhere
    users = _users(app, "verifier50")
    with app.app_context():
        lao = db.session.scalar(select(Lao).where(Lao.code == "P-S2"))
        world.review(db.session.get(User, users["verifier50"].id), lao, 2570, 1, "confirm")
        db.session.commit()
    for code in (national, province):
        page = anonymous.get(f"/check/{code}")
        assert page.status_code == 200 and _state(page) == "changed", code
        assert "เปลี่ยนแปลงครั้งแรกเมื่อ" in page.get_data(as_text=True)


def test_a_print_of_another_province_is_unaffected_by_chiang_mai(app, client, built):
    login(client, "national")
    chiang_rai = _code(client.get("/reports/print/comparison?base=2569&year=2570&through=1&status=confirmed"
                                  "&province=57"))
    users = _users(app, "verifier50")
    with app.app_context():
        lao = db.session.scalar(select(Lao).where(Lao.code == "P-S2"))
        world.review(db.session.get(User, users["verifier50"].id), lao, 2570, 1, "confirm")
        db.session.commit()
    assert _state(app.test_client().get(f"/check/{chiang_rai}")) == "matches"


def test_check_is_rate_limited(app, built):
    app.config["CHECK_LIMIT"] = "3 per minute"
    try:
        anonymous = app.test_client()
        answers = [anonymous.get("/check/0000-0000-0000").status_code for _ in range(5)]
    finally:
        app.config["CHECK_LIMIT"] = "30 per minute;300 per hour"
    assert answers[:3] == [404, 404, 404] and answers[-1] == 429
