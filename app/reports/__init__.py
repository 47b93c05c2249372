"""The reports area."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from .tables import comparison_body, comparison_cells, drilldown_body  # noqa: E402

bp.add_app_template_global(comparison_cells, "comparison_cells")
bp.add_app_template_global(drilldown_body, "drilldown_body")
bp.add_app_template_global(comparison_body, "comparison_body")

from . import routes  # noqa: E402,F401
