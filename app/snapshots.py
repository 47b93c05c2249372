"""Confirmation snapshots and the report history: what each write left an installment report as, kept for good.

Every use case that changes a report (a save, a review, an import) ends with `capture(...)` in its own transaction:
for each (LAO, installment) it touched, one `report_states` row copies the report as it now stands (status, each
item's satang, total, version, dates) with the moment, the event, who and why; a report that is now confirmed also
gets a `confirmation_snapshots` row (each item's satang, total, recorder, confirmer, time, digest). Both tables are
append-only (ORM listeners in app/models.py, triggers in migration 0012): an unconfirm or a return never touches a
snapshot, it adds a state of its own with the reviewer and the reason. The reports as of a past moment
(app/reports/as_of.py) read the latest state of each report at that moment; the installment detail page lists the
snapshots and what changed between any two (`confirmations`, `diff`).
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, func, insert, select
from sqlalchemy.orm import Session

from . import db
from .domain.money import from_satang
from .domain.workflow import Status
from .models import ConfirmationSnapshot, Entry, InstallmentReport, ReportState, RevenueItem, User

CHUNK = 500
EVENTS = ("record", "confirm", "unconfirm", "return", "import", "existing", "demo")
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
STATE_COLUMNS = ("status", "amount_satang", "version", "recorded_at", "recorded_late", "confirmed_at",
                 "confirmed_late")
REPORT_COLUMNS = ("lao_id", "installment_id", *STATE_COLUMNS, "recorder_name", "confirmer_name", "confirmed_by_id")
"""The report columns a state or a snapshot is written from."""


def canonical(value: Any) -> str:
    """The canonical JSON of `value`: sorted keys, no spaces, UTF-8 text (what `items` columns hold)."""
    return _ENCODER.encode(value)


def _iso(value: datetime | None) -> str | None:
    """A naive UTC timestamp in ISO form with microseconds (None stays None)."""
    return value.isoformat(timespec="microseconds") if value is not None else None


def digest(row: dict, items: dict[str, int] | None = None) -> str:
    """SHA-256 (hex) of a snapshot's canonical content: LAO, installment, moment, people, total and items (`items`:
    the figures when the caller has them decoded, else read from the row's JSON)."""
    content = {"lao_id": row["lao_id"], "installment_id": row["installment_id"],
               "confirmed_at": _iso(row["confirmed_at"]), "confirmed_by_id": row["confirmed_by_id"],
               "confirmer_name": row["confirmer_name"], "recorder_name": row["recorder_name"],
               "recorded_at": _iso(row["recorded_at"]), "total_satang": row["total_satang"],
               "items": json.loads(row["items"]) if items is None else items}
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def _tables() -> tuple[Table, Table, Table, Table, Table]:
    """The Core tables: reports, entries, items, states, snapshots."""
    return (cast(Table, InstallmentReport.__table__), cast(Table, Entry.__table__),
            cast(Table, RevenueItem.__table__), cast(Table, ReportState.__table__),
            cast(Table, ConfirmationSnapshot.__table__))


def _by_installment(pairs: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    """{installment id: sorted LAO ids} of (LAO id, installment id) pairs."""
    out: dict[int, set[int]] = defaultdict(set)
    for lao_id, inst_id in pairs:
        out[inst_id].add(lao_id)
    return {i: sorted(ids) for i, ids in sorted(out.items())}


def _current(conn: Connection, pairs: Iterable[tuple[int, int]] | None,
             installment_id: int | None = None) -> tuple[list, dict]:
    """The reports of the pairs (None: every report, or every report of `installment_id`) as rows, and
    {(LAO id, installment id): {item code: satang}}."""
    r, e, it, _s, _c = _tables()
    cols = [r.c[name] for name in REPORT_COLUMNS]
    filters: list[list] = []
    if pairs is None:
        filters.append([] if installment_id is None else [installment_id])
    else:
        for inst_id, lao_ids in _by_installment(pairs).items():
            for start in range(0, len(lao_ids), CHUNK):
                filters.append([inst_id, lao_ids[start:start + CHUNK]])
    reports: list = []
    items: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for f in filters:
        rf = [r.c.installment_id == f[0], *([r.c.lao_id.in_(f[1])] if len(f) > 1 else [])] if f else []
        # one statement: each report with its entries (a report without any comes once, its item NULL)
        stmt = (select(*cols, it.c.code.label("item_code"), e.c.amount_satang.label("item_satang"))
                .select_from(r.outerjoin(e, and_(e.c.lao_id == r.c.lao_id, e.c.installment_id == r.c.installment_id))
                             .outerjoin(it, it.c.id == e.c.item_id))
                .where(*rf).order_by(r.c.installment_id, r.c.lao_id))
        last = None
        for row in conn.execute(stmt):
            key = (row.lao_id, row.installment_id)
            if key != last:
                reports.append(row)
                last = key
            if row.item_code is not None:
                items[key][row.item_code] = int(row.item_satang)
    return reports, items


def _write(conn: Connection, reports: list, items: dict, *, event: str, at: datetime | None, actor: User | None,
           reason: str | None, source: str) -> list[int]:
    """Insert the states of `reports` (and the snapshots of the confirmed ones); returns the snapshot ids."""
    _r, _e, _it, states, snaps = _tables()
    actor_id = actor.id if actor is not None else None
    actor_name = (actor.full_name or actor.username) if actor is not None else None
    snapshot_rows, state_rows = [], []
    for rep in reports:
        m = rep._mapping
        key = (m["lao_id"], m["installment_id"])
        figures = items.get(key, {})
        moment = at or m["confirmed_at"] or m["recorded_at"]
        if moment is None:
            continue  # a report never recorded (no figures, no dates) has no history to keep
        state = {"lao_id": key[0], "installment_id": key[1], "at": moment, "event": event,
                 **{name: m[name] for name in STATE_COLUMNS}, "items": canonical(figures),
                 "actor_id": actor_id, "actor_name": actor_name, "reason": reason or None, "snapshot_id": None}
        state["amount_satang"] = int(state["amount_satang"] or 0)
        state["recorded_late"], state["confirmed_late"] = bool(m["recorded_late"]), bool(m["confirmed_late"])
        state_rows.append(state)
        if m["status"] == Status.CONFIRMED.value:
            snap = {"lao_id": key[0], "installment_id": key[1], "confirmed_at": m["confirmed_at"] or moment,
                    "confirmed_by_id": m["confirmed_by_id"], "confirmer_name": m["confirmer_name"],
                    "recorder_name": m["recorder_name"], "recorded_at": m["recorded_at"],
                    "total_satang": sum(figures.values()), "items": canonical(figures), "source": source}
            snap["digest"] = digest(snap, figures)
            snapshot_rows.append((len(state_rows) - 1, snap))
    ids: list[int] = []
    if snapshot_rows and conn.dialect.name == "sqlite" and len(snapshot_rows) > 1:
        # SQLite does not return inserted rows in parameter order, so RETURNING would cost one INSERT per row (330,000
        # for the demo). The rows written above hold SQLite's single write lock, so the next ids are ours to assign.
        start = int(conn.scalar(select(func.max(snaps.c.id))) or 0) + 1
        ids = list(range(start, start + len(snapshot_rows)))
        conn.execute(insert(snaps), [{**s, "id": i} for (_n, s), i in zip(snapshot_rows, ids)])
    elif snapshot_rows and conn.dialect.name == "postgresql" and len(snapshot_rows) > 1:
        # the ids drawn from the table's sequence in one statement (safe beside other writers), then one batched
        # INSERT: RETURNING in parameter order is much slower for the demo's 330,000 rows
        ids = [int(i) for i in conn.scalars(
            select(func.nextval(func.pg_get_serial_sequence("confirmation_snapshots", "id")))
            .select_from(func.generate_series(1, len(snapshot_rows))))]
        conn.execute(insert(snaps), [{**s, "id": i} for (_n, s), i in zip(snapshot_rows, ids)])
    elif snapshot_rows:
        ids = list(conn.scalars(insert(snaps).returning(snaps.c.id, sort_by_parameter_order=True),
                                [s for _n, s in snapshot_rows]))
        for (n, _s), snap_id in zip(snapshot_rows, ids):
            state_rows[n]["snapshot_id"] = snap_id
    if state_rows:
        conn.execute(insert(states), state_rows)
    return ids


def capture(pairs: Iterable[tuple[int, int]], *, event: str, at: datetime, actor: User | None,
            reason: str | None = None, source: str = "review", session: Session | None = None) -> list[int]:
    """Keep what the (LAO id, installment id) pairs' reports now are: a state each, a snapshot each confirmed one.

    The one place every write to a report ends (entry save, review of one or many, API, import): call it in the
    use case's transaction after its last flush. Returns the ids of the snapshots written.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown report event {event!r}")
    s = session or db.session()
    s.flush()
    conn = s.connection()
    reports, items = _current(conn, list(pairs))
    return _write(conn, reports, items, event=event, at=at, actor=actor, reason=reason, source=source)


def capture_report(report: InstallmentReport, figures: dict[str, int], *, event: str, at: datetime,
                   actor: User | None) -> None:
    """`capture` of one report whose figures the use case holds (an officer's save): the state is written from the
    flushed report and `figures` ({item code: satang} of every entry of the report), with no read."""
    if event not in EVENTS:
        raise ValueError(f"unknown report event {event!r}")
    s = db.session()
    s.flush()
    row = _Held({name: getattr(report, name) for name in REPORT_COLUMNS})
    _write(s.connection(), [row], {(report.lao_id, report.installment_id): figures}, event=event, at=at,
           actor=actor, reason=None, source="review")


@dataclass(frozen=True)
class _Held:
    """A report's columns in hand, shaped as the rows `_current` reads (`_mapping`)."""

    _mapping: dict[str, Any]


def seed(conn: Connection, source: str) -> int:
    """One state per report (and a snapshot per confirmed one) from the current tables, dated by the report's last
    confirmation or recording: the starting point of data written in bulk (the demo), one installment at a time.
    Returns the reports read."""
    r = _tables()[0]
    n = 0
    for inst_id in list(conn.scalars(select(r.c.installment_id).distinct().order_by(r.c.installment_id))):
        reports, items = _current(conn, None, inst_id)
        _write(conn, reports, items, event=source, at=None, actor=None, reason=None, source=source)
        n += len(reports)
    return n


def differences(conn: Connection) -> list[tuple[int, int, str]]:
    """(LAO id, installment id, what) of every report whose latest state differs from it or whose confirmation has
    no snapshot of its figures: empty when the history follows the reports (tests, `rollup verify`)."""
    r, _e, _it, states, snaps = _tables()
    reports, items = _current(conn, None)
    latest = _latest(conn)
    out = []
    for rep in reports:
        m = rep._mapping
        key = (m["lao_id"], m["installment_id"])
        got = latest.get(key)
        want = {name: m[name] for name in STATE_COLUMNS}
        want["amount_satang"] = int(want["amount_satang"] or 0)
        want["recorded_late"], want["confirmed_late"] = bool(want["recorded_late"]), bool(want["confirmed_late"])
        if got is None:
            out.append((*key, "no state"))
            continue
        if {k: got[k] for k in want} != want or json.loads(got["items"]) != items.get(key, {}):
            out.append((*key, "state differs"))
        if m["status"] == Status.CONFIRMED.value:
            snap = conn.execute(select(snaps.c["items"], snaps.c.total_satang).where(snaps.c.id == got["snapshot_id"])
                                ).first() if got["snapshot_id"] else None
            if snap is None or json.loads(snap[0]) != items.get(key, {}):
                out.append((*key, "no snapshot of the confirmed figures"))
    return out


def _latest(conn: Connection) -> dict[tuple[int, int], dict]:
    """The latest state of every report: {(LAO id, installment id): row mapping}."""
    _r, _e, _it, states, _c = _tables()
    out: dict[tuple[int, int], dict] = {}
    for row in conn.execute(select(states).order_by(states.c.at, states.c.id)):
        m = dict(row._mapping)
        m["recorded_late"], m["confirmed_late"] = bool(m["recorded_late"]), bool(m["confirmed_late"])
        out[(m["lao_id"], m["installment_id"])] = m
    return out


# --------------------------------------------------------------------------------------------------
# Reading: the confirmations of one installment and what changed between two


@dataclass(frozen=True)
class Confirmation:
    """One confirmation of an installment: its snapshot, with the items decoded."""

    id: int
    confirmed_at: datetime
    confirmer_name: str | None
    recorder_name: str | None
    total_satang: int
    items: dict[str, int]
    digest: str
    source: str

    @property
    def total(self) -> Decimal:
        """The total in baht."""
        return from_satang(self.total_satang)


@dataclass(frozen=True)
class ItemChange:
    """One item between two confirmations: old and new satang (None when absent) and the difference."""

    code: str
    name: str
    old: int | None
    new: int | None

    @property
    def difference(self) -> int:
        """new - old in satang (absent counts as zero)."""
        return (self.new or 0) - (self.old or 0)

    @property
    def changed(self) -> bool:
        """Whether the item differs."""
        return self.old != self.new

    @property
    def amounts(self) -> tuple[Decimal | None, Decimal | None, Decimal]:
        """(old, new, difference) in baht."""
        return (None if self.old is None else from_satang(self.old), None if self.new is None else from_satang(self.new),
                from_satang(self.difference))


@dataclass(frozen=True)
class Reopening:
    """An unconfirm or return between two confirmations: when, by whom, why."""

    at: datetime
    event: str
    actor_name: str | None
    reason: str | None


@dataclass(frozen=True)
class Diff:
    """What changed from confirmation `old` to `new`: every item, the totals, and the reopenings in between."""

    old: Confirmation
    new: Confirmation
    items: list[ItemChange]
    reopenings: list[Reopening]

    @property
    def difference(self) -> int:
        """The change of the total in satang."""
        return self.new.total_satang - self.old.total_satang

    @property
    def difference_amount(self) -> Decimal:
        """The change of the total in baht."""
        return from_satang(self.difference)


def confirmations(lao_id: int, installment_id: int) -> list[Confirmation]:
    """Every confirmation of an LAO's installment, oldest first."""
    c = ConfirmationSnapshot
    rows = db.session.scalars(select(c).where(c.lao_id == lao_id, c.installment_id == installment_id)
                              .order_by(c.confirmed_at, c.id))
    return [Confirmation(s.id, s.confirmed_at, s.confirmer_name, s.recorder_name, int(s.total_satang),
                         {k: int(v) for k, v in json.loads(s.items).items()}, s.digest, s.source) for s in rows]


def diff(old: Confirmation, new: Confirmation, lao_id: int, installment_id: int) -> Diff:
    """Item by item from `old` to `new` (in the items' order), and who unconfirmed or returned in between, why."""
    first, last = (old, new) if (old.confirmed_at, old.id) <= (new.confirmed_at, new.id) else (new, old)
    codes = set(old.items) | set(new.items)
    names = {code: (order, name) for code, order, name in db.session.execute(
        select(RevenueItem.code, RevenueItem.sort_order, RevenueItem.name_th).where(RevenueItem.code.in_(codes)))}
    ordered = sorted(codes, key=lambda code: (names.get(code, (0, code))[0], code))
    changes = [ItemChange(code, names.get(code, (0, code))[1], old.items.get(code), new.items.get(code))
               for code in ordered]
    s = ReportState
    between = db.session.scalars(
        select(s).where(s.lao_id == lao_id, s.installment_id == installment_id, s.event.in_(("unconfirm", "return")),
                        and_(s.at >= first.confirmed_at, s.at <= last.confirmed_at)).order_by(s.at, s.id))
    return Diff(old, new, changes, [Reopening(x.at, x.event, x.actor_name, x.reason) for x in between])


def snapshot_ids_at(keys: Iterable[tuple[int, datetime]]) -> dict[tuple[int, datetime], int]:
    """{(LAO id, moment): snapshot id} of the confirmations made at those moments (the audit trail's links)."""
    keys = list(keys)
    if not keys:
        return {}
    c = ConfirmationSnapshot
    lao_ids = sorted({k[0] for k in keys})
    moments = sorted({k[1] for k in keys})
    out: dict[tuple[int, datetime], int] = {}
    for lao_id, at, snap_id in db.session.execute(
            select(c.lao_id, c.confirmed_at, func.max(c.id)).where(c.lao_id.in_(lao_ids), c.confirmed_at.in_(moments))
            .group_by(c.lao_id, c.confirmed_at)):
        out[(lao_id, at)] = snap_id
    return out
