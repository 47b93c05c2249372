"""Issuing a certificate for a printed paper (upsert by content) and checking a code against the figures now."""

import functools
import json
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import segno
from flask import current_app, url_for
from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import db
from ..domain.errors import DomainError
from ..domain.vocabulary import AuditAction
from ..models import AuditEvent, Certificate, Lao, Province, User, utcnow
from ..web import action_time
from . import codes, papers

VERSION = 1  # of the payload layout; a new layout gets a new number, old certificates keep theirs
# Audit actions that can change a printed figure: the LAO's recording, the office's review, imports, and the
# register changes that move an LAO between provinces or types or in and out of the counts.
FIGURE_ACTIONS = (
    AuditAction.RECORD_INSTALLMENT, AuditAction.CONFIRM_INSTALLMENT, AuditAction.UNCONFIRM_INSTALLMENT,
    AuditAction.RETURN_INSTALLMENT, AuditAction.BASELINE_IMPORT, AuditAction.ENTRIES_IMPORT,
    AuditAction.LAO_CREATED, AuditAction.LAO_UPDATED, AuditAction.LAO_DEACTIVATED, AuditAction.LAO_REACTIVATED,
    AuditAction.LAO_IMPORT, AuditAction.FISCAL_YEAR_SCHEDULE_CHANGED, AuditAction.ROUNDS_CHANGED,
    AuditAction.ITEM_ACTIVATION_CHANGED,
)
WIDE_ACTIONS = tuple(a for a in FIGURE_ACTIONS if a not in (
    AuditAction.RECORD_INSTALLMENT, AuditAction.CONFIRM_INSTALLMENT, AuditAction.UNCONFIRM_INSTALLMENT,
    AuditAction.RETURN_INSTALLMENT))  # may touch any LAO, whatever province the event names


def key() -> str:
    """The certificate key (CERTIFICATE_KEY); RuntimeError when none is configured."""
    value = current_app.config.get("CERTIFICATE_KEY") or os.environ.get("CERTIFICATE_KEY")
    if not value:
        raise RuntimeError("CERTIFICATE_KEY is not configured")
    return str(value)


def check_url(code: str) -> str:
    """The absolute URL a paper's QR code points to."""
    return url_for("check.show", code=codes.display(code), _external=True)


@functools.lru_cache(maxsize=512)
def qr_svg(url: str) -> str:
    """`url` as a QR code in inline SVG (segno; error correction M survives a creased or stamped paper). Cached per
    URL: choosing the mask is most of the ~40 ms, and a paper printed again has the same URL."""
    qr = segno.make(url, error="m", micro=False)
    return qr.svg_inline(scale=3, border=2, dark="#000", light="#fff", title=url)


@dataclass(frozen=True)
class Stamp:
    """What a print page shows: the grouped code, the check URL and its QR code as inline SVG."""

    code: str
    url: str
    svg: str
    moment: datetime

    @property
    def shown(self) -> str:
        """The code as printed (grouped with dashes)."""
        return codes.display(self.code)


def issue(kind: str, selection: dict, figures: dict, actor: User | None) -> Stamp:
    """The certificate of this content: the stored one when the same content was printed before (same code), else a
    new one stamped now. Writes in the request's transaction (committed with it); flushes, never commits."""
    k = key()
    content = {"v": VERSION, "kind": kind, "selection": selection, "figures": figures}
    content_key = codes.content_key(k, content)
    cert = db.session.scalar(select(Certificate).where(Certificate.content_key == content_key))
    if cert is None:
        moment = (action_time() or utcnow()).replace(microsecond=0)
        payload = codes.canonical({**content, "moment": moment.isoformat()})
        code = codes.code_of(k, payload)
        db.begin_write()
        issuer = actor.id if actor is not None and getattr(actor, "is_authenticated", False) else None
        values = {"code": code, "content_key": content_key, "kind": kind, "selection": selection, "moment": moment,
                  "payload": payload.decode("utf-8"), "issued_by_id": issuer}
        dialect = db.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        # two prints of the same content at once: the second finds the first's row
        db.session.execute(insert(Certificate).values(**values).on_conflict_do_nothing())
        cert = db.session.scalar(select(Certificate).where(Certificate.content_key == content_key))
        if cert is None:  # the code itself collided with another content's (about 1 in 10^18): refuse loudly
            raise RuntimeError("certificate code collision")
    url = check_url(cert.code)
    return Stamp(cert.code, url, qr_svg(url), cert.moment)


def issue_for_lao(view, actor: User | None) -> Stamp:
    """The certificate of an LAO's certification page."""
    selection, figures = papers.lao_content(view)
    return issue(papers.KIND_LAO, selection, figures, actor)


def issue_for_comparison(result, round_id: int | None, actor: User | None) -> Stamp:
    """The certificate of a printed comparison (national or one province)."""
    kind, selection, figures = papers.comparison_content(result, round_id)
    return issue(kind, selection, figures, actor)


# --------------------------------------------------------------------------------------------------
# Checking


UNKNOWN, TAMPERED, MATCHES, CHANGED, GONE = "unknown", "tampered", "matches", "changed", "gone"


@dataclass
class Check:
    """The answer to a code: its state, and for a genuine one what the paper says and what the system says now."""

    state: str
    code: str | None = None
    kind: str | None = None
    selection: dict = field(default_factory=dict)
    moment: datetime | None = None
    paper: dict = field(default_factory=dict)
    now: dict | None = None
    changed_at: datetime | None = None
    subject: Any = None  # the recomputed InstallmentView or ComparisonResult (names of places and items)
    province: Province | None = None
    lao: Lao | None = None

    @property
    def found(self) -> bool:
        """Whether the code names a genuine certificate."""
        return self.state in (MATCHES, CHANGED, GONE)


def check(typed: str | None, today: date) -> Check:
    """What the code `typed` certifies and whether the figures still match: unknown (no such code), tampered (the
    stored row no longer yields its code under the key), matches, changed (with the earliest change after the
    moment from the audit trail), or gone (the selection cannot be recomputed)."""
    code = codes.normalize(typed)
    if code is None:
        return Check(UNKNOWN)
    cert = db.session.scalar(select(Certificate).where(Certificate.code == code))
    if cert is None:
        return Check(UNKNOWN, code)
    payload = (cert.payload or "").encode("utf-8")
    if not codes.matches(key(), payload, code):
        return Check(TAMPERED, code)
    try:
        data = json.loads(payload)
        kind, selection, paper = data["kind"], data["selection"], data["figures"]
        moment = datetime.fromisoformat(data["moment"])
    except (ValueError, KeyError, TypeError):
        return Check(TAMPERED, code)
    out = Check(MATCHES, code, kind, selection, moment, paper)
    try:
        if kind == papers.KIND_LAO:
            out.now, out.subject = papers.lao_now(selection, today)
        else:
            out.now, out.subject = papers.comparison_now(selection, today)
    except DomainError:
        out.state = GONE
        return out
    _places(out)
    if out.now != paper:
        out.state = CHANGED
        out.changed_at = earliest_change(out)
    return out


def _places(out: Check) -> None:
    """Load the province and LAO the selection names (for their names on the page)."""
    code = out.selection.get("province")
    if out.kind == papers.KIND_LAO:
        out.lao = db.session.scalar(select(Lao).where(Lao.code == str(out.selection.get("lao"))))
        out.province = out.lao.province if out.lao is not None else None
    elif code:
        out.province = db.session.scalar(select(Province).where(Province.code == str(code)))


def earliest_change(out: Check) -> datetime | None:
    """The first audited change after the paper's moment that can touch its figures (None: none recorded)."""
    stmt = select(func.min(AuditEvent.at)).where(AuditEvent.at > out.moment,
                                                 AuditEvent.action.in_([a.value for a in FIGURE_ACTIONS]))
    wide = AuditEvent.action.in_([a.value for a in WIDE_ACTIONS])
    if out.kind == papers.KIND_LAO and out.lao is not None:
        s = out.selection
        object_id = f"{out.lao.code}/{s.get('year')}/{s.get('installment')}"
        prior = f"{out.lao.code}/{int(s.get('year', 0)) - 1}/%"
        stmt = stmt.where(or_(wide, (AuditEvent.lao_id == out.lao.id)
                              & or_(AuditEvent.object_id == object_id, AuditEvent.object_id.like(prior))))
    elif out.kind == papers.KIND_PROVINCE and out.province is not None:
        stmt = stmt.where(or_(wide, AuditEvent.province_id == out.province.id))
    return db.session.scalar(stmt)
