"""The evaluation of LAOs and provincial offices for a round (app.domain.evaluation): read in three statements —
the round's reports with their satang totals, the base year's totals per LAO, the active LAOs — whatever the size.
"""

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from .. import audit, db, reference
from ..deadlines import queries as deadline_queries
from ..domain.extensions import effective_deadline
from ..domain.errors import DomainError
from ..domain.evaluation import EvaluationRules, LaoResult, OfficeResult, late_by, ranked, rules_from
from ..domain.thai_sort import thai_sort_key
from ..domain.vocabulary import RECORDED_STATUSES, AuditAction
from ..figures import shift_year
from ..models import InstallmentReport, Lao, Province, Setting, User
from ..web import to_local
from . import operations, scorecard

RULES_KEY = "evaluation_rules:{year}"


def rules_for(year: int) -> EvaluationRules:
    """The evaluation rules national staff set for `year`, or the defaults."""
    row = db.session.get(Setting, RULES_KEY.format(year=year))
    try:
        return rules_from(json.loads(row.value)) if row is not None else EvaluationRules()
    except (ValueError, DomainError):
        return EvaluationRules()


def set_rules(actor: User | None, ip: str | None, year: int, raw: dict) -> EvaluationRules:
    """Store the evaluation rules of `year` (national staff and administrators). Raises NotPermittedError,
    ValidationError (every part's error at once)."""
    operations.check_editor(actor)
    rules = rules_from(raw)
    db.begin_write()
    key = RULES_KEY.format(year=year)
    row = db.session.get(Setting, key)
    old = json.loads(row.value) if row is not None else None
    if row is None:
        row = Setting(key=key, value="")
        db.session.add(row)
    row.value = json.dumps(rules.as_dict())
    audit.record(actor, ip, AuditAction.KPI_DEFINED, "evaluation_rules", str(year), old=old, new=rules.as_dict())
    db.session.flush()
    return rules


@dataclass
class LaoRow:
    """An LAO's evaluation with its place and ranks."""

    lao: Lao
    result: LaoResult
    rank_province: int | None = None
    rank_national: int | None = None


@dataclass
class OfficeRow:
    """A provincial office's evaluation with its rank."""

    province: Province
    result: OfficeResult
    rank: int | None = None


@dataclass
class Evaluation:
    """Every LAO and office evaluated for a round (LAOs of one province when `province` is set)."""

    year: int
    round_no: int
    rules: EvaluationRules
    laos: list[LaoRow]
    offices: list[OfficeRow]
    due_entry: int
    due_confirm: int


def evaluate(year: int, round_no: int, province: Province | None, today: date) -> Evaluation:
    """Evaluate the round nationally (every LAO is ranked nationally and in its province; `province` keeps only its
    LAOs and its office in the result)."""
    rules = rules_for(year)
    rounds = scorecard.rounds_of(year)
    the_round = rounds[round_no - 1] if 1 <= round_no <= len(rounds) else None
    ref = reference.current()
    installments = [i for i in ref.installments.get(year, []) if the_round and i.number <= the_round.last_installment]
    by_id = {i.id: i for i in installments}
    due_entry = {i.id for i in installments if i.entry_deadline < today}
    due_confirm = {i.id for i in installments if i.confirm_deadline < today}
    laos = list(db.session.scalars(select(Lao).where(Lao.active.is_(True))))
    r = InstallmentReport
    reports = db.session.execute(
        select(r.lao_id, r.installment_id, r.status, r.recorded_late, r.recorded_at, r.confirmed_late,
               r.confirmed_at, r.amount_satang).where(r.installment_id.in_(list(by_id)))).all() if by_id else []
    base: dict[int, int] = {}
    if installments:
        start, end = shift_year(installments[0].period_start, -1), shift_year(installments[-1].period_end, -1)
        base_ids = [i.id for i in ref.installments.get(year - 1, []) if i.period_start >= start and i.period_end <= end]
        if base_ids:
            base = dict(db.session.execute(
                select(r.lao_id, func.sum(r.amount_satang)).where(r.installment_id.in_(base_ids),
                                                                  r.status.in_(RECORDED_STATUSES))
                .group_by(r.lao_id)).all())
    per_lao: dict[int, dict[int, Any]] = {}
    for report in reports:
        per_lao.setdefault(report.lao_id, {})[report.installment_id] = report
    # approved extensions (app.deadlines) move an LAO's entry deadline and a province's confirmation deadline: an
    # installment is due, and lateness counted, against the deadline in force
    entry_ext = deadline_queries.entry_extensions(list(by_id))
    confirm_ext = deadline_queries.confirm_extensions(list(by_id))
    lao_results: list[LaoRow] = []
    offices: dict[int, OfficeResult] = {}
    for lao in laos:
        mine = per_lao.get(lao.id, {})
        on_time = days = current = due = 0
        complete = True
        office = offices.setdefault(lao.province_id, OfficeResult(lao.province_id, 0, 0, 0, 0, 0, rules))
        for inst_id, inst in by_id.items():
            rep: Any = mine.get(inst_id)
            recorded = rep is not None and rep.status in RECORDED_STATUSES
            if recorded:
                current += int(rep.amount_satang or 0)
            entry_deadline = effective_deadline(inst.entry_deadline, [entry_ext.get((lao.id, inst_id))])
            if entry_deadline < today:
                due += 1
                if recorded and not rep.recorded_late:
                    on_time += 1
                else:
                    done = to_local(rep.recorded_at).date() if recorded and rep.recorded_at else None
                    days += late_by(entry_deadline, done, today)
                complete = complete and recorded and rep.status == "confirmed"
            confirm_deadline = effective_deadline(inst.confirm_deadline, [confirm_ext.get((lao.province_id, inst_id))])
            if recorded and confirm_deadline < today:
                office.due += 1
                if rep.status == "confirmed" and not rep.confirmed_late:
                    office.on_time += 1
                else:
                    done = to_local(rep.confirmed_at).date() if rep.status == "confirmed" and rep.confirmed_at else None
                    office.days_late += late_by(confirm_deadline, done, today)
        office.laos += 1
        office.complete += 1 if complete and due else 0
        lao_results.append(LaoRow(lao, LaoResult(lao.id, due, on_time, days, current,
                                                 int(base.get(lao.id) or 0), rules)))
    names = {lao.id: thai_sort_key(lao.name_th) for lao in laos}  # each key worked out once
    holder = {id(x.result): x for x in lao_results}

    def by_name(res) -> tuple:
        """A result's LAO name's sort key."""
        return names[res.lao_id]

    for rank, res in ranked([x.result for x in lao_results], by_name):
        holder[id(res)].rank_national = rank
    by_province: dict[int, list[LaoResult]] = {}
    for x in lao_results:
        by_province.setdefault(x.lao.province_id, []).append(x.result)
    for results in by_province.values():
        for rank, res in ranked(results, by_name):
            holder[id(res)].rank_province = rank
    office_rows = [OfficeRow(ref.provinces[pid], res) for pid, res in offices.items() if pid in ref.provinces]
    office_of = {id(o.result): o for o in office_rows}
    for rank, res in ranked([o.result for o in office_rows],
                            lambda res: thai_sort_key(ref.provinces[res.province_id].name_th)):
        office_of[id(res)].rank = rank
    if province is not None:
        lao_results = [x for x in lao_results if x.lao.province_id == province.id]
        office_rows = [o for o in office_rows if o.province.id == province.id]
    lao_results.sort(key=lambda x: (x.rank_province is None, x.rank_province or 0, names[x.lao.id]))
    office_rows.sort(key=lambda o: (o.rank is None, o.rank or 0, thai_sort_key(o.province.name_th)))
    return Evaluation(year, round_no, rules, lao_results, office_rows, len(due_entry), len(due_confirm))
