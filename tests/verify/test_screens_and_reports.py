"""Issue 13 on the verify screens: the resubmitted marker, INR911 and matrix exports with totals, the paged
whole-country lists, the province choice without LAO-less provinces, counts with separators."""

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

import openpyxl

from app import db
from app.entry.operations import Recorder, record_installment
from app.models import User
from app.reference import items_for
from app.verify import routes
from app.verify.routes import count_text
from tests import factories as f
from tests.conftest import csrf_from, login
from tests.verify.conftest import inst, record


def _page(client, url="/verify/"):
    """The HTML of a page that must load."""
    resp = client.get(url)
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def _get(client, url: str):
    """A download that must succeed, with one Content-Type and no caching."""
    resp = client.get(url)
    assert resp.status_code == 200, resp.status_code
    assert resp.headers["Content-Type"].count("charset") <= 1 and resp.headers["Cache-Control"] == "no-store"
    assert "attachment" in resp.headers["Content-Disposition"]
    return resp


def _csv(body: bytes) -> list[list[str]]:
    """CSV rows of a web CSV (UTF-8 with BOM)."""
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _sheet_rows(body: bytes, index: int = 0) -> list[tuple]:
    """The rows of sheet `index` of an xlsx, from its header row (the first row with 'ลำดับ' or a header cell
    after the title and notes) on."""
    ws = openpyxl.load_workbook(io.BytesIO(body)).worksheets[index]
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


def _from_header(rows: list[tuple], first_header: str) -> list[tuple]:
    """Rows from the header row whose first cell is `first_header`."""
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    return rows[start:]


def _record_four(app, site) -> None:
    """sao1 confirmed, mun recorded late, the far SAO recorded; sao2 and the PAO not recorded (2570/1)."""
    with app.app_context():
        laos = {k: db.session.merge(v) for k, v in site["laos"].items()}
        record(laos["sao1"], inst(2570, 1), status="confirmed")
        record(laos["mun"], inst(2570, 1), late=True)
        record(laos["far"], inst(2570, 1))
        db.session.commit()


# --------------------------------------------------------------------------- resubmitted after return


def test_a_resubmitted_return_is_marked_with_its_date_and_keeps_the_old_reason(site, client, app):
    with app.app_context():
        rep = record(db.session.merge(site["laos"]["sao1"]), inst(2570, 1))
        db.session.commit()
        token = f"{rep.lao_id}:{rep.version}"
    login(client, "verifier")
    html = _page(client)
    data = {"csrf_token": csrf_from(html), "position": "นักวิชาการ", "phone": "053-112-233", "action": "return",
            "reason": "ภาษีป้ายต่ำผิดปกติ", "row": [token], "year": "2570", "number": "1"}
    assert client.post("/verify/review", data=data).status_code == 302
    status = _page(client).split('data-testid="status-CM-SAO1"')[1].split("</td>")[0]
    assert "ส่งกลับแก้ไข" in status and "ภาษีป้ายต่ำผิดปกติ" in status and "ส่งใหม่หลังตีกลับ" not in status

    with app.app_context():  # the LAO corrects and sends it again on 25 Nov 2026 (B.E. 2569)
        officer = db.session.get(User, site["users"]["officer"].id)
        lao, installment = db.session.merge(site["laos"]["sao1"]), inst(2570, 1)
        report = record_installment(
            officer, "127.0.0.1", lao, installment, version=2,
            amounts={i.code: "2000.00" for i in items_for(lao.lao_type, 2570)},
            explanations=None, recorder=Recorder("สมชาย ใจดี", "นักวิชาการ", "053-000-111"), certify=True,
            today=date(2026, 11, 25), ceiling=Decimal("10000000000"), now=datetime(2026, 11, 25, 3, 0))
        assert report.status == "recorded" and report.return_reason == "ภาษีป้ายต่ำผิดปกติ"
        db.session.commit()
    status = _page(client).split('data-testid="status-CM-SAO1"')[1].split("</td>")[0]
    marker = re.search(r'data-testid="resubmitted-CM-SAO1">([^<]+)<', status).group(1)
    assert marker.startswith("ส่งใหม่หลังตีกลับ 25 พ.ย. 2569"), marker
    assert "บันทึกแล้ว" not in status  # no longer "recorded, reason: <old reason>"
    assert "เหตุผลที่ตีกลับ: ภาษีป้ายต่ำผิดปกติ" in status  # the old reason stays, as secondary text


def test_an_unconfirmed_installment_is_not_called_resubmitted(site, client, app):
    with app.app_context():
        rep = record(db.session.merge(site["laos"]["sao1"]), inst(2570, 1), status="confirmed")
        db.session.commit()
        token = f"{rep.lao_id}:{rep.version}"
    login(client, "verifier")
    data = {"csrf_token": csrf_from(_page(client)), "position": "นักวิชาการ", "phone": "053-112-233",
            "action": "unconfirm", "reason": "ยืนยันผิดแห่ง", "row": [token], "year": "2570", "number": "1"}
    assert client.post("/verify/review", data=data).status_code == 302
    status = _page(client).split('data-testid="status-CM-SAO1"')[1].split("</td>")[0]
    assert "ส่งใหม่หลังตีกลับ" not in status and "ยืนยันผิดแห่ง" in status


# --------------------------------------------------------------------------- INR911 exports


def test_inr911_exports_of_a_province_have_thai_headers_and_totals_that_add_up(site, client, app):
    _record_four(app, site)
    login(client, "verifier")
    html = _page(client, "/verify/status?year=2570&number=1")
    assert "/verify/status.xlsx?" in html and "/verify/status.csv?" in html and "data-print" in html

    rows = _csv(_get(client, "/verify/status.csv?year=2570&number=1").data)
    assert rows[0] == ["อำเภอ", "อปท. ทั้งหมด (แห่ง)", "บันทึกแล้ว (แห่ง)", "บันทึกแล้ว (ร้อยละ)",
                       "ยังไม่บันทึก (แห่ง)", "ยังไม่บันทึก (ร้อยละ)"]
    body, total = rows[1:-1], rows[-1]
    assert total[0] == "รวม" and total[1:3] == ["4", "2"] and total[3] == "50.00"
    for col in (1, 2, 4):
        assert sum(int(r[col]) for r in body) == int(total[col])

    resp = _get(client, "/verify/status.xlsx?year=2570&number=1")
    assert resp.headers["Content-Disposition"].endswith('inr911_50_2570_1.xlsx"')
    summary = _from_header(_sheet_rows(resp.data, 0), "อำเภอ")
    lines, total = summary[1:-1], summary[-1]
    assert total[:3] == ("รวม", 4, 2)
    assert sum(r[1] for r in lines) == total[1] and sum(r[2] for r in lines) == total[2]
    listing = _from_header(_sheet_rows(resp.data, 1), "ลำดับ")
    assert listing[0][:4] == ("ลำดับ", "รหัส อปท.", "ชื่อ อปท.", "ประเภท")
    by_code = {r[1]: r for r in listing[1:]}
    assert set(by_code) == {"CM-SAO1", "CM-SAO2", "CM-MUN", "CM-PAO"}
    header = listing[0]
    assert by_code["CM-SAO1"][header.index("สถานะ")] == "ยืนยันแล้ว"
    assert by_code["CM-SAO2"][header.index("การบันทึก")] == "ยังไม่บันทึก"
    assert by_code["CM-MUN"][header.index("บันทึกล่าช้า")] == "ล่าช้า"
    assert by_code["CM-MUN"][header.index("ประเภท")] == "เทศบาล"
    recorded_on = by_code["CM-MUN"][header.index("วันที่บันทึก")]
    assert isinstance(recorded_on, datetime) and recorded_on.date() == date(2026, 11, 10)  # a real date cell


def test_national_inr911_csv_sums_the_provinces(site, client, app):
    _record_four(app, site)
    login(client, "national")
    rows = _csv(_get(client, "/verify/status.csv?year=2570&number=1").data)
    assert rows[0][0] == "จังหวัด"
    assert [r[0] for r in rows[1:-1]] == ["เชียงราย", "เชียงใหม่"]  # only provinces with LAOs
    total = rows[-1]
    assert total[:3] == ["รวม", "5", "3"]
    assert sum(int(r[1]) for r in rows[1:-1]) == 5 and sum(int(r[4]) for r in rows[1:-1]) == int(total[4])


def test_exports_stay_in_scope(site, client, app):
    login(client, "verifier")
    assert client.get("/verify/status.csv?year=2570&number=1&province=57").status_code == 404
    assert client.get("/verify/status.pdf?year=2570&number=1").status_code == 404
    assert client.get("/verify/matrix.csv?year=2569&province=57").status_code == 404
    national = app.test_client()
    login(national, "national")
    assert national.get("/verify/matrix.csv?year=2569").status_code == 403


# --------------------------------------------------------------------------- matrix


def test_matrix_exports_and_screen_have_totals(site, client, app):
    with app.app_context():
        laos = {k: db.session.merge(v) for k, v in site["laos"].items()}
        for number in range(1, 13):
            record(laos["sao1"], inst(2569, number), status="confirmed")
            if number <= 6:
                record(laos["mun"], inst(2569, number), late=number == 2)
        db.session.commit()
    login(client, "verifier")
    html = _page(client, "/verify/matrix?year=2569")
    assert "/verify/matrix.xlsx?" in html and "/verify/matrix.csv?" in html
    done_row = html.split('data-testid="foot-done"')[1].split("</tr>")[0]
    assert re.findall(r'<td class="num">([\d,]*)</td>', done_row)[-1] == "18"  # 12 + 6 installments recorded

    rows = _csv(_get(client, "/verify/matrix.csv?year=2569").data)
    header = rows[0]
    assert header[:5] == ["ลำดับ", "รหัส อปท.", "ชื่อ อปท.", "ประเภท", "อำเภอ"] and header[5] == "งวดที่ 1"
    assert header[-1] == "บันทึกแล้ว (งวด)" and len(header) == 5 + 12 + 1
    lao_rows = [r for r in rows[1:] if r[0]]
    totals = {r[2]: r for r in rows[1:] if not r[0]}
    assert len(lao_rows) == 4
    sao1 = next(r for r in lao_rows if r[1] == "CM-SAO1")
    assert sao1[5:17] == ["ยืนยันแล้ว"] * 12 and sao1[-1] == "12"
    mun = next(r for r in lao_rows if r[1] == "CM-MUN")
    assert mun[6] == "บันทึกล่าช้า" and mun[-1] == "6"
    done = totals["บันทึกแล้ว (ทุกสถานะ)"]
    assert [int(v) for v in done[5:17]] == [2] * 6 + [1] * 6
    assert int(done[-1]) == sum(int(r[-1]) for r in lao_rows) == 18
    assert [int(v) for v in totals["ยืนยันแล้ว"][5:17]] == [1] * 12

    resp = _get(client, "/verify/matrix.xlsx?year=2569")
    sheet = _from_header(_sheet_rows(resp.data), "ลำดับ")
    assert sheet[0][5] == "งวดที่ 1"
    done = next(r for r in sheet if r[2] == "บันทึกแล้ว (ทุกสถานะ)")
    assert done[-1] == 18 and sum(done[5:17]) == 18


# --------------------------------------------------------------------------- whole-country lists


def test_whole_country_lists_come_in_pages_numbered_on(site, client, app, monkeypatch):
    _record_four(app, site)
    monkeypatch.setattr(routes, "LIST_PAGE_SIZE", 2)
    login(client, "national")
    first = _page(client, "/verify/status?year=2570&number=1&lists=1")
    assert 'data-testid="pager"' in first and "page=3" in first  # 5 LAOs, 2 a page
    seen = []
    for page in (1, 2, 3):
        html = _page(client, f"/verify/status?year=2570&number=1&lists=1&page={page}")
        for key in ("recorded", "not-recorded"):
            table = html.split(f'data-testid="list-{key}"')[1].split("</table>")[0]
            body = table.split("<tbody>")[1].split("</tbody>")[0]
            seen += [(key, int(n), name) for n, name in
                     re.findall(r'<td class="num">(\d+)</td>\s*<td>([^<]+)</td>', body)]
            assert f'data-testid="total-{key}"' in table  # the totals of the whole list on every page
    recorded = sorted((n, name) for key, n, name in seen if key == "recorded")
    not_recorded = sorted((n, name) for key, n, name in seen if key == "not-recorded")
    assert [n for n, _ in recorded] == [1, 2, 3] and [n for n, _ in not_recorded] == [1, 2]
    assert {name for _, name in recorded} == {"อบต.ริมกก", "อบต.สันผีเสื้อ", "เทศบาลตำบลหนองหอย"}
    clamped = _page(client, "/verify/status?year=2570&number=1&lists=1&page=99")  # past the end: the last page
    assert re.findall(r'page-item active"><a class="page-link" href="[^"]*">(\d+)<', clamped) == ["3", "3"]


def test_a_province_lists_everything_on_one_page(site, client, app, monkeypatch):
    _record_four(app, site)
    monkeypatch.setattr(routes, "LIST_PAGE_SIZE", 2)
    login(client, "verifier")
    html = _page(client, "/verify/status?year=2570&number=1")
    assert 'data-testid="pager"' not in html and "อบต.ดอยแก้ว" in html and "อบจ.เชียงใหม่" in html


# --------------------------------------------------------------------------- provinces and numbers


def test_provinces_without_laos_are_not_offered(site, client, app):
    with app.app_context():
        f.province("10")  # Bangkok exists in the geography, with no LAO reporting here
        db.session.commit()
    login(client, "national")
    html = _page(client, "/verify/status?year=2570&number=1")
    select = html.split('name="province"')[1].split("</select>")[0]
    assert "เชียงใหม่" in select and "เชียงราย" in select and 'value="10"' not in select


def test_counts_have_thousands_separators(app):
    assert count_text(7846) == "7,846" and count_text(0) == "0" and count_text(None) == ""
