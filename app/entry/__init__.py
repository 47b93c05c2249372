"""The entry area."""

from flask import Blueprint

bp = Blueprint("entry", __name__)

from . import routes  # noqa: E402,F401
