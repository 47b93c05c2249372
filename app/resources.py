"""Background executors owned by the app (the password-hashing pool): kept in app.extensions, closed with the app.

create_app() calls init_app(); a resource is made on first use by get(); close_resources(app) shuts the
executors down (also run when the app is garbage-collected or the process exits).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from concurrent.futures import Executor
from threading import Lock
from typing import TypeVar, cast

from flask import Flask, current_app
from werkzeug.local import LocalProxy

_LOCK = Lock()

Resource = Executor
R = TypeVar("R", bound=Resource)


def init_app(app: Flask) -> None:
    """Give `app` its (empty) set of resources and close them when the app goes away or the process exits."""
    made: dict[str, Resource] = {}
    app.extensions["resources"] = made
    weakref.finalize(app, _close_all, made)


def get(name: str, make: Callable[[Flask], R]) -> R:
    """The current app's resource `name`, made with `make(app)` the first time it is asked for."""
    app = cast("LocalProxy[Flask]", current_app)._get_current_object()  # current_app is typed as the Flask it proxies
    made: dict[str, Resource] = app.extensions["resources"]
    with _LOCK:
        resource = made.get(name)
        if resource is None:
            resource = made[name] = make(app)
    return cast(R, resource)  # a name is always made by the same `make`


def close_resources(app: Flask) -> None:
    """Shut down the app's executors (they are made again if used later)."""
    _close_all(app.extensions["resources"])


def _close_all(made: dict[str, Resource]) -> None:
    """Close every resource in `made`, newest first, and forget them."""
    with _LOCK:
        resources = list(made.values())[::-1]
        made.clear()
    for resource in resources:
        resource.shutdown(wait=True, cancel_futures=True)
