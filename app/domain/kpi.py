"""KPI definitions as the ministry's summary form states them: what is measured, in which unit, which direction is
better, five thresholds, weight points, the rounds it is measured in, its deadline and late-penalty rule.

`parse_definition` checks what a person typed (web form, CLI, seed) and reports every field's error at once.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from .errors import N_, DomainError, ValidationError

MEASURES = {
    "amount_million": N_("จำนวนเงินที่จัดเก็บได้ (ล้านบาท)"),
    "amount_baht": N_("จำนวนเงินที่จัดเก็บได้ (บาท)"),
    "growth_pct": N_("อัตราการเพิ่มขึ้นเทียบปีฐาน (ร้อยละ)"),
    "share_pct": N_("ร้อยละของปีฐาน (ร้อยละ)"),
}
DIRECTIONS = {"higher": N_("ยิ่งมากยิ่งดี"), "lower": N_("ยิ่งน้อยยิ่งดี")}
CATEGORIES = {"ALL": N_("ทุกประเภท"), "PAO": N_("อบจ."), "MUNICIPALITY": N_("เทศบาล"), "SAO": N_("อบต.")}
PENALTIES = {"none": N_("ไม่หักคะแนน"), "calendar": N_("หัก 0.01 คะแนนต่อวันที่ล่าช้า"),
             "working": N_("หัก 0.1 คะแนนต่อวันทำการที่ล่าช้า")}
MAX_ABS = Decimal("1000000000000")  # a trillion: the largest threshold or weight anyone types here
PLACES = 4
CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,39}$")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_NUMBER = re.compile(r"^-?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)(\.[0-9]+)?$")
TEXT_LIMITS = {"name": 300, "group": 200, "unit": 40}


@dataclass(frozen=True)
class KpiSpec:
    """A checked KPI definition."""

    code: str
    name: str
    group: str
    unit: str
    direction: str
    measure: str
    category: str
    points: Decimal
    thresholds: tuple[Decimal, Decimal, Decimal, Decimal, Decimal]
    rounds: tuple[int, ...]
    base_year: int | None
    deadline: date | None
    penalty: str
    first_half_weight: Decimal | None = None  # measured in both halves, then weighted (None: the round as a whole)

    @property
    def higher_is_better(self) -> bool:
        """Whether a larger result scores higher."""
        return self.direction == "higher"


def parse_number(text: object, field: str, *, negative: bool = True) -> Decimal:
    """A number typed by a person: digits (Thai digits too), optional thousands separators, at most 4 decimals,
    at most a trillion either way. Raises DomainError(field)."""
    s = str(text if text is not None else "").strip().translate(_THAI_DIGITS)
    if not s:
        raise DomainError(field, N_("กรุณากรอกตัวเลข"))
    if not _NUMBER.match(s) or (s.startswith("-") and not negative):
        raise DomainError(field, N_("กรุณากรอกตัวเลข เช่น 2,873.44") if negative else N_("กรุณากรอกตัวเลขที่ไม่ติดลบ"))
    whole, _, frac = s.replace(",", "").partition(".")
    if len(frac) > PLACES:
        raise DomainError(field, N_("ตัวเลขมีทศนิยมได้ไม่เกิน %(n)s ตำแหน่ง"), n=PLACES)
    try:
        value = Decimal(f"{whole}.{frac or '0'}")
    except InvalidOperation as exc:  # pragma: no cover - the pattern excludes it
        raise DomainError(field, N_("กรุณากรอกตัวเลข")) from exc
    if abs(value) > MAX_ABS:
        raise DomainError(field, N_("ตัวเลขใหญ่เกินไป"))
    return value


def parse_definition(raw: Mapping[str, object], round_count: int) -> KpiSpec:
    """Check a definition typed as text (keys: code, name, group, unit, direction, measure, category, points,
    t1..t5, rounds (round numbers, e.g. "1,2"), base_year (B.E.), deadline (a date or None), penalty) for a year
    with `round_count` rounds. Raises ValidationError with every field's error at once."""
    errors: dict[str, DomainError] = {}

    def text(key: str) -> str:
        return " ".join(str(raw.get(key) or "").split())

    code = text("code").upper()
    if not CODE.match(code):
        errors["code"] = DomainError("code", N_("รหัสตัวชี้วัดใช้ตัวอักษรอังกฤษตัวใหญ่ ตัวเลข และ _ ไม่เกิน 40 ตัว เช่น REV_PAO"))
    fields = {key: text(key) for key in TEXT_LIMITS}
    for key, limit in TEXT_LIMITS.items():
        if key != "group" and not fields[key]:
            errors[key] = DomainError(key, N_("กรุณากรอกข้อมูลช่องนี้"))
        elif len(fields[key]) > limit:
            errors[key] = DomainError(key, N_("ยาวเกิน %(n)s ตัวอักษร"), n=limit)
    choices = {"direction": DIRECTIONS, "measure": MEASURES, "category": CATEGORIES, "penalty": PENALTIES}
    chosen = {key: text(key) for key in choices}
    for key, allowed in choices.items():
        if chosen[key] not in allowed:
            errors[key] = DomainError(key, N_("กรุณาเลือกจากรายการ"))
    points = Decimal(0)
    try:
        points = parse_number(raw.get("points"), "points", negative=False)
        if points <= 0:
            errors["points"] = DomainError("points", N_("น้ำหนัก (คะแนน) ต้องมากกว่า 0"))
    except DomainError as err:
        errors["points"] = err
    values: list[Decimal | None] = []
    for n in range(1, 6):
        try:
            values.append(parse_number(raw.get(f"t{n}"), f"t{n}"))
        except DomainError as err:
            errors[f"t{n}"] = err
            values.append(None)
    lower = chosen["direction"] == "lower"
    for n in range(2, 6):
        a, b = values[n - 2], values[n - 1]
        if a is not None and b is not None and f"t{n}" not in errors and (b >= a if lower else b <= a):
            message = (N_("ยิ่งน้อยยิ่งดี: เกณฑ์ระดับ %(n)s ต้องน้อยกว่าระดับ %(m)s") if lower
                       else N_("เกณฑ์ระดับ %(n)s ต้องมากกว่าระดับ %(m)s"))
            errors[f"t{n}"] = DomainError(f"t{n}", message, n=n, m=n - 1)
    rounds: list[int] = []
    for part in re.split(r"[,\s]+", text("rounds").translate(_THAI_DIGITS)):
        if not part:
            continue
        if not part.isascii() or not part.isdigit() or not 1 <= int(part) <= max(round_count, 0):
            errors["rounds"] = DomainError("rounds", N_("รอบที่วัดต้องเป็นเลขรอบ 1 ถึง %(n)s คั่นด้วยจุลภาค เช่น 1,2"),
                                           n=round_count)
            break
        rounds.append(int(part))
    if not rounds and "rounds" not in errors:
        errors["rounds"] = DomainError("rounds", N_("กรุณาระบุรอบที่วัดอย่างน้อย 1 รอบ"))
    base_year = None
    if text("base_year"):
        raw_year = text("base_year").translate(_THAI_DIGITS)
        if not raw_year.isascii() or not raw_year.isdigit() or not 2500 <= int(raw_year) <= 2700:
            errors["base_year"] = DomainError("base_year", N_("ปีฐานต้องเป็นปี พ.ศ. เช่น 2558"))
        else:
            base_year = int(raw_year)
    elif chosen["measure"] in ("growth_pct", "share_pct"):
        errors["base_year"] = DomainError("base_year", N_("ตัวชี้วัดที่เทียบปีฐานต้องระบุปีฐาน"))
    deadline = raw.get("deadline")
    if deadline is not None and not isinstance(deadline, date):
        errors["deadline"] = DomainError("deadline", N_("วันที่ไม่ถูกต้อง"))
    if chosen["penalty"] in ("calendar", "working") and deadline is None and "penalty" not in errors:
        errors["deadline"] = DomainError("deadline", N_("การหักคะแนนเมื่อส่งล่าช้าต้องมีกำหนดส่ง"))
    first_half = None
    if text("first_half_weight"):
        try:
            first_half = parse_number(raw.get("first_half_weight"), "first_half_weight", negative=False)
            if not 0 < first_half < 100 or first_half != first_half.quantize(Decimal("0.01")):
                raise DomainError("first_half_weight", N_("น้ำหนักครึ่งปีแรกต้องมากกว่า 0 และน้อยกว่า 100 (ทศนิยมไม่เกิน 2 ตำแหน่ง)"))
        except DomainError as err:
            errors["first_half_weight"] = DomainError("first_half_weight", err.message, **err.params)
    if errors:
        raise ValidationError(errors)
    t = tuple(v for v in values if v is not None)
    return KpiSpec(code=code, name=fields["name"], group=fields["group"], unit=fields["unit"],
                   direction=chosen["direction"], measure=chosen["measure"], category=chosen["category"],
                   points=points, thresholds=(t[0], t[1], t[2], t[3], t[4]), rounds=tuple(sorted(set(rounds))),
                   base_year=base_year, deadline=deadline if isinstance(deadline, date) else None,
                   penalty=chosen["penalty"], first_half_weight=first_half)
