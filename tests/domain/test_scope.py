"""The access scope decided from a role and its assignment, failing closed."""

import pytest

from app.domain.scope import NATIONAL, NOTHING, Reach, Scope, scope_for


@pytest.mark.parametrize("role, lao, lao_province, province, expected", [
    ("national_viewer", None, None, None, NATIONAL),
    ("admin", None, None, None, NATIONAL),
    ("province_verifier", None, None, 50, Scope(Reach.PROVINCE, province_id=50)),
    ("lao_officer", 7, 50, None, Scope(Reach.LAO, province_id=50, lao_id=7)),
    # assignments that do not fit the role see nothing
    ("province_verifier", None, None, None, NOTHING),
    ("province_verifier", 7, 50, 50, NOTHING),
    ("lao_officer", None, None, None, NOTHING),
    ("lao_officer", 7, 50, 50, NOTHING),
    ("national_viewer", None, None, 50, NOTHING),
    ("admin", 7, 50, None, NOTHING),
    ("superuser", None, None, None, NOTHING),
    (None, None, None, None, NOTHING),
])
def test_scope_for_each_role_and_assignment(role, lao, lao_province, province, expected):
    assert scope_for(role, lao_id=lao, lao_province_id=lao_province, province_id=province) == expected


def test_what_each_scope_covers():
    province = Scope(Reach.PROVINCE, province_id=50)
    lao = Scope(Reach.LAO, province_id=50, lao_id=7)
    assert NATIONAL.covers_province(57) and NATIONAL.covers_lao(9, 57)
    assert province.covers_province(50) and not province.covers_province(57)
    assert province.covers_lao(9, 50) and not province.covers_lao(9, 57)
    assert lao.covers_lao(7, 50) and not lao.covers_lao(8, 50)
    assert not lao.covers_province(50) and lao.touches_province(50) and not lao.touches_province(57)
    for value in (None, 50, 57):
        assert not NOTHING.covers_province(value) and not NOTHING.touches_province(value)
        assert not NOTHING.covers_lao(7, value)
