"""The public transparency page (/public): confirmed totals by province and category for anyone, open data."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from . import routes  # noqa: E402,F401
