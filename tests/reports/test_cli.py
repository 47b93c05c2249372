"""`flask report comparison`: the same numbers as the page, in CSV, JSON and xlsx; the printed INF508 rows."""

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from app import db
from app.domain.money import to_satang
from app.models import Entry, Installment, InstallmentReport, RevenueItem
from tests import factories as f
from tests.conftest import login
from tests.domain.test_comparison import PRINTED
from tests.reports.test_exports import page_numbers
from tests.reports.test_views import Q

FIELDS = ["province_code", "province_name", "pao_base", "pao_current", "pao_pct", "mun_base", "mun_current",
          "mun_pct", "sao_base", "sao_current", "sao_pct", "all_base", "all_current", "all_pct"]


def run(app, *args):
    """Invoke `flask report ...` and return the result (exit code, output)."""
    return app.test_cli_runner().invoke(args=["report", *args])


def test_csv_equals_the_page(app, client, dataset, users):
    result = run(app, "comparison", "--base", "2568", "--year", "2569", "--through", "3", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert not result.output.startswith("\ufeff")  # for scripts: no BOM
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == FIELDS
    assert [r["province_code"] for r in rows] == ["57", "50", "65", "TOTAL"]
    login(client, "national")
    html = client.get(f"/reports/?{Q}").get_data(as_text=True)
    for r in rows:
        assert list(r.values())[2:] == page_numbers(html, r["province_code"])
    assert rows[-1] == {**rows[-1], "province_name": "รวม", "all_base": "16569.99", "all_pct": "-11.64"}


def test_options_change_what_is_counted(app, dataset):
    out = run(app, "comparison", "--base", "2568", "--year", "2569", "--through", "3", "--status", "recorded",
              "--basis", "full-year", "--format", "csv").output
    total = list(csv.DictReader(io.StringIO(out)))[-1]
    assert (total["pao_base"], total["sao_current"]) == ("5900.00", "1290.01")
    default = list(csv.DictReader(io.StringIO(run(app, "comparison", "--base", "2568", "--year", "2569").output)))
    assert default[-1]["all_current"] == "14640.53"  # through the latest ended installment (12)


def test_province_level_rows_are_laos(app, dataset):
    out = run(app, "comparison", "--base", "2568", "--year", "2569", "--through", "3", "--province", "57",
              "--order", "code").output
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:2] == ["lao_code", "lao_name"]
    assert [r["lao_code"] for r in rows] == ["L-B", "L-M2", "L-S3", "L-S5", "TOTAL"]
    s3 = rows[2]
    assert (s3["pao_base"], s3["sao_base"], s3["sao_current"], s3["sao_pct"]) == ("", "0.00", "30.00", "")


def test_json_and_xlsx(app, dataset, tmp_path):
    data = json.loads(run(app, "comparison", "--base", "2568", "--year", "2569", "--through", "3",
                          "--format", "json").output)
    assert data["selection"]["current_installments"] == [1, 2, 3] and data["selection"]["missing"] == 2
    assert data["total"]["mun_pct"] == "-15.00" and data["rows"][2]["pao_pct"] is None
    out = tmp_path / "c.xlsx"
    result = run(app, "comparison", "--base", "2568", "--year", "2569", "--through", "3", "--format", "xlsx",
                 "--out", str(out))
    assert result.exit_code == 0
    ws = openpyxl.load_workbook(out).worksheets[0]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert Decimal("14640.53") in [Decimal(str(v)) for v in values if isinstance(v, (int, float))]


@pytest.mark.parametrize("args, message", [
    (["--base", "2569", "--year", "2568"], "ปีฐานต้องก่อน"),
    (["--base", "2568", "--year", "2569", "--province", "99"], "ไม่พบจังหวัด"),
    (["--base", "2568", "--year", "2569", "--through", "20"], "ไม่มีงวดที่ 20"),
])
def test_bad_selection_fails_with_a_message(app, dataset, args, message):
    result = run(app, "comparison", *args)
    assert result.exit_code != 0 and message in result.output


@pytest.fixture
def printed_rows(app):
    """Provinces whose PAO, municipality and SAO totals are the three rows printed in domain.md."""
    with app.app_context():
        f.fiscal_year(2558)
        f.fiscal_year(2559)
        items = {t: db.session.scalar(select(RevenueItem).where(RevenueItem.code == c)) for t, c in
                 (("PAO", "PAO_OIL"), ("MUNICIPALITY", "SIGNBOARD"), ("SAO", "SIGNBOARD"))}
        inst = {y: db.session.scalar(select(Installment).where(Installment.fiscal_year_id == y,
                                                               Installment.number == 7)) for y in (2558, 2559)}
        for province, (_row, pao, mun, sao) in zip(("50", "57", "65"), PRINTED):
            for lao_type, amounts in (("PAO", pao), ("MUNICIPALITY", mun), ("SAO", sao)):
                lao = f.lao(lao_type, province)
                for year, amount in zip((2558, 2559), amounts[:2]):
                    db.session.add(Entry(lao_id=lao.id, installment_id=inst[year].id, item_id=items[lao_type].id,
                                         amount_satang=to_satang(Decimal(amount))))
                    db.session.add(InstallmentReport(lao_id=lao.id, installment_id=inst[year].id, status="confirmed"))
        db.session.commit()


def test_the_three_printed_rows_of_domain_md_reproduce_on_the_command_line(app, printed_rows):
    out = run(app, "comparison", "--base", "2558", "--year", "2559", "--order", "code").output
    rows = {r["province_code"]: r for r in csv.DictReader(io.StringIO(out))}
    for province, (_row, pao, mun, sao) in zip(("50", "57", "65"), PRINTED):
        r = rows[province]
        assert (r["pao_base"], r["pao_current"], r["pao_pct"]) == pao
        assert (r["mun_base"], r["mun_current"], r["mun_pct"]) == mun
        assert (r["sao_base"], r["sao_current"], r["sao_pct"]) == sao
