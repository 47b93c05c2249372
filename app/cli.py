"""Flask CLI commands: database migrations, reference data, demo data. They call the same operations as the web."""

import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from . import db, migrate


def register(app: Flask) -> None:
    """Attach the command groups to `app`."""
    app.cli.add_command(db_group)
    app.cli.add_command(seed_command)
    app.cli.add_command(demo_command)
    from . import audit_commands
    from .admin import commands as admin_commands
    from .kpi import commands as kpi_commands
    from .notifications import commands as notifications_commands
    from .reports import commands as reports_commands

    reports_commands.register(app)
    admin_commands.register(app)
    audit_commands.register(app)
    kpi_commands.register(app)
    notifications_commands.register(app)


@click.group("db", cls=AppGroup)
def db_group():
    """Database schema (Alembic)."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str):
    """Apply schema migrations to the configured database."""
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"database at revision {revision}")


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str):
    """Revert schema migrations down to REVISION."""
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)


@db_group.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str):
    """Autogenerate a migration from the models (review it before committing)."""
    migrate.revision(current_app.config["DATABASE_URL"], message)


@click.command("seed")
@with_appcontext
@db.unit_of_work
def seed_command():
    """Load the reference data: provinces and districts (geothai) and revenue items."""
    from .reference import seed_geography, seed_items

    np, nd = seed_geography()
    ni = seed_items()
    click.echo(f"provinces +{np}, districts +{nd}, revenue items +{ni}")


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only build when the database has no LAOs.")
@click.option("--seed", default=2560, show_default=True, help="Random seed (the build is reproducible).")
def demo_command(if_empty: bool, seed: int):
    """Build the national demo dataset (about 7,850 LAOs) and the four demo accounts."""
    if not current_app.config.get("ALLOW_DEMO_DATA"):
        raise click.ClickException("demo data is refused in this configuration (production)")
    from .demo import build_demo
    from .models import Lao
    from .web import today

    has_laos = db.session.execute(select(func.count(Lao.id))).scalar_one() > 0
    if has_laos:
        if if_empty:
            click.echo("database already has data: demo build skipped")
            return
        raise click.ClickException("the database already has LAOs; demo data goes into an empty database")
    started = time.perf_counter()
    counts = build_demo(today(), seed=seed, progress=lambda msg: click.echo(f"  {msg}"))
    elapsed = time.perf_counter() - started
    click.echo(
        f"demo data built in {elapsed:.1f} s: {counts['laos']} LAOs "
        f"({counts['pao']} PAO, {counts['municipalities']} municipalities, {counts['saos']} SAO), "
        f"{counts['entries']} entries, {counts['reports']} installment reports"
    )
