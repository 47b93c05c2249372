"""Notices sent by hand: national staff push provinces from the monitoring page (their verifiers receive them), a
verifier reminds LAOs from Part 2 of the verification screen (their officers receive them). Scope-checked and failing
closed, audited with a readable line, the sender shown to the receiver, counts flashed, mailed to who accepts."""

from sqlalchemy import func, select

from app import audit_text, db
from app.models import AuditEvent, Installment, InstallmentReport, Notification, User, utcnow
from tests import factories as f
from tests.conftest import csrf_from, login


def _world(app) -> dict[str, int]:
    with app.app_context():
        f.fiscal_year(2570)
        own = f.lao("SAO", "50", name_th="อบต.บันทึกแล้ว")
        late = f.lao("SAO", "50", name_th="อบต.ยังไม่บันทึก")
        far = f.lao("SAO", "57", name_th="อบต.เชียงราย")
        ids = {"own": own.id, "late": late.id, "far": far.id}
        for name, lao in (("own", own), ("late", late), ("far", far)):
            ids[f"officer_{name}"] = f.user(f"officer_{name}", "lao_officer", lao_obj=lao,
                                            email=f"{name}@lao.example.th", email_verified_at=utcnow()).id
        ids["verifier"] = f.user("verifier50", "province_verifier", province_obj=f.province("50"),
                                 full_name="นางสาวตรวจ ทาน", email="v50@example.th", email_verified_at=utcnow()).id
        ids["verifier57"] = f.user("verifier57", "province_verifier", province_obj=f.province("57")).id
        ids["national"] = f.user("national", "national_viewer", full_name="นายส่วน กลาง").id
        inst = db.session.scalar(select(Installment).filter_by(fiscal_year_id=2570, number=1))
        db.session.add(InstallmentReport(lao_id=own.id, installment_id=inst.id, status="recorded",
                                         recorded_at=utcnow()))
        db.session.commit()
        return ids


def _notes(app, user_id: int) -> list[Notification]:
    with app.app_context():
        return list(db.session.scalars(select(Notification).where(Notification.user_id == user_id)))


def _written(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Notification)),
                db.session.scalar(select(func.count()).select_from(AuditEvent)))


def _notice(client, codes, message="กรุณาเร่งรัด"):
    token = csrf_from(client.get("/reports/monitoring?year=2570&number=1").get_data(as_text=True))
    return client.post("/reports/monitoring/notice", data={"csrf_token": token, "year": "2570", "number": "1",
                                                            "province": codes, "message": message})


def _nudge(client, lao_ids, message="ขอให้บันทึกภายในวันนี้"):
    token = csrf_from(client.get("/verify/?year=2570&number=1").get_data(as_text=True))
    return client.post("/verify/nudge", data={"csrf_token": token, "year": "2570", "number": "1",
                                              "lao": [str(i) for i in lao_ids], "message": message})


def test_national_staff_send_a_notice_to_a_provinces_verifiers(app, client, smtp):
    ids = _world(app)
    login(client, "national")
    html = client.get("/reports/monitoring?year=2570&number=1").get_data(as_text=True)
    assert 'data-testid="notice-50"' in html and 'data-testid="notice-form"' in html
    answer = _notice(client, ["50"])
    assert answer.status_code == 302
    assert "ส่งการแจ้งเตือนถึง สถจ. 1 จังหวัดแล้ว (ผู้รับ 1 คน)" in client.get(answer.headers["Location"]).get_data(
        as_text=True)
    [note] = _notes(app, ids["verifier"])
    assert note.kind == "province_notice" and note.sender_id == ids["national"]
    assert "เชียงใหม่" in note.subject and "ข้อความ: กรุณาเร่งรัด" in note.body
    assert "บันทึกแล้ว 1 จาก 2 แห่ง" in note.body and note.url == "/verify/?year=2570&number=1"
    assert _notes(app, ids["verifier57"]) == []
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "notice_sent"))
        assert event.user_id == ids["national"] and event.new_values["provinces"] == ["50"]
        assert audit_text.subject(event.object_type, event.object_id) == "การแจ้งเตือน ปีงบประมาณ 2570 งวดที่ 1"
        lines = audit_text.lines(event.action, event.old_values, event.new_values)
    assert "เรื่อง: หนังสือแจ้งเตือนจังหวัด" in lines and "จังหวัดที่แจ้ง: 50" in lines
    assert "จำนวนผู้รับ: 1" in lines and "ข้อความ: กรุณาเร่งรัด" in lines
    assert smtp.messages == []  # mailed by the outbox's next run (cron), not in the request
    assert "1 sent" in app.test_cli_runner().invoke(args=["notifications", "deliver"]).output
    [mail] = smtp.to("v50@example.th")
    assert mail["Subject"].startswith("[ระบบติดตามรายได้ อปท.] แจ้งเตือนจากส่วนกลาง: จังหวัดเชียงใหม่")
    assert "ส่งโดย นายส่วน กลาง" in mail.get_content()
    # the verifier sees the bell and the sender
    other = app.test_client()
    login(other, "verifier50")
    html = other.get("/notifications/").get_data(as_text=True)
    assert 'data-testid="bell-count">1<' in html and "จาก นายส่วน กลาง" in html


def test_a_notice_needs_a_province_and_an_unknown_one_sends_nothing(app, client):
    _world(app)
    login(client, "national")
    before = _written(app)
    html = client.get(_notice(client, []).headers["Location"]).get_data(as_text=True)
    assert "กรุณาเลือกจังหวัดอย่างน้อย 1 จังหวัด" in html
    html = client.get(_notice(client, ["50", "99"]).headers["Location"]).get_data(as_text=True)
    assert "เลือกจังหวัดไม่ถูกต้อง" in html
    assert _written(app) == before


def test_a_verifier_nudges_its_late_laos_and_recorded_ones_are_skipped(app, client, smtp):
    ids = _world(app)
    login(client, "verifier50")
    html = client.get("/verify/?year=2570&number=1").get_data(as_text=True)
    assert 'data-testid="nudge-form"' in html
    answer = _nudge(client, [ids["late"], ids["own"]])
    assert answer.status_code == 302
    html = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "ส่งการแจ้งเตือนถึง อปท. 1 แห่งแล้ว (ผู้รับ 1 คน)" in html and "อบต.บันทึกแล้ว" in html
    [note] = _notes(app, ids["officer_late"])
    assert note.kind == "lao_nudge" and note.sender_id == ids["verifier"]
    assert note.subject.startswith("สถจ.เชียงใหม่ แจ้งเตือน") and "20 พ.ย. 2569" in note.body
    assert note.url.endswith("/2570/1") and "ขอให้บันทึกภายในวันนี้" in note.body
    assert _notes(app, ids["officer_own"]) == [] and _notes(app, ids["officer_far"]) == []
    app.test_cli_runner().invoke(args=["notifications", "deliver"])
    [mail] = smtp.to("late@lao.example.th")
    assert "https://revenue.example.go.th/entry/" in mail.get_content()
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "notice_sent"))
        assert event.new_values["laos"] == [db.session.get(User, ids["officer_late"]).lao.code]


def test_a_verifier_cannot_nudge_another_provinces_lao_and_nothing_is_written(app, client, smtp):
    ids = _world(app)
    login(client, "verifier50")
    before = _written(app)
    assert _nudge(client, [ids["late"], ids["far"]]).status_code == 403
    assert _nudge(client, [ids["far"]]).status_code == 403
    assert _nudge(client, [999_999]).status_code == 403
    assert _written(app)[0] == before[0]
    with app.app_context():  # only the refusals' security events, no notice
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "notice_sent")) == 0
    assert smtp.messages == []


def test_other_roles_cannot_send(app, client):
    ids = _world(app)
    login(client, "officer_late")
    token = csrf_from(client.get("/profile").get_data(as_text=True))
    assert client.post("/verify/nudge", data={"csrf_token": token, "year": "2570", "number": "1",
                                              "lao": [str(ids["late"])]}).status_code == 403
    assert client.post("/reports/monitoring/notice", data={"csrf_token": token, "year": "2570", "number": "1",
                                                           "province": ["50"]}).status_code == 403
    verifier = app.test_client()
    login(verifier, "verifier50")
    token = csrf_from(verifier.get("/profile").get_data(as_text=True))
    assert verifier.post("/reports/monitoring/notice", data={"csrf_token": token, "year": "2570", "number": "1",
                                                             "province": ["50"]}).status_code == 403
    assert _written(app)[0] == 0


def test_a_post_without_csrf_sends_nothing(app, client):
    ids = _world(app)
    login(client, "verifier50")
    assert client.post("/verify/nudge", data={"year": "2570", "number": "1",
                                              "lao": [str(ids["late"])]}).status_code == 400
    assert _written(app)[0] == 0
