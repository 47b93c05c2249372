"""Views of the admin area."""

from flask import render_template

from ..auth.loaders import roles_required
from ..domain.workflow import Role
from . import bp


@bp.route("/")
@roles_required(Role.ADMIN)
def home():
    """Landing page of the admin area."""
    return render_template("admin/home.html")
