"""Database engine and session, bound in create_app; SQLite pragmas and immediate write transactions."""

import contextvars

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from flask import current_app
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker


class Base(DeclarativeBase):
    """Declarative base of every ORM model."""


class AppSession(Session):
    """A session bound to the engine of the current Flask app (several apps can live in one process)."""

    def get_bind(self, *args, **kwargs):
        """The current app's engine."""
        return current_app.extensions["engine"]


session = scoped_session(sessionmaker(class_=AppSession, expire_on_commit=False, autoflush=True))
_immediate = contextvars.ContextVar("sqlite_immediate", default=False)


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; on SQLite set WAL, foreign keys, busy timeout and manual BEGIN handling."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {})["check_same_thread"] = False
        engine = create_engine(url, **kwargs)
        _setup_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _setup_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")


def begin_write() -> None:
    """Start the write transaction of a use case.

    On SQLite a deferred transaction that read and then writes fails at once with "database is
    locked" under concurrent saves, so the read transaction the request opened (loading the user)
    is ended and a BEGIN IMMEDIATE one started. Objects stay loaded (expire_on_commit=False);
    operations re-read the rows they change inside this transaction.
    """
    s = session()
    if s.get_bind().dialect.name != "sqlite":
        return
    conn_in_tx = s.in_transaction()
    if conn_in_tx and s.info.get("write_tx"):
        return
    if conn_in_tx:
        if s.new or s.dirty or s.deleted:
            s.flush()
            s.info["write_tx"] = True
            return  # already writing: flush took the write lock
        s.commit()
    token = _immediate.set(True)
    try:
        s.connection()
    finally:
        _immediate.reset(token)
    s.info["write_tx"] = True


@event.listens_for(session, "after_transaction_end")
def _clear_write_flag(sess, transaction):
    if transaction.parent is None:
        sess.info.pop("write_tx", None)
