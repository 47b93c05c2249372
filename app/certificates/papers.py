"""What each printed paper certifies: its selection and every figure on it, as plain values, from the same queries
the print pages use, so /check can recompute them now and compare."""

from ..domain import comparison as cmp
from ..domain.errors import N_, DomainError
from .codes import pct_text, satang

KIND_LAO, KIND_PROVINCE, KIND_NATIONAL = "lao", "province", "national"
KIND_LABELS = {
    KIND_LAO: N_("แบบรับรองข้อมูลรายได้ของ อปท."),
    KIND_PROVINCE: N_("รายงานเปรียบเทียบรายได้ระดับจังหวัด"),
    KIND_NATIONAL: N_("รายงานเปรียบเทียบรายได้ทั้งประเทศ"),
}
COVERAGE_FIELDS = ("laos", "not_recorded", "not_confirmed", "missing", "base_not_recorded", "base_not_confirmed",
                   "base_missing", "paired")


# --------------------------------------------------------------------------------------------------
# The LAO's certification (entry/print.html)


def lao_content(view) -> tuple[dict, dict]:
    """(selection, figures) of an LAO's certification page: status, each item's amount and the prior year's, totals
    (an entry.queries.InstallmentView; names and phones are not figures and stay off the payload)."""
    inst = view.installment
    selection = {"lao": view.lao.code, "year": inst.fiscal_year_id, "installment": inst.number}
    figures = {
        "status": view.status.value,
        "items": {line.item.code: satang(line.amount) for line in view.lines},
        "prior": {line.item.code: satang(line.prior) for line in view.lines},
        "total": satang(view.total),
        "prior_total": satang(view.prior_total),
    }
    return selection, figures


def lao_now(selection: dict, today) -> tuple[dict, object]:
    """(figures, view) of an LAO certification recomputed now; DomainError when the LAO or installment is gone."""
    from sqlalchemy import select

    from .. import db
    from ..entry import queries as entry_queries
    from ..models import Installment, Lao

    lao = db.session.scalar(select(Lao).where(Lao.code == str(selection.get("lao"))))
    inst = db.session.scalar(select(Installment).where(Installment.fiscal_year_id == int(selection.get("year", 0)),
                                                       Installment.number == int(selection.get("installment", 0))))
    if lao is None or inst is None:
        raise DomainError("code", N_("ไม่พบ อปท. หรืองวดของเอกสารนี้ในระบบแล้ว"))
    view = entry_queries.installment_view(lao, inst, today)
    return lao_content(view)[1], view


# --------------------------------------------------------------------------------------------------
# The comparison prints (reports/print_comparison.html): national, or one province's LAOs


def _cells(row: cmp.Row) -> dict:
    """A row's cells as satang and percent text per column group."""
    return {g: [satang(c.base), satang(c.current), pct_text(c.pct)] for g, c in row.cells.items()}


def comparison_content(result, round_id: int | None) -> tuple[str, dict, dict]:
    """(kind, selection, figures) of a printed comparison (a reports.queries.ComparisonResult): the parameters that
    reproduce it, then every row's cells, the total and the coverage lines under the table."""
    s = result.selection
    kind = KIND_NATIONAL if result.level == "national" else KIND_PROVINCE
    selection = {"base_year": s.base_year, "year": s.year, "through": s.through, "round": round_id,
                 "basis": s.basis, "status": s.status, "province": s.province_code}
    figures = {
        "round_name": s.round,
        "basis_used": s.basis_used,
        "current_installments": list(s.current_installments),
        "base_installments": list(s.base_installments),
        "current_period": list(s.current_period),
        "base_period": list(s.base_period),
        "coverage": {name: getattr(s, name) for name in COVERAGE_FIELDS},
        "rows": [[row.code, _cells(row)] for row in result.rows],
        "total": _cells(result.total),
    }
    return kind, selection, figures


def comparison_now(selection: dict, today) -> tuple[dict, object]:
    """(figures, result) of a comparison recomputed now from its stored selection; DomainError when it cannot be."""
    from ..reports import queries

    try:
        result = queries.comparison(int(selection["base_year"]), int(selection["year"]), int(selection["through"]),
                                    str(selection["basis"]), str(selection["status"]), selection.get("province"),
                                    round_id=selection.get("round"), today=today)
    except (KeyError, TypeError, ValueError):
        raise DomainError("code", N_("ไม่พบรายงานของเอกสารนี้ในระบบแล้ว")) from None
    return comparison_content(result, selection.get("round"))[2], result
