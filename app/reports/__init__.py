"""The reports area."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from .tables import comparison_cells  # noqa: E402

bp.add_app_template_global(comparison_cells, "comparison_cells")

from . import routes  # noqa: E402,F401
