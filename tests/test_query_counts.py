"""SQL statements per request on the officers' and verifiers' pages stay within budget, whatever the number of
LAOs: every statement of the request is counted, the user loader's included (transaction control — SQLite's
explicit BEGIN — is not a query and is left out). Runs on both engines."""

import re
from datetime import datetime

import pytest
from sqlalchemy import event, insert, select

from app import db
from app.models import District, Entry, Installment, InstallmentReport, Lao, Province, RevenueItem
from tests import factories as f
from tests.conftest import csrf_from, login

N_LAOS = 60  # enough that any per-row query would blow every budget
BUDGET = {"home": 4, "form": 4, "redirect_target": 4, "verify": 6}
# the save POST of a recorded installment: the user (1), record_installment (the locked report; this installment's
# and last year's entries in one read; the entries' executemany; the report: 4), the rollup's known delta (one upsert:
# the operation sets the report's satang total, so nothing is read again), the audit chain (head and new id in one
# read, the insert) and the report history (app/snapshots.py: written from the figures in hand, one insert) make 9
# statements on SQLite, 10 on PostgreSQL (the chain's advisory lock, taken once per transaction) — a ceiling so it
# cannot grow; the 4 would need the audit chain and the history folded into fewer writes. A save after the
# installment's own entry deadline (as here) also needs the LAO's approved deadline extension (app.deadlines): the
# report's locking read brings it along, so it costs no statement. A first save or a resubmission changes the report's
# status and also reads the rollup's pairs before and after the flush and the LAO's streaks.
SAVE_CEILING = {"sqlite": 9, "postgresql": 10}
OFFICER_LAO = "Q00001"


def _build(app) -> None:
    """Two fiscal years; N_LAOS LAOs of Chiang Mai with a year of figures, half of them recorded in FY2570/1
    (some with explanations, some returned), one officer and one verifier."""
    with app.app_context():
        f.fiscal_year(2569)
        f.fiscal_year(2570)
        province = db.session.scalar(select(Province).where(Province.code == "50"))
        districts = list(db.session.scalars(select(District).where(District.province_id == province.id)))
        db.session.execute(insert(Lao), [
            {"code": f"Q{i:05d}", "name_th": f"อบต.นับ{i:03d}", "name_en": f"SAO {i}", "lao_type": "SAO",
             "province_id": province.id, "district_id": districts[i % len(districts)].id, "active": True}
            for i in range(N_LAOS)
        ])
        laos = {code: lao_id for code, lao_id in db.session.execute(select(Lao.code, Lao.id))}
        insts = {(i.fiscal_year_id, i.number): i.id for i in db.session.scalars(select(Installment))}
        items = dict(db.session.execute(select(RevenueItem.code, RevenueItem.id)).all())
        reports, entries = [], []
        for n, (code, lao_id) in enumerate(sorted(laos.items())):
            for number in range(1, 13):
                reports.append({"lao_id": lao_id, "installment_id": insts[(2569, number)], "status": "confirmed",
                                "version": 1, "recorded_at": datetime(2025, 11, 10), "recorded_late": False,
                                "recorder_name": "ผู้บันทึก"})
                for item in ("LAND_BUILDING", "SIGNBOARD"):
                    entries.append({"lao_id": lao_id, "installment_id": insts[(2569, number)],
                                    "item_id": items[item], "amount_satang": 100000 + n})
            if n % 2 == 0 or code == OFFICER_LAO:
                reports.append({"lao_id": lao_id, "installment_id": insts[(2570, 1)],
                                "status": "returned" if n % 6 == 0 else "recorded", "version": 1,
                                "recorded_at": datetime(2026, 11, 10), "recorded_late": False,
                                "recorder_name": "ผู้บันทึก", "return_reason": "ตรวจสอบ" if n % 6 == 0 else None})
                for item in ("LAND_BUILDING", "SIGNBOARD"):
                    entries.append({"lao_id": lao_id, "installment_id": insts[(2570, 1)], "item_id": items[item],
                                    "amount_satang": 100000 + n * (5 if n % 4 == 0 else 1),
                                    "explanation": "ภาษีค้างรับ" if n % 4 == 0 else None})
        db.session.execute(insert(InstallmentReport), reports)
        db.session.execute(insert(Entry), entries)
        own = db.session.get(Lao, laos[OFFICER_LAO])
        f.user("officer", "lao_officer", lao_obj=own)
        f.user("other_officer", "lao_officer", lao_obj=db.session.get(Lao, laos["Q00003"]))  # part 2's contact
        f.user("verifier", "province_verifier", province_obj=province)
        db.session.commit()


class _Counter:
    """Statements an engine executes while active (transaction control left out)."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _on(self, _conn, _cursor, statement, *_args) -> None:
        if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", statement, re.I):
            self.statements.append(" ".join(statement.split()))

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on)


def _within(counter: _Counter, budget: int, what: str) -> None:
    listing = "\n".join(s[:160] for s in counter.statements)
    assert len(counter.statements) <= budget, f"{what}: {len(counter.statements)} statements\n{listing}"


@pytest.fixture
def built(app):
    _build(app)
    return app


def test_officer_pages_within_budget(built):
    client = built.test_client()
    assert login(client, "officer").status_code == 302
    client.get("/entry/")  # warm the reference cache of this process (one reload after a change)
    engine = built.extensions["engine"]
    with _Counter(engine) as c:
        assert client.get("/entry/").status_code == 200
    _within(c, BUDGET["home"], "LAO home")
    url = f"/entry/{OFFICER_LAO}/2570/1"
    with _Counter(engine) as c:
        page = client.get(url)
    assert page.status_code == 200
    _within(c, BUDGET["form"], "entry form GET")
    html = page.get_data(as_text=True)
    data = {name: value for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)}
    data.update({"amount_LAND_BUILDING": "1,200.00", "amount_SIGNBOARD": "1,000.00", "certify": "y",
                 "recorder_name": "ผู้บันทึก", "recorder_position": "เจ้าพนักงาน", "recorder_phone": "053-000000",
                 "csrf_token": csrf_from(html)})
    with _Counter(engine) as c:
        saved = client.post(url, data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:500]
    _within(c, SAVE_CEILING[engine.dialect.name], "save POST")
    with _Counter(engine) as c:
        target = client.get(saved.headers["Location"])
    assert target.status_code == 200 and "บันทึกข้อมูลงวดที่ 1 เรียบร้อยแล้ว" in target.get_data(as_text=True)
    _within(c, BUDGET["redirect_target"], "save's redirect target")


def test_verification_screen_within_budget(built):
    client = built.test_client()
    assert login(client, "verifier").status_code == 302
    client.get("/verify/?year=2570&number=1")
    with _Counter(built.extensions["engine"]) as c:
        page = client.get("/verify/?year=2570&number=1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "อบต.นับ002" in html and "อบต.นับ003" in html  # both parts have rows
    _within(c, BUDGET["verify"], "verification screen")
