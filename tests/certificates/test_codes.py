"""The verification code itself (no app): canonical encoding, the keyed digest, typing it by hand."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.certificates import codes

KEY = "test-key"
CONTENT = {"v": 1, "kind": "lao", "selection": {"lao": "X", "year": 2570, "installment": 1},
           "figures": {"status": "confirmed", "items": {"A": 100050, "B": 0}, "total": 100050}, "moment":
           "2026-11-21T07:00:00"}


def test_same_content_same_code_whatever_the_key_order():
    reordered = {"moment": CONTENT["moment"], "figures": dict(reversed(list(CONTENT["figures"].items()))),
                 "selection": CONTENT["selection"], "kind": "lao", "v": 1}
    assert codes.canonical(reordered) == codes.canonical(CONTENT)
    assert codes.code_of(KEY, codes.canonical(reordered)) == codes.code_of(KEY, codes.canonical(CONTENT))


def test_any_figure_selection_or_moment_changes_the_code():
    base = codes.code_of(KEY, codes.canonical(CONTENT))
    changed = [
        {**CONTENT, "figures": {**CONTENT["figures"], "total": 100051}},
        {**CONTENT, "figures": {**CONTENT["figures"], "items": {"A": 100050, "B": 1}}},
        {**CONTENT, "figures": {**CONTENT["figures"], "status": "recorded"}},
        {**CONTENT, "selection": {**CONTENT["selection"], "installment": 2}},
        {**CONTENT, "moment": "2026-11-21T07:00:01"},
    ]
    assert all(codes.code_of(KEY, codes.canonical(c)) != base for c in changed)
    assert codes.code_of("another key", codes.canonical(CONTENT)) != base


def test_code_is_twelve_crockford_characters_grouped_by_four():
    code = codes.code_of(KEY, codes.canonical(CONTENT))
    assert len(code) == 12 and set(code) <= set(codes.ALPHABET)
    shown = codes.display(code)
    assert len(shown) == 14 and shown[4] == shown[9] == "-"


def test_typed_codes_are_read_leniently():
    code = "7K3M0Q9TD21A"
    for typed in ("7K3M-0Q9T-D21A", "7k3m-0q9t-d21a", " 7k3m 0q9t d21a ", "7K3MOQ9TD2IA", "7k3m-oq9t-d2la",
                  "7K3M–0Q9T–D21A", "7K3M.0Q9T.D21A"):
        assert codes.normalize(typed) == code, typed


def test_what_cannot_be_a_code_is_refused():
    for typed in (None, "", "7K3M-0Q9T-D21", "7K3M-0Q9T-D21AB", "7K3M-0Q9T-D21U", "ก" * 12, "x" * 10_000,
                  "7K3M-0Q9T-D21A\x00", "' OR 1=1 --"):
        assert codes.normalize(typed) is None, typed


@given(st.binary(min_size=0, max_size=64))
def test_every_code_reads_back_from_its_display(payload):
    code = codes.code_of(KEY, payload)
    assert codes.normalize(codes.display(code).lower()) == code
    assert codes.matches(KEY, payload, code)


def test_amounts_enter_the_payload_as_satang():
    assert codes.satang(Decimal("1234.50")) == 123450
    assert codes.satang(None) is None
    assert codes.pct_text(Decimal("-3.5")) == "-3.50"
