"""Benchmark: import a generated 24,000-row figures file (dry run, real run, re-import) and bulk LAO accounts.

The file holds FY2569's twelve monthly installments of 1,000 SAOs, two items each (24,000 rows), as an
administrator would upload it. Each phase runs the same use case as `flask import entries` and the admin page.
Target: dry run + real run under 5 s on SQLite.

Usage: .venv/bin/python scripts/bench_import.py [--database-url URL] [--rows 24000] [--xlsx] [--accounts N]
       (default: a temporary SQLite file; --accounts N also times creating N LAO-officer accounts)
"""

import argparse
import csv
import io
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select, text  # noqa: E402

from app import create_app, db, migrate  # noqa: E402

COLUMNS = ("fiscal_year", "lao_code", "installment", "item_code", "amount")
ITEMS = ("LAND_BUILDING", "SIGNBOARD")
TODAY = date(2026, 11, 21)  # FY2569 (Oct 2025 - Sep 2026) has ended


def make_rows(n_rows: int) -> list[tuple]:
    """`n_rows` figure rows: LAO x installment x item, amounts with satang."""
    per_lao = 12 * len(ITEMS)
    n_laos = -(-n_rows // per_lao)
    rows = [(2569, f"B{i:05d}", inst, item, f"{(i * 7919 + inst * 104729) % 5_000_000}.{(i + inst) % 100:02d}")
            for i in range(n_laos) for inst in range(1, 13) for item in ITEMS]
    return rows[:n_rows], n_laos


def file_bytes(rows: list[tuple], xlsx: bool) -> bytes:
    """The rows as CSV text or as an XLSX workbook (numbers typed as numbers)."""
    if xlsx:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(COLUMNS)
        for r in rows:
            ws.append([r[0], r[1], r[2], r[3], float(r[4])])
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def setup(n_laos: int, accounts: int) -> None:
    """Reference data, FY2569 and the SAOs the file names (plus LAOs for the account benchmark)."""
    from app.models import District, Lao
    from app.reference import create_fiscal_year, seed_geography, seed_items

    seed_geography()
    seed_items()
    create_fiscal_year(2569, "monthly")
    districts = db.session.execute(select(District.id, District.province_id).order_by(District.code)).all()
    total = max(n_laos, accounts)
    db.session.execute(insert(Lao.__table__), [
        {"code": f"B{i:05d}", "name_th": f"อบต.ทดสอบ{i}", "name_en": f"Bench SAO {i}", "lao_type": "SAO",
         "municipality_class": None, "province_id": districts[i % len(districts)][1],
         "district_id": districts[i % len(districts)][0], "active": True} for i in range(total)])
    db.session.commit()


def timed(label: str, fn):
    """Run fn(), print and return (seconds, result)."""
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    print(f"{label:<34}{elapsed:7.2f} s")
    return elapsed, result


def main() -> None:
    """Generate the file, time dry run, real run and re-import; optionally time bulk account creation."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="an EMPTY database (default: temporary SQLite file)")
    parser.add_argument("--rows", type=int, default=24000)
    parser.add_argument("--xlsx", action="store_true", help="upload an XLSX instead of a CSV")
    parser.add_argument("--accounts", type=int, default=0, help="also create this many LAO-officer accounts")
    parser.add_argument("--workers", type=int, default=None, help="hashing processes (default: CPU count)")
    args = parser.parse_args()
    tmp = None
    url = args.database_url
    if not url:
        tmp = tempfile.TemporaryDirectory()
        url = f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    migrate.upgrade(url)
    app = create_app("development", DATABASE_URL=url, TODAY=TODAY.isoformat())
    from app.admin import accounts, imports
    from app.admin.imports import Upload
    from app.models import Entry, InstallmentReport

    rows, n_laos = make_rows(args.rows)
    data = file_bytes(rows, args.xlsx)
    upload = Upload("bench.xlsx" if args.xlsx else "bench.csv", data)
    print(f"database                          {url.split('@')[-1]}")
    print(f"file                              {len(rows):,} rows, {len(data) / 1e6:.1f} MB "
          f"{'XLSX' if args.xlsx else 'CSV'}, {n_laos:,} LAOs x 12 installments x {len(ITEMS)} items")
    with app.app_context():
        setup(n_laos, args.accounts)

        def run(dry_run: bool):
            plan = imports.import_figures(None, None, upload, "entries", dry_run=dry_run, today=TODAY,
                                          ceiling=Decimal("10000000000"))
            assert not plan.errors, plan.errors[:5]
            if dry_run:
                db.session.rollback()
            else:
                db.session.commit()
            return plan

        dry, plan = timed("dry run (read + check)", lambda: run(True))
        assert len(plan.creates) == len(rows)
        real, plan = timed("real run (check + write + commit)", lambda: run(False))
        again, plan2 = timed("re-import (no change)", lambda: run(False))
        assert not plan2.has_changes
        entries = db.session.scalar(select(func.count(Entry.id)))
        reports = db.session.scalar(select(func.count(InstallmentReport.id)))
        print(f"{'dry run + real run':<34}{dry + real:7.2f} s (target < 5 s)")
        print(f"stored                            {entries:,} entries, {reports:,} installment reports")
        print(f"import_dry_s={dry:.2f} import_real_s={real:.2f} import_total_s={dry + real:.2f} "
              f"reimport_s={again:.2f} rows={len(rows)}")
        if args.accounts:
            db.session.execute(text("SELECT 1"))
            result = accounts.bulk_create_lao_accounts(None, None, None, workers=args.workers)
            db.session.commit()
            print(f"bulk accounts                     {len(result.accounts):,} accounts in {result.seconds:.1f} s "
                  f"(hashing {result.hash_seconds:.1f} s in {result.workers} process(es))")
            print(f"accounts={len(result.accounts)} accounts_s={result.seconds:.1f} "
                  f"hash_s={result.hash_seconds:.1f} workers={result.workers}")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
