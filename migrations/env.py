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
        with engine.begin() as conn:
            _run(conn)
        engine.dispose()
    else:
        _run(connection)


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
