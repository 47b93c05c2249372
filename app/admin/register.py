"""Administrators' use cases for the LAO register: creating, editing, deactivating and reactivating an LAO.

Each use case checks its rules, changes rows, writes the audit trail and flushes; the caller commits.
`actor` None means the server's command line (an operator with shell access acts as administrator).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from .. import audit, db
from ..domain.errors import N_, DomainError, ValidationError
from ..domain.vocabulary import AuditAction
from ..models import Lao, User
from . import imports
from .access import check_admin
from .imports import Row


@dataclass
class LaoDetails:
    """The fields of an LAO as typed on the form (codes, not ids)."""

    code: str
    name_th: str
    name_en: str
    lao_type: str
    municipality_class: str | None
    province_code: str
    district_code: str


# form field <- file column, so a form shows a register check's error next to the right input
LAO_FORM_FIELDS = {"lao_code": "code", "name_th": "name_th", "name_en": "name_en", "lao_type": "lao_type",
                   "municipality_class": "municipality_class", "province_code": "province",
                   "district_code": "district"}

def save_lao(actor: User | None, ip: str | None, lao: Lao | None, details: LaoDetails) -> Lao:
    """Create an LAO (lao None) or edit one, with the same checks as a register import.

    Raises NotPermittedError, ValidationError keyed by form field (see LAO_FORM_FIELDS).
    """
    check_admin(actor)
    db.begin_write()
    code = lao.code if lao is not None else (details.code or "").strip()
    if lao is None and db.session.scalar(select(Lao.id).where(Lao.code == code)) is not None:
        raise ValidationError({"code": DomainError("code", N_("รหัส อปท. %(code)s มีอยู่แล้ว"), code=code)})
    row = Row(0, {"lao_code": code, "name_th": (details.name_th or "").strip(),
                  "name_en": (details.name_en or "").strip(), "lao_type": details.lao_type or "",
                  "municipality_class": details.municipality_class or "",
                  "province_code": details.province_code or "", "district_code": details.district_code or ""})
    plan = imports.plan_laos([row])
    if plan.errors:
        errors: dict[str, DomainError] = {}
        for e in reversed(plan.errors):
            if e.column is None:  # every register check names its column
                raise RuntimeError(f"line {e.line}: a register error without a column: {e}")
            errors[LAO_FORM_FIELDS[e.column]] = DomainError(LAO_FORM_FIELDS[e.column], e.message, **e.params)
        raise ValidationError(errors)
    imports.apply_lao_plan(plan)
    saved = db.session.execute(
        select(Lao).where(Lao.code == code).execution_options(populate_existing=True)).scalar_one()
    if plan.creates:
        audit.record(actor, ip, AuditAction.LAO_CREATED, "lao", code, lao_id=saved.id, province_id=saved.province_id,
                     new={k: v for k, v in row.values.items() if v})
    elif plan.updates:
        change = plan.updates[0]
        audit.record(actor, ip, AuditAction.LAO_UPDATED, "lao", code, lao_id=saved.id, province_id=saved.province_id,
                     old=change.old, new=change.new)
    db.session.flush()
    return saved

def set_lao_active(actor: User | None, ip: str | None, lao: Lao, active: bool) -> None:
    """Deactivate or reactivate an LAO. LAOs are never deleted: figures and the audit trail refer to them.

    Raises NotPermittedError.
    """
    check_admin(actor)
    db.begin_write()
    lao = db.session.get_one(Lao, lao.id, populate_existing=True)
    if lao.active == active:
        return
    lao.active = active
    audit.record(actor, ip, AuditAction.LAO_REACTIVATED if active else AuditAction.LAO_DEACTIVATED, "lao", lao.code,
                 lao_id=lao.id, province_id=lao.province_id, old={"active": not active}, new={"active": active})
    db.session.flush()
