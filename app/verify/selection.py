"""What a verify screen shows: province, installment and filters resolved from query args within the user's scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import abort
from flask_babel import gettext
from sqlalchemy import select

from .. import db, fiscal, reference
from ..auth.loaders import province_or_404, scope_of
from ..domain.thai_sort import thai_sort_key
from ..domain.vocabulary import LAO_TYPE_LABELS, LAO_TYPES, RECORDED_STATUSES
from ..models import District, Installment, Lao, Province, User
from ..params import whole

STATUS_FILTERS = RECORDED_STATUSES  # the statuses the verification screen can filter by


def type_label(lao_type: str) -> str:
    """The translated short label of an LAO type (อบจ. / เทศบาล / อบต.)."""
    return gettext(LAO_TYPE_LABELS[lao_type]) if lao_type in LAO_TYPE_LABELS else lao_type


@dataclass
class Selection:
    """The province, installment and filters of one verify screen."""

    province: Province | None
    installment: Installment | None
    lao_type: str | None = None
    district: District | None = None
    status: str | None = None
    provinces: list[Province] = field(default_factory=list)  # choices for national users and admins
    districts: list[District] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    installments: list[Installment] = field(default_factory=list)

    @property
    def province_id(self) -> int | None:
        """The province's id, None for all provinces."""
        return self.province.id if self.province else None

    @property
    def district_id(self) -> int | None:
        """The district's id, None for all districts."""
        return self.district.id if self.district else None

    def place(self) -> str:
        """The selection in words, e.g. "จังหวัดเชียงใหม่ · อำเภอจอมทอง · อบต." (titles of exports)."""
        parts = [gettext("จังหวัด%(name)s", name=self.province.name_th) if self.province else gettext("ทุกจังหวัด")]
        if self.district:
            parts.append(gettext("อำเภอ%(name)s", name=self.district.name_th))
        if self.lao_type:
            parts.append(type_label(self.lao_type))
        return " · ".join(parts)

    def args(self, **changes) -> dict:
        """Query args that reproduce this selection (for links and redirects), with `changes` applied."""
        out = {
            "province": self.province.code if self.province else None,
            "year": self.installment.fiscal_year_id if self.installment else None,
            "number": self.installment.number if self.installment else None,
            "type": self.lao_type,
            "district": self.district.code if self.district else None,
            "status": self.status,
        }
        out.update(changes)
        return {k: v for k, v in out.items() if v not in (None, "")}


def default_province() -> Province | None:
    """The first province (by code) that has LAOs, else the first province."""
    with_laos = db.session.scalar(
        select(Province).join(Lao, Lao.province_id == Province.id).order_by(Province.code).limit(1)
    )
    return with_laos or db.session.scalar(select(Province).order_by(Province.code).limit(1))


def all_provinces() -> list[Province]:
    """The provinces that have LAOs in the register, in Thai dictionary order (the choice offered to national users
    and admins): a province no LAO of which reports here (e.g. Bangkok) is not offered."""
    with_laos = select(Lao.province_id).distinct()
    return sorted(db.session.scalars(select(Province).where(Province.id.in_(with_laos))),
                  key=lambda p: thai_sort_key(p.name_th))


def province_choices(user: User) -> list[Province]:
    """Provinces a user may switch between: every one for a national scope, else none (its own only)."""
    return all_provinces() if scope_of(user).is_national else []


def _own_province(user: User) -> Province | None:
    """As loaders.scope_province, from the reference cache: the scope's province (None nationally), 403 when none."""
    scope = scope_of(user)
    if scope.is_national:
        return None
    province = reference.current().provinces.get(scope.province_id) if scope.province_id is not None else None
    if province is None:
        abort(403)
    return province


def resolve_province(user: User, code: str | None, allow_all: bool = False) -> Province | None:
    """The province a screen is about: a verifier's own (another code is 404); others pick by code.

    With `allow_all` an empty code means every province (None); otherwise the default province.
    """
    own = _own_province(user)
    if own is not None:
        if code and code != own.code:
            abort(404)
        return own
    if code:
        return province_or_404(code, user)
    return None if allow_all else default_province()


def resolve_installment(year: int | None, number: int | None, today: date) -> Installment | None:
    """The installment asked for (404 if missing), else the latest closed one (of `year` when given)."""
    if year is not None and number is not None:
        inst = reference.current().installment(year, number)  # as installment_or_404, from the cache
        if inst is None:
            abort(404)
        return inst
    return fiscal.default_installment(today, year)


def resolve(user: User, args, today: date, allow_all_provinces: bool = False) -> Selection:
    """A Selection from request args (`province`, `year`, `number`, `type`, `district`, `status`).

    Unknown filter values are ignored (the filter shows "all"); a missing installment or a province
    outside the user's scope is 404.
    """
    province = resolve_province(user, args.get("province"), allow_all_provinces)
    installment = resolve_installment(args.get("year", type=whole), args.get("number", type=whole), today)
    lao_type = args.get("type") if args.get("type") in LAO_TYPES else None
    status = args.get("status") if args.get("status") in STATUS_FILTERS else None
    districts = list(reference.current().districts_of.get(province.id, [])) if province else []
    district = next((d for d in districts if d.code == args.get("district")), None)
    sel = Selection(province=province, installment=installment, lao_type=lao_type, district=district,
                    status=status, districts=districts, years=fiscal.fiscal_years())
    if installment is not None:
        sel.installments = fiscal.installments_of(installment.fiscal_year_id)
    sel.provinces = province_choices(user)
    return sel
