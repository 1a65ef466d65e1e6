"""Figures of the 'Scaling laws' part, drawn from ``scaling_laws/`` (see :mod:`.figures`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from scalewall.report.common import read_csv, read_json
from scalewall.report.figures import OKABE_ITO, REFERENCE, FigureBuilder, plain_log_ticks

#: One colour per fit procedure, objective and reference (Okabe & Ito 2008 palette).
PALETTE = {
    "global": OKABE_ITO[0],
    "epoch2024": OKABE_ITO[1],
    "reference": REFERENCE,
    "huber-log": OKABE_ITO[0],
    "mse-log": OKABE_ITO[2],
    "mse": OKABE_ITO[3],
    "asymmetric": OKABE_ITO[4],
}
LABELS = {
    "global": "global Huber optimum (scalewall)",
    "epoch2024": "Huber likelihood, fitted scale (Besiroglu et al. 2024)",
}
#: Hoffmann et al. 2022, 'Training Compute-Optimal Large Language Models' (arXiv 2203.15556):
#: Chinchilla, 70B parameters on 1.4T tokens, i.e. the "20 tokens per parameter" rule of thumb.
HOFFMANN_TOKENS_PER_PARAM = 20.0
HOFFMANN_CITATION = "Hoffmann et al. 2022 (arXiv 2203.15556): 70B parameters, 1.4T tokens"


def _band(ax: Any, df: pd.DataFrame, col: str, key: str, label: str, filled: bool) -> None:
    """A line with its interval: a filled band, or (for a second fit on the same axes) dashed
    band edges, so that two overlapping bands stay readable."""
    color = PALETTE[key]
    x, lo, hi = df["compute"], df[f"{col}_lo"], df[f"{col}_hi"]
    if filled:
        ax.fill_between(x, lo, hi, color=color, alpha=0.22, lw=0)
        ax.plot(x, df[col], color=color, lw=1.8, label=label)
    else:
        ax.plot(x, df[col], color=color, lw=1.4, ls="--", label=label)
        for edge in (lo, hi):
            ax.plot(x, edge, color=color, lw=0.8, ls=(0, (3, 2)), alpha=0.9)


def loss_vs_compute(sl: Path) -> tuple[Figure, str, str]:
    """(a) Every run's loss against its compute, coloured by size, with the fitted frontier."""
    runs = read_csv(sl / "runs.csv")
    front = read_csv(sl / "frontier.csv")
    fit = read_json(sl / "fit_global.json")
    used, excl = runs[runs["fitted"]], runs[~runs["fitted"]]
    cmin, cmax = runs["C"].min(), runs["C"].max()
    f = front[(front["procedure"] == "global") & front["compute"].between(cmin / 1.3, cmax * 1.3)]
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.add_subplot()
    sc = ax.scatter(
        used["C"],
        used["loss"],
        c=used["N"],
        cmap="viridis",
        norm=LogNorm(vmin=runs["N"].min(), vmax=runs["N"].max()),
        s=14,
        edgecolors="none",
        alpha=0.9,
        label=f"fitted runs (n = {len(used)})",
    )
    ax.scatter(
        excl["C"],
        excl["loss"],
        marker="x",
        s=22,
        color=PALETTE["reference"],
        lw=0.9,
        label=f"excluded: {len(excl)} highest losses",
    )
    lvl = round(100 * fit["level"])
    ax.fill_between(
        f["compute"],
        f["loss_lo"],
        f["loss_hi"],
        color=PALETTE["global"],
        alpha=0.25,
        lw=0,
        label=f"{lvl}% bootstrap band",
    )
    ax.plot(f["compute"], f["loss"], color=PALETTE["global"], lw=1.8, label="frontier L*(C)")
    ax.set_xscale("log")
    ax.set_xlabel("training compute C (FLOPs, C = 6ND)")
    ax.set_ylabel("final training loss (nats/token)")
    ax.legend(loc="upper right")
    cb = fig.colorbar(sc, ax=ax, pad=0.01)
    cb.set_label("parameters")
    title = "Loss against training compute, with the compute-optimal frontier"
    caption = (
        f"All {len(runs)} Chinchilla runs (Epoch's extraction), coloured by parameter count. "
        f"The line is the loss of the compute-optimal allocation L*(C) under the global fit, "
        f"shaded by its {lvl}% percentile bootstrap band ({fit['bootstrap'].get('replicates')} "
        "replicates); crosses are the runs left out of the fit."
    )
    return fig, title, caption


def frontier_extrapolation(sl: Path) -> tuple[Figure, str, str]:
    """(b) L*(C) extrapolated to 1e28 FLOPs under both procedures, with the asymptote E."""
    front = read_csv(sl / "frontier.csv")
    runs = read_csv(sl / "runs.csv")
    fit = read_json(sl / "fit_global.json")
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = fig.add_subplot()
    cmax = runs["C"].max()
    ax.axvspan(cmax, front["compute"].max(), color="#f3f3f3", lw=0, zorder=0)
    ax.text(cmax * 1.4, 0.97, "extrapolation \u2192", transform=ax.get_xaxis_transform(), va="top")
    E, (elo, ehi) = fit["params"]["E"], fit["ci"]["E"]
    ax.axhspan(elo, ehi, color=PALETTE["reference"], alpha=0.12, lw=0)
    ax.axhline(E, color=PALETTE["reference"], lw=1, ls=":", label=f"irreducible loss E = {E:.3f}")
    for key in ("global", "epoch2024"):
        _band(ax, front[front["procedure"] == key], "loss", key, LABELS[key], key == "global")
    ax.set_xscale("log")
    ax.set_xlim(front["compute"].min(), front["compute"].max())
    ax.set_xlabel("training compute C (FLOPs)")
    ax.set_ylabel("compute-optimal loss L*(C) (nats/token)")
    ax.legend(loc="upper right", bbox_to_anchor=(1.0, 0.9))
    lvl = round(100 * fit["level"])
    title = "The compute-optimal loss extrapolated to 1e28 FLOPs"
    caption = (
        f"L*(C) with {lvl}% bootstrap bands for both fitting procedures; the dotted line and grey "
        f"band are the irreducible loss E and its interval [{elo:.3f}, {ehi:.3f}] (global fit). "
        "Right of the largest run (shaded) the curve is an extrapolation of the fitted form."
    )
    return fig, title, caption


def tokens_per_parameter(sl: Path) -> tuple[Figure, str, str]:
    """(c) D*/N* against compute for both procedures, with Hoffmann's 20 tokens/param rule."""
    front = read_csv(sl / "frontier.csv")
    runs = read_csv(sl / "runs.csv")
    fit = read_json(sl / "fit_global.json")
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = fig.add_subplot()
    ax.axvspan(runs["C"].max(), front["compute"].max(), color="#f3f3f3", lw=0, zorder=0)
    for key in ("global", "epoch2024"):
        sub = front[front["procedure"] == key]
        _band(ax, sub, "tokens_per_param", key, LABELS[key], key == "global")
    ax.axhline(
        HOFFMANN_TOKENS_PER_PARAM,
        color=PALETTE["reference"],
        lw=1,
        ls=":",
        label="20 tokens/parameter (Hoffmann et al. 2022)",
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    plain_log_ticks(ax.yaxis, [1, 2, 5, 10, 20, 50, 100, 200])
    ax.set_xlim(front["compute"].min(), front["compute"].max())
    ax.set_xlabel("training compute C (FLOPs)")
    ax.set_ylabel("compute-optimal tokens per parameter D*/N*")
    ax.legend(loc="upper left")
    lvl = round(100 * fit["level"])
    title = "Compute-optimal tokens per parameter"
    caption = (
        f"D*/N* = (C/6)^(b-a)/G^2 from each fit, with {lvl}% bootstrap bands; the dotted line is "
        f"the 20 tokens-per-parameter rule ({HOFFMANN_CITATION}). Shaded: beyond the largest run."
    )
    return fig, title, caption


PARAM_LABELS = {"E": "E", "A": "A", "B": "B", "alpha": "\u03b1", "beta": "\u03b2"}


def objective_forest(sl: Path) -> tuple[Figure, str, str]:
    """(d) Each parameter's estimate and interval under every objective (a forest plot)."""
    cmp = read_json(sl / "compare_objectives.json")
    objs: list[str] = cmp["objectives"]
    params = [p for p in PARAM_LABELS if p in cmp["quantities"]]
    fig = Figure(figsize=(7.6, 2.6), layout="constrained")
    axes = fig.subplots(1, len(params), sharey=True)
    y = np.arange(len(objs))[::-1]
    for ax, p in zip(np.atleast_1d(axes), params, strict=True):
        for yi, o in zip(y, objs, strict=True):
            v = cmp["quantities"][p]["values"].get(o)
            ci = cmp["ci"].get(o, {}).get(p)
            if v is None:
                continue
            xerr = None if ci is None else [[v - ci[0]], [ci[1] - v]]
            ax.errorbar(
                v, yi, xerr=xerr, fmt="o", ms=4, color=PALETTE.get(o, "k"), capsize=2, lw=1.2
            )
        if p == "B":  # B moves by an order of magnitude across objectives
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(PARAM_LABELS[p])
        ax.grid(axis="y", visible=False)
    first = np.atleast_1d(axes)[0]
    first.set_yticks(y, objs)
    first.set_ylim(-0.6, len(objs) - 0.4)
    reps = cmp.get("bootstrap", {}).get("replicates")
    title = "Fitted parameters under each objective"
    caption = (
        "Point estimates and 95% percentile bootstrap intervals "
        f"({reps} replicates each) of the Chinchilla law refitted under each objective on the "
        "same 240 runs: Huber on log loss (the default), squared log error, squared error of the "
        "loss and the asymmetric lower-envelope loss. B on a log scale."
    )
    return fig, title, caption


#: The part's figures in order: file stem -> builder of the ``scaling_laws`` folder.
BUILDERS: dict[str, FigureBuilder] = {
    "loss_vs_compute": loss_vs_compute,
    "frontier_extrapolation": frontier_extrapolation,
    "tokens_per_parameter": tokens_per_parameter,
    "objective_forest": objective_forest,
}
