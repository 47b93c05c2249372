"""One source of truth: the pydantic models validate requests and are the document's schemas; limits agree everywhere."""

from datetime import date

import pytest

from app import db
from app.api import models
from app.api.document import PATHS
from app.domain.errors import ValidationError
from app.domain.limits import MAX_REASON
from app.domain.workflow import ReviewAction
from app.entry.operations import MAX_EXPLANATION
from app.models import Installment, User
from app.verify.operations import review_installments
from tests.api.conftest import INSTALLMENT, api, record_body, record_directly

OWN = INSTALLMENT.format(code="OWN")


def _review(client, world, **fields):
    body = {"action": "return", "version": 1, "position": "นักวิชาการตรวจสอบ", "phone": "053-222-333", **fields}
    return api(client, "POST", OWN + "/review", world.tokens["verifier"], body)


def test_the_reason_limit_is_500_in_the_document_the_request_and_the_operation(app, world, client):
    assert MAX_REASON == 500
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["components"]["schemas"]["ReviewRequest"]["properties"]["reason"]["maxLength"] == MAX_REASON

    record_directly(app, world, "own", "officer")
    r = _review(client, world, reason="ก" * (MAX_REASON + 1))
    assert r.status_code == 422
    body = r.get_json()
    assert body["error"] == "validation_error" and set(body["fields"]) == {"reason"}
    assert "500" in body["fields"]["reason"] and "ตัวอักษร" in body["fields"]["reason"]

    with app.app_context():  # the operation itself, as the web form calls it, refuses the same length
        inst = db.session.query(Installment).filter_by(fiscal_year_id=2570, number=1).one()
        verifier = db.session.get(User, world.users["verifier"].id)
        with pytest.raises(ValidationError) as refused:
            review_installments(verifier, None, inst, {world.laos["own"].id: 1}, ReviewAction.RETURN,
                                reason="ก" * (MAX_REASON + 1), position="ปลัด", phone="02", today=date(2026, 11, 21))
        assert set(refused.value.errors) == {"reason"}
        db.session.rollback()

    r = _review(client, world, reason="ก" * MAX_REASON)  # exactly the limit passes both
    assert r.status_code == 200 and r.get_json()["return_reason"] == "ก" * MAX_REASON


def test_the_explanation_limit_is_the_entry_operations(world, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    explanations = doc["components"]["schemas"]["RecordRequest"]["properties"]["explanations"]
    assert explanations["additionalProperties"]["maxLength"] == MAX_EXPLANATION
    body = record_body(explanations={"SIGNBOARD": "x" * (MAX_EXPLANATION + 1)})
    r = api(client, "PUT", OWN, world.tokens["officer"], body)
    assert r.status_code == 422 and set(r.get_json()["fields"]) == {"explanations.SIGNBOARD"}


def test_document_schemas_are_the_models(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for model in (models.RecordRequest, models.ReviewRequest, models.RecorderInput, models.InstallmentState,
                  models.Lao, models.StatusReport, models.Error):
        assert set(schemas[model.__name__]["properties"]) == set(model.model_fields), model.__name__
    assert schemas["RecordRequest"]["properties"]["recorder"] == {"$ref": "#/components/schemas/RecorderInput"}
    assert schemas["ReviewAction"]["enum"] == [a.value for a in ReviewAction]
    assert set(schemas["ComparisonRow"]["required"]) == set(models.ComparisonRow.model_fields) - {
        "province_code", "province_name", "lao_code", "lao_name"}


def test_query_parameters_are_the_query_models(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, (_path_model, operations) in PATHS.items():
        for op in operations:
            params = doc["paths"][path][op.method].get("parameters", [])
            expected = set(op.query.model_fields) if op.query else set()
            assert {p["name"] for p in params} == expected, path
    limit = next(p for p in doc["paths"]["/laos"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": models.MAX_LIMIT, "default": models.MAX_LIMIT}


@pytest.mark.parametrize("data", [
    "[" * 60_000, "{" * 60_000, '{"version": 0, "entries": ' + "[" * 60_000, '{"a": ' * 10_000,
])  # deeper than the parser goes, within the API's 64 KiB body limit (larger is a 413: test_hostile_bodies)
@pytest.mark.parametrize("method, path, token", [("PUT", OWN, "officer"), ("POST", OWN + "/review", "verifier")])
def test_deeply_nested_json_is_a_4xx_json_error(world, client, data, method, path, token):
    r = client.open(path, method=method, data=data, content_type="application/json",
                    headers={"Authorization": f"Bearer {world.tokens[token]}"})
    assert 400 <= r.status_code < 500
    assert r.get_json()["error"] == "bad_request"


def test_nesting_that_parses_is_a_field_error(world, client):
    body = record_body()
    body["entries"] = [[[[[[[[[[[]]]]]]]]]]]
    r = api(client, "PUT", OWN, world.tokens["officer"], body)
    assert r.status_code == 422 and set(r.get_json()["fields"]) == {"entries"}


@pytest.mark.parametrize("query, field", [
    ("/laos?limit=99999999999999999999", "limit"), ("/laos?offset=²", "offset"), ("/laos?limit=%EF%BC%95", "limit"),
    ("/laos?offset=%2B5", "offset"), ("/items?year=99999999999999999999", "year"), ("/items?year=²", "year"),
    ("/reports/status?year=2570&installment=99999999999999999999", "installment"),
    ("/reports/comparison?base=2569&year=2570&through=²", "through"),
    ("/reports/comparison?base=%D9%A3&year=2570", "base"),
])
def test_huge_and_unicode_numbers_in_queries_are_422(world, client, query, field):
    r = api(client, "GET", "/api/v1" + query, world.tokens["national"])
    assert r.status_code == 422
    body = r.get_json()
    assert body["error"] == "validation_error" and set(body["fields"]) == {field}
    assert "จำนวนเต็ม" in body["fields"][field]


def test_query_messages_are_thai_and_name_the_range(world, client):
    r = api(client, "GET", "/api/v1/laos?limit=0", world.tokens["national"])
    assert r.get_json()["fields"] == {"limit": "limit ต้องอยู่ระหว่าง 1 ถึง 1000"}
    r = api(client, "GET", "/api/v1/items", world.tokens["national"])
    assert r.get_json()["fields"] == {"year": "ต้องระบุค่า year"}
    r = api(client, "GET", "/api/v1/laos?type=CITY&province=5", world.tokens["national"])
    fields = r.get_json()["fields"]
    assert fields == {"type": "type ต้องเป็นค่าใดค่าหนึ่งใน PAO, MUNICIPALITY, SAO", "province": "รหัส province ไม่ถูกต้อง"}


@pytest.mark.parametrize("value, message", [
    ("a\x00b", "มีอักขระที่ใช้ไม่ได้"), ("\ud800", "มีอักขระที่ใช้ไม่ได้"), (5, "ต้องเป็นข้อความ (JSON string)"),
    (["x"], "ต้องเป็นข้อความ (JSON string)"),
])
def test_bad_text_in_a_review_names_the_field(app, world, client, value, message):
    record_directly(app, world, "own", "officer")
    r = _review(client, world, reason=value)
    assert r.status_code == 422 and r.get_json()["fields"] == {"reason": message}


def test_null_optional_text_reads_as_absent(app, world, client):
    record_directly(app, world, "own", "officer")
    r = _review(client, world, action="confirm", reason=None)
    assert r.status_code == 200 and r.get_json()["status"] == "confirmed"


def test_record_errors_keep_their_json_paths_and_messages(world, client):
    body = record_body(version=None, certify="yes", explanations={"NOPE": "x"})
    body["entries"] = {"LAND_BUILDING": None, "SIGNBOARD": 12, "PAO_OIL": "1.00"}
    body["recorder"] = {"name": "x" * 201}
    r = api(client, "PUT", OWN, world.tokens["officer"], body)
    assert r.status_code == 422
    assert r.get_json() == {
        "error": "validation_error", "message": "ข้อมูลที่ส่งมาไม่ถูกต้อง",
        "fields": {
            "version": "ต้องระบุ version ที่ได้รับล่าสุด (0 ถ้ายังไม่เคยบันทึก)",
            "entries.LAND_BUILDING": "ต้องระบุค่านี้",
            "entries.SIGNBOARD": 'จำนวนเงินต้องส่งเป็นข้อความ เช่น "1234.50" ไม่ใช่ตัวเลข JSON',
            "entries.PAO_OIL": "อปท. นี้ไม่มีรายการรายได้นี้ในปีงบประมาณนี้",
            "explanations.NOPE": "อปท. นี้ไม่มีรายการรายได้นี้ในปีงบประมาณนี้",
            "recorder.name": "ยาวได้ไม่เกิน 200 ตัวอักษร",
            "certify": "certify ต้องเป็น true หรือ false",
        },
    }


def test_responses_are_what_the_response_models_describe(app, world, client):
    from pydantic import TypeAdapter

    record_directly(app, world, "own", "officer")
    token = world.tokens["national"]
    checks = [
        (OWN, models.InstallmentState), ("/api/v1/laos", list[models.Lao]), ("/api/v1/years", list[models.FiscalYear]),
        ("/api/v1/items?year=2570", list[models.Item]), ("/api/v1/", models.ApiIndex),
        ("/api/v1/reports/status?year=2570&installment=1", models.StatusReport),
        ("/api/v1/reports/comparison?base=2569&year=2570&status=recorded", models.Comparison),
        ("/api/v1/reports/comparison?base=2569&year=2570&province=50", models.Comparison),
        ("/api/v1/laos?limit=0", models.Error),
    ]
    for path, shape in checks:
        TypeAdapter(shape).validate_python(api(client, "GET", path, token).get_json())  # raises when they differ
