"""Access scope: what part of the country a user may see (national, one province, one LAO, or nothing).

Decided once, from the user's role and assignment, by `scope_for`; every loader, list query, export and
API endpoint filters through the value it returns. It fails closed: an account whose assignment does not
fit its role (a verifier without a province, an officer without an LAO, an unknown role) sees nothing.
"""

import enum
from dataclasses import dataclass

from .workflow import Role


class Reach(str, enum.Enum):
    """How far a scope reaches."""

    NATIONAL = "national"
    PROVINCE = "province"
    LAO = "lao"
    NOTHING = "nothing"


@dataclass(frozen=True)
class Scope:
    """A user's reach: every province, one province, one LAO (of `province_id`), or nothing."""

    reach: Reach
    province_id: int | None = None
    lao_id: int | None = None

    @property
    def is_national(self) -> bool:
        """Whether the scope covers every province."""
        return self.reach == Reach.NATIONAL

    @property
    def is_nothing(self) -> bool:
        """Whether the scope covers nothing at all (the account is refused everywhere)."""
        return self.reach == Reach.NOTHING

    def covers_province(self, province_id: int | None) -> bool:
        """Whether the whole of province `province_id` is inside the scope."""
        if self.reach == Reach.NATIONAL:
            return province_id is not None
        return self.reach == Reach.PROVINCE and province_id is not None and province_id == self.province_id

    def touches_province(self, province_id: int | None) -> bool:
        """Whether any part of province `province_id` is inside the scope (an LAO officer's own province)."""
        if self.reach == Reach.LAO:
            return province_id is not None and province_id == self.province_id
        return self.covers_province(province_id)

    def covers_lao(self, lao_id: int | None, province_id: int | None) -> bool:
        """Whether the LAO `lao_id` of province `province_id` is inside the scope."""
        if lao_id is None:
            return False
        if self.reach == Reach.LAO:
            return lao_id == self.lao_id
        return self.covers_province(province_id)


NOTHING = Scope(Reach.NOTHING)
NATIONAL = Scope(Reach.NATIONAL)


def scope_for(role: str | None, *, lao_id: int | None, lao_province_id: int | None,
              province_id: int | None) -> Scope:
    """The scope of an account with `role` assigned to `lao_id` (in `lao_province_id`) or `province_id`.

    National viewers and administrators see the country; a verifier its province; an LAO officer its LAO.
    Anything else — an unknown role, a missing or surplus assignment — is NOTHING. (Inactive accounts
    never get this far: they cannot log in, and their tokens are refused.)
    """
    try:
        kind = Role(role)
    except ValueError:
        return NOTHING
    if kind in (Role.NATIONAL_VIEWER, Role.ADMIN):
        return NATIONAL if lao_id is None and province_id is None else NOTHING
    if kind == Role.PROVINCE_VERIFIER:
        return Scope(Reach.PROVINCE, province_id=province_id) if province_id is not None and lao_id is None \
            else NOTHING
    if lao_id is not None and lao_province_id is not None and province_id is None:
        return Scope(Reach.LAO, province_id=lao_province_id, lao_id=lao_id)
    return NOTHING
