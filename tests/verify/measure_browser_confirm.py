"""Time a verifier's first and second bulk confirm in Chromium at 1280 x 800 on the national demo data (not a test).

Run: .venv/bin/python -m tests.verify.measure_browser_confirm DEMO_DB_URL
DEMO_DB_URL holds the national demo data (a copy: the confirms write to it). A fresh app is served by a threaded
werkzeug server; the demo verifier signs in, opens the verification screen, presses "select all without
warnings", then the save button; the time is from the click to the loaded result page, as a person sees it.
"""

import sys
import threading
import time

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from app import create_app
from app.demo import DEMO_PASSWORD
from tests.conftest import CHROMIUM, CHROMIUM_ARGS


def confirm_once(page, base: str) -> tuple[float, int, str]:
    """Select the clean rows, save; ms from the click to the loaded page, rows ticked, the first alert's text."""
    page.goto(f"{base}/verify/")
    page.click("#check-clean")
    ticked = int(page.locator("#ticked-count").inner_text())
    start = time.perf_counter()
    page.click("#review-submit")
    page.wait_for_load_state("load")
    ms = (time.perf_counter() - start) * 1000
    alert = page.locator(".alert").first.inner_text()[:70] if page.locator(".alert").count() else ""
    return ms, ticked, alert


def main() -> None:
    """Serve, sign in, confirm twice, print the times."""
    app = create_app("development", DATABASE_URL=sys.argv[1], TODAY="2026-12-02")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 800}).new_page()
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "demo_province")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("load")
        for attempt in ("first", "second"):
            ms, ticked, alert = confirm_once(page, base)
            print(f"{attempt} bulk confirm in the browser: {ms:.0f} ms for {ticked} ticked rows -> {alert!r}")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
