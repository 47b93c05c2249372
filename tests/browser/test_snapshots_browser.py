"""A national viewer asks for the comparison as of a past moment; a verifier reads what changed between two
confirmations on the installment detail."""

import pytest

from app import db
from tests.browser.conftest import browser_login, shot
from tests.factories import PASSWORD
from tests.snapshots.conftest import minutes, review, save, world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def history(app, world):
    """OWN01 FY2570/1: recorded 1,300 at 08:00 (Bangkok, 20/11/2569), confirmed at 08:10, unconfirmed at 08:20,
    corrected to 2,450.50 at 08:30 and confirmed again at 08:40."""
    with app.app_context():
        save("OWN01", 2570, 1, ["1,000.00", "300.00"], minutes(0))
        review("OWN01", 2570, 1, "confirm", minutes(10), username="verifier")
        review("OWN01", 2570, 1, "unconfirm", minutes(20), reason="ภาษีป้ายบันทึกผิด", username="verifier")
        save("OWN01", 2570, 1, ["2,000.00", "450.50"], minutes(30))
        review("OWN01", 2570, 1, "confirm", minutes(40), username="verifier")
        db.session.commit()


def test_comparison_as_of_a_past_moment(live_server, page, history):
    browser_login(page, live_server, "national", PASSWORD)
    page.goto(f"{live_server}/reports/province/50?base=2569&year=2570&through=1&status=confirmed")
    assert "2,450.50" in page.get_by_test_id("drilldown-table").inner_text()
    page.fill("#as_of_date", "20/11/2569")
    page.fill("#as_of_time", "08:15")
    page.get_by_test_id("selectors").locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    banner = page.get_by_test_id("as-of").inner_text()
    assert "ข้อมูล ณ 20 พ.ย. 2569 08:15" in banner
    assert "1,300.00" in page.get_by_test_id("drilldown-table").inner_text()
    assert "ข้อมูล ณ 20 พ.ย. 2569 08:15" in page.get_by_test_id("statement").inner_text()
    shot(page, "reports-as-of")
    # a moment still to come is refused with a Thai message on the field
    page.fill("#as_of_date", "01/01/2999")
    page.get_by_test_id("selectors").locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "ยังมาไม่ถึง" in page.get_by_test_id("as-of-inputs").inner_text()


def test_confirmations_and_what_changed(live_server, page, history):
    browser_login(page, live_server, "verifier", PASSWORD)
    page.goto(f"{live_server}/entry/OWN01/2570/1/view")
    section = page.get_by_test_id("confirmations")
    assert section.locator("tr[id^=snap-]").count() == 2
    diff = page.get_by_test_id("diff").inner_text()
    assert "1,000.00" in diff and "2,000.00" in diff and "+1,000.00" in diff and "+1,150.50" in diff
    assert "ภาษีป้ายบันทึกผิด" in page.get_by_test_id("reopenings").inner_text()
    shot(page, "entry-confirmations-diff")
