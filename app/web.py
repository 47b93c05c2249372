"""Template filters and globals shared by every page: Thai dates, money, labels, today, demo banner; the B.E. date field."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from collections.abc import Callable
from typing import Any, overload
from urllib.parse import quote

from flask import Flask, Response, current_app, flash, g, request, url_for
from flask_babel import lazy_gettext
from markupsafe import Markup, escape
from wtforms import Field
from wtforms.validators import ValidationError as WTFormsValidationError
from wtforms.widgets import TextInput

from .domain import calendar as cal
from .domain import thai_dates
from .domain.errors import N_, DomainError, ValidationError
from .domain.money import format_baht, format_pct
from .domain.vocabulary import NOTIFICATION_KIND_LABELS
from .domain.workflow import ACTION_LABELS, ROLE_LABELS, STATUS_LABELS, ReviewAction, Role, Status
from .i18n import gettext, is_thai

BANGKOK = timezone(timedelta(hours=7))


def today() -> date:
    """Today's date in Asia/Bangkok, or the configured TODAY (tests and demos)."""
    fixed = current_app.config.get("TODAY")
    if fixed:
        return date.fromisoformat(str(fixed))
    return datetime.now(BANGKOK).date()


def action_time() -> datetime | None:
    """The timestamp of a user's action: None (the operation's clock) unless TODAY is fixed.

    With a fixed TODAY (tests, demos) the time of day is kept but the date is the app's, so a
    recording or confirmation date agrees with the deadline it is compared with.
    """
    if not current_app.config.get("TODAY"):
        return None
    moved = datetime.combine(today(), datetime.now(BANGKOK).time(), BANGKOK)
    return moved.astimezone(timezone.utc).replace(tzinfo=None)


@overload
def to_local(dt: datetime) -> datetime: ...
@overload
def to_local(dt: None) -> None: ...
def to_local(dt: datetime | None) -> datetime | None:
    """A naive UTC timestamp as Asia/Bangkok local time."""
    if dt is None:
        return None
    return dt.replace(tzinfo=timezone.utc).astimezone(BANGKOK)


def show_date(d, long: bool = False) -> str:
    """A date (or a UTC timestamp, shown with local time) with the Buddhist year in the UI language."""
    if isinstance(d, datetime):
        local = to_local(d)
        return cal.thai_date(local, long, with_time=True) if is_thai() else cal.english_date(local, with_time=True)
    return cal.thai_date(d, long) if is_thai() else cal.english_date(d)


def be_datetime(d) -> str:
    """A UTC timestamp as Bangkok time วว/ดด/ปปปป HH:MM (a date as วว/ดด/ปปปป), Buddhist year, in every language."""
    if d is None:
        return ""
    if isinstance(d, datetime):
        local = to_local(d)
        return f"{thai_dates.format_be_date(local.date())} {local:%H:%M}"
    return thai_dates.format_be_date(d)


def audit_details(event) -> list:
    """An audit event's values as lines (label, before, after, changed), item names cached for the request."""
    from . import audit_text

    if "audit_item_names" not in g:
        g.audit_item_names, g.audit_labels = audit_text.item_names(), {}
    return audit_text.details(event.action, event.old_values, event.new_values, g.audit_item_names, g.audit_labels)


def audit_subject(event) -> str:
    """What an audit event is about, in words."""
    from . import audit_text

    return audit_text.subject(event.object_type, event.object_id)


# The default rounds' names (app.reference ROUNDS_2560, ROUNDS_MONTHLY) as msgids, so that round_name() can show
# them in English; a name an administrator typed is shown as typed.
DEFAULT_ROUND_NAMES = (N_("รอบที่ 1 (งวด 1–6)"), N_("รอบที่ 2 (ทั้งปี)"), N_("รอบ 6 เดือน"), N_("รอบ 9 เดือน"),
                       N_("รอบ 12 เดือน"))


def round_name(name: str | None) -> str:
    """An evaluation round's name in the UI language: a default round's translated, any other as stored."""
    return gettext(name) if name else ""


def fiscal_months() -> list[str]:
    """The fiscal year's month labels, October first, in the UI language (ต.ค. … ก.ย. / Oct … Sep)."""
    months = cal.THAI_MONTHS_SHORT if is_thai() else cal.EN_MONTHS_SHORT
    return [months[(9 + i) % 12] for i in range(12)]


def local_name(obj) -> str:
    """An object's name in the UI language: name_th, or name_en in English when it has one."""
    if not is_thai() and getattr(obj, "name_en", None):
        return obj.name_en
    return obj.name_th


def status_label(status) -> str:
    """Translated label of a workflow status."""
    return gettext(STATUS_LABELS[Status(status)])


STATUS_COLOURS = {"not_recorded": "secondary", "recorded": "primary", "confirmed": "success",
                  "returned": "warning text-dark"}


def status_badge(status) -> Markup:
    """A workflow status as a coloured badge (a template global: the entry pages' rows repeat it)."""
    value = getattr(status, "value", status)
    return Markup(f'<span class="badge bg-{STATUS_COLOURS[value]}" data-testid="status">{escape(status_label(value))}'
                  '</span>')


def late_text(days: int | None) -> Markup:
    """Days late in red ("–" when on time), for the entry pages."""
    if not days:
        return Markup("–")
    text = escape(gettext("ล่าช้า %(days)s วัน", days=days))
    return Markup(f'<span class="text-danger fw-semibold" data-testid="days-late">{text}</span>')


def pct_cell(value: Decimal | None) -> Markup:
    """A table cell with a percentage change, marked negative or positive."""
    sign = "" if value is None or value == 0 else (" neg" if value < 0 else " pos")
    return Markup(f'<td class="num{sign}">{escape(format_pct(value))}</td>')


def role_label(role) -> str:
    """Translated label of a role."""
    return gettext(ROLE_LABELS[Role(role)])


def action_label(action) -> str:
    """Translated label of a review action."""
    return gettext(ACTION_LABELS[ReviewAction(action)])


def notification_kind(kind: str) -> str:
    """Translated label of a notification kind (the raw value for an unknown one)."""
    label = NOTIFICATION_KIND_LABELS.get(kind)
    return gettext(label) if label else kind


def show_period(start: date, end: date) -> str:
    """An installment period in the UI language with Buddhist years: ต.ค. 2559 – ก.พ. 2560 / Oct 2559 – Feb 2560."""
    return cal.thai_period(start, end) if is_thai() else cal.english_period(start, end)


def domain_message(err: DomainError) -> str:
    """Translate a DomainError's message and fill its parameters."""
    text = gettext(err.message)
    return text % err.params if err.params else text


def _form_field(form, name: str | None):
    """The field of `form` an error names: the form's own `field_for_error`, an attribute, or a
    'rows-0-amount' path into its FieldLists; None when it names no field."""
    if not name:
        return None
    if hasattr(form, "field_for_error"):
        return form.field_for_error(name)
    target = form
    for part in name.split("-"):
        if part.isdigit() and target is not None:
            index = int(part)
            target = target[index] if index < len(getattr(target, "entries", ())) else None
        else:
            target = getattr(target, part, None)
    return target if target is not form and hasattr(target, "errors") else None


def refuse(form, err: DomainError, default: str | None = None) -> None:
    """The one way a view reports a refused operation on its form: roll the request's transaction back,
    then show the DomainError (or each error of a ValidationError) next to the field it names (or
    `default`), or as a flashed message when it names no field of the form."""
    from . import db

    db.session.rollback()
    errors = err.errors.values() if isinstance(err, ValidationError) else [err]
    for e in errors:
        field = _form_field(form, e.field) or _form_field(form, default)
        if field is None:
            flash(domain_message(e), "error")
        else:
            field.errors = [*field.errors, domain_message(e)]


MIMETYPES = {
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to a text type once
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",  # the public page's open data
}


def download(body, filename: str) -> Response:
    """A file download: bytes (or a generator of str/bytes) as an attachment named `filename`, its type from the
    extension, never cached."""
    response = Response(body, mimetype=MIMETYPES[filename.rsplit(".", 1)[-1]])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def demo_loaded() -> bool:
    """Whether demo data is loaded (cached per request)."""
    if "demo_loaded" not in g:
        from . import db
        from .models import Setting

        try:
            g.demo_loaded = db.session.get(Setting, "demo_data") is not None
        except Exception:  # an error page must render even when the database is down
            db.session.rollback()
            g.demo_loaded = False
    return g.demo_loaded


_LAO, _VER, _NAT, _ADM = (r.value for r in (Role.LAO_OFFICER, Role.PROVINCE_VERIFIER, Role.NATIONAL_VIEWER, Role.ADMIN))
NAV_ITEMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("entry.home", N_("บันทึกข้อมูลรายได้"), (_LAO,)),
    ("verify.home", N_("ตรวจสอบและยืนยันข้อมูล"), (_VER, _ADM)),
    ("verify.status", N_("สถานะการบันทึก (INR911)"), (_VER, _NAT, _ADM)),
    ("verify.matrix", N_("ความก้าวหน้ารายงวด"), (_VER, _ADM)),
    ("verify.accounts", N_("บัญชีผู้ใช้ อปท."), (_VER,)),
    ("reports.home", N_("รายงานเปรียบเทียบ"), (_VER, _NAT, _ADM)),
    ("reports.monitoring", N_("ติดตามจังหวัด"), (_NAT, _ADM)),
    ("reports.kpi", N_("คะแนน KPI"), (_NAT, _ADM)),
    ("kpi.scorecard_page", N_("แบบสรุปตัวชี้วัด"), (_VER, _NAT, _ADM)),
    ("kpi.evaluation_page", N_("ผลการประเมิน"), (_VER, _NAT, _ADM)),
    ("kpi.definitions", N_("ตัวชี้วัด (KPI)"), (_NAT, _ADM)),
    ("deadlines.index", N_("ขยายกำหนดเวลา"), (_LAO, _VER, _NAT, _ADM)),
    ("admin.home", N_("ผู้ดูแลระบบ"), (_ADM,)),
    ("admin.audit", N_("ประวัติการแก้ไข"), (_LAO, _VER, _NAT, _ADM)),
)
"""Main menu entries: endpoint, label (translated when shown), roles that see it."""


def nav_items(role: str) -> list[tuple[str, str, str]]:
    """The main menu of `role`: endpoint, URL and translated label of each entry it sees."""
    return [(endpoint, page_url(endpoint), gettext(label)) for endpoint, label, roles in NAV_ITEMS if role in roles]


URL_MEMO_SIZE = 2048


def page_url(endpoint: str, **values: Any) -> str:
    """`url_for(endpoint, **values)` for the links every page repeats (menu, assets), remembered per process.

    A url_for costs about 70 Python calls (the rule's builder, URL defaults, the assets' fingerprint), and the
    page chrome repeats some 15 of them on every request. The URL depends only on the app, the site root the
    request came through and the values, so it is memoised on those (not in debug, where assets change under a
    running server). Per-row links use `url_maker` instead."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.debug:
        return url_for(endpoint, **values)
    key = (request.script_root, endpoint, *sorted(values.items()))
    memo: dict[tuple, str] = app.extensions.setdefault("page_urls", {})
    url = memo.get(key)
    if url is None:
        if len(memo) >= URL_MEMO_SIZE:
            memo.clear()
        url = memo[key] = url_for(endpoint, **values)
    return url


_MARK = 864_209_753_100  # a number no real path value has: url_maker's placeholders are _MARK + position


def url_maker(endpoint: str, *varying: str, **fixed: Any) -> Callable[..., str]:
    """One url_for for a page's rows of links that differ only in the `varying` path values: the returned
    function fills them in, e.g. url_maker("entry.edit", "number", lao_code=c, year=y)(number=3). Each placeholder
    is a large number, so both string and integer URL converters accept it."""
    marks: dict[str, Any] = {name: str(_MARK + i) for i, name in enumerate(varying)}
    pattern = url_for(endpoint, **fixed, **marks)

    def make(**values: Any) -> str:
        url = pattern
        for name, mark in marks.items():
            url = url.replace(mark, quote(str(values[name]), safe=""))
        return url

    return make


def register(app: Flask) -> None:
    """Register the filters and globals on `app`."""
    app.add_template_filter(show_date, "thdate")
    app.add_template_filter(lambda v: format_baht(v if v is None or isinstance(v, Decimal) else Decimal(v)), "baht")
    app.add_template_filter(format_pct, "pct")
    app.add_template_filter(status_label, "status_label")
    app.add_template_filter(role_label, "role_label")
    app.add_template_filter(action_label, "action_label")
    app.add_template_filter(show_period, "thperiod")
    app.add_template_filter(thai_dates.format_be_date, "bedate")
    app.add_template_filter(local_name, "name")
    app.add_template_filter(be_datetime, "bedate")
    app.add_template_filter(round_name, "round_name")
    app.add_template_filter(notification_kind, "notification_kind")
    app.add_template_global(fiscal_months, "fiscal_months")
    app.add_template_filter(audit_details, "audit_details")
    app.add_template_filter(audit_subject, "audit_subject")
    app.add_template_global(today, "today")
    app.add_template_global(demo_loaded, "demo_loaded")
    app.add_template_global(is_thai, "is_thai")
    app.add_template_global(nav_items, "nav_items")
    app.add_template_global(page_url, "page_url")
    app.add_template_global(status_badge, "status_badge")
    app.add_template_global(late_text, "late_text")
    app.add_template_global(pct_cell, "pct_cell")
    app.add_template_global(url_maker, "url_maker")


class BuddhistDateField(Field):
    """A date typed in the Buddhist Era as วว/ดด/ปปปป in a text input (numeric keyboard); `data` is the CE date.

    A stored date is shown back as 20/11/2570; text that does not parse keeps what was typed and gets the
    domain's Thai message as the field's error (the parse is app.domain.thai_dates.parse_be_date).
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, render_kw=None, **kwargs) -> None:
        """The field with the B.E. placeholder and a numeric keyboard (render_kw may add to them)."""
        attributes = {"placeholder": lazy_gettext("วว/ดด/ปปปป"), "inputmode": "numeric", "autocomplete": "off",
                      **(render_kw or {})}
        super().__init__(label, validators, render_kw=attributes, **kwargs)

    def _value(self) -> str:
        """What the input shows: the text as typed, else the stored date in B.E."""
        if self.raw_data:
            return str(self.raw_data[0])
        return thai_dates.format_be_date(self.data) if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist) -> None:
        """Parse the typed text; blank is None (InputRequired or Optional decide), bad text a ValueError."""
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        try:
            self.data = thai_dates.parse_be_date(str(valuelist[0]), field=self.name)
        except DomainError as err:
            raise ValueError(domain_message(err)) from None


class BuddhistYearWindow:
    """Validator: the date's B.E. year is from `earliest` to this year (in Bangkok) plus `ahead`."""

    def __init__(self, earliest: int = 2500, ahead: int = 1) -> None:
        """The window's first B.E. year and how many years past the current one it reaches."""
        self.earliest, self.ahead = earliest, ahead

    def __call__(self, form, field) -> None:
        """Raise wtforms' ValidationError with the domain's message when the date is outside the window."""
        if not isinstance(field.data, date):
            return
        try:
            thai_dates.check_be_year_window(field.data, self.earliest, cal.be_year(today().year) + self.ahead,
                                            field=field.name)
        except DomainError as err:
            raise WTFormsValidationError(domain_message(err)) from None
