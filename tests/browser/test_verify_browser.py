"""A provincial verifier confirms and returns installments in the browser; the LAO sees the lock and the reason."""

import pytest

from app import db
from app.domain.errors import LockedError
from tests import factories as f
from tests.browser.conftest import ARTIFACTS, browser_login, shot
from tests.verify.conftest import build_world, inst, record, record_as_officer

pytestmark = pytest.mark.browser


def _seed(app) -> dict:
    """The verify world with figures: two plain SAOs, a municipality with an explained warning, a matrix year."""
    with app.app_context():
        world = build_world()
        laos, installment = world["laos"], world["inst"]
        for i in range(5):
            f.lao("SAO", "50", f"50{(i % 3) + 3:02d}", name_th=f"อบต.บ้านใหม่{i + 1}")
        record(laos["sao1"], world["prior"], {"LAND_BUILDING": "120000.00", "SIGNBOARD": "8000.00"},
               status="confirmed")
        record(laos["mun"], world["prior"], {"LAND_BUILDING": "300000.00", "SIGNBOARD": "20000.00"},
               status="confirmed")
        record(laos["sao1"], installment, {"LAND_BUILDING": "125400.50", "SIGNBOARD": "7900.00"})
        record(laos["sao2"], installment, {"LAND_BUILDING": "64000.00", "SIGNBOARD": "3100.00"},
               recorder="มานี มีนา", late=True)
        record(laos["mun"], installment, {"LAND_BUILDING": "1250000.00", "SIGNBOARD": "21000.00"},
               explanations={"LAND_BUILDING": "ห้างสรรพสินค้าแห่งใหม่ชำระภาษีทั้งปีในงวดนี้"})
        # a year of history for the progress matrix
        for number in range(1, 13):
            if number > 1:
                record(laos["sao1"], inst(2569, number), status="confirmed")
            if number not in (1, 4):
                record(laos["mun"], inst(2569, number), status="confirmed" if number < 11 else "recorded",
                       late=number == 12)
            if number < 10:
                record(laos["pao"], inst(2569, number), {"PAO_OIL": "1.00", "PAO_TOBACCO": "1.00",
                                                         "PAO_HOTEL": "1.00"},
                       status="returned" if number == 9 else "confirmed")
        db.session.commit()
    return world


def _tick(page, code: str) -> None:
    """Tick the row of LAO `code` in part 1."""
    page.get_by_test_id(f"row-{code}").locator("input.row-check").check()


def test_verifier_confirms_and_returns_and_the_lao_sees_it(app, live_server, page, browser):
    world = _seed(app)
    browser_login(page, live_server, "verifier", f.PASSWORD)
    page.goto(f"{live_server}/verify/")
    assert "ปีงบประมาณ 2570 งวดที่ 1" in page.get_by_test_id("installment-info").inner_text()
    assert "3" in page.get_by_test_id("count-recorded").inner_text()
    mun_row = page.get_by_test_id("row-CM-MUN").inner_text()
    assert "ห้างสรรพสินค้าแห่งใหม่" in mun_row and "1,271,000.00" in mun_row
    shot(page, "verify-screen")

    # "select all without warnings" ticks the two SAOs, not the municipality with its warning
    page.click("#check-clean")
    assert page.locator("#ticked-count").inner_text() == "2"
    assert not page.get_by_test_id("row-CM-MUN").locator("input.row-check").is_checked()
    page.get_by_test_id("row-CM-SAO2").locator("input.row-check").uncheck()
    assert page.locator("#ticked-count").inner_text() == "1"
    page.click("#review-submit")
    page.wait_for_load_state("networkidle")
    assert "ยืนยันข้อมูลแล้ว 1 แห่ง" in page.content()
    assert "ยืนยันแล้ว" in page.get_by_test_id("status-CM-SAO1").inner_text()
    assert "บันทึกแล้ว" in page.get_by_test_id("status-CM-SAO2").inner_text()
    shot(page, "verify-result")

    # the LAO finds the confirmed installment locked
    with app.app_context():
        with pytest.raises(LockedError):
            record_as_officer(world["users"]["officer"], world["laos"]["sao1"], world["inst"],
                              {"LAND_BUILDING": "1.00", "SIGNBOARD": "1.00"})
        db.session.rollback()
    lao_page = browser.new_context(locale="th-TH", viewport={"width": 1366, "height": 900}).new_page()
    if "entry.edit" in app.view_functions:
        browser_login(lao_page, live_server, "officer", f.PASSWORD)
        lao_page.goto(f"{live_server}/entry/CM-SAO1/2570/1")
        assert lao_page.get_by_test_id("locked").is_visible()
        assert lao_page.locator("#entry-form").count() == 0

    # returning without a reason is refused and nothing changes; with a reason it goes through
    _tick(page, "CM-SAO2")
    page.check("input.action-choice[value=return]")
    assert page.locator("#reason").evaluate("el => el.required")
    page.click("#review-submit")
    page.wait_for_load_state("networkidle")
    assert "กรุณาระบุเหตุผล" in page.content()
    assert "บันทึกแล้ว" in page.get_by_test_id("status-CM-SAO2").inner_text()
    assert page.get_by_test_id("row-CM-SAO2").locator("input.row-check").is_checked()  # tick kept
    page.fill("#reason", "ภาษีป้ายต่ำกว่าปีก่อนมาก โปรดตรวจสอบใบเสร็จ")
    page.click("#review-submit")
    page.wait_for_load_state("networkidle")
    assert "ส่งกลับให้ อปท. แก้ไขแล้ว 1 แห่ง" in page.content()
    assert "ส่งกลับแก้ไข" in page.get_by_test_id("status-CM-SAO2").inner_text()

    if "entry.edit" in app.view_functions:
        lao_page.context.clear_cookies()
        browser_login(lao_page, live_server, "officer2", f.PASSWORD)
        lao_page.goto(f"{live_server}/entry/CM-SAO2/2570/1")
        assert "ภาษีป้ายต่ำกว่าปีก่อนมาก โปรดตรวจสอบใบเสร็จ" in lao_page.get_by_test_id("review-note").inner_text()
        assert lao_page.locator("#entry-form").count() == 1  # reopened for correction
    lao_page.context.close()

    # INR911 and the progress matrix
    page.goto(f"{live_server}/verify/status")
    assert "3 (33.33%)" in page.get_by_test_id("total-recorded").inner_text()  # 3 of 9 LAOs
    assert "6 (66.67%)" in page.get_by_test_id("total-not-recorded").inner_text()
    shot(page, "inr911")
    page.goto(f"{live_server}/verify/matrix?year=2569")
    assert page.get_by_test_id("m-CM-SAO1").locator("td.mk-confirmed").count() == 12
    assert page.get_by_test_id("m-CM-MUN").locator("td.mk-late").count() == 1
    page.click("text=ประเภท")
    page.wait_for_load_state("networkidle")
    assert "sort=type" in page.url
    shot(page, "matrix")


# --------------------------------------------------------------------------- a 300-LAO province at 1280 x 800

LONG_NAME = "องค์การบริหารส่วนตำบลบ้านหนองบัวเหนือพัฒนาสามัคคีเฉลิมพระเกียรติ"


def _seed_300(app) -> None:
    """tests.verify.measure_matrix's province of 300 SAOs (FY2569 history, 2570/1 recorded by all), one of them
    with a very long name, plus a PAO with its own items, so the folded item columns have something to show."""
    from sqlalchemy import select

    from app.models import Lao, Province
    from tests.verify.measure_matrix import build

    build(app)
    with app.app_context():
        lao = db.session.scalar(select(Lao).where(Lao.code == "M00007"))
        lao.name_th = LONG_NAME
        province = db.session.scalar(select(Province).where(Province.code == "50"))
        pao = Lao(code="M-PAO", name_th="องค์การบริหารส่วนจังหวัดเชียงใหม่", name_en="Chiang Mai PAO", lao_type="PAO",
                  province_id=province.id, district_id=lao.district_id, active=True)
        db.session.add(pao)
        db.session.flush()
        record(pao, inst(2570, 1), {"PAO_OIL": "1500000.00", "PAO_TOBACCO": "800000.00", "PAO_HOTEL": "1.00"})
        db.session.commit()


def _viewport_shot(page, name: str) -> None:
    """A screenshot of what the 1280 x 800 window shows (sticky parts where a person sees them)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _in_view(page, selector: str) -> dict:
    """The element's box and whether it lies wholly inside the viewport."""
    return page.locator(selector).first.evaluate(
        """el => { const r = el.getBoundingClientRect();
                   return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                           inside: r.left >= 0 && r.right <= window.innerWidth && r.top >= 0
                                   && r.bottom <= window.innerHeight}; }""")


def test_a_300_lao_province_fits_1280_px_with_sticky_header_and_action_bar(app, live_server, page):
    _seed_300(app)
    page.set_viewport_size({"width": 1280, "height": 800})
    browser_login(page, live_server, "verifier", "measure-pass")
    page.goto(f"{live_server}/verify/?year=2570&number=1")
    assert page.locator("#part1 tbody tr").count() == 301

    # nothing to scroll sideways; the status column and the select boxes are on screen
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    status_head = _in_view(page, "#part1 th.c-status")
    assert status_head["right"] <= 1280 and status_head["left"] >= 0
    for selector in ("#part1 th.c-check", "#part1 th.c-lao", "#part1 th.c-warn"):
        box = _in_view(page, selector)
        assert 0 <= box["left"] and box["right"] <= 1280, (selector, box)
    # the item columns are folded (the PAO's three among them), a button opens them
    assert not page.locator("#part1 th.c-item").first.is_visible()
    # the action bar is reachable at once, at the bottom of the window
    bar = _in_view(page, "#review-box")
    assert bar["inside"] and bar["bottom"] > 700, bar
    _viewport_shot(page, "verify-1280-top")

    # far down the table: the header sticks to the top, the bar to the bottom, the long name stays on one line
    page.get_by_test_id("row-M00150").scroll_into_view_if_needed()
    page.mouse.wheel(0, 1200)
    page.wait_for_timeout(200)
    head = _in_view(page, "#part1 th.c-status")
    assert head["inside"] and head["top"] <= 1, head
    bar = _in_view(page, "#review-box")
    assert bar["inside"], bar
    row = _in_view(page, '[data-testid="status-M00200"]') if page.get_by_test_id("status-M00200").is_visible() \
        else None
    if row is not None:
        assert row["right"] <= 1280
    _viewport_shot(page, "verify-1280-scrolled")
    name = page.get_by_test_id("row-M00007").locator("a.lao-name")
    assert name.get_attribute("title") == LONG_NAME
    lines = name.evaluate("el => [el.scrollWidth > el.clientWidth, el.getClientRects().length, el.offsetHeight]")
    assert lines[0] and lines[1] == 1 and lines[2] < 30, lines  # cut with an ellipsis, one line

    # ticking rows counts them in the bar; the items open and fold again
    page.get_by_test_id("row-M00150").locator("input.row-check").check()
    page.get_by_test_id("row-M00151").locator("input.row-check").check()
    assert page.locator("#ticked-count").inner_text() == "2"
    page.click("#toggle-items")
    assert page.locator("#part1 th.c-item").first.is_visible()
    page.click("#toggle-items")
    assert not page.locator("#part1 th.c-item").first.is_visible()

    # the bar saves from where the verifier is
    page.fill("#position", "นักวิชาการส่งเสริมการปกครองท้องถิ่น")
    page.fill("#phone", "053-112-233")
    page.click("#review-submit")
    page.wait_for_load_state("networkidle")
    assert "ยืนยันข้อมูลแล้ว 2 แห่ง" in page.content()
    _viewport_shot(page, "verify-1280-saved")
    # "select all without warnings" leaves confirmed rows alone (a bulk confirm would refuse them all)
    page.click("#check-clean")
    assert not page.get_by_test_id("row-M00150").locator("input.row-check").is_checked()
    open_clean = page.locator('input.row-check[data-warn="0"][data-open="1"]').count()
    assert 0 < open_clean == int(page.locator("#ticked-count").inner_text())

    # the matrix of 300 LAOs and its exports; INR911 with its exports and print button
    page.goto(f"{live_server}/verify/matrix?year=2569")
    assert page.locator("#matrix tbody tr").count() == 301
    assert page.get_by_test_id("foot-done").is_visible()
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    _viewport_shot(page, "matrix-1280")
    page.goto(f"{live_server}/verify/status?year=2570&number=1")
    assert page.get_by_test_id("exports").is_visible()
    _viewport_shot(page, "inr911-1280")
    page.emulate_media(media="print")
    shot(page, "inr911-print")
    page.emulate_media(media="screen")


def test_disable_asks_for_confirmation_in_the_browser(app, live_server, page):
    _seed(app)
    browser_login(page, live_server, "verifier", f.PASSWORD)
    page.goto(f"{live_server}/verify/accounts")
    page.get_by_test_id("account-officer").get_by_role("link", name="ปิดใช้งาน").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("disable-confirm").is_visible()
    shot(page, "verify-disable-confirm")
    page.click("#confirm-disable")
    page.wait_for_load_state("networkidle")
    assert "ปิดใช้งานบัญชี officer แล้ว" in page.content()
    assert "ปิดใช้งานอยู่" in page.get_by_test_id("account-officer").inner_text()
