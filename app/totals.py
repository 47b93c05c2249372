"""The always-current rollup (rollup_totals): maintained in the transaction of every write, read by the reports.

One row per (installment, province, LAO type, status) holds how many installment reports are in
that state, how many of them were recorded late, and the satang of their entries. An entry counts when
its LAO has a report for the installment (as the reports always counted).

Maintenance is by delta: before a flush that changes entries, reports or an LAO's place, the
contribution of the (LAO, installment) pairs it touches is read; after the flush it is read again and
the difference is added with INSERT ... ON CONFLICT DO UPDATE. ORM writes are covered by the session
hooks below; Core bulk writes wrap themselves in `replacing(...)` (imports) or end with `rebuild()` (demo).
Every rollup write first takes the audit chain's lock (audit.lock_chain: PostgreSQL advisory lock, SQLite's
single write lock), so rollup writers are serialised in one order (no lost update, no deadlock) and a
pair read twice in one transaction cannot see another writer's commit in between.
"""

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, bindparam, case, delete, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, attributes
from sqlalchemy import event

from . import audit, db
from .domain.vocabulary import RECORDED_STATUSES
from .models import Entry, Installment, InstallmentReport, Lao, RollupLaoYear, RollupStreak, RollupTotal

Key = tuple[int, int, str, str]  # installment id, province id, LAO type, status
Parts = dict[Key, tuple[int, int, int]]  # key -> (reports, late, satang)
SKey = tuple[int, int, str, bool, int, int]  # fiscal year, province id, LAO type, active, recorded/confirmed through
Streaks = dict[SKey, tuple[int]]  # key -> (LAOs,)
CHUNK = 500
MOVING = ("province_id", "lao_type", "active")  # the LAO columns in the rollups' keys
STREAK_COLUMNS = ("status", "lao_id", "installment_id")  # the report columns a streak depends on
SLOTS = 12  # installments a fiscal year can have (the monthly schedule): rollup_lao_years' c1..c12
CONFIRMED = "confirmed"


def _tables() -> tuple[Table, Table, Table, Table]:
    """The Core tables: reports, entries, LAOs, rollup."""
    return (InstallmentReport.__table__, Entry.__table__, Lao.__table__,  # type: ignore[return-value]
            RollupTotal.__table__)


# --------------------------------------------------------------------------------------------------
# Contributions computed from the raw rows


def _streak_table() -> Table:
    """The Core table of the streaks."""
    return RollupStreak.__table__  # type: ignore[return-value]


def _contributions(conn: Connection, shape: str = "all", **params: Any) -> Parts:
    """The raw GROUP BY: reports and entry satang per key, over every report ("all"), the reports of some LAOs
    ("laos": `lao_ids`) or of some LAOs in one installment ("pairs": `installment_id`, `lao_ids`)."""
    return {(i, p, t, s): (int(n), int(late or 0), int(amt or 0))
            for i, p, t, s, n, late, amt in conn.execute(_contributions_statement(shape), params)}


@functools.cache
def _contributions_statement(shape: str) -> Any:
    """The statement of `_contributions` of one shape, built once per process (a review or an import runs it per
    chunk of LAOs, before and after its flush)."""
    r, e, lao, _t = _tables()
    lao_ids: Any = bindparam("lao_ids", expanding=True)
    inst_id: Any = bindparam("installment_id")
    filters: dict[str, tuple[list[Any], list[Any]]] = {
        "all": ([], []),
        "laos": ([r.c.lao_id.in_(lao_ids)], [e.c.lao_id.in_(lao_ids)]),
        "pairs": ([r.c.installment_id == inst_id, r.c.lao_id.in_(lao_ids)],
                  [e.c.installment_id == inst_id, e.c.lao_id.in_(lao_ids)]),
    }
    report_filter, entry_filter = filters[shape]
    per = (select(e.c.installment_id, e.c.lao_id, func.sum(e.c.amount_satang).label("amount"))
           .where(*entry_filter).group_by(e.c.installment_id, e.c.lao_id).subquery())
    stmt = (
        select(r.c.installment_id, lao.c.province_id, lao.c.lao_type, r.c.status,
               func.count(), func.sum(case((r.c.recorded_late.is_(True), 1), else_=0)),
               func.sum(func.coalesce(per.c.amount, 0)))
        .select_from(r.join(lao, lao.c.id == r.c.lao_id)
                     .outerjoin(per, and_(per.c.installment_id == r.c.installment_id, per.c.lao_id == r.c.lao_id)))
        .where(*report_filter)
        .group_by(r.c.installment_id, lao.c.province_id, lao.c.lao_type, r.c.status)
    )
    return stmt


@dataclass
class Scope:
    """What a change touches: (LAO, installment) pairs by installment, and LAOs whose every report moves."""

    pairs: dict[int, set[int]]
    laos: set[int]
    streaks: bool = True  # whether a report's status or place may change (entries alone never move a streak)
    amounts: bool = True  # whether the pairs' entries (or their reports' existence) may change: report totals

    def __bool__(self) -> bool:
        """Whether anything is touched."""
        return bool(self.pairs or self.laos)


def _read(conn: Connection, scope: Scope) -> tuple[Parts, Streaks]:
    """The contribution of everything in `scope` to both rollups (an LAO listed whole is read once); the
    streaks of every LAO the scope touches are read whole."""
    r, e, _l, _t = _tables()
    out: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0])

    def add(parts: Parts) -> None:
        """Accumulate `parts` into out."""
        for k, v in parts.items():
            acc = out[k]
            for n in range(3):
                acc[n] += v[n]

    whole = sorted(scope.laos)
    for start in range(0, len(whole), CHUNK):
        chunk = whole[start:start + CHUNK]
        add(_contributions(conn, "laos", lao_ids=chunk))
    for inst_id, lao_ids in sorted(scope.pairs.items()):
        ids = sorted(lao_ids - scope.laos)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            add(_contributions(conn, "pairs", installment_id=inst_id, lao_ids=chunk))
    parts = {k: (a, b, c) for k, (a, b, c) in out.items()}
    if not scope.streaks:
        return parts, {}
    laos = set(scope.laos).union(*scope.pairs.values()) if scope.pairs else set(scope.laos)
    return parts, _streaks(conn, sorted(laos))


def _difference(after: dict, before: dict) -> dict:
    """after - before per key (tuples of counts), without keys that do not change."""
    out = {}
    for k in set(after) | set(before):
        width = len(after[k] if k in after else before[k])
        a, b = after.get(k, (0,) * width), before.get(k, (0,) * width)
        d = tuple(x - y for x, y in zip(a, b))
        if any(d):
            out[k] = d
    return out


def _upsert(conn: Connection, table: Table, delta: dict) -> None:
    """Add `delta` ({primary key: counts}, both in column order) to `table`'s rows (created when missing),
    in key order, with one upsert statement."""
    if not delta:
        return
    stmt, keys, counts = _upsert_statement(table, conn.dialect.name)
    conn.execute(stmt, [{**dict(zip(keys, k)), **dict(zip(counts, d))} for k, d in sorted(delta.items())])


@functools.cache
def _upsert_statement(table: Table, dialect: str) -> tuple[Any, list[str], list[str]]:
    """The upsert adding counts to `table`'s rows on `dialect`, with its key and count column names: built once per
    process (its `excluded` columns alone cost more than an officer's save of an installment otherwise)."""
    keys = [c for c in table.columns if c.primary_key]
    counts = [c for c in table.columns if not c.primary_key]
    ins: Any = (postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table))
    stmt = ins.on_conflict_do_update(index_elements=keys,
                                     set_={c.name: c + ins.excluded[c.name] for c in counts})
    return stmt, [c.name for c in keys], [c.name for c in counts]


def _add(conn: Connection, after: tuple[Parts, Streaks], before: tuple[Parts, Streaks]) -> None:
    """Add the difference of both rollups' contributions."""
    t = _tables()[3]
    _upsert(conn, t, _difference(after[0], before[0]))
    _upsert(conn, _streak_table(), _difference(after[1], before[1]))


@functools.cache
def _streaks_statement(some_laos: bool) -> Any:
    """Each report's LAO, fiscal year, installment number and status with the LAO's place (of every report, or of
    the LAOs `lao_ids`), built once per process."""
    r, _e, lao, _t = _tables()
    inst: Table = Installment.__table__  # type: ignore[assignment]
    stmt = (select(r.c.lao_id, inst.c.fiscal_year, inst.c.number, r.c.status, lao.c.province_id, lao.c.lao_type,
                   lao.c.active)
            .select_from(r.join(inst, inst.c.id == r.c.installment_id).join(lao, lao.c.id == r.c.lao_id)))
    return stmt.where(r.c.lao_id.in_(bindparam("lao_ids", expanding=True))) if some_laos else stmt


def _streaks(conn: Connection, lao_ids: list[int] | None) -> Streaks:
    """LAOs per streak key of the LAOs (None: every LAO): for each fiscal year, the largest k with
    installments 1..k all recorded (recorded, confirmed or returned), and all confirmed; k = 0 is not kept."""
    chunks = [None] if lao_ids is None else [lao_ids[i:i + CHUNK] for i in range(0, len(lao_ids), CHUNK)]
    per: dict[tuple[int, int], tuple[int, str, bool, dict[int, str]]] = {}
    for chunk in chunks:
        if chunk == []:
            continue
        rows = conn.execute(_streaks_statement(chunk is not None), {} if chunk is None else {"lao_ids": chunk})
        for lao_id, fy, number, status, province_id, lao_type, active in rows:
            per.setdefault((lao_id, fy), (province_id, lao_type, bool(active), {}))[3][number] = status
    out: dict[SKey, int] = defaultdict(int)
    for (_lao_id, fy), (province_id, lao_type, active, statuses) in per.items():
        rec = 0
        while statuses.get(rec + 1) in RECORDED_STATUSES:
            rec += 1
        conf = 0
        while statuses.get(conf + 1) == "confirmed":
            conf += 1
        if rec:
            out[(fy, province_id, lao_type, active, rec, conf)] += 1
    return {k: (n,) for k, n in out.items()}


@contextmanager
def replacing(scope: Scope, session: Session | None = None) -> Iterator[None]:
    """Around Core writes to the entries, reports or LAOs in `scope`: replaces their old contribution by the new."""
    if not scope:
        yield
        return
    conn = (session or db.session()).connection()
    audit.lock_chain(conn)
    before = _read(conn, scope)
    yield
    refresh_report_totals(conn, scope.pairs)
    _add(conn, _read(conn, scope), before)
    refresh_lao_years(conn, scope)


def pairs(items: Iterable[tuple[int, int]]) -> Scope:
    """A scope of (LAO id, installment id) pairs."""
    out: dict[int, set[int]] = defaultdict(set)
    for lao_id, inst_id in items:
        out[inst_id].add(lao_id)
    return Scope(dict(out), set())


def whole_laos(lao_ids: Iterable[int]) -> Scope:
    """A scope of every report of the LAOs (their place or type may change)."""
    return Scope({}, set(lao_ids))


# --------------------------------------------------------------------------------------------------
# ORM writes: session hooks

_BEFORE = "rollup_before"


def _scope_of(session: Session) -> Scope:
    """The pairs and LAOs the pending flush changes."""
    scope = Scope(defaultdict(set), set(), streaks=False, amounts=False)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, (Entry, InstallmentReport)):
            if obj in session.dirty and not session.is_modified(obj, include_collections=False):
                continue
            if isinstance(obj, InstallmentReport) and (
                    obj not in session.dirty
                    or any(attributes.get_history(obj, name).deleted for name in STREAK_COLUMNS)):
                scope.streaks = True
            if isinstance(obj, Entry) or obj not in session.dirty:
                scope.amounts = True
            ids = {(obj.lao_id, obj.installment_id)}
            for name in ("lao_id", "installment_id"):  # a moved row leaves its old pair too
                hist = attributes.get_history(obj, name)
                if hist.deleted:
                    ids.add((hist.deleted[0] if name == "lao_id" else obj.lao_id,
                             hist.deleted[0] if name == "installment_id" else obj.installment_id))
            for lao_id, inst_id in ids:
                if lao_id is not None and inst_id is not None:
                    scope.pairs[inst_id].add(lao_id)
        elif isinstance(obj, Lao) and obj in session.dirty and obj.id is not None:
            if any(attributes.get_history(obj, name).deleted for name in MOVING):
                scope.laos.add(obj.id)
                scope.streaks = True
    return scope


def _known_delta(session: Session, scope: Scope) -> Parts | None:
    """The rollup delta of a flush that only changes figures of reports whose new satang total the operation set
    (entry.operations.record_installment re-saving a recorded installment: the common write of deadline day), or
    None when the flush must be read before and after.

    Every pair must have its report in the flush with `amount_satang` assigned, nothing that moves a report between
    keys (status, LAO, installment: scope.streaks is False), and its LAO in the identity map (province and type
    known without a query). The delta is then (0, Δlate, Δsatang) on the report's key.
    """
    if scope.streaks or scope.laos:
        return None
    reports = {(obj.lao_id, obj.installment_id): obj for obj in session.dirty
               if isinstance(obj, InstallmentReport)}
    out: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0])
    for inst_id, lao_ids in scope.pairs.items():
        for lao_id in lao_ids:
            report = reports.get((lao_id, inst_id))
            if report is None:
                return None
            # the total as loaded, kept by SQLAlchemy once the attribute is assigned, even to the same value (a save
            # of unchanged figures): not assigned, or assigned without ever being loaded, means nothing is known
            old = attributes.instance_state(report).committed_state.get("amount_satang", attributes.NO_VALUE)
            if old is attributes.NO_VALUE or old is None or report.amount_satang is None:
                return None
            lao = session.identity_map.get(session.identity_key(Lao, lao_id))
            if not isinstance(lao, Lao) or any(attributes.get_history(lao, n).deleted for n in MOVING):
                return None
            late = attributes.get_history(report, "recorded_late")
            acc = out[(inst_id, lao.province_id, lao.lao_type, report.status)]
            if late.added and late.deleted:
                acc[1] += int(bool(late.added[0])) - int(bool(late.deleted[0]))
            acc[2] += int(report.amount_satang) - int(old)
    return {k: (a, b, c) for k, (a, b, c) in out.items() if a or b or c}


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _flush_context: Any, _instances: Any) -> None:
    """Read the old contribution of what this flush changes (or take the delta the operation already knows)."""
    scope = _scope_of(session)
    if not scope:
        return
    with session.no_autoflush:
        conn = session.connection()
        audit.lock_chain(conn)
        known = _known_delta(session, scope)
        if known is not None:
            session.info[_BEFORE] = [(scope, known)]
            return
        session.info[_BEFORE] = [(scope, _read(conn, scope))]  # a failed earlier flush left nothing to keep


@event.listens_for(Session, "after_flush_postexec")
def _after_flush(session: Session, _flush_context: Any) -> None:
    """Add the difference between the new contribution and the old one."""
    pending = session.info.pop(_BEFORE, None)
    if not pending:
        return
    conn = session.connection()
    for scope, before in pending:
        if isinstance(before, dict):  # the known delta: report totals written by the operation, no confirmed report
            _upsert(conn, _tables()[3], before)
            if any(key[3] == CONFIRMED for key in before):
                refresh_lao_years(conn, scope)
            continue
        if scope.amounts:
            refresh_report_totals(conn, scope.pairs)
        after = _read(conn, scope)
        _add(conn, after, before)
        # rollup_lao_years holds the confirmed reports and which are recorded: a confirmed report before or after
        # the flush, or a report that appeared or changed status (an officer's save of a recorded installment
        # costs no statement here)
        if scope.streaks or any(key[3] == CONFIRMED for parts in (before[0], after[0]) for key in parts):
            refresh_lao_years(conn, scope)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous: Any) -> None:
    """A failed flush leaves nothing to add."""
    session.info.pop(_BEFORE, None)


def _report_total(r: Table, e: Table):
    """The satang of a report's LAO and installment in the entries (a correlated scalar subquery)."""
    return (select(func.coalesce(func.sum(e.c.amount_satang), 0))
            .where(e.c.lao_id == r.c.lao_id, e.c.installment_id == r.c.installment_id).scalar_subquery())


def refresh_report_totals(conn: Connection, pairs: dict[int, set[int]] | None) -> None:
    """Set installment_reports.amount_satang of the (LAO, installment) pairs (None: every report) to their entries'
    sum: one UPDATE per installment touched (per CHUNK LAOs)."""
    r, e, _l, _t = _tables()
    if pairs is None:
        conn.execute(update(r).values(amount_satang=_report_total(r, e)))
        return
    for inst_id, lao_ids in sorted(pairs.items()):
        ids = sorted(lao_ids)
        for start in range(0, len(ids), CHUNK):
            conn.execute(update(r).where(r.c.installment_id == inst_id, r.c.lao_id.in_(ids[start:start + CHUNK]))
                         .values(amount_satang=_report_total(r, e)))


# --------------------------------------------------------------------------------------------------
# Per LAO and fiscal year: the confirmed installments and their satang (like-for-like)


def _lao_year_table() -> Table:
    """The Core table of rollup_lao_years."""
    return RollupLaoYear.__table__  # type: ignore[return-value]


def _lao_year_rows(where: list) -> Any:
    """SELECT (LAO id, fiscal year, confirmed mask, c1..c12, recorded mask) grouped over the reports `where`
    selects (the columns in the table's order)."""
    r = _tables()[0]
    inst: Table = Installment.__table__  # type: ignore[assignment]
    confirmed = r.c.status == CONFIRMED
    bit = literal(1).op("<<")(inst.c.number - 1)
    return (
        select(r.c.lao_id, inst.c.fiscal_year,
               func.sum(case((confirmed, bit), else_=0)),
               *[func.sum(case((and_(confirmed, inst.c.number == k), r.c.amount_satang), else_=0))
                 for k in range(1, SLOTS + 1)],
               func.sum(case((r.c.status.in_(sorted(RECORDED_STATUSES)), bit), else_=0)))
        .select_from(r.join(inst, inst.c.id == r.c.installment_id))
        .where(*where)
        .group_by(r.c.lao_id, inst.c.fiscal_year)
    )


def refresh_lao_years(conn: Connection, scope: Scope | None) -> None:
    """Recompute the rollup_lao_years rows of the scope's LAOs in the fiscal years of its installments (a whole
    LAO: every year; None: every row) from their reports' statuses and satang totals (installment_reports.
    amount_satang, so after refresh_report_totals): one INSERT … SELECT … ON CONFLICT DO UPDATE per CHUNK LAOs."""
    dialect = conn.dialect.name
    if scope is None:
        conn.execute(delete(_lao_year_table()))
        conn.execute(_lao_year_upsert(dialect, "recorded"))
        return
    by_years = sorted(set().union(*scope.pairs.values()) - scope.laos) if scope.pairs else []
    for lao_ids, shape in ((sorted(scope.laos), "laos"), (by_years, "laos_in_years")):
        for start in range(0, len(lao_ids), CHUNK):
            params: dict[str, list[int]] = {"lao_ids": lao_ids[start:start + CHUNK]}
            if shape == "laos_in_years":
                params["installment_ids"] = sorted(scope.pairs)
            conn.execute(_lao_year_upsert(dialect, shape), params)


@functools.cache
def _lao_year_upsert(dialect: str, shape: str) -> Any:
    """INSERT … SELECT … ON CONFLICT DO UPDATE of the rollup_lao_years rows the reports of one shape give: every
    recorded report ("recorded"), the LAOs `lao_ids` ("laos"), or the LAOs `lao_ids` in the fiscal years of the
    installments `installment_ids` ("laos_in_years"); built once per process and engine."""
    r = _tables()[0]
    t = _lao_year_table()
    inst: Table = Installment.__table__  # type: ignore[assignment]
    names = ["lao_id", "fiscal_year", "confirmed_mask", *[f"c{k}" for k in range(1, SLOTS + 1)], "recorded_mask"]
    in_laos = r.c.lao_id.in_(bindparam("lao_ids", expanding=True))
    years = (select(inst.c.fiscal_year).where(inst.c.id.in_(bindparam("installment_ids", expanding=True)))
             .distinct().scalar_subquery())
    shapes: dict[str, list[Any]] = {"recorded": [r.c.status.in_(sorted(RECORDED_STATUSES))], "laos": [in_laos],
                                    "laos_in_years": [in_laos, inst.c.fiscal_year.in_(years)]}
    where = shapes[shape]
    ins: Any = (postgresql.insert(t) if dialect == "postgresql" else sqlite.insert(t))
    stmt = ins.from_select(names, _lao_year_rows(where))
    return stmt.on_conflict_do_update(index_elements=["lao_id", "fiscal_year"],
                                      set_={n: stmt.excluded[n] for n in names[2:]})


# --------------------------------------------------------------------------------------------------
# Whole-table checks


def _stored(conn: Connection, table: Table) -> dict:
    """A rollup table as stored ({primary key: counts}), without rows that count nothing."""
    keys = [c for c in table.columns if c.primary_key]
    counts = [c for c in table.columns if not c.primary_key]
    n = len(keys)
    return {tuple(row[:n]): tuple(row[n:]) for row in conn.execute(select(*keys, *counts)) if any(row[n:])}


def differences(conn: Connection) -> list[tuple[str, tuple, tuple, tuple]]:
    """(table, key, stored, computed) of every row where a rollup differs from the reports and entries."""
    out: list[tuple[str, tuple, tuple, tuple]] = []
    checks: list[tuple[str, dict, dict, tuple]] = [
        ("rollup_totals", _stored(conn, _tables()[3]), _contributions(conn), (0, 0, 0)),
        ("rollup_streaks", _stored(conn, _streak_table()), _streaks(conn, None), (0,)),
        ("rollup_lao_years", _stored(conn, _lao_year_table()),
         {tuple(row[:2]): tuple(int(v) for v in row[2:]) for row in conn.execute(_lao_year_rows([]))
          if any(row[2:])}, (0,) * (SLOTS + 2))]
    for name, have, want, zero in checks:
        out += [(name, k, have.get(k, zero), want.get(k, zero)) for k in sorted(set(have) | set(want))
                if have.get(k, zero) != want.get(k, zero)]
    r, e, _l, _t = _tables()
    computed = _report_total(r, e)
    out += [("installment_reports", (inst, lao), (int(stored),), (int(want),)) for inst, lao, stored, want in conn.execute(
        select(r.c.installment_id, r.c.lao_id, r.c.amount_satang, computed)
        .where(r.c.amount_satang != computed).order_by(r.c.installment_id, r.c.lao_id))]
    return out


def rebuild(conn: Connection) -> int:
    """Replace the rollups by the recomputed ones (in the caller's transaction); returns their row count."""
    audit.lock_chain(conn)
    refresh_report_totals(conn, None)
    n = 0
    tables: list[tuple[Table, dict]] = [(_tables()[3], _contributions(conn)),
                                        (_streak_table(), _streaks(conn, None))]
    for table, rows in tables:
        conn.execute(delete(table))
        if rows:
            _upsert(conn, table, rows)
        n += len(rows)
    refresh_lao_years(conn, None)
    return n + int(conn.execute(select(func.count()).select_from(_lao_year_table())).scalar_one())


GROUPS = ("installment_id", "province_id", "lao_type", "status")


def grouped(installment_ids: list[int], by: tuple[str, ...], *, statuses: Iterable[str] | None = None,
            province_id: int | None = None, lao_type: str | None = None,
            active_only: bool = False) -> dict[tuple, tuple[int, int, int]]:
    """{values of `by` (names of GROUPS): (reports, late, satang)} summed in SQL over the rollup rows of the
    installments (optionally of some statuses, a province or an LAO type).

    With `active_only` the reports of inactive LAOs are taken out of `reports` and `late` (one small query
    over the few inactive LAOs' reports); their satang stay in (the sums always counted every LAO).
    """
    if not installment_ids:
        return {}
    r, _e, lao, t = _tables()
    source = {"installment_id": r.c.installment_id, "province_id": lao.c.province_id,
              "lao_type": lao.c.lao_type, "status": r.c.status}
    wanted: list[ColumnElement[bool]] = [t.c.installment_id.in_(installment_ids)]
    own: list[ColumnElement[bool]] = [r.c.installment_id.in_(installment_ids), lao.c.active.is_(False)]
    if statuses is not None:
        wanted.append(t.c.status.in_(list(statuses)))
        own.append(r.c.status.in_(list(statuses)))
    for name, value in (("province_id", province_id), ("lao_type", lao_type)):
        if value is not None:
            wanted.append(t.c[name] == value)
            own.append(source[name] == value)
    keys = [t.c[name] for name in by]
    out = {tuple(row[:-3]): [int(row[-3] or 0), int(row[-2] or 0), int(row[-1] or 0)] for row in db.session.execute(
        select(*keys, func.sum(t.c.reports), func.sum(t.c.late), func.sum(t.c.amount_satang))
        .where(*wanted).group_by(*keys))}
    if active_only:
        own_keys = [source[name] for name in by]
        for row in db.session.execute(
                select(*own_keys, func.count(), func.sum(case((r.c.recorded_late.is_(True), 1), else_=0)))
                .select_from(lao.join(r, r.c.lao_id == lao.c.id)).where(*own).group_by(*own_keys)):
            acc = out.setdefault(tuple(row[:-2]), [0, 0, 0])
            acc[0] -= int(row[-2])
            acc[1] -= int(row[-1] or 0)
    return {k: (a, b, c) for k, (a, b, c) in out.items()}
