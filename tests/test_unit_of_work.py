"""One transaction per request and per CLI command: commit when the view returns normally, roll back on an
exception or an error response; domain errors a view leaves alone become 403/409/400 pages."""

import click
import pytest
from flask import Response, abort
from sqlalchemy import select

from app import create_app, db
from app.domain.errors import ConflictError, DomainError, LockedError, N_, NotPermittedError, ValidationError
from app.models import Setting


@pytest.fixture
def uow_app(database_url, app):
    """A second app on the test database with views that write a Setting row and then end in each way."""
    application = create_app("testing", DATABASE_URL=database_url, WTF_CSRF_ENABLED=False)

    def write(key: str) -> None:
        db.begin_write()
        db.session.add(Setting(key=key, value="written"))
        db.session.flush()

    @application.route("/t/ok")
    def ok():
        write("ok")
        return "done"

    @application.route("/t/redirect")
    def redirected():
        write("redirect")
        return Response(status=302, headers={"Location": "/"})

    @application.route("/t/crash")
    def crash():
        write("crash")
        raise RuntimeError("boom")

    @application.route("/t/abort")
    def aborted():
        write("abort")
        abort(404)

    errors = {
        "forbidden": NotPermittedError(None, N_("บัญชีนี้ไม่มีสิทธิ์ทำรายการนี้")),
        "conflict": ConflictError("version", N_("ข้อมูลงวดนี้ถูกแก้ไขโดยผู้อื่น")),
        "locked": LockedError(None, N_("งวดนี้ยืนยันแล้ว")),
        "invalid": ValidationError({"reason": DomainError("reason", N_("กรุณาระบุเหตุผล"))}),
    }

    @application.route("/t/domain/<kind>")
    def domain(kind: str):
        write(f"domain-{kind}")
        raise errors[kind]

    application.config["PROPAGATE_EXCEPTIONS"] = False
    yield application
    application.extensions["engine"].dispose()


def stored(app, key: str) -> bool:
    """Whether a Setting row `key` is in the database (read in a fresh transaction)."""
    with app.app_context():
        return db.session.scalar(select(Setting).where(Setting.key == key)) is not None


@pytest.mark.parametrize("path, status, key, kept", [
    ("/t/ok", 200, "ok", True),
    ("/t/redirect", 302, "redirect", True),
    ("/t/crash", 500, "crash", False),
    ("/t/abort", 404, "abort", False),
])
def test_a_request_commits_only_when_its_view_returns_normally(uow_app, path, status, key, kept):
    response = uow_app.test_client().get(path)
    assert response.status_code == status
    assert stored(uow_app, key) is kept


@pytest.mark.parametrize("kind, status, text", [
    ("forbidden", 403, "บัญชีนี้ไม่มีสิทธิ์ทำรายการนี้"),
    ("conflict", 409, "ข้อมูลงวดนี้ถูกแก้ไขโดยผู้อื่น"),
    ("locked", 409, "งวดนี้ยืนยันแล้ว"),
    ("invalid", 400, "กรุณาระบุเหตุผล"),
])
def test_an_unhandled_domain_error_is_an_error_page_and_writes_nothing(uow_app, kind, status, text):
    response = uow_app.test_client().get(f"/t/domain/{kind}")
    assert response.status_code == status
    assert text in response.get_data(as_text=True)
    assert not stored(uow_app, f"domain-{kind}")


def test_a_cli_command_commits_on_return_and_rolls_back_on_error(uow_app):
    group = db.UnitOfWorkGroup("t")

    @group.command("writes")
    @click.option("--fail", is_flag=True)
    def writes(fail: bool):
        db.begin_write()
        db.session.add(Setting(key="cli-fail" if fail else "cli-ok", value="x"))
        db.session.flush()
        if fail:
            raise click.ClickException("refused")

    uow_app.cli.add_command(group)
    runner = uow_app.test_cli_runner()
    assert runner.invoke(args=["t", "writes"]).exit_code == 0
    assert runner.invoke(args=["t", "writes", "--fail"]).exit_code == 1
    assert stored(uow_app, "cli-ok")
    assert not stored(uow_app, "cli-fail")


def test_no_view_commits(app):
    """Views, forms and operations leave committing to the request (db.finish_request) and the CLI's unit of work."""
    from pathlib import Path

    root = Path(app.root_path)
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if p.name in ("routes.py", "operations.py", "profile.py") and "commit()" in p.read_text()]
    assert offenders == []
