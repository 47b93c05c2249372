"""Files the admin area hands out: the one-time-password sheet (xlsx) and the audit trail (CSV, UTF-8 BOM, B.E. times,
details as readable lines)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from flask_babel import gettext as _

from .. import audit_text
from ..domain.vocabulary import LAO_TYPE_LABELS
from ..reports.exports import be_date
from ..web import to_local

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A text cell a spreadsheet will not run as a formula (leading = + - @ get a quote)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def accounts_xlsx(accounts: Iterable) -> bytes:
    """The distribution sheet of bulk-created accounts: place, LAO, username and one-time password."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "accounts"
    ws.append([_("จังหวัด"), _("อำเภอ"), _("รหัส อปท."), _("ชื่อ อปท."), _("ประเภท"), _("ชื่อผู้ใช้"),
               _("รหัสผ่านครั้งแรก")])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for a in accounts:
        lao_type = _(LAO_TYPE_LABELS[a.lao_type]) if a.lao_type in LAO_TYPE_LABELS else a.lao_type
        ws.append([safe_cell(v) for v in (a.province, a.district, a.lao_code, a.lao_name, lao_type, a.username,
                                          a.password)])
    for column, width in zip("ABCDEFG", (18, 20, 12, 40, 14, 16, 16)):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def audit_csv(rows: Iterable, action_label, *, with_ip: bool) -> Iterator[str]:
    """CSV text of audit rows (event, LAO code, LAO name, province name), starting with a UTF-8 BOM for Excel: the
    local time as วว/ดด/ปปปป HH:MM (B.E.), what the event is about and its details as sentences (audit_text); the IP
    column only when `with_ip` (auth.loaders.may_see_addresses)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    items = audit_text.item_names()
    labels: dict[tuple[str, str], tuple[str, str]] = {}  # each (action, key)'s label, worked out once per export

    def flush() -> str:
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return text

    header = [_("เวลา"), _("ผู้ใช้"), "IP", _("การดำเนินการ"), _("รหัสการดำเนินการ"), _("เรื่อง"),
              _("รหัสข้อมูล"), _("รหัส อปท."), _("ชื่อ อปท."), _("จังหวัด"), _("รายละเอียด")]
    if not with_ip:
        del header[2]
    writer.writerow(header)
    yield "\ufeff" + flush()
    for n, (event, lao_code, lao_name, province_name) in enumerate(rows, start=1):
        object_id = "" if event.object_type == "import" else event.object_id  # a file's hash: not for people
        details = "; ".join(audit_text.lines(event.action, event.old_values, event.new_values, items, labels))
        row = [be_date(to_local(event.at)), event.username, event.ip, action_label(event.action), event.action,
               audit_text.subject(event.object_type, event.object_id), object_id, lao_code, lao_name,
               province_name, details]
        if not with_ip:
            del row[2]
        writer.writerow([safe_cell(v) for v in row])
        if n % 500 == 0:
            yield flush()
    yield flush()
