"""The English catalog: complete, placeholder-safe, covering every string in the code, and used by the pages."""

import os
import re
import tempfile
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import csrf_from

ROOT = Path(__file__).resolve().parents[1]
BABEL_CFG = ROOT / "babel.cfg"
PO = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
# The same keywords as `pybabel extract -k _l -k N_ -k lazy_gettext` (on top of babel's defaults).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "N_": None, "lazy_gettext": None}
# Format tokens: named placeholders, literal %% and a lone % (must match so `text % params` behaves alike).
FORMAT_TOKEN = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%|%")
THAI = re.compile(r"[\u0e00-\u0e7f]")


def _catalog():
    """The English catalog as parsed by babel."""
    with PO.open("rb") as fh:
        return read_po(fh, locale="en")


def _forms(value) -> tuple[str, ...]:
    """A msgid or msgstr as a tuple (plural messages are tuples already)."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _tokens(text: str) -> list[str]:
    """The sorted format tokens of a message."""
    return sorted(FORMAT_TOKEN.findall(text))


def _in_app(path: str) -> bool:
    """Directory filter for extraction: app/ and below, skipping hidden and dunder directories."""
    rel = Path(os.path.relpath(path, ROOT))
    return rel.parts[:1] == ("app",) and not any(p.startswith((".", "_")) for p in rel.parts)


def _extracted() -> dict:
    """msgid -> first location of every translatable string babel finds in app/, using babel.cfg's mapping."""
    with BABEL_CFG.open() as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(BABEL_CFG))
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=_in_app
    ):
        key = (context, message if isinstance(message, str) else tuple(message))
        found.setdefault(key, f"{filename}:{lineno}")
    return found


def test_every_entry_is_translated_with_the_same_placeholders():
    """Every msgid has a non-empty, non-fuzzy English msgstr with exactly the msgid's format tokens."""
    problems = []
    messages = [m for m in _catalog() if m.id]
    assert len(messages) > 100, "the catalog looks empty"
    for m in messages:
        ids, strs = _forms(m.id), _forms(m.string)
        where = f"{m.locations[0][0]}:{m.locations[0][1]}" if m.locations else "?"
        if m.fuzzy or not all(s and s.strip() for s in strs):
            problems.append(f"untranslated or fuzzy: {ids[0]!r} ({where})")
            continue
        for s in strs:
            if _tokens(s) != _tokens(ids[-1]) and _tokens(s) != _tokens(ids[0]):
                problems.append(f"placeholders differ: {ids[0]!r} -> {s!r} ({where})")
            if THAI.search(s):
                problems.append(f"Thai left in translation: {ids[0]!r} -> {s!r} ({where})")
    assert not problems, "\n".join(problems)


def test_catalog_covers_every_string_in_the_code():
    """Every string babel extracts from app/ (python and templates) has an English translation.

    A new `_()` / `_l()` / `N_()` string without a catalog entry fails here: run the extract/update steps
    in README (pybabel extract + update) and translate it.
    """
    found = _extracted()
    assert len(found) > 100, "extraction found almost nothing: is babel.cfg right?"
    translated = {(m.context, m.id): m for m in _catalog() if m.id and not m.fuzzy and all(_forms(m.string))}
    missing = sorted(f"{where}: {key[1]!r}" for key, where in found.items() if key not in translated)
    assert not missing, f"{len(missing)} strings have no English translation:\n" + "\n".join(missing)


def _compiled_catalog() -> None:
    """Compile the .po to .mo in-process when the .mo is missing or older (so plain `pytest` works)."""
    if MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime:
        return
    catalog = _catalog()
    fd, tmp = tempfile.mkstemp(dir=MO.parent, suffix=".mo.tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write_mo(fh, catalog)
        os.chmod(tmp, 0o644)  # like `pybabel compile`, not mkstemp's private mode
        os.replace(tmp, MO)  # atomic: a parallel run never reads half a file
    except BaseException:
        os.unlink(tmp)
        raise


def _translation_cache(app) -> dict:
    """Flask-Babel's per-app cache of loaded translations (it would keep a catalog loaded before compiling)."""
    with app.app_context():  # the domain reads its name from the app's Babel configuration
        return app.extensions["babel"].instance.domain_instance.cache


@pytest.fixture
def english(app):
    """A compiled English catalog, with Flask-Babel's translation cache emptied so it is loaded afresh."""
    _compiled_catalog()
    _translation_cache(app).clear()
    yield
    _translation_cache(app).clear()


def _visible_thai(html: str) -> list[str]:
    """Lines of a page with Thai text, ignoring the language switch's own label."""
    html = html.replace(">ไทย<", "><")
    return [line.strip() for line in html.splitlines() if THAI.search(line)]


def test_login_page_in_english(client, english):
    """After /lang/en the login page is English throughout, including the form's labels and button."""
    assert client.get("/lang/en").status_code == 302
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "<title>Log in" in html
    assert '<label class="form-label" for="username">Username</label>' in html
    assert '<label class="form-label" for="password">Password</label>' in html
    assert ">Log in</button>" in html
    assert _visible_thai(html) == []


def test_login_errors_in_english(client, english):
    """Validation messages (lazy_gettext) and operation messages (domain errors) come out in English."""
    client.get("/lang/en")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    html = client.post("/login", data={"username": "", "password": "", "csrf_token": token}).get_data(as_text=True)
    assert "Please enter your username" in html
    assert "Please enter your password" in html
    html = client.post("/login", data={"username": "nobody", "password": "wrong-pass-1", "csrf_token": token})
    html = html.get_data(as_text=True)
    assert "Wrong username or password" in html
    assert _visible_thai(html) == []


def test_thai_stays_the_default(client, english):
    """Without a language choice (or after /lang/th) the login page is Thai."""
    assert ">เข้าสู่ระบบ</button>" in client.get("/login").get_data(as_text=True)
    client.get("/lang/en")
    client.get("/lang/th")
    assert ">เข้าสู่ระบบ</button>" in client.get("/login").get_data(as_text=True)
