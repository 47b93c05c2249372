"""/check: anyone (no account) types or scans a paper's code and sees what it says and whether it still holds."""

from flask import current_app, redirect, render_template, request, url_for

from ..domain import comparison as cmp
from ..extensions import limiter
from ..reports import tables
from ..web import local_name, today
from . import bp, codes, operations, papers


def _limit() -> str:
    """The /check rate limit (CHECK_LIMIT)."""
    return str(current_app.config["CHECK_LIMIT"])


@bp.route("/check")
@limiter.limit(_limit)
def form():
    """The form where a code is typed; a typed code goes to its page, a malformed one is answered here (404)."""
    typed = request.args.get("code")
    if typed is None:
        return render_template("check/form.html", typed="", error=False)
    code = codes.normalize(typed)
    if code is None:
        return render_template("check/form.html", typed=typed[:codes.MAX_TYPED], error=True), 404
    return redirect(url_for("check.show", code=codes.display(code)))


@bp.route("/check/<path:code>")
@limiter.limit(_limit)
def show(code: str):
    """What the paper with `code` certifies and whether the figures still match the system (404: no such code)."""
    result = operations.check(code, today())
    status = 200 if result.found else 404
    lines, names = [], {}
    if result.found and result.kind == papers.KIND_LAO and result.subject is not None:
        names = {line.item.code: local_name(line.item) for line in result.subject.lines}
    if result.found and result.kind != papers.KIND_LAO and result.subject is not None:
        lines = tables.selection_lines(result.subject)[:2]  # what was compared; the coverage lines are figures
    return render_template("check/show.html", result=result, typed=code[:codes.MAX_TYPED], lines=lines, names=names,
                           kind_labels=papers.KIND_LABELS, group_labels=cmp.GROUP_LABELS, groups=cmp.GROUPS,
                           shown=codes.display(result.code) if result.code else "",
                           baht=_baht), status


def _baht(satang: int | None):
    """Satang from a payload as Decimal baht for the `baht` filter (None stays None)."""
    from ..domain.money import from_satang

    return None if satang is None else from_satang(satang)
