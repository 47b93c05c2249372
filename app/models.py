"""ORM models: geography, LAOs, revenue items, fiscal calendar, figures, workflow, users, audit."""

from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base
from .domain.calendar import SCHEDULES
from .domain.money import from_satang
from .domain.scope import Scope, scope_for
from .domain.extensions import EXTENSION_KINDS, EXTENSION_STATUSES
from .domain.vocabulary import LAO_TYPES, MUNICIPALITY_CLASSES
from .domain.workflow import Role, Status

ROLES = tuple(r.value for r in Role)
STATUSES = tuple(s.value for s in Status)
DEFAULT_THRESHOLDS = tuple(Decimal(t) for t in ("-10.00", "-5.00", "0.00", "5.00", "10.00"))


def _sql_in(column: str, values) -> str:
    """SQL text `column IN ('a', 'b')` for a CHECK constraint over a closed set of plain string values."""
    quoted = ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


def _role_scope_sql() -> str:
    """SQL text of the users CHECK tying a role to its scope: officer an LAO, verifier a province, others neither."""
    national = (Role.NATIONAL_VIEWER.value, Role.ADMIN.value)
    return (
        f"(role = '{Role.LAO_OFFICER.value}' AND lao_id IS NOT NULL AND province_id IS NULL)"
        f" OR (role = '{Role.PROVINCE_VERIFIER.value}' AND province_id IS NOT NULL AND lao_id IS NULL)"
        f" OR ({_sql_in('role', national)} AND lao_id IS NULL AND province_id IS NULL)"
    )


def utcnow() -> datetime:
    """Current UTC time, naive (stored as UTC on both engines)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Province(Base):
    """A province (จังหวัด) with its DOPA code."""

    __tablename__ = "provinces"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)
    name_th: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    districts: Mapped[list["District"]] = relationship(back_populates="province")


class District(Base):
    """A district (อำเภอ) of a province."""

    __tablename__ = "districts"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(4), unique=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    name_th: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    province: Mapped[Province] = relationship(back_populates="districts")


class Lao(Base):
    """A local administrative organisation (อปท.): PAO, municipality or SAO."""

    __tablename__ = "laos"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    lao_type: Mapped[str] = mapped_column(String(12))
    municipality_class: Mapped[str | None] = mapped_column(String(12))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    province: Mapped[Province] = relationship()
    district: Mapped[District] = relationship()

    __table_args__ = (
        Index("ix_laos_province_type", "province_id", "lao_type", "active"),  # covers the LAO counts by group
        CheckConstraint(_sql_in("lao_type", LAO_TYPES), name="ck_laos_lao_type"),
        CheckConstraint("municipality_class IS NULL OR " + _sql_in("municipality_class", MUNICIPALITY_CLASSES),
                        name="ck_laos_municipality_class"),
    )


class RevenueItem(Base):
    """A self-collected revenue item, the LAO types it applies to and the years it is active."""

    __tablename__ = "revenue_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    lao_types: Mapped[list[str]] = mapped_column(JSON)  # LAO_TYPES codes, e.g. ["MUNICIPALITY", "SAO"]
    first_fy: Mapped[int | None] = mapped_column(Integer)
    last_fy: Mapped[int | None] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def type_list(self) -> list[str]:
        """LAO types this item applies to."""
        return [t for t in (self.lao_types or []) if t]

    def applies(self, lao_type: str, fy: int) -> bool:
        """Whether the item is collected by `lao_type` in fiscal year `fy`."""
        return (
            lao_type in self.type_list
            and (self.first_fy is None or fy >= self.first_fy)
            and (self.last_fy is None or fy <= self.last_fy)
        )


class FiscalYear(Base):
    """A B.E. fiscal year and the kind of installment schedule it uses."""

    __tablename__ = "fiscal_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    schedule: Mapped[str] = mapped_column(String(12), default="monthly")
    # reminders go out this many days before an installment's entry deadline (and on it, and after it)
    reminder_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    installments: Mapped[list["Installment"]] = relationship(
        back_populates="fiscal_year", order_by="Installment.number"
    )
    rounds: Mapped[list["Round"]] = relationship(order_by="Round.last_installment")

    __table_args__ = (CheckConstraint(_sql_in("schedule", SCHEDULES), name="ck_fiscal_years_schedule"),
                      CheckConstraint("reminder_days BETWEEN 0 AND 60", name="ck_fiscal_years_reminder_days"))


class Installment(Base):
    """An installment (งวด) of a fiscal year: the period and its deadlines."""

    __tablename__ = "installments"
    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column("fiscal_year", ForeignKey("fiscal_years.year"))
    number: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    entry_deadline: Mapped[date] = mapped_column(Date)
    confirm_deadline: Mapped[date] = mapped_column(Date)
    fiscal_year: Mapped[FiscalYear] = relationship(back_populates="installments")

    __table_args__ = (UniqueConstraint("fiscal_year", "number", name="uq_installment_year_number"),)


class Round(Base):
    """An evaluation round: a cumulative cut-off through an installment number."""

    __tablename__ = "rounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column("fiscal_year", ForeignKey("fiscal_years.year"))
    name: Mapped[str] = mapped_column(String(100))
    last_installment: Mapped[int] = mapped_column(Integer)


class Entry(Base):
    """One figure: an LAO's amount of one revenue item in one installment, in integer satang."""

    __tablename__ = "entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    lao_id: Mapped[int] = mapped_column(ForeignKey("laos.id"))
    installment_id: Mapped[int] = mapped_column(ForeignKey("installments.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("revenue_items.id"))
    amount_satang: Mapped[int] = mapped_column(BigInteger)
    explanation: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("lao_id", "installment_id", "item_id", name="uq_entry_lao_installment_item"),
        Index("ix_entries_installment_lao", "installment_id", "lao_id", "item_id", "amount_satang"),
    )

    @property
    def amount(self) -> Decimal:
        """The amount in baht as a Decimal."""
        return from_satang(self.amount_satang)


class InstallmentReport(Base):
    """An LAO's installment as a whole: workflow status, certification, confirmation, version."""

    __tablename__ = "installment_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    lao_id: Mapped[int] = mapped_column(ForeignKey("laos.id"))
    installment_id: Mapped[int] = mapped_column(ForeignKey("installments.id"))
    status: Mapped[str] = mapped_column(String(16), default=Status.NOT_RECORDED.value)
    recorder_name: Mapped[str | None] = mapped_column(String(200))
    recorder_position: Mapped[str | None] = mapped_column(String(200))
    recorder_phone: Mapped[str | None] = mapped_column(String(50))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime)
    recorded_late: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmer_name: Mapped[str | None] = mapped_column(String(200))
    confirmer_position: Mapped[str | None] = mapped_column(String(200))
    confirmer_phone: Mapped[str | None] = mapped_column(String(50))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_late: Mapped[bool] = mapped_column(Boolean, default=False)
    return_reason: Mapped[str | None] = mapped_column(Text)
    # The satang of this LAO's entries for the installment, kept by app/totals.py in the transaction of every write
    # (a Core UPDATE after the flush: an object loaded before it still holds the old value). The reports that
    # pair LAOs (like-for-like, a province's LAOs) sum it instead of the entries.
    amount_satang: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=1)

    lao: Mapped[Lao] = relationship()
    installment: Mapped[Installment] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("lao_id", "installment_id", name="uq_report_lao_installment"),
        Index("ix_reports_installment_status", "installment_id", "status", "lao_id"),
        CheckConstraint(_sql_in("status", STATUSES), name="ck_installment_reports_status"),
    )

    @property
    def status_enum(self) -> Status:
        """The status as the domain enum."""
        return Status(self.status)


class ConfirmationSnapshot(Base):
    """What one confirmation confirmed, as it stood at that moment: immutable (written by app/snapshots.py, never
    updated or deleted; an unconfirm or return leaves it and writes a ReportState of its own)."""

    __tablename__ = "confirmation_snapshots"
    id: Mapped[int] = mapped_column(primary_key=True)
    lao_id: Mapped[int] = mapped_column(ForeignKey("laos.id"))
    installment_id: Mapped[int] = mapped_column(ForeignKey("installments.id"))
    confirmed_at: Mapped[datetime] = mapped_column(DateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmer_name: Mapped[str | None] = mapped_column(String(200))
    recorder_name: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime)
    total_satang: Mapped[int] = mapped_column(BigInteger)
    # {item code: satang} as canonical JSON (keys sorted, no spaces): the exact figures confirmed
    items: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the canonical content (app/snapshots.py)
    source: Mapped[str] = mapped_column(String(12))  # review, import, existing (made by migration 0012), demo

    __table_args__ = (
        Index("ix_confirmation_snapshots_lao_installment", "lao_id", "installment_id", "confirmed_at"),
    )


class ReportState(Base):
    """An installment report's state after one write (save, review, import): the append-only history the reports
    as of a past moment read (app/reports/as_of.py); never updated or deleted."""

    __tablename__ = "report_states"
    id: Mapped[int] = mapped_column(primary_key=True)
    lao_id: Mapped[int] = mapped_column(ForeignKey("laos.id"))
    installment_id: Mapped[int] = mapped_column(ForeignKey("installments.id"))
    at: Mapped[datetime] = mapped_column(DateTime)  # from when this state holds
    event: Mapped[str] = mapped_column(String(12))  # record, confirm, unconfirm, return, import, existing, demo
    status: Mapped[str] = mapped_column(String(16))
    amount_satang: Mapped[int] = mapped_column(BigInteger)
    items: Mapped[str] = mapped_column(Text)  # {item code: satang}, canonical JSON
    version: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime)
    recorded_late: Mapped[bool] = mapped_column(Boolean)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_late: Mapped[bool] = mapped_column(Boolean)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("confirmation_snapshots.id"))

    __table_args__ = (
        Index("ix_report_states_installment_lao_at", "installment_id", "lao_id", "at", "id"),
        CheckConstraint(_sql_in("status", STATUSES), name="ck_report_states_status"),
    )


@event.listens_for(ConfirmationSnapshot, "before_update")
@event.listens_for(ReportState, "before_update")
def _history_no_update(_mapper, _conn, _target):
    """Refuse an ORM update of a snapshot or a state."""
    raise RuntimeError("confirmation snapshots and report states are append-only")


@event.listens_for(ConfirmationSnapshot, "before_delete")
@event.listens_for(ReportState, "before_delete")
def _history_no_delete(_mapper, _conn, _target):
    """Refuse an ORM delete of a snapshot or a state."""
    raise RuntimeError("confirmation snapshots and report states are append-only")


class RollupTotal(Base):
    """Reports and satang of their entries per (installment, province, LAO type, status): the
    always-current rollup every national report reads (kept by app/totals.py in each write's transaction)."""

    __tablename__ = "rollup_totals"
    installment_id: Mapped[int] = mapped_column(ForeignKey("installments.id"), primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), primary_key=True)
    lao_type: Mapped[str] = mapped_column(String(12), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    reports: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)  # reports recorded after the entry deadline
    amount_satang: Mapped[int] = mapped_column(BigInteger, default=0)


class RollupLaoYear(Base):
    """One row per (LAO, fiscal year): which installments are confirmed (bit k-1 of `confirmed_mask` for
    installment k), the satang of each confirmed installment (c1..c12; 0 when not confirmed) and which are
    recorded (`recorded_mask`: recorded, confirmed or returned). Like-for-like pairs LAOs across two years with it —
    one join of two years' rows, not a GROUP BY over every report — and a province's drill-down reads its LAOs'
    figures and completeness from it; kept by app/totals.py in the transaction of every write, like the other
    rollups."""

    __tablename__ = "rollup_lao_years"
    lao_id: Mapped[int] = mapped_column(ForeignKey("laos.id"), primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column("fiscal_year", ForeignKey("fiscal_years.year"), primary_key=True)
    confirmed_mask: Mapped[int] = mapped_column(Integer, default=0)
    c1: Mapped[int] = mapped_column(BigInteger, default=0)
    c2: Mapped[int] = mapped_column(BigInteger, default=0)
    c3: Mapped[int] = mapped_column(BigInteger, default=0)
    c4: Mapped[int] = mapped_column(BigInteger, default=0)
    c5: Mapped[int] = mapped_column(BigInteger, default=0)
    c6: Mapped[int] = mapped_column(BigInteger, default=0)
    c7: Mapped[int] = mapped_column(BigInteger, default=0)
    c8: Mapped[int] = mapped_column(BigInteger, default=0)
    c9: Mapped[int] = mapped_column(BigInteger, default=0)
    c10: Mapped[int] = mapped_column(BigInteger, default=0)
    c11: Mapped[int] = mapped_column(BigInteger, default=0)
    c12: Mapped[int] = mapped_column(BigInteger, default=0)
    recorded_mask: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (Index("ix_rollup_lao_years_year", "fiscal_year", "confirmed_mask", "lao_id"),)


class RollupStreak(Base):
    """LAOs per (fiscal year, province, LAO type, active, recorded through, confirmed through): how far each
    LAO's installments 1..k are all recorded and all confirmed (the reports' completeness, kept by app/totals.py)."""

    __tablename__ = "rollup_streaks"
    fiscal_year_id: Mapped[int] = mapped_column("fiscal_year", ForeignKey("fiscal_years.year"), primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), primary_key=True)
    lao_type: Mapped[str] = mapped_column(String(12), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    recorded_through: Mapped[int] = mapped_column(Integer, primary_key=True)
    confirmed_through: Mapped[int] = mapped_column(Integer, primary_key=True)
    laos: Mapped[int] = mapped_column(Integer, default=0)


class User(Base):
    """A person's account with a role and a scope (an LAO or a province)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    role: Mapped[str] = mapped_column(String(20))
    lao_id: Mapped[int | None] = mapped_column(ForeignKey("laos.id"), index=True)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    session_token: Mapped[str] = mapped_column(String(64))
    # e-mail delivery of notifications: only to a verified address, and only kinds not in `email_optout`
    email: Mapped[str | None] = mapped_column(String(254))
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    email_optout: Mapped[list[str] | None] = mapped_column(JSON)  # NotificationKind values the user wants in-app only
    lao: Mapped[Lao | None] = relationship()
    province: Mapped[Province | None] = relationship()

    __table_args__ = (
        CheckConstraint(_sql_in("role", ROLES), name="ck_users_role"),
        CheckConstraint(_role_scope_sql(), name="ck_users_role_scope"),
    )

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        """Whether the account may log in."""
        return bool(self.active)

    @property
    def is_authenticated(self) -> bool:
        """Always true for a loaded user."""
        return True

    @property
    def is_anonymous(self) -> bool:
        """Never anonymous."""
        return False

    def get_id(self) -> str:
        """The rotating alternative id: changing session_token ends every existing session."""
        return f"{self.id}:{self.session_token}"

    @property
    def role_enum(self) -> Role:
        """The role as the domain enum."""
        return Role(self.role)

    def has_role(self, *roles: Role) -> bool:
        """Whether the user has one of `roles`."""
        return self.role_enum in roles

    @property
    def scope(self) -> Scope:
        """What the user may see: national, its province, its LAO, or nothing (domain.scope.scope_for)."""
        return scope_for(self.role, lao_id=self.lao_id,
                         lao_province_id=self.lao.province_id if self.lao_id is not None and self.lao else None,
                         province_id=self.province_id)


class AuditEvent(Base):
    """Append-only, hash-chained audit record of a change to figures, workflow state or accounts, or of a
    security event."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str | None] = mapped_column(String(80))
    ip: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    # "<LAO code>/<year>/<installment>" of a report: the report's events are read by it (form, history, verification)
    object_id: Mapped[str | None] = mapped_column(String(80), index=True)
    lao_id: Mapped[int | None] = mapped_column(ForeignKey("laos.id"), index=True)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)
    old_values: Mapped[dict | None] = mapped_column(JSON)
    new_values: Mapped[dict | None] = mapped_column(JSON)
    # SHA-256 chain (app/audit.py link): the previous event's hash, and this event's over all other columns.
    # prev_hash is unique: two events chained after the same one (a forked chain) cannot both be stored.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    hash: Mapped[str] = mapped_column(String(64))


@event.listens_for(AuditEvent, "before_update")
def _audit_no_update(_mapper, _conn, _target):
    raise RuntimeError("audit events are append-only")


@event.listens_for(AuditEvent, "before_delete")
def _audit_no_delete(_mapper, _conn, _target):
    raise RuntimeError("audit events are append-only")


class KpiSetting(Base):
    """KPI scoring settings of a fiscal year: five growth thresholds (%) and category weights (%)."""

    __tablename__ = "kpi_settings"
    fiscal_year_id: Mapped[int] = mapped_column("fiscal_year", ForeignKey("fiscal_years.year"), primary_key=True)
    t1: Mapped[Decimal] = mapped_column(Numeric(9, 2), default=DEFAULT_THRESHOLDS[0])
    t2: Mapped[Decimal] = mapped_column(Numeric(9, 2), default=DEFAULT_THRESHOLDS[1])
    t3: Mapped[Decimal] = mapped_column(Numeric(9, 2), default=DEFAULT_THRESHOLDS[2])
    t4: Mapped[Decimal] = mapped_column(Numeric(9, 2), default=DEFAULT_THRESHOLDS[3])
    t5: Mapped[Decimal] = mapped_column(Numeric(9, 2), default=DEFAULT_THRESHOLDS[4])
    weight_pao: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("33.34"))
    weight_municipality: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("33.33"))
    weight_sao: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("33.33"))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (
        CheckConstraint("t1 < t2 AND t2 < t3 AND t3 < t4 AND t4 < t5", name="ck_kpi_settings_thresholds_ordered"),
        CheckConstraint(
            "weight_pao BETWEEN 0 AND 100 AND weight_municipality BETWEEN 0 AND 100 AND weight_sao BETWEEN 0 AND 100",
            name="ck_kpi_settings_weights_range",
        ),
    )

    @property
    def thresholds(self) -> tuple[Decimal, ...]:
        """The growth thresholds T1..T5 (%) in order."""
        return (self.t1, self.t2, self.t3, self.t4, self.t5)


class ApiToken(Base):
    """A revocable API token; only its SHA-256 hash is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    user: Mapped[User] = relationship()


class ItemActivation(Base):
    """Overrides whether a revenue item is collected by an LAO type in a fiscal year (admin setup)."""

    __tablename__ = "item_activations"
    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column("fiscal_year", ForeignKey("fiscal_years.year"))
    item_id: Mapped[int] = mapped_column(ForeignKey("revenue_items.id"))
    lao_type: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        UniqueConstraint("fiscal_year", "item_id", "lao_type", name="uq_item_activation"),
        CheckConstraint(_sql_in("lao_type", LAO_TYPES), name="ck_item_activations_lao_type"),
    )


class KpiDefinition(Base):
    """One version of a KPI of a fiscal year as the summary form states it (app.domain.kpi); a mid-year revision
    is a new version applying from round `from_round`, the earlier version still governing earlier rounds."""

    __tablename__ = "kpi_definitions"
    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column("fiscal_year", ForeignKey("fiscal_years.year"))
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    from_round: Mapped[int] = mapped_column(Integer)
    name_th: Mapped[str] = mapped_column(String(300))
    group_th: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(8))
    measure: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(12))
    points: Mapped[Decimal] = mapped_column(Numeric(17, 4))
    t1: Mapped[Decimal] = mapped_column(Numeric(17, 4))
    t2: Mapped[Decimal] = mapped_column(Numeric(17, 4))
    t3: Mapped[Decimal] = mapped_column(Numeric(17, 4))
    t4: Mapped[Decimal] = mapped_column(Numeric(17, 4))
    t5: Mapped[Decimal] = mapped_column(Numeric(17, 4))
    rounds: Mapped[str] = mapped_column(String(60))  # round numbers measured, comma separated: "1,2"
    base_year: Mapped[int | None] = mapped_column(Integer)
    deadline: Mapped[date | None] = mapped_column(Date)
    penalty: Mapped[str] = mapped_column(String(10))
    # Measured in both halves of the year and then weighted: the first half's weight (%), the second takes the rest.
    first_half_weight: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        UniqueConstraint("fiscal_year", "code", "version", name="uq_kpi_definition_version"),
        CheckConstraint("version >= 1 AND from_round >= 1", name="ck_kpi_definitions_version"),
    )

    @property
    def thresholds(self) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
        """T1..T5 in order."""
        return (self.t1, self.t2, self.t3, self.t4, self.t5)

    @property
    def round_numbers(self) -> tuple[int, ...]:
        """The rounds the KPI is measured in."""
        return tuple(int(n) for n in self.rounds.split(",") if n)


class ScorecardReport(Base):
    """What the responsible person adds to a round's scorecard (national, or one province): an explanation per
    KPI, the reporter block and the report date; `submitted_at` is when it was sent, kept apart from the date the
    reporter writes, and is what a late-submission penalty counts from."""

    __tablename__ = "scorecard_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column("fiscal_year", ForeignKey("fiscal_years.year"))
    round_no: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(10))  # "all" or a province code
    explanations: Mapped[dict] = mapped_column(JSON, default=dict)  # KPI code -> text
    reporter_name: Mapped[str] = mapped_column(String(200))
    reporter_position: Mapped[str] = mapped_column(String(200))
    reporter_unit: Mapped[str] = mapped_column(String(200))
    reporter_phone: Mapped[str] = mapped_column(String(50))
    report_date: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (UniqueConstraint("fiscal_year", "round_no", "place", name="uq_scorecard_report"),)


class Holiday(Base):
    """A public holiday (วันหยุดราชการ), kept by an administrator: a lateness counted in working days skips it."""

    __tablename__ = "holidays"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name_th: Mapped[str] = mapped_column(String(200))


class Setting(Base):
    """A small key/value store for app state (e.g. whether demo data is loaded)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Notification(Base):
    """A message to one user, shown in the notification centre (and mailed when the user accepts that kind).
    `dedupe_key` makes a scheduled message idempotent: one per (user, key), however often the job runs."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime)
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    sender: Mapped["User | None"] = relationship(foreign_keys=[sender_id])

    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key", name="uq_notification_user_key"),
        Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
        Index("ix_notifications_outbox", "emailed_at", "id"),
    )
CERTIFICATE_KINDS = ("lao", "province", "national")


class Certificate(Base):
    """A verification code issued for a printed paper (app/certificates): the canonical payload of what was printed
    (kind, selection, moment, every figure) and the code, an HMAC of it; same content, same row (never updated)."""

    __tablename__ = "certificates"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    # HMAC of the payload without its moment: the same content printed again finds its certificate
    content_key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    selection: Mapped[dict] = mapped_column(JSON)
    moment: Mapped[datetime] = mapped_column(DateTime)
    payload: Mapped[str] = mapped_column(Text)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (CheckConstraint(_sql_in("kind", CERTIFICATE_KINDS), name="ck_certificates_kind"),)


class DeadlineExtension(Base):
    """A request for a later deadline (app/deadlines): an LAO's entry deadline of one installment (kind "entry",
    decided by its province's verifier) or a province's confirmation deadline (kind "confirm", decided by national
    staff). `pending_key` is set while the request waits, so one target has at most one pending request."""

    __tablename__ = "deadline_extensions"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    installment_id: Mapped[int] = mapped_column(ForeignKey("installments.id"))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    lao_id: Mapped[int | None] = mapped_column(ForeignKey("laos.id"))
    original_deadline: Mapped[date] = mapped_column(Date)  # the installment's deadline when it was asked
    requested_deadline: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    new_deadline: Mapped[date | None] = mapped_column(Date)  # set when approved
    decision_reason: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    pending_key: Mapped[str | None] = mapped_column(String(60), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    installment: Mapped[Installment] = relationship()
    province: Mapped[Province] = relationship()
    lao: Mapped[Lao | None] = relationship()
    requested_by: Mapped["User | None"] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped["User | None"] = relationship(foreign_keys=[decided_by_id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_deadline_extensions_installment", "installment_id", "status", "province_id", "lao_id"),
        Index("ix_deadline_extensions_province", "province_id", "status"),
        CheckConstraint(_sql_in("kind", EXTENSION_KINDS), name="ck_deadline_extensions_kind"),
        CheckConstraint(_sql_in("status", EXTENSION_STATUSES), name="ck_deadline_extensions_status"),
        CheckConstraint("(kind = 'entry' AND lao_id IS NOT NULL) OR (kind = 'confirm' AND lao_id IS NULL)",
                        name="ck_deadline_extensions_target"),
        CheckConstraint("(status = 'approved' AND new_deadline IS NOT NULL)"
                        " OR (status <> 'approved' AND new_deadline IS NULL)",
                        name="ck_deadline_extensions_decision"),
    )


from . import totals as _totals  # noqa: E402,F401  (registers the rollup's session hooks with the models)
