"""Admin commands: `flask fiscal-year ...`, `flask import ...`, `flask users ...`; they call the admin operations."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy import func, select

from .. import db
from ..domain.calendar import SCHEDULES
from ..domain.errors import DomainError
from ..domain.workflow import Role
from ..models import FiscalYear, Installment, Province, User
from ..web import today
from . import accounts, exports
from . import imports as file_imports
from . import years as year_setup
from .imports import Upload

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar  # what click.progressbar returns

# each command is one unit of work: committed when it returns, rolled back when it fails
fiscal_year_group = db.UnitOfWorkGroup("fiscal-year", help="Fiscal years and their installment schedules.")
import_group = db.UnitOfWorkGroup("import", help="Import the LAO register or figures from CSV or XLSX (all or nothing).")
users_group = db.UnitOfWorkGroup("users", help="Accounts and API tokens.")


def register(app: Flask) -> None:
    """Attach the admin command groups to `app`."""
    for group in (fiscal_year_group, import_group, users_group):
        app.cli.add_command(group)


def _fail(err: DomainError) -> NoReturn:
    raise click.ClickException(str(err))


class _Progress:
    """A click progress bar started on the first report of the rows being checked."""

    def __init__(self, label: str):
        self.label, self.done = label, 0
        self.bar: ProgressBar[int] | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        """Finish the bar (if any)."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _read(path: str) -> Upload:
    file = Path(path)
    return Upload(file.name, file.read_bytes())


def _report(plan, dry_run: bool, started: float) -> None:
    """Print a plan's bad rows (and fail) or its counts."""
    elapsed = time.perf_counter() - started
    if plan.errors:
        for e in plan.errors:
            click.echo(f"line {e.line}, {e.column or '-'}: {e}", err=True)
        raise click.ClickException(f"{len(plan.errors)} bad row(s): nothing was imported")
    verb = "would" if dry_run else "did"
    click.echo(f"{plan.rows} rows checked in {elapsed:.2f} s: {verb} create {len(plan.creates)}, "
               f"change {len(plan.updates)}; {plan.unchanged} unchanged"
               + (f"; fiscal years to create {plan.years_to_create}" if getattr(plan, "years_to_create", None)
                  else ""))
    if dry_run:
        db.session.rollback()
    elif plan.has_changes:
        click.echo("imported")
    else:
        click.echo("nothing to change")


# ---------------------------------------------------------------------------------------------------
# fiscal-year


@fiscal_year_group.command("create")
@click.argument("year", type=int)
@click.option("--schedule", type=click.Choice(SCHEDULES), default="monthly", show_default=True,
              help="monthly: 12 installments; dla2560: the 2560 circular's 8; annual: one (historical totals).")
def fiscal_year_create(year: int, schedule: str):
    """Create fiscal year YEAR (B.E.) with its installments, deadlines and default rounds."""
    try:
        year_setup.create_year(None, None, year, schedule)
    except DomainError as err:
        _fail(err)
    n = db.session.scalar(select(func.count(Installment.id)).where(Installment.fiscal_year_id == year))
    click.echo(f"fiscal year {year} created: {schedule}, {n} installment(s)")


@fiscal_year_group.command("list")
def fiscal_year_list():
    """List the fiscal years and their schedules."""
    for fy in db.session.scalars(select(FiscalYear).order_by(FiscalYear.year)):
        click.echo(f"{fy.year}  {fy.start_date} – {fy.end_date}  {fy.schedule}  {len(fy.installments)} installment(s)")


# ---------------------------------------------------------------------------------------------------
# import


@import_group.command("laos")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check and report what would change; write nothing.")
def import_laos(file: str, dry_run: bool):
    """Import the LAO register from FILE (CSV or XLSX):
    lao_code,name_th,name_en,lao_type,municipality_class,province_code,district_code."""
    started = time.perf_counter()
    progress = _Progress("checking rows")
    try:
        plan = file_imports.import_laos(None, None, _read(file), dry_run=dry_run, progress=progress)
    except DomainError as err:
        _fail(err)
    finally:
        progress.close()
    _report(plan, dry_run, started)


def _import_figures(kind: str, file: str, dry_run: bool, confirm: bool) -> None:
    started = time.perf_counter()
    progress = _Progress("checking rows")
    try:
        plan = file_imports.import_figures(None, None, _read(file), kind, confirm=confirm, dry_run=dry_run,
                                           today=today(), ceiling=current_app.config["AMOUNT_CEILING"],
                                           progress=progress)
    except DomainError as err:
        _fail(err)
    finally:
        progress.close()
    _report(plan, dry_run, started)


@import_group.command("baseline")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check and report what would change; write nothing.")
def import_baseline(file: str, dry_run: bool):
    """Import a past year's annual actuals from FILE: fiscal_year,lao_code,item_code,amount (stored as confirmed)."""
    _import_figures("baseline", file, dry_run, confirm=True)


@import_group.command("entries")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check and report what would change; write nothing.")
@click.option("--confirm", is_flag=True, help="Store the figures as confirmed (administrators only).")
def import_entries(file: str, dry_run: bool, confirm: bool):
    """Import installment figures from FILE: fiscal_year,lao_code,installment,item_code,amount."""
    _import_figures("entries", file, dry_run, confirm=confirm)


# ---------------------------------------------------------------------------------------------------
# users


@users_group.command("create")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--scope", default=None, help="LAO code (lao_officer) or province code (province_verifier).")
@click.option("--full-name", default="", help="The person's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (first line).")
def users_create(username: str, role: str, scope: str | None, full_name: str, password_stdin: bool):
    """Create an account; without --password-stdin a one-time password is printed (to change at first login)."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    if password_stdin and not password:
        raise click.ClickException("no password on standard input")
    try:
        user, one_time = accounts.create_user(None, None, username,
                                              accounts.AccountDetails(full_name, "", "", role, scope), password)
    except DomainError as err:
        _fail(err)
    click.echo(f"user {user.username} created ({role}{', ' + scope if scope else ''})")
    if one_time:
        click.echo(f"one-time password: {one_time}")


@users_group.command("token")
@click.argument("username")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
def users_token(username: str, name: str):
    """Issue a new API token for USERNAME and print it once (only its hash is stored)."""
    from ..api.tokens import issue_token

    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None or not user.active:
        raise click.ClickException(f"no active user {username}")
    try:
        token = issue_token(user, name)
    except DomainError as err:
        _fail(err)
    click.echo(token)


@users_group.command("bulk-create")
@click.option("--province", default=None, help="Province code; default: every province.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The xlsx to write the usernames and one-time passwords to.")
@click.option("--workers", type=int, default=None, help="Hashing processes (default: CPU count).")
def users_bulk_create(province: str | None, out: str, workers: int | None):
    """Create an LAO-officer account for every active LAO without one; write the one-time passwords to OUT."""
    prov = None
    if province:
        prov = db.session.scalar(select(Province).where(Province.code == province))
        if prov is None:
            raise click.ClickException(f"no province {province}")
    result = accounts.bulk_create_lao_accounts(None, None, prov, workers=workers,
                                               progress=lambda m: click.echo(m, err=True))
    if not result.accounts:
        click.echo("every LAO already has an account")
        return
    # the sheet is written before the command returns and commits: accounts whose passwords nobody can
    # read would be useless. force_locale: the app's locale selector reads the HTTP session, which a command does not have
    with force_locale("th"):
        Path(out).write_bytes(exports.accounts_xlsx(result.accounts))
    click.echo(f"{len(result.accounts)} accounts created in {result.seconds:.1f} s "
               f"(hashing {result.hash_seconds:.1f} s in {result.workers} process(es)); passwords in {out}")
