"""In a real browser: the QR code on the print pages decodes (zxing-cpp) to the check URL, which says the paper
matches; the public page on a phone-sized screen, and with JavaScript off."""

import struct
import zlib

import numpy as np
import pytest
import zxingcpp

from app import db
from tests.browser.conftest import browser_login, shot
from tests.factories import PASSWORD
from tests.public import world

pytestmark = pytest.mark.browser


@pytest.fixture
def built(app):
    """The public world (FY2570/1 partly confirmed)."""
    with app.app_context():
        out = world.build()
        db.session.commit()
        return out


def png_gray(data: bytes) -> np.ndarray:
    """A PNG (8-bit RGB or RGBA, not interlaced: what Chromium's screenshots are) as a grayscale array."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = channels = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and interlace == 0 and colour in (2, 6), (depth, colour, interlace)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    out = np.zeros((height, stride), dtype=np.int32)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        kind, row = line[0], np.frombuffer(line[1:], dtype=np.uint8).astype(np.int32)
        if kind == 0:
            cur = row
        elif kind == 2:
            cur = (row + prev) & 0xFF
        else:  # Sub, Average and Paeth depend on the pixel to the left: byte by byte
            cur = np.zeros(stride, dtype=np.int32)
            for x in range(stride):
                left = cur[x - channels] if x >= channels else 0
                up, corner = prev[x], prev[x - channels] if x >= channels else 0
                if kind == 1:
                    pred = left
                elif kind == 3:
                    pred = (left + up) // 2
                else:
                    p = left + up - corner
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                    pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                cur[x] = (row[x] + pred) & 0xFF
        out[y], prev = cur, cur
    pixels = out.reshape(height, width, channels)[:, :, :3]
    return pixels.mean(axis=2).astype(np.uint8)


def decode_qr(locator) -> str:
    """The text of the QR code shown by `locator`, from the browser's screenshot of it."""
    image = png_gray(locator.screenshot())
    found = zxingcpp.read_barcodes(image)
    assert found, "no QR code found in the screenshot"
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


def test_the_qr_code_on_the_lao_print_decodes_to_its_check_page(app, live_server, page, built):
    browser_login(page, live_server, "officer_S1", PASSWORD)
    page.goto(f"{live_server}/entry/P-S1/2570/1/print")
    qr = page.get_by_test_id("certificate-qr")
    url = decode_qr(qr)
    code = page.get_by_test_id("certificate-code").inner_text()
    assert url == f"{live_server}/check/{code}" == page.get_by_test_id("certificate-url").inner_text()
    shot(page, "certificate_lao_print")
    page.goto(url)
    state = page.get_by_test_id("check-state")
    assert state.get_attribute("data-state") == "matches" and "ตรงกับข้อมูลปัจจุบัน" in state.inner_text()
    assert "1,000.50" in page.get_by_test_id("check-figures").inner_text()
    shot(page, "certificate_check_matches")


def test_the_qr_code_on_the_national_print_decodes_and_a_typed_code_finds_it(app, live_server, page, built):
    browser_login(page, live_server, "national", PASSWORD)
    page.goto(f"{live_server}/reports/print/comparison?base=2569&year=2570&through=1&status=confirmed")
    url = decode_qr(page.get_by_test_id("certificate-qr"))
    code = page.get_by_test_id("certificate-code").inner_text()
    assert url == f"{live_server}/check/{code}"
    shot(page, "certificate_national_print")
    page.goto(f"{live_server}/check")
    page.fill("#code", code.lower().replace("-", " "))
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url == url
    assert page.get_by_test_id("check-state").get_attribute("data-state") == "matches"


def test_the_public_page_on_a_phone(app, live_server, page, built):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/login")
    page.get_by_test_id("public-link").locator("a").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server}/public/"
    assert page.get_by_test_id("public-categories").is_visible()
    assert page.get_by_test_id("public-provinces").is_visible()
    page.wait_for_selector("#chart-public_pct .main-svg")  # the chart drew
    # the page itself does not scroll sideways; the wide table scrolls inside its own box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "public_mobile")
    page.get_by_role("link", name="เชียงใหม่").first.click()
    page.wait_for_load_state("networkidle")
    assert "เมืองเชียงใหม่" in page.get_by_test_id("public-districts").inner_text()
    shot(page, "public_province_mobile")


def test_the_public_page_without_javascript(app, live_server, browser, built):
    context = browser.new_context(locale="th-TH", java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        pg = context.new_page()
        pg.goto(f"{live_server}/public/")
        table = pg.get_by_test_id("public-provinces")
        assert table.is_visible() and "เชียงใหม่" in table.inner_text()
        pg.select_option("#period", "2570-1")
        pg.click("form[data-testid=period-form] button[type=submit]")
        pg.wait_for_load_state("load")
        assert "period=2570-1" in pg.url and pg.get_by_test_id("public-provinces").is_visible()
        shot(pg, "public_no_javascript")
    finally:
        context.close()
