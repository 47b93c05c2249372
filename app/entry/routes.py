"""Views of the entry area."""

from flask import render_template

from ..auth.loaders import roles_required
from ..domain.workflow import Role
from . import bp


@bp.route("/")
@roles_required(Role.LAO_OFFICER)
def home():
    """Landing page of the entry area."""
    return render_template("entry/home.html")
