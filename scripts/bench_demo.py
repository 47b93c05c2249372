"""Benchmark: build the national demo dataset into a fresh database and print the time and the counts.

Usage: .venv/bin/python scripts/bench_demo.py [--database-url URL]   (default: a temporary SQLite file)
"""

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from app import create_app, db, migrate  # noqa: E402


def main() -> None:
    """Migrate an empty database, build the demo data, and print what it holds and how long it took."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="an EMPTY database (default: temporary SQLite file)")
    parser.add_argument("--today", default=None, help="ISO date the demo is built for (default: today)")
    args = parser.parse_args()
    tmp = None
    url = args.database_url
    if not url:
        tmp = tempfile.TemporaryDirectory()
        url = f"sqlite:///{Path(tmp.name) / 'demo.db'}"
    migrate.upgrade(url)
    app = create_app("development", DATABASE_URL=url)
    with app.app_context():
        from app.demo import build_demo
        from app.models import Entry, Lao

        today = date.fromisoformat(args.today) if args.today else None
        if today is None:
            from app.web import today as app_today

            today = app_today()
        started = time.perf_counter()
        counts = build_demo(today)
        elapsed = time.perf_counter() - started
        by_type = dict(db.session.execute(select(Lao.lao_type, func.count()).group_by(Lao.lao_type)).all())
        entries = db.session.scalar(select(func.count(Entry.id)))
    print(f"database          {url.split('@')[-1]}")
    print(f"build time        {elapsed:.1f} s (target < 60 s)")
    print(f"LAOs              {sum(by_type.values())}  (PAO {by_type.get('PAO', 0)}, municipalities "
          f"{by_type.get('MUNICIPALITY', 0)}, SAO {by_type.get('SAO', 0)})")
    print(f"entries           {entries}")
    print(f"fiscal years      {counts.get('fiscal_years')}")
    print(f"demo_build_s={elapsed:.1f} laos={sum(by_type.values())} pao={by_type.get('PAO', 0)} "
          f"municipalities={by_type.get('MUNICIPALITY', 0)} saos={by_type.get('SAO', 0)} entries={entries}")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
