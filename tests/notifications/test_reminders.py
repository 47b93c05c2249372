"""`flask reminders run` and the e-mail outbox against a real SMTP server: who is reminded of what and when, once a
day however often it runs, Thai subjects and B.E. dates in the mails, links to the page to act on, opt-out per kind,
and a failed send retried without losing the in-app message."""

from sqlalchemy import func, select

from app import db
from app.domain.vocabulary import NotificationKind
from app.models import FiscalYear, Installment, InstallmentReport, Notification, User, utcnow
from tests import factories as f


def _world(app, emails: bool = True) -> dict[str, int]:
    """Fiscal year 2570; LAOs own (recorded installment 1), late1 and late2 (Chiang Mai), far (Chiang Rai); an
    officer each, a verifier per province, a national viewer; verified addresses unless `emails` is False."""
    with app.app_context():
        f.fiscal_year(2570)
        own = f.lao("SAO", "50", name_th="อบต.บันทึกแล้ว")
        late1 = f.lao("SAO", "50", name_th="อบต.ยังไม่บันทึกหนึ่ง")
        late2 = f.lao("MUNICIPALITY", "50", name_th="เทศบาลยังไม่บันทึก")
        far = f.lao("SAO", "57", name_th="อบต.เชียงราย")
        verified = utcnow() if emails else None
        users = {}
        for name, lao in (("own", own), ("late1", late1), ("late2", late2), ("far", far)):
            users[name] = f.user(f"officer_{name}", "lao_officer", lao_obj=lao, email=f"{name}@lao.example.th",
                                 email_verified_at=verified)
        users["verifier"] = f.user("verifier50", "province_verifier", province_obj=f.province("50"),
                                   email="verifier@cm.example.th", email_verified_at=verified)
        users["verifier57"] = f.user("verifier57", "province_verifier", province_obj=f.province("57"),
                                     email="verifier@cr.example.th", email_verified_at=verified)
        users["national"] = f.user("national", "national_viewer", email="national@dla.example.th",
                                   email_verified_at=verified)
        inst = db.session.scalar(select(Installment).filter_by(fiscal_year_id=2570, number=1))
        db.session.add(InstallmentReport(lao_id=own.id, installment_id=inst.id, status="recorded",
                                         recorded_at=utcnow()))
        db.session.commit()
        return {k: u.id for k, u in users.items()} | {"own_lao": own.id}


def _run(app, day: str, *extra: str):
    result = app.test_cli_runner().invoke(args=["reminders", "run", "--today", day, *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _notes(app, user_id: int) -> list[Notification]:
    with app.app_context():
        return list(db.session.scalars(select(Notification).where(Notification.user_id == user_id)
                                       .order_by(Notification.id)))


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Notification))


def test_officers_are_reminded_three_days_before_once_however_often_it_runs(app, smtp):
    ids = _world(app)
    _run(app, "2026-11-17")  # installment 1's entry deadline is 20 Nov 2026: 3 days before
    late1 = _notes(app, ids["late1"])
    assert [n.kind for n in late1] == [NotificationKind.ENTRY_REMINDER.value]
    assert "งวดที่ 1 ปีงบประมาณ 2570 (ต.ค. 2569)" in late1[0].body and "20 พ.ย. 2569 (อีก 3 วัน)" in late1[0].body
    with app.app_context():
        code = db.session.get(User, ids["late1"]).lao.code
    assert late1[0].url == f"/entry/{code}/2570/1"
    assert _notes(app, ids["own"]) == []  # recorded: nothing
    assert _notes(app, ids["verifier"]) == [] and _notes(app, ids["national"]) == []
    before = _count(app)
    mails = len(smtp.messages)
    assert sorted(m["To"] for m in smtp.messages) == ["far@lao.example.th", "late1@lao.example.th",
                                                     "late2@lao.example.th"]
    _run(app, "2026-11-17")
    assert _count(app) == before and len(smtp.messages) == mails  # rows and mails: once


def test_the_reminder_mail_has_a_thai_subject_be_dates_and_the_absolute_link(app, smtp):
    ids = _world(app)
    _run(app, "2026-11-20")  # the deadline itself
    [mail] = smtp.to("late1@lao.example.th")
    assert mail["Subject"] == "[ระบบติดตามรายได้ อปท.] เตือนการบันทึกข้อมูลรายได้: ยังไม่บันทึก 1 งวด"
    raw = mail.as_bytes()
    assert b"=?utf-8?" in raw.split(b"\n\n", 1)[0].lower()  # the header itself is RFC 2047-encoded
    body = mail.get_content()
    assert "20 พ.ย. 2569 (ครบกำหนดวันนี้)" in body and "อบต.ยังไม่บันทึกหนึ่ง" in body
    note = _notes(app, ids["late1"])[0]
    assert f"https://revenue.example.go.th{note.url}" in body
    assert "https://revenue.example.go.th/profile" in body
    with app.app_context():
        assert db.session.get(Notification, note.id).emailed_at is not None


def test_after_the_deadline_the_day_after_and_then_weekly(app, smtp):
    ids = _world(app)
    for day in ("2026-11-18", "2026-11-19", "2026-11-21", "2026-11-22", "2026-11-27", "2026-11-28"):
        _run(app, day)
    days = [n.dedupe_key for n in _notes(app, ids["late1"])]
    assert days == ["entry:2026-11-21", "entry:2026-11-28"]
    assert "เลยกำหนดมาแล้ว 1 วัน" in _notes(app, ids["late1"])[0].body


def test_verifiers_get_the_lao_count_and_names_before_the_confirmation_deadline(app, smtp):
    ids = _world(app)
    _run(app, "2026-11-27")  # confirmation deadline 30 Nov 2026, 3 days before
    [note] = _notes(app, ids["verifier"])
    assert note.kind == NotificationKind.CONFIRM_REMINDER.value
    assert "1 แห่ง (อบต.บันทึกแล้ว)" in note.body and "30 พ.ย. 2569 (อีก 3 วัน)" in note.body
    assert note.url.startswith("/verify/?year=2570&number=1")
    assert _notes(app, ids["verifier57"]) == []  # nothing waits in Chiang Rai
    [mail] = smtp.to("verifier@cm.example.th")
    assert mail["Subject"].endswith("เตือนการยืนยันข้อมูล: รอการยืนยัน 1 แห่ง")


def test_national_staff_get_a_daily_digest_of_the_provinces_behind(app, smtp):
    ids = _world(app)
    _run(app, "2026-11-21")
    _run(app, "2026-11-21")
    [note] = [n for n in _notes(app, ids["national"])]
    assert note.kind == NotificationKind.NATIONAL_DIGEST.value and note.subject == "สรุปประจำวัน: 2 จังหวัดล่าช้ากว่ากำหนด"
    assert "เชียงใหม่: ยังไม่บันทึก 2 แห่ง" in note.body and "เชียงราย: ยังไม่บันทึก 1 แห่ง" in note.body
    assert note.url == "/reports/monitoring?year=2570&number=1"
    assert len(smtp.to("national@dla.example.th")) == 1


def test_nobody_gets_another_laos_reminder(app, smtp):
    ids = _world(app)
    _run(app, "2026-11-20")
    for name in ("late1", "late2", "far"):
        [note] = _notes(app, ids[name])
        with app.app_context():
            lao = db.session.get(User, ids[name]).lao
        assert lao.name_th in note.body
        others = {"late1", "late2", "far"} - {name}
        with app.app_context():
            other_names = [db.session.get(User, ids[o]).lao.name_th for o in others]
        assert not any(o in note.body for o in other_names)
        assert [m["To"] for m in smtp.messages].count(f"{name}@lao.example.th") == 1


def test_opt_out_per_kind_and_unverified_addresses_get_no_mail(app, smtp):
    ids = _world(app)
    with app.app_context():
        db.session.get(User, ids["late1"]).email_optout = [NotificationKind.ENTRY_REMINDER.value]
        db.session.get(User, ids["late2"]).email_verified_at = None
        db.session.commit()
    _run(app, "2026-11-20")
    assert smtp.to("late1@lao.example.th") == [] and smtp.to("late2@lao.example.th") == []
    assert len(smtp.to("far@lao.example.th")) == 1
    assert len(_notes(app, ids["late1"])) == 1 and len(_notes(app, ids["late2"])) == 1  # in the app all the same


def test_a_refused_send_keeps_the_message_and_is_retried_by_deliver(app, smtp):
    ids = _world(app)
    smtp.refuse = True
    _run(app, "2026-11-20")
    assert smtp.messages == []
    [note] = _notes(app, ids["late1"])
    assert note.emailed_at is None
    smtp.refuse = False
    result = app.test_cli_runner().invoke(args=["notifications", "deliver"])
    assert result.exit_code == 0 and "3 sent" in result.output, result.output
    assert len(smtp.to("late1@lao.example.th")) == 1
    again = app.test_cli_runner().invoke(args=["notifications", "deliver"])
    assert "0 sent" in again.output and len(smtp.messages) == 3


def test_without_a_mail_server_messages_stay_in_the_app(app):
    ids = _world(app)
    output = _run(app, "2026-11-20")
    assert "no MAIL_SERVER" in output
    assert len(_notes(app, ids["late1"])) == 1


def test_reminder_days_per_fiscal_year(app, smtp):
    ids = _world(app)
    with app.app_context():
        db.session.get(FiscalYear, 2570).reminder_days = 5
        db.session.commit()
    _run(app, "2026-11-17")
    assert _notes(app, ids["late1"]) == []
    _run(app, "2026-11-15")
    assert "(อีก 5 วัน)" in _notes(app, ids["late1"])[0].body


def test_a_message_claimed_by_another_delivery_run_is_not_mailed_again(app, smtp):
    ids = _world(app)
    _run(app, "2026-11-20", "--no-mail")
    [note] = _notes(app, ids["late1"])
    from app.notifications import delivery

    with app.app_context():
        assert delivery._claim(note.id, utcnow()) is True  # another run took it (and is sending it)
        assert delivery._claim(note.id, utcnow()) is False
    result = app.test_cli_runner().invoke(args=["notifications", "deliver"])
    assert "2 sent" in result.output, result.output
    assert smtp.to("late1@lao.example.th") == []


def test_an_approved_extension_moves_the_reminders_to_the_new_deadline(app, smtp):
    """late1's entry deadline of installment 1 (20 Nov 2026) is extended to 30 Nov: no 'due today' or 'late' reminder
    on the original dates, a 3-days-before reminder on 27 Nov and 'due today' on the new date; late2 (not extended)
    keeps the original reminders."""
    from datetime import date

    from app.models import DeadlineExtension

    ids = _world(app)
    with app.app_context():
        lao = db.session.get(User, ids["late1"]).lao
        inst = db.session.scalar(select(Installment).filter_by(fiscal_year_id=2570, number=1))
        db.session.add(DeadlineExtension(kind="entry", installment_id=inst.id, province_id=lao.province_id,
                                         lao_id=lao.id, original_deadline=inst.entry_deadline,
                                         requested_deadline=date(2026, 11, 30), reason="ระบบขัดข้อง",
                                         status="approved", new_deadline=date(2026, 11, 30),
                                         decision_reason="อนุมัติ", requested_at=utcnow(), decided_at=utcnow()))
        db.session.commit()
    for day in ("2026-11-20", "2026-11-21", "2026-11-27", "2026-11-30"):
        _run(app, day)
    extended = _notes(app, ids["late1"])
    assert [n.dedupe_key for n in extended] == ["entry:2026-11-27", "entry:2026-11-30"]
    assert "30 พ.ย. 2569 (อีก 3 วัน)" in extended[0].body and "30 พ.ย. 2569 (ครบกำหนดวันนี้)" in extended[1].body
    assert [n.dedupe_key for n in _notes(app, ids["late2"])][:2] == ["entry:2026-11-20", "entry:2026-11-21"]
