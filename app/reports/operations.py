"""Use cases of the reports area: the admin's KPI settings per fiscal year."""

from decimal import ROUND_HALF_UP, Decimal

from .. import audit, db
from ..domain.comparison import TWO, validate_kpi_settings
from ..domain.errors import N_, DomainError, NotPermittedError, ValidationError
from ..domain.vocabulary import AuditAction
from ..domain.workflow import Role
from ..models import FiscalYear, KpiSetting, User, utcnow

THRESHOLD_LIMIT = Decimal(10) ** 7  # NUMERIC(9, 2)


def _plain(value: Decimal) -> str:
    """A Decimal as plain text without trailing zeros or exponent (-10.00 -> "-10", 2.50 -> "2.5")."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _audit_values(row: KpiSetting) -> dict[str, str]:
    """The settings of `row` as the audit trail records them (JSON-safe strings, thresholds comma-separated)."""
    return {"thresholds": ",".join(_plain(t) for t in row.thresholds), "weight_pao": f"{row.weight_pao:.2f}",
            "weight_municipality": f"{row.weight_municipality:.2f}", "weight_sao": f"{row.weight_sao:.2f}"}


def save_kpi_settings(actor: User, ip: str | None, year: int, thresholds: list[str],
                      weights: dict[str, str]) -> KpiSetting:
    """Set the KPI thresholds T1..T5 (growth %) and category weights (%) of fiscal `year`; audited.

    Raises NotPermittedError unless an admin, DomainError('year') for an unknown year, and
    ValidationError (fields t1..t5, weight_pao, weight_mun, weight_sao) for bad values.
    """
    if actor.role != Role.ADMIN.value:
        raise NotPermittedError(None, N_("เฉพาะผู้ดูแลระบบเท่านั้นที่กำหนดเกณฑ์ KPI ได้"))
    settings = validate_kpi_settings(thresholds, weights)
    too_big = {f"t{i}": DomainError(f"t{i}", N_("กรุณากรอกตัวเลข"))
               for i, t in enumerate(settings.thresholds, start=1) if abs(t) >= THRESHOLD_LIMIT}
    if too_big:
        raise ValidationError(too_big)
    # the columns keep 2 decimals: store the thresholds rounded, refused if rounding merges two levels
    settings = validate_kpi_settings([_plain(t.quantize(TWO, ROUND_HALF_UP)) for t in settings.thresholds], weights)
    db.begin_write()
    if db.session.get(FiscalYear, year) is None:
        raise DomainError("year", N_("ไม่มีปีงบประมาณ %(year)s ในระบบ"), year=year)
    row = db.session.get(KpiSetting, year, populate_existing=True)
    old = None
    if row is None:
        row = KpiSetting(fiscal_year_id=year)
        db.session.add(row)
    else:
        old = _audit_values(row)
    row.t1, row.t2, row.t3, row.t4, row.t5 = settings.thresholds
    row.weight_pao = settings.weights["pao"]
    row.weight_municipality = settings.weights["mun"]
    row.weight_sao = settings.weights["sao"]
    row.updated_at = utcnow()
    new = _audit_values(row)
    audit.record(actor, ip, AuditAction.KPI_SETTINGS_CHANGED, "kpi_settings", str(year), old=old, new=new)
    db.session.flush()
    return row
