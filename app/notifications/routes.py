"""Routes of the notification centre: the list, opening one message, marking read."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import db
from ..auth.loaders import safe_next
from ..models import Notification
from ..params import whole
from . import bp, operations


@bp.route("/")
@login_required
def index():
    """The signed-in user's messages, newest first."""
    page = min(request.args.get("page", 1, type=whole) or 1, 10_000)
    rows, older = operations.page_of(current_user, page)
    return render_template("notifications/index.html", rows=rows, page=page, older=older)


@bp.route("/<int:notification_id>/open", methods=["POST"])
@login_required
def open_one(notification_id: int):
    """Mark one of the user's messages read and go to the page it is about (404 for anyone else's)."""
    note = db.session.get(Notification, notification_id) if notification_id < 2**63 else None
    if note is None or note.user_id != current_user.id:
        abort(404)
    operations.mark_read(current_user, [note.id])
    return redirect(safe_next(note.url) or url_for("notifications.index"))


@bp.route("/read", methods=["POST"])
@login_required
def read_all():
    """Mark all of the user's messages read."""
    operations.mark_read(current_user)
    return redirect(url_for("notifications.index"))
