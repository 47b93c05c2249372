"""Test data builders that write real rows through the ORM (flush only; tests commit)."""

from sqlalchemy import select

from app import db
from app.auth.operations import new_session_token
from app.auth.passwords import hash_password
from app.models import District, Lao, Province, User
from app.reference import create_fiscal_year

PASSWORD = "secret-pass-1"
_HASH = hash_password(PASSWORD)
_counter = {"lao": 0}


def province(code: str = "50") -> Province:
    """A seeded province by code (10 Bangkok, 50 Chiang Mai, 57 Chiang Rai ...)."""
    return db.session.scalar(select(Province).where(Province.code == code))


def district(code: str) -> District:
    """A seeded district by code."""
    return db.session.scalar(select(District).where(District.code == code))


def lao(lao_type: str = "SAO", province_code: str = "50", district_code: str | None = None,
        code: str | None = None, name_th: str | None = None, active: bool = True) -> Lao:
    """A new LAO in the given province (and district, default: the province's first)."""
    prov = province(province_code)
    dist = district(district_code) if district_code else sorted(prov.districts, key=lambda d: d.code)[0]
    _counter["lao"] += 1
    n = _counter["lao"]
    obj = Lao(code=code or f"T{n:06d}", name_th=name_th or f"อบต.ทดสอบ{n}", name_en=f"Test LAO {n}",
              lao_type=lao_type, municipality_class="subdistrict" if lao_type == "MUNICIPALITY" else None,
              province_id=prov.id, district_id=dist.id, active=active)
    db.session.add(obj)
    db.session.flush()
    return obj


def user(username: str, role: str, lao_obj: Lao | None = None, province_obj: Province | None = None,
         **fields) -> User:
    """A new user with password PASSWORD."""
    obj = User(username=username, password_hash=_HASH, role=role, lao_id=lao_obj.id if lao_obj else None,
               province_id=province_obj.id if province_obj else None, full_name=fields.pop("full_name", username),
               position=fields.pop("position", "เจ้าพนักงาน"), phone=fields.pop("phone", "02-000-0000"),
               session_token=new_session_token(), **fields)
    db.session.add(obj)
    db.session.flush()
    return obj


def fiscal_year(year: int, schedule: str = "monthly"):
    """A fiscal year with its installments."""
    return create_fiscal_year(year, schedule)
