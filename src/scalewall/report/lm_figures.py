"""Figures of the 'Own LM runs' section, drawn from ``lm/`` (runs.csv, frontier.csv, ...)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from scalewall.laws.envelope import frontier_outside_runs
from scalewall.laws.spec_curve import Spec
from scalewall.report.common import read_csv, read_json
from scalewall.report.figures import OKABE_ITO, REFERENCE, FigureBuilder
from scalewall.report.spec_curve import curve_figure

#: Quantities of a designed ladder's specification curve drawn in the report.
LADDER_CURVES = ("E", "alpha")


def envelope_note(folder: Path) -> str:
    """One sentence when the fitted frontier lies outside the runs' envelope, else ''."""
    if not (folder / "frontier.csv").is_file():
        return ""
    reasons = frontier_outside_runs(
        read_csv(folder / "runs.csv"), read_csv(folder / "frontier.csv")
    )
    if not reasons:
        return ""
    return (
        "The fitted frontier lies outside the observed runs' envelope: "
        + "; ".join(reasons)
        + ". Read it as the law's extrapolation, not as a loss these runs reached."
    )


def loss_vs_compute(folder: Path) -> tuple[Figure, str, str]:
    """Held-out loss of every run against its compute, one colour per model size, and L*(C)."""
    runs = read_csv(folder / "runs.csv")
    fig = Figure(figsize=(6.0, 3.8))
    ax = fig.add_subplot()
    for i, (n, g) in enumerate(runs.groupby("N")):
        g = g.sort_values("C")
        ax.plot(g["C"], g["loss"], "o-", ms=4, color=OKABE_ITO[i % 7], label=f"N = {n:,}")
    if (folder / "frontier.csv").is_file():
        fr = read_csv(folder / "frontier.csv")
        ax.plot(fr["compute"], fr["loss"], color=REFERENCE, lw=1.2, label="fitted L*(C)")
        ax.fill_between(fr["compute"], fr["loss_lo"], fr["loss_hi"], color=REFERENCE, alpha=0.15)
    ax.set_xscale("log")
    ax.set_xlabel("training compute C (FLOPs)")
    ax.set_ylabel("held-out loss (nats/token)")
    ax.legend(ncols=2)
    fig.tight_layout()
    return (
        fig,
        "Own LM runs: held-out loss against compute",
        "Each point is one model trained here on Tiny Shakespeare (characters); lines join runs "
        "of one size N (non-embedding parameters). Grey: the compute-optimal loss of the "
        "Chinchilla law fitted to these runs, with its 95% bootstrap band. "
        + envelope_note(folder),
    )


def concept_frequency(folder: Path) -> tuple[Figure, str, str]:
    """Held-out loss per token type against its training frequency, with the fitted line."""
    types = read_csv(folder / "concept_frequency.csv")
    cf = read_json(folder / "concept_frequency.json")
    kept = types[types["held_out_count"] >= cf["min_held_out_count"]]
    fig = Figure(figsize=(6.0, 3.8))
    ax = fig.add_subplot()
    ax.scatter(kept["train_frequency"], kept["mean_loss"], s=12, color=OKABE_ITO[0])
    x = np.geomspace(kept["train_frequency"].min(), kept["train_frequency"].max(), 50)
    y0 = kept["mean_loss"].mean() + cf["slope_per_decade"] * (
        np.log10(x) - np.log10(kept["train_frequency"]).mean()
    )
    ax.plot(x, y0, color=OKABE_ITO[1], label=f"slope {cf['slope_per_decade']:.2f} nats/decade")
    ax.set_xscale("log")
    ax.set_xlabel("token's frequency in the training data")
    ax.set_ylabel("held-out loss on the token (nats)")
    ax.legend()
    fig.tight_layout()
    return (
        fig,
        "Loss against training frequency",
        f"Each point is one token type ({cf['n_types']} types seen at least "
        f"{cf['min_held_out_count']} times in held-out text) of the largest run; the line is the "
        "least-squares fit in log frequency.",
    )


def ladder(folder: Path) -> dict[str, Any]:
    """The sweep's ``ladder`` object with its specification curve, or {} (no designed ladder)."""
    if not (folder / "sweep.json").is_file():
        return {}
    lad = read_json(folder / "sweep.json").get("ladder") or {}
    return lad if lad.get("spec_curve_summary") else {}


def ladder_caption(s: dict[str, Any]) -> str:
    """What the ladder's specification curve varies, and what its bars are."""
    varied = "; ".join(f"{f}: {' / '.join(v)}" for f, v in s["varied"].items())
    ref = s["reference"]
    subsets = "; ".join(f"{k}: {v}" for k, v in s["subsets"].items())
    return (
        f"The ladder's law refitted under {s['specs']} specifications ({varied}). Subsets: "
        f"{subsets}. Bars: {s['interval']} intervals over {s['replicates']} bootstrap refits "
        f"per specification ({s['failed_replicates']} failure flags in all: refits not "
        "converged or ending on a search bound, so bars that touch a bound are as wide as the "
        "search, not as the data allow). Orange: the main fit's choices ("
        + ", ".join(f"{f} {ref[f]}" for f in ("law", "objective", "params", "subset"))
        + ")."
    )


def ladder_spec_curve(quantity: str) -> FigureBuilder:
    """The builder of one quantity's ladder specification curve (None without a ladder)."""

    def build(folder: Path) -> tuple[Figure, str, str] | None:
        lad = ladder(folder)
        if not lad:
            return None
        s = lad["spec_curve_summary"]
        fig = curve_figure(
            pd.DataFrame(lad["spec_curve"]),
            quantity,
            s["level"],
            reference=Spec(**s["reference"]),
            description=s["quantities"][quantity],
        )
        title = f"Specification curve of the ladder's fit: {quantity}"
        return fig, title, ladder_caption(s)

    return build


BUILDERS: dict[str, FigureBuilder] = {
    "lm_loss_vs_compute": loss_vs_compute,
    "lm_concept_frequency": concept_frequency,
    **{f"lm_ladder_spec_{q}": ladder_spec_curve(q) for q in LADDER_CURVES},
}

__all__ = ["BUILDERS"]
