"""`flask report ...` commands: the comparison report on the command line, through the web's code path."""

import json
import sys

import click
from flask import Flask

from .. import db, totals
from ..domain import comparison as cmp
from ..domain.errors import DomainError
from ..models import utcnow
from ..params import moment_text
from ..web import today
from . import exports, queries, tables

report_group = db.UnitOfWorkGroup("report", help="Reports: the year-over-year comparison (INF508).")


@report_group.command("comparison")
@click.option("--base", "base_year", type=int, required=True, help="Base fiscal year (ฐานข้อมูลปี), e.g. 2558.")
@click.option("--year", type=int, required=True, help="Fiscal year compared (ปีงบประมาณ), e.g. 2559.")
@click.option("--through", type=int, default=None,
              help="Through installment N (default: the latest whose period has ended).")
@click.option("--basis", type=click.Choice(cmp.BASES), default=cmp.BASIS_SAME_PERIOD, show_default=True)
@click.option("--status", type=click.Choice(tuple(cmp.SELECTORS)), default=cmp.STATUS_CONFIRMED,
              show_default=True, help="confirmed: confirmed figures only; recorded: everything recorded; "
                                      "like-for-like: only LAOs confirmed in every compared installment of both years.")
@click.option("--province", "province_code", default=None, help="Province code: one row per LAO of it.")
@click.option("--order", type=click.Choice(queries.ORDERS), default="name", show_default=True)
@click.option("--format", "fmt", type=click.Choice(("csv", "xlsx", "json")), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to FILE instead of standard output (required for xlsx on a terminal).")
@click.option("--as-of", "as_of_text", default=None,
              help="The figures as they stood at a past moment: 'DD/MM/YYYY [HH:MM]' in the Buddhist Era (Bangkok "
                   "time) or ISO 8601 (e.g. 2026-11-20T14:30:00+07:00; no offset: Bangkok time).")
def comparison_command(base_year, year, through, basis, status, province_code, order, fmt, out, as_of_text):
    """Compare each province's (or LAO's) revenue by category against a base year.

    CSV columns: province_code,province_name (or lao_code,lao_name),pao_base,pao_current,pao_pct,
    mun_*,sao_*,all_*; amounts as plain decimals with 2 places, percents with 2 places or empty,
    the total row last with code TOTAL. UTF-8 without a BOM (the web export adds one for Excel).
    """
    try:
        as_of = moment_text(as_of_text, utcnow()) if as_of_text else None
        result = queries.comparison(base_year, year, through, basis, status, province_code, order=order,
                                    today=today(), as_of=as_of)
    except DomainError as err:
        raise click.ClickException(str(err)) from err
    if fmt == "csv":
        data = tables.comparison_csv(result, bom=False, excel_safe=False)
    elif fmt == "json":
        data = (json.dumps(tables.comparison_json(result), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    else:
        if out is None and sys.stdout.isatty():
            raise click.ClickException("--format xlsx needs --out FILE (or a redirected standard output)")
        data = exports.xlsx_bytes([tables.comparison_sheet(result)])
    if out:
        with open(out, "wb") as fh:
            fh.write(data)
        click.echo(f"wrote {out}", err=True)
    elif fmt == "xlsx":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
    else:
        click.echo(data.decode("utf-8"), nl=False)


rollup_group = db.UnitOfWorkGroup("rollup", help="The always-current rollup the national reports read.")


@rollup_group.command("verify")
def rollup_verify_command():
    """Recompute the rollup from the reports and entries; list every difference and exit 1 if any."""
    found = totals.differences(db.session.connection())
    for table, key, have, want in found:
        click.echo(f"{table} {key}: stored {have}, computed {want}")
    if found:
        click.echo(f"{len(found)} rollup rows differ from the entries (repair: flask rollup rebuild)", err=True)
        sys.exit(1)
    click.echo("rollup equals the entries")


@rollup_group.command("rebuild")
def rollup_rebuild_command():
    """Replace the rollup by the one recomputed from the reports and entries, in one transaction."""
    db.begin_write()
    n = totals.rebuild(db.session.connection())
    click.echo(f"rollup rebuilt: {n} rows")


def register(app: Flask) -> None:
    """Add the `report` and `rollup` command groups to the app's CLI."""
    app.cli.add_command(report_group)
    app.cli.add_command(rollup_group)
