"""The request's translations and language, resolved once per request.

Flask-Babel looks the locale and the catalogue up again on every `gettext` call (several context-local lookups
each); a page makes 60-300 such calls, which cost more than its SQL. The result is kept where Flask-Babel keeps its
own per-request state (`g._flask_babel`) under the attribute `force_locale` saves and clears, so a `force_locale`
block still sees its own language.
"""

from typing import Any

from flask import Flask, g
from flask_babel import get_locale, get_translations
from jinja2.nodes import EvalContext
from jinja2.utils import pass_eval_context
from markupsafe import Markup


def translations():
    """The gettext catalogue of the current request (the Flask-Babel lookup, cached for the request)."""
    try:
        ctx = g._flask_babel
    except (AttributeError, RuntimeError):  # first call of the request, or no application context
        return get_translations()
    cached = getattr(ctx, "babel_translations", None)
    if cached is None:
        cached = ctx.babel_translations = get_translations()
    return cached


def gettext(string: str, **variables) -> str:
    """`flask_babel.gettext` through the request's cached catalogue."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def is_thai() -> bool:
    """Whether the current request is in Thai (the locale Flask-Babel chose, read from its request cache)."""
    try:
        locale = getattr(g._flask_babel, "babel_locale", None)
    except (AttributeError, RuntimeError):
        locale = None
    if locale is None:
        locale = get_locale()
    return locale is None or locale.language == "th"


@pass_eval_context
def _template_gettext(eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
    """Templates' `_()` and `gettext()`: what Jinja's newstyle gettext does (the translation is markup-safe, its
    %-variables are escaped, and it is always %-formatted), in one call instead of Jinja's three nested ones
    (`_` resolving `gettext`, which calls the catalogue function): a page makes 40-300 of them. The catalogue is
    looked up once per render (kept on the render's evaluation context), and a translation with no `%` and no
    variables is returned as it is (formatting would not change it)."""
    rv = _catalogue(eval_ctx).ugettext(string)
    if eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables if variables or "%" in rv else rv


def _catalogue(eval_ctx: EvalContext) -> Any:
    """The request's catalogue, remembered on `eval_ctx` (one per template render) for the render's other calls."""
    try:
        return eval_ctx.catalogue  # type: ignore[attr-defined]
    except AttributeError:
        eval_ctx.catalogue = translations()  # type: ignore[attr-defined]
        return eval_ctx.catalogue  # type: ignore[attr-defined]


@pass_eval_context
def _template_ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any) -> str:
    """Templates' `ngettext()`, as `_template_gettext` (with `num` among the variables, as Jinja does)."""
    variables.setdefault("num", num)
    rv = _catalogue(eval_ctx).ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


def install(app: Flask) -> None:
    """Make templates' `_()`, `gettext()` and `ngettext()` use the cached catalogue (after Babel's init_app)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)

