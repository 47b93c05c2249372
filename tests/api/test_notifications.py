"""API notifications: the token owner's own messages only, paged, and marking read by ids or all."""

from sqlalchemy import select

from app import db
from app.domain.vocabulary import NotificationKind
from app.models import Notification, User
from app.notifications.operations import notify
from tests.api.conftest import api


def _messages(app, world, n: int = 3) -> list[int]:
    with app.app_context():
        officer = db.session.get(User, world.users["officer"].id)
        verifier = db.session.get(User, world.users["verifier"].id)
        for i in range(n):
            notify([officer], NotificationKind.LAO_NUDGE, f"เตือน {i}", "กรุณาบันทึก", "/entry/OWN/2570/1",
                   sender=verifier)
        notify([db.session.get(User, world.users["officer_far"].id)], NotificationKind.ENTRY_REMINDER, "ของคนอื่น")
        db.session.commit()
        return list(db.session.scalars(select(Notification.id).order_by(Notification.id)))


def test_the_owner_lists_its_messages_newest_first_with_paging(app, world, client):
    ids = _messages(app, world)
    r = api(client, "GET", "/api/v1/notifications?limit=2", world.tokens["officer"])
    assert r.status_code == 200
    body = r.get_json()
    assert body["total"] == 3 and body["unread"] == 3 and [i["id"] for i in body["items"]] == [ids[2], ids[1]]
    first = body["items"][0]
    assert first["subject"] == "เตือน 2" and first["sender"] == "สมหญิง ตรวจดี" and first["kind"] == "lao_nudge"
    assert first["url"] == "/entry/OWN/2570/1" and first["read_at"] is None and first["created_at"].endswith("+00:00")
    page2 = api(client, "GET", "/api/v1/notifications?limit=2&offset=2", world.tokens["officer"]).get_json()
    assert [i["id"] for i in page2["items"]] == [ids[0]]


def test_nobody_reads_or_marks_another_users_messages(app, world, client):
    ids = _messages(app, world)
    body = api(client, "GET", "/api/v1/notifications", world.tokens["verifier"]).get_json()
    assert body["total"] == 0 and body["items"] == []
    r = api(client, "POST", "/api/v1/notifications/read", world.tokens["verifier"], {"ids": ids})
    assert r.status_code == 200 and r.get_json() == {"marked": 0, "unread": 0}
    assert api(client, "GET", "/api/v1/notifications", world.tokens["officer"]).get_json()["unread"] == 3


def test_marking_read_by_ids_and_all(app, world, client):
    ids = _messages(app, world)
    r = api(client, "POST", "/api/v1/notifications/read", world.tokens["officer"], {"ids": [ids[0], ids[3]]})
    assert r.get_json() == {"marked": 1, "unread": 2}
    unread = api(client, "GET", "/api/v1/notifications?unread=1", world.tokens["officer"]).get_json()
    assert [i["id"] for i in unread["items"]] == [ids[2], ids[1]]
    r = api(client, "POST", "/api/v1/notifications/read", world.tokens["officer"], {"all": True})
    assert r.get_json() == {"marked": 2, "unread": 0}


def test_bad_requests(app, world, client):
    token = world.tokens["officer"]
    assert api(client, "POST", "/api/v1/notifications/read", token, {}).status_code == 422
    assert api(client, "POST", "/api/v1/notifications/read", token, {"ids": [1], "all": True}).status_code == 422
    assert api(client, "POST", "/api/v1/notifications/read", token, {"ids": ["1"]}).status_code == 422
    assert api(client, "POST", "/api/v1/notifications/read", token, [1]).status_code == 400
    assert api(client, "GET", "/api/v1/notifications?limit=0", token).status_code == 422
    assert api(client, "GET", "/api/v1/notifications", None).status_code == 401
