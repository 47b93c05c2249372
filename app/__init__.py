"""Application factory: create_app() registers extensions, blueprints, error handlers and commands."""

import hashlib
import os
from pathlib import Path

from flask import Flask, has_request_context, request, session as http_session

from config import CONFIGS

from . import db, i18n, params, resources
from .extensions import babel, bootstrap, csrf, limiter, login_manager


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the Flask app for `config_name` (default: FLASK_CONFIG or development)."""
    config_name = config_name or os.environ.get("FLASK_CONFIG", "development")
    config_cls = CONFIGS[config_name]
    if hasattr(config_cls, "validate"):
        config_cls.validate()
    app = Flask(__name__)
    app.config.from_object(config_cls)
    app.config.update(overrides)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["TRUSTED_PROXIES"])
        # Flask's documented way to wrap the app in WSGI middleware; its stubs declare wsgi_app a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    register_database(app)
    register_resources(app)
    register_security(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_assets(app)
    register_commands(app)
    return app


def register_database(app: Flask) -> None:
    """Create the engine from DATABASE_URL; one transaction per request (see db.init_app)."""
    db.init_app(app)


def register_resources(app: Flask) -> None:
    """Let the app own its background executors; they are closed with the app (at exit)."""
    resources.init_app(app)


# Public, identical for everyone and cacheable: no no-store (and no user load) for these.
PUBLIC_ASSETS = frozenset({"static", "bootstrap.static", "main.font", "main.plotly_js", "main.favicon"})


def register_security(app: Flask) -> None:
    """Security headers from Flask-Talisman (CSP with per-request nonces, frame-ancestors 'none', nosniff,
    Referrer-Policy same-origin; https redirect, HSTS and Secure cookies when FORCE_HTTPS) and
    Cache-Control: no-store on every response to a signed-in user or API token and on every attachment."""
    from flask import request
    from flask_login import current_user
    from flask_talisman import Talisman  # type: ignore[import-untyped]  # ships no type information

    https = bool(app.config["FORCE_HTTPS"])
    # One Talisman per app, not a shared unbound one: init_app keeps its options on the instance, so a second
    # app (tests build several) would silently change the first one's (https redirect, cookies).
    app.extensions["talisman"] = Talisman(
        app,
        force_https=https,
        strict_transport_security=https,
        strict_transport_security_max_age=app.config["HSTS_MAX_AGE"],
        strict_transport_security_include_subdomains=False,
        session_cookie_secure=https,
        session_cookie_http_only=True,
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
        content_security_policy=app.config["CONTENT_SECURITY_POLICY"],
        content_security_policy_nonce_in=list(app.config["CSP_NONCE_IN"]),
        frame_options="DENY",
        referrer_policy="same-origin",
        x_content_type_options=True,
    )

    @app.after_request
    def _no_store(response):
        if request.endpoint in PUBLIC_ASSETS:
            return response
        attachment = response.headers.get("Content-Disposition", "").lower().startswith("attachment")
        if attachment or "Authorization" in request.headers or current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response


def _select_locale() -> str:
    """The request's language: the API's from Accept-Language (Thai unless English is preferred), the pages' from
    the session's choice (Thai by default); Thai outside a request."""
    if not has_request_context():
        return "th"  # CLI and background work speak Thai, like the default UI
    if request.path.startswith("/api/"):  # token clients have no session: they say their language per request
        return request.accept_languages.best_match(("th", "en"), default="th") or "th"
    lang = http_session.get("lang")
    if lang in ("th", "en"):
        return lang
    return "th"


def register_extensions(app: Flask) -> None:
    """Bind login manager, CSRF, Babel and Bootstrap."""
    from .auth.loaders import load_user, require_scope

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    app.before_request(require_scope)
    params.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    i18n.install(app)
    limiter.init_app(app)
    bootstrap.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Register one blueprint per area."""
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .certificates import bp as check_bp
    from .deadlines.routes import bp as deadlines_bp
    from .entry import bp as entry_bp
    from .kpi import bp as kpi_bp
    from .main import bp as main_bp
    from .notifications import bp as notifications_bp
    from .public import bp as public_bp
    from .reports import bp as reports_bp
    from .verify import bp as verify_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(entry_bp, url_prefix="/entry")
    app.register_blueprint(verify_bp, url_prefix="/verify")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(kpi_bp, url_prefix="/kpi")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(notifications_bp, url_prefix="/notifications")
    app.register_blueprint(check_bp)
    app.register_blueprint(public_bp, url_prefix="/public")
    app.register_blueprint(deadlines_bp, url_prefix="/deadlines")
    csrf.exempt(api_bp)  # bearer tokens, no cookies: CSRF does not apply
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_errorhandlers(app: Flask) -> None:
    """Thai error pages for 400/403/404/409/413/429/500 that never show a traceback; domain errors a view did not
    handle become 403 (not permitted), 409 (conflict, locked) or 400 (a broken rule), the request's
    transaction rolled back."""
    from flask import g, render_template, request
    from flask_login import current_user
    from flask_wtf.csrf import CSRFError

    from . import audit
    from .domain.errors import ConflictError, DomainError, LockedError, NotPermittedError, ValidationError
    from .domain.vocabulary import AuditAction
    from .web import domain_message

    def denied(code: int) -> None:
        """Record a signed-in user's 403/404 as ACCESS_DENIED (after the rollback); anonymous requests and
        static files are not recorded, nor a refusal the require_scope gate recorded already."""
        if g.get("security_event_recorded") or request.endpoint in STATIC_ENDPOINTS:
            return
        if current_user.is_authenticated:
            audit.security_event(AuditAction.ACCESS_DENIED, user=current_user, detail={"status": code})

    def render(code: int):
        def handler(_error):
            db.session.rollback()
            if code in (403, 404):
                denied(code)
            return render_template(f"errors/{code}.html", max_mb=app.config["MAX_CONTENT_LENGTH"] // 2**20), code

        return handler

    for code in (403, 404, 409, 413, 429, 500):
        app.register_error_handler(code, render(code))

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        db.session.rollback()
        audit.security_event(AuditAction.CSRF_REJECTED, user=current_user,
                             detail={"reason": str(error.description or "")[:200]})
        return render_template("errors/400.html", csrf=True), 400

    @app.errorhandler(DomainError)
    def _domain_error(err: DomainError):
        db.session.rollback()
        if isinstance(err, NotPermittedError):
            code = 403
            denied(code)
        elif isinstance(err, (ConflictError, LockedError)):
            code = 409
        else:
            code = 400
        errors = err.errors.values() if isinstance(err, ValidationError) else [err]
        messages = [domain_message(e) for e in errors]
        return render_template(f"errors/{code}.html", messages=messages), code


STATIC_ENDPOINTS = {"static", "bootstrap.static", "main.font", "main.plotly_js", "main.favicon"}
"""Endpoints serving static files: a 404 there is never recorded as a security event."""


def register_template_helpers(app: Flask) -> None:
    """Filters and globals for dates, money, labels and the demo banner."""
    from .web import register as register_web

    register_web(app)


# Files whose URLs carry ?v=<hash of the content>: such a URL names one version of the file forever, so it may be
# cached for a year without revalidation; a changed file gets a new URL.
FINGERPRINTED = ("static", "bootstrap.static", "main.plotly_js")
IMMUTABLE = "public, max-age=31536000, immutable"
COMPRESSED_TYPES = ("text/html", "text/css", "text/plain", "text/csv", "text/javascript", "application/javascript",
                    "application/json", "image/svg+xml", "image/x-icon", "image/vnd.microsoft.icon", "font/ttf")


def register_assets(app: Flask) -> None:
    """Compression (Flask-Compress: brotli or gzip as the browser accepts; xlsx, already a zip, is left alone)
    and fingerprinted static URLs (`?v=` the content's hash) served with a year-long immutable Cache-Control."""
    from flask_compress import Compress

    app.config.setdefault("COMPRESS_MIMETYPES", list(COMPRESSED_TYPES))
    # brotli, else gzip: what every browser and HTTP library decodes (zstd is left out: clients that announce it
    # cannot always decode it, e.g. the API's schema tester). Files are sent as streams: gzip too for them
    # (Flask-Compress leaves it out of its streaming default), and the assets answer conditional requests.
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
    app.config.setdefault("COMPRESS_STREAMING_ENDPOINT_CONDITIONAL", sorted(PUBLIC_ASSETS))
    # brotli quality 1, not Flask-Compress's 4: the LAO home (17.7 KB) becomes 4.3 KB instead of 3.6 KB, a
    # province's verification screen (131 KB) 15.6 KB instead of 12.7 KB, for a quarter to a fifth of the CPU
    # (0.06 ms instead of 0.20; 0.20 ms instead of 0.97) on every page of deadline day
    app.config.setdefault("COMPRESS_BR_LEVEL", 1)
    Compress(app)
    hashes: dict[tuple[str, float], str] = {}
    settled: dict[str, str] = {}  # path -> hash, read once per process outside debug

    def fingerprint(endpoint: str, filename: str | None) -> str | None:
        """The first 12 hex digits of the SHA-256 of the file an asset endpoint serves (cached per path and
        modification time; outside debug per path, with no stat), or None when there is no such file."""
        if endpoint == "main.plotly_js":
            base: str | None = os.path.join(app.static_folder or "", "vendor")
            filename = "plotly-basic.min.js"
        elif endpoint == "static":
            base = app.static_folder
        else:
            blueprint = app.blueprints.get(endpoint.split(".", 1)[0])
            base = blueprint.static_folder if blueprint is not None else None
        if not base or not filename:
            return None
        path = Path(base) / filename
        if not app.debug and str(path) in settled:  # files do not change under a production server
            return settled[str(path)]
        try:
            key = (str(path), path.stat().st_mtime)
        except OSError:
            return None
        if key not in hashes:
            hashes[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        settled[str(path)] = hashes[key]
        return hashes[key]

    @app.url_defaults
    def _version(endpoint: str, values: dict) -> None:
        if endpoint in FINGERPRINTED and "v" not in values:
            version = fingerprint(endpoint, values.get("filename"))
            if version:
                values["v"] = version

    @app.after_request
    def _cache_forever(response):
        endpoint = request.endpoint
        if (endpoint in FINGERPRINTED and response.status_code in (200, 304) and request.args.get("v")
                and request.args["v"] == fingerprint(endpoint, (request.view_args or {}).get("filename"))):
            response.headers["Cache-Control"] = IMMUTABLE
        return response


def register_commands(app: Flask) -> None:
    """Register the flask CLI commands."""
    from .cli import register

    register(app)
