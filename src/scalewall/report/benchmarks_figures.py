"""Figures of the 'Benchmark scaling' part, drawn from ``benchmarks/`` (see :mod:`.figures`)."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from scalewall.report.common import read_csv, read_json
from scalewall.report.figures import OKABE_ITO, REFERENCE, FigureBuilder

#: One colour per TOST verdict, the same in both figures.
VERDICT_COLOURS = {
    "gain": OKABE_ITO[2],
    "equivalent": OKABE_ITO[0],
    "decline": OKABE_ITO[1],
    "inconclusive": REFERENCE,
    "native units": OKABE_ITO[4],
}
FIT = OKABE_ITO[7]
#: Benchmarks drawn in the frontier figure (those with the most models).
FRONTIER_BENCHMARKS = 6


def _flags(r: Mapping[Hashable, Any]) -> str:
    marks = [
        m for m, k in (("C", "contamination_prone"), ("S", "near_ceiling")) if r.get(k) is True
    ]
    if r.get("at_chance") is True:
        marks.append("0")
    return f" [{''.join(marks)}]" if marks else ""


def scores_vs_compute(folder: Path) -> tuple[Figure, str, str]:
    """Each fitted benchmark's scores against training compute, with its fit and chance floor."""
    bench = read_csv(folder / "benchmarks.csv")
    bench = bench[bench["verdict"] != "too few models"]
    scores = read_csv(folder / "scores.csv")
    curves = read_csv(folder / "curves.csv")
    summary = read_json(folder / "summary.json")
    cols = 5
    rows = math.ceil(len(bench) / cols)
    # Fixed margins: a constrained layout over ~30 panels costs seconds at every save.
    fig = Figure(figsize=(2.2 * cols + 0.4, 1.9 * rows + 0.8))
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.6 / (1.9 * rows + 0.8), top=0.97)
    fig.subplots_adjust(hspace=0.55, wspace=0.3)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, r in zip(axes, bench.to_dict(orient="records"), strict=False):
        key = r["benchmark"]
        pts = 100.0 if r["bounded"] else 1.0
        s = scores[scores["benchmark"] == key]
        fit = "logit" if r["bounded"] else "linear"
        c = curves[(curves["benchmark"] == key) & (curves["fit"] == fit)]
        colour = VERDICT_COLOURS.get(r["verdict"], REFERENCE)
        ax.fill_between(c["compute"], c["lo"], c["hi"], color=colour, alpha=0.2, lw=0)
        ax.plot(c["compute"], c["fitted"], color=colour, lw=1.3)
        ax.scatter(s["training_compute"], pts * s["score"], s=7, color=FIT, lw=0, zorder=3)
        if r["bounded"] and r["floor"] > 0:
            ax.axhline(100 * r["floor"], color=REFERENCE, lw=0.8, ls=":")
        ax.set_xscale("log")
        # Few ticks and no minor ones: tick objects are most of the drawing time of 30 panels.
        ax.xaxis.set_major_locator(LogLocator(numticks=4))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.set_title(f"{key}{_flags(r)}", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes[len(bench) :]:
        ax.set_visible(False)
    fig.supxlabel("training compute (FLOP)", fontsize=8)
    fig.supylabel("score (% or native units)", fontsize=8)
    st = summary["settings"]
    title = "Benchmark scores against training compute, one panel per benchmark"
    caption = (
        f"Epoch AI Benchmarking Hub, models with known training compute (variant rule "
        f"'{st['variant']}'). Bounded scores: the sigmoid in log10 compute between chance "
        "(dotted) and ceiling, fitted as a line in logit space; unbounded scores (ECI, Elo, "
        f"minutes, grades): the least-squares line. Bands: {round(100 * st['level'])}% expanded "
        f"percentile bootstrap over models ({st['bootstrap']} replicates). Colour: the TOST "
        "verdict of the gain per 10x (green gain, blue equivalent, grey inconclusive, purple "
        "native units). [C] contamination-prone, [S] near ceiling, [0] at chance."
    )
    return fig, title, caption


def gain_forest(folder: Path) -> tuple[Figure, str, str]:
    """Gain per 10x of every bounded benchmark with its interval and the equivalence margin."""
    bench = read_csv(folder / "benchmarks.csv")
    bench = bench[bench["gain_per_10x"].notna()].sort_values("gain_per_10x")
    summary = read_json(folder / "summary.json")
    st = summary["settings"]
    margin = float(st["margin_points"])
    fig = Figure(figsize=(6.4, 0.28 * len(bench) + 1.3), layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(bench))
    ax.axvspan(-margin, margin, color=OKABE_ITO[0], alpha=0.12, lw=0, label=f"+-{margin:g} margin")
    ax.axvline(0, color=REFERENCE, lw=0.8, ls=":")
    for verdict, g in bench.groupby("verdict"):
        idx = y[bench["verdict"].to_numpy() == verdict]
        ax.errorbar(
            g["gain_per_10x"],
            idx,
            xerr=[g["gain_per_10x"] - g["gain_lo"], g["gain_hi"] - g["gain_per_10x"]],
            fmt="o",
            ms=4,
            capsize=2,
            lw=1.1,
            color=VERDICT_COLOURS.get(str(verdict), REFERENCE),
            label=str(verdict),
        )
    labels = [f"{r['benchmark']}{_flags(r)}" for r in bench.to_dict(orient="records")]
    ax.set_yticks(y, labels)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("gain per 10x training compute (percentage points)")
    ax.legend(loc="lower right")
    title = "Gain per 10x of training compute, per benchmark"
    caption = (
        "The logit fit's score at the largest compute in the data minus its score one decade "
        f"below, with {round(100 * st['level'])}% expanded percentile bootstrap intervals over "
        f"models. Shaded: the equivalence margin; 'equivalent' means the 90% interval lies "
        f"inside it (TOST at {st['alpha']:g}). [C] contamination-prone, [S] near ceiling, "
        "[0] at chance: flagged, not averaged away."
    )
    return fig, title, caption


def frontiers(folder: Path) -> tuple[Figure, str, str]:
    """The running best score against compute and against release date, for the benchmarks
    with the most models: how much of 'scaling' is also 'later'."""
    bench = read_csv(folder / "benchmarks.csv")
    top = (
        bench[bench["bounded"] & (bench["verdict"] != "too few models")]
        .nlargest(FRONTIER_BENCHMARKS, "n_models")["benchmark"]
        .tolist()
    )
    front = read_csv(folder / "frontier.csv")
    front = front[front["benchmark"].isin(top) & front["on_frontier"]]
    fig = Figure(figsize=(9.0, 3.4), layout="constrained")
    ax_c, ax_d = fig.subplots(1, 2, sharey=True)
    for i, key in enumerate(top):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        for ax, axis, col in (
            (ax_c, "compute", "training_compute"),
            (ax_d, "release_date", "release_date"),
        ):
            f = front[(front["benchmark"] == key) & (front["axis"] == axis)]
            xs = f[col] if axis == "compute" else pd.to_datetime(f[col])
            ax.step(xs, 100 * f["frontier_score"], where="post", color=colour, lw=1.3, label=key)
            ax.scatter(xs, 100 * f["frontier_score"], s=9, color=colour, zorder=3)
    ax_c.set_xscale("log")
    ax_c.set_xlabel("training compute (FLOP)")
    ax_d.set_xlabel("release date")
    ax_c.set_ylabel("best score so far (%)")
    ax_d.legend(loc="lower right", fontsize=7)
    title = "The frontier: best score at or below each compute, and by release date"
    caption = (
        f"The {len(top)} bounded benchmarks with the most models; each step is a model that "
        "beat every model with less compute (left) or released earlier (right). Compute and "
        "date move together, so a compute slope also carries better data and post-training; "
        "the table's 'slope with year' column separates the two."
    )
    return fig, title, caption


BUILDERS: dict[str, FigureBuilder] = {
    "benchmarks_scores": scores_vs_compute,
    "benchmarks_gain": gain_forest,
    "benchmarks_frontier": frontiers,
}
