"""KPI definitions per fiscal year (and, built on them, the scorecard)."""

from flask import Blueprint

bp = Blueprint("kpi", __name__)

from . import routes  # noqa: E402,F401
