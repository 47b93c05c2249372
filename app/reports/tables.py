"""The report tables as export columns, records and describing lines, shared by the pages, exports and CLI."""

from collections.abc import Sequence
from datetime import date, datetime

from markupsafe import Markup, escape

from flask_babel import gettext as _

from ..domain import calendar as cal
from ..domain import comparison as cmp
from ..domain.money import format_baht, format_pct, from_satang
from ..domain.workflow import STATUS_LABELS, Status
from ..web import round_name, show_date, show_period
from . import exports
from .exports import Column
from .queries import ComparisonResult, MonitoringResult, Rollup, Selection


def group_labels() -> dict[str, str]:
    """Translated column-group labels: อบจ., เทศบาล, อบต., รวมทุกประเภท."""
    return {g: _(label) for g, label in cmp.GROUP_LABELS.items()}


def _numbers(numbers: tuple[int, ...]) -> str:
    """1..N as '1–N' (or a single number)."""
    if not numbers:
        return "–"
    return str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}–{numbers[-1]}"


def _period(bounds: tuple[str, str]) -> str:
    """[start, end] ISO dates as a Thai period."""
    return show_period(date.fromisoformat(bounds[0]), date.fromisoformat(bounds[1]))


def as_of(dt: datetime | None) -> str:
    """A UTC timestamp as Thai local date and time."""
    return show_date(dt) if dt else "–"


def as_of_text(s: Selection) -> str:
    """The past moment a comparison is as of, as a local date and time with the B.E. year ("" when it is now)."""
    return show_date(datetime.fromisoformat(s.as_of)) if s.as_of else ""


def selection_lines(result: ComparisonResult) -> list[str]:
    """What the table counts, in words: installments and periods, basis, statuses, completeness, time."""
    s = result.selection
    lines = []
    scope = _("จังหวัด%(name)s", name=s.province_name) if s.province_name else _("ทั้งประเทศ")
    # Round names already say "รอบ" (รอบ 6 เดือน, รอบที่ 1): no second "รอบ" before them.
    through = round_name(s.round) if s.round else _("ถึงงวดที่ %(n)s", n=s.through)
    lines.append(_("%(scope)s · ปีงบประมาณ %(year)s %(through)s (งวดที่ %(cur)s, %(cur_period)s) "
                   "เทียบกับปีฐาน %(base)s (งวดที่ %(base_numbers)s, %(base_period)s)",
                   scope=scope, year=s.year, through=through, cur=_numbers(s.current_installments),
                   cur_period=_period(s.current_period), base=s.base_year,
                   base_numbers=_numbers(s.base_installments), base_period=_period(s.base_period)))
    if s.basis_used == cmp.BASIS_SAME_PERIOD:
        lines.append(_("ฐานการเปรียบเทียบ: ช่วงเดียวกันของปีฐาน"))
    elif s.basis_fallback:
        lines.append(_("ฐานการเปรียบเทียบ: ทั้งปีของปีฐาน — งวดของปีฐานไม่ตรงกับช่วงเวลาที่เลือก "
                       "จึงเปรียบเทียบช่วงเดียวกันไม่ได้ ใช้ยอดทั้งปีของปีฐาน (ค่าเป้าหมาย) แทน"))
    else:
        lines.append(_("ฐานการเปรียบเทียบ: ทั้งปีของปีฐาน (ค่าเป้าหมาย)"))
    if s.status == cmp.STATUS_LIKE_FOR_LIKE:
        lines.append(_("เทียบเฉพาะ อปท. ที่ สถจ. ยืนยันแล้วทุกงวดที่เปรียบเทียบทั้งสองปี (เทียบกันได้): %(n)s จาก %(laos)s "
                       "แห่ง; อปท. ที่ยังไม่ยืนยันครบในปีใดปีหนึ่งไม่นับทั้งสองปี ปีงบประมาณ %(year)s ยังไม่บันทึกครบ %(nr)s แห่ง "
                       "บันทึกครบแต่ยังไม่ยืนยันครบ %(nc)s แห่ง",
                       n=f"{s.paired or 0:,}", laos=f"{s.laos:,}", year=s.year, nr=f"{s.not_recorded:,}",
                       nc=f"{s.not_confirmed:,}"))
    elif s.status == cmp.STATUS_CONFIRMED:
        lines.append(_("นับเฉพาะข้อมูลที่ สถจ. ยืนยันแล้ว: ปีงบประมาณ %(year)s ยังไม่บันทึกครบ %(nr)s แห่ง "
                       "บันทึกครบแต่ยังไม่ยืนยันครบ %(nc)s แห่ง จาก อปท. %(laos)s แห่ง; ปีฐาน ยังไม่ครบ %(bm)s แห่ง",
                       year=s.year, nr=f"{s.not_recorded:,}", nc=f"{s.not_confirmed:,}",
                       laos=f"{s.laos:,}", bm=f"{s.base_missing:,}"))
    else:
        lines.append(_("นับข้อมูลทั้งหมดที่ อปท. บันทึก (บันทึกแล้ว ยืนยันแล้ว และส่งกลับแก้ไข): ปีงบประมาณ %(year)s "
                       "ยังไม่บันทึกครบ %(nr)s แห่ง จาก อปท. %(laos)s แห่ง; ปีฐาน ยังไม่ครบ %(bm)s แห่ง",
                       year=s.year, nr=f"{s.not_recorded:,}", laos=f"{s.laos:,}", bm=f"{s.base_missing:,}"))
    if s.as_of:
        lines.append(_("ข้อมูล ณ %(at)s (ตัวเลขตามที่บันทึกและยืนยันไว้ในขณะนั้น คำนวณเมื่อ %(computed)s)",
                       at=as_of_text(s), computed=as_of(result.computed_at)))
    else:
        lines.append(_("ข้อมูล ณ %(at)s", at=as_of(result.computed_at)))
    return lines


def coverage_text(coverage: cmp.Coverage, status: str) -> str:
    """How many LAOs a figure rests on, e.g. "ยืนยันแล้ว 3,120 จาก 7,846 แห่ง (39.77 %)"."""
    share = coverage.share(status)
    values = {"n": f"{coverage.counted(status):,}", "laos": f"{coverage.laos:,}",
              "pct": "–" if share is None else f"{share:,.2f}"}
    if status == cmp.STATUS_LIKE_FOR_LIKE:
        return _("ยืนยันแล้วทั้งสองช่วง %(n)s จาก %(laos)s แห่ง (%(pct)s %%)", **values)
    if status == cmp.STATUS_CONFIRMED:
        return _("ยืนยันแล้ว %(n)s จาก %(laos)s แห่ง (%(pct)s %%)", **values)
    return _("บันทึกแล้ว %(n)s จาก %(laos)s แห่ง (%(pct)s %%)", **values)


def headlines(result: ComparisonResult, groups: tuple[str, ...] = cmp.GROUPS) -> list[dict]:
    """The total row's change per shown group, each with the coverage it rests on (the page's headlines)."""
    labels = group_labels()
    coverage = result.total.coverage.get("current", cmp.Coverage())
    text = coverage_text(coverage, result.selection.status)
    share = coverage.share(result.selection.status)
    out = []
    for g in ("all", *(g for g in groups if g != "all")):
        cell = result.total.cells[g]
        if cell.base is None:
            continue
        out.append({"group": g, "label": labels[g], "pct": cell.pct, "coverage": text,
                    "complete": share is not None and share >= 100})
    return out


def is_partial(result: ComparisonResult) -> bool:
    """Whether some LAO's figures are not (all) counted in either year."""
    return bool(result.selection.missing or result.selection.base_missing)


def comparison_columns(result: ComparisonResult, groups: tuple[str, ...] = cmp.GROUPS) -> list[Column]:
    """Columns of the comparison export: code, name, then base, current and percent per group."""
    s = result.selection
    labels = group_labels()
    national = result.level == "national"
    if national:
        cols = [Column("province_code", _("รหัสจังหวัด"), "code"), Column("province_name", _("จังหวัด"), "text")]
    else:
        cols = [Column("lao_code", _("รหัส อปท."), "code"), Column("lao_name", _("อปท."), "text")]
    for g in cmp.GROUPS:
        if g not in groups and g != "all":
            continue
        cols += [Column(f"{g}_base", _("%(group)s ปี %(year)s", group=labels[g], year=s.base_year), "money"),
                 Column(f"{g}_current", _("%(group)s ปี %(year)s", group=labels[g], year=s.year), "money"),
                 Column(f"{g}_pct", _("%(group)s ร้อยละที่เปลี่ยนแปลง", group=labels[g]), "pct")]
    return cols


def comparison_title(result: ComparisonResult) -> str:
    """Title of the comparison report."""
    s = result.selection
    if s.province_name:
        return _("รายงานเปรียบเทียบรายได้ที่ อปท. จัดเก็บเอง จังหวัด%(name)s ปีงบประมาณ %(year)s กับปี %(base)s",
                 name=s.province_name, year=s.year, base=s.base_year)
    return _("รายงานเปรียบเทียบรายได้ที่ อปท. จัดเก็บเอง (INF508) ปีงบประมาณ %(year)s กับปี %(base)s",
             year=s.year, base=s.base_year)


def comparison_sheet(result: ComparisonResult, groups: tuple[str, ...] = cmp.GROUPS) -> exports.Sheet:
    """The comparison as one worksheet; at province level with district subtotal rows (bold)."""
    level = result.level
    records, bold = [], set()
    if level == "national":
        records = [r.record(level) for r in result.rows]
    else:
        for subtotal, members in result.groups:
            records.extend(r.record(level) for r in members)
            sub = subtotal.record(level)
            sub["lao_code"] = ""
            sub["lao_name"] = _("รวมอำเภอ%(name)s", name=subtotal.name)
            bold.add(len(records))
            records.append(sub)
    total = result.total.record(level)
    total[f"{'province' if level == 'national' else 'lao'}_name"] = _("รวม")
    bold.add(len(records))
    records.append(total)
    columns = comparison_columns(result, groups)
    return exports.Sheet(_("เปรียบเทียบรายได้"), comparison_title(result), selection_lines(result),
                         exports.frame(records, columns), columns, bold)


def comparison_csv(result: ComparisonResult, bom: bool, excel_safe: bool) -> bytes:
    """The comparison in the CSV layout of the command line: rows, then the total row (code TOTAL). With a BOM (a
    file for a spreadsheet) the headers are the workbook's Thai ones; without, the machine column names."""
    thai = {c.key: c.header for c in comparison_columns(result)}
    columns = [Column(f, thai.get(f, f), "money" if f.endswith(("_base", "_current")) else "pct"
                      if f.endswith("_pct") else "code" if f.endswith("_code") else "text") for f in result.fields]
    return exports.csv_bytes(exports.frame(result.records(), columns), columns, bom=bom, excel_safe=excel_safe)


def comparison_json(result: ComparisonResult) -> dict:
    """The comparison as JSON-ready values: amounts as plain strings with 2 places, percents or null."""
    def plain(record: dict) -> dict:
        """Decimals as strings with 2 places, None as null."""
        out = {}
        for k, v in record.items():
            out[k] = None if v is None else (f"{v:.2f}" if not isinstance(v, str) else v)
        return out

    return {"selection": result.selection.as_dict(), "rows": [plain(r.record(result.level)) for r in result.rows],
            "total": plain(result.total.record(result.level))}


def chart_rows(result: ComparisonResult) -> tuple[dict[str, list[dict]], list[dict]]:
    """({group: percent change per row}, cumulative amount per fiscal month and year) for the charts."""
    pct = {g: [{"name": r.name, "pct": r.cells[g].pct} for r in result.rows] for g in cmp.GROUPS}
    lines = []
    s = result.selection
    for side, year in (("current", s.year), ("base", s.base_year)):
        running = 0
        for _n, start, end, sums in result.series.get(side, []):
            running += sum(sums.values())
            fy_start = date(cal.ce_year(year) - 1, 10, 1)
            month = (end.year - fy_start.year) * 12 + end.month - fy_start.month
            lines.append({"series": _("ปี %(year)s", year=year), "month": month,
                          "cumulative": from_satang(running)})
    return pct, lines


def comparison_cells(row: cmp.Row, groups: Sequence[str]) -> Markup:
    """The <td> cells (base, current, % change) of each shown group of a comparison row: built in Python because
    they are most of a page (a province of 300 LAOs has about 4,000), where a template costs several times more.
    The markup is what reports/_macros.html `cells` used to write."""
    out = []
    for g in groups:
        c = row.cells[g]
        if c.base is None:
            out.append('<td class="num"></td><td class="num"></td><td class="num" data-pct=""></td>')
            continue
        p = c.pct
        cls = "" if p is None or p == 0 else (" neg" if p < 0 else " pos")
        out.append(f'<td class="num">{format_baht(c.base)}</td><td class="num">{format_baht(c.current)}</td>'
                   f'<td class="num{cls}" data-pct="{"" if p is None else p}">{format_pct(p)}</td>')
    return Markup("".join(out))  # numbers and fixed markup only: nothing to escape


def comparison_body(result: ComparisonResult, groups: Sequence[str], province_url) -> Markup:
    """The national table's rows: a province per row (code, name linking to `province_url(code=...)`, the cells of
    each shown group, the LAOs not counted of the LAOs expected). Built in Python, as the drill-down's are."""
    status = result.selection.status
    out = []
    for row in result.rows:
        cov = row.coverage["current"]
        missing = cov.missing(status)
        code = escape(row.code)
        out.append(f'<tr data-code="{code}">\n<td>{code}</td>\n<td class="name-col">'
                   f'<a href="{escape(province_url(code=row.code))}">{escape(row.name)}</a></td>\n'
                   f'{comparison_cells(row, groups)}\n'
                   f'<td class="num cov-col{" text-danger-emphasis" if missing else ""}">{missing:,} / {cov.laos:,}</td>\n'
                   '</tr>\n')
    return Markup("".join(out))


def drilldown_body(result: ComparisonResult, groups: Sequence[str], entry_url) -> Markup:
    """The drill-down table's <tbody> per district: a row per LAO (code, name linking to `entry_url(code)`, the
    cells of each shown group, the current year's data status) and the district's subtotal row. Built in Python,
    as the cells are: for a province of 309 LAOs the page's template renders in about 14 ms instead of 20. Names
    are escaped."""
    link_title = escape(_("ดูข้อมูลงวดที่ %(n)s", n=result.selection.through))
    badges = (f'<span class="text-muted">{escape(_("ไม่ใช้งาน"))}</span>',
              f'<span class="badge text-bg-danger">{escape(_("ยังไม่บันทึกครบ"))}</span>',
              f'<span class="badge text-bg-warning">{escape(_("รอยืนยัน"))}</span>',
              f'<span class="badge text-bg-success">{escape(_("ครบ"))}</span>')
    span = 3 + 3 * len(groups)
    out = []
    for subtotal, members in result.groups:
        out.append(f'<tbody>\n<tr class="table-light"><th colspan="{span}" scope="rowgroup">'
                   f'{escape(_("อำเภอ%(name)s", name=subtotal.name))}</th></tr>\n')
        for row in members:
            cov = row.coverage["current"]
            status = badges[0 if not cov.laos else 1 if cov.not_recorded else 2 if cov.not_confirmed else 3]
            name, short = escape(row.name), escape(cmp.short_lao_name(row.name))
            short_attr = f' data-short="{short}"' if short != name else ""
            code = escape(row.code)
            out.append(f'<tr data-code="{code}">\n<td>{code}</td>\n<td class="name-col"{short_attr}>'
                       f'<a href="{escape(entry_url(row.code))}" title="{link_title}">{name}</a></td>\n'
                       f'{comparison_cells(row, groups)}\n<td class="status-col text-center">{status}</td>\n</tr>\n')
        out.append(f'<tr class="fw-semibold table-light" data-code="district-{escape(subtotal.code)}">\n'
                   f'<td></td><td class="name-col">{escape(_("รวมอำเภอ%(name)s", name=subtotal.name))}</td>\n'
                   f'{comparison_cells(subtotal, groups)}\n<td></td>\n</tr>\n</tbody>\n')
    return Markup("".join(out))


def status_text(status: str) -> str:
    """Translated workflow status."""
    return _(STATUS_LABELS[Status(status)])


def monitoring_sheet(result: MonitoringResult) -> exports.Sheet:
    """The monitoring table (worst first) and its total row as a worksheet."""
    columns = [Column("province_code", _("รหัสจังหวัด"), "code"), Column("province_name", _("จังหวัด"), "text"),
               Column("laos", _("จำนวน อปท."), "int"), Column("recorded", _("บันทึกแล้ว"), "int"),
               Column("recorded_pct", _("ร้อยละที่บันทึก"), "pct"), Column("confirmed", _("ยืนยันแล้ว"), "int"),
               Column("confirmed_pct", _("ร้อยละที่ยืนยัน"), "pct"), Column("recorded_late", _("บันทึกล่าช้า"), "int"),
               Column("entry_overdue", _("เลยกำหนดบันทึก"), "int"),
               Column("confirm_overdue", _("เลยกำหนดยืนยัน"), "int")]
    records = [_monitoring_record(m) for m in [*result.rows, result.total]]
    records[-1]["province_name"] = _("รวม")
    inst = result.installment
    notes = [_("ปีงบประมาณ %(year)s งวดที่ %(n)s (%(period)s) กำหนดบันทึก %(entry)s กำหนดยืนยัน %(confirm)s",
               year=result.year, n=inst.number, period=show_period(inst.start, inst.end),
               entry=show_date(inst.entry_deadline), confirm=show_date(inst.confirm_deadline)),
             _("ข้อมูล ณ %(at)s", at=as_of(result.computed_at))]
    return exports.Sheet(_("ติดตามจังหวัด"), _("การติดตามการบันทึกและยืนยันข้อมูลรายจังหวัด"), notes,
                         exports.frame(records, columns), columns, {len(records) - 1})


def _monitoring_record(m) -> dict:
    """A monitoring row under the export keys."""
    return {"province_code": m.code, "province_name": m.name, "laos": m.laos, "recorded": m.recorded,
            "recorded_pct": m.recorded_pct, "confirmed": m.confirmed, "confirmed_pct": m.confirmed_pct,
            "recorded_late": m.recorded_late, "entry_overdue": m.entry_overdue, "confirm_overdue": m.confirm_overdue}


def trend_sheet(result: MonitoringResult) -> exports.Sheet:
    """The year's national recorded/confirmed rates per installment as a worksheet."""
    columns = [Column("installment", _("งวด"), "int"), Column("period", _("ช่วงเวลา"), "text"),
               Column("laos", _("จำนวน อปท."), "int"), Column("recorded", _("บันทึกแล้ว"), "int"),
               Column("recorded_pct", _("ร้อยละที่บันทึก"), "pct"), Column("confirmed", _("ยืนยันแล้ว"), "int"),
               Column("confirmed_pct", _("ร้อยละที่ยืนยัน"), "pct")]
    records = [{**t, "installment": t["number"], "period": show_period(t["start"], t["end"])} for t in result.trend]
    return exports.Sheet(_("แนวโน้มรายงวด"), _("อัตราการบันทึกและยืนยันข้อมูลทั้งประเทศรายงวด ปีงบประมาณ %(year)s",
                                                 year=result.year),
                         [_("ข้อมูล ณ %(at)s", at=as_of(result.computed_at))], exports.frame(records, columns),
                         columns, freeze_columns=1)


def kpi_columns() -> list[Column]:
    """Columns of the KPI scorecard export."""
    labels = group_labels()
    cols = [Column("rank", _("อันดับ"), "int"), Column("province_code", _("รหัสจังหวัด"), "code"),
            Column("province_name", _("จังหวัด"), "text")]
    for g in ("pao", "mun", "sao"):
        cols += [Column(f"{g}_growth", _("%(group)s ร้อยละการเติบโต", group=labels[g]), "pct"),
                 Column(f"{g}_score", _("%(group)s คะแนน", group=labels[g]), "score"),
                 Column(f"{g}_weight", _("%(group)s น้ำหนัก (%%)", group=labels[g]), "pct"),
                 Column(f"{g}_weighted", _("%(group)s คะแนนถ่วงน้ำหนัก", group=labels[g]), "score")]
    cols.append(Column("total", _("คะแนนรวม"), "score"))
    return cols


def kpi_record(row: cmp.KpiRow) -> dict:
    """A scorecard row under the export keys."""
    out = {"rank": row.rank, "province_code": row.code, "province_name": row.name, "total": row.total}
    for g, line in row.lines.items():
        out.update({f"{g}_growth": line.growth, f"{g}_score": line.score, f"{g}_weight": line.weight,
                    f"{g}_weighted": line.weighted})
    return out


def kpi_sheet(rows: list[cmp.KpiRow], result: ComparisonResult, settings: cmp.KpiSettings) -> exports.Sheet:
    """The KPI scorecard as a worksheet, with the thresholds and weights used."""
    s = result.selection
    columns = kpi_columns()
    notes = [*selection_lines(result)[:3],
             _("เกณฑ์การให้คะแนน (ร้อยละการเติบโต) ระดับ 1–5: %(t)s; น้ำหนัก อบจ. %(p)s เทศบาล %(m)s อบต. %(s)s",
               t=" / ".join(f"{t}" for t in settings.thresholds), p=settings.weights["pao"],
               m=settings.weights["mun"], s=settings.weights["sao"]),
             selection_lines(result)[-1]]
    records = [kpi_record(r) for r in rows]
    return exports.Sheet(_("คะแนน KPI"), _("คะแนนตัวชี้วัดรายได้ที่จัดเก็บเองเทียบกับปีก่อน ปีงบประมาณ %(year)s",
                                           year=s.year),
                         notes, exports.frame(records, columns), columns, freeze_columns=3)


def rollup_sheets(data: Rollup) -> list[exports.Sheet]:
    """The provincial rollup: every LAO x item x installment (long) and per-LAO installment totals (wide)."""
    long_cols = [Column("district_code", _("รหัสอำเภอ"), "code"), Column("district_name", _("อำเภอ"), "text"),
                 Column("lao_code", _("รหัส อปท."), "code"), Column("lao_name", _("อปท."), "text"),
                 Column("lao_type", _("ประเภท"), "text"), Column("installment", _("งวด"), "int"),
                 Column("period", _("ช่วงเวลา"), "text"), Column("item_code", _("รหัสรายการ"), "code"),
                 Column("item_name", _("รายการรายได้"), "text"), Column("amount", _("จำนวนเงิน (บาท)"), "money"),
                 Column("status", _("สถานะ"), "text")]
    labels = {"PAO": _("อบจ."), "MUNICIPALITY": _("เทศบาล"), "SAO": _("อบต.")}
    long = [{**x, "lao_type": labels[x["lao_type"]], "period": show_period(x["period_start"], x["period_end"]),
             "amount": None if x["amount_satang"] is None else from_satang(x["amount_satang"]),
             "status": status_text(x["status"])} for x in data.long]
    notes = [_("จังหวัด%(name)s ปีงบประมาณ %(year)s", name=data.province.name_th, year=data.year),
             _("ข้อมูล ณ %(at)s", at=as_of(data.computed_at))]
    wide_cols = [Column("district_name", _("อำเภอ"), "text"), Column("lao_code", _("รหัส อปท."), "code"),
                 Column("lao_name", _("อปท."), "text"), Column("lao_type", _("ประเภท"), "text")]
    for inst in data.installments:
        wide_cols.append(Column(f"i{inst.number}", _("งวด %(n)s (%(period)s)", n=inst.number,
                                                      period=show_period(inst.start, inst.end)), "money"))
    wide_cols.append(Column("year_total", _("รวมทั้งปี"), "money"))
    wide = []
    for w in data.wide:
        row = {**w, "lao_type": labels[w["lao_type"]]}
        amounts = [w[f"i{i.number}"] for i in data.installments]
        for i, a in zip(data.installments, amounts):
            row[f"i{i.number}"] = None if a is None else from_satang(a)
        row["year_total"] = from_satang(sum(a for a in amounts if a is not None))
        wide.append(row)
    total = {"lao_name": _("รวม")}
    for i in data.installments:  # blank, not 0.00, for an installment no LAO has reported yet
        reported = [r[f"i{i.number}"] for r in wide if r[f"i{i.number}"] is not None]
        total[f"i{i.number}"] = sum(reported, from_satang(0)) if reported else None
    total["year_total"] = sum((r["year_total"] for r in wide), from_satang(0))
    wide.append(total)
    return [
        exports.Sheet(_("สรุปราย อปท."), _("สรุปรายได้ราย อปท. รายงวด"), notes,
                      exports.frame(wide, wide_cols), wide_cols, {len(wide) - 1}, freeze_columns=3),
        exports.Sheet(_("ข้อมูลรายการ"), _("ข้อมูลรายได้ราย อปท. รายการ และงวด"), notes,
                      exports.frame(long, long_cols), long_cols, freeze_columns=4),
    ]


def money(value) -> str:
    """Baht with separators for page cells ('' when not applicable)."""
    return "" if value is None else format_baht(value)
