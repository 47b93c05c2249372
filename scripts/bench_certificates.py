"""Server time and SQL statements of the print pages (which issue a certificate), /check and /public (not a test).

Run: .venv/bin/python scripts/bench_certificates.py [DATABASE_URL]
Builds a throwaway SQLite database (or uses the given empty database, migrated on the fly) with the province of
300 LAOs of tests.verify.measure_matrix (FY2569 a year of reports, FY2570 installment 1 recorded), confirms half of
FY2570/1 (the rollup rebuilt), adds an officer and a national viewer, then drives each page through the Flask test
client and prints the statements of one request and the median time of 20. A page the checkout does not have
(404) is reported as absent, so the same script measures the code before and after the certificates.
"""

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, select, text  # noqa: E402

from app import create_app, db, migrate, totals  # noqa: E402
from app.auth.operations import new_session_token  # noqa: E402
from app.auth.passwords import hash_password  # noqa: E402
from app.models import Lao, User  # noqa: E402
from tests.verify.measure_matrix import build  # noqa: E402

RUNS = 20
TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CODE_RE = re.compile(r'data-testid="certificate-code">([^<]+)<')
COMPARISON = "base=2569&year=2570&through=1&status=confirmed"


def login(client, username: str) -> None:
    """Sign in through the real form."""
    page = client.get("/login").get_data(as_text=True)
    token = TOKEN_RE.search(page).group(1)
    resp = client.post("/login", data={"username": username, "password": "measure-pass", "csrf_token": token})
    assert resp.status_code == 302, resp.status_code


def main() -> None:
    """Build the data, then print each page's statements and median time."""
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    url = args[0] if args else f"sqlite:///{Path(tempfile.mkdtemp()) / 'certificates.db'}"
    migrate.upgrade(url)
    app = create_app("testing", DATABASE_URL=url, TODAY="2026-11-21")
    build(app)
    with app.app_context():
        lao = db.session.scalar(select(Lao).where(Lao.code == "M00001"))
        for name, role, lao_id in (("officer", "lao_officer", lao.id), ("national", "national_viewer", None)):
            db.session.add(User(username=name, password_hash=hash_password("measure-pass"), role=role, lao_id=lao_id,
                                full_name=name, session_token=new_session_token()))
        db.session.execute(text("UPDATE installment_reports SET status = 'confirmed' WHERE lao_id % 2 = 1 AND "
                                "installment_id = (SELECT id FROM installments WHERE fiscal_year = 2570 AND number = 1)"))
        totals.rebuild(db.session.connection())
        db.session.commit()
    statements = [0]
    event.listen(app.extensions["engine"], "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))
    officer, national, anonymous = app.test_client(), app.test_client(), app.test_client()
    login(officer, "officer")
    login(national, "national")
    code = None
    first = officer.get("/entry/M00001/2570/1/print").get_data(as_text=True)
    if CODE_RE.search(first):
        code = CODE_RE.search(first).group(1)
    pages = [
        ("LAO certification print", officer, "/entry/M00001/2570/1/print"),
        ("national comparison print", national, f"/reports/print/comparison?{COMPARISON}"),
        ("province comparison print (300 LAOs)", national, f"/reports/print/comparison?{COMPARISON}&province=50"),
        ("/check/<code> (LAO paper)", anonymous, f"/check/{code}" if code else "/check/0000-0000-0000"),
        ("/public/", anonymous, "/public/"),
        ("/public/province/50", anonymous, "/public/province/50"),
        ("/public/data.csv", anonymous, "/public/data.csv"),
    ]
    for label, client, path in pages:
        first_response = client.get(path)
        if first_response.status_code == 404:
            print(f"{label}: absent (404)")
            continue
        assert first_response.status_code == 200, (path, first_response.status_code)
        statements[0] = 0
        client.get(path)
        count = statements[0]
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{label}: {count} SQL statements, {statistics.median(times):.1f} ms median of {RUNS}")
    etag = anonymous.get("/public/data.csv").headers.get("ETag")
    if etag:
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            assert anonymous.get("/public/data.csv", headers={"If-None-Match": etag}).status_code == 304
            times.append((time.perf_counter() - start) * 1000)
        print(f"/public/data.csv conditional (304): {statistics.median(times):.1f} ms median of {RUNS}")


if __name__ == "__main__":
    main()
