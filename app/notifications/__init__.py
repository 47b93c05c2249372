"""The notification centre: every signed-in user's messages (reminders, notices, extension decisions)."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from . import routes  # noqa: E402,F401
