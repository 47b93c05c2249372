"""API v1 endpoints."""

from flask import jsonify

from . import bp


@bp.route("/")
def index():
    """API root: version information."""
    return jsonify({"version": "v1"})
