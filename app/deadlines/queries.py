"""Read side of deadline extensions: the deadline in force for (LAO, installment) and (province, installment) pairs,
set-based, and the requests a user may see.

Every lateness in the application is measured against these deadlines (app.domain.extensions.is_late): recording
(entry.operations), confirmation (verify.operations), the LAO's pages, the verification screen, INR911, monitoring
and the evaluation.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, bindparam, event, func, select
from sqlalchemy.orm import Session, joinedload

from .. import db, reference
from ..auth.loaders import in_scope
from ..domain.extensions import ExtensionKind, ExtensionStatus, effective_deadline
from ..domain.scope import Scope
from ..domain.vocabulary import RECORDED_STATUSES
from ..models import DeadlineExtension, Installment, InstallmentReport, Lao

CHUNK = 500
E = DeadlineExtension


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    """`ids` in slices small enough for an IN list."""
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def in_force_sql(kind: ExtensionKind, target: Any, installment: Any) -> ColumnElement[Any]:
    """The deadline in force as a SQL expression, for set-based readers (reminders): the latest approved extension
    of `kind` for the target column (`lao_id` for entry, `province_id` for confirm) and the installment row of the
    statement, else the installment's own deadline (as domain.extensions.effective_deadline)."""
    column = E.lao_id if kind == ExtensionKind.ENTRY else E.province_id
    own = installment.entry_deadline if kind == ExtensionKind.ENTRY else installment.confirm_deadline
    approved = (select(func.max(E.new_deadline))
                .where(E.kind == kind.value, E.status == ExtensionStatus.APPROVED.value, column == target,
                       E.installment_id == installment.id)
                .scalar_subquery())
    return func.coalesce(approved, own, type_=Date)


def entry_extensions(installment_ids: Iterable[int], lao_ids: Iterable[int] | None = None,
                     province_id: int | None = None) -> dict[tuple[int, int], date]:
    """{(LAO id, installment id): the latest approved entry deadline} of the pairs that have one (one query per
    CHUNK LAOs; `lao_ids` None: every LAO, or every LAO of `province_id`)."""
    insts = sorted(set(installment_ids))
    if not insts:
        return {}
    base = (select(E.lao_id, E.installment_id, func.max(E.new_deadline))
            .where(E.kind == ExtensionKind.ENTRY.value, E.status == ExtensionStatus.APPROVED.value,
                   E.installment_id.in_(insts))
            .group_by(E.lao_id, E.installment_id))
    if province_id is not None:
        base = base.where(E.province_id == province_id)
    statements = [base] if lao_ids is None else [base.where(E.lao_id.in_(chunk)) for chunk in _chunks(sorted(set(lao_ids)))]
    out: dict[tuple[int, int], date] = {}
    for stmt in statements:
        for lao_id, inst_id, new in db.session.execute(stmt):
            if lao_id is not None and new is not None:
                out[(lao_id, inst_id)] = new
    return out


def effective_entry_deadlines(installment_ids: Iterable[int], lao_ids: Iterable[int]) -> dict[tuple[int, int], date]:
    """{(LAO id, installment id): the entry deadline in force} for every pair of the LAOs and installments: the
    installment's deadline, or a later approved extension. One query for the extensions (per CHUNK LAOs); the
    deadlines come from the reference cache. Meant for reminders and any set-based check of lateness."""
    by_id = reference.current().installment_by_id
    insts = [by_id[i] for i in sorted(set(installment_ids)) if i in by_id]
    laos = sorted(set(lao_ids))
    extended = entry_extensions([i.id for i in insts], laos)
    return {(lao_id, inst.id): effective_deadline(inst.entry_deadline, [extended.get((lao_id, inst.id))])
            for lao_id in laos for inst in insts}


MEMO = "entry_deadlines_in_force"


def entry_deadline_of(lao_id: int, installment: Installment) -> date:
    """The entry deadline in force for one LAO's installment; remembered for the rest of the request (the save and
    its message ask twice), forgotten when a decision changes it (`forget`)."""
    memo: dict = db.session().info.setdefault(MEMO, {})
    key = (lao_id, installment.id)
    if key not in memo:
        extended = db.session.scalar(_latest_entry_extension(), {"installment_id": installment.id, "lao_id": lao_id})
        memo[key] = effective_deadline(installment.entry_deadline, [extended])
    return memo[key]


@db.prepared
def _latest_entry_extension() -> Select:
    """The latest approved entry deadline of one LAO's installment (NULL without one)."""
    return select(latest_entry_extension_of(bindparam("lao_id"), bindparam("installment_id")))


def latest_entry_extension_of(lao_id: Any, installment_id: Any) -> Any:
    """The latest approved entry deadline of an LAO's installment as a scalar subquery over two columns (NULL
    without one): a column another query selects, e.g. the report a save locks (entry.operations.lock_report)."""
    return (select(func.max(E.new_deadline))
            .where(E.kind == ExtensionKind.ENTRY.value, E.status == ExtensionStatus.APPROVED.value,
                   E.installment_id == installment_id, E.lao_id == lao_id)
            .scalar_subquery())


def remember_entry_deadline(lao_id: int, installment: Installment, extended: date | None) -> None:
    """Remember, for the rest of the transaction, the entry deadline in force that another query read
    (`extended`: the latest approved extension, see latest_entry_extension_of), so entry_deadline_of asks nothing."""
    memo: dict = db.session().info.setdefault(MEMO, {})
    memo[(lao_id, installment.id)] = effective_deadline(installment.entry_deadline, [extended])


def forget() -> None:
    """Drop the remembered deadlines in force (a decision has just changed one)."""
    db.session().info.pop(MEMO, None)


@event.listens_for(db.session, "after_transaction_end")
def _forget_with_the_transaction(sess: Session, transaction: Any) -> None:
    """What one transaction read is not remembered into the next (a commit or rollback ends the memo)."""
    if transaction.parent is None:
        sess.info.pop(MEMO, None)


def confirm_extensions(installment_ids: Iterable[int], province_ids: Iterable[int] | None = None
                       ) -> dict[tuple[int, int], date]:
    """{(province id, installment id): the latest approved confirmation deadline} of the pairs that have one."""
    insts = sorted(set(installment_ids))
    if not insts:
        return {}
    stmt = (select(E.province_id, E.installment_id, func.max(E.new_deadline))
            .where(E.kind == ExtensionKind.CONFIRM.value, E.status == ExtensionStatus.APPROVED.value,
                   E.installment_id.in_(insts))
            .group_by(E.province_id, E.installment_id))
    if province_ids is not None:
        stmt = stmt.where(E.province_id.in_(sorted(set(province_ids))))
    return {(pid, inst_id): new for pid, inst_id, new in db.session.execute(stmt) if new is not None}


def confirm_deadline_of(province_id: int | None, installment: Installment) -> date:
    """The confirmation deadline in force for a province's installment (None: the installment's own)."""
    if province_id is None:
        return installment.confirm_deadline
    return effective_deadline(installment.confirm_deadline,
                              [confirm_extensions([installment.id], [province_id]).get((province_id, installment.id))])


@dataclass
class Standing:
    """The extension state of one target (an LAO's or a province's installment): the approved date and a pending
    request, if any."""

    extended_to: date | None = None
    pending: DeadlineExtension | None = None
    latest: DeadlineExtension | None = None  # the most recent request, whatever its state


@functools.cache
def _standings(kind: ExtensionKind) -> Select:
    """The requests `standings` reads: one LAO's (entry) or one province's (confirm), of some installments."""
    stmt = select(E).where(E.kind == bindparam("kind"), E.installment_id.in_(bindparam("installment_ids", expanding=True)))
    target = E.lao_id == bindparam("lao_id") if kind == ExtensionKind.ENTRY else E.province_id == bindparam("province_id")
    return stmt.where(target).order_by(E.id)


def standings(kind: ExtensionKind, installment_ids: Iterable[int], *, lao_id: int | None = None,
              province_id: int | None = None) -> dict[int, Standing]:
    """Per installment id, the extension state of one LAO (entry) or one province (confirm): one query."""
    insts = sorted(set(installment_ids))
    if not insts:
        return {}
    out: dict[int, Standing] = {}
    target = {"lao_id": lao_id} if kind == ExtensionKind.ENTRY else {"province_id": province_id}
    for ext in db.session.scalars(_standings(kind), {"kind": kind.value, "installment_ids": insts, **target}):
        s = out.setdefault(ext.installment_id, Standing())
        s.latest = ext
        if ext.status == ExtensionStatus.PENDING.value:
            s.pending = ext
        elif ext.status == ExtensionStatus.APPROVED.value and ext.new_deadline is not None:
            s.extended_to = max(s.extended_to or ext.new_deadline, ext.new_deadline)
    return out


def _scoped(stmt: Select, scope: Scope) -> Select:
    """Requests inside `scope`: an LAO its own, a province its LAOs' and its own, national every one."""
    return in_scope(stmt, scope, province_id=E.province_id, lao_id=E.lao_id)


@dataclass
class RequestList:
    """A page of requests in a user's scope and how many wait for a decision."""

    rows: list[DeadlineExtension] = field(default_factory=list)
    pending: int = 0
    more: bool = False


PAGE_SIZE = 100


def requests_in_scope(scope: Scope, *, status: str | None = None, kind: str | None = None,
                      offset: int = 0, limit: int = PAGE_SIZE) -> tuple[list[DeadlineExtension], bool]:
    """Requests in `scope`, pending first then newest first, with their LAO, province, installment and people
    (one query); and whether more follow."""
    stmt = _scoped(select(E), scope)
    if status:
        stmt = stmt.where(E.status == status)
    if kind:
        stmt = stmt.where(E.kind == kind)
    stmt = (stmt.options(joinedload(E.lao), joinedload(E.province), joinedload(E.installment),
                         joinedload(E.requested_by), joinedload(E.decided_by))
            .order_by((E.status == ExtensionStatus.PENDING.value).desc(), E.id.desc())
            .offset(offset).limit(limit + 1))
    rows = list(db.session.scalars(stmt).unique())
    return rows[:limit], len(rows) > limit


def pending_count(scope: Scope, kind: ExtensionKind | None = None) -> int:
    """How many requests in `scope` wait for a decision."""
    stmt = _scoped(select(func.count(E.id)).where(E.status == ExtensionStatus.PENDING.value), scope)
    if kind is not None:
        stmt = stmt.where(E.kind == kind.value)
    return int(db.session.scalar(stmt) or 0)


def visible(ext: DeadlineExtension, scope: Scope) -> bool:
    """Whether a request lies inside `scope` (its LAO's, its province's, or nationally)."""
    if ext.lao_id is not None:
        return scope.covers_lao(ext.lao_id, ext.province_id)
    return scope.covers_province(ext.province_id)


def active_lao_ids(province_id: int) -> list[int]:
    """The active LAOs of a province."""
    return list(db.session.scalars(select(Lao.id).where(Lao.province_id == province_id, Lao.active.is_(True))))


def entry_still_running(installment_id: int, today: date) -> dict[int, int]:
    """Per province, the active LAOs that have not recorded the installment and whose approved entry extension
    has not run out by `today` (not overdue yet, though the installment's own deadline has passed): one query."""
    recorded = (select(InstallmentReport.id)
                .where(InstallmentReport.lao_id == E.lao_id, InstallmentReport.installment_id == installment_id,
                       InstallmentReport.status.in_(RECORDED_STATUSES)).exists())
    stmt = (select(E.province_id, func.count(func.distinct(E.lao_id)))
            .join(Lao, Lao.id == E.lao_id)
            .where(E.kind == ExtensionKind.ENTRY.value, E.status == ExtensionStatus.APPROVED.value,
                   E.installment_id == installment_id, E.new_deadline >= today, Lao.active.is_(True), ~recorded)
            .group_by(E.province_id))
    return {pid: int(n) for pid, n in db.session.execute(stmt)}


@dataclass
class InstallmentExtensions:
    """What one page needs to know of the extensions around one installment, read in one query: the approved entry
    deadlines per LAO, the province's approved confirmation deadline, and the requests waiting for a decision."""

    entry: dict[tuple[int, int], date] = field(default_factory=dict)  # (LAO id, installment id) -> approved date
    confirm: date | None = None
    pending: list[DeadlineExtension] = field(default_factory=list)  # entry requests waiting, any installment

    def pending_laos(self, installment_id: int) -> set[int]:
        """The LAOs with an entry request for `installment_id` waiting."""
        return {e.lao_id for e in self.pending if e.installment_id == installment_id and e.lao_id is not None}


def around(installment_id: int, scope: Scope, province_id: int | None) -> InstallmentExtensions:
    """The extensions the verification screen shows for one installment of a province (every province in scope
    when None): one query, the pending entry requests with their LAO and installment."""
    stmt = _scoped(select(E).where(
        ((E.installment_id == installment_id) & (E.status == ExtensionStatus.APPROVED.value))
        | ((E.kind == ExtensionKind.ENTRY.value) & (E.status == ExtensionStatus.PENDING.value))), scope)
    if province_id is not None:
        stmt = stmt.where(E.province_id == province_id)
    out = InstallmentExtensions()
    for ext in db.session.scalars(stmt.options(joinedload(E.lao), joinedload(E.installment)).order_by(E.id)).unique():
        if ext.status == ExtensionStatus.PENDING.value:
            out.pending.append(ext)
        elif ext.new_deadline is None:
            continue
        elif ext.kind == ExtensionKind.ENTRY.value and ext.lao_id is not None:
            key = (ext.lao_id, ext.installment_id)
            out.entry[key] = max(out.entry.get(key, ext.new_deadline), ext.new_deadline)
        elif province_id is not None:
            out.confirm = max(out.confirm or ext.new_deadline, ext.new_deadline)
    return out


@db.prepared
def _for_lao_installment() -> Select:
    """The requests `for_lao_installment` reads (an installment page's query)."""
    return select(E).where(E.installment_id == bindparam("installment_id"), (
        ((E.kind == ExtensionKind.ENTRY.value) & (E.lao_id == bindparam("lao_id")))
        | ((E.kind == ExtensionKind.CONFIRM.value) & (E.province_id == bindparam("province_id"))
           & (E.status == ExtensionStatus.APPROVED.value)))).order_by(E.id)


def for_lao_installment(lao: Lao, installment: Installment) -> tuple[Standing, date | None]:
    """The LAO's entry-extension state of one installment and its province's approved confirmation deadline (None
    without one): one query."""
    standing, confirm = Standing(), None
    params = {"installment_id": installment.id, "lao_id": lao.id, "province_id": lao.province_id}
    for ext in db.session.scalars(_for_lao_installment(), params):
        if ext.kind == ExtensionKind.CONFIRM.value:
            if ext.new_deadline is not None:
                confirm = max(confirm or ext.new_deadline, ext.new_deadline)
            continue
        standing.latest = ext
        if ext.status == ExtensionStatus.PENDING.value:
            standing.pending = ext
        elif ext.status == ExtensionStatus.APPROVED.value and ext.new_deadline is not None:
            standing.extended_to = max(standing.extended_to or ext.new_deadline, ext.new_deadline)
    return standing, confirm
