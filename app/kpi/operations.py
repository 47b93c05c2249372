"""Use cases of KPI definitions: define a KPI of a fiscal year, revise it from a round on, and read the versions
that govern a round. Each change checks its rules, writes the audit trail and flushes; the caller commits.
`actor` None means the server's command line."""

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import func, select

from .. import audit, db
from ..domain.errors import N_, ConflictError, DomainError, NotPermittedError, ValidationError
from ..domain.kpi import KpiSpec, parse_definition
from ..domain.vocabulary import AuditAction
from ..domain.workflow import Role
from ..models import FiscalYear, KpiDefinition, Province, Round, ScorecardReport, User, utcnow

EDITORS = (Role.ADMIN.value, Role.NATIONAL_VIEWER.value)


def check_editor(actor: User | None) -> None:
    """National staff and administrators define KPIs (the command line too)."""
    if actor is not None and actor.role not in EDITORS:
        raise NotPermittedError(None, N_("เฉพาะเจ้าหน้าที่ส่วนกลางและผู้ดูแลระบบเท่านั้น"))


def round_count(year: int) -> int:
    """How many evaluation rounds fiscal year `year` has."""
    return db.session.scalar(select(func.count(Round.id)).where(Round.fiscal_year_id == year)) or 0


def _values(spec: KpiSpec) -> dict:
    """The audited values of a definition."""
    return {"name": spec.name, "group": spec.group, "unit": spec.unit, "direction": spec.direction,
            "measure": spec.measure, "category": spec.category, "points": str(spec.points),
            "thresholds": [str(t) for t in spec.thresholds], "rounds": list(spec.rounds),
            "base_year": spec.base_year, "deadline": spec.deadline.isoformat() if spec.deadline else None,
            "penalty": spec.penalty,
            "first_half_weight": str(spec.first_half_weight) if spec.first_half_weight is not None else None}


def define(actor: User | None, ip: str | None, year: int, raw: Mapping[str, object],
           from_round: int = 1) -> KpiDefinition:
    """Store a KPI of fiscal year `year`: version 1 of a new code, or the next version of an existing one that
    governs rounds `from_round` onwards (earlier rounds keep the version they had).

    Raises NotPermittedError, DomainError (no such year), ValidationError (every field's error at once;
    from_round before the current version's first round or past the year's rounds).
    """
    check_editor(actor)
    if db.session.get(FiscalYear, year) is None:
        raise DomainError("year", N_("ไม่พบปีงบประมาณ %(year)s ในระบบ"), year=year)
    rounds = round_count(year)
    db.begin_write()
    errors: dict[str, DomainError] = {}
    try:
        spec = parse_definition(raw, rounds)
    except ValidationError as err:
        errors.update(err.errors)
        spec = None
    code = str(raw.get("code") or "").strip().upper()
    latest = db.session.scalar(db.locked(
        select(KpiDefinition).where(KpiDefinition.fiscal_year_id == year, KpiDefinition.code == code)
        .order_by(KpiDefinition.version.desc()).limit(1)))
    if not 1 <= from_round <= max(rounds, 1):
        errors["from_round"] = DomainError("from_round", N_("รอบที่เริ่มใช้ต้องอยู่ระหว่าง 1 ถึง %(n)s"), n=rounds)
    elif latest is not None and from_round < latest.from_round:
        errors["from_round"] = DomainError(
            "from_round", N_("ฉบับปัจจุบันใช้ตั้งแต่รอบที่ %(n)s การแก้ไขต้องเริ่มตั้งแต่รอบนั้นเป็นต้นไป"),
            n=latest.from_round)
    if errors or spec is None:
        raise ValidationError(errors)
    row = KpiDefinition(
        fiscal_year_id=year, code=spec.code, version=(latest.version + 1) if latest else 1, from_round=from_round,
        name_th=spec.name, group_th=spec.group, unit=spec.unit, direction=spec.direction, measure=spec.measure,
        category=spec.category, points=spec.points, t1=spec.thresholds[0], t2=spec.thresholds[1],
        t3=spec.thresholds[2], t4=spec.thresholds[3], t5=spec.thresholds[4],
        rounds=",".join(str(n) for n in spec.rounds), base_year=spec.base_year, deadline=spec.deadline,
        penalty=spec.penalty, first_half_weight=spec.first_half_weight,
        created_by_id=actor.id if actor is not None else None)
    db.session.add(row)
    audit.record(actor, ip, AuditAction.KPI_DEFINED, "kpi_definition", f"{year}/{spec.code}/{row.version}",
                 old=_values_of(latest) if latest else None, new={**_values(spec), "from_round": from_round})
    db.session.flush()
    return row


def _values_of(row: KpiDefinition) -> dict:
    """The audited values of a stored definition (the one a revision supersedes)."""
    return {"version": row.version, "from_round": row.from_round, "name": row.name_th, "points": str(row.points),
            "thresholds": [str(t) for t in row.thresholds], "rounds": list(row.round_numbers)}


def versions(year: int) -> list[KpiDefinition]:
    """Every version of every KPI of `year`: by group, code and version."""
    return list(db.session.scalars(select(KpiDefinition).where(KpiDefinition.fiscal_year_id == year)
                                   .order_by(KpiDefinition.group_th, KpiDefinition.code, KpiDefinition.version)))


def governing(year: int, round_no: int) -> list[KpiDefinition]:
    """The version of each KPI that governs round `round_no` (the latest starting at or before it), whether or not
    it is measured in that round (a KPI not measured there drops out of the weights: KpiDefinition.round_numbers)."""
    chosen: dict[str, KpiDefinition] = {}
    first_id: dict[str, int] = {}
    for row in versions(year):
        first_id.setdefault(row.code, row.id)
        if row.from_round <= round_no:
            chosen[row.code] = row  # versions ascend, so the last one seen is the latest that applies
    return sorted(chosen.values(), key=lambda r: (r.group_th, first_id[r.code]))  # in the order they were defined


def latest(year: int, code: str) -> KpiDefinition | None:
    """The newest version of KPI `code` of `year`."""
    return db.session.scalar(select(KpiDefinition).where(KpiDefinition.fiscal_year_id == year,
                                                         KpiDefinition.code == code)
                             .order_by(KpiDefinition.version.desc()).limit(1))


EXPLANATION_MAX = 2000
REPORTER_FIELDS = {"reporter_name": 200, "reporter_position": 200, "reporter_unit": 200, "reporter_phone": 50}


def place_of(province: Province | None) -> str:
    """The scorecard's place key: "all" nationally, else the province code."""
    return province.code if province is not None else "all"


def report_of(year: int, round_no: int, province: Province | None) -> ScorecardReport | None:
    """The submitted report of a scorecard, if any."""
    return db.session.scalar(select(ScorecardReport).where(
        ScorecardReport.fiscal_year_id == year, ScorecardReport.round_no == round_no,
        ScorecardReport.place == place_of(province)))


def submit_scorecard(actor: User | None, ip: str | None, year: int, round_no: int, province: Province | None, *,
                     explanations: Mapping[str, str], reporter: Mapping[str, str], report_date: date | None,
                     version: int, missed: list[str], known: list[str], today: date,
                     now: datetime | None = None) -> ScorecardReport:
    """Store (or replace) what the responsible person adds to a round's scorecard: an explanation per KPI (required
    for every KPI in `missed`, only KPIs in `known`), the reporter block and the report date; the submission time
    is the server's. National staff and administrators submit any card, a provincial office its own province's.

    Raises NotPermittedError, ConflictError (someone submitted since `version` was read), ValidationError (every
    field's error at once).
    """
    own = actor.scope.province_id if actor is not None and actor.role == Role.PROVINCE_VERIFIER.value else None
    if actor is not None and actor.role not in (*EDITORS, Role.PROVINCE_VERIFIER.value):
        raise NotPermittedError(None, N_("ท่านไม่มีสิทธิ์ส่งแบบสรุปผลนี้"))
    if actor is not None and actor.role == Role.PROVINCE_VERIFIER.value and (province is None or province.id != own):
        raise NotPermittedError(None, N_("ท่านไม่มีสิทธิ์ส่งแบบสรุปผลนี้"))
    errors: dict[str, DomainError] = {}
    clean: dict[str, str] = {}
    for code, text in explanations.items():
        value = " ".join(str(text or "").split())
        if code not in known:
            continue
        if len(value) > EXPLANATION_MAX:
            errors[f"explain_{code}"] = DomainError(f"explain_{code}", N_("ยาวเกิน %(n)s ตัวอักษร"), n=EXPLANATION_MAX)
        elif value:
            clean[code] = value
    for code in missed:
        if code not in clean and f"explain_{code}" not in errors:
            errors[f"explain_{code}"] = DomainError(f"explain_{code}", N_("ผลไม่บรรลุค่าเป้าหมาย กรุณาชี้แจงเพิ่มเติม"))
    people: dict[str, str] = {}
    for name, limit in REPORTER_FIELDS.items():
        value = " ".join(str(reporter.get(name) or "").split())
        if not value:
            errors[name] = DomainError(name, N_("กรุณากรอกข้อมูลช่องนี้"))
        elif len(value) > limit:
            errors[name] = DomainError(name, N_("ยาวเกิน %(n)s ตัวอักษร"), n=limit)
        people[name] = value
    if report_date is None:
        errors["report_date"] = DomainError("report_date", N_("กรุณาระบุวันที่รายงาน"))
    elif report_date > today:
        errors["report_date"] = DomainError("report_date", N_("วันที่รายงานต้องไม่เกินวันนี้"))
    if errors:
        raise ValidationError(errors)
    assert report_date is not None
    db.begin_write()
    row = db.session.scalar(db.locked(select(ScorecardReport).where(
        ScorecardReport.fiscal_year_id == year, ScorecardReport.round_no == round_no,
        ScorecardReport.place == place_of(province))))
    if (row.version if row is not None else 0) != version:
        raise ConflictError("version", N_("มีผู้ส่งแบบสรุปผลนี้หลังจากที่ท่านเปิดหน้านี้ กรุณาตรวจสอบแล้วส่งใหม่"))
    old = None if row is None else {"explanations": row.explanations, "report_date": row.report_date.isoformat(),
                                    "reporter_name": row.reporter_name, "version": row.version}
    if row is None:
        row = ScorecardReport(fiscal_year_id=year, round_no=round_no, place=place_of(province), version=0)
        db.session.add(row)
    row.explanations = clean
    row.reporter_name, row.reporter_position = people["reporter_name"], people["reporter_position"]
    row.reporter_unit, row.reporter_phone = people["reporter_unit"], people["reporter_phone"]
    row.report_date = report_date
    row.submitted_at = now or utcnow()
    row.submitted_by_id = actor.id if actor is not None else None
    row.version = (row.version or 0) + 1
    audit.record(actor, ip, AuditAction.SCORECARD_SUBMITTED, "scorecard", f"{year}/{round_no}/{row.place}",
                 province_id=province.id if province is not None else None, old=old,
                 new={"explanations": clean, "report_date": report_date.isoformat(), **people, "version": row.version})
    db.session.flush()
    return row
