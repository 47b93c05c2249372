"""Measure the progress matrix and the verification screen for a province of 300 LAOs (not a test).

Run: .venv/bin/python -m tests.verify.measure_matrix [DATABASE_URL]
Builds a throwaway SQLite database (or uses the given empty, migrated-on-the-fly URL), fills FY2569 with
300 LAOs x 12 installments of reports and FY2570 installment 1 with 300 recorded LAOs, then times the
pages through the Flask test client as a logged-in verifier.
"""

import re
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, select

from app import create_app, db, migrate
from app.auth.operations import new_session_token
from app.auth.passwords import hash_password
from app.models import District, Entry, Installment, InstallmentReport, Lao, Province, RevenueItem, User
from app.reference import create_fiscal_year, seed_geography, seed_items

N_LAOS = 300
STATUSES = ("confirmed", "confirmed", "confirmed", "recorded", "returned", None)


def build(app) -> None:
    """Reference data, two fiscal years, 300 LAOs of Chiang Mai with a year of reports, one verifier."""
    with app.app_context():
        seed_geography()
        seed_items()
        create_fiscal_year(2569, "monthly")
        create_fiscal_year(2570, "monthly")
        province = db.session.scalar(select(Province).where(Province.code == "50"))
        districts = list(db.session.scalars(select(District).where(District.province_id == province.id)))
        db.session.execute(insert(Lao), [
            {"code": f"M{i:05d}", "name_th": f"อบต.วัด{i:03d}", "name_en": f"SAO {i}", "lao_type": "SAO",
             "province_id": province.id, "district_id": districts[i % len(districts)].id, "active": True}
            for i in range(N_LAOS)
        ])
        lao_ids = list(db.session.scalars(select(Lao.id)))
        insts = {(i.fiscal_year_id, i.number): i.id for i in db.session.scalars(select(Installment))}
        items = dict(db.session.execute(select(RevenueItem.code, RevenueItem.id)).all())
        reports, entries = [], []
        for n, lao_id in enumerate(lao_ids):
            for number in range(1, 13):
                status = STATUSES[(n + number) % len(STATUSES)]
                if status:
                    reports.append({"lao_id": lao_id, "installment_id": insts[(2569, number)], "status": status,
                                    "recorded_late": (n + number) % 7 == 0, "version": 1,
                                    "recorded_at": datetime(2025, 11, 10), "recorder_name": "ผู้บันทึก"})
                for code in ("LAND_BUILDING", "SIGNBOARD"):
                    entries.append({"lao_id": lao_id, "installment_id": insts[(2569, number)],
                                    "item_id": items[code], "amount_satang": 100000 + n})
            reports.append({"lao_id": lao_id, "installment_id": insts[(2570, 1)], "status": "recorded",
                            "version": 1, "recorded_at": datetime(2026, 11, 10), "recorder_name": "ผู้บันทึก",
                            "recorded_late": False})
            for code in ("LAND_BUILDING", "SIGNBOARD"):
                entries.append({"lao_id": lao_id, "installment_id": insts[(2570, 1)], "item_id": items[code],
                                "amount_satang": 100000 + n * (4 if n % 10 == 0 else 1)})
        db.session.execute(insert(InstallmentReport), reports)
        db.session.execute(insert(Entry), entries)
        db.session.add(User(username="verifier", password_hash=hash_password("measure-pass"),
                            role="province_verifier", province_id=province.id, session_token=new_session_token()))
        db.session.commit()


def timed(client, url: str, runs: int = 5) -> tuple[float, int]:
    """Best wall time in ms of GET `url` over `runs` (after one warm-up) and the response size."""
    client.get(url)
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        resp = client.get(url)
        best = min(best, time.perf_counter() - start)
        assert resp.status_code == 200, resp.status_code
    return best * 1000, len(resp.get_data())


def main() -> None:
    """Build, log in, time the pages and print the figures."""
    tmp = tempfile.mkdtemp()
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{Path(tmp) / 'measure.db'}"
    migrate.upgrade(url)
    app = create_app("testing", DATABASE_URL=url, TODAY="2026-11-21")
    build(app)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "verifier", "password": "measure-pass", "csrf_token": token})
    for label, path in (("matrix, 300 LAOs x 12 installments", "/verify/matrix?year=2569"),
                        ("verification screen, 300 recorded rows", "/verify/?year=2570&number=1"),
                        ("INR911, 300 LAOs", "/verify/status?year=2570&number=1")):
        ms, size = timed(client, path)
        print(f"{label}: {ms:.0f} ms (best of 5), {size / 1024:.0f} KiB")
    with app.app_context():
        from app.verify.queries import progress_matrix
        from app.web import today

        province_id = db.session.scalar(select(Province.id).where(Province.code == "50"))
        progress_matrix(2569, province_id, today())  # warm-up
        start = time.perf_counter()
        grid = progress_matrix(2569, province_id, today())
        print(f"progress_matrix queries alone: {(time.perf_counter() - start) * 1000:.0f} ms, "
              f"{len(grid.rows)} rows x {len(grid.installments)} cells")


if __name__ == "__main__":
    main()
