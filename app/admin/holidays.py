"""Administrators' use case for the public-holiday calendar (วันหยุดราชการ) that working-day lateness skips.

Each change checks its rules, writes the audit trail and flushes; the caller commits.
"""

from datetime import date

from sqlalchemy import select

from .. import audit, db
from ..domain.errors import N_, DomainError, ValidationError
from ..domain.vocabulary import AuditAction
from ..models import Holiday, User
from .access import check_admin

NAME_MAX = 200


def add_holiday(actor: User | None, ip: str | None, day: date | None, name: str | None) -> Holiday:
    """Add the public holiday `day` named `name`.

    Raises NotPermittedError, ValidationError (no date, no name, a name too long, the day already a holiday).
    """
    check_admin(actor)
    text = " ".join((name or "").split())
    errors: dict[str, DomainError] = {}
    if day is None:
        errors["day"] = DomainError("day", N_("กรุณาระบุวันที่"))
    if not text:
        errors["name"] = DomainError("name", N_("กรุณาระบุชื่อวันหยุด"))
    elif len(text) > NAME_MAX:
        errors["name"] = DomainError("name", N_("ชื่อวันหยุดยาวเกิน %(n)s ตัวอักษร"), n=NAME_MAX)
    if errors:
        raise ValidationError(errors)
    assert day is not None
    db.begin_write()
    existing = db.session.get(Holiday, day)
    if existing is not None:
        raise ValidationError({"day": DomainError("day", N_("วันนี้เป็นวันหยุดอยู่แล้ว (%(name)s)"),
                                                  name=existing.name_th)})
    holiday = Holiday(day=day, name_th=text)
    db.session.add(holiday)
    audit.record(actor, ip, AuditAction.HOLIDAY_ADDED, "holiday", day.isoformat(), new={"day": day.isoformat(),
                                                                                       "name": text})
    db.session.flush()
    return holiday


def remove_holiday(actor: User | None, ip: str | None, day: date | None) -> Holiday:
    """Remove the public holiday `day`. Raises NotPermittedError, DomainError (not a holiday)."""
    check_admin(actor)
    db.begin_write()
    holiday = db.session.scalar(db.locked(select(Holiday).where(Holiday.day == day))) if day else None
    if holiday is None:
        raise DomainError("day", N_("ไม่พบวันหยุดนี้ในปฏิทิน อาจถูกลบไปแล้ว"))
    audit.record(actor, ip, AuditAction.HOLIDAY_REMOVED, "holiday", holiday.day.isoformat(),
                 old={"day": holiday.day.isoformat(), "name": holiday.name_th})
    db.session.delete(holiday)
    db.session.flush()
    return holiday


def holidays_between(start: date, end: date) -> list[Holiday]:
    """The holidays from `start` to `end` inclusive, in date order."""
    return list(db.session.scalars(select(Holiday).where(Holiday.day >= start, Holiday.day <= end)
                                   .order_by(Holiday.day)))
