"""The public tables as open data: the columns (with their meaning and unit, the data dictionary), the records, and
the CSV (UTF-8 with BOM) and JSON bodies. Only confirmed figures and counts; no person appears in them."""

import json
from dataclasses import dataclass
from decimal import Decimal

from ..certificates.codes import satang as satang_of
from ..domain import comparison as cmp
from ..domain.errors import N_
from ..reports import exports
from ..reports.exports import Column

LICENCE = {
    "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "attribution": "Department of Local Administration (กรมส่งเสริมการปกครองท้องถิ่น)",
}
GROUP_MEANING = {"pao": N_("อบจ."), "mun": N_("เทศบาล"), "sao": N_("อบต."), "all": N_("รวมทุกประเภท")}


@dataclass(frozen=True)
class Field:
    """One open-data column: its key, kind for the writers, unit and meaning (untranslated, for the dictionary)."""

    key: str
    kind: str
    unit: str
    meaning: str
    group: str | None = None


def _amount_fields() -> list[Field]:
    """The amount, percent columns of each category group."""
    out = []
    for g in cmp.GROUPS:
        out += [Field(f"{g}_base_satang", "int", "satang", N_("ยอดรวมที่ยืนยันแล้วของปีฐาน (ช่วงเดียวกันของปีก่อน)"), g),
                Field(f"{g}_current_satang", "int", "satang", N_("ยอดรวมที่ยืนยันแล้วของปีที่เปรียบเทียบ"), g),
                Field(f"{g}_pct", "pct", "percent", N_("ร้อยละที่เปลี่ยนแปลง คำนวณจากยอดรวม ปัดเศษครึ่งขึ้นจากศูนย์ 2 ตำแหน่ง"
                                                        " (ว่าง: ไม่มีประเภทนี้ หรือปีฐานเป็นศูนย์)"), g)]
    return out


COUNT_FIELDS = [
    Field("laos", "int", "count", N_("จำนวน อปท. ที่ใช้งาน")),
    Field("confirmed_laos", "int", "count", N_("จำนวน อปท. ที่ สถจ. ยืนยันข้อมูลครบทุกงวดที่นับ")),
    Field("confirmed_pct", "pct", "percent", N_("ร้อยละของ อปท. ที่ยืนยันครบ (ความครบถ้วน)")),
]
NATIONAL_FIELDS = [
    Field("province_code", "code", "code", N_("รหัสจังหวัดของกรมการปกครอง (TOTAL: รวมทั้งประเทศ)")),
    Field("province_name_th", "text", "text", N_("ชื่อจังหวัดภาษาไทย")),
    Field("province_name_en", "text", "text", N_("ชื่อจังหวัดภาษาอังกฤษ")),
    *_amount_fields(), *COUNT_FIELDS,
]
PROVINCE_FIELDS = [
    Field("district_code", "code", "code", N_("รหัสอำเภอของกรมการปกครอง (TOTAL: รวมทั้งจังหวัด)")),
    Field("district_name_th", "text", "text", N_("ชื่ออำเภอภาษาไทย")),
    Field("district_name_en", "text", "text", N_("ชื่ออำเภอภาษาอังกฤษ")),
    *_amount_fields(), *COUNT_FIELDS,
]


def _cells(cells: dict[str, cmp.Cell]) -> dict:
    """The amount and percent fields of a row's cells."""
    out: dict = {}
    for g in cmp.GROUPS:
        c = cells[g]
        out[f"{g}_base_satang"] = satang_of(c.base)
        out[f"{g}_current_satang"] = satang_of(c.current)
        out[f"{g}_pct"] = c.pct
    return out


def national_records(result, names_en: dict[str, str]) -> list[dict]:
    """One record per province, then the national total (code TOTAL)."""
    from .queries import completeness

    out = []
    for row in [*result.rows, result.total]:
        confirmed, laos, share = completeness(row)
        out.append({"province_code": row.code, "province_name_th": row.name if row.code != cmp.TOTAL_CODE else "",
                    "province_name_en": names_en.get(row.code, ""), **_cells(row.cells),
                    "laos": laos, "confirmed_laos": confirmed, "confirmed_pct": share})
    return out


def province_records(table) -> list[dict]:
    """One record per district, then the province's total (code TOTAL)."""
    return [{"district_code": r.code, "district_name_th": r.name, "district_name_en": r.name_en, **_cells(r.cells),
             "laos": r.laos, "confirmed_laos": r.confirmed, "confirmed_pct": r.share}
            for r in [*table.rows, table.total]]


def csv_body(records: list[dict], fields: list[Field]) -> bytes:
    """The records as CSV: UTF-8 with a BOM, the machine column keys as headers, plain numbers."""
    columns = [Column(f.key, f.key, f.kind) for f in fields]
    return exports.csv_bytes(exports.frame(records, columns), columns, bom=True, excel_safe=True, human=False)


def _plain(value):
    """A JSON-ready value: percents as strings with 2 places (exact), others as they are."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def json_body(records: list[dict], fields: list[Field], selection: dict) -> bytes:
    """The records as JSON with the selection, the columns' units and the licence."""
    doc = {
        "licence": LICENCE,
        "selection": selection,
        "units": {f.key: f.unit for f in fields},
        "rows": [{f.key: _plain(r.get(f.key)) for f in fields} for r in records],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def selection_of(s) -> dict:
    """What the open data counts (a reports.queries.Selection), in plain values."""
    return {"fiscal_year": s.year, "base_year": s.base_year, "through_installment": s.through, "round": s.round,
            "current_installments": list(s.current_installments), "base_installments": list(s.base_installments),
            "current_period": list(s.current_period), "base_period": list(s.base_period),
            "basis": s.basis_used, "status": cmp.STATUS_CONFIRMED, "province_code": s.province_code}
