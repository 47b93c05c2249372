"""Audit commands: `flask audit verify` walks the audit trail's hash chain."""

import sys

import click
from flask import Flask

from . import audit, db

audit_group = db.UnitOfWorkGroup("audit", help="The audit trail: check its hash chain.")


def register(app: Flask) -> None:
    """Attach the audit command group to `app`."""
    app.cli.add_command(audit_group)


@audit_group.command("verify")
def verify_command() -> None:
    """Walk the hash chain: print "intact, N events" or the first broken event; exit code 1 when broken."""
    verdict = audit.verify()
    click.echo(verdict.describe())
    if not verdict.intact:
        sys.exit(1)
