"""The OpenAPI document: valid OpenAPI 3, describes every API route, and the API keeps to it (schemathesis)."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate

from datetime import date

from app import db
from app.domain.vocabulary import NotificationKind
from app.models import Installment, Lao, User
from app.notifications.operations import notify
from tests.api.conftest import auth, record_directly

MAX_EXAMPLES = 25  # per operation: bounded so the suite stays quick on two shared cores


def test_document_is_valid_openapi(world, client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.get_json()
    validate(doc)  # raises with the first problem
    assert doc["openapi"].startswith("3.")


def test_every_api_route_is_described(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    described = {(path, method) for path, item in doc["paths"].items() for method in item if method != "parameters"}
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.unknown":
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        routed |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed == described


def test_money_is_described_as_strings(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    money = doc["components"]["schemas"]["Money"]
    assert money["type"] == "string" and money["pattern"] == r"^-?[0-9]+\.[0-9]{2}$"
    record = doc["components"]["schemas"]["RecordRequest"]["properties"]["entries"]
    assert record["additionalProperties"]["type"] == "string"


@pytest.fixture
def api_schema(app, world):
    """The API's own OpenAPI document loaded by schemathesis from the WSGI app."""
    import schemathesis

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
            response_schema_conformance]


def _run(operation, token: str, path_parameters: dict | None = None, query: dict | None = None) -> None:
    """Generate up to MAX_EXAMPLES requests for `operation` and check every response against the document."""
    checks = _checks()

    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(path_parameters=path_parameters, query=query))
    def run(case):
        # schemathesis's WSGI transport does not undo Content-Encoding (an HTTP client does): ask for none
        case.call_and_validate(headers={**auth(token), "Accept-Encoding": "identity"}, checks=checks)

    run()


def test_schemathesis_every_operation(app, world, api_schema):
    """Random valid requests of every operation, as an administrator: no 500, every answer as documented."""
    record_directly(app, world, "own", "officer")
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 16
    for operation in operations:
        _run(operation, world.tokens["admin"])


# Fixed values that reach real rows, so the generated parts (bodies, filters) meet real data
REAL = {
    "/laos/{lao_code}/years/{fy}/installments/{n}": {"path_parameters": {"lao_code": "OWN", "fy": 2570, "n": 1}},
    "/laos/{lao_code}/years/{fy}/installments/{n}/review": {"path_parameters": {"lao_code": "OWN", "fy": 2570, "n": 1}},
    "/items": {"query": {"year": 2570}},
    "/years/{fy}/kpis": {"path_parameters": {"fy": 2570}},
    "/reports/status": {"query": {"year": 2570, "installment": 1}},
    "/reports/comparison": {"query": {"base": 2569, "year": 2570}},
    "/extensions": {},
    "/extensions/{ext_id}": {"path_parameters": {"ext_id": 0}},  # 0: the request the test makes
    "/extensions/{ext_id}/decision": {"path_parameters": {"ext_id": 0}},
    "/notifications": {},
    "/notifications/read": {},
}


def _ask_extension(app, world) -> int:
    """A pending entry-extension request of NEIGHBOUR (Chiang Mai), as its officer; returns its id."""
    from app.deadlines.operations import request_entry_extension

    with app.app_context():
        lao = db.session.get(Lao, world.laos["neighbour"].id)
        inst = db.session.query(Installment).filter_by(fiscal_year_id=2570, number=1).one()
        ext = request_entry_extension(db.session.get(User, world.users["officer_neighbour"].id), None, lao, inst,
                                      requested=date(2026, 11, 25), reason="ระบบขัดข้อง", today=date(2026, 11, 21),
                                      max_days=15)
        db.session.commit()
        return ext.id


def test_schemathesis_on_real_data(app, world, api_schema):
    """Random bodies and filters against a real installment and year: the LAO's officer writes, its verifier reviews
    and reads (and marks) its own notifications."""
    record_directly(app, world, "own", "officer")
    ext_id = _ask_extension(app, world)
    with app.app_context():
        verifier = db.session.get(User, world.users["verifier"].id)
        for i in range(3):
            notify([verifier], NotificationKind.PROVINCE_NOTICE, f"แจ้งเตือน {i}", "ข้อความ", "/verify/",
                   sender=db.session.get(User, world.users["national"].id))
        db.session.commit()
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if operation.path in REAL:
            token = world.tokens["officer" if operation.method == "put" else "verifier"]
            real = {k: {n: (ext_id if n == "ext_id" else v) for n, v in values.items()}
                    for k, values in REAL[operation.path].items()}
            _run(operation, token, **real)
