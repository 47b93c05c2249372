"""Dates typed in the Buddhist Era: parsing วว/ดด/ปปปป, formatting back, year windows and deadline windows."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import DomainError
from app.domain.thai_dates import (
    check_be_year_window,
    deadline_problems,
    format_be_date,
    one_year_after,
    parse_be_date,
)


@pytest.mark.parametrize("text, expected", [
    ("20/11/2570", date(2027, 11, 20)),
    ("1/2/2570", date(2027, 2, 1)),
    ("01/02/2570", date(2027, 2, 1)),
    (" 20/11/2570 ", date(2027, 11, 20)),
    ("20-11-2570", date(2027, 11, 20)),
    ("20.11.2570", date(2027, 11, 20)),
    ("20112570", date(2027, 11, 20)),  # a phone's numeric keypad has no slash
    ("๒๐/๑๑/๒๕๗๐", date(2027, 11, 20)),  # Thai digits, normalised on purpose
    ("29/02/2571", date(2028, 2, 29)),  # 2571 is CE 2028, a leap year
])
def test_a_buddhist_era_date_is_parsed_to_its_ce_date(text, expected):
    assert parse_be_date(text) == expected


@pytest.mark.parametrize("text", [
    "", "2570-11-20", "2571-11-20", "20/11/70", "20/11/25700", "120/11/2570", "20/11-2570", "20 พ.ย. 2570",
    "2²/11/2570", "20/11/２５７０", "20/١١/2570", "20/11/2570x", "a/b/cccc", "2011257",
])
def test_malformed_text_is_refused_with_the_expected_format(text):
    with pytest.raises(DomainError) as err:
        parse_be_date(text, field="when")
    assert "วว/ดด/ปปปป" in str(err.value) and err.value.field == "when"


@pytest.mark.parametrize("text", ["31/02/2570", "29/02/2570", "31/04/2570", "0/1/2570", "1/13/2570", "00/00/2570"])
def test_a_day_that_does_not_exist_is_refused(text):
    with pytest.raises(DomainError) as err:
        parse_be_date(text)
    assert "ไม่มีวันที่" in str(err.value)


@pytest.mark.parametrize("year", [2027, 1999, 2026, 2399])
def test_a_gregorian_year_is_refused_never_shifted(year):
    with pytest.raises(DomainError) as err:
        parse_be_date(f"20/11/{year}")
    message = str(err.value)
    assert "ปีพุทธศักราช" in message and str(year) in message and str(year + 543) in message


@pytest.mark.parametrize("text", ["01/01/0001", "01/01/1857", "31/12/3000", "31/12/9999", "20/11/3114"])
def test_a_year_outside_any_use_is_refused(text):
    with pytest.raises(DomainError) as err:
        parse_be_date(text)
    assert "ไม่ถูกต้อง" in str(err.value)


def test_a_date_is_formatted_back_in_buddhist_era():
    assert format_be_date(date(2027, 11, 20)) == "20/11/2570"
    assert format_be_date(date(2026, 1, 5)) == "05/01/2569"


@given(st.dates(min_value=date(1857, 1, 1), max_value=date(2456, 12, 31)))
def test_formatting_and_parsing_round_trip(d):
    assert parse_be_date(format_be_date(d)) == d


@given(st.text(max_size=14))
def test_any_text_is_a_date_or_a_domain_error(text):
    try:
        parsed = parse_be_date(text)
    except DomainError:
        return
    assert 2400 <= parsed.year + 543 <= 2999


def test_year_window_is_inclusive():
    check_be_year_window(date(1957, 1, 1), 2500, 2570)
    check_be_year_window(date(2027, 12, 31), 2500, 2570)
    for outside in (date(1956, 12, 31), date(2028, 1, 1)):
        with pytest.raises(DomainError) as err:
            check_be_year_window(outside, 2500, 2570, field="date_to")
        assert "2500" in str(err.value) and "2570" in str(err.value) and err.value.field == "date_to"


def test_one_year_after_keeps_the_day_or_falls_back_from_29_february():
    assert one_year_after(date(2026, 10, 31)) == date(2027, 10, 31)
    assert one_year_after(date(2028, 2, 29)) == date(2029, 2, 28)


END = date(2026, 10, 31)  # installment 1 of FY 2570 (October 2569)


def test_sensible_deadlines_have_no_problem():
    assert deadline_problems(1, END, date(2026, 11, 20), date(2026, 11, 30)) == {}
    assert deadline_problems(1, END, date(2027, 10, 31), date(2027, 10, 31)) == {}  # exactly a year later


@pytest.mark.parametrize("entry, confirm, key, words", [
    (date(2026, 10, 31), date(2026, 11, 30), "entry_deadline", "หลังวันสิ้นสุดงวด"),
    (date(2027, 11, 1), date(2027, 11, 1), "entry_deadline", "ไม่เกินหนึ่งปี"),
    (date(2026, 11, 20), date(2026, 11, 19), "confirm_deadline", "ไม่ก่อนกำหนดบันทึก"),
    (date(2026, 11, 20), date(2027, 11, 1), "confirm_deadline", "ไม่เกินหนึ่งปี"),
    (None, date(2026, 11, 30), "entry_deadline", "หลังวันสิ้นสุดงวด"),
    (date(2026, 11, 20), None, "confirm_deadline", "ไม่ก่อนกำหนดบันทึก"),
])
def test_a_deadline_outside_its_window_is_refused_naming_the_installment(entry, confirm, key, words):
    problems = deadline_problems(7, END, entry, confirm, prefix="rows-6-")
    assert f"rows-6-{key}" in problems
    message = str(problems[f"rows-6-{key}"])
    assert message.startswith("งวดที่ 7:") and words in message
    assert problems[f"rows-6-{key}"].field == f"rows-6-{key}"
