"""Database engine and session, bound in create_app; the unit of work (one transaction per request or CLI
command), SQLite pragmas, and the one seam for write locks (BEGIN IMMEDIATE / SELECT ... FOR UPDATE)."""

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Response, current_app
from flask.cli import AppGroup
from sqlalchemy import Select, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

F = TypeVar("F", bound=Callable[..., Any])


class Base(DeclarativeBase):
    """Declarative base of every ORM model."""


class AppSession(Session):
    """A session bound to the engine of the current Flask app (several apps can live in one process)."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Engine:
        """The current app's engine."""
        engine: Engine = current_app.extensions["engine"]
        return engine


session = scoped_session(sessionmaker(class_=AppSession, expire_on_commit=False, autoflush=True))
_immediate = contextvars.ContextVar("sqlite_immediate", default=False)


def prepared(build: Callable[[], Any]) -> Callable[[], Any]:
    """Decorator: the statement `build()` returns, built once per process and then reused (values go in as
    `bindparam()`s, given at execution). Building a statement, and computing the cache key SQLAlchemy looks its
    compiled form up by, cost more CPU than running a small query on SQLite; a statement object is immutable and
    memoises its cache key, so the requests on deadline day's hot paths (user loader, officer pages, the save)
    skip both. Statements that vary in shape (optional filters, scope) are still built per call."""
    return functools.cache(build)


def make_engine(url: str, *, pgbouncer: bool = False, **kwargs) -> Engine:
    """Create an engine; on SQLite set WAL, foreign keys, busy timeout and manual BEGIN handling.
    `pgbouncer`: PostgreSQL is reached through PgBouncer in transaction mode, where consecutive transactions of
    one connection may run on different server connections: psycopg must not prepare statements on the server
    (it does after 5 executions of one query; PgBouncer before 1.21 cannot carry them over)."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {})["check_same_thread"] = False
        engine = create_engine(url, **kwargs)
        _setup_sqlite(engine)
        return engine
    if pgbouncer:
        kwargs.setdefault("connect_args", {})["prepare_threshold"] = None
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _setup_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
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


def locked(stmt: Select[Any]) -> Select[Any]:
    """`stmt` made into the locking read of a write use case: the one seam for write locks.

    Starts the write transaction (BEGIN IMMEDIATE on SQLite, where the whole database is the lock) and
    adds FOR UPDATE (PostgreSQL locks the selected rows until commit; SQLite ignores it), re-reading
    the rows so a state check sees what another transaction committed.
    """
    begin_write()
    return locking(stmt)


def locking(stmt: Select[Any]) -> Select[Any]:
    """`stmt` as `locked` makes it, without starting the write transaction: for a `prepared` statement, executed
    after `begin_write()`."""
    return stmt.with_for_update().execution_options(populate_existing=True)


@contextlib.contextmanager
def apart() -> Iterator[Session]:
    """A short transaction of its own, committed at once whatever becomes of the request's.

    Only for the two writes that must survive a request that fails or only reads: counting a failed
    login and a token's last use. Call it before the request's own transaction writes (on SQLite the
    two would wait for each other's lock).
    """
    token = _immediate.set(True)
    try:
        with Session(bind=current_app.extensions["engine"], expire_on_commit=False) as side, side.begin():
            yield side
    finally:
        _immediate.reset(token)


def finish_request(response: Response) -> Response:
    """Commit the request's transaction when the view answered normally (status < 400), else roll back."""
    s = session()
    if s.in_transaction():
        if response.status_code < 400:
            s.commit()
        else:
            s.rollback()
    return response


def init_app(app: Flask) -> None:
    """Bind the engine and the request's unit of work to `app`: commit after a normal response, roll
    back after an error response or an exception, remove the session when the app context ends."""
    app.extensions["engine"] = make_engine(app.config["DATABASE_URL"], pgbouncer=app.config["DATABASE_PGBOUNCER"])
    app.after_request(finish_request)

    @app.teardown_appcontext
    def _remove_session(_exc: BaseException | None) -> None:
        session.remove()  # rolls back whatever the request left uncommitted (an exception, a failed commit)


def unit_of_work(fn: F) -> F:
    """Decorator for CLI commands: commit once when `fn` returns, roll back on any exception."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            result = fn(*args, **kwargs)
        except BaseException:
            session.rollback()
            raise
        session.commit()
        return result

    return cast(F, wrapper)


class UnitOfWorkGroup(AppGroup):
    """A command group whose commands each run as one unit of work (see `unit_of_work`)."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:  # type: ignore[override]
        """Like AppGroup.command, the callback wrapped in a transaction."""
        register = super().command(*args, **kwargs)
        return lambda fn: register(unit_of_work(fn))


@event.listens_for(session, "after_transaction_end")
def _clear_write_flag(sess: Session, transaction: Any) -> None:
    if transaction.parent is None:
        sess.info.pop("write_tx", None)
