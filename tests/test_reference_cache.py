"""The per-process cache of reference data: a change made through one app instance (or process) on the same
database is seen by another on its next request, because every change bumps the stored reference version in
its own transaction and each request reads that version in its first query."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from app import create_app, db, fiscal, reference
from app.models import FiscalYear, Installment, ItemActivation, RevenueItem, Round, Setting
from app.resources import close_resources
from tests import factories as f
from tests.conftest import login

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def second_app(app, database_url):
    """Another app instance on the same database (what a second worker process holds)."""
    other = create_app("testing", DATABASE_URL=database_url, TODAY="2026-11-21")
    yield other
    close_resources(other)
    other.extensions["engine"].dispose()


def _years_seen_by_a_request(application) -> list[str]:
    """The fiscal-year choices the LAO home of `application` offers, through a real signed-in request."""
    client = application.test_client()
    assert login(client, "officer").status_code == 302
    html = client.get("/entry/").get_data(as_text=True)
    return sorted(set(y for y in ("2569", "2570", "2571") if f'value="{y}"' in html or f">{y}<" in html))


def test_every_change_bumps_the_version_in_its_own_transaction(app):
    with app.app_context():
        before = db.session.get(Setting, reference.VERSION_KEY)
        f.fiscal_year(2570)
        db.session.commit()
        first = db.session.scalar(select(Setting.value).where(Setting.key == reference.VERSION_KEY))
        assert first and (before is None or before.value != first)
        db.session.execute(update(Installment).where(Installment.number == 1)
                           .values(entry_deadline=Installment.entry_deadline))  # a bulk ORM change counts too
        db.session.rollback()  # ... and a rolled-back one leaves the stored version alone
        assert db.session.scalar(select(Setting.value).where(Setting.key == reference.VERSION_KEY)) == first
        db.session.execute(update(Installment).where(Installment.number == 1)
                           .values(entry_deadline=Installment.entry_deadline))
        db.session.commit()
        assert db.session.scalar(select(Setting.value).where(Setting.key == reference.VERSION_KEY)) != first


def test_two_app_instances_on_one_database(app, second_app):
    with app.app_context():
        f.fiscal_year(2570)
        f.user("officer", "lao_officer", lao_obj=f.lao("SAO", "50"))
        db.session.commit()
    with second_app.app_context():
        assert fiscal.fiscal_years() == [2570]  # the second instance loads its copy now
    with second_app.test_request_context():
        assert [i.number for i in fiscal.installments_of(2570)][:2] == [1, 2]
    assert "2569" not in _years_seen_by_a_request(second_app)

    with app.app_context():  # a change through the first instance ...
        f.fiscal_year(2569)
        item = db.session.scalar(select(RevenueItem).where(RevenueItem.code == "SIGNBOARD"))
        db.session.add(ItemActivation(fiscal_year_id=2570, item_id=item.id, lao_type="SAO", active=False))
        db.session.commit()
    # ... is seen by the second on its next request
    assert "2569" in _years_seen_by_a_request(second_app)
    with second_app.app_context():
        assert fiscal.fiscal_years() == [2570, 2569]
        assert "SIGNBOARD" not in [i.code for i in reference.items_for("SAO", 2570)]
    with app.app_context():  # and a bulk change too
        db.session.execute(update(ItemActivation).values(active=True))
        db.session.commit()
    with second_app.app_context():
        assert "SIGNBOARD" in [i.code for i in reference.items_for("SAO", 2570)]


_CHILD = textwrap.dedent("""
    import sys
    from app import create_app, fiscal
    app = create_app("testing", DATABASE_URL=sys.argv[1], TODAY="2026-11-21")
    for line in sys.stdin:
        with app.app_context():
            print(",".join(str(y) for y in fiscal.fiscal_years()), flush=True)
    app.extensions["engine"].dispose()
""")


def test_two_processes_on_one_database(app, database_url):
    with app.app_context():
        f.fiscal_year(2570)
        db.session.commit()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", _CHILD, database_url], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    try:
        def ask() -> str:
            child.stdin.write("years\n")
            child.stdin.flush()
            return child.stdout.readline().strip()

        assert ask() == "2570"
        assert ask() == "2570"  # from its cache now
        with app.app_context():
            f.fiscal_year(2571)
            db.session.commit()
        assert ask() == "2571,2570"  # the other process sees the change on its next request
        with app.app_context():
            for model, column in ((Round, Round.fiscal_year_id), (Installment, Installment.fiscal_year_id),
                                  (FiscalYear, FiscalYear.year)):
                db.session.execute(delete(model).where(column == 2571))  # bulk deletes bump the version too
            db.session.commit()
        assert ask() == "2570"
    finally:
        child.stdin.close()
        child.wait(timeout=30)
