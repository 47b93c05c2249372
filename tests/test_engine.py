"""Engine settings for PostgreSQL behind PgBouncer in transaction mode (README, deployment): there, consecutive
transactions of one client connection may run on different server connections, so a statement psycopg prepared on
one server connection is unknown on the next ("prepared statement _pg3_1 does not exist", or a bind mismatch).
With DATABASE_PGBOUNCER the app prepares nothing on the server."""

import pytest
from sqlalchemy import text

from app import create_app

QUERY = text("SELECT count(*) FROM revenue_items WHERE code <> :code")
PREPARED = text("SELECT count(*) FROM pg_prepared_statements")


def _prepared_after_repeats(app) -> int:
    """Server-side prepared statements of one connection after running one query ten times (psycopg prepares a
    query from its fifth execution)."""
    with app.extensions["engine"].connect() as conn:
        for _ in range(10):
            conn.execute(QUERY, {"code": "X"})
        return conn.execute(PREPARED).scalar_one()


@pytest.fixture
def pg_url(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PgBouncer fronts PostgreSQL only")
    return database_url


def test_behind_pgbouncer_no_statement_is_prepared_on_the_server(pg_url):
    direct = create_app("testing", DATABASE_URL=pg_url)
    pooled = create_app("testing", DATABASE_URL=pg_url, DATABASE_PGBOUNCER=True)
    try:
        assert _prepared_after_repeats(direct) >= 1  # the default: psycopg prepares the repeated query
        assert _prepared_after_repeats(pooled) == 0
    finally:
        for app in (direct, pooled):
            app.extensions["engine"].dispose()
