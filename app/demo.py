"""National demo data: every LAO of Thailand placed in real subdistricts, five fiscal years of figures.

`build_demo(today)` fills an empty (migrated) database with a realistic, reproducible (seeded) dataset:

- geography and revenue items (reference data);
- 76 PAOs (one per province, none in Bangkok), ~2,470 municipalities (~30 city, ~195 town, the rest
  subdistrict class) and ~5,300 SAOs, each named after a real subdistrict of its district;
- fiscal years 2558, 2559 (monthly), 2560 (the circular's 8 installments), the previous and the
  current fiscal year of `today` (monthly); the current year only up to its latest closed installment;
- one figure per LAO x installment x applicable item (integer satang), with national category totals in
  the magnitudes of the DLA's published figures, per-LAO size and growth, and tax-season seasonality;
- the workflow state of every LAO x installment (mostly confirmed in the past; the latest closed
  installment still being recorded and verified);
- four demo accounts (password ``demo-2560``) and the ``demo_data`` setting.

Bulk rows go in through the DB-API's executemany (tuples, not ORM objects): about 900k entries load
in well under a minute into SQLite.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any, TypedDict, cast

import geothai
import numpy as np
from sqlalchemy import Table, func, insert, select

from . import db, reference, snapshots, totals
from .domain.calendar import fiscal_year_of
from .domain.workflow import Role, Status
from .models import (
    District,
    Entry,
    FiscalYear,
    Holiday,
    Installment,
    InstallmentReport,
    Lao,
    Province,
    RevenueItem,
    Setting,
    User,
    utcnow,
)

DEMO_PASSWORD = "demo-2560"
DEMO_SETTING = "demo_data"
GROWN_BY_USE = ("audit_events", "users")  # nearly empty after the build, large after use: no SQLite statistics
BANGKOK = "10"
DEMO_PROVINCE = "50"  # Chiang Mai
DEMO_DISTRICT = "5001"  # Mueang Chiang Mai

# Full-scale national numbers of organisations (domain.md).
N_MUNICIPALITIES = 2470
N_CITY = 30
N_TOWN = 195
N_SAOS = 5300

# Provinces whose Mueang district seat is a city municipality (เทศบาลนคร): the large provinces.
CITY_PROVINCES = (
    "11", "12", "13", "14", "20", "21", "30", "31", "32", "33", "34", "40", "41", "45", "47",
    "50", "52", "57", "60", "63", "65", "70", "73", "74", "80", "83", "84", "90", "92", "95",
)
TOURIST_PROVINCES = ("20", "50", "76", "77", "81", "82", "83", "84", "90")

# LAO codes: 7 digits, DLA-like. First digit is the kind of organisation, the other six locate it:
#   1 + province code (2) + "0000"  PAO                e.g. 1500000 = Chiang Mai PAO
#   2 + subdistrict code (6)        city municipality  e.g. 2500101
#   3 + subdistrict code (6)        town municipality
#   4 + subdistrict code (6)        subdistrict municipality
#   5 + subdistrict code (6)        SAO
# A subdistrict hosts at most one municipality and at most one SAO, so codes are unique.
CODE_DIGIT = {"city": "2", "town": "3", "subdistrict": "4"}

TYPES = ("PAO", "MUNICIPALITY", "SAO")
CLASS_NAMES = {
    "city": ("เทศบาลนคร", "{} City Municipality"),
    "town": ("เทศบาลเมือง", "{} Town Municipality"),
    "subdistrict": ("เทศบาลตำบล", "Tambon {} Municipality"),
}

# National annual totals per category (baht), as ranges: the generated years climb from the lower
# part of the range to the upper part (a trend of a few percent a year), with a little noise.
# FY2558 as published: PAO 3,325.90 / municipalities 11,426.49 / SAOs 4,844.45 million baht.
TARGET_RANGES = {
    "PAO": (3.3e9, 3.9e9),
    "MUNICIPALITY": (10.0e9, 14.0e9),
    "SAO": (4.8e9, 6.1e9),
}

# Revenue item shares inside a LAO's annual total (Dirichlet concentrations).
PAO_SHARES = (11.0, 6.0, 3.0)  # oil, tobacco, hotel
MUN_SHARES = (12.0, 3.0, 5.0)  # house and land, local maintenance, signboard
SAO_SHARES = (9.0, 7.0, 4.0)

# Monthly profiles, fiscal-year months Oct..Sep. Property taxes and signboard tax: ~70 % in Feb-Apr.
PROFILE_PROPERTY = (0.03, 0.03, 0.03, 0.04, 0.20, 0.30, 0.20, 0.04, 0.04, 0.03, 0.03, 0.03)
PROFILE_LAND_BUILDING = (0.03, 0.03, 0.03, 0.03, 0.10, 0.25, 0.35, 0.05, 0.04, 0.03, 0.03, 0.03)
PROFILE_FLAT = (1 / 12,) * 12
PROFILE_HOTEL = (0.08, 0.10, 0.11, 0.11, 0.10, 0.08, 0.08, 0.07, 0.06, 0.07, 0.07, 0.07)

FIRST_NAMES = (
    "สมชาย", "สมศักดิ์", "ประเสริฐ", "วิชัย", "สุรชัย", "อนุชา", "ธนพล", "กิตติพงษ์", "ณัฐพล", "ปิยะ",
    "สุรเชษฐ์", "ชัยวัฒน์", "ภานุวัฒน์", "วีระพงษ์", "เอกชัย", "บุญเลิศ", "สมหญิง", "สุนีย์", "วรรณา",
    "ศิริพร", "กาญจนา", "นงลักษณ์", "พรทิพย์", "อรุณี", "จันทร์เพ็ญ", "รัตนา", "มาลี", "สุภาพร",
    "ปราณี", "วิไลวรรณ", "ณัฐธิดา", "ปวีณา", "ชลธิชา", "กนกวรรณ", "สุดารัตน์", "อัญชลี", "เพ็ญศรี",
    "ทิพวรรณ", "จิราพร", "นภาพร",
)
LAST_NAMES = (
    "ใจดี", "รักงาน", "ศรีสุข", "แก้วมณี", "บุญมา", "ทองดี", "สุขใจ", "มั่นคง", "วงศ์ใหญ่", "จันทร์แก้ว",
    "พรหมมา", "ศรีวงศ์", "คำแสน", "ทองคำ", "สายสุวรรณ", "อินทร์แก้ว", "บุญเรือง", "ชัยมงคล", "แสงทอง",
    "ปัญญาดี", "สมบูรณ์", "วิเศษศักดิ์", "กิติศักดิ์", "ธรรมรักษ์", "ยอดยิ่ง", "เรืองศรี", "พูลสวัสดิ์",
    "นาคสุข", "มีสุข", "อ่อนละมัย", "ดวงแก้ว", "ปานทอง", "เพชรรัตน์", "สิทธิชัย", "กองแก้ว", "ไชยวงศ์",
)
RECORDER_POSITIONS = (
    "นักวิชาการจัดเก็บรายได้", "เจ้าพนักงานจัดเก็บรายได้", "นักวิชาการเงินและบัญชี",
    "เจ้าพนักงานการเงินและบัญชี", "หัวหน้าฝ่ายพัฒนาและจัดเก็บรายได้", "ผู้อำนวยการกองคลัง",
    "นักวิชาการคลัง",
)
CONFIRMER_POSITIONS = (
    "นักวิชาการส่งเสริมการปกครองท้องถิ่น", "นักวิชาการส่งเสริมการปกครองท้องถิ่นชำนาญการ",
    "เจ้าพนักงานส่งเสริมการปกครองท้องถิ่น", "หัวหน้ากลุ่มงานการเงิน บัญชี และการพัฒนารายได้",
)
RETURN_REASONS = (
    "ยอดภาษีป้ายสูงกว่างวดเดียวกันของปีก่อนผิดปกติ กรุณาตรวจสอบกับทะเบียนคุมรายได้",
    "จำนวนเงินคลาดเคลื่อน (กรอกเป็นหลักพันบาท) กรุณาแก้ไขเป็นหน่วยบาท",
    "ยอดรวมไม่ตรงกับรายงานสถานะการเงินประจำเดือน กรุณาตรวจสอบและแก้ไข",
    "บันทึกรายได้ผิดประเภท กรุณาตรวจสอบการจัดประเภทรายการภาษี",
    "บันทึกรายได้ไม่ครบทุกรายการ กรุณาบันทึกให้ครบถ้วน",
)

DEMO_USERS = (
    # username, role, full name, position, phone
    ("demo_lao", Role.LAO_OFFICER, "สมชาย ใจดี", "นักวิชาการจัดเก็บรายได้", "053-000000"),
    ("demo_province", Role.PROVINCE_VERIFIER, "สมหญิง รักงาน", "นักวิชาการส่งเสริมการปกครองท้องถิ่น",
     "053-112345"),
    ("demo_national", Role.NATIONAL_VIEWER, "วิชัย ศรีสุข", "นักวิชาการเงินและบัญชี", "02-241-9000"),
    ("demo_admin", Role.ADMIN, "ผู้ดูแลระบบ (สาธิต)", "ผู้ดูแลระบบ", "02-241-9000"),
)

# Status codes of the generated LAO x installment matrix.
NR, REC, CONF, RET = 0, 1, 2, 3
PAST_P = (0.03, 0.03, 0.93, 0.01)  # not recorded, recorded, confirmed, returned
LIVE_P = (0.15, 0.59, 0.25, 0.01)  # the latest closed installment: verifiers have work to do


class PlacedLao(TypedDict):
    """An LAO as placed by _place: its codes and names, and where it lies (province and district codes)."""

    code: str
    name_th: str
    name_en: str
    lao_type: str
    municipality_class: str | None
    province: str
    district: str
    mueang: bool  # in the Mueang (capital) district of its province


class DemoCounts(TypedDict):
    """What build_demo made."""

    provinces: int
    districts: int
    laos: int
    pao: int
    municipalities: int
    saos: int
    entries: int
    reports: int
    fiscal_years: list[int]


# --------------------------------------------------------------------------------------------------
# Placement of the organisations


def _place(rng: np.random.Generator) -> list[PlacedLao]:
    """Every LAO of the country (full scale) as dicts, placed in real provinces/districts/subdistricts."""
    provinces = [p for p in geothai.provinces() if p.code != BANGKOK]
    subs: list = []  # every subdistrict outside Bangkok
    seat: list[bool] = []  # first subdistrict of its district (the district seat)
    mueang: list[bool] = []  # in the Mueang (capital) district of its province
    for p in provinces:
        for d in geothai.districts(p.code):
            for i, s in enumerate(sorted(geothai.subdistricts(d.code), key=lambda s: s.code)):
                subs.append(s)
                seat.append(i == 0)
                mueang.append(d.code.endswith("01"))
    n = len(subs)
    seat_a, mueang_a = np.array(seat), np.array(mueang)
    mclass: list[str | None] = [None] * n

    # City municipalities: the seat of the Mueang district of the large provinces.
    # Town municipalities: the Mueang seat of every other province, then other district seats.
    for i in range(n):
        if seat[i] and mueang[i]:
            mclass[i] = "city" if subs[i].province_code in CITY_PROVINCES else "town"
    n_town_more = max(0, N_TOWN - sum(c == "town" for c in mclass))
    other_seats = np.flatnonzero(seat_a & ~mueang_a)
    for i in rng.choice(other_seats, size=min(n_town_more, len(other_seats)), replace=False):
        mclass[int(i)] = "town"
    # Subdistrict municipalities: district seats are four times as likely as other subdistricts.
    free = np.array([c is None for c in mclass])
    candidates = np.flatnonzero(free)
    weights = np.where(seat_a[candidates], 4.0, 1.0) * np.where(mueang_a[candidates], 1.5, 1.0)
    n_sub = N_MUNICIPALITIES - sum(c is not None for c in mclass)
    for i in rng.choice(candidates, size=n_sub, replace=False, p=weights / weights.sum()):
        mclass[int(i)] = "subdistrict"

    # SAOs: every subdistrict without a municipality, plus some that host a subdistrict municipality.
    has_sao = np.array([c is None for c in mclass])
    shared = np.flatnonzero(np.array([c == "subdistrict" for c in mclass]))
    extra = max(0, N_SAOS - int(has_sao.sum()))
    has_sao[rng.choice(shared, size=min(extra, len(shared)), replace=False)] = True

    laos: list[PlacedLao] = []
    for p in provinces:
        laos.append(PlacedLao(code=f"1{p.code}0000", name_th=f"องค์การบริหารส่วนจังหวัด{p.name_th}",
                         name_en=f"{p.name_en} PAO", lao_type="PAO", municipality_class=None,
                         province=p.code, district=f"{p.code}01", mueang=True))
    for i, s in enumerate(subs):
        municipality_class = mclass[i]
        if municipality_class is not None:
            th, en = CLASS_NAMES[municipality_class]
            laos.append(PlacedLao(code=CODE_DIGIT[municipality_class] + s.code, name_th=th + s.name_th,
                                  name_en=en.format(s.name_en), lao_type="MUNICIPALITY",
                                  municipality_class=municipality_class, province=s.province_code,
                                  district=s.district_code, mueang=mueang[i]))
        if has_sao[i]:
            laos.append(PlacedLao(code="5" + s.code, name_th="องค์การบริหารส่วนตำบล" + s.name_th,
                                  name_en=f"{s.name_en} SAO", lao_type="SAO", municipality_class=None,
                                  province=s.province_code, district=s.district_code, mueang=mueang[i]))
    return laos


def _pick_demo_lao(laos: list[PlacedLao]) -> int:
    """Index of the demo officer's LAO: a SAO of Mueang Chiang Mai (or another Chiang Mai LAO)."""
    for pred in (
        lambda x: x["lao_type"] == "SAO" and x["district"] == DEMO_DISTRICT,
        lambda x: x["lao_type"] == "SAO" and x["province"] == DEMO_PROVINCE,
        lambda x: x["lao_type"] == "MUNICIPALITY" and x["province"] == DEMO_PROVINCE,
    ):
        found = sorted((x["code"], i) for i, x in enumerate(laos) if pred(x))
        if found:
            return found[0][1]
    raise RuntimeError("no LAO in Chiang Mai for the demo account")  # pragma: no cover


def _subsample(laos: list[PlacedLao], scale: float, keep: set[int], rng: np.random.Generator) -> list[int]:
    """Indices of the LAOs kept at `scale`: every PAO, a fraction of the others, and `keep`."""
    if scale >= 1.0:
        return list(range(len(laos)))
    u = rng.random(len(laos))
    return [i for i, x in enumerate(laos) if x["lao_type"] == "PAO" or u[i] < scale or i in keep]


# --------------------------------------------------------------------------------------------------
# Bulk insertion


def _bulk(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]], chunk: int = 100_000) -> None:
    """executemany of `rows` (tuples in the order of `columns`) into `table` on the session's connection."""
    if not rows:
        return
    conn = db.session.connection()
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        # PostgreSQL: COPY is an order of magnitude faster than executemany.
        driver_connection = conn.connection.driver_connection
        if driver_connection is None:  # only a connection that has been closed has none
            raise RuntimeError("the session's connection is closed")
        with driver_connection.cursor() as cur:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    style = conn.dialect.paramstyle
    params: list[tuple[Any, ...]] | list[dict[str, Any]] = rows
    if style == "qmark":
        marks = ", ".join("?" for _ in columns)
    elif style in ("format", "pyformat"):
        marks = ", ".join("%s" for _ in columns)
    elif style == "numeric":
        marks = ", ".join(f":{i + 1}" for i in range(len(columns)))
    else:  # named
        marks = ", ".join(f":{c}" for c in columns)
        params = [dict(zip(columns, r)) for r in rows]
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    for start in range(0, len(params), chunk):
        conn.exec_driver_sql(sql, params[start:start + chunk])


def _datetimes(seconds: np.ndarray, sqlite: bool) -> list:
    """Naive UTC datetimes from epoch seconds: SQLAlchemy's SQLite text format, or datetime objects."""
    stamps = seconds.astype("datetime64[s]")
    if sqlite:
        return [s.replace("T", " ") + ".000000" for s in np.datetime_as_string(stamps, unit="s").tolist()]
    return stamps.astype("datetime64[us]").tolist()


def _day(d: dt.date) -> int:
    """Days since 1970-01-01."""
    return (d - dt.date(1970, 1, 1)).days


# --------------------------------------------------------------------------------------------------
# The build


def build_demo(today: dt.date, seed: int = 2560, scale: float = 1.0,
               progress: Callable[[str], object] | None = None) -> DemoCounts:
    """Build the national demo dataset into the (migrated, empty) database bound to app.db.session; returns counts.

    Reproducible for a given (today, seed, scale). `scale` < 1 keeps every PAO and that fraction of
    the municipalities and SAOs (always the demo accounts' LAO). Commits its work.
    """
    t0 = time.perf_counter()

    def say(message: str) -> None:
        if progress is not None:
            progress(f"[{time.perf_counter() - t0:5.1f}s] {message}")

    if db.session.scalar(select(func.count()).select_from(Lao)) or db.session.get(Setting, DEMO_SETTING):
        raise RuntimeError("the database already has organisations: demo data needs an empty database")
    rng = np.random.default_rng(seed)
    sqlite = db.session.get_bind().dialect.name == "sqlite"

    # ---- reference data ------------------------------------------------------------------------
    reference.seed_geography()
    reference.seed_items()
    province_id = dict(db.session.execute(select(Province.code, Province.id)).all())
    district_id = dict(db.session.execute(select(District.code, District.id)).all())
    items = db.session.scalars(select(RevenueItem).order_by(RevenueItem.sort_order)).all()
    item_idx = {it.code: k for k, it in enumerate(items)}
    say("reference data ready")

    # ---- organisations -------------------------------------------------------------------------
    all_laos = _place(rng)
    demo_i = _pick_demo_lao(all_laos)
    keep = {demo_i}
    keep.update(i for i, x in enumerate(all_laos)
                if x["province"] == DEMO_PROVINCE and x["municipality_class"] == "city")
    laos = [all_laos[i] for i in _subsample(all_laos, scale, keep, rng)]
    demo_code = all_laos[demo_i]["code"]
    laos.sort(key=lambda x: (x["province"], TYPES.index(x["lao_type"]), x["code"]))
    # A declarative class's __table__ is typed FromClause; a mapped class's is a Table.
    db.session.execute(insert(cast(Table, Lao.__table__)), [
        dict(code=x["code"], name_th=x["name_th"], name_en=x["name_en"], lao_type=x["lao_type"],
             municipality_class=x["municipality_class"], province_id=province_id[x["province"]],
             district_id=district_id[x["district"]], active=True)
        for x in laos
    ])
    lao_id_by_code = dict(db.session.execute(select(Lao.code, Lao.id)).all())
    n = len(laos)
    lao_ids = np.array([lao_id_by_code[x["code"]] for x in laos], dtype=np.int64)
    tcode = np.array([TYPES.index(x["lao_type"]) for x in laos])
    demo_row = next(i for i, x in enumerate(laos) if x["code"] == demo_code)
    say(f"{n} organisations placed")

    # ---- users (before the reports, so the demo people appear as recorder/confirmer) -------------
    pw_hash = _hash_password()
    users: dict[str, User] = {}
    for username, role, full_name, position, phone in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, password_hash=pw_hash, full_name=full_name, position=position,
                        phone=phone, role=role.value, active=True, must_change_password=False,
                        session_token=_new_session_token(),
                        lao_id=lao_id_by_code[demo_code] if role == Role.LAO_OFFICER else None,
                        province_id=province_id[DEMO_PROVINCE] if role == Role.PROVINCE_VERIFIER else None)
            db.session.add(user)
        users[username] = user
    db.session.flush()

    # ---- fiscal years ----------------------------------------------------------------------------
    current = fiscal_year_of(today)
    years = sorted({y for y in (2558, 2559, 2560, current - 1, current) if y <= current})
    for y in years:
        if db.session.get(FiscalYear, y) is None:
            reference.create_fiscal_year(y, "dla2560" if y == 2560 else "monthly")
    db.session.flush()
    # Installments with figures: every installment whose period has ended before today.
    inst_rows = []  # (k, installment, month indices)
    for k, y in enumerate(years):
        fy = db.session.get(FiscalYear, y)
        if fy is None:  # created above
            raise RuntimeError(f"fiscal year {y} is missing")
        for inst in db.session.scalars(select(Installment).where(Installment.fiscal_year_id == y)
                                       .order_by(Installment.number)):
            if inst.period_end < today:
                inst_rows.append((k, inst, _months_of(fy, inst)))
    J = len(inst_rows)
    say(f"fiscal years {years}: {J} installments with figures")

    # ---- workflow status of every LAO x closed installment --------------------------------------
    laggard = rng.random(n) < 0.10  # a tenth of the LAOs are habitually slow
    p_nr = np.where(laggard, 0.15, 0.0167)
    p_late = np.where(laggard, 0.30, 0.0556)
    u = rng.random((n, J))
    status = np.full((n, J), CONF, dtype=np.int8)
    status[u < p_nr[:, None] + PAST_P[1] + PAST_P[3]] = RET
    status[u < p_nr[:, None] + PAST_P[1]] = REC
    status[u < p_nr[:, None]] = NR
    live = J - 1 if J else None
    if live is not None:
        ul = rng.random(n)
        col = np.full(n, CONF, dtype=np.int8)
        col[ul < LIVE_P[0] + LIVE_P[1] + LIVE_P[3]] = RET
        col[ul < LIVE_P[0] + LIVE_P[1]] = REC
        col[ul < LIVE_P[0]] = NR
        if (today - inst_rows[live][1].period_end).days <= 1:
            col[:] = NR  # the period ended yesterday: nobody has recorded yet
        status[:, live] = col
        status[demo_row, :] = CONF
        status[demo_row, live] = NR  # the demo officer records it during the demo

    # ---- amounts ---------------------------------------------------------------------------------
    amounts = _amounts(rng, laos, tcode, years, items, item_idx, status, inst_rows, demo_row, n)
    say("amounts drawn")

    # ---- entries ---------------------------------------------------------------------------------
    item_ids = np.array([it.id for it in items], dtype=np.int64)
    applies = np.array([[[it.applies(t, y) for it in items] for y in years] for t in TYPES])  # (3, K, I)
    e_lao, e_inst, e_item, e_amt = [], [], [], []
    for j, (k, inst, months) in enumerate(inst_rows):
        mask = applies[tcode, k, :] & (status[:, j] != NR)[:, None]
        rows, cols = np.nonzero(mask)
        e_lao.append(lao_ids[rows])
        e_inst.append(np.full(len(rows), inst.id, dtype=np.int64))
        e_item.append(item_ids[cols])
        e_amt.append(amounts[rows, k, cols][:, months].sum(axis=1))
    e_amt_all = np.concatenate(e_amt) if e_amt else np.zeros(0, dtype=np.int64)
    entry_rows = list(zip(np.concatenate(e_lao).tolist() if e_lao else [],
                          np.concatenate(e_inst).tolist() if e_inst else [],
                          np.concatenate(e_item).tolist() if e_item else [],
                          e_amt_all.tolist()))
    say(f"inserting {len(entry_rows)} entries")
    _bulk(Entry.__tablename__, ("lao_id", "installment_id", "item_id", "amount_satang"), entry_rows)
    del entry_rows
    say("entries inserted")

    # ---- installment reports ---------------------------------------------------------------------
    n_reports = _reports(rng, laos, lao_ids, status, inst_rows, p_late, today, sqlite, users, demo_row)
    say(f"{n_reports} installment reports inserted")
    totals.rebuild(db.session.connection())  # the bulk inserts bypass the session's rollup hooks
    say("rollup built")
    snapshots.seed(db.session.connection(), "demo")  # the history the reports as of a past moment start from
    say("report history and confirmation snapshots written")

    db.session.add_all(_holidays(today))
    if db.session.get(FiscalYear, 2560) is not None:
        from .kpi.seed import seed_memo_kpis

        seed_memo_kpis(2560)
    db.session.add(Setting(key=DEMO_SETTING, value=utcnow().isoformat(timespec="seconds")))
    db.session.commit()
    if sqlite:
        with db.session().get_bind().connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            # Statistics of the tables that use fills from (nearly) nothing would keep telling the planner they are
            # tiny, so it would scan them once they have grown (the audit trail on every verification screen):
            # those are left to SQLite's default estimates, which take a table to be large.
            conn.exec_driver_sql(f"DELETE FROM sqlite_stat1 WHERE tbl IN ({', '.join(map(repr, GROWN_BY_USE))})")
            conn.exec_driver_sql("ANALYZE sqlite_master")  # the planner rereads the statistics
            conn.commit()
    say("committed")

    counts = DemoCounts(
        provinces=db.session.execute(select(func.count()).select_from(Province)).scalar_one(),
        districts=db.session.execute(select(func.count()).select_from(District)).scalar_one(),
        laos=n,
        pao=int((tcode == 0).sum()),
        municipalities=int((tcode == 1).sum()),
        saos=int((tcode == 2).sum()),
        entries=int(len(e_amt_all)),
        reports=n_reports,
        fiscal_years=years,
    )
    return counts


# The public holidays with a fixed date (the lunar ones, substitution days and special days an administrator adds).
FIXED_HOLIDAYS = [((10, 13), "วันนวมินทรมหาราช"), ((10, 23), "วันปิยมหาราช"), ((12, 5), "วันพ่อแห่งชาติ"),
                  ((12, 10), "วันรัฐธรรมนูญ"), ((12, 31), "วันสิ้นปี"), ((1, 1), "วันขึ้นปีใหม่"),
                  ((4, 6), "วันจักรี"), ((4, 13), "วันสงกรานต์"), ((4, 14), "วันสงกรานต์"), ((4, 15), "วันสงกรานต์"),
                  ((5, 4), "วันฉัตรมงคล"), ((6, 3), "วันเฉลิมพระชนมพรรษาสมเด็จพระราชินี"),
                  ((7, 28), "วันเฉลิมพระชนมพรรษาพระบาทสมเด็จพระเจ้าอยู่หัว"), ((8, 12), "วันแม่แห่งชาติ")]


def _holidays(today: dt.date) -> list[Holiday]:
    """The fixed-date public holidays of the current fiscal year (October to September)."""
    fy_start = today.year if today.month >= 10 else today.year - 1
    return [Holiday(day=dt.date(fy_start if month >= 10 else fy_start + 1, month, day), name_th=name)
            for (month, day), name in FIXED_HOLIDAYS]


def _hash_password() -> str:
    from .auth.passwords import hash_password

    return hash_password(DEMO_PASSWORD)


def _new_session_token() -> str:
    from .auth.operations import new_session_token

    return new_session_token()


def _months_of(fy: FiscalYear, inst: Installment) -> list[int]:
    """Fiscal-year month indices (0 = October .. 11 = September) an installment's period covers."""
    first = fy.start_date.year * 12 + fy.start_date.month - 1
    a = inst.period_start.year * 12 + inst.period_start.month - 1 - first
    b = inst.period_end.year * 12 + inst.period_end.month - 1 - first
    return list(range(max(a, 0), min(b, 11) + 1))


def _amounts(rng, laos, tcode, years, items, item_idx, status, inst_rows, demo_row, n):
    """Monthly amounts in satang, shape (LAO, year, item, month), zero where an item does not apply.

    Annual size x growth x item shares x seasonal profile, then scaled per category and year so the
    national total of what is recorded lands on the year's target.
    """
    K, I = len(years), len(items)
    cls = [x["municipality_class"] for x in laos]
    province = [x["province"] for x in laos]
    mueang = np.array([x["mueang"] for x in laos])

    # Persistent size: lognormal, by kind of organisation.
    base = np.ones(n)
    base[np.array([c == "city" for c in cls])] = 40.0
    base[np.array([c == "town" for c in cls])] = 8.0
    sigma = np.where(tcode == 0, 0.45, np.where(tcode == 1, 0.7, 0.8))
    size = base * np.exp(rng.normal(0.0, sigma))
    size[(tcode == 2) & mueang] *= 1.6  # suburban SAOs around the provincial capital
    pao = tcode == 0
    if pao.any():  # PAOs: roughly with the size of the province (its number of subdistricts)
        n_sub = {p.code: sum(len(geothai.subdistricts(d.code)) for d in geothai.districts(p.code))
                 for p in geothai.provinces()}
        size[pao] *= np.array([n_sub[province[i]] for i in np.flatnonzero(pao)]) ** 0.8
        size[pao & np.array([p in CITY_PROVINCES for p in province])] *= 1.5
    # Growth per LAO and year: about -10 % .. +15 %.
    growth = np.clip(rng.normal(0.025, 0.06, (n, K)), -0.10, 0.15)
    growth[:, 0] = 0.0
    annual = size[:, None] * np.cumprod(1.0 + growth, axis=1)  # (n, K)

    # Item shares (persistent per LAO, a little jitter per year).
    shares = np.zeros((n, K, I))
    for t, conc, codes in ((0, PAO_SHARES, ("PAO_OIL", "PAO_TOBACCO", "PAO_HOTEL")),
                           (1, MUN_SHARES, ("HOUSE_LAND", "LOCAL_MAINT", "SIGNBOARD")),
                           (2, SAO_SHARES, ("HOUSE_LAND", "LOCAL_MAINT", "SIGNBOARD"))):
        rows = np.flatnonzero(tcode == t)
        if not len(rows):
            continue
        s = rng.dirichlet(conc, size=len(rows))  # (r, 3)
        if t == 0:
            tourist = np.array([province[i] in TOURIST_PROVINCES for i in rows])
            s[tourist, 2] *= 3.0
            s /= s.sum(axis=1, keepdims=True)
        s = s[:, None, :] * np.exp(rng.normal(0.0, 0.08, (len(rows), K, 3)))
        s /= s.sum(axis=2, keepdims=True)
        for c, code in enumerate(codes):
            shares[rows, :, item_idx[code]] = s[:, :, c]
    # From FY2563 the Land and Building Tax replaced house-and-land and local maintenance taxes.
    hl, lm, lb = item_idx["HOUSE_LAND"], item_idx["LOCAL_MAINT"], item_idx["LAND_BUILDING"]
    for k, y in enumerate(years):
        if not items[hl].applies("SAO", y):
            shares[:, k, lb] = shares[:, k, hl] + shares[:, k, lm]
            shares[:, k, hl] = shares[:, k, lm] = 0.0

    # Seasonal profile with noise, per LAO x year x item.
    profile = np.zeros((I, 12))
    for it in items:
        profile[item_idx[it.code]] = {
            "PAO_HOTEL": PROFILE_HOTEL, "PAO_OIL": PROFILE_FLAT, "PAO_TOBACCO": PROFILE_FLAT,
            "LAND_BUILDING": PROFILE_LAND_BUILDING,
        }.get(it.code, PROFILE_PROPERTY)
    shape = np.where(tcode == 0, 25.0, 4.0)[:, None, None, None]  # PAO monthly noise is small
    season = profile[None, None, :, :] * rng.gamma(shape, 1.0 / shape, (n, K, I, 12))
    # Some months collect nothing (small LAOs, off-season months).
    peak = np.zeros(12, dtype=bool)
    peak[[4, 5, 6]] = True
    p_zero = np.where(tcode == 0, 0.01, np.where(tcode == 1, 0.12, 0.25))[:, None, None, None]
    p_zero = np.where(peak[None, None, None, :], 0.02, p_zero)
    zero = rng.random((n, K, I, 12)) < p_zero
    zero[demo_row] = False
    season[zero] = 0.0
    season /= np.maximum(season.sum(axis=3, keepdims=True), 1e-12)
    monthly = annual[:, :, None, None] * shares[:, :, :, None] * season  # relative units

    # Which months count towards the national total: recorded installments, and months not yet closed.
    counted = np.ones((n, K, 12), dtype=bool)
    for j, (k, _inst, months) in enumerate(inst_rows):
        counted[:, k, months] = (status[:, j] != NR)[:, None]
    # National targets per category and year: from the lower to the upper part of the range.
    full_n = {0: 76, 1: N_MUNICIPALITIES, 2: N_SAOS}
    for t, name in enumerate(TYPES):
        rows = tcode == t
        if not rows.any():
            continue
        lo, hi = TARGET_RANGES[name]
        frac = 0.25 + 0.4 * (np.arange(K) / max(K - 1, 1)) + rng.uniform(-0.05, 0.05, K)
        target = (lo + (hi - lo) * frac) * min(1.0, rows.sum() / full_n[t])
        for k in range(K):
            total = (monthly[rows, k] * counted[rows, k][:, None, :]).sum()
            if total > 0:
                monthly[rows, k] *= target[k] / total

    # To satang: most amounts carry satang; about a third are whole baht.
    satang = np.rint(monthly * 100.0)
    whole = rng.random(satang.shape) < 0.35
    satang[whole] = np.rint(monthly[whole]) * 100.0
    return satang.astype(np.int64)


def _reports(rng, laos, lao_ids, status, inst_rows, p_late, today, sqlite, users, demo_row) -> int:
    """Insert the installment_reports rows (one per LAO x installment with a status other than NR)."""
    n, J = status.shape
    if not J:
        return 0
    pe = np.array([_day(inst.period_end) for _k, inst, _m in inst_rows])
    ed = np.array([_day(inst.entry_deadline) for _k, inst, _m in inst_rows])
    cd = np.array([_day(inst.confirm_deadline) for _k, inst, _m in inst_rows])
    last_day = _day(today) - 1  # everything happened before today
    hour = 3600

    # Recorded: on time (skewed towards the deadline) or late for ~8 %.
    late = rng.random((n, J)) < p_late[:, None]
    window = (ed - pe)[None, :]
    on_time = pe[None, :] + 1 + np.floor(rng.random((n, J)) ** 0.6 * window).astype(np.int64)
    late_day = ed[None, :] + np.minimum(rng.geometric(1 / 8, (n, J)), 90)
    rec_day = np.minimum(np.where(late, late_day, on_time), last_day)
    rec_sec = rec_day * 86400 + rng.integers(1 * hour, 10 * hour, (n, J))  # 08:00-17:00 Bangkok
    # Confirmed: between recording and the deadline, or late for ~8 %.
    conf_late = rng.random((n, J)) < 0.08
    span = np.maximum(cd[None, :] - rec_day, 0) + 1
    conf_on = rec_day + np.floor(rng.random((n, J)) * span).astype(np.int64)
    conf_lt = np.maximum(cd[None, :], rec_day) + np.minimum(rng.geometric(1 / 6, (n, J)), 60)
    conf_day = np.minimum(np.where(conf_late, conf_lt, conf_on), last_day)
    conf_sec = conf_day * 86400 + rng.integers(1 * hour, 10 * hour, (n, J))
    bump = conf_sec <= rec_sec
    conf_sec[bump] = rec_sec[bump] + rng.integers(600, 3 * hour, int(bump.sum()))
    bkk = 7 * hour
    rec_late = (rec_sec + bkk) // 86400 > ed[None, :]
    conf_is_late = (conf_sec + bkk) // 86400 > cd[None, :]

    # People: one or two recorders per LAO, two verifiers per province.
    F, L = len(FIRST_NAMES), len(LAST_NAMES)
    rec_names = [[f"{FIRST_NAMES[a]} {LAST_NAMES[b]}" for a, b in zip(rng.integers(0, F, 2), rng.integers(0, L, 2))]
                 for _ in range(n)]
    rec_pos = [[RECORDER_POSITIONS[a] for a in rng.integers(0, len(RECORDER_POSITIONS), 2)] for _ in range(n)]
    rec_phone = [f"0{a}-{b:06d}" for a, b in zip(rng.integers(32, 78, n), rng.integers(0, 1_000_000, n))]
    demo_lao_user = users["demo_lao"]
    rec_names[demo_row] = [demo_lao_user.full_name] * 2
    rec_pos[demo_row] = [demo_lao_user.position] * 2
    rec_phone[demo_row] = demo_lao_user.phone
    second = rng.random((n, J)) < 0.2  # the second officer records a fifth of the time
    provinces = sorted({x["province"] for x in laos})
    verifier: dict[str, list[tuple[str, str, str, int | None]]] = {}
    for p in provinces:
        pair: list[tuple[str, str, str, int | None]] = []
        for _ in range(2):
            pair.append((f"{FIRST_NAMES[rng.integers(0, F)]} {LAST_NAMES[rng.integers(0, L)]}",
                         CONFIRMER_POSITIONS[rng.integers(0, len(CONFIRMER_POSITIONS))],
                         f"0{rng.integers(32, 78)}-{rng.integers(0, 1_000_000):06d}", None))
        verifier[p] = pair
    prov_user = users["demo_province"]
    if DEMO_PROVINCE in verifier:
        verifier[DEMO_PROVINCE][0] = (prov_user.full_name, prov_user.position, prov_user.phone, prov_user.id)
    which_verifier = rng.integers(0, 2, (n, J))
    reasons = rng.integers(0, len(RETURN_REASONS), (n, J))

    rows_i, cols_j = np.nonzero(status != NR)
    st = status[rows_i, cols_j]
    rec_at = _datetimes(rec_sec[rows_i, cols_j], sqlite)
    conf_at = _datetimes(conf_sec[rows_i, cols_j], sqlite)
    rl = rec_late[rows_i, cols_j].tolist()
    cl = conf_is_late[rows_i, cols_j].tolist()
    sec = second[rows_i, cols_j].tolist()
    wv = which_verifier[rows_i, cols_j].tolist()
    rs = reasons[rows_i, cols_j].tolist()
    inst_ids = [inst.id for _k, inst, _m in inst_rows]
    status_value = {REC: Status.RECORDED.value, CONF: Status.CONFIRMED.value, RET: Status.RETURNED.value}
    yes, no = (1, 0) if sqlite else (True, False)
    demo_uid = demo_lao_user.id
    out = []
    for r, (i, j, s) in enumerate(zip(rows_i.tolist(), cols_j.tolist(), st.tolist())):
        w = 1 if sec[r] else 0
        confirmed = s == CONF
        v = verifier[laos[i]["province"]][wv[r]] if confirmed else (None, None, None, None)
        out.append((
            int(lao_ids[i]), inst_ids[j], status_value[s],
            rec_names[i][w], rec_pos[i][w], rec_phone[i], demo_uid if i == demo_row else None,
            rec_at[r], yes if rl[r] else no,
            v[0], v[1], v[2], v[3],
            conf_at[r] if confirmed else None, yes if (confirmed and cl[r]) else no,
            RETURN_REASONS[rs[r]] if s == RET else None, 1,
        ))
    _bulk(InstallmentReport.__tablename__, (
        "lao_id", "installment_id", "status", "recorder_name", "recorder_position", "recorder_phone",
        "recorded_by_id", "recorded_at", "recorded_late", "confirmer_name", "confirmer_position",
        "confirmer_phone", "confirmed_by_id", "confirmed_at", "confirmed_late", "return_reason", "version",
    ), out)
    return len(out)
