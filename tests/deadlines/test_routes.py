"""Deadline extensions on the web and the API: the officer asks from its LAO page, the verifier sees the pending
list on /verify and decides, 404 outside the scope with nothing written, 409 on a stale decision, the deadline in
force shown beside the original one everywhere lateness is shown, and the rollup kept right."""

from datetime import date

from sqlalchemy import func, select

from app import db, totals
from app.models import AuditEvent, DeadlineExtension, InstallmentReport, Notification, RollupTotal
from tests.conftest import csrf_from, login, post_form
from tests.deadlines.conftest import lao, record, user


def ask(client, lao_code="OWN", when="25/11/2569", reason="เครือข่ายขัดข้อง"):
    """The signed-in officer posts the request form."""
    url = f"/deadlines/entry/{lao_code}/2570/1"
    return post_form(client, url, {"requested_deadline": when, "reason": reason})


def decide(client, ext_id: int, decision="approve", when="25/11/2569", reason="อนุมัติ", version=None):
    """The signed-in decider posts the decision form (the version of the page unless given)."""
    page = client.get(f"/deadlines/{ext_id}")
    html = page.get_data(as_text=True)
    data = {"decision": decision, "new_deadline": when, "decision_reason": reason, "csrf_token": csrf_from(html)}
    if version is not None:
        data["version"] = str(version)
    else:
        import re
        data["version"] = re.search(r'name="version" type="hidden" value="(\d+)"', html)[1]
    return client.post(f"/deadlines/{ext_id}/decide", data=data)


def only_extension(app) -> int:
    """The id of the one request there is."""
    with app.app_context():
        return db.session.scalar(select(DeadlineExtension.id))


def test_officer_asks_verifier_approves_and_the_deadline_shows_extended(app, client, world):
    login(client, "officer")
    home = client.get("/entry/").get_data(as_text=True)
    assert 'data-testid="ask-extension-1"' in home
    assert 'data-testid="ask-extension"' in client.get("/entry/OWN/2570/1").get_data(as_text=True)  # the form too
    form = client.get("/deadlines/entry/OWN/2570/1").get_data(as_text=True)
    assert "5 ธันวาคม 2569" in form  # the latest date allowed: 15 days after 20 Nov
    response = ask(client)
    assert response.status_code == 302
    ext_id = only_extension(app)
    home = client.get("/entry/").get_data(as_text=True)
    assert 'data-testid="extension-pending-1"' in home
    client.post("/logout", data={"csrf_token": csrf_from(home)})

    login(client, "verifier")
    screen = client.get("/verify/?year=2570&number=1").get_data(as_text=True)
    assert 'data-testid="pending-extensions-count">1<' in screen
    assert f'data-testid="pending-extension-{ext_id}"' in screen
    assert decide(client, ext_id).status_code == 302
    detail = client.get(f"/deadlines/{ext_id}").get_data(as_text=True)
    assert "ขยายถึง 25 พฤศจิกายน 2569" in detail
    screen = client.get("/verify/?year=2570&number=1").get_data(as_text=True)
    assert 'data-testid="pending-extensions"' not in screen
    assert 'data-testid="extended-OWN"' in screen  # part 2: not recorded yet, its deadline extended
    status = client.get("/verify/status?year=2570&number=1").get_data(as_text=True)
    assert 'data-testid="extended-OWN"' in status
    client.post("/logout", data={"csrf_token": csrf_from(status)})

    login(client, "officer")
    home = client.get("/entry/").get_data(as_text=True)
    assert 'data-testid="extended-1"' in home and "ขยายถึง 25 พ.ย. 2569" in home
    assert "20 พ.ย. 2569" in home  # the original deadline stays visible
    assert "ล่าช้า" not in home.split('data-number="1"')[1].split("</tr>")[0]  # not late on 21 Nov any more
    with app.app_context():
        kinds = dict(db.session.execute(select(Notification.kind, func.count()).group_by(Notification.kind)).all())
    assert kinds == {"extension_request": 1, "extension_decision": 2}  # both of OWN's officers


def test_refusals_carry_thai_messages_and_write_nothing(app, client, world):
    login(client, "officer")
    response = ask(client, when="06/12/2569")
    assert response.status_code == 400
    assert "ขยายได้ไม่เกิน 15 วันหลังกำหนดเดิม" in response.get_data(as_text=True)
    response = ask(client, reason="")
    assert "กรุณาระบุเหตุผล" in response.get_data(as_text=True)
    response = ask(client, when="20/11/2569")
    assert "วันที่ต้องหลังกำหนดเดิม" in response.get_data(as_text=True)
    assert only_extension(app) is None
    assert ask(client).status_code == 302
    again = ask(client, when="30/11/2569")
    assert again.status_code == 400 and "รอพิจารณาอยู่แล้ว" in again.get_data(as_text=True)


def test_a_verifier_of_another_province_gets_404_and_nothing_is_written(app, client, world):
    login(client, "officer")
    ask(client)
    ext_id = only_extension(app)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/entry/").get_data(as_text=True))})
    login(client, "farverifier")
    assert client.get(f"/deadlines/{ext_id}").status_code == 404
    token = csrf_from(client.get("/deadlines/").get_data(as_text=True))
    response = client.post(f"/deadlines/{ext_id}/decide", data={
        "decision": "approve", "new_deadline": "25/11/2569", "decision_reason": "x", "version": "1", "csrf_token": token})
    assert response.status_code == 404
    assert "อบต.บ้านเรา" not in client.get("/deadlines/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(DeadlineExtension, ext_id).status == "pending"
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action.like("extension_%"))) == 1


def test_a_stale_decision_is_409_with_a_thai_message(app, client, world):
    login(client, "officer")
    ask(client)
    ext_id = only_extension(app)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/entry/").get_data(as_text=True))})
    login(client, "verifier")
    assert decide(client, ext_id, version=1).status_code == 302
    response = decide(client, ext_id, "refuse", version=1)
    assert response.status_code == 409
    assert "คำขอนี้ถูกพิจารณาหรือแก้ไขไปแล้ว" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(DeadlineExtension, ext_id).status == "approved"


def test_rollup_verify_is_clean_after_approvals(app, client, world):
    with app.app_context():
        record("NEXT", date(2026, 11, 23))
        db.session.commit()
    login(client, "officer")  # OWN asks before recording, then records late while the request waits
    ask(client, when="24/11/2569")
    with app.app_context():
        record("OWN", date(2026, 11, 24))
        db.session.commit()
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/entry/").get_data(as_text=True))})
    login(client, "verifier")
    decide(client, only_extension(app), when="24/11/2569")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["rollup", "verify"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert totals.differences(db.session.connection()) == []
        late = db.session.execute(select(InstallmentReport.lao_id, InstallmentReport.recorded_late)).all()
        assert dict(late) == {lao("OWN").id: False, lao("NEXT").id: True}
        assert db.session.scalar(select(func.sum(RollupTotal.late))) == 1


def test_api_list_ask_and_decide(app, client, world):
    from app.api.tokens import issue_token

    with app.app_context():
        tokens = {name: issue_token(user(name), "t") for name in ("officer", "verifier", "farverifier", "national")}
        db.session.commit()

    def call(method, path, name, body=None):
        return client.open(path, method=method, json=body, headers={"Authorization": f"Bearer {tokens[name]}"})

    body = {"kind": "entry", "fiscal_year": 2570, "installment": 1, "requested_deadline": "2026-11-26",
            "reason": "ระบบขัดข้อง"}
    created = call("POST", "/api/v1/extensions", "officer", body)
    assert created.status_code == 200, created.get_json()
    ext = created.get_json()
    assert ext["status"] == "pending" and ext["lao_code"] == "OWN" and ext["deadline_in_force"] == "2026-11-20"
    assert call("POST", "/api/v1/extensions", "officer", body).status_code == 422  # one pending at a time
    assert call("POST", "/api/v1/extensions", "verifier", body).status_code == 403
    assert [e["id"] for e in call("GET", "/api/v1/extensions", "verifier").get_json()] == [ext["id"]]
    assert call("GET", "/api/v1/extensions", "farverifier").get_json() == []
    assert call("GET", f"/api/v1/extensions/{ext['id']}", "farverifier").status_code == 404
    decision = {"version": ext["version"], "decision": "approve", "new_deadline": "2026-12-06", "reason": "ok"}
    too_far = call("POST", f"/api/v1/extensions/{ext['id']}/decision", "verifier", decision)
    assert too_far.status_code == 422 and "new_deadline" in too_far.get_json()["fields"]
    assert call("POST", f"/api/v1/extensions/{ext['id']}/decision", "farverifier",
                {**decision, "new_deadline": "2026-11-26"}).status_code == 404
    assert call("POST", f"/api/v1/extensions/{ext['id']}/decision", "national",
                {**decision, "new_deadline": "2026-11-26"}).status_code == 403
    done = call("POST", f"/api/v1/extensions/{ext['id']}/decision", "verifier", {**decision, "new_deadline": "2026-11-26"})
    assert done.status_code == 200 and done.get_json()["deadline_in_force"] == "2026-11-26"
    stale = call("POST", f"/api/v1/extensions/{ext['id']}/decision", "verifier", {**decision, "new_deadline": "2026-11-26"})
    assert stale.status_code == 409 and stale.get_json()["error"] == "conflict"
    status = call("GET", "/api/v1/reports/status?year=2570&installment=1", "verifier").get_json()
    own = next(r for r in status["not_recorded"] if r["lao_code"] == "OWN")
    assert own["entry_extended_to"] == "2026-11-26"
    confirm = call("POST", "/api/v1/extensions", "verifier", {**body, "kind": "confirm", "requested_deadline": "2026-12-03"})
    assert confirm.status_code == 200 and confirm.get_json()["lao_code"] is None
    assert confirm.get_json()["province_code"] == "50"
    assert call("GET", f"/api/v1/extensions/{confirm.get_json()['id']}", "officer").status_code == 404
