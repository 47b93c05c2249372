"""Alembic environment: the URL comes from the app config (or -x url=...)."""

from alembic import context

from app.db import Base
from app import models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations with a connection given by the caller or built from the configured URL."""
    connection = config.attributes.get("connection")
    if connection is None:
        from app.db import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"))
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                _sqlite_foreign_keys(conn, on=False)
            try:
                with conn.begin():
                    _run(conn)
                    if sqlite:
                        _sqlite_foreign_key_check(conn)
            finally:
                if sqlite:
                    _sqlite_foreign_keys(conn, on=True)
        engine.dispose()
    else:
        _run(connection)


def _sqlite_foreign_keys(conn, on: bool) -> None:
    """Switch SQLite foreign key enforcement; outside a transaction, where the pragma takes effect.

    Batch migrations rebuild a table (create a copy, drop the old one, rename); with enforcement on,
    dropping a table that other tables reference would delete-check every referencing row.
    """
    conn.connection.dbapi_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _sqlite_foreign_key_check(conn) -> None:
    """Fail the migration (its transaction rolls back) if it left a dangling reference."""
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"migration left foreign key violations: {broken[:10]}")


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
