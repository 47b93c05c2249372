"""Benchmark of `flask reminders run` on the national demo database (about 7,850 LAOs) and of the e-mail outbox.

Usage:
    .venv/bin/python scripts/bench_reminders.py [--database-url URL] [--reuse] [--mail N]

Builds (or with --reuse, reuses) the demo dataset (app/demo.py, today 2026-11-21) in bench/reminders.db (SQLite,
git-ignored) or the given database, adds an officer account with a verified address for every LAO, two verifiers
per province and five national viewers, then times the reminder run of three days on which the most reminders are
due: 2026-11-17 (3 days before installment 1 of 2570's entry deadline), 2026-11-21 (the day after it; confirmation
reminders are due on 2026-11-27) — each first run, and the second run of the same day (idempotent: creates nothing),
and the worst case, every LAO late on installment 1 (rolled back).
With --mail N it also times mailing N messages to a local aiosmtpd server in one SMTP session. Not a test.
"""

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, delete, func, insert, select, text  # noqa: E402

from app import create_app, db, migrate  # noqa: E402
from app.models import Installment, InstallmentReport, Lao, Notification, Province, User, utcnow  # noqa: E402

TODAY = "2026-11-21"
DAYS = ("2026-11-17", "2026-11-21", "2026-11-27")


def _build(url: str) -> None:
    """A fresh demo database with accounts for every LAO."""
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    migrate.upgrade(url)
    app = create_app("development", DATABASE_URL=url, TODAY=TODAY)
    with app.app_context():
        from app.demo import build_demo

        t0 = time.perf_counter()
        build_demo(date.fromisoformat(TODAY))
        print(f"demo built in {time.perf_counter() - t0:.0f} s")
        stamp = utcnow()
        users = db.session.scalar(select(User.password_hash).limit(1))
        rows = [{"username": f"officer_{code}", "password_hash": users, "role": "lao_officer", "lao_id": lid,
                 "session_token": f"t{lid}", "email": f"{code.lower()}@lao.example.th", "email_verified_at": stamp,
                 "full_name": "", "position": "", "phone": "", "active": True, "must_change_password": False,
                 "failed_logins": 0}
                for lid, code in db.session.execute(select(Lao.id, Lao.code).where(Lao.active.is_(True)))]
        for pid, code in db.session.execute(select(Province.id, Province.code)):
            for k in (1, 2):
                rows.append({"username": f"verifier_{code}_{k}", "password_hash": users, "role": "province_verifier",
                             "province_id": pid, "session_token": f"p{pid}{k}", "email": f"v{code}{k}@example.th",
                             "email_verified_at": stamp, "full_name": "", "position": "", "phone": "",
                             "active": True, "must_change_password": False, "failed_logins": 0})
        for k in range(5):
            rows.append({"username": f"national_{k}", "password_hash": users, "role": "national_viewer",
                         "session_token": f"n{k}", "email": f"n{k}@dla.example.th", "email_verified_at": stamp,
                         "full_name": "", "position": "", "phone": "", "active": True,
                         "must_change_password": False, "failed_logins": 0})
        db.session.execute(insert(User), rows)
        db.session.commit()
        print(f"{len(rows)} accounts added")


def main() -> None:
    """Build or reuse the database, then time the reminder runs (and optionally the outbox)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'bench' / 'reminders.db'}")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--mail", type=int, default=0)
    args = parser.parse_args()
    (ROOT / "bench").mkdir(exist_ok=True)
    if not args.reuse:
        _build(args.database_url)
    app = create_app("development", DATABASE_URL=args.database_url, TODAY=TODAY)
    from app.notifications import delivery, reminders

    with app.app_context():
        db.session.execute(delete(Notification))
        db.session.commit()
        print(f"engine {db.session.get_bind().dialect.name}, "
              f"{db.session.scalar(select(func.count()).select_from(Lao)):,} LAOs")
        for day in DAYS:
            times = []
            for attempt in (1, 2):
                t0 = time.perf_counter()
                result = reminders.run(date.fromisoformat(day))
                db.session.commit()
                times.append(time.perf_counter() - t0)
                print(f"{day} run {attempt}: {result.entry:,} officer reminders ({result.recipients['laos']:,} LAOs), "
                      f"{result.confirm:,} verifier reminders, {result.digest} digests in {times[-1]:.2f} s")
        # the worst case: nobody has recorded installment 1 of 2570 (rolled back afterwards)
        inst = db.session.scalar(select(Installment).filter_by(fiscal_year_id=2570, number=1))
        db.session.execute(delete(Notification))
        db.session.execute(delete(InstallmentReport).where(InstallmentReport.installment_id == inst.id))
        for attempt in (1, 2):
            t0 = time.perf_counter()
            created, laos = reminders.entry_reminders(date(2026, 11, 21))
            print(f"every LAO late, run {attempt}: {created:,} officer reminders ({laos:,} LAOs) in "
                  f"{time.perf_counter() - t0:.2f} s")
        db.session.rollback()
        if args.mail:
            from aiosmtpd.controller import Controller

            class Sink:
                """Counts what arrives."""

                n = 0

                async def handle_DATA(self, server, session, envelope):  # noqa: N802
                    """Accept."""
                    Sink.n += 1
                    return "250 OK"

            controller = Controller(Sink(), hostname="127.0.0.1", port=8025)
            controller.start()
            app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=8025)
            try:
                t0 = time.perf_counter()
                got = delivery.deliver(now=utcnow(), limit=args.mail)
                elapsed = time.perf_counter() - t0
            finally:
                controller.stop()
            print(f"outbox: {got.sent:,} mails in {elapsed:.2f} s "
                  f"({statistics.mean([elapsed / max(got.sent, 1)]) * 1000:.1f} ms a mail), received {Sink.n:,}")


if __name__ == "__main__":
    main()
