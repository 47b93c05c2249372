"""The fuzz gate: no parameter, however hostile, gives a 5xx on any web endpoint, for any kind of user.

Generated from `app.url_map`, so a new endpoint is covered without touching this file (its valid URL comes
from the route matrix, which every endpoint must already have):
- the parameters an endpoint reads are found by watching it: the request's args and form record every name
  looked up;
- each of those parameters, and each path parameter, then gets every value in KILLERS, one at a time, the
  rest of the URL valid (a GET, or a POST with a valid CSRF token and the other fields filled in);
- hypothesis then draws random combinations of hostile and valid values (derandomized, so CI sees the same
  examples on every run; FUZZ_SEED=<n> explores others).
A 5xx or an exception fails the test, with the request that caused it. The API is fuzzed from its OpenAPI
document by schemathesis (tests/api/test_openapi.py); hostile bodies it cannot express (deep nesting,
oversized) are in tests/api/test_hostile_bodies.py.
"""

import inspect
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote, urlencode

import pytest
from flask import Request
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict
from wtforms.fields.core import UnboundField

from tests import factories as f
from tests.conftest import csrf_from
from tests.test_route_matrix import EXPECTED, build_world

ROLES = ("anon", "officer", "verifier", "national", "admin")
APP_DIR = Path(__file__).resolve().parent.parent / "app"
SKIP = {"auth.logout", "auth.end_sessions"}  # they only sign out; fuzzing them would sign the fuzzer out

# one value per kind of trouble, each tried alone in every parameter
KILLERS = [
    "99999999999999999999", "-1", "²", "๕", "", "x" * 10_000, "0001-01-01", "31/02/9999", "r99999999999999999999",
    "²:1",
]
HOSTILE = KILLERS + [
    "0", " ", "-99999999999999999999", "9999-12-31", "' OR 1=1 --", "<script>x</script>", "99999999999999999999:1", "9" * 400, "2147483648", "1e309", "NaN", "inf", "0x10", "1_000", "๒๕๗๐",
    "٣", "１２", "2570.5", "25 70", "%00", "\x00", "\u202e", "00/00/0000", "2570-02-30", "1/1/99999", "r0",
    "r²", "a:b", "1:2:3", ":", "[]", "{}",
]
VALID = ["1", "2", "12", "2569", "2570", "50", "57", "OWN", "SAO", "MUNICIPALITY", "PAO", "recorded",
         "confirmed", "csv", "xlsx", "th", "en", "1:1", "r1", "21/11/2569", "01/10/2569", "true"]


def _known_names() -> list[str]:
    """Every parameter name the application reads: lookups in the source, and the fields of every form class."""
    names: set[str] = set()
    pattern = re.compile(r"""\.get(?:list)?\(\s*["']([A-Za-z_][\w-]*)["']""")
    for path in APP_DIR.rglob("*.py"):
        names.update(pattern.findall(path.read_text(encoding="utf-8")))

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for form in subclasses(FlaskForm):
        names.update(attr for attr, value in inspect.getmembers(form) if isinstance(value, UnboundField))
    names.discard("csrf_token")
    return sorted(names)


class _Watched(ImmutableMultiDict):
    """Request args/form that note every name looked up by name (passing them all on, e.g. to url_for, is not
    reading them)."""

    seen: ClassVar[set[str]] = set()

    def __getitem__(self, key):
        _Watched.seen.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        _Watched.seen.add(key)
        return super().__contains__(key)

    def getlist(self, key, type=None):
        _Watched.seen.add(key)
        return super().getlist(key, type)


class _WatchedRequest(Request):
    parameter_storage_class = _Watched


@contextmanager
def watching(app):
    """Requests of `app` record the parameter names they read, for the length of the block."""
    saved = app.request_class
    app.request_class = _WatchedRequest
    try:
        yield
    finally:
        app.request_class = saved


def fuzz_settings(examples: int):
    """Bounded hypothesis settings, derandomized unless FUZZ_SEED asks for other examples."""
    fuzz_seed = os.environ.get("FUZZ_SEED")
    decorate = settings(max_examples=examples, deadline=None, derandomize=fuzz_seed is None, database=None,
                        suppress_health_check=list(HealthCheck), print_blob=False)
    if fuzz_seed is None:
        return decorate
    return lambda fn: seed(int(fuzz_seed))(settings(decorate, derandomize=False)(fn))


@pytest.fixture
def world(app):
    """The route matrix's world (its URLs need it): three LAOs, a user per kind, one recorded installment."""
    with app.app_context():
        values, _ids = build_world()
        return values


class Fuzzer:
    """Sends requests as one kind of user and keeps every server error as a readable line."""

    def __init__(self, app, kind: str):
        self.app, self.kind = app, kind
        self.failures: list[str] = []
        self.client = self.signed_in()

    def signed_in(self):
        """A client signed in through the real login form (anonymous: a bare client)."""
        client = self.app.test_client()
        if self.kind != "anon":
            page = client.get("/login")
            response = client.post("/login", data={"username": self.kind, "password": f.PASSWORD,
                                                    "csrf_token": csrf_from(page.get_data(as_text=True))})
            assert response.status_code == 302, f"{self.kind} could not sign in"
        return client

    def csrf(self) -> str:
        """A valid CSRF token of this client's session."""
        page = self.client.get("/profile" if self.kind != "anon" else "/login")
        return csrf_from(page.get_data(as_text=True))

    def send(self, method: str, path: str, params: dict) -> bool:
        """One request; False (and a failure noted) when the server errs."""
        if method == "GET":
            url = path + ("?" + urlencode(params) if params else "")
            call = lambda: self.client.get(url)
        else:
            url = path
            call = lambda: self.client.post(url, data={**params, "csrf_token": self.token})
        shown = f"{self.kind}: {method} {url[:200]}" + (f" {_short(params)}" if method != "GET" else "")
        try:
            response = call()
        except Exception as exc:  # noqa: BLE001 - TESTING propagates exceptions: a 500 in production
            self.failures.append(f"{shown} -> {type(exc).__name__}: {str(exc)[:200]}")
            return False
        if response.status_code >= 500:
            self.failures.append(f"{shown} -> {response.status_code}")
            return False
        return True

    def read_names(self, method: str, path: str, everything: list[str]) -> list[str]:
        """The parameter names `path` reads, found by watching two requests (none given; all given)."""
        _Watched.seen = set()
        with watching(self.app):
            self.send(method, path, {})
            self.send(method, path, {n: "1" for n in everything})
        return sorted(n for n in _Watched.seen if n in everything and n != "csrf_token")


def _short(params: dict) -> str:
    return repr({k: (v[:20] + "…" if len(v) > 20 else v) for k, v in params.items()})[:300]


def _template(rule) -> str | None:
    """The route matrix's valid URL for `rule`'s endpoint (None: not a web endpoint to fuzz)."""
    expected = EXPECTED.get(rule.endpoint)
    if expected is None or rule.rule.startswith("/api/") or rule.endpoint in SKIP:
        return None
    return expected[1]


def _with_path_value(rule, valid_path: str, name: str, value: str) -> str:
    """`valid_path` with path parameter `name` replaced by `value` (found by matching the rule)."""
    adapter = rule.map.bind("localhost")
    _, values = adapter.match(valid_path.split("?")[0], method=next(iter(rule.methods - {"HEAD", "OPTIONS"})))
    values = {k: str(v) for k, v in values.items()}
    path = rule.rule
    for key in rule.arguments:
        replacement = value if key == name else values[key]
        path = re.sub(r"<(?:[^<>]+:)?" + re.escape(key) + r">", quote(replacement, safe=""), path)
    return path


def _fuzz_endpoint(fuzzer: Fuzzer, rule, method: str, valid_path: str, everything: list[str], examples: int):
    """The sweep and the random combinations for one endpoint."""
    if method == "POST":
        fuzzer.client = fuzzer.signed_in()  # a fresh session for each form
        fuzzer.token = fuzzer.csrf()
    names = fuzzer.read_names(method, valid_path, everything)
    base = {n: "1" for n in names} if method == "POST" else {}
    for name in names:
        for value in KILLERS:
            fuzzer.send(method, valid_path, {**base, name: value})
    for name in rule.arguments:
        for value in KILLERS:
            fuzzer.send(method, _with_path_value(rule, valid_path, name, value), base)
    if not names:
        return
    values = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(VALID), st.text(max_size=20),
                       st.integers().map(str))

    @fuzz_settings(examples)
    @given(params=st.dictionaries(st.sampled_from(names), values, max_size=len(names)))
    def combinations(params):
        assert fuzzer.send(method, valid_path, params)

    try:
        combinations()
    except AssertionError:
        pass  # noted in fuzzer.failures


def _run(app, world, kind: str, method: str) -> list[str]:
    everything = _known_names()
    fuzzer = Fuzzer(app, kind)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        template = _template(rule)
        if template is None or method not in (rule.methods or ()):
            continue
        valid_path = template.format(**world)
        _fuzz_endpoint(fuzzer, rule, method, valid_path, everything, examples=2 if kind == "anon" else 5)
    return list(dict.fromkeys(fuzzer.failures))


def test_every_endpoint_is_fuzzed(app):
    """Each web endpoint but the two sign-outs is reached by the gate (it takes its URL from the route matrix)."""
    web = {r.endpoint for r in app.url_map.iter_rules() if not r.rule.startswith("/api/")}
    fuzzed = {r.endpoint for r in app.url_map.iter_rules() if _template(r)}
    assert web - fuzzed == SKIP


@pytest.mark.parametrize("kind", ROLES)
def test_get_endpoints_survive_hostile_parameters(app, world, kind):
    """Every GET page and export answers hostile path and query values with a page or a 4xx, never a 5xx."""
    failures = _run(app, world, kind, "GET")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)


@pytest.mark.parametrize("kind", ROLES[1:])
def test_post_forms_survive_hostile_fields(app, world, kind):
    """Every web form, posted with a valid CSRF token and hostile field values, never gives a 5xx."""
    failures = _run(app, world, kind, "POST")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
