"""E-mail delivery of notifications: the outbox is every message with `emailed_at` NULL, younger than
MAX_AGE, whose user is active, has a verified address and has not turned e-mail off for its kind.

`deliver` sends them through app/mail.py in one SMTP session. Each message is first claimed (its `emailed_at` stamped
and committed, so two runs at once never both send it), then sent; a message the server refuses is released
(`emailed_at` NULL again) and the next run tries again, as it does everything when the server cannot be reached.
The in-app message is never touched. Without MAIL_SERVER nothing is sent.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

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


def _claim(note_id: int, now: datetime) -> bool:
    """Stamp the message as mailed before sending it (committed), so two runs never both send it; False when
    another run stamped it first."""
    claimed = db.session.execute(update(Notification).where(Notification.id == note_id,
                                                             Notification.emailed_at.is_(None))
                                 .values(emailed_at=now).returning(Notification.id)
                                 .execution_options(synchronize_session=False)).first()
    db.session.commit()
    return claimed is not None


def _release(note_id: int) -> None:
    """Undo a claim after a failed send: the next run tries again."""
    db.session.execute(update(Notification).where(Notification.id == note_id).values(emailed_at=None)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def deliver(now: datetime | None = None, limit: int | None = None) -> Delivery:
    """Mail the outbox (see the module); commits the caller's work first, then each claim at once."""
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
                .options(selectinload(Notification.sender)).order_by(Notification.id).limit(BATCH)).all()
            if not batch:
                break
            db.session.commit()  # end the read: each claim below is a short write transaction of its own
            for note, user in batch:
                after = note.id
                if not accepts(user, note.kind):
                    result.skipped += 1
                    continue
                subject, body = mail_text(note, user)
                if not _claim(note.id, now):
                    continue  # another delivery run took it
                try:
                    mail.send(smtp, mail.message(user.email or "", subject, body))
                except mail.MailError as exc:
                    current_app.logger.warning("notification %s to user %s not mailed: %s", note.id, user.id, exc)
                    _release(note.id)
                    result.failed += 1
                    continue
                result.sent += 1
                done += 1
                if limit is not None and done >= limit:
                    break
    return result
