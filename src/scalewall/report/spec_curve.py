"""The report's 'Robustness of the fits' part: the specification curve, from ``spec_curve/``.

The figure is the classic specification-curve plot (Simonsohn, Simmons & Nelson 2020, Nature
Human Behaviour 4:1208): the estimate under every specification, sorted, with its interval, above
an indicator panel that marks which option of each choice the specification took.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from scalewall.laws.spec_curve import QUANTITIES, SPEC_FIELDS, Spec
from scalewall.report.common import FigureFile, figure_html, fmt_num, read_csv, read_json, table
from scalewall.report.figures import OKABE_ITO, REFERENCE, STYLE, FigureBuilder
from scalewall.report.part import ReportPart

LOG_QUANTITIES = ("tokens_per_param",)  # spans decades across specifications


def curve_figure(
    rows: pd.DataFrame,
    quantity: str,
    level: float,
    *,
    reference: Spec | None = None,
    description: str | None = None,
) -> Figure:
    """Estimates of ``quantity`` sorted, with intervals, over the indicator panel of choices.

    ``reference`` (default :class:`Spec`) is drawn in orange; ``description`` titles the panel
    (default: the quantity's entry in :data:`QUANTITIES`).
    """
    g = rows[(rows["quantity"] == quantity) & (rows["status"] == "ok")]
    g = g.sort_values("value", kind="stable").reset_index(drop=True)
    varied = [f for f in SPEC_FIELDS if g[f].nunique() > 1]
    labels = [(f, o) for f in varied for o in sorted(g[f].unique())]
    fig = Figure(figsize=(7.2, 3.2 + 0.16 * len(labels)), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[2.2, 0.25 * max(len(labels), 1)])
    x = np.arange(len(g))
    ref = np.ones(len(g), dtype=bool)
    for f in SPEC_FIELDS:
        default = getattr(reference or Spec(), f)
        ref &= (g[f] == (default if default in set(g[f]) else g[f].iloc[0])).to_numpy()
    colour = np.where(ref, OKABE_ITO[1], OKABE_ITO[0])
    has_ci = g["lo"].notna() & g["hi"].notna()
    top.vlines(x[has_ci], g["lo"][has_ci], g["hi"][has_ci], color=colour[has_ci], lw=0.8, alpha=0.6)
    top.scatter(x, g["value"], c=colour, s=10, zorder=3)
    if quantity in LOG_QUANTITIES:
        top.set_yscale("log")
    top.set_ylabel(quantity.replace("_", " "))
    top.set_title(
        f"{description or QUANTITIES[quantity]}\n{len(g)} specifications, sorted; bars: {round(100 * level)}% "
        "bootstrap percentile intervals; orange: the reference specification",
        fontsize=8,
        loc="left",
    )
    for j, (f, o) in enumerate(labels):
        on = (g[f] == o).to_numpy()
        bottom.scatter(x[on], np.full(on.sum(), j), marker="|", s=30, color=REFERENCE)
    bottom.set_yticks(range(len(labels)), [f"{f}: {o}" for f, o in labels], fontsize=7)
    bottom.set_ylim(len(labels) - 0.5, -0.5)
    bottom.set_xlabel("specification (sorted by the estimate)")
    bottom.grid(False)
    return fig


def save_curve(rows: pd.DataFrame, quantity: str, path: Path, level: float) -> None:
    """Draw the curve of ``quantity`` and save it (format from the suffix: .svg, .png, .pdf)."""
    with mpl.rc_context(STYLE):
        curve_figure(rows, quantity, level).savefig(path, dpi=150)


def _tokens_curve(folder: Path) -> tuple[Figure, str, str]:
    doc = read_json(folder / "spec_curve.json")
    fig = curve_figure(read_csv(folder / "spec_curve.csv"), "tokens_per_param", doc["level"])
    title = "Specification curve: compute-optimal tokens per parameter on Epoch's Chinchilla data"
    caption = (
        f"Every combination of law form, objective, FLOP accounting and run subset refitted on "
        f"the {doc['n_runs']} runs; each estimate with its percentile interval over "
        f"{doc['replicates']} bootstrap refits (few, so the bars are rough)."
    )
    return fig, title, caption


def spread_table(summary: Sequence[Mapping[str, Any]], quantities: Mapping[str, str]) -> str:
    """The spread of each quantity (:func:`scalewall.laws.spec_curve.spread` records) as HTML."""
    body = [
        [
            escape(quantities[s["quantity"]]),
            fmt_num(s["reference"])[0],
            fmt_num(s["min"])[0],
            fmt_num(s["median"])[0],
            fmt_num(s["max"])[0],
            f"{escape(s['moved_most_by'])} ({fmt_num(s['shift_of_medians'])[0]})",
        ]
        for s in summary
    ]
    return table(
        ["quantity", "reference fit", "min", "median", "max", "choice that moves it most"],
        body,
        numeric=[False, True, True, True, True, False],
    )


def render_spec_curve(folder: Path, figs: Sequence[FigureFile]) -> str:
    """The section: what was varied, the spread of every quantity, the figure."""
    doc = read_json(folder / "spec_curve.json")
    rows = pd.DataFrame(doc["rows"])
    tab = spread_table(doc["summary"], QUANTITIES)
    per_spec = rows.drop_duplicates(subset=list(SPEC_FIELDS))
    failed = int((per_spec["status"] != "ok").sum())
    bad = int(per_spec["failed_replicates"].fillna(0).sum())
    fig_html = {f.name: figure_html(f) for f in figs}.get("spec_curve_tokens", "")
    varied = ", ".join(f for f in SPEC_FIELDS if per_spec[f].nunique() > 1)
    return (
        f"<p>A scaling-law fit is one path through many choices. Here {len(per_spec)} "
        f"specifications ({escape(varied)}) are refitted on {escape(doc['source'])} "
        f"({doc['n_runs']} runs), following the checklist of Li et al. 2025. The reference fit "
        "is Chinchilla's form with free exponents, Huber on log loss, 6ND and all runs; the "
        "shift is the largest difference between the medians of one choice's options.</p>"
        + tab
        + f"<p class=note>{failed} specifications could not be fitted; {bad} of "
        f"{doc['replicates'] * len(per_spec)} bootstrap refits did not converge or ended on a "
        "search bound (counted, never silently averaged into an interval).</p>" + fig_html
    )


BUILDERS: dict[str, FigureBuilder] = {"spec_curve_tokens": _tokens_curve}

PART = ReportPart(
    folder="spec_curve",
    anchor="robustness",
    render=render_spec_curve,
    figures=BUILDERS,
    literature=(
        "Li, Kudugunta & Zettlemoyer 2025, '(Mis)Fitting: A Survey of Scaling Laws' "
        "(arXiv 2502.18969)",
        "Simonsohn, Simmons & Nelson 2020, 'Specification curve analysis' (Nature Human "
        "Behaviour 4:1208)",
    ),
)
