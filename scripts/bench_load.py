"""Load benchmark: gunicorn over the demo database, virtual users through the real web forms and the API.

Builds (or reuses) the demo database, creates its own load accounts through the app's operations, starts
gunicorn (4 sync workers) on a free port, logs every virtual user in once through the login form, then runs a
closed loop for a fixed time: LAO officers (home, form, save), provincial verifiers (screen, bulk review),
national viewers (comparison, drill-down) and API clients (GET, PUT with a bearer token), weighted so that the
requests follow the mix. Prints per request type the count, req/s, p50/p95/p99 and errors, the server CPU per
request (the workers' CPU time from /proc), then checks every successful save against the database and the
audit trail: exit 1 on any lost update, missing audit event or error.

Usage: .venv/bin/python scripts/bench_load.py [--users 8] [--duration 60] [--mix 90/8/2]
       mixes: officers/verifiers/national[/api] percentages of requests, or one of: officers, api
       database: --database-url, else DATABASE_URL, else data/bench-load.db (SQLite, built on first use)
"""

import argparse
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "Load-bench-2570-xq7!Vz"
PREFIX = "loadbench"
MIXES = {"officers": "100/0/0/0", "api": "0/0/0/100"}
SCENARIOS = ("officer", "verifier", "national", "api")
REQUESTS_PER_ITERATION = {"officer": 3, "verifier": 2, "national": 2, "api": 2}
TYPES = ("home", "form", "save", "screen", "review", "comparison", "drilldown", "api_get", "api_put")
EXPECTED = {"home": 200, "form": 200, "save": 302, "screen": 200, "review": 302, "comparison": 200,
            "drilldown": 200, "api_get": 200, "api_put": 200}
CONFLICTS = {"save": (409,), "review": (400,), "api_put": (409,)}  # a version or state changed meanwhile
TIMEOUT = 120


# ------------------------------------------------------------------------------------------ setup


@dataclass
class Plan:
    """The load accounts and what each one works on."""

    officers: list[tuple[str, str, list[tuple[int, int]]]] = field(default_factory=list)  # user, LAO, targets
    api: list[tuple[str, str, list[tuple[int, int]]]] = field(default_factory=list)  # token, LAO, targets
    api_items: dict[tuple[str, int], list[str]] = field(default_factory=dict)  # (LAO, year): item codes
    verifiers: list[str] = field(default_factory=list)
    nationals: list[str] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)  # drill-down targets
    last_audit_id: int = 0


def database_url(arg: str | None) -> str:
    """The database to load: --database-url, DATABASE_URL, or the benchmark's own SQLite demo file."""
    return arg or os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'data' / 'bench-load.db'}"


def flask_env(url: str) -> dict[str, str]:
    """Environment of the app's processes (CLI and gunicorn) on `url`."""
    env = dict(os.environ, DATABASE_URL=url, FLASK_CONFIG=os.environ.get("FLASK_CONFIG", "development"))
    env.pop("TEST_DATABASE_URL", None)
    return env


def prepare_database(url: str) -> None:
    """Migrate and build the demo data with the app's own commands (`db upgrade`, `demo --if-empty`)."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for cmd in (["db", "upgrade"], ["demo", "--if-empty"]):
        started = time.perf_counter()
        out = subprocess.run(flask + cmd, cwd=ROOT, env=flask_env(url), capture_output=True, text=True,
                             check=False)
        if out.returncode:
            sys.exit(f"flask {' '.join(cmd)} failed:\n{out.stdout}{out.stderr}")
        last = (out.stdout.strip().splitlines() or [""])[-1]
        print(f"setup: flask {' '.join(cmd)}: {last} ({time.perf_counter() - started:.1f} s)", flush=True)


def setup_accounts(url: str, users: int, mix: dict[str, float]) -> Plan:
    """Create (or reuse) the load accounts through the app's operations and pick what each one works on.

    Officers get LAOs of many provinces whose recently closed installments are not confirmed; verifiers
    review provinces no load officer belongs to, so their confirmations never lock an officer's save.
    """
    from sqlalchemy import func, select

    from app import create_app, db
    from app.admin import accounts
    from app.api.tokens import issue_token
    from app.domain.workflow import Role, Status
    from app.models import AuditEvent, Installment, InstallmentReport, Lao, Province, User
    from app.reference import items_for
    from app.web import today

    app = create_app(os.environ.get("FLASK_CONFIG", "development"), DATABASE_URL=url)
    plan = Plan()
    started = time.perf_counter()
    created = 0
    with app.app_context():
        existing = set(db.session.scalars(select(User.username).where(User.username.like(f"{PREFIX}%"))))

        def account(username: str, role: Role, scope: str | None) -> str:
            """The username of a load account, created when missing (one transaction per account)."""
            nonlocal created
            if username not in existing:
                accounts.create_user(None, None, username, accounts.AccountDetails(
                    f"Load {username}", "Load tester", "0200000000", role.value, scope), PASSWORD)
                db.session.commit()
                created += 1
            return username

        now = today()
        closed = list(db.session.scalars(
            select(Installment).where(Installment.period_end < now)
            .order_by(Installment.period_end.desc()).limit(2)))
        if not closed:
            sys.exit("the demo database has no closed installment to record")
        provinces = list(db.session.scalars(select(Province.code).order_by(Province.code)))
        n_ver = min(8, max(1, users)) if mix["verifier"] else 0
        ver_provinces = provinces[:n_ver]
        plan.provinces = provinces
        confirmed = select(InstallmentReport.lao_id).where(
            InstallmentReport.installment_id.in_([i.id for i in closed]),
            InstallmentReport.status == Status.CONFIRMED.value)
        candidates = list(db.session.execute(
            select(Lao.id, Lao.code).join(Province, Lao.province_id == Province.id)
            .where(Lao.active.is_(True), Province.code.not_in(ver_provinces or [""]), Lao.id.not_in(confirmed))
            .order_by(Lao.code)).all())
        need = users * 2
        if len(candidates) < need:
            sys.exit(f"only {len(candidates)} LAOs without a confirmed recent installment; {need} needed")
        step = len(candidates) // need  # spread over the whole country (codes are grouped by province)
        chosen = [candidates[i * step].code for i in range(need)]
        targets = [(i.fiscal_year_id, i.number) for i in closed]
        for code in chosen[:users]:
            plan.officers.append((account(f"{PREFIX}_o_{code}", Role.LAO_OFFICER, code), code, targets))
        if mix["api"]:
            for code in chosen[users:]:
                user = db.session.execute(select(User).where(
                    User.username == account(f"{PREFIX}_o_{code}", Role.LAO_OFFICER, code))).scalar_one()
                lao_type = db.session.execute(select(Lao.lao_type).where(Lao.code == code)).scalar_one()
                plan.api.append((issue_token(user, "load benchmark"), code, targets))
                for year in {y for y, _n in targets}:  # what a client learns from GET /items
                    plan.api_items[(code, year)] = [i.code for i in items_for(lao_type, year)]
                db.session.commit()
        for i, code in enumerate(ver_provinces):
            plan.verifiers.append(account(f"{PREFIX}_v_{i}", Role.PROVINCE_VERIFIER, code))
        for i in range(min(4, users) if mix["national"] else 0):
            plan.nationals.append(account(f"{PREFIX}_n_{i}", Role.NATIONAL_VIEWER, None))
        plan.last_audit_id = db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0))) or 0
        db.session.commit()
        db.session.remove()
        app.extensions["engine"].dispose()
    print(f"setup: {created} load accounts created, {len(plan.officers)} officer LAOs, {len(plan.api)} API LAOs, "
          f"{len(plan.verifiers)} verifier provinces; installments "
          f"{', '.join(f'{y}/{n}' for y, n in targets)} ({time.perf_counter() - started:.1f} s)", flush=True)
    return plan


# ------------------------------------------------------------------------------------------ server


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int, log: Path) -> subprocess.Popen:
    """Start gunicorn (sync workers) on `port` and wait until the login page answers."""
    cmd = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
           "--bind", f"127.0.0.1:{port}", "--timeout", "300", "--backlog", "2048", "wsgi:app"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=flask_env(url), stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/login", timeout=5).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.3)
    proc.terminate()
    sys.exit(f"gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}")


def worker_pids(master: int) -> list[int]:
    """The gunicorn workers: the master's child processes."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    return sorted(pids)


def calibration_ms() -> float:
    """CPU milliseconds of a fixed pure-Python workload (string formatting, dict updates, calls), median of 5 runs.
    This machine's speed drifts by half within an hour, so a figure is comparable with another run's only at a
    like calibration; measured on the idle machine before and after the load."""
    def work() -> int:
        counts: dict[str, int] = {}
        for i in range(300_000):
            key = f"k{i % 997}"
            counts[key] = counts.get(key, 0) + len(key) * i
        return sum(counts.values())

    runs = []
    for _ in range(5):
        start = time.process_time()
        work()
        runs.append((time.process_time() - start) * 1000)
    return statistics.median(runs)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of `pids` in seconds (from /proc/<pid>/stat; a vanished pid counts nothing)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a worker that died (reported as a restart)
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of the whole line)
    return ticks / os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------------------------------ clients

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
VERSION = re.compile(r'name="version" type="hidden" value="([^"]*)"')
AMOUNT = re.compile(r'name="(amount_[^"]+)"')
ROW = re.compile(r'name="row" value="(\d+):(\d+)".*?data-testid="status-[^"]*">\s*<span class="badge ([^"]+)"',
                 re.DOTALL)
HIDDEN = re.compile(r'name="(province|year|number|type|district|status)" type="hidden" value="([^"]*)"')


class Stats:
    """Durations and outcomes per request type (thread-safe), and every successful save."""

    def __init__(self) -> None:
        """Empty counters."""
        self.lock = threading.Lock()
        self.durations: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.conflicts: dict[str, int] = defaultdict(int)
        self.samples: dict[str, str] = {}
        self.measure_from = float("inf")
        self.saves: dict[tuple[str, int, int], dict[str, int]] = {}  # (LAO, year, n): amounts of the last save
        self.save_count = 0
        self.uncertain: set[tuple[str, int, int]] = set()  # a save whose answer never came

    def add(self, kind: str, started: float, elapsed: float, outcome: str, detail: str = "") -> None:
        """Count one request (only those started in the measured window)."""
        with self.lock:
            if started < self.measure_from:
                return
            self.durations[kind].append(elapsed)
            if outcome == "error":
                self.errors[kind] += 1
                self.samples.setdefault(kind, detail[:600])
            elif outcome == "conflict":
                self.conflicts[kind] += 1


class Client:
    """One virtual user: its sessions (one login each) and the scenarios it runs."""

    def __init__(self, base: str, stats: Stats, rng: random.Random) -> None:
        """A virtual user against `base`."""
        self.base, self.stats, self.rng = base, stats, rng
        self.sessions: dict[str, requests.Session] = {}
        self.pending: dict[str, str | None] = {}  # the page a scenario's last redirect landed on (HTML)
        self.officer: tuple[str, str, list[tuple[int, int]]] | None = None
        self.api: tuple[str, str, list[tuple[int, int]]] | None = None
        self.api_items: dict[tuple[str, int], list[str]] = {}
        self.provinces: list[str] = []

    def request(self, kind: str, sess: requests.Session, method: str, path: str, **kw) -> requests.Response | None:
        """Send one request, time it and classify its outcome; None when no answer came."""
        started = time.perf_counter()
        try:
            resp = sess.request(method, self.base + path, allow_redirects=False, timeout=TIMEOUT, **kw)
        except requests.RequestException as err:
            self.stats.add(kind, started, time.perf_counter() - started, "error", f"{path}: {err}")
            return None
        elapsed = time.perf_counter() - started
        if resp.status_code == EXPECTED[kind]:
            outcome = "ok"
        elif resp.status_code in CONFLICTS.get(kind, ()):
            outcome = "conflict"
        else:
            outcome = "error"
        self.stats.add(kind, started, elapsed, outcome, f"{method} {path}: {resp.status_code} {resp.text[:500]}")
        return resp

    def login(self, role: str, username: str) -> None:
        """Log in once through the real login form (CSRF token from the page)."""
        sess = requests.Session()
        page = sess.get(self.base + "/login", timeout=TIMEOUT)
        token = CSRF.search(page.text)
        resp = sess.post(self.base + "/login", data={"csrf_token": token.group(1) if token else "",
                                                     "username": username, "password": PASSWORD},
                         allow_redirects=False, timeout=TIMEOUT)
        if resp.status_code != 302:
            raise RuntimeError(f"login of {username} failed: {resp.status_code}")
        self.sessions[role] = sess

    def follow(self, kind: str, role: str, resp: requests.Response) -> None:
        """GET the page a successful POST redirected to (counted as `kind`) and keep it for the next step."""
        sess = self.sessions[role]
        page = self.request(kind, sess, "GET", resp.headers["Location"].removeprefix(self.base))
        self.pending[role] = page.text if page is not None and page.status_code == 200 else None

    def officer_iteration(self) -> None:
        """Home (unless a save's redirect just showed it), the installment form, a save with new amounts."""
        assert self.officer is not None
        sess = self.sessions["officer"]
        _user, lao, targets = self.officer
        year, number = self.rng.choice(targets)
        if not self.pending.get("officer"):
            self.request("home", sess, "GET", "/entry/")
        self.pending["officer"] = None
        path = f"/entry/{lao}/{year}/{number}"
        form = self.request("form", sess, "GET", path)
        if form is None or form.status_code != 200:
            return
        token, version = CSRF.search(form.text), VERSION.search(form.text)
        amounts = {name.removeprefix("amount_"): self.rng.randrange(0, 50_000_000)
                   for name in AMOUNT.findall(form.text)}
        data = {"csrf_token": token.group(1) if token else "", "version": version.group(1) if version else "",
                "recorder_name": "Load tester", "recorder_position": "Load tester", "recorder_phone": "0200000000",
                "certify": "y"}
        for code, satang in amounts.items():
            data[f"amount_{code}"] = f"{satang // 100}.{satang % 100:02d}"
            data[f"explain_{code}"] = "load benchmark"
        key = (lao, year, number)
        resp = self.request("save", sess, "POST", path, data=data)
        if resp is None:
            with self.stats.lock:
                self.stats.uncertain.add(key)
            return
        if resp.status_code == 302:
            with self.stats.lock:
                self.stats.saves[key] = amounts
                self.stats.save_count += 1
            self.follow("home", "officer", resp)

    def verifier_iteration(self) -> None:
        """The verification screen, then a bulk review: confirm, unconfirm or return a few ticked rows."""
        sess = self.sessions["verifier"]
        page = self.pending.get("verifier")
        self.pending["verifier"] = None
        if not page:
            resp = self.request("screen", sess, "GET", "/verify/")
            if resp is None or resp.status_code != 200:
                return
            page = resp.text
        rows = ROW.findall(page)
        confirmed = [r for r in rows if "text-bg-success" in r[2]]
        open_rows = [r for r in rows if "text-bg-success" not in r[2]]
        roll = self.rng.random()
        if confirmed and (roll < 0.45 or not open_rows):
            action, pool, reason = "unconfirm", confirmed, "load benchmark: figures to check again"
        elif open_rows and roll < 0.9:
            action, pool, reason = "confirm", open_rows, ""
        elif rows:
            action, pool, reason = "return", [r for r in rows if "text-bg-danger" not in r[2]], "load benchmark"
        else:
            return
        ticked = self.rng.sample(pool, min(len(pool), self.rng.randint(1, 5)))
        if not ticked:
            return
        token = CSRF.search(page)
        data: dict[str, object] = dict(HIDDEN.findall(page))
        data.update({"csrf_token": token.group(1) if token else "", "action": action, "reason": reason,
                     "position": "Load tester", "phone": "0200000000",
                     "row": [f"{lao_id}:{version}" for lao_id, version, _badge in ticked]})
        resp = self.request("review", sess, "POST", "/verify/review", data=data)
        if resp is not None and resp.status_code == 302:
            self.follow("screen", "verifier", resp)

    def national_iteration(self) -> None:
        """The national comparison, then one province's drill-down."""
        sess = self.sessions["national"]
        self.request("comparison", sess, "GET", "/reports/")
        self.request("drilldown", sess, "GET", f"/reports/province/{self.rng.choice(self.provinces)}")

    def api_iteration(self) -> None:
        """GET an installment through the API, then PUT new figures with the version it returned."""
        assert self.api is not None
        token, lao, targets = self.api
        year, number = self.rng.choice(targets)
        sess = self.sessions.setdefault("api", requests.Session())
        headers = {"Authorization": f"Bearer {token}"}
        path = f"/api/v1/laos/{lao}/years/{year}/installments/{number}"
        got = self.request("api_get", sess, "GET", path, headers=headers)
        if got is None or got.status_code != 200:
            return
        state = got.json()
        state = state.get("data", state)
        codes = self.api_items.get((lao, year)) or list(state["entries"])  # a new installment has no entries yet
        amounts = {code: self.rng.randrange(0, 50_000_000) for code in codes}
        body = {"version": state["version"],
                "entries": {c: f"{s // 100}.{s % 100:02d}" for c, s in amounts.items()},
                "explanations": {c: "load benchmark" for c in amounts},
                "recorder": {"name": "Load tester", "position": "Load tester", "phone": "0200000000"},
                "certify": True}
        key = (lao, year, number)
        resp = self.request("api_put", sess, "PUT", path, json=body, headers=headers)
        if resp is None:
            with self.stats.lock:
                self.stats.uncertain.add(key)
        elif resp.status_code == 200:
            with self.stats.lock:
                self.stats.saves[key] = amounts
                self.stats.save_count += 1

    def run(self, weights: dict[str, float], until: float) -> None:
        """The closed loop: pick a scenario by weight, run it, until the time is up."""
        names = [s for s in SCENARIOS if weights[s] > 0]
        w = [weights[s] for s in names]
        while time.perf_counter() < until:
            scenario = self.rng.choices(names, w)[0]
            try:
                getattr(self, f"{scenario}_iteration")()
            except Exception as err:  # noqa: BLE001 - a broken page must not stop the benchmark
                self.stats.add(scenario, time.perf_counter(), 0.0, "error", repr(err))


# ------------------------------------------------------------------------------------------ check


def check(url: str, plan: Plan, stats: Stats) -> tuple[int, int, int]:
    """(lost updates, saves without their audit event, audit events without a save) against the database."""
    from sqlalchemy import func, select

    from app import create_app, db
    from app.domain.vocabulary import AuditAction
    from app.models import AuditEvent, Entry, Installment, Lao, RevenueItem

    app = create_app(os.environ.get("FLASK_CONFIG", "development"), DATABASE_URL=url)
    lost = 0
    with app.app_context():
        for (code, year, number), amounts in stats.saves.items():
            if (code, year, number) in stats.uncertain:
                continue  # a later save's outcome is unknown: either figure may be stored
            stored = dict(db.session.execute(
                select(RevenueItem.code, Entry.amount_satang)
                .join(Entry, Entry.item_id == RevenueItem.id)
                .join(Lao, Entry.lao_id == Lao.id)
                .join(Installment, Entry.installment_id == Installment.id)
                .where(Lao.code == code, Installment.fiscal_year_id == year, Installment.number == number)).all())
            if any(stored.get(item) != satang for item, satang in amounts.items()):
                lost += 1
                if lost <= 3:
                    print(f"LOST UPDATE {code} {year}/{number}: saved {amounts}, stored {stored}")
        load_laos = [c for _u, c, _t in plan.officers] + [c for _t, c, _tt in plan.api]
        events = db.session.scalar(
            select(func.count(AuditEvent.id)).join(Lao, AuditEvent.lao_id == Lao.id)
            .where(AuditEvent.id > plan.last_audit_id, AuditEvent.action == AuditAction.RECORD_INSTALLMENT.value,
                   Lao.code.in_(load_laos))) or 0
        db.session.remove()
        app.extensions["engine"].dispose()
    unknown = len(stats.uncertain)
    missing = max(0, stats.save_count - events)
    extra = max(0, events - stats.save_count - unknown)  # an unanswered save may or may not have been stored
    return lost, missing, extra


# ------------------------------------------------------------------------------------------ report


def percentile(sorted_values: list[float], p: float) -> float:
    """The nearest-rank percentile `p` (0..100) of sorted values, in the values' unit."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(p / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def parse_mix(text: str) -> dict[str, float]:
    """Percentages of requests per scenario from "officers/verifiers/national[/api]" or a preset name."""
    parts = [float(p) for p in MIXES.get(text, text).split("/")]
    if len(parts) == 3:
        parts.append(0.0)
    if len(parts) != 4 or sum(parts) <= 0 or min(parts) < 0:
        raise argparse.ArgumentTypeError(f"a mix is o/v/n[/api] percentages or one of {', '.join(MIXES)}")
    return dict(zip(SCENARIOS, parts, strict=True))


def main() -> int:
    """Set up, run the closed loop, print the figures and the correctness check; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=8, help="virtual users (closed loop; default 8)")
    parser.add_argument("--duration", type=float, default=60, help="measured seconds (default 60)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of load before measuring (default 5)")
    parser.add_argument("--mix", type=parse_mix, default=parse_mix("90/8/2"),
                        help="o/v/n[/api] request percentages (default 90/8/2), or: officers, api")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--database-url", help="default: DATABASE_URL, else data/bench-load.db (SQLite)")
    parser.add_argument("--seed", type=int, default=2570)
    args = parser.parse_args()
    if args.users < 1:
        parser.error("--users must be at least 1")
    url = database_url(args.database_url)
    mix = args.mix
    engine = url.split(":", 1)[0].split("+")[0]
    print(f"load benchmark: {engine} {url.split('@')[-1]}, {args.users} users, mix "
          f"{'/'.join(f'{mix[s]:g}' for s in SCENARIOS)} (officers/verifiers/national/api), "
          f"{args.duration:g} s after {args.warmup:g} s warm-up, {args.workers} gunicorn workers", flush=True)
    prepare_database(url)
    plan = setup_accounts(url, args.users, mix)
    weights = {s: mix[s] / REQUESTS_PER_ITERATION[s] for s in SCENARIOS}

    calibration = [calibration_ms()]
    port = free_port()
    log = Path(tempfile.gettempdir()) / f"bench-load-gunicorn-{port}.log"
    server = start_gunicorn(url, port, args.workers, log)
    base = f"http://127.0.0.1:{port}"
    stats = Stats()
    try:
        clients = []
        for i in range(args.users):
            c = Client(base, stats, random.Random(args.seed * 1000 + i))
            c.officer = plan.officers[i]
            c.api = plan.api[i] if plan.api else None
            c.api_items = plan.api_items
            c.provinces = plan.provinces
            clients.append(c)
        started = time.perf_counter()
        logins = [(c, role, name) for i, c in enumerate(clients) for role, name in (
            ("officer", plan.officers[i][0] if mix["officer"] else None),
            ("verifier", plan.verifiers[i % len(plan.verifiers)] if plan.verifiers else None),
            ("national", plan.nationals[i % len(plan.nationals)] if plan.nationals else None)) if name]
        login_errors: list[str] = []

        def log_in(batch: list) -> None:
            """Log in a share of the virtual users' sessions."""
            for c, role, name in batch:
                try:
                    c.login(role, name)
                except (RuntimeError, requests.RequestException) as err:
                    login_errors.append(str(err))

        threads = [threading.Thread(target=log_in, args=(logins[k::8],)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(f"setup: {len(logins)} logins through the form in {time.perf_counter() - started:.1f} s "
              f"({len(login_errors)} failed)", flush=True)
        if login_errors:
            print("\n".join(login_errors[:5]))
            return 1

        pids = worker_pids(server.pid)
        t0 = time.perf_counter()
        stats.measure_from = t0 + args.warmup
        until = stats.measure_from + args.duration
        threads = [threading.Thread(target=c.run, args=(weights, until), daemon=True) for c in clients]
        for t in threads:
            t.start()
        time.sleep(max(0.0, stats.measure_from - time.perf_counter()))
        cpu0, client0, wall0 = cpu_seconds(pids), time.process_time(), time.perf_counter()
        time.sleep(max(0.0, until - time.perf_counter()))
        cpu1, client1, wall1 = cpu_seconds(pids), time.process_time(), time.perf_counter()
        for t in threads:
            t.join()
        restarted = worker_pids(server.pid) != pids
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()

    wall = wall1 - wall0
    total = sum(len(v) for v in stats.durations.values())
    errors = sum(stats.errors.values())
    print()
    print(f"{'request':<12}{'count':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}{'conflicts':>10}")
    everything: list[float] = []
    for kind in TYPES + SCENARIOS:
        values = sorted(stats.durations.get(kind, []))
        if not values and not stats.errors.get(kind):
            continue
        everything += values
        print(f"{kind:<12}{len(values):>8}{len(values) / wall:>9.1f}{percentile(values, 50) * 1000:>9.0f}"
              f"{percentile(values, 95) * 1000:>9.0f}{percentile(values, 99) * 1000:>9.0f}"
              f"{stats.errors.get(kind, 0):>8}{stats.conflicts.get(kind, 0):>10}")
    everything.sort()
    p50, p95, p99 = (percentile(everything, p) * 1000 for p in (50, 95, 99))
    print(f"{'all':<12}{total:>8}{total / wall:>9.1f}{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}{errors:>8}"
          f"{sum(stats.conflicts.values()):>10}")
    groups = {"officer": ("home", "form", "save"), "verifier": ("screen", "review"),
              "national": ("comparison", "drilldown"), "api": ("api_get", "api_put")}
    shares = {s: sum(len(stats.durations.get(k, [])) for k in kinds) for s, kinds in groups.items()}
    print("request shares: " + " / ".join(f"{s} {n / total * 100:.0f} %" for s, n in shares.items() if n)
          if total else "request shares: no requests")
    cpu_ms = (cpu1 - cpu0) / total * 1000 if total else 0.0
    print(f"server CPU per request: {cpu_ms:.1f} ms ({cpu1 - cpu0:.1f} s in {len(pids)} workers over {wall:.1f} s"
          f"{'; a worker restarted, CPU undercounted' if restarted else ''}); "
          f"client CPU {(client1 - client0) / total * 1000 if total else 0:.1f} ms per request")
    for kind, sample in stats.samples.items():
        print(f"first error ({kind}): {sample}")
    if stats.samples or restarted:
        print(f"gunicorn log: {log}")

    lost, missing, extra = check(url, plan, stats)
    calibration.append(calibration_ms())
    print(f"saves: {stats.save_count} successful ({len(stats.saves)} LAO installments), "
          f"{len(stats.uncertain)} unanswered; audit events missing: {missing}, unexplained: {extra}")
    print(f"lost updates: {lost}")
    print(f"machine: a fixed Python workload takes {calibration[0]:.1f} ms of CPU before the load, "
          f"{calibration[1]:.1f} ms after (compare CPU figures only between runs of like calibration)")
    print(f"bench_load engine={engine} users={args.users} mix={'/'.join(f'{mix[s]:g}' for s in SCENARIOS)} "
          f"req_s={total / wall:.1f} p50_ms={p50:.0f} p95_ms={p95:.0f} p99_ms={p99:.0f} cpu_ms={cpu_ms:.1f} "
          f"calibration_ms={statistics.mean(calibration):.1f} errors={errors} lost_updates={lost} audit_missing={missing}")
    return 1 if lost or missing or extra or errors else 0


if __name__ == "__main__":
    sys.exit(main())
