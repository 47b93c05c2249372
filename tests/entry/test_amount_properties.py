"""Property-based tests of amount input through record_installment and the real database.

Every accepted string is stored as exactly the Decimal it denotes; every rejected one changes nothing.
"""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import db
from app.domain.errors import ValidationError
from app.domain.money import parse_amount, to_satang
from app.models import InstallmentReport
from tests.entry.conftest import CEILING, lao, record, snapshot, stored_amounts

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
MAX_SATANG = int(CEILING * 100)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def accepted(draw):
    """(text an officer may type, the satang it means): separators, spaces, Thai digits, 0-2 decimals."""
    satang = draw(st.integers(min_value=0, max_value=MAX_SATANG))
    whole, frac = divmod(satang, 100)
    decimals = draw(st.sampled_from([0, 1, 2]) if frac % 10 == 0 else st.just(2))
    if decimals == 0 and frac:
        decimals = 2
    text = f"{whole:,}" if draw(st.booleans()) else str(whole)
    if decimals:
        text += "." + f"{frac:02d}"[:decimals]
    if draw(st.booleans()):
        text = text.translate(THAI)
    text = draw(st.sampled_from(["", " ", "  ", "\t"])) + text + draw(st.sampled_from(["", " ", "\n"]))
    return text, satang


rejected = st.one_of(
    st.integers(min_value=1, max_value=MAX_SATANG).map(lambda s: f"-{s // 100}.{s % 100:02d}"),
    st.tuples(st.integers(0, 10**6), st.integers(0, 999)).map(lambda t: f"{t[0]}.{t[1]:03d}"),
    st.tuples(st.integers(0, 10**6), st.sampled_from("abcxyzกขค")).map(lambda t: f"{t[0]}{t[1]}"),
    st.sampled_from(["NaN", "nan", "inf", "-inf", "Infinity", "1e5", "1E5", "2.5e3", "", "   ", "+5", "1,23",
                     "12,34,567", "1.2.3", "0x10", "1_000", "١٢٣"]),
    st.integers(min_value=MAX_SATANG + 1, max_value=MAX_SATANG * 1000).map(lambda s: f"{s // 100}.{s % 100:02d}"),
)


def _version() -> int:
    """The current version of OWN01's report (0 before the first recording)."""
    report = db.session.scalar(
        select(InstallmentReport).where(InstallmentReport.lao_id == lao("OWN01").id)
        .execution_options(populate_existing=True)
    )
    return report.version if report else 0


@PROPERTY
@given(case=accepted())
def test_every_accepted_string_is_stored_as_the_same_decimal(world, ctx, case):
    text, satang = case
    record(amounts={"LAND_BUILDING": text, "SIGNBOARD": "0"}, version=_version())
    db.session.commit()
    stored = stored_amounts()["LAND_BUILDING"]
    assert stored == satang
    assert Decimal(stored) / 100 == Decimal(satang) / 100


@PROPERTY
@given(text=rejected)
def test_every_rejected_string_leaves_the_database_unchanged(world, ctx, text):
    before = snapshot()
    try:
        record(amounts={"LAND_BUILDING": "1", "SIGNBOARD": text}, version=_version())
    except ValidationError as err:
        assert set(err.errors) == {"SIGNBOARD"}
        db.session.rollback()
    else:
        raise AssertionError(f"{text!r} was accepted")
    assert snapshot() == before


@PROPERTY
@given(text=st.text(max_size=16))
def test_any_text_is_either_stored_exactly_or_changes_nothing(world, ctx, text):
    before = snapshot()
    try:
        record(amounts={"LAND_BUILDING": "1", "SIGNBOARD": text}, version=_version())
    except ValidationError:
        db.session.rollback()
        assert snapshot() == before
        return
    db.session.commit()
    assert stored_amounts()["SIGNBOARD"] == to_satang(parse_amount(text))
