"""Rows -> plotly figure JSON for the report pages (plotly.js itself is served from /vendor/plotly.min.js).

Figures are built as plain plotly figure dicts (the JSON plotly.js reads) from lists of row dicts, rather than
through plotly.graph_objects or pandas, whose per-call overheads cost milliseconds on every page view (the
national comparison draws four charts of 77 provinces); the tests load each figure into
graph_objects.Figure, which validates it against plotly's schema.
"""

import json
from collections.abc import Sequence
from typing import Any

from ..web import fiscal_months

NEG, POS, BASE, CURRENT = "#b02a37", "#198754", "#6c757d", "#0d6efd"
FONT = {"family": "Sarabun, sans-serif", "size": 13}


def to_json(figure: dict) -> str:
    """The figure as JSON text for the page (no plotly.js included: include_plotlyjs=False).

    <, > and & are escaped so a name can never close the <script> element the JSON sits in.
    """
    text = json.dumps(figure, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def pct_bars(rows: Sequence[dict[str, Any]], title: str, xlabel: str) -> dict:
    """Horizontal bars of percent change, sorted, for keys `name` and `pct` (rows without a pct are left out).

    Negative changes are red, positive green; the largest increase is at the top. The x range is padded
    on both sides by about a label's width, so a label outside a -100 % bar sits inside the plot, left
    of the bar, never on the province names (which have their own automatic margin).
    """
    data = sorted((r for r in rows if r["pct"] is not None), key=lambda r: r["pct"])  # stable, as pandas' sort
    values = [float(r["pct"]) for r in data]
    names = [str(r["name"]) for r in data]
    return {
        "data": [{
            "type": "bar", "orientation": "h", "x": values, "y": names,
            "marker": {"color": [NEG if v < 0 else POS for v in values]},
            "text": [f"{v:,.2f}" for v in values], "textposition": "outside", "cliponaxis": False,
            "hovertemplate": "%{y}: %{x:,.2f}%<extra></extra>",
        }],
        "layout": {
            "title": {"text": title}, "font": FONT, "height": max(260, 16 * len(values) + 90),
            "margin": {"l": 20, "r": 50, "t": 50, "b": 40},
            "xaxis": {"title": {"text": xlabel}, "zeroline": True, "zerolinecolor": "#333", "ticksuffix": "%",
                      "range": _padded_range(values), "automargin": True},
            "yaxis": {"automargin": True, "type": "category"},
            "showlegend": False,
        },
    }


def _padded_range(values: list[float]) -> list[float]:
    """An x range holding 0 and every value, widened by a quarter of the span on each side for outside labels."""
    low, high = min([0.0, *values]), max([0.0, *values])
    pad = max((high - low) * 0.25, 5.0)
    return [low - (pad if low < 0 else 0.0), high + pad]


def cumulative_lines(rows: Sequence[dict[str, Any]], title: str, ylabel: str) -> dict:
    """Cumulative amount by fiscal month for each series: keys `series`, `month` (0 = Oct), `cumulative` (baht).

    Both years share the month axis, so a year of 8 installments lines up with a monthly one.
    """
    months = fiscal_months()  # in the UI language
    traces = []
    for name, colour, dash in ((s, CURRENT if i == 0 else BASE, "solid" if i == 0 else "dot")
                               for i, s in enumerate(dict.fromkeys(r["series"] for r in rows))):
        part = sorted((r for r in rows if r["series"] == name), key=lambda r: r["month"])
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": str(name),
            "x": [months[r["month"]] for r in part], "y": [float(r["cumulative"]) for r in part],
            "line": {"color": colour, "dash": dash},
            "hovertemplate": "%{x}: %{y:,.2f}<extra>" + str(name) + "</extra>",
        })
    return {
        "data": traces,
        "layout": {
            "title": {"text": title}, "font": FONT, "height": 380, "margin": {"l": 20, "r": 20, "t": 50, "b": 40},
            "xaxis": {"type": "category", "categoryorder": "array", "categoryarray": months},
            "yaxis": {"title": {"text": ylabel, "standoff": 12}, "tickformat": ",.0f", "rangemode": "tozero",
                      "automargin": True},
            "legend": {"orientation": "h", "y": -0.15},
        },
    }


def rate_trend(rows: Sequence[dict[str, Any]], title: str, labels: dict[str, str]) -> dict:
    """Recorded and confirmed rates (%) per installment: keys `label`, `recorded_pct`, `confirmed_pct`."""
    traces = []
    for column, colour in (("recorded_pct", CURRENT), ("confirmed_pct", POS)):
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": labels[column],
            "x": [str(r["label"]) for r in rows], "y": [None if r[column] is None else float(r[column]) for r in rows],
            "line": {"color": colour}, "hovertemplate": "%{x}: %{y:.2f}%<extra></extra>",
        })
    return {
        "data": traces,
        "layout": {
            "title": {"text": title}, "font": FONT, "height": 340, "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
            "xaxis": {"type": "category"}, "yaxis": {"range": [0, 105], "ticksuffix": "%"},
            "legend": {"orientation": "h", "y": -0.25},
        },
    }
