"""Benchmark of the comparison reports at national scale (about 7,850 LAOs, 1.4 million entries).

Usage:
    .venv/bin/python scripts/bench_reports.py [--database-url URL] [--reuse] [--runs 20]

Builds (or with --reuse, reuses) a synthetic dataset of 5 fiscal years x 12 monthly installments for
every LAO of the country, then times, through the WSGI app with a logged-in national viewer:
the national comparison page (confirmed figures, and like-for-like: the pages' default), the bare SQL query computing the same sums from the entries (the floor) and
from the rollup, the province drill-down of the largest province and the xlsx export. The last line is machine-readable.
Default database: bench/bench.db (SQLite, git-ignored). `--database-url` runs it on PostgreSQL.
"""

import argparse
import statistics
import sys
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import geothai  # noqa: E402
import numpy as np  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402

from app import create_app, db, migrate, totals  # noqa: E402

YEARS = (2558, 2559, 2560, 2561, 2562)  # five years that all collect three items per LAO type
BASE_YEAR, YEAR = 2561, 2562
TODAY = "2026-11-21"  # every installment of the dataset has ended
BANGKOK = "10"
N_MUNICIPALITIES, N_SAOS = 2470, 5300
USERNAME, PASSWORD = "bench_national", "bench-pass-2562"
# Share of LAO x installment reports by status: confirmed, recorded, returned, not recorded.
STATUS_P = (0.94, 0.035, 0.005, 0.02)
STATUSES = ("confirmed", "recorded", "returned", "not_recorded")
# Annual national totals per category in baht (domain.md magnitudes).
NATIONAL = {"PAO": 3.3e9, "MUNICIPALITY": 11.4e9, "SAO": 4.8e9}

# The same sums read from the rollup (app/totals.py), as the national comparison now reads them.
ROLLUP_SQL = """
SELECT province_id, lao_type, installment_id, SUM(amount_satang) FROM rollup_totals
WHERE installment_id IN ({ids}) AND status = 'confirmed'
GROUP BY province_id, lao_type, installment_id
"""

# The floor: the sums behind the national table as one bare statement on a DB-API cursor, in the form
# the app uses on each engine (app/reports/queries.py: _sums), with the same installments and status.
FLOOR_SQL = {
    "sqlite": """
SELECT l.province_id, l.lao_type, r.installment_id,
       SUM((SELECT SUM(e.amount_satang) FROM entries e
            WHERE e.installment_id = r.installment_id AND e.lao_id = r.lao_id))
FROM installment_reports r JOIN laos l ON l.id = r.lao_id
WHERE r.installment_id IN ({ids}) AND r.status = 'confirmed'
GROUP BY l.province_id, l.lao_type, r.installment_id
""",
    "postgresql": """
SELECT l.province_id, l.lao_type, s.installment_id, SUM(s.amount)
FROM (SELECT e.installment_id, e.lao_id, SUM(e.amount_satang) AS amount
      FROM entries e WHERE e.installment_id IN ({ids})
      GROUP BY e.installment_id, e.lao_id) s
JOIN installment_reports r ON r.installment_id = s.installment_id AND r.lao_id = s.lao_id
JOIN laos l ON l.id = s.lao_id
WHERE r.installment_id IN ({ids}) AND r.status = 'confirmed'
GROUP BY l.province_id, l.lao_type, s.installment_id
""",
}


def log(message: str) -> None:
    """Progress on stderr, so stdout stays the result table."""
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------
# The synthetic dataset


def _bulk(conn, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert `rows` fast: COPY on PostgreSQL (psycopg), executemany elsewhere."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        with conn.connection.driver_connection.cursor() as cur:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    for start in range(0, len(rows), 200_000):
        conn.exec_driver_sql(sql, rows[start:start + 200_000])


def _laos(rng: np.random.Generator) -> list[tuple]:
    """(code, name_th, name_en, type, municipality class, province code, district code) for every LAO."""
    out = []
    subs = []
    for p in geothai.provinces():
        if p.code == BANGKOK:
            continue
        out.append((f"1{p.code}0000", f"องค์การบริหารส่วนจังหวัด{p.name_th}", f"{p.name_en} PAO", "PAO", None,
                    p.code, f"{p.code}01"))
        for d in geothai.districts(p.code):
            subs.extend(geothai.subdistricts(d.code))
    mun = np.zeros(len(subs), dtype=bool)
    mun[rng.choice(len(subs), N_MUNICIPALITIES, replace=False)] = True
    sao = ~mun  # every subdistrict has an LAO; some also host an SAO beside their municipality
    sao[rng.choice(np.flatnonzero(mun), max(0, N_SAOS - int(sao.sum())), replace=False)] = True
    for s, m, a in zip(subs, mun, sao):
        if m:
            out.append((f"4{s.code}", f"เทศบาลตำบล{s.name_th}", f"Tambon {s.name_en} Municipality", "MUNICIPALITY",
                        "subdistrict", s.province_code, s.district_code))
        if a:
            out.append((f"5{s.code}", f"องค์การบริหารส่วนตำบล{s.name_th}", f"{s.name_en} SAO", "SAO", None,
                        s.province_code, s.district_code))
    return out


def build_dataset(url: str, seed: int = 2562) -> None:
    """Create the schema and fill it with the synthetic national dataset (commits)."""
    from app.auth.operations import new_session_token
    from app.auth.passwords import hash_password
    from app.models import District, FiscalYear, Installment, Province, RevenueItem
    from app.reference import create_fiscal_year, seed_geography, seed_items

    started = time.perf_counter()
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(url)
    app = create_app("development", DATABASE_URL=url, TODAY=TODAY)
    rng = np.random.default_rng(seed)
    with app.app_context():
        seed_geography()
        seed_items()
        for y in YEARS:
            if db.session.get(FiscalYear, y) is None:
                create_fiscal_year(y, "monthly")
        db.session.flush()
        province_id = dict(db.session.execute(select(Province.code, Province.id)).all())
        district_id = dict(db.session.execute(select(District.code, District.id)).all())
        conn = db.session.connection()
        laos = _laos(rng)
        _bulk(conn, "laos", ("code", "name_th", "name_en", "lao_type", "municipality_class", "province_id",
                             "district_id", "active"),
              [(c, th, en, t, mc, province_id[p], district_id[d], True) for c, th, en, t, mc, p, d in laos])
        lao_id = dict(db.session.execute(text("SELECT code, id FROM laos")).all())
        ids = np.array([lao_id[x[0]] for x in laos], dtype=np.int64)
        types = np.array([("PAO", "MUNICIPALITY", "SAO").index(x[3]) for x in laos])
        items = db.session.scalars(select(RevenueItem).order_by(RevenueItem.sort_order)).all()
        insts = db.session.execute(
            select(Installment.id, Installment.fiscal_year_id).where(Installment.fiscal_year_id.in_(YEARS))
            .order_by(Installment.fiscal_year_id, Installment.number)
        ).all()
        n, j = len(laos), len(insts)
        log(f"  {n} LAOs, {j} installments")

        # Sizes: lognormal per LAO, scaled so each category's national annual total is realistic.
        size = np.exp(rng.normal(0.0, 0.8, n))
        for t, name in enumerate(("PAO", "MUNICIPALITY", "SAO")):
            size[types == t] *= NATIONAL[name] * 100 / 12 / size[types == t].sum()  # satang per month
        growth = np.cumprod(1 + np.clip(rng.normal(0.03, 0.06, (n, len(YEARS))), -0.15, 0.2), axis=1)
        status = rng.choice(4, size=(n, j), p=STATUS_P)
        # Report rows (every LAO x installment it touched) and entries (3 items, unless not recorded).
        reports, entries = [], []
        now = datetime(2026, 11, 1, 3, 0, 0)
        stamp = now.isoformat(sep=" ") + ".000000" if conn.dialect.name == "sqlite" else now
        for k, (inst_id, fy) in enumerate(insts):
            applicable = [[it.id for it in items if it.applies(t, fy)] for t in ("PAO", "MUNICIPALITY", "SAO")]
            st = status[:, k]
            amount = (size * growth[:, YEARS.index(fy)] * rng.gamma(8.0, 1 / 8.0, n))[:, None] * rng.dirichlet(
                (5.0, 3.0, 2.0), n)
            amount = amount.astype(np.int64)
            late = rng.random(n) < 0.06
            for i in np.flatnonzero(st != 3).tolist():
                reports.append((int(ids[i]), inst_id, STATUSES[st[i]], stamp, bool(late[i]), False, 1))
                row = amount[i].tolist()
                for c, item_id in enumerate(applicable[types[i]]):
                    entries.append((int(ids[i]), inst_id, item_id, row[c]))
        log(f"  inserting {len(entries)} entries, {len(reports)} reports ({time.perf_counter() - started:.0f} s)")
        _bulk(conn, "entries", ("lao_id", "installment_id", "item_id", "amount_satang"), entries)
        _bulk(conn, "installment_reports", ("lao_id", "installment_id", "status", "recorded_at", "recorded_late",
                                            "confirmed_late", "version"), reports)
        from app.models import User

        totals.rebuild(conn)  # the bulk inserts bypass the session's rollup hooks
        db.session.add(User(username=USERNAME, password_hash=hash_password(PASSWORD), role="national_viewer",
                            full_name="Benchmark viewer", session_token=new_session_token()))
        db.session.commit()
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    engine.dispose()
    log(f"  dataset built in {time.perf_counter() - started:.0f} s")


# --------------------------------------------------------------------------------------------------
# Timing


def dataset_present(url: str) -> bool:
    """Whether `url` already holds the benchmark dataset (its viewer account and entries)."""
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            users = conn.execute(text("SELECT COUNT(*) FROM users WHERE username = :u"), {"u": USERNAME}).scalar()
            entries = conn.execute(text("SELECT COUNT(*) FROM entries")).scalar()
        engine.dispose()
        return bool(users) and entries > 1_000_000
    except Exception:
        return False


class Times(list):
    """Wall-clock milliseconds of each call, and in `cpu` the process's CPU milliseconds of each (what a call costs
    the server whatever else the machine runs; it includes the app's helper threads)."""

    cpu: list[float]


def timed(fn, runs: int) -> Times:
    """Milliseconds of `runs` calls of `fn` (after one warm-up call)."""
    fn()
    out = Times()
    out.cpu = []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        fn()
        out.append((time.perf_counter() - started) * 1000)
        out.cpu.append((time.process_time() - cpu) * 1000)
    return out


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def raw_connection(url: str):
    """A bare DB-API connection (no SQLAlchemy) for the floor."""
    if url.startswith("sqlite"):
        import sqlite3

        return sqlite3.connect(url.removeprefix("sqlite:///"))
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))


def login(client) -> None:
    """Log the benchmark's national viewer in through the login form."""
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": USERNAME, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, "benchmark login failed"


def get_ok(client, url: str):
    """GET `url`, insisting on 200."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def main() -> None:
    """Build or reuse the dataset, time the reports, print the table and the machine-readable line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'bench' / 'bench.db'}")
    parser.add_argument("--reuse", action="store_true", help="reuse the dataset already in the database")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    url = args.database_url
    if args.reuse and dataset_present(url):
        log("reusing the dataset (migrated to the newest revision: a new rollup is built from it)")
        migrate.upgrade(url)
    else:
        log("building the dataset (5 fiscal years x 12 installments, every LAO)")
        build_dataset(url)

    app = create_app("development", DATABASE_URL=url, TODAY=TODAY)
    client = app.test_client()
    login(client)
    with app.app_context():
        from app.models import Entry, Installment, Lao, Province

        entries = db.session.scalar(select(func.count(Entry.id)))
        ids = list(db.session.scalars(select(Installment.id).where(Installment.fiscal_year_id.in_((BASE_YEAR, YEAR)))))
        largest = db.session.execute(
            select(Province.code, func.count(Lao.id)).join(Lao, Lao.province_id == Province.id)
            .group_by(Province.code).order_by(func.count(Lao.id).desc()).limit(1)
        ).one()
        dialect = db.session.get_bind().dialect.name
    # Confirmed figures: the sums the floor and the rollup below compute (the pages default to like-for-like,
    # timed on its own below).
    selection = f"base={BASE_YEAR}&year={YEAR}&status=confirmed"
    like = f"base={BASE_YEAR}&year={YEAR}&status=like-for-like"
    runs = args.runs

    log("timing the national comparison page")
    national = timed(lambda: get_ok(client, f"/reports/?{selection}"), runs)
    log("timing the floor (bare SQL)")
    conn = raw_connection(url)
    sql = FLOOR_SQL[dialect].format(ids=", ".join(str(i) for i in sorted(ids)))
    floor = timed(lambda: conn.execute(sql).fetchall(), runs)
    floor_total = sum(int(r[3] or 0) for r in conn.execute(sql).fetchall())
    rollup_sql = ROLLUP_SQL.format(ids=", ".join(str(i) for i in sorted(ids)))
    rollup_floor = timed(lambda: conn.execute(rollup_sql).fetchall(), runs)
    rollup_total = sum(int(r[3] or 0) for r in conn.execute(rollup_sql).fetchall())
    conn.close()
    log("timing the like-for-like pages (the pages' default)")
    like_national = timed(lambda: get_ok(client, f"/reports/?{like}"), runs)
    like_drill = timed(lambda: get_ok(client, f"/reports/province/{largest[0]}?{like}"), runs)
    log("timing the province drill-down")
    drill = timed(lambda: get_ok(client, f"/reports/province/{largest[0]}?{selection}"), runs)
    log("timing the exports")
    xlsx = timed(lambda: get_ok(client, f"/reports/export/comparison.xlsx?{selection}"), 5)
    rollup = timed(lambda: get_ok(client, f"/reports/province/{largest[0]}/rollup.xlsx?year={YEAR}"), 3)
    csv_text = get_ok(client, f"/reports/export/comparison.csv?{selection}").get_data(as_text=True)
    total_line = csv_text.strip().splitlines()[-1].split(",")
    # The floor sums the same figures as the page: both years of the comparison.
    same = (Decimal(total_line[11]) + Decimal(total_line[12])) * 100 == floor_total

    nat_med, floor_med = statistics.median(national), statistics.median(floor)
    drill_med, xlsx_med, rollup_med = statistics.median(drill), statistics.median(xlsx), statistics.median(rollup)
    ratio = nat_med / floor_med
    print(f"database: {dialect} ({url.split('@')[-1]}), {entries:,} entries, {runs} runs each")
    print(f"{'measurement':<52}{'median ms':>11}{'p95 ms':>10}{'CPU ms':>9}  target")
    print(f"{'national comparison page (WSGI, end to end)':<52}{nat_med:>11.1f}{p95(national):>10.1f}"
          f"{statistics.median(national.cpu):>9.1f}  <= 50 ms (issue 12)")
    print(f"{'floor: bare SQL of the same sums':<52}{floor_med:>11.1f}{p95(floor):>10.1f}")
    print(f"{'ratio page / floor':<52}{ratio:>11.2f}{'':>10}  <= 1.5")
    print(f"{'the same sums read from the rollup (bare SQL)':<52}{statistics.median(rollup_floor):>11.1f}"
          f"{p95(rollup_floor):>10.1f}")
    print(f"{f'province drill-down ({largest[0]}, {largest[1]} LAOs)':<52}{drill_med:>11.1f}{p95(drill):>10.1f}"
          f"{statistics.median(drill.cpu):>9.1f}  <= 50 ms (issue 12)")
    print(f"{'national comparison page, like-for-like (default)':<52}{statistics.median(like_national):>11.1f}"
          f"{p95(like_national):>10.1f}{statistics.median(like_national.cpu):>9.1f}  <= 50 ms (issue 12)")
    print(f"{f'province drill-down, like-for-like ({largest[0]})':<52}{statistics.median(like_drill):>11.1f}"
          f"{p95(like_drill):>10.1f}{statistics.median(like_drill.cpu):>9.1f}  <= 50 ms (issue 12)")
    print(f"{'xlsx export of the national comparison':<52}{xlsx_med:>11.1f}{max(xlsx):>10.1f}  <= 1500 ms")
    print(f"{f'xlsx rollup of province {largest[0]} (every LAO x item x installment)':<52}{rollup_med:>11.1f}"
          f"{max(rollup):>10.1f}")
    print(f"floor sums equal the page's total row: {'yes' if same else 'NO'}; "
          f"the rollup's equal the floor's: {'yes' if rollup_total == floor_total else 'NO'}")
    print(f"national_median_ms={nat_med:.1f} national_p95_ms={p95(national):.1f} floor_median_ms={floor_med:.1f} "
          f"ratio={ratio:.2f} rollup_sql_median_ms={statistics.median(rollup_floor):.1f} "
          f"drilldown_median_ms={drill_med:.1f} xlsx_ms={xlsx_med:.1f} entries={entries} "
          f"national_cpu_ms={statistics.median(national.cpu):.1f} like_cpu_ms={statistics.median(like_national.cpu):.1f}")


if __name__ == "__main__":
    main()
