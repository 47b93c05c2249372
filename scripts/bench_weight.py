"""Bytes on the wire for a verifier's first visit, without and with compression, and the plotly bundle (not a test).

Run: .venv/bin/python scripts/bench_weight.py [DATABASE_URL]
Builds a throwaway SQLite database with a province of 300 LAOs (tests.verify.measure_matrix.build), signs in as its
verifier and fetches the verification page, the INR911 status page and every asset those pages link, once with
compression switched off (COMPRESS_REGISTER=False: what the app sent before Flask-Compress) and once as Chromium
asks (Accept-Encoding: gzip, deflate, br, zstd) and as a gzip-only client; then the plotly bundle the report pages
load, against the full bundle of the plotly Python package that was served before.
"""

import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import plotly  # noqa: E402

from app import create_app, migrate  # noqa: E402
from tests.verify.measure_matrix import build  # noqa: E402

TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ASSET_RE = re.compile(r'(?:href|src)="(/(?:static|vendor|bootstrap|fonts)/[^"]+)"')
PAGES = ("/verify/?year=2570&number=1", "/verify/status?year=2570&number=1")
CHROMIUM = "gzip, deflate, br, zstd"


def login(client) -> None:
    """Sign in as the province's verifier through the real form."""
    token = TOKEN_RE.search(client.get("/login").get_data(as_text=True)).group(1)
    resp = client.post("/login", data={"username": "verifier", "password": "measure-pass", "csrf_token": token})
    assert resp.status_code == 302, resp.status_code


def visit(app, encoding: str | None) -> list[tuple[str, int, str]]:
    """(url, bytes received, Content-Encoding) of the pages and their assets."""
    client = app.test_client()
    login(client)
    headers = {"Accept-Encoding": encoding} if encoding else {}
    out, assets = [], []
    for page in PAGES:
        r = client.get(page, headers=headers)
        assert r.status_code == 200, (page, r.status_code)
        out.append((page, len(r.data), r.headers.get("Content-Encoding", "-")))
        html = client.get(page).get_data(as_text=True)  # the links, read uncompressed
        assets += [a.replace("&amp;", "&") for a in ASSET_RE.findall(html) if a not in assets]
    for asset in dict.fromkeys(assets):
        r = client.get(asset, headers=headers)
        out.append((asset, len(r.data), r.headers.get("Content-Encoding", "-")))
        r.close()
    return out


def main() -> None:
    """Build once, then print the transfer sizes of each mode and the plotly figures."""
    tmp = tempfile.mkdtemp()
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    url = args[0] if args else f"sqlite:///{Path(tmp) / 'weight.db'}"
    migrate.upgrade(url)
    plain = create_app("testing", DATABASE_URL=url, TODAY="2026-11-21", COMPRESS_REGISTER=False)
    build(plain)
    compressed = create_app("testing", DATABASE_URL=url, TODAY="2026-11-21")
    runs = {"uncompressed (before)": visit(plain, None), "Chromium (br)": visit(compressed, CHROMIUM),
            "gzip only": visit(compressed, "gzip")}
    urls = [u for u, _n, _e in runs["uncompressed (before)"]]
    print(f"{'url':<62}" + "".join(f"{name:>24}" for name in runs))
    for i, u in enumerate(urls):
        print(f"{u[:62]:<62}" + "".join(f"{runs[name][i][1]:>18,} {runs[name][i][2]:>5}" for name in runs))
    print(f"{'total':<62}" + "".join(f"{sum(n for _u, n, _e in rows):>24,}" for rows in runs.values()))

    full = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()
    client = compressed.test_client()
    with compressed.test_request_context():
        from flask import url_for

        bundle_url = url_for("main.plotly_js")
    sizes = {}
    for encoding in (None, "gzip", "br"):
        started = time.perf_counter()
        r = client.get(bundle_url, headers={"Accept-Encoding": encoding} if encoding else {})
        sizes[encoding or "identity"] = (len(r.data), (time.perf_counter() - started) * 1000)
        cache = r.headers.get("Cache-Control")
        r.close()
    print()
    print(f"plotly before: full plotly.min.js of the plotly package {len(full):,} bytes, sent uncompressed, "
          f"cached 30 days")
    print(f"plotly after:  {bundle_url} identity {sizes['identity'][0]:,} bytes; gzip {sizes['gzip'][0]:,} "
          f"({sizes['gzip'][1]:.0f} ms to serve); br {sizes['br'][0]:,} ({sizes['br'][1]:.0f} ms); "
          f"Cache-Control: {cache}")


if __name__ == "__main__":
    main()
