"""Reading, recording and reviewing an installment through the API: money as strings, versions, refusals."""

import json

import pytest
from sqlalchemy import func, select

from app import db
from app.models import AuditEvent, Entry
from tests.api.conftest import INSTALLMENT, api, record_body

OWN = INSTALLMENT.format(code="OWN")


def put(client, world, body, token="officer", path=OWN):
    return api(client, "PUT", path, world.tokens[token], body)


def review(client, world, action, version, token="verifier", reason=None):
    body = {"action": action, "version": version, "position": "นักวิชาการตรวจสอบ", "phone": "053-222-333"}
    if reason is not None:
        body["reason"] = reason
    return api(client, "POST", OWN + "/review", world.tokens[token], body)


def test_unrecorded_installment_reads_as_version_0(world, client):
    body = api(client, "GET", OWN, world.tokens["officer"]).get_json()
    assert body == {
        "lao_code": "OWN", "fiscal_year": 2570, "installment": 1, "status": "not_recorded", "version": 0,
        "entries": {}, "explanations": {}, "recorder": None, "confirmer": None, "return_reason": None,
    }


def test_record_then_read_money_as_two_decimal_strings(world, client):
    r = put(client, world, record_body(land="1,234,567.5", sign="๑๐๐"))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "recorded" and body["version"] == 1
    assert body["entries"] == {"LAND_BUILDING": "1234567.50", "SIGNBOARD": "100.00"}
    raw = api(client, "GET", OWN, world.tokens["verifier"]).get_data(as_text=True)
    assert '"LAND_BUILDING":"1234567.50"' in raw.replace(" ", "")  # a JSON string, never a number
    assert all(isinstance(v, str) for v in json.loads(raw)["entries"].values())
    recorder = json.loads(raw)["recorder"]
    assert recorder["name"] == "สมชาย ใจดี" and recorder["recorded_at"].endswith("+00:00")
    assert recorder["late"] is True  # TODAY 21 Nov 2026 is past the 20 Nov entry deadline


def test_satang_survive_exactly(world, client):
    r = put(client, world, record_body(land="9999999999.99", sign="0.01"))
    assert r.get_json()["entries"] == {"LAND_BUILDING": "9999999999.99", "SIGNBOARD": "0.01"}


@pytest.mark.parametrize("value", [1234.5, 1234, 0, 1e3])
def test_json_numbers_are_refused_with_422(app, world, client, value):
    r = put(client, world, record_body(land=value))
    assert r.status_code == 422
    body = r.get_json()
    assert body["error"] == "validation_error"
    assert "entries.LAND_BUILDING" in body["fields"] and "ตัวเลข JSON" in body["fields"]["entries.LAND_BUILDING"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Entry.id))) == 0  # nothing saved


def test_422_names_each_bad_field(world, client):
    body = record_body(land="12.345", sign="-5", certify=False)
    body["recorder"] = {"name": "", "position": "ปลัด", "phone": ""}
    r = put(client, world, body)
    assert r.status_code == 422
    fields = r.get_json()["fields"]
    assert set(fields) == {"entries.LAND_BUILDING", "entries.SIGNBOARD", "recorder.name", "recorder.phone", "certify"}
    assert "ทศนิยม" in fields["entries.LAND_BUILDING"]
    assert "ติดลบ" in fields["entries.SIGNBOARD"]


def test_missing_items_and_unknown_codes_are_field_errors(world, client):
    body = record_body()
    body["entries"] = {"LAND_BUILDING": "10.00", "PAO_OIL": "5.00"}
    fields = put(client, world, body).get_json()["fields"]
    assert set(fields) == {"entries.PAO_OIL"}  # an SAO does not collect the oil tax
    del body["entries"]["PAO_OIL"]
    r = put(client, world, body)
    assert r.status_code == 422 and set(r.get_json()["fields"]) == {"entries.SIGNBOARD"}


@pytest.mark.parametrize("body", [
    {"entries": "x"}, {"recorder": "me"}, {"version": "1"}, {"version": True}, {"version": -1},
    {"certify": "yes"}, {"explanations": []},
])
def test_wrong_types_are_422(world, client, body):
    r = put(client, world, {**record_body(), **body})
    assert r.status_code == 422
    assert set(r.get_json()["fields"]) == {next(iter(body))}


def test_nul_characters_and_overlong_text_are_refused_not_stored(world, client):
    body = record_body()
    body["recorder"] = {"name": "a\x00b", "position": "x" * 201, "phone": "02"}
    r = put(client, world, body)
    assert r.status_code == 422
    assert set(r.get_json()["fields"]) == {"recorder.name", "recorder.position"}


@pytest.mark.parametrize("data, content_type", [
    ("not json", "application/json"), ('{"version": 0', "application/json"), ("[1, 2]", "application/json"),
    ('{"version": 0}', "text/plain"), ("", None),
])
def test_a_body_that_is_not_a_json_object_is_400(world, client, data, content_type):
    headers = {"Authorization": f"Bearer {world.tokens['officer']}"}
    r = client.put(OWN, data=data, headers=headers, content_type=content_type)
    assert r.status_code == 400
    assert r.get_json()["error"] == "bad_request"


def test_stale_version_is_409_with_the_current_state(world, client):
    first = put(client, world, record_body(land="100.00"))
    assert first.get_json()["version"] == 1
    second = put(client, world, record_body(version=1, land="200.00"))  # another window saved meanwhile
    assert second.status_code == 200 and second.get_json()["version"] == 2
    stale = put(client, world, record_body(version=1, land="300.00"))
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["error"] == "conflict" and "version" in body["fields"]
    assert body["current"]["version"] == 2 and body["current"]["entries"]["LAND_BUILDING"] == "200.00"
    assert api(client, "GET", OWN, world.tokens["officer"]).get_json()["entries"]["LAND_BUILDING"] == "200.00"


def test_first_save_must_send_version_0(world, client):
    r = put(client, world, record_body(version=3))
    assert r.status_code == 409 and r.get_json()["current"]["version"] == 0


def test_confirmed_installment_is_locked_403_until_unconfirmed(world, client):
    put(client, world, record_body())
    r = review(client, world, "confirm", 1)
    assert r.status_code == 200
    confirmed = r.get_json()
    assert confirmed["status"] == "confirmed" and confirmed["version"] == 2
    assert confirmed["confirmer"]["name"] == "สมหญิง ตรวจดี"
    assert confirmed["confirmer"]["position"] == "นักวิชาการตรวจสอบ"

    locked = put(client, world, record_body(version=2, land="1.00"))
    assert locked.status_code == 403 and locked.get_json()["error"] == "locked"

    r = review(client, world, "unconfirm", 2, reason="ตัวเลขภาษีป้ายไม่ตรงกับทะเบียน")
    assert r.status_code == 200
    body = r.get_json()
    assert body["status"] == "recorded" and body["confirmer"] is None
    assert body["return_reason"] == "ตัวเลขภาษีป้ายไม่ตรงกับทะเบียน"
    assert put(client, world, record_body(version=3, land="1.00")).status_code == 200


def test_review_needs_a_reason_to_return_and_refuses_a_stale_version(world, client):
    put(client, world, record_body())
    r = review(client, world, "return", 1)
    assert r.status_code == 422 and "reason" in r.get_json()["fields"]
    stale = review(client, world, "confirm", 0)
    assert stale.status_code == 409 and stale.get_json()["current"]["status"] == "recorded"
    r = review(client, world, "return", 1, reason="กรุณาตรวจสอบ")
    assert r.get_json()["status"] == "returned"


def test_review_rules_from_the_workflow_are_422(world, client):
    r = review(client, world, "confirm", 0)  # nothing recorded yet
    assert r.status_code == 422 and r.get_json()["error"] == "domain_error"
    r = api(client, "POST", OWN + "/review", world.tokens["verifier"],
            {"action": "approve", "version": 0, "position": "x", "phone": "y"})
    assert r.status_code == 422 and set(r.get_json()["fields"]) == {"action"}
    r = api(client, "POST", OWN + "/review", world.tokens["verifier"], {"action": "confirm", "version": 0})
    assert r.status_code == 422 and {"position", "phone"} <= set(r.get_json()["fields"])


def test_recording_before_the_period_ends_is_422(world, client):
    r = put(client, world, record_body(), path="/api/v1/laos/OWN/years/2570/installments/2")
    assert r.status_code == 422 and r.get_json()["error"] == "domain_error"


def test_api_changes_are_audited_like_the_web(app, world, client):
    put(client, world, record_body())
    review(client, world, "confirm", 1)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "installment_report")
                                    .order_by(AuditEvent.id)).all()
        assert [(e.action, e.username) for e in events] == [
            ("record_installment", "officer"), ("confirm_installment", "verifier")]
        assert events[0].new_values["LAND_BUILDING"] == "1234.50"


@pytest.mark.parametrize("path", [
    "/api/v1/laos/NOPE/years/2570/installments/1", "/api/v1/laos/OWN/years/2560/installments/1",
    "/api/v1/laos/OWN/years/2570/installments/13", "/api/v1/laos/OWN/years/abc/installments/1",
    "/api/v1/laos/OWN/years/99999999999999999999/installments/1", "/api/v1/laos/O%00N/years/2570/installments/1",
])
def test_unknown_paths_are_json_404(world, client, path):
    r = api(client, "GET", path, world.tokens["admin"])
    assert r.status_code == 404 and r.get_json()["error"] == "not_found"


def test_wrong_method_is_json_405(world, client):
    r = api(client, "DELETE", OWN, world.tokens["officer"])
    assert r.status_code == 405 and r.get_json()["error"] == "method_not_allowed"
    assert set(r.headers["Allow"].split(", ")) == {"GET", "PUT"}
