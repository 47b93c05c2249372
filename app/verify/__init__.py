"""The verify area."""

import threading

from flask import Blueprint, Flask, current_app

bp = Blueprint("verify", __name__)

# The templates a verifier's first confirm needs (its redirect renders the verification screen).
WARM_TEMPLATES = ("base.html", "verify/home.html", "verify/status.html", "verify/matrix.html")
WARM_UP_DELAY = 1.0  # seconds after a worker's first request


def warm_up(app: Flask) -> None:
    """Compile the verify templates and load the reference cache, off the request path.

    A fresh worker otherwise pays both on the first verify page or confirm it serves (on the demo data: about
    0.4 s of Jinja compilation and 0.13 s of reference loading, measured by tests/verify/measure_pages.py).
    """
    try:
        for name in WARM_TEMPLATES:
            app.jinja_env.get_template(name)
        with app.app_context():
            from .. import reference

            reference.current()
    except Exception:  # a warm-up must never break anything: the request path does the same work when needed
        app.logger.warning("verify warm-up failed", exc_info=True)


@bp.before_app_request
def _start_warm_up() -> None:
    """On a worker's first request (usually the sign-in), warm the verify area up in a background thread."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.testing or app.extensions.get("verify_warm_up"):
        return
    app.extensions["verify_warm_up"] = True
    # a second later: the request that started it (the sign-in, usually) does not share the CPU with it
    timer = threading.Timer(WARM_UP_DELAY, warm_up, args=(app,))
    timer.name, timer.daemon = "verify-warm-up", True
    timer.start()


from . import routes  # noqa: E402,F401
