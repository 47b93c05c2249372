"""The reports as of a past moment: every installment report as it stood then, read from the report history.

`report_states` (app/snapshots.py) holds one row per write to a report, dated; the report as of moment T is its
latest row dated at or before T (none: not recorded yet). `reports_at` is that as a subquery with the columns of
installment_reports the reports read (status, amount, version, dates), so the comparison, the province drill-down
and INR911 run the same GROUP BYs over it as over today's table (app/reports/queries.py and app/verify/queries.py
call these functions when an `as_of` is given; without one nothing here runs). Confirmed figures come from the
states a confirmation wrote (each linked to its snapshot), recorded ones from the states of the saves.

The LAO register (which LAOs exist, are active, their province and type) is today's: it has no history.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Subquery, Table, and_, case, exists, func, literal, or_, select
from sqlalchemy.sql import Select

from .. import db
from ..domain import comparison as cmp
from ..domain.vocabulary import RECORDED_STATUSES
from ..models import Lao, ReportState

RECORDED_SET = cmp.STATUS_SETS[cmp.STATUS_RECORDED]
COLUMNS = ("lao_id", "installment_id", "status", "amount_satang", "version", "recorded_at", "recorded_late",
           "confirmed_at", "confirmed_late")


def reports_at(at: datetime, installment_ids: Sequence[int], lao_ids: Select | None = None) -> Subquery:
    """The installment reports of the installments as they stood at `at` (naive UTC): each (LAO, installment)'s
    latest state dated at or before it, ties broken by the later row. Columns: COLUMNS. `lao_ids` (a SELECT of
    LAO ids) limits the LAOs read.

    A state counts when no later one of its pair is dated at or before `at` (NOT EXISTS, one probe of the
    (installment, LAO, at, id) index per state): on SQLite about three times faster than ROW_NUMBER() over the
    partitions, and a plain subquery the outer WHERE (e.g. the status) is pushed into.
    """
    table: Table = ReportState.__table__  # type: ignore[assignment]
    s, n = table.alias("s"), table.alias("n")
    later = select(literal(1)).where(n.c.installment_id == s.c.installment_id, n.c.lao_id == s.c.lao_id,
                                     n.c.at <= at, or_(n.c.at > s.c.at, and_(n.c.at == s.c.at, n.c.id > s.c.id)))
    wanted: list[ColumnElement[bool]] = [s.c.installment_id.in_(list(installment_ids)), s.c.at <= at,
                                         ~exists(later)]
    if lao_ids is not None:
        wanted.append(s.c.lao_id.in_(lao_ids))
    return select(*(s.c[name] for name in COLUMNS)).where(*wanted).subquery("reports_at")


def _of_province(province_id: int | None) -> Select | None:
    """The ids of a province's LAOs (None nationally)."""
    return None if province_id is None else select(Lao.id).where(Lao.province_id == province_id)


def sums(at: datetime, installment_ids: list[int], statuses: tuple[str, ...], province_id: int | None,
         laos: list[int] | None = None) -> list[tuple]:
    """As queries._sums at `at`: satang per (province id, LAO type, installment id) nationally, per (LAO id,
    installment id) inside a province, over the reports in `statuses` (of the `laos` when given)."""
    if not installment_ids:
        return []
    r = reports_at(at, installment_ids, _of_province(province_id))
    lao: Table = Lao.__table__  # type: ignore[assignment]
    group = [lao.c.province_id, lao.c.lao_type] if province_id is None else [r.c.lao_id]
    stmt = (select(*group, r.c.installment_id, func.sum(r.c.amount_satang))
            .select_from(r.join(lao, lao.c.id == r.c.lao_id))
            .where(r.c.status.in_(statuses)).group_by(*group, r.c.installment_id))
    if laos is not None:
        stmt = stmt.where(r.c.lao_id.in_(laos))
    return [tuple(row) for row in db.session.execute(stmt)]


def complete(at: datetime, installment_ids: list[int], province_id: int | None) -> dict:
    """As queries._complete at `at`: {(province id, type) or LAO id: (LAOs that recorded every installment, of
    those how many have all confirmed)}; nationally only active LAOs count."""
    if not installment_ids:
        return {}
    n = len(installment_ids)
    r = reports_at(at, installment_ids, _of_province(province_id))
    per_lao = (select(r.c.lao_id.label("lao_key"), func.count().label("n_rec"),
                      func.sum(case((r.c.status == "confirmed", 1), else_=0)).label("n_conf"))
               .where(r.c.status.in_(RECORDED_SET)).group_by(r.c.lao_id).having(func.count() == n))
    if province_id is not None:
        return {lao_id: (1, 1 if n_conf == n else 0) for lao_id, _n, n_conf in db.session.execute(per_lao)}
    c = per_lao.subquery()
    lao: Table = Lao.__table__  # type: ignore[assignment]
    stmt = (select(lao.c.province_id, lao.c.lao_type, func.count(), func.sum(case((c.c.n_conf == n, 1), else_=0)))
            .select_from(c.join(lao, lao.c.id == c.c.lao_key)).where(lao.c.active.is_(True))
            .group_by(lao.c.province_id, lao.c.lao_type))
    return {(p, t): (int(a), int(b or 0)) for p, t, a, b in db.session.execute(stmt)}


def paired(at: datetime, cur_ids: list[int], base_ids: list[int], province_id: int | None) -> list[int]:
    """As queries._paired at `at`: the ids of the LAOs confirmed in every compared installment of both years."""
    ids = cur_ids + base_ids
    if not ids:
        return []
    r = reports_at(at, ids, _of_province(province_id))
    return list(db.session.scalars(select(r.c.lao_id).where(r.c.status == "confirmed").group_by(r.c.lao_id)
                                   .having(func.count() == len(ids)).order_by(r.c.lao_id)))


def recorded_by_province(at: datetime, installment_id: int, lao_type: str | None) -> dict[int, int]:
    """INR911 nationally at `at`: active LAOs (of `lao_type`) with figures for the installment, per province id."""
    r = reports_at(at, [installment_id])
    lao: Table = Lao.__table__  # type: ignore[assignment]
    wanted: list[ColumnElement[bool]] = [r.c.status.in_(RECORDED_STATUSES), lao.c.active.is_(True)]
    if lao_type:
        wanted.append(lao.c.lao_type == lao_type)
    return {pid: int(n) for pid, n in db.session.execute(
        select(lao.c.province_id, func.count()).select_from(r.join(lao, lao.c.id == r.c.lao_id))
        .where(*wanted).group_by(lao.c.province_id))}


def report_join(at: datetime, installment_id: int, lao_id_column) -> tuple[Subquery, ColumnElement[bool]]:
    """INR911's rows at `at`: the reports of one installment as they stood then and the condition joining them to
    the LAOs (outer join: an LAO without a state had not recorded)."""
    r = reports_at(at, [installment_id])
    return r, r.c.lao_id == lao_id_column
