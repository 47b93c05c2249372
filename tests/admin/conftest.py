"""Helpers of the admin tests: a logged-in administrator, import files written as CSV or XLSX, CLI runner."""

import csv
import io

import pytest
from sqlalchemy import func, select

from app import db
from app.models import AuditEvent
from tests import factories as f
from tests.conftest import login

LAO_HEADER = ("lao_code", "name_th", "name_en", "lao_type", "municipality_class", "province_code", "district_code")


def csv_bytes(header, rows) -> bytes:
    """A CSV file (UTF-8 with BOM, as Excel writes it) of `rows` under `header`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(header, rows) -> bytes:
    """An XLSX workbook of `rows` under `header` (numbers stay numbers, as a person types them in Excel)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def audit_count(action: str | None = None) -> int:
    """Number of audit events (of one action)."""
    q = select(func.count(AuditEvent.id))
    if action:
        q = q.where(AuditEvent.action == action)
    return db.session.scalar(q)


@pytest.fixture
def admin_client(app, client):
    """A test client logged in as the administrator `admin`."""
    with app.app_context():
        f.user("admin", "admin", full_name="ผู้ดูแล ระบบ")
        db.session.commit()
    response = login(client, "admin", f.PASSWORD)
    assert response.status_code == 302
    return client


@pytest.fixture
def runner(app):
    """The flask CLI runner of the test app."""
    return app.test_cli_runner()


def hidden_fields(html: str, prefix: str) -> dict[str, str]:
    """The hidden inputs of a page whose names start with `prefix` (e.g. the apply form of an import)."""
    import html as html_lib
    import re

    pattern = re.compile(r'<input[^>]*type="hidden"[^>]*>')
    out = {}
    for tag in pattern.findall(html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and name.group(1).startswith(prefix):
            out[name.group(1)] = html_lib.unescape(value.group(1)) if value else ""
    return out


def upload(client, url: str, data: bytes, filename: str, **fields):
    """Upload a file through the page's form (CSRF token taken from the page)."""
    from tests.conftest import csrf_from

    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "file": (io.BytesIO(data), filename), **fields},
                       content_type="multipart/form-data")


@pytest.fixture(autouse=True)
def _staging_dir(request, tmp_path):
    """Uploads kept between dry run and apply go to the test's temp dir, not the system's."""
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    application.config["IMPORT_STAGING_DIR"] = str(tmp_path / "staged")
    yield
    application.config.pop("IMPORT_STAGING_DIR", None)
