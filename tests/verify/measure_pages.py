"""Measure the whole-country INR911 with lists and the first bulk confirm after signing in, on the national demo
data (not a test).

Run: .venv/bin/python -m tests.verify.measure_pages DEMO_DB_URL [--profile]
DEMO_DB_URL is a database holding the national demo data (`flask demo`, e.g. a copy of a SQLite file: the confirm
writes to it). Prints the size and time of `/verify/status?lists=1` (every page of it when paginated) as the demo
national viewer, then, in a freshly created app (cold per-process caches, as after a restart), the time of the demo
verifier's first bulk confirm of every clean recorded row after signing in, and of a second one.
"""

import cProfile
import pstats
import re
import sys
import time

from app import create_app
from app.demo import DEMO_PASSWORD

TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ROW_RE = re.compile(r'name="row" value="(\d+:\d+)"\s+data-warn="0"')


def login(client, username: str) -> None:
    """Sign in through the real form."""
    token = TOKEN_RE.search(client.get("/login").get_data(as_text=True)).group(1)
    resp = client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token})
    assert resp.status_code == 302, resp.status_code


def timed_get(client, url: str) -> tuple[float, int, str]:
    """Wall time in ms, size in bytes and body of GET `url`."""
    start = time.perf_counter()
    resp = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert resp.status_code == 200, (url, resp.status_code)
    return elapsed, len(resp.get_data()), resp.get_data(as_text=True)


def national_lists(url: str) -> None:
    """Size and time of the whole-country INR911 with lists (each of its pages when it has pages)."""
    app = create_app("development", DATABASE_URL=url, TODAY="2026-12-02")
    client = app.test_client()
    login(client, "demo_national")
    client.get("/verify/status")  # warm-up
    ms, size, html = timed_get(client, "/verify/status?lists=1")
    print(f"INR911 whole country ?lists=1: {ms:.0f} ms, {size / 1024:.0f} KiB")
    pages = sorted({int(p) for p in re.findall(r"[?&;]page=(\d+)", html)})
    if pages:
        sizes, times = [], []
        for p in pages:
            ms, size, _ = timed_get(client, f"/verify/status?lists=1&page={p}")
            sizes.append(size)
            times.append(ms)
        print(f"  {len(pages) + 0} further pages: largest {max(sizes) / 1024:.0f} KiB, slowest {max(times):.0f} ms, "
              f"median {sorted(times)[len(times) // 2]:.0f} ms")


def first_confirm(url: str, profile: bool) -> None:
    """The demo verifier's first and second bulk confirm after signing in, in a fresh app."""
    app = create_app("development", DATABASE_URL=url, TODAY="2026-12-02")
    client = app.test_client()
    started = time.perf_counter()
    login(client, "demo_province")
    login_ms = (time.perf_counter() - started) * 1000
    for attempt in ("first", "second"):
        ms_page, _size, html = timed_get(client, "/verify/?status=recorded")
        rows = ROW_RE.findall(html)[:25]
        form = {"csrf_token": TOKEN_RE.search(html).group(1), "action": "confirm", "position": "นักวิชาการ",
                "phone": "053-000000", "reason": "", "row": rows}
        for name in ("province", "year", "number", "status"):
            m = re.search(rf'<input id="{name}" name="{name}" type="hidden" value="([^"]*)"', html)
            if m:
                form[name] = m.group(1)
        prof = cProfile.Profile() if profile and attempt == "first" else None
        start = time.perf_counter()
        if prof:
            prof.enable()
        resp = client.post("/verify/review", data=form)
        if prof:
            prof.disable()
        ms = (time.perf_counter() - start) * 1000
        assert resp.status_code == 302, resp.status_code
        print(f"{attempt} bulk confirm of {len(rows)} rows: {ms:.0f} ms (page before it {ms_page:.0f} ms; "
              f"sign-in {login_ms:.0f} ms)")
        if prof:
            pstats.Stats(prof).sort_stats("cumulative").print_stats(30)


def main() -> None:
    """Both measurements on the given demo database."""
    url = sys.argv[1]
    national_lists(url)
    first_confirm(url, "--profile" in sys.argv)


if __name__ == "__main__":
    main()
