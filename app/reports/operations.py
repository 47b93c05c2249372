"""Use cases of the reports area: the admin's KPI settings per fiscal year."""

from .. import audit, db
from ..domain.comparison import validate_kpi_settings
from ..domain.errors import DomainError, N_, NotPermittedError
from ..domain.workflow import Role
from ..models import FiscalYear, KpiSetting, User, utcnow


def save_kpi_settings(actor: User, ip: str | None, year: int, thresholds: list[str],
                      weights: dict[str, str]) -> KpiSetting:
    """Set the KPI thresholds T1..T5 (growth %) and category weights (%) of fiscal `year`; audited.

    Raises NotPermittedError unless an admin, DomainError('year') for an unknown year, and
    ValidationError (fields t1..t5, weight_pao, weight_mun, weight_sao) for bad values.
    """
    if actor.role != Role.ADMIN.value:
        raise NotPermittedError(None, N_("เฉพาะผู้ดูแลระบบเท่านั้นที่กำหนดเกณฑ์ KPI ได้"))
    settings = validate_kpi_settings(thresholds, weights)
    db.begin_write()
    if db.session.get(FiscalYear, year) is None:
        raise DomainError("year", N_("ไม่มีปีงบประมาณ %(year)s ในระบบ"), year=year)
    row = db.session.get(KpiSetting, year, populate_existing=True)
    old = None
    if row is None:
        row = KpiSetting(fiscal_year_id=year)
        db.session.add(row)
    else:
        old = {"thresholds": row.thresholds, "weight_pao": row.weight_pao,
               "weight_municipality": row.weight_municipality, "weight_sao": row.weight_sao}
    row.thresholds = ",".join(str(t) for t in settings.thresholds)
    row.weight_pao = str(settings.weights["pao"])
    row.weight_municipality = str(settings.weights["mun"])
    row.weight_sao = str(settings.weights["sao"])
    row.updated_at = utcnow()
    new = {"thresholds": row.thresholds, "weight_pao": row.weight_pao,
           "weight_municipality": row.weight_municipality, "weight_sao": row.weight_sao}
    audit.record(actor, ip, "kpi_settings_changed", "kpi_settings", str(year), old=old, new=new)
    db.session.flush()
    return row
