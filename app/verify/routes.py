"""Views of the verify area."""

from flask import render_template

from ..auth.loaders import roles_required
from ..domain.workflow import Role
from . import bp


@bp.route("/")
@roles_required(Role.PROVINCE_VERIFIER, Role.ADMIN)
def home():
    """Landing page of the verify area."""
    return render_template("verify/home.html")
