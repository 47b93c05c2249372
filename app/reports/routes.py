"""Views of the reports area."""

from flask import render_template

from ..auth.loaders import roles_required
from ..domain.workflow import Role
from . import bp


@bp.route("/")
@roles_required(Role.NATIONAL_VIEWER, Role.PROVINCE_VERIFIER, Role.ADMIN)
def home():
    """Landing page of the reports area."""
    return render_template("reports/home.html")
