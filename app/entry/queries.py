"""Read models of the entry area: an LAO's year overview, one installment's figures, its history."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import aliased

from .. import audit, db, reference
from ..deadlines import queries as deadline_queries
from ..domain import comparison as cmp
from ..domain.extensions import ExtensionKind, effective_deadline
from ..domain import typo_guard
from ..domain.calendar import days_late
from ..domain.errors import DomainError
from ..domain.money import from_satang, pct_change
from ..domain.vocabulary import WORKFLOW_AUDIT_ACTIONS, AuditAction
from ..domain.workflow import Status, check_can_record
from ..figures import prior_installment_ids, shift_year
from ..models import AuditEvent, DeadlineExtension, Entry, Installment, InstallmentReport, Lao, RevenueItem, User
from ..web import to_local


def recorded_on(report: InstallmentReport | None) -> date | None:
    """The local (Bangkok) date the report was last recorded, if it was."""
    if report is None or report.recorded_at is None:
        return None
    return to_local(report.recorded_at).date()


def late_days(installment: Installment, report: InstallmentReport | None, today: date,
              deadline: date | None = None) -> int:
    """Days past the entry deadline in force (`deadline`: an approved extension; default the installment's): when
    recorded, of the recording day; when missing, of today."""
    deadline = deadline or installment.entry_deadline
    status = Status(report.status) if report else Status.NOT_RECORDED
    if status == Status.NOT_RECORDED:
        return days_late(deadline, None, today) if today > installment.period_end else 0
    return days_late(deadline, recorded_on(report) or today, today)


def _baht(values: dict[str, int]) -> dict[str, Decimal]:
    """Satang per item code as baht."""
    return {code: from_satang(v) for code, v in values.items()}


def _total(values: dict[str, Decimal]) -> Decimal | None:
    """The sum of an installment's item amounts, or None when nothing is recorded."""
    return sum(values.values(), Decimal("0.00")) if values else None


@dataclass
class InstallmentRow:
    """One installment on the LAO's home page."""

    installment: Installment
    report: InstallmentReport | None
    status: Status
    amounts: dict[str, Decimal]
    total: Decimal | None
    days_late: int
    period_ended: bool
    extended_to: date | None = None  # an approved extension of the entry deadline
    extension: DeadlineExtension | None = None  # the latest request for one, whatever its state

    @property
    def may_ask_extension(self) -> bool:
        """Whether the officer may ask for a later entry deadline now: the period ended, not recorded (or returned),
        no request waiting."""
        return (self.period_ended and self.status in (Status.NOT_RECORDED, Status.RETURNED)
                and not (self.extension is not None and self.extension.status == "pending"))

    @property
    def opens_on(self) -> date:
        """The first day the installment can be recorded (the day after its period ends)."""
        return self.installment.period_end + timedelta(days=1)

    @property
    def return_reason(self) -> str | None:
        """Why the provincial office returned the installment, while it waits for the LAO's correction."""
        if self.status != Status.RETURNED or self.report is None:
            return None
        return self.report.return_reason or ""


@dataclass
class ComparisonLine:
    """Year to date against the same period of the prior year and the prior year's total (the target)."""

    code: str | None  # None: the total line
    name_th: str
    name_en: str
    ytd: Decimal | None
    prior_same: Decimal | None
    prior_full: Decimal | None

    @property
    def pct_same(self) -> Decimal | None:
        """Percent change of the year to date against the same period of the prior year."""
        if self.ytd is None or self.prior_same is None:
            return None
        return pct_change(self.prior_same, self.ytd)

    @property
    def progress(self) -> Decimal | None:
        """How far the year to date has come toward the target: ytd / the prior year's full total x 100
        (half away from zero, 2 places); None without a prior year (or a zero one)."""
        if self.ytd is None:
            return None
        return cmp.progress(self.ytd, self.prior_full)


@dataclass
class YearOverview:
    """The LAO home page: installments of a fiscal year and the comparison with the prior year."""

    year: int
    items: list[RevenueItem]
    rows: list[InstallmentRow]
    lines: list[ComparisonLine]
    through: Installment | None  # the year to date runs through this installment
    prior_start: date | None = None
    prior_end: date | None = None
    prior_exists: bool = False

    @property
    def returned(self) -> list[InstallmentRow]:
        """The installments returned for correction, in order."""
        return [r for r in self.rows if r.return_reason is not None]


def _amounts_by_installment(lao: Lao, year: int) -> dict[int, dict[str, int]]:
    """Satang per installment id and item code of the LAO in fiscal year `year` (summed in SQL)."""
    rows = db.session.execute(
        select(Entry.installment_id, RevenueItem.code, func.sum(Entry.amount_satang))
        .join(RevenueItem, RevenueItem.id == Entry.item_id)
        .join(Installment, Installment.id == Entry.installment_id)
        .where(Entry.lao_id == lao.id, Installment.fiscal_year_id == year)
        .group_by(Entry.installment_id, RevenueItem.code)
    )
    out: dict[int, dict[str, int]] = {}
    for inst_id, code, total in rows:
        out.setdefault(inst_id, {})[code] = int(total or 0)
    return out


def _installment_ids(year: int, start: date | None = None, end: date | None = None) -> list[int]:
    """Ids of the installments of `year` whose period lies inside [start, end] (bounds optional)."""
    q = select(Installment.id).where(Installment.fiscal_year_id == year)
    if start is not None:
        q = q.where(Installment.period_start >= start)
    if end is not None:
        q = q.where(Installment.period_end <= end)
    return list(db.session.scalars(q))


@db.prepared
def _lao_reports() -> Select:
    """One LAO's reports of some installments."""
    return select(InstallmentReport).where(
        InstallmentReport.lao_id == bindparam("lao_id"),
        InstallmentReport.installment_id.in_(bindparam("installment_ids", expanding=True)))


@db.prepared
def _lao_amounts() -> Select:
    """One LAO's satang per installment and item of some installments."""
    return (select(Entry.installment_id, Entry.item_id, func.sum(Entry.amount_satang))
            .where(Entry.lao_id == bindparam("lao_id"), Entry.installment_id.in_(bindparam("installment_ids", expanding=True)))
            .group_by(Entry.installment_id, Entry.item_id))


@db.prepared
def _lao_entries() -> Select:
    """One LAO's entries of some installments (an installment and its prior-year ones)."""
    return (select(Entry.installment_id, Entry.item_id, Entry.amount_satang, Entry.explanation)
            .where(Entry.lao_id == bindparam("lao_id"), Entry.installment_id.in_(bindparam("installment_ids", expanding=True))))


def _amounts_of_years(lao: Lao, years: list[int]) -> dict[int, dict[str, int]]:
    """Satang per installment id and item code of the LAO in the fiscal `years` (one query, summed in SQL)."""
    ref = reference.current()
    ids = [i.id for y in years for i in ref.installments.get(y, [])]
    if not ids:
        return {}
    rows = db.session.execute(_lao_amounts(), {"lao_id": lao.id, "installment_ids": ids})
    out: dict[int, dict[str, int]] = {}
    for inst_id, item_id, total in rows:
        code = ref.item_by_id[item_id].code
        out.setdefault(inst_id, {})[code] = out.get(inst_id, {}).get(code, 0) + int(total or 0)
    return out


def _summed(amounts: dict[int, dict[str, int]], installment_ids: Iterable[int]) -> dict[str, int]:
    """Satang per item code summed over `installment_ids`."""
    out: dict[str, int] = {}
    for inst_id in installment_ids:
        for code, v in amounts.get(inst_id, {}).items():
            out[code] = out.get(code, 0) + v
    return out


def year_overview(lao: Lao, year: int, today: date) -> YearOverview:
    """Installments of `year` for `lao` with status, lateness and amounts, and the prior-year comparison.

    The year to date runs through the latest installment the LAO has recorded; the prior year's same
    period is the installments of the prior year inside that stretch shifted back a year. Two queries: the
    reports, and the amounts of both years (the calendar and the items come from the reference cache).
    """
    ref = reference.current()
    installments = list(ref.installments.get(year, []))
    items = ref.items_for(lao.lao_type, year)
    reports = {r.installment_id: r for r in db.session.scalars(
        _lao_reports(), {"lao_id": lao.id, "installment_ids": [i.id for i in installments]})}
    prior_fy = ref.fiscal_years.get(year - 1)
    amounts = _amounts_of_years(lao, [year, year - 1] if prior_fy is not None else [year])
    extensions = deadline_queries.standings(ExtensionKind.ENTRY, [i.id for i in installments], lao_id=lao.id)
    rows = []
    for inst in installments:
        report = reports.get(inst.id)
        values = _baht(amounts.get(inst.id, {}))
        standing = extensions.get(inst.id) or deadline_queries.Standing()
        deadline = effective_deadline(inst.entry_deadline, [standing.extended_to])
        rows.append(InstallmentRow(
            installment=inst, report=report, status=Status(report.status) if report else Status.NOT_RECORDED,
            amounts=values, total=_total(values), days_late=late_days(inst, report, today, deadline),
            period_ended=today > inst.period_end,
            extended_to=deadline if deadline != inst.entry_deadline else None, extension=standing.latest,
        ))
    recorded = [r.installment for r in rows if r.status != Status.NOT_RECORDED]
    through = recorded[-1] if recorded else None
    overview = YearOverview(year=year, items=items, rows=rows, lines=[], through=through)

    ytd = _summed(amounts, [i.id for i in installments])
    prior_same: dict[str, int] = {}
    prior_full: dict[str, int] = {}
    if prior_fy is not None:
        overview.prior_exists = True
        prior_insts = ref.installments.get(year - 1, [])
        prior_full = _summed(amounts, [i.id for i in prior_insts])
        if through is not None:
            overview.prior_start = prior_fy.start_date
            overview.prior_end = shift_year(through.period_end, -1)
            prior_same = _summed(amounts, [i.id for i in prior_insts if i.period_start >= overview.prior_start
                                           and i.period_end <= overview.prior_end])

    item_codes = [i.code for i in items]
    names = {i.code: (i.name_th, i.name_en) for i in items}
    extra = set(prior_full) - set(item_codes)  # items the prior year had and this year does not
    for item in ref.items:
        if item.code in extra:
            names[item.code] = (item.name_th, item.name_en)
    same_known = prior_fy is not None and through is not None
    for code in names:
        overview.lines.append(ComparisonLine(
            code, *names[code],
            ytd=from_satang(ytd.get(code, 0)) if code in item_codes else None,
            prior_same=from_satang(prior_same.get(code, 0)) if same_known else None,
            prior_full=from_satang(prior_full.get(code, 0)) if prior_fy is not None else None,
        ))
    overview.lines.append(ComparisonLine(
        None, "รวม", "Total", ytd=from_satang(sum(ytd.values())),
        prior_same=from_satang(sum(prior_same.values())) if same_known else None,
        prior_full=from_satang(sum(prior_full.values())) if prior_fy is not None else None,
    ))
    return overview


@dataclass
class FigureLine:
    """One revenue item of an installment: this year's amount, the prior year's, the typo-guard warning."""

    item: RevenueItem
    amount: Decimal | None
    prior: Decimal | None
    explanation: str | None = None

    @property
    def pct(self) -> Decimal | None:
        """Percent change against the same period of the prior year."""
        if self.amount is None or self.prior is None:
            return None
        return pct_change(self.prior, self.amount)

    @property
    def warning(self) -> str | None:
        """The typo-guard warning code for the amount, if any."""
        if self.amount is None:
            return None
        return typo_guard.check(self.amount, self.prior)

    @property
    def warning_message(self) -> str | None:
        """The untranslated message of the warning, if any."""
        return typo_guard.WARNING_MESSAGES.get(self.warning) if self.warning else None


@dataclass
class ReviewNote:
    """The provincial office's latest return or unconfirmation that the LAO has not answered yet."""

    action: str
    reason: str
    at: datetime | None
    by: str


@dataclass
class InstallmentView:
    """Everything the form, the detail and the print page show about an LAO's installment."""

    lao: Lao
    installment: Installment
    report: InstallmentReport | None
    status: Status
    lines: list[FigureLine]
    total: Decimal | None
    prior_total: Decimal | None
    days_late: int
    closed_message: DomainError | None
    review_note: ReviewNote | None
    recorded_by: User | None = None
    confirmed_by: User | None = None
    has_prior: bool = False
    extended_to: date | None = None  # an approved extension of the entry deadline
    confirm_extended_to: date | None = None  # an approved extension of the province's confirmation deadline
    extension: DeadlineExtension | None = None  # the latest entry-extension request, whatever its state

    @property
    def version(self) -> int:
        """The version a form must send back (0 before the first recording)."""
        return self.report.version if self.report else 0

    @property
    def locked(self) -> bool:
        """Whether the provincial office has confirmed the installment."""
        return self.status == Status.CONFIRMED

    @property
    def recorded(self) -> bool:
        """Whether the LAO has recorded the installment at least once."""
        return self.status != Status.NOT_RECORDED

    @property
    def total_pct(self) -> Decimal | None:
        """Percent change of the total against the same period of the prior year."""
        if self.total is None or self.prior_total is None:
            return None
        return pct_change(self.prior_total, self.total)


def review_note(lao: Lao, installment: Installment, report: InstallmentReport | None) -> ReviewNote | None:
    """The return or unconfirmation reason to show, if the office's action is the latest one on the report.

    Audit ids order the events, so a later recording by the LAO hides an answered reason.
    """
    if report is None:
        return None
    latest = db.session.execute(
        select(AuditEvent.action, AuditEvent.new_values, AuditEvent.at, AuditEvent.username, User.full_name)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.object_type == "installment_report", AuditEvent.lao_id == lao.id,
               AuditEvent.object_id == audit.installment_object_id(lao, installment), AuditEvent.action.in_(WORKFLOW_AUDIT_ACTIONS))
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if latest is not None and latest.action in (AuditAction.UNCONFIRM_INSTALLMENT, AuditAction.RETURN_INSTALLMENT):
        reason = (latest.new_values or {}).get("reason") or report.return_reason or ""
        return ReviewNote(latest.action, reason, latest.at, latest.full_name or latest.username or "")
    if report.status == Status.RETURNED.value and report.return_reason:
        return ReviewNote(AuditAction.RETURN_INSTALLMENT.value, report.return_reason, None, "")  # no audit trail to date it
    return None


# Built once: an alias proxies every column of users, which costs more than the query when made per request.
_REVIEWER, _RECORDER, _CONFIRMER = aliased(User, name="reviewer"), aliased(User, name="recorder"), aliased(User, name="confirmer")


@db.prepared
def _report_with_people_statement() -> Select:
    """The statement of `_report_with_people`."""
    latest = (
        select(func.max(AuditEvent.id))
        .where(AuditEvent.object_type == "installment_report", AuditEvent.lao_id == bindparam("lao_id"),
               AuditEvent.object_id == bindparam("object_id"),
               AuditEvent.action.in_(WORKFLOW_AUDIT_ACTIONS))
        .scalar_subquery()
    )
    reviewer, recorder, confirmer = _REVIEWER, _RECORDER, _CONFIRMER
    return (
        select(InstallmentReport, AuditEvent.action, AuditEvent.new_values, AuditEvent.at, AuditEvent.username,
               reviewer.full_name, recorder, confirmer)
        .select_from(InstallmentReport)
        .outerjoin(AuditEvent, AuditEvent.id == latest)
        .outerjoin(reviewer, reviewer.id == AuditEvent.user_id)
        .outerjoin(recorder, recorder.id == InstallmentReport.recorded_by_id)
        .outerjoin(confirmer, confirmer.id == InstallmentReport.confirmed_by_id)
        .where(InstallmentReport.lao_id == bindparam("lao_id"), InstallmentReport.installment_id == bindparam("installment_id"))
    )


def _report_with_people(lao: Lao, installment: Installment) -> tuple[InstallmentReport | None, ReviewNote | None,
                                                                      User | None, User | None]:
    """The report, the review note to show, who recorded and who confirmed it: one query (see review_note)."""
    row = db.session.execute(_report_with_people_statement(), {
        "lao_id": lao.id, "installment_id": installment.id, "object_id": audit.installment_object_id(lao, installment),
    }).first()
    if row is None:
        return None, None, None, None
    report, action, new_values, at, username, full_name, recorded_by, confirmed_by = row
    note = None
    if action in (AuditAction.UNCONFIRM_INSTALLMENT, AuditAction.RETURN_INSTALLMENT):
        reason = (new_values or {}).get("reason") or report.return_reason or ""
        note = ReviewNote(action, reason, at, full_name or username or "")
    elif report.status == Status.RETURNED.value and report.return_reason:
        note = ReviewNote(AuditAction.RETURN_INSTALLMENT.value, report.return_reason, None, "")
    return report, note, recorded_by, confirmed_by


def installment_view(lao: Lao, installment: Installment, today: date) -> InstallmentView:
    """The current figures of `lao` for `installment` beside the same period of the prior year.

    Two queries: the report with its people, and the entries of the installment and its prior-year
    installments (items and calendar from the reference cache).
    """
    ref = reference.current()
    items = ref.items_for(lao.lao_type, installment.fiscal_year_id)
    report, note, recorded_by, confirmed_by = _report_with_people(lao, installment)
    prior_ids = prior_installment_ids(installment)
    current_satang: dict[str, int] = {}
    prior_satang: dict[str, int] = {}
    explanations: dict[str, str] = {}
    rows = db.session.execute(_lao_entries(), {"lao_id": lao.id, "installment_ids": [installment.id, *prior_ids]})
    for inst_id, item_id, amount, explanation in rows:
        code = ref.item_by_id[item_id].code
        target = current_satang if inst_id == installment.id else prior_satang
        target[code] = target.get(code, 0) + int(amount or 0)
        if inst_id == installment.id and explanation:
            explanations[code] = explanation
    current = _baht(current_satang)
    prior = _baht(prior_satang)
    lines = [FigureLine(item, current.get(item.code), prior.get(item.code), explanations.get(item.code))
             for item in items]
    status = Status(report.status) if report else Status.NOT_RECORDED
    try:
        check_can_record(Status.NOT_RECORDED, installment.period_end, today)
        closed = None
    except DomainError as err:
        closed = err
    standing, confirm_extended = deadline_queries.for_lao_installment(lao, installment)
    deadline = effective_deadline(installment.entry_deadline, [standing.extended_to])
    confirm = effective_deadline(installment.confirm_deadline, [confirm_extended])
    return InstallmentView(
        lao=lao, installment=installment, report=report, status=status, lines=lines,
        total=_total(current), prior_total=_total(prior),
        days_late=late_days(installment, report, today, deadline), closed_message=closed,
        review_note=note, has_prior=bool(prior_ids), recorded_by=recorded_by, confirmed_by=confirmed_by,
        extended_to=deadline if deadline != installment.entry_deadline else None,
        confirm_extended_to=confirm if confirm != installment.confirm_deadline else None,
        extension=standing.latest,
    )


@dataclass
class Change:
    """One item's amount before and after a recording."""

    name_th: str
    name_en: str
    old: str | None
    new: str | None
    explanation: str | None

    @property
    def changed(self) -> bool:
        """Whether the amount differs."""
        return self.old != self.new


@dataclass
class HistoryEvent:
    """One audit event of an installment, ready to show."""

    at: datetime
    action: str
    username: str
    full_name: str
    ip: str | None
    changes: list[Change]
    old_status: str | None
    new_status: str | None
    details: dict


def history(lao: Lao, installment: Installment, limit: int = 500) -> list[HistoryEvent]:
    """The audit trail of an LAO's installment report, newest first."""
    names = {i.code: (i.name_th, i.name_en, i.sort_order) for i in db.session.scalars(select(RevenueItem))}
    rows = db.session.execute(
        select(AuditEvent, User.full_name)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.object_type == "installment_report", AuditEvent.lao_id == lao.id,
               AuditEvent.object_id == audit.installment_object_id(lao, installment))
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    out = []
    for event, full_name in rows:
        old, new = event.old_values or {}, event.new_values or {}
        codes = sorted((set(old) | set(new)) & set(names), key=lambda c: names[c][2])
        changes = [Change(names[c][0], names[c][1], old.get(c), new.get(c), new.get(f"explain_{c}"))
                   for c in codes]
        details = {k: v for k, v in new.items() if k in ("reason", "position", "phone", "late")}
        out.append(HistoryEvent(event.at, event.action, event.username or "", full_name or "", event.ip,
                                changes, old.get("status"), new.get("status"), details))
    return out
