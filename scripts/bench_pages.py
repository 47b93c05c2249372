"""Per-page SQL statement count and server time of the officer and verifier pages (not a test).

Run: .venv/bin/python scripts/bench_pages.py [DATABASE_URL]
Builds a throwaway SQLite database (or uses the given empty database, migrated on the fly) with a province
of 300 LAOs (tests.verify.measure_matrix.build), one LAO officer and one verifier, then drives the pages
through the Flask test client: every statement of the request is counted (the session's user loader
included), and the median of 20 runs of each page is printed, with the verification table's template
rendering alone.
"""

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, select  # noqa: E402

from app import create_app, db, migrate  # noqa: E402
from app.auth.operations import new_session_token  # noqa: E402
from app.auth.passwords import hash_password  # noqa: E402
from app.models import Lao, User  # noqa: E402
from tests.verify.measure_matrix import build  # noqa: E402

RUNS = 20
TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Counter:
    """Counts the statements an engine executes between reset() calls."""

    def __init__(self, engine) -> None:
        self.n = 0
        self.statements: list[str] = []
        event.listen(engine, "before_cursor_execute", self._on)

    def _on(self, _conn, _cursor, statement, *_args) -> None:
        self.n += 1
        self.statements.append(statement)

    def reset(self) -> None:
        """Start counting afresh."""
        self.n = 0
        self.statements = []


def login(client, username: str, password: str) -> None:
    """Sign in through the real form."""
    page = client.get("/login").get_data(as_text=True)
    token = TOKEN_RE.search(page).group(1)
    resp = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert resp.status_code == 302, resp.status_code


def form_data(html: str) -> dict[str, str]:
    """The values of every input of the entry form on `html`, certified."""
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data[name] = value
    for name in re.findall(r'<input[^>]*name="(amount_[^"]+)"', html):
        data.setdefault(name, "")
    data["certify"] = "y"
    for name in ("recorder_name", "recorder_position", "recorder_phone"):
        data[name] = data.get(name) or "ผู้บันทึก"
    return data


def measure(counter: Counter, fn, prepare=None, runs: int = RUNS) -> tuple[int, list[str], float]:
    """SQL statements of one call of `fn` (after `prepare`, not counted) and the median of `runs` calls in ms."""
    arg = prepare() if prepare else None
    fn(arg)
    arg = prepare() if prepare else None
    counter.reset()
    fn(arg)
    count, statements = counter.n, list(counter.statements)
    times = []
    for _ in range(runs):
        arg = prepare() if prepare else None
        start = time.perf_counter()
        fn(arg)
        times.append((time.perf_counter() - start) * 1000)
    return count, statements, statistics.median(times)


def main() -> None:
    """Build, sign in as an officer and a verifier, and print each page's figures."""
    tmp = tempfile.mkdtemp()
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    url = args[0] if args else f"sqlite:///{Path(tmp) / 'pages.db'}"
    migrate.upgrade(url)
    app = create_app("testing", DATABASE_URL=url, TODAY="2026-11-21")
    build(app)
    with app.app_context():
        lao = db.session.scalar(select(Lao).where(Lao.code == "M00001"))
        db.session.add(User(username="officer", password_hash=hash_password("measure-pass"), role="lao_officer",
                            lao_id=lao.id, full_name="ผู้บันทึก", session_token=new_session_token()))
        db.session.commit()
    counter = Counter(app.extensions["engine"])
    verbose = "-v" in sys.argv

    officer = app.test_client()
    login(officer, "officer", "measure-pass")
    form_url = "/entry/M00001/2570/1"

    def fresh_form():
        return form_data(officer.get(form_url).get_data(as_text=True))

    def save(data):
        resp = officer.post(form_url, data=data)
        assert resp.status_code == 302, (resp.status_code, resp.get_data(as_text=True)[:2000])
        page = officer.get(resp.headers["Location"])
        assert page.status_code == 200

    def save_only(data):
        resp = officer.post(form_url, data=data)
        assert resp.status_code == 302, resp.status_code

    def ok(resp):
        assert resp.status_code == 200, resp.status_code

    verifier = app.test_client()
    login(verifier, "verifier", "measure-pass")
    pages = [
        ("LAO home", lambda _: ok(officer.get("/entry/")), None),
        ("entry form GET", lambda _: ok(officer.get(form_url)), None),
        ("save POST", save_only, fresh_form),
        ("save POST + redirect target", save, fresh_form),
        ("verification screen, 300 rows", lambda _: ok(verifier.get("/verify/?year=2570&number=1")), None),
    ]
    for label, fn, prepare in pages:
        count, statements, ms = measure(counter, fn, prepare)
        print(f"{label}: {count} SQL statements, {ms:.1f} ms median of {RUNS}")
        if verbose:
            for s in statements:
                print("    ", " ".join(s.split())[:160])
    render_ms = render_verification_table(app)
    print(f"verification table template alone, 300 rows: {render_ms:.1f} ms median of {RUNS}")


def render_verification_table(app) -> float:
    """Median ms spent in render_template for the verification screen of 300 rows (the view's SQL excluded):
    the verify views' render_template is wrapped with a timer for these requests only."""
    from app.verify import routes as verify_routes

    client = app.test_client()
    login(client, "verifier", "measure-pass")
    spent: list[float] = []
    original = verify_routes.render_template

    def timed_render(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append((time.perf_counter() - start) * 1000)

    verify_routes.render_template = timed_render
    try:
        for _ in range(RUNS + 1):
            assert client.get("/verify/?year=2570&number=1").status_code == 200
    finally:
        verify_routes.render_template = original
    return statistics.median(spent[1:])


if __name__ == "__main__":
    main()
