"""E-mail delivery of notifications: the outbox is every message with `emailed_at` NULL, younger than
MAX_AGE, whose user is active, has a verified address and has not turned e-mail off for its kind.

`deliver` sends them through app/mail.py in one SMTP session and stamps `emailed_at` on each message right after the
server took it (committed at once, so a crash can repeat at most the message being sent). A message the server
refuses, or a run that cannot reach the server, leaves `emailed_at` NULL: the next run tries again. The in-app
message is never touched. Without MAIL_SERVER nothing is sent.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from .. import db, mail
from ..domain import calendar as cal
from ..i18n import gettext as _
from ..models import Notification, User, utcnow
from ..web import action_time, notification_kind, to_local

MAX_AGE = timedelta(days=3)  # an older message is not mailed any more (e.g. to an address verified later)
BATCH = 500


@dataclass
class Delivery:
    """What a delivery run did."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0  # the user turned e-mail off for the kind
    configured: bool = True


def accepts(user: User, kind: str) -> bool:
    """Whether `user` wants messages of `kind` by e-mail: a verified address and the kind not turned off."""
    return bool(user.email and user.email_verified_at and user.active and kind not in (user.email_optout or []))


def mail_text(note: Notification, user: User) -> tuple[str, str]:
    """(subject, body) of a notification's e-mail, in Thai: the subject, the text, who sent it, when (B.E.), the
    link to act on, and where to turn such mails off."""
    subject = f"[{_('ระบบติดตามรายได้ อปท.')}] {note.subject}"
    lines = [_("เรียน %(name)s", name=user.full_name or user.username), "", note.subject]
    if note.body:
        lines += ["", note.body]
    lines.append("")
    if note.sender is not None:
        lines.append(_("ส่งโดย %(name)s", name=note.sender.full_name or note.sender.username))
    lines.append(_("วันที่ %(at)s", at=cal.thai_date(to_local(note.created_at), with_time=True)))
    lines.append(_("ประเภท: %(kind)s", kind=notification_kind(note.kind)))
    lines += ["", _("ดำเนินการได้ที่: %(url)s", url=mail.absolute_url(note.url or "/notifications/")), "",
              "--", _("ท่านได้รับอีเมลนี้เพราะเปิดรับการแจ้งเตือนประเภทนี้ทางอีเมลไว้ ปิดได้ที่หน้าข้อมูลส่วนตัว: %(url)s",
                      url=mail.absolute_url("/profile"))]
    return subject, "\n".join(lines)


def deliver(now: datetime | None = None, limit: int | None = None) -> Delivery:
    """Mail the outbox (see the module); commits the request's work first and each sent message's stamp at once."""
    if not mail.configured():
        return Delivery(configured=False)
    now = now or action_time() or utcnow()  # the app's clock (a fixed TODAY in tests and demos)
    db.session.commit()  # what created the messages is durable before anything leaves
    result = Delivery()
    after = 0
    done = 0
    with mail.connection() as smtp:
        while limit is None or done < limit:
            batch = db.session.execute(
                select(Notification, User).join(User, User.id == Notification.user_id)
                .where(Notification.emailed_at.is_(None), Notification.id > after,
                       Notification.created_at >= now - MAX_AGE, User.active.is_(True),
                       User.email.is_not(None), User.email_verified_at.is_not(None))
                .order_by(Notification.id).limit(BATCH)).all()
            if not batch:
                break
            for note, user in batch:
                after = note.id
                if not accepts(user, note.kind):
                    result.skipped += 1
                    continue
                subject, body = mail_text(note, user)
                try:
                    mail.send(smtp, mail.message(user.email or "", subject, body))
                except mail.MailError as exc:
                    current_app.logger.warning("notification %s to user %s not mailed: %s", note.id, user.id, exc)
                    result.failed += 1
                    continue
                db.session.execute(update(Notification).where(Notification.id == note.id,
                                                              Notification.emailed_at.is_(None))
                                   .values(emailed_at=now).execution_options(synchronize_session=False))
                db.session.commit()
                result.sent += 1
                done += 1
                if limit is not None and done >= limit:
                    break
            db.session.commit()
    return result
