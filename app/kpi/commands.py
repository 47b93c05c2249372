"""`flask kpi list`: the KPI definitions of a fiscal year (every version) on the command line."""

import click
from flask import Flask

from .. import db
from . import operations

kpi_group = db.UnitOfWorkGroup("kpi", help="KPI definitions per fiscal year.")


@kpi_group.command("list")
@click.option("--year", type=int, required=True, help="Fiscal year (B.E.).")
def kpi_list_command(year: int):
    """Every version of every KPI of YEAR: code, version, first round, points, thresholds, rounds, name."""
    rows = operations.versions(year)
    if not rows:
        click.echo(f"no KPI defined for fiscal year {year}")
        return
    for r in rows:
        thresholds = "/".join(f"{t:f}".rstrip("0").rstrip(".") for t in r.thresholds)
        click.echo(f"{r.code}\tv{r.version} from round {r.from_round}\t{r.points:f} points\t{r.direction}\t"
                   f"{thresholds} {r.unit}\trounds {r.rounds}\t{r.category}\t{r.name_th}")


def register(app: Flask) -> None:
    """Add the `kpi` command group to the app's CLI."""
    app.cli.add_command(kpi_group)
