"""Benchmark of the reports as of a past moment at national scale (the dataset of scripts/bench_reports.py).

Usage:
    .venv/bin/python scripts/bench_as_of.py [--database-url URL] [--runs 10]

Needs the dataset scripts/bench_reports.py builds (run it first; default database bench/bench.db). Migrating it to
revision 0012 gives every report one state (its current one); this script adds, once, an earlier "record" state for
every confirmed report (a day before), so the history has about 1.9 states per report as after a real year of saves
and confirmations. Then it times, through the WSGI app with a logged-in national viewer, the national comparison
live and as of a past moment (confirmed figures, like-for-like), the drill-down of the largest province as of that
moment, INR911 nationally as of it, and the as-of CSV export. The last line is machine-readable.
"""

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from app import create_app, db, migrate, snapshots  # noqa: E402
from scripts.bench_reports import BASE_YEAR, TODAY, YEAR, dataset_present, get_ok, log, login, p95, timed  # noqa: E402

AS_OF = "as_of_date=01/11/2569&as_of_time=12:00"  # 2026-11-01 05:00 UTC: after the dataset's stamps (03:00 UTC)


def add_history() -> int:
    """An earlier 'record' state (a day before) for every confirmed report that has only its seeded state."""
    from app.models import ReportState

    s = ReportState.__table__
    if db.session.scalar(select(func.count()).select_from(s).where(s.c.event == "record")):
        return 0
    conn = db.session.connection()
    if not db.session.scalar(select(func.count()).select_from(s)):  # built at revision 0012: nothing migrated
        snapshots.seed(conn, "existing")
    rows = conn.execute(select(s).where(s.c.status == "confirmed")).mappings().all()
    earlier = [{**{k: v for k, v in r.items() if k != "id"}, "at": r["at"] - timedelta(days=1), "event": "record",
                "status": "recorded", "snapshot_id": None, "confirmed_at": None} for r in rows]
    for start in range(0, len(earlier), 20000):
        conn.execute(s.insert(), earlier[start:start + 20000])
    db.session.commit()
    return len(earlier)


def main() -> None:
    """Migrate, add the history once, time the pages, print the table and the machine-readable line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'bench' / 'bench.db'}")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    url = args.database_url
    if not dataset_present(url):
        sys.exit("no benchmark dataset: run scripts/bench_reports.py first")
    started = time.perf_counter()
    migrate.upgrade(url)
    log(f"migrated in {time.perf_counter() - started:.0f} s")
    app = create_app("development", DATABASE_URL=url, TODAY=TODAY)
    with app.app_context():
        added = add_history()
        if added:
            log(f"added {added} earlier states")
            with db.session.get_bind().connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        from app.models import Lao, Province, ReportState

        states = db.session.scalar(select(func.count()).select_from(ReportState))
        reports = db.session.scalar(text("SELECT COUNT(*) FROM installment_reports"))
        largest = db.session.execute(
            select(Province.code, func.count(Lao.id)).join(Lao, Lao.province_id == Province.id)
            .group_by(Province.code).order_by(func.count(Lao.id).desc()).limit(1)).one()[0]
        dialect = db.session.get_bind().dialect.name
    client = app.test_client()
    login(client)
    confirmed = f"base={BASE_YEAR}&year={YEAR}&status=confirmed"
    like = f"base={BASE_YEAR}&year={YEAR}&status=like-for-like"
    runs = args.runs
    results = {}
    for name, url_ in (
            ("national, confirmed, live", f"/reports/?{confirmed}"),
            ("national, confirmed, as of", f"/reports/?{confirmed}&{AS_OF}"),
            ("national, like-for-like, live", f"/reports/?{like}"),
            ("national, like-for-like, as of", f"/reports/?{like}&{AS_OF}"),
            (f"drill-down {largest}, confirmed, as of", f"/reports/province/{largest}?{confirmed}&{AS_OF}"),
            ("INR911 national, as of", f"/verify/status?year={YEAR}&number=12&{AS_OF}"),
            ("comparison.csv, confirmed, as of", f"/reports/export/comparison.csv?{confirmed}&{AS_OF}")):
        log(f"timing {name}")
        results[name] = timed(lambda u=url_: get_ok(client, u), runs)
    print(f"{dialect}: {states:,} report states for {reports:,} reports; {runs} runs each (ms)")
    print(f"{'page':<42}{'median':>10}{'p95':>10}")
    for name, values in results.items():
        print(f"{name:<42}{statistics.median(values):>10.0f}{p95(values):>10.0f}")
    line = " ".join(f"{k.replace(' ', '_').replace(',', '')}={statistics.median(v):.0f}" for k, v in results.items())
    print(f"BENCH_AS_OF {dialect} states={states} {line}")


if __name__ == "__main__":
    main()
