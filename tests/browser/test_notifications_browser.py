"""In a browser: national staff tick a late province on the monitoring page and send a notice; the province's
verifier sees the bell count and the notice with its sender, then ticks a late LAO in Part 2 of the verification
screen and reminds it; the LAO's officer sees the bell and the reminder; the profile's e-mail settings."""

import pytest
from sqlalchemy import select

from app import db
from app.models import Installment, InstallmentReport, utcnow
from tests import factories as f
from tests.browser.conftest import browser_login, shot

pytestmark = pytest.mark.browser
PASSWORD = f.PASSWORD


@pytest.fixture
def people(app):
    """FY2570; two Chiang Mai LAOs (one recorded installment 1), one in Chiang Rai; an officer each, the verifiers,
    national staff."""
    with app.app_context():
        f.fiscal_year(2570)
        done = f.lao("SAO", "50", name_th="อบต.บันทึกแล้ว")
        late = f.lao("SAO", "50", code="LATE01", name_th="อบต.ยังไม่บันทึก")
        f.lao("SAO", "57", name_th="อบต.เชียงราย")
        f.user("officer_late", "lao_officer", lao_obj=late, full_name="นายล่า ช้า")
        f.user("verifier50", "province_verifier", province_obj=f.province("50"), full_name="นางสาวตรวจ ทาน")
        f.user("verifier57", "province_verifier", province_obj=f.province("57"))
        f.user("national", "national_viewer", full_name="นายส่วน กลาง")
        inst = db.session.scalar(select(Installment).filter_by(fiscal_year_id=2570, number=1))
        db.session.add(InstallmentReport(lao_id=done.id, installment_id=inst.id, status="recorded",
                                         recorded_at=utcnow()))
        db.session.commit()


def test_national_notice_reaches_the_verifier_who_nudges_the_lao(live_server, browser, page, people):
    browser_login(page, live_server, "national", PASSWORD)
    page.goto(f"{live_server}/reports/monitoring?year=2570&number=1")
    page.get_by_test_id("notice-50").check()
    page.fill("textarea[name=message]", "กรุณาเร่งรัด อปท. ที่ยังไม่บันทึก")
    shot(page, "notifications-monitoring-notice")
    page.get_by_test_id("send-notice").click()
    page.wait_for_load_state("networkidle")
    assert "ส่งการแจ้งเตือนถึง สถจ. 1 จังหวัดแล้ว (ผู้รับ 1 คน)" in page.content()
    page.context.clear_cookies()

    browser_login(page, live_server, "verifier50", PASSWORD)
    assert page.get_by_test_id("bell-count").inner_text() == "1"
    page.get_by_test_id("bell").click()
    page.wait_for_load_state("networkidle")
    item = page.get_by_test_id("notification").first
    text = item.inner_text()
    assert "จาก นายส่วน กลาง" in text and "กรุณาเร่งรัด อปท. ที่ยังไม่บันทึก" in text and "เชียงใหม่" in text
    shot(page, "notifications-verifier-list")
    item.get_by_role("button").click()  # open: the verification screen of the installment
    page.wait_for_load_state("networkidle")
    assert "/verify/" in page.url and page.get_by_test_id("bell-count").count() == 0
    page.get_by_test_id("nudge-LATE01").check()
    page.fill("#nudge-form textarea[name=message]", "ขอให้บันทึกภายในวันนี้")
    page.get_by_test_id("send-nudge").click()
    page.wait_for_load_state("networkidle")
    assert "ส่งการแจ้งเตือนถึง อปท. 1 แห่งแล้ว (ผู้รับ 1 คน)" in page.content()
    shot(page, "notifications-verify-nudge")
    page.context.clear_cookies()

    browser_login(page, live_server, "officer_late", PASSWORD)
    assert page.get_by_test_id("bell-count").inner_text() == "1"
    page.get_by_test_id("bell").click()
    page.wait_for_load_state("networkidle")
    text = page.get_by_test_id("notification").first.inner_text()
    assert "จาก นางสาวตรวจ ทาน" in text and "ขอให้บันทึกภายในวันนี้" in text and "20 พ.ย. 2569" in text
    shot(page, "notifications-officer-list")


def test_profile_email_settings(live_server, page, people):
    browser_login(page, live_server, "officer_late", PASSWORD)
    page.goto(f"{live_server}/profile")
    page.fill("input[name=email]", "late01@lao.example.th")
    page.uncheck("input[name=mail_lao_nudge]")
    page.get_by_test_id("email-form").get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("email-unverified").is_visible()
    shot(page, "notifications-profile-email")
