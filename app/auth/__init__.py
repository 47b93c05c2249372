"""Authentication: login, logout, password change, scoped loaders."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import routes  # noqa: E402,F401
from . import profile  # noqa: E402,F401
