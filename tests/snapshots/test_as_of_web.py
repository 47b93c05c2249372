"""The as-of moment on the pages, exports, INR911, the command line and the API; hostile and future moments."""

import csv
import io
import json

import openpyxl
import pytest

from app import db
from app.api.tokens import issue_token
from tests.conftest import login
from tests.snapshots.conftest import minutes, review, save, user

Q = "base=2569&year=2570&through=1&status=confirmed"
# minutes(5) is 2026-11-20 01:05 UTC: 08:05 in Bangkok on 20/11/2569; minutes(15) is 08:15
EARLY = "as_of_date=20/11/2569&as_of_time=08:05"
CONFIRMED = "as_of_date=20/11/2569&as_of_time=08:15"


@pytest.fixture
def history(app, world):
    """OWN01 FY2570/1: recorded 1,300 at 08:00, confirmed at 08:10, unconfirmed at 08:20, 2,300 at 08:30."""
    with app.app_context():
        save("OWN01", 2570, 1, ["1,000.00", "300.00"], minutes(0))
        review("OWN01", 2570, 1, "confirm", minutes(10))
        review("OWN01", 2570, 1, "unconfirm", minutes(20), reason="ผิด")
        save("OWN01", 2570, 1, ["2,000.00", "300.00"], minutes(30))
        db.session.commit()


def _national(client):
    """`client` logged in as the national viewer."""
    login(client, "national")
    return client


def test_comparison_page_as_of_a_moment(app, history):
    client = _national(app.test_client())
    live = client.get(f"/reports/?{Q}").get_data(as_text=True)
    assert 'data-testid="as-of"' not in live and "1,300.00" not in live
    page = client.get(f"/reports/?{Q}&{CONFIRMED}").get_data(as_text=True)
    assert 'data-testid="as-of"' in page and "ข้อมูล ณ 20 พ.ย. 2569 08:15" in page
    assert "1,300.00" in page
    # the selection is carried into the province link and the exports
    assert "as_of_date=20/11/2569" in page and "as_of_time=08:15" in page
    province = client.get(f"/reports/province/50?{Q}&{CONFIRMED}").get_data(as_text=True)
    assert 'data-testid="as-of"' in province and "อบต.บ้านเรา" in province and "1,300.00" in province
    recorded = client.get(f"/reports/province/50?base=2569&year=2570&through=1&status=recorded&{EARLY}")
    assert "1,300.00" in recorded.get_data(as_text=True)


def test_comparison_exports_as_of(app, history):
    client = _national(app.test_client())
    response = client.get(f"/reports/export/comparison.csv?{Q}&{CONFIRMED}")
    assert response.status_code == 200
    assert "as_of_20261120T0115" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[-1][0] == "TOTAL" and "1300.00" in rows[-1]
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/reports/export/comparison.xlsx?{Q}&{CONFIRMED}").data))
    notes = [c.value for row in book.active.iter_rows(max_row=8) for c in row if isinstance(c.value, str)]
    assert any(n.startswith("ข้อมูล ณ 20 พ.ย. 2569 08:15") for n in notes)
    printed = client.get(f"/reports/print/comparison?{Q}&{CONFIRMED}").get_data(as_text=True)
    assert "ข้อมูล ณ 20 พ.ย. 2569 08:15" in printed


@pytest.mark.parametrize("args, message", [
    ("as_of_date=31/02/2569", "ไม่มีวันที่"),
    ("as_of_date=2026-11-20", "วว/ดด/ปปปป"),
    ("as_of_time=08:00", "กรุณากรอกวันที่ของเวลาที่ต้องการดูข้อมูลย้อนหลัง"),
    ("as_of_date=20/11/2569&as_of_time=25:61", "ชช:นน"),
    ("as_of_date=01/01/2999", "ยังมาไม่ถึง"),
    ("as_of_date=21/11/2569&as_of_time=23:59", "ยังมาไม่ถึง"),
    ("as_of_date=" + "9" * 5000, "ยาวเกินไป"),
])
def test_bad_or_future_moment_is_a_thai_message(app, history, args, message):
    client = _national(app.test_client())
    response = client.get(f"/reports/?{Q}&{args}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html and 'data-testid="comparison-table"' not in html


def test_a_date_alone_is_the_end_of_that_day_and_today_is_now(app, history):
    client = _national(app.test_client())
    day = client.get(f"/reports/?base=2569&year=2570&through=1&status=recorded&as_of_date=20/11/2569")
    assert "2,300.00" in day.get_data(as_text=True)
    today = client.get(f"/reports/?{Q}&as_of_date=21/11/2569")
    assert today.status_code == 200 and 'data-testid="as-of"' in today.get_data(as_text=True)


def test_inr911_as_of(app, history):
    client = _national(app.test_client())
    before = client.get("/verify/status?province=50&year=2570&number=1&as_of_date=20/11/2569&as_of_time=07:59")
    html = before.get_data(as_text=True)
    assert 'data-testid="as-of"' in html and "ข้อมูล ณ 20 พ.ย. 2569 07:59" in html
    confirmed = client.get(f"/verify/status?year=2570&number=1&{CONFIRMED}").get_data(as_text=True)
    assert 'data-testid="as-of"' in confirmed and "as_of_time=08:15" in confirmed
    export = client.get(f"/verify/status.xlsx?province=50&year=2570&number=1&{CONFIRMED}")
    assert export.status_code == 200 and "as_of_20261120T0115" in export.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(export.data))
    assert any(isinstance(c.value, str) and c.value.startswith("ข้อมูล ณ")
               for row in book.worksheets[0].iter_rows(max_row=8) for c in row)
    assert client.get("/verify/status.csv?year=2570&number=1&as_of_date=x").status_code == 400
    page = client.get("/verify/status?year=2570&number=1&as_of_date=x").get_data(as_text=True)
    assert "จึงแสดงข้อมูลปัจจุบันแทน" in page


def test_inr911_counts_as_of(app, history):
    from app.auth.loaders import installment_or_404
    from app.verify.queries import status_report

    with app.app_context():
        inst = installment_or_404(2570, 1)
        before = status_report(inst, None, as_of=minutes(-1))
        assert before.recorded_count == 0
        at_confirm = status_report(inst, None, as_of=minutes(15))
        assert (at_confirm.recorded_count, at_confirm.confirmed_count, at_confirm.as_of) == (1, 1, minutes(15))
        row = next(r for r in at_confirm.rows if r.lao_code == "OWN01")
        assert (row.status, row.confirmed_at) == ("confirmed", minutes(10))


def test_cli_as_of(app, history):
    runner = app.test_cli_runner()
    base = ["report", "comparison", "--base", "2569", "--year", "2570", "--through", "1", "--status", "confirmed"]
    result = runner.invoke(args=[*base, "--format", "json", "--as-of", "20/11/2569 08:15"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["selection"]["as_of"] == "2026-11-20T01:15:00" and data["total"]["all_current"] == "1300.00"
    iso = runner.invoke(args=[*base, "--format", "json", "--as-of", "2026-11-20T01:25:00+00:00"])
    assert json.loads(iso.output)["total"]["all_current"] == "0.00"
    for bad in ("yesterday", "01/01/2999", "2999-01-01T00:00"):
        refused = runner.invoke(args=[*base, "--as-of", bad])
        assert refused.exit_code != 0 and "Traceback" not in refused.output


def test_api_as_of(app, history):
    with app.app_context():
        token = issue_token(user("national"), "script")
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    got = client.get("/api/v1/reports/comparison?base=2569&year=2570&through=1&as_of=2026-11-20T08:15:00%2B07:00",
                     headers=headers)
    assert got.status_code == 200, got.get_data(as_text=True)
    body = got.get_json()
    assert body["selection"]["as_of"] == "2026-11-20T01:15:00" and body["total"]["all_current"] == "1300.00"
    naive = client.get("/api/v1/reports/comparison?base=2569&year=2570&through=1&as_of=2026-11-20T08:25:00",
                       headers=headers).get_json()
    assert naive["total"]["all_current"] == "0.00"  # no offset: Bangkok time, after the unconfirm
    status = client.get("/api/v1/reports/status?year=2570&installment=1&province=50&as_of=2026-11-20T01:15:00Z",
                        headers=headers).get_json()
    assert status["as_of"] == "2026-11-20T01:15:00+00:00" and status["confirmed_count"] == 1
    assert client.get("/api/v1/reports/status?year=2570&installment=1&province=50",
                      headers=headers).get_json()["as_of"] is None
    for bad in ("2999-01-01T00:00:00Z", "tomorrow", "0001-01-01", "2026-13-01T00:00"):
        refused = client.get(f"/api/v1/reports/comparison?base=2569&year=2570&through=1&as_of={bad}", headers=headers)
        assert refused.status_code == 422, (bad, refused.get_data(as_text=True))
        assert "as_of" in refused.get_json()["fields"]
    document = client.get("/api/v1/openapi.json", headers=headers).get_json()
    params = {p["name"] for p in document["paths"]["/reports/comparison"]["get"]["parameters"]}
    assert "as_of" in params
