"""The notification centre: `notify` (idempotent by key), the bell's unread count, the list, opening and marking
read, and that nobody reaches another user's messages."""

import re

from sqlalchemy import func, select

from app import db
from app.domain.vocabulary import NotificationKind
from app.models import Notification, User
from app.notifications.operations import notify
from tests import factories as f
from tests.conftest import csrf_from, login

KIND = NotificationKind.LAO_NUDGE


def _world(app):
    with app.app_context():
        lao = f.lao("SAO", "50")
        other = f.lao("SAO", "50")
        officer = f.user("officer1", "lao_officer", lao_obj=lao)
        f.user("officer2", "lao_officer", lao_obj=other)
        verifier = f.user("verifier1", "province_verifier", province_obj=lao.province, full_name="นางสาวตรวจ ทาน")
        notify([officer], KIND, "กรุณาบันทึกงวดที่ 1", "ยังไม่บันทึก: งวดที่ 1 ต.ค. 2569", "/entry/", sender=verifier)
        notify([officer.id], KIND, "ข้อความที่สอง")
        db.session.commit()
        return officer.id


def _bell(client) -> str | None:
    html = client.get("/notifications/").get_data(as_text=True)
    match = re.search(r'data-testid="bell-count">([^<]+)<', html)
    return match.group(1) if match else None


def test_notify_with_a_key_creates_each_message_once(app):
    with app.app_context():
        lao = f.lao("SAO", "50")
        officer = f.user("officer1", "lao_officer", lao_obj=lao)
        assert notify([officer, officer.id], KIND, "เตือน", dedupe_key="entry:2570:1:d-3") == 1
        assert notify([officer], KIND, "เตือน", dedupe_key="entry:2570:1:d-3") == 0
        assert notify([officer], KIND, "เตือน", dedupe_key="entry:2570:1:d0") == 1
        assert notify([officer], KIND, "ไม่มีกุญแจ") == 1 and notify([officer], KIND, "ไม่มีกุญแจ") == 1
        assert notify([], KIND, "ไม่มีผู้รับ") == 0
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 4


def test_the_bell_counts_unread_and_opening_one_marks_it_read(app, client):
    _world(app)
    login(client, "officer1")
    assert _bell(client) == "2"
    html = client.get("/notifications/").get_data(as_text=True)
    assert "กรุณาบันทึกงวดที่ 1" in html and "จาก นางสาวตรวจ ทาน" in html and "ยังไม่บันทึก: งวดที่ 1" in html
    with app.app_context():
        first = db.session.scalar(select(Notification.id).where(Notification.subject == "กรุณาบันทึกงวดที่ 1"))
    answer = client.post(f"/notifications/{first}/open", data={"csrf_token": csrf_from(html)})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/entry/")
    assert _bell(client) == "1"
    html = client.get("/notifications/").get_data(as_text=True)
    assert client.post("/notifications/read", data={"csrf_token": csrf_from(html)}).status_code == 302
    assert _bell(client) is None


def test_nobody_opens_or_reads_another_users_message(app, client):
    _world(app)
    login(client, "officer2")
    html = client.get("/notifications/").get_data(as_text=True)
    assert "กรุณาบันทึกงวดที่ 1" not in html and "ยังไม่มีการแจ้งเตือน" in html
    with app.app_context():
        theirs = db.session.scalars(select(Notification.id)).all()
    token = csrf_from(html)
    assert all(client.post(f"/notifications/{n}/open", data={"csrf_token": token}).status_code == 404 for n in theirs)
    client.post("/notifications/read", data={"csrf_token": token})
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Notification.read_at.is_not(None))) == 0


def test_a_post_without_csrf_is_refused_and_marks_nothing(app, client):
    _world(app)
    login(client, "officer1")
    assert client.post("/notifications/read").status_code == 400
    assert _bell(client) == "2"


def test_the_bell_caps_at_99_plus(app, client):
    officer_id = _world(app)
    with app.app_context():
        officer = db.session.get(User, officer_id)
        for i in range(120):
            notify([officer], KIND, f"ข้อความ {i}")
        db.session.commit()
    login(client, "officer1")
    assert _bell(client) == "99+"
    html = client.get("/notifications/").get_data(as_text=True)
    assert html.count('data-testid="notification"') == 50 and "เก่ากว่า" in html
