"""Test fixtures: a real migrated database (SQLite file, or TEST_DATABASE_URL for PostgreSQL), app, clients."""

import os
import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from app import create_app, db, migrate
from app.extensions import limiter
from app.reference import seed_geography, seed_items
from app.resources import close_resources

KEEP_TABLES = {"alembic_version", "provinces", "districts", "revenue_items"}


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # never skip silently: CI must fail when PostgreSQL is missing
        pytest.exit(f"TEST_DATABASE_URL is set but the database is unreachable: {exc}", returncode=3)
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The URL of the migrated test database (schema built by the Alembic migrations)."""
    url = _database_url(tmp_path_factory)
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def app(database_url):
    """The Flask app in the testing configuration, bound to the test database with reference data."""
    application = create_app("testing", DATABASE_URL=database_url, TODAY="2026-11-21")
    with application.app_context():
        seed_geography()
        seed_items()
        db.session.commit()
    yield application
    close_resources(application)


def _clean(engine) -> None:
    """Empty every table but the reference data, audit trail included (bypassing its triggers, as the owner);
    the audit hash chain restarts from its genesis."""
    from app.db import Base

    tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))  # the TRUNCATE trigger too
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
        else:
            triggers = conn.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name IN "
                     "('audit_events', 'confirmation_snapshots', 'report_states')")
            ).all()
            for name, _sql in triggers:
                conn.execute(text(f"DROP TRIGGER {name}"))
            for t in tables:
                conn.execute(text(f"DELETE FROM {t}"))
            for _name, sql in triggers:
                conn.execute(text(sql))


@pytest.fixture(autouse=True)
def _fresh_database(request):
    """Each test that uses the app starts from reference data only."""
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    application.config["TODAY"] = "2026-11-21"
    limiter.reset()  # sign-in rate-limit counts (in memory) start afresh
    yield
    with application.app_context():
        db.session.remove()
        _clean(application.extensions["engine"])


@pytest.fixture
def ctx(app):
    """An app context with the scoped session; the session is removed afterwards.

    Do not use the test client while this context is open: Flask reuses the pushed app context for
    the client's requests, so `g` (Flask-Login's user, the CSRF token) leaks between requests. Build
    data here, close it (or use `with app.app_context():`), then drive the client.
    """
    with app.app_context():
        yield db.session
        db.session.remove()


@pytest.fixture
def client(app):
    """A test client (CSRF on, as in production)."""
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client, username: str, password: str = "secret-pass-1"):
    """Log in through the real login form; returns the response of the POST."""
    page = client.get("/login")
    token = csrf_from(page.get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def post_form(client, url: str, data: dict, page_url: str | None = None):
    """POST a form to `url` with the CSRF token taken from `page_url` (default: the same URL)."""
    page = client.get(page_url or url)
    token = csrf_from(page.get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


# Browser fixtures live here, once, so that every test package shares one Playwright instance
# (two sync_playwright() sessions in one process refuse to start).
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def live_server(app):
    """The test app served by a real HTTP server in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """A headless Debian chromium driven by Playwright (no browser download)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.exit(f"browser tests need {CHROMIUM} (apt-get install chromium)", returncode=3)
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Every page reports its Content-Security-Policy violations to the test through this binding.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolation([e.violatedDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber,
                         (e.sample || "").slice(0, 80)].join(" | "));
});
"""


@pytest.fixture
def page(browser):
    """A fresh browser context and page (Thai locale, A4-ish desktop viewport); the test fails if any page it
    opened reported a Content-Security-Policy violation (a securitypolicyviolation event or a console message)."""
    context = browser.new_context(locale="th-TH", viewport={"width": 1366, "height": 900})
    violations: list[str] = []
    context.expose_function("__cspViolation", lambda text: violations.append(text))
    context.add_init_script(CSP_LISTENER)
    pg = context.new_page()
    pg.on("console", lambda msg: violations.append(f"console: {msg.text}")
          if "Content Security Policy" in msg.text else None)
    pg.set_default_timeout(15000)
    yield pg
    context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(violations)))
