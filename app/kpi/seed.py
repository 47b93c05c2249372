"""The FY2560 self-collected-revenue KPI of the ministry memo, as a worked example (demo data).

The memo sets the KPI as amounts per LAO category in million baht compared with FY2558, at two target levels:
PAO 2,873.44 / 3,443.44, municipalities 10,477.06 / 14,004.75, SAO 4,430.06 / 6,401.75. Here they are levels 3
and 5 of the five-level scale, with levels 1, 2 and 4 evenly spaced around them (level 3 ± a half of the step to
level 5); national staff replace them with the ministry's own five levels on the KPI page.
"""

from decimal import Decimal

from ..models import KpiDefinition
from . import operations

MEMO_TARGETS = [("REV_PAO", "PAO", "อบจ.", Decimal("2873.44"), Decimal("3443.44")),
                ("REV_MUNICIPALITY", "MUNICIPALITY", "เทศบาล", Decimal("10477.06"), Decimal("14004.75")),
                ("REV_SAO", "SAO", "อบต.", Decimal("4430.06"), Decimal("6401.75"))]


def five_levels(level3: Decimal, level5: Decimal) -> list[Decimal]:
    """T1..T5 with the two memo targets as levels 3 and 5, the others evenly spaced."""
    step = (level5 - level3) / 2
    return [level3 - 2 * step, level3 - step, level3, level3 + step, level5]


def seed_memo_kpis(year: int = 2560) -> list[KpiDefinition]:
    """Define the memo's three revenue KPIs for `year` (measured in every round of it), as the command line."""
    rounds = ",".join(str(n) for n in range(1, operations.round_count(year) + 1)) or "1"
    rows = []
    for code, category, short, level3, level5 in MEMO_TARGETS:
        raw: dict[str, object] = {
            "code": code, "name": f"รายได้ที่ {short} จัดเก็บเองเทียบกับปีงบประมาณ 2558", "group": "ด้านการจัดเก็บรายได้",
            "unit": "ล้านบาท", "direction": "higher", "measure": "amount_million", "category": category,
            "points": "1", "rounds": rounds, "base_year": "2558", "deadline": None, "penalty": "none"}
        raw.update({f"t{n}": f"{t:f}" for n, t in enumerate(five_levels(level3, level5), start=1)})
        rows.append(operations.define(None, None, year, raw))
    return rows
