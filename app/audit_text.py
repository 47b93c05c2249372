"""Audit events as readable lines for the audit page and its CSV: labels instead of keys, item names instead of
codes, status and type labels, amounts with separators, dates in the Buddhist Era; never raw JSON or file hashes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from .domain import thai_dates
from .domain.errors import N_
from .domain.extensions import KIND_LABELS as EXTENSION_KIND_LABELS
from .domain.extensions import STATUS_LABELS as EXTENSION_STATUS_LABELS
from .domain.money import format_baht
from .domain.vocabulary import (
    CLASS_LABELS,
    LAO_TYPE_LABELS,
    NOTIFICATION_KIND_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    AuditAction,
)
from .i18n import gettext as _

HIDDEN_KEYS = frozenset({"sha256"})  # a file's hash identifies it for the chain, but tells a reader nothing
LIST_LIMIT = 20

KEY_LABELS: dict[str, str] = {
    "status": N_("สถานะ"), "position": N_("ตำแหน่ง"), "phone": N_("โทรศัพท์"), "reason": N_("เหตุผล"),
    "role": N_("บทบาท"), "scope": N_("ขอบเขต"), "full_name": N_("ชื่อ-สกุล"),
    "one_time_password": N_("รหัสผ่านครั้งแรก"), "bulk": N_("สร้างทั้งชุด"), "active": N_("ใช้งาน"),
    "failures": N_("จำนวนครั้งที่ผิด"), "wait_seconds": N_("ต้องรอ (วินาที)"),
    "tokens_revoked": N_("จำนวนโทเค็นที่ยกเลิก"), "user": N_("ผู้ใช้"), "name": N_("ชื่อโทเค็น"),
    "schedule": N_("รูปแบบงวด"), "installments": N_("จำนวนงวด"), "rounds": N_("รอบการประเมิน"),
    "lao_code": N_("รหัส อปท."), "name_th": N_("ชื่อภาษาไทย"), "name_en": N_("ชื่อภาษาอังกฤษ"),
    "lao_type": N_("ประเภท"), "municipality_class": N_("ชั้นเทศบาล"), "province": N_("จังหวัด"),
    "district": N_("อำเภอ"), "province_code": N_("จังหวัด"), "district_code": N_("อำเภอ"),
    "file": N_("แฟ้ม"), "rows": N_("จำนวนแถว"), "created": N_("เพิ่ม (แห่ง)"), "changed": N_("แก้ไข (แห่ง)"),
    "created_codes": N_("รหัสที่เพิ่ม"), "confirmed": N_("บันทึกเป็นยืนยันแล้ว"),
    "entries_created": N_("รายการที่เพิ่ม"), "entries_changed": N_("รายการที่แก้ไข"),
    "entries_unchanged": N_("รายการที่ไม่เปลี่ยน"), "reports": N_("จำนวนงวดของ อปท."),
    "years_created": N_("ปีงบประมาณที่สร้าง"), "total": N_("ยอดรวม (บาท)"), "accounts": N_("จำนวนบัญชี"),
    "thresholds": N_("เกณฑ์คะแนน (ร้อยละการเติบโต)"), "weight_pao": N_("น้ำหนัก อบจ. (%)"),
    "weight_municipality": N_("น้ำหนัก เทศบาล (%)"), "weight_sao": N_("น้ำหนัก อบต. (%)"),
    "method": N_("วิธีการร้องขอ"),
    "kind": N_("เรื่อง"), "installment": N_("ปีงบประมาณ/งวด"), "deadline": N_("กำหนดเดิม"),
    "requested": N_("ขอขยายถึง"), "new_deadline": N_("ขยายถึง"), "state": N_("ผลการพิจารณา"),
    "decision_reason": N_("เหตุผลประกอบการพิจารณา"), "late_cleared": N_("จำนวน อปท. ที่ไม่ถือว่ายืนยันล่าช้าอีกต่อไป"),
    "email": N_("อีเมล"), "provinces": N_("จังหวัดที่แจ้ง"),
    "laos": N_("อปท. ที่แจ้ง"), "recipients": N_("จำนวนผู้รับ"), "message": N_("ข้อความ"),
    "reminder_days": N_("เตือนล่วงหน้า (วัน)"),
}

VALUE_LABELS: dict[str, dict[str, str]] = {
    "reason": {"unknown_user": N_("ไม่พบชื่อผู้ใช้"), "backoff": N_("ลองใหม่เร็วเกินไป"),
               "wrong_password": N_("รหัสผ่านไม่ถูกต้อง"), "disabled": N_("บัญชีถูกปิดใช้"),
               "password_changed": N_("เปลี่ยนรหัสผ่าน"), "password_reset": N_("ตั้งรหัสผ่านใหม่"),
               "account_disabled": N_("ปิดใช้บัญชี"), "sessions_ended": N_("ออกจากระบบทุกอุปกรณ์"),
               "no_scope": N_("บัญชีไม่มีขอบเขตข้อมูล")},
    "schedule": {"monthly": N_("รายเดือน (12 งวด)"), "dla2560": N_("ตามหนังสือสั่งการ 2560 (8 งวด)"),
                 "annual": N_("รายปี (1 งวด)")},
    "status": {s.value: label for s, label in STATUS_LABELS.items()},
    "role": {r.value: label for r, label in ROLE_LABELS.items()},
    "lao_type": dict(LAO_TYPE_LABELS),
    "municipality_class": dict(CLASS_LABELS),
    # an extension's kind (entry, confirm) or a notice's (app.domain.vocabulary.NotificationKind): no value in both
    "kind": {**EXTENSION_KIND_LABELS, **{str(k): label for k, label in NOTIFICATION_KIND_LABELS.items()}},
    "state": dict(EXTENSION_STATUS_LABELS),
}

INSTALLMENT_ID = re.compile(r"(?P<lao>[^/]+)/(?P<year>\d{4})/(?P<n>\d{1,2})")
FIGURE_KEY = re.compile(r"(?P<lao>[^/]+)/(?P<year>\d{4})/(?P<n>\d{1,2})/(?P<item>[A-Za-z0-9_]+)")
ACTIVATION_KEY = re.compile(r"(?P<item>[A-Za-z0-9_]+)/(?P<type>PAO|MUNICIPALITY|SAO)")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
AMOUNT = re.compile(r"-?\d+\.\d{2}")


class Detail(NamedTuple):
    """One line of an event's details: what (label), the value before (None: none recorded) and after."""

    label: str
    old: str | None
    new: str | None
    changed: bool

    def text(self) -> str:
        """The line as a sentence: 'สถานะ: บันทึกแล้ว → ยืนยันแล้ว', or 'label: value' without a before."""
        if self.old is None:
            return f"{self.label}: {self.new or '–'}"
        return f"{self.label}: {self.old} → {self.new or '–'}"


def _yes_no(value: bool) -> str:
    """ใช่ / ไม่ in the UI language."""
    return _("ใช่") if value else _("ไม่")


def _amount(text) -> str:
    """A plain decimal (string or number) as baht with separators; anything else as it is."""
    if isinstance(text, str) and AMOUNT.fullmatch(text):
        return f"{Decimal(text):,.2f}"  # already exactly 2 places: nothing to round
    try:
        return format_baht(Decimal(str(text)))
    except (InvalidOperation, ValueError):
        return str(text)


def _be(text: str) -> str:
    """ISO dates inside `text` as B.E. dates วว/ดด/ปปปป."""
    return ISO_DATE.sub(lambda m: thai_dates.format_be_date(date.fromisoformat(m[0])), text)


def _plain(key: str, value) -> str | None:
    """A value as short text: labels for known codes, yes/no, lists cut at LIST_LIMIT, B.E. dates."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, list):
        if key == "rounds":
            return ", ".join(_("%(name)s (ถึงงวดที่ %(n)s)", name=r[0], n=r[1]) if isinstance(r, list) and len(r) == 2
                             else str(r) for r in value) or "–"
        text = ", ".join(str(_plain(key, v) or "–") for v in value[:LIST_LIMIT])
        return text + (f" … (+{len(value) - LIST_LIMIT:,})" if len(value) > LIST_LIMIT else "")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(k, v) or '–'}" for k, v in value.items())
    labels = VALUE_LABELS.get(key)
    if labels and str(value) in labels:
        return _(labels[str(value)])
    if isinstance(value, str) and AMOUNT.fullmatch(value):
        return _amount(value)
    if isinstance(value, int):
        return f"{value:,}"
    return _be(str(value))


def _label(key: str, items: Mapping[str, str], action: str) -> tuple[str, str]:
    """(label, value key) of a details key: item codes by name, figure and activation keys in words."""
    if key in items:
        return items[key], "amount"
    if key.startswith("explain_") and key[8:] in items:
        return _("คำชี้แจง %(item)s", item=items[key[8:]]), "text"
    if key == "late":
        confirm = action == AuditAction.CONFIRM_INSTALLMENT.value
        return (_("ยืนยันหลังกำหนด") if confirm else _("บันทึกหลังกำหนด")), "late"
    if key.isdigit():
        return _("งวดที่ %(n)s กำหนดบันทึก / กำหนดยืนยัน", n=key), "text"
    if key == "status" and action in (AuditAction.ACCESS_DENIED.value, AuditAction.CSRF_REJECTED.value):
        return _("รหัสตอบกลับ"), "text"
    figure = FIGURE_KEY.fullmatch(key)
    if figure:
        item = items.get(figure["item"], figure["item"])
        return _("%(lao)s ปี %(year)s งวดที่ %(n)s %(item)s", lao=figure["lao"], year=figure["year"],
                  n=figure["n"], item=item), "amount"
    activation = ACTIVATION_KEY.fullmatch(key)
    if activation:
        item = items.get(activation["item"], activation["item"])
        return _("%(item)s (%(type)s)", item=item, type=_(LAO_TYPE_LABELS[activation["type"]])), "activation"
    if "." in key:  # a register import: <LAO code>.<field>
        code, field = key.split(".", 1)
        return f"{code} {_(KEY_LABELS[field]) if field in KEY_LABELS else field}", field
    return (_(KEY_LABELS[key]) if key in KEY_LABELS else key), key


def details(action: str, old: Mapping | None, new: Mapping | None,
            items: Mapping[str, str] | None = None, labels: dict | None = None) -> list[Detail]:
    """The event's values as lines, one per key (the keys of `old` then those only in `new`), hidden keys left out.

    `items` maps revenue item codes to their names in the UI language (default: the reference data's); `labels`, a
    dict the caller keeps for one request, remembers each (action, key)'s label across events (a long export).
    """
    items = item_names() if items is None else items
    labels = {} if labels is None else labels
    old, new = old or {}, new or {}
    keys = [k for k in dict.fromkeys([*old, *new]) if k not in HIDDEN_KEYS]
    out = []
    for key in keys:
        found = labels.get((action, key))
        if found is None:
            found = labels[(action, key)] = _label(key, items, action)
        label, kind = found
        before, after = old.get(key), new.get(key)
        out.append(Detail(label, (_show(kind, before) or "–") if key in old else None,
                          _show(kind, after) if key in new else None, key in old and key in new and before != after))
    return out


def _show(kind: str, value) -> str | None:
    """A value of a line of `kind`: an amount, ใช้/ไม่ใช้ (item activation), yes/no (late), else `_plain`."""
    if value is None:
        return None
    if kind == "amount":
        return _amount(value)
    if kind == "activation":
        return _("ใช้") if value else _("ไม่ใช้")
    if kind == "late":
        return _yes_no(bool(value))
    return _plain(kind, value)


def lines(action: str, old: Mapping | None, new: Mapping | None, items: Mapping[str, str] | None = None,
          labels: dict | None = None) -> list[str]:
    """The event's details as sentences (see `details`)."""
    return [d.text() for d in details(action, old, new, items, labels)]


def subject(object_type: str | None, object_id: str | None) -> str:
    """What an event is about, in words: 'ปีงบประมาณ 2570 งวดที่ 3' for an installment report, else type and id."""
    object_id = object_id or ""
    if object_type == "installment_report":
        m = INSTALLMENT_ID.fullmatch(object_id)
        if m:
            return _("ปีงบประมาณ %(year)s งวดที่ %(n)s", year=m["year"], n=m["n"])
    if object_type == "fiscal_year" and object_id:
        return _("ปีงบประมาณ %(year)s", year=object_id)
    if object_type == "kpi_settings" and object_id:
        return _("เกณฑ์ KPI ปีงบประมาณ %(year)s", year=object_id)
    if object_type == "user":
        return _("บัญชี %(name)s", name=object_id) if object_id else _("บัญชีผู้ใช้")
    if object_type == "lao":
        return _("อปท. %(code)s", code=object_id)
    if object_type == "api_token":
        return _("โทเค็น API เลขที่ %(id)s", id=object_id)
    if object_type == "notice":
        m = re.fullmatch(r"(\d{4})/(\d{1,2})", object_id)
        if m:
            return _("การแจ้งเตือน ปีงบประมาณ %(year)s งวดที่ %(n)s", year=m[1], n=m[2])
    if object_type == "import":
        return _("นำเข้าแฟ้ม")  # the id is the file's hash: the file's name is in the details
    if object_type == "deadline_extension":
        return _("คำขอขยายกำหนดเวลา เลขที่ %(id)s", id=object_id)
    if object_type == "security":
        return _("หน้า %(path)s", path=object_id)
    return f"{object_type or ''} {object_id}".strip()


def item_names() -> dict[str, str]:
    """Revenue item code -> name in the UI language, from the per-process reference data."""
    from . import reference
    from .web import local_name

    return {i.code: local_name(i) for i in reference.current().items}
