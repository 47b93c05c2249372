"""Who may run the admin use cases: administrators, or the server's command line (actor None)."""

from __future__ import annotations

from ..domain.errors import N_, NotPermittedError
from ..domain.workflow import Role
from ..models import User


def check_admin(actor: User | None) -> None:
    """Raise NotPermittedError unless `actor` is an administrator (or the command line, None)."""
    if actor is not None and actor.role != Role.ADMIN.value:
        raise NotPermittedError(None, N_("เฉพาะผู้ดูแลระบบเท่านั้น"))
