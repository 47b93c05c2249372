"""Routes for the landing page, UI preferences and static assets shipped in packages."""

from pathlib import Path

import fontpkg_sarabun
from flask import abort, current_app, redirect, request, send_from_directory, session, url_for
from flask_login import current_user, login_required

from ..auth.loaders import safe_next
from ..domain.workflow import Role
from . import bp

FONT_DIR = Path(fontpkg_sarabun.__file__).parent / "files"


@bp.route("/")
@login_required
def index():
    """Send each role to its home page."""
    role = current_user.role_enum
    if role == Role.LAO_OFFICER:
        return redirect(url_for("entry.home"))
    if role == Role.PROVINCE_VERIFIER:
        return redirect(url_for("verify.home"))
    if role == Role.ADMIN:
        return redirect(url_for("admin.home"))
    return redirect(url_for("reports.home"))


@bp.route("/lang/<code>")
def set_language(code: str):
    """Switch the UI language (th/en) for this session."""
    if code not in ("th", "en"):
        abort(404)
    session["lang"] = code
    return redirect(safe_next(request.args.get("next")) or url_for("main.index"))


@bp.route("/textsize/<int:size>")
def set_text_size(size: int):
    """Switch the text size (0 normal, 1 larger, 2 largest) for this session."""
    if size not in (0, 1, 2):
        abort(404)
    session["text_size"] = size
    return redirect(safe_next(request.args.get("next")) or url_for("main.index"))


@bp.route("/fonts/<path:filename>")
def font(filename: str):
    """Serve the Sarabun font files from the fontpkg-sarabun package (no CDN)."""
    if not filename.startswith("Sarabun-") or not filename.endswith(".ttf"):
        abort(404)
    return send_from_directory(FONT_DIR, filename, max_age=30 * 86400)


@bp.route("/vendor/plotly-basic.min.js")
def plotly_js():
    """Serve plotly.js's basic bundle (bar, scatter, pie: all the charts draw), vendored in static/vendor (no CDN);
    its URL carries the content's hash, so it is cached for a year (app.register_assets)."""
    return send_from_directory(Path(current_app.static_folder or "") / "vendor", "plotly-basic.min.js",
                               max_age=86400)


@bp.route("/favicon.ico")
def favicon():
    """The site icon where browsers look for it without a <link> (the pages link the fingerprinted static copy)."""
    return send_from_directory(current_app.static_folder or "", "favicon.ico", max_age=86400,
                               mimetype="image/vnd.microsoft.icon")
