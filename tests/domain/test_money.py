"""Parsing, converting and formatting money; percent change and shares."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import DomainError
from app.domain.money import (
    format_baht, format_pct, from_satang, parse_amount, pct_change, plain_baht, shares, to_satang,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1234567.89", "1234567.89"),
        ("1,234,567.89", "1234567.89"),
        ("  42 ", "42.00"),
        ("0", "0.00"),
        ("0.5", "0.50"),
        ("๑๒๓๔.๕๐", "1234.50"),
        ("๑,๒๓๔", "1234.00"),
        ("10000000000", "10000000000.00"),
    ],
)
def test_accepted_amounts(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    ["", "   ", None, "-1", "-0.01", "1.234", "abc", "12a", "NaN", "nan", "inf", "Infinity", "1e5", "1E5",
     "1,23", "12,34,567", "1.2.3", "+5", "1 000", "10000000000.01", "٣"],
)
def test_rejected_amounts(text):
    with pytest.raises(DomainError) as exc:
        parse_amount(text, field="x")
    assert exc.value.field == "x"
    assert str(exc.value)  # a message for the user


def test_ceiling_is_configurable():
    with pytest.raises(DomainError):
        parse_amount("1000.01", ceiling=Decimal("1000"))
    assert parse_amount("1000", ceiling=Decimal("1000")) == Decimal("1000.00")


@given(st.integers(min_value=0, max_value=10**12))
def test_every_satang_amount_round_trips_through_text(satang):
    amount = from_satang(satang)
    assert to_satang(parse_amount(format_baht(amount))) == satang
    assert to_satang(parse_amount(plain_baht(amount))) == satang


@given(st.text(max_size=20))
def test_parser_never_returns_a_bad_value(text):
    try:
        value = parse_amount(text)
    except DomainError:
        return
    assert value >= 0 and value == value.quantize(Decimal("0.01"))
    assert to_satang(value) == int(value * 100)


def test_to_satang_rejects_fractions_of_satang_and_floats():
    with pytest.raises(ValueError):
        to_satang(Decimal("0.001"))
    with pytest.raises(TypeError):
        to_satang(1.5)


def test_formatting():
    assert format_baht(Decimal("1234567.8")) == "1,234,567.80"
    assert format_baht(Decimal("-5")) == "-5.00"
    assert format_baht(None) == "–"
    assert format_pct(None) == "–"
    assert format_pct(Decimal("-1.33")) == "-1.33"


def test_pct_change_rounds_half_away_from_zero_and_handles_zero_base():
    assert pct_change(Decimal("59747354.80"), Decimal("58950493.71")) == Decimal("-1.33")
    assert pct_change(Decimal("83452853.83"), Decimal("86366073.50")) == Decimal("3.49")
    assert pct_change(Decimal("77105871.95"), Decimal("86452157.80")) == Decimal("12.12")
    assert pct_change(Decimal(200), Decimal(201)) == Decimal("0.50")
    assert pct_change(Decimal(8), Decimal("8.0004")) == Decimal("0.01")  # 0.005 -> 0.01
    assert pct_change(Decimal(8), Decimal("7.9996")) == Decimal("-0.01")  # -0.005 -> -0.01
    assert pct_change(0, 100) is None


def test_shares_add_to_one_hundred():
    assert shares([9, 1]) == [Decimal("90.00"), Decimal("10.00")]
    assert sum(shares([1, 2])) == Decimal("100.00")
    assert sum(shares([1, 1, 1])) == Decimal("100.00")
    assert shares([0, 0]) == [Decimal("0.00"), Decimal("0.00")]
