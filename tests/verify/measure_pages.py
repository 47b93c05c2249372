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
THINK_TIME = 6.0  # seconds between signing in and the first confirm (a person reads the screen first)
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
        print(f"  each of its {len(pages)} pages: largest {max(sizes) / 1024:.0f} KiB, slowest {max(times):.0f} ms, "
              f"median {sorted(times)[len(times) // 2]:.0f} ms")


def _confirm(reader, writer, n: int) -> tuple[int, float, float]:
    """Read the screen on `reader`, confirm its first `n` clean recorded rows on `writer` and follow the redirect
    there: rows confirmed, ms of the POST, ms of the page it redirects to."""
    html = reader.get("/verify/?status=recorded").get_data(as_text=True)
    rows = ROW_RE.findall(html)[:n]
    cookie = reader.get_cookie("session")  # the browser's one cookie jar: the CSRF token lives in the session
    if cookie is not None and writer is not reader:
        writer.set_cookie("session", cookie.value)
    form = {"csrf_token": TOKEN_RE.search(html).group(1), "action": "confirm", "position": "นักวิชาการ",
            "phone": "053-000000", "reason": "", "row": rows, "status": "recorded"}
    start = time.perf_counter()
    resp = writer.post("/verify/review", data=form)
    post_ms = (time.perf_counter() - start) * 1000
    assert resp.status_code == 302, resp.status_code
    start = time.perf_counter()
    assert writer.get(resp.headers["Location"]).status_code == 200
    return len(rows), post_ms, (time.perf_counter() - start) * 1000


def first_confirm(url: str, profile: bool) -> None:
    """The demo verifier's first and second bulk confirm after signing in, as with two workers behind a proxy:
    worker B (fresh) serves the sign-in, worker A the screen the rows are ticked on, worker B the confirm and the
    page it redirects to."""
    worker_a = create_app("development", DATABASE_URL=url, TODAY="2026-12-02").test_client()
    worker_b = create_app("development", DATABASE_URL=url, TODAY="2026-12-02").test_client()
    started = time.perf_counter()
    login(worker_b, "demo_province")
    login_ms = (time.perf_counter() - started) * 1000
    cookie = worker_b.get_cookie("session")
    assert cookie is not None
    worker_a.set_cookie("session", cookie.value)
    time.sleep(THINK_TIME)  # the verifier looks at the screen and ticks rows
    prof = cProfile.Profile() if profile else None
    if prof:
        prof.enable()
    n, post_ms, page_ms = _confirm(worker_a, worker_b, 30)
    if prof:
        prof.disable()
    print(f"first bulk confirm of {n} rows on a fresh worker: {post_ms + page_ms:.0f} ms "
          f"(POST {post_ms:.0f} ms + the page it redirects to {page_ms:.0f} ms; sign-in {login_ms:.0f} ms)")
    n, post_ms, page_ms = _confirm(worker_a, worker_b, 30)
    print(f"second bulk confirm of {n} rows: {post_ms + page_ms:.0f} ms (POST {post_ms:.0f} ms + page {page_ms:.0f} ms)")
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(r"app/", 25)


def main() -> None:
    """Both measurements on the given demo database."""
    url = sys.argv[1]
    national_lists(url)
    first_confirm(url, "--profile" in sys.argv)


if __name__ == "__main__":
    main()
