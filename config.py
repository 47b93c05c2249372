"""Configuration classes per environment; production refuses to start without its secrets."""

import hashlib
import os
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

BASE_DIR = Path(__file__).resolve().parent


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    # The key of the printed papers' verification codes (app/certificates): kept apart from SECRET_KEY, so rotating
    # the session key does not void every certificate issued (and a leaked session key cannot forge one).
    CERTIFICATE_KEY = os.environ.get("CERTIFICATE_KEY")
    DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'data' / 'app.db'}")
    # PostgreSQL reached through PgBouncer in transaction mode (README, deployment): no server-side prepared statements.
    DATABASE_PGBOUNCER = os.environ.get("DATABASE_PGBOUNCER", "").lower() in ("1", "true", "yes")
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the session bounds the token; offices keep forms open for hours
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = 0
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "th"
    BABEL_DEFAULT_TIMEZONE = "Asia/Bangkok"
    LANGUAGES = ("th", "en")
    BOOTSTRAP_SERVE_LOCAL = True
    AMOUNT_CEILING = Decimal(os.environ.get("AMOUNT_CEILING", "10000000000"))
    # Sign-in rate limits (Flask-Limiter), counting refused sign-ins only, so a whole provincial office behind one
    # address can sign in at once on deadline day. Several app servers must share a store:
    # RATELIMIT_STORAGE_URI=redis://host:6379 (the default keeps the counts in each process's memory).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True  # 429 answers carry Retry-After
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30 per minute;300 per hour")
    LOGIN_LIMIT_PER_USERNAME = os.environ.get("LOGIN_LIMIT_PER_USERNAME", "10 per minute;60 per hour")
    ALLOW_DEMO_DATA = True
    # Rate limits of the pages anyone may open without an account: /check (codes typed or scanned) and /public
    CHECK_LIMIT = os.environ.get("CHECK_LIMIT", "30 per minute;300 per hour")
    PUBLIC_LIMIT = os.environ.get("PUBLIC_LIMIT", "120 per minute;2000 per hour")
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))  # reverse proxies whose X-Forwarded-* to trust
    # Responses compressed by the app (Flask-Compress). COMPRESS_RESPONSES=0 leaves it to the reverse proxy (nginx
    # `gzip on;`), which takes that CPU off the app servers on deadline day.
    COMPRESS_REGISTER = os.environ.get("COMPRESS_RESPONSES", "1") != "0"
    # A deadline extension (app/deadlines) may move an entry or confirmation deadline at most this many days
    EXTENSION_MAX_DAYS = int(os.environ.get("EXTENSION_MAX_DAYS", "15"))
    # E-mail of notifications (app/mail.py). Without MAIL_SERVER nothing is mailed: messages stay in the app only.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"  # STARTTLS on a plain connection (port 587)
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0") == "1"  # TLS from the first byte (port 465)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "no-reply@localhost")
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "30"))
    # The site's address for links in e-mails sent outside a request (cron): https://revenue.example.go.th
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    EMAIL_TOKEN_MAX_AGE = 3 * 24 * 3600  # an address-verification link works this long (seconds)
    TODAY = None  # a fixed ISO date for tests and demos; None means the real date in Asia/Bangkok
    # Security headers (Flask-Talisman, app.register_security). Everything the pages load comes from this
    # site: scripts and <style> elements need the page's nonce, no inline style attributes or handlers;
    # data: images are Bootstrap's own SVG icons (select arrow, close button) inside its CSS.
    CONTENT_SECURITY_POLICY: ClassVar[dict[str, str]] = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    CSP_NONCE_IN = ("script-src", "style-src")
    FORCE_HTTPS = False  # redirect http to https, send HSTS and mark cookies Secure (production only)
    HSTS_MAX_AGE = 365 * 24 * 3600


class DevelopmentConfig(Config):
    """Local development on the embedded SQLite database."""

    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret"
    CERTIFICATE_KEY = os.environ.get("CERTIFICATE_KEY") or hashlib.sha256(
        b"certificates|" + SECRET_KEY.encode()).hexdigest()  # derived for `make run`; never the session key itself


class TestingConfig(Config):
    """Automated tests: a throwaway database given by TEST_DATABASE_URL or a temp SQLite file."""

    TESTING = True
    SECRET_KEY = "test-only-not-secret"
    CERTIFICATE_KEY = "test-only-certificate-key"
    DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "sqlite://")


class ProductionConfig(Config):
    """Production: PostgreSQL, secure cookies, no demo data, secrets from the environment."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FORCE_HTTPS = True
    ALLOW_DEMO_DATA = False

    @classmethod
    def validate(cls) -> None:
        """Refuse to start without SECRET_KEY, CERTIFICATE_KEY and DATABASE_URL in the environment, or with the
        certificate key equal to the session key."""
        missing = [name for name in ("SECRET_KEY", "CERTIFICATE_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"production config needs {', '.join(missing)} in the environment")
        if os.environ["CERTIFICATE_KEY"] == os.environ["SECRET_KEY"]:
            raise RuntimeError("production config needs a CERTIFICATE_KEY apart from SECRET_KEY")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
