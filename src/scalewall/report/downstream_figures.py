"""Figures of the 'Downstream scaling' part, drawn from ``downstream/`` (see :mod:`.figures`)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from scalewall.report.common import read_csv, read_json
from scalewall.report.figures import OKABE_ITO, REFERENCE, FigureBuilder

#: One colour per training variant (Pythia: deduplicated Pile, standard Pile, bf16 rerun) and
#: per fitted line, the same in both figures.
VARIANT_COLOURS = {"deduped": OKABE_ITO[0], "standard": OKABE_ITO[2], "bf16": OKABE_ITO[4]}
TREND, LAST = OKABE_ITO[7], OKABE_ITO[1]


def _variant(model: str) -> str:
    return model.rsplit("/", 1)[1] if "/" in model else "model"


def accuracy_vs_parameters(folder: Path) -> tuple[Figure, str, str]:
    """Each task's final-checkpoint accuracy against parameters, with both fitted lines."""
    scores = read_csv(folder / "scores.csv")
    bands = read_csv(folder / "bands.csv")
    trends = read_csv(folder / "trends.csv").set_index("task")
    summary = read_json(folder / "summary.json")
    tasks = list(trends.index)
    cols = min(4, len(tasks))
    rows = math.ceil(len(tasks) / cols)
    fig = Figure(figsize=(2.1 * cols + 0.6, 2.0 * rows + 0.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, sharex=True, squeeze=False)).ravel()
    seen: set[str] = set()
    for ax, task in zip(axes, tasks, strict=False):
        s, t = scores[scores["task"] == task], trends.loc[task]
        for name, fit, colour in (("trend", "trend", TREND), ("last10x", "last 10x", LAST)):
            b = bands[(bands["task"] == task) & (bands["fit"] == name)]
            ax.fill_between(b["size"], b["lo"], b["hi"], color=colour, alpha=0.18, lw=0)
            ax.plot(b["size"], b["fitted"], color=colour, lw=1.3, label=f"fit: {fit}")
        for v, g in s.groupby(s["model"].map(_variant)):
            label = None if v in seen else f"{v} checkpoints"
            seen.add(str(v))
            ax.scatter(
                g["size"],
                g["score"],
                s=12,
                color=VARIANT_COLOURS.get(str(v), REFERENCE),
                edgecolors="none",
                zorder=3,
                label=label,
            )
        if np.isfinite(t["chance"]):
            ax.axhline(t["chance"], color=REFERENCE, lw=0.9, ls=":", label="chance")
        ax.set_xscale("log")
        ax.set_title(f"{task} ({t['status']})")
        ax.set_ylabel("accuracy")
    for ax in axes[len(tasks) :]:
        ax.set_visible(False)
    for ax in axes[max(0, len(tasks) - cols) : len(tasks)]:
        ax.set_xlabel("parameters")
    handles, labels = axes[0].get_legend_handles_labels()
    for ax in axes[1 : len(tasks)]:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 6))
    lvl = round(100 * summary["settings"]["level"])
    title = "Zero-shot accuracy against model size, per task"
    caption = (
        f"Final checkpoints of each model ({summary['settings']['source']}); the black line is "
        "the least-squares trend in log10(parameters) over all models, the orange line the fit "
        f"over the last decade of size, each with its {lvl}% t confidence band (at least as wide "
        "as the binomial evaluation noise of the test set allows). Dotted: chance accuracy. "
        "Titles give each task's status."
    )
    return fig, title, caption


def last10x_gains(folder: Path) -> tuple[Figure, str, str]:
    """The last-10x gain of every task with its interval (the numbers behind claim 3)."""
    trends = read_csv(folder / "trends.csv").sort_values("last10x_gain")
    summary = read_json(folder / "summary.json")
    fig = Figure(figsize=(6.0, 0.35 * len(trends) + 1.2), layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(trends))
    dist = trends["gain_distinguishable"].astype(bool).to_numpy()
    for mask, colour, label in (
        (dist, LAST, "distinguishable from zero"),
        (~dist, REFERENCE, "not distinguishable from zero"),
    ):
        if not mask.any():
            continue
        g = trends[mask]
        ax.errorbar(
            100 * g["last10x_gain"],
            y[mask],
            xerr=[
                100 * (g["last10x_gain"] - g["last10x_lo"]),
                100 * (g["last10x_hi"] - g["last10x_gain"]),
            ],
            fmt="o",
            ms=4,
            capsize=2,
            lw=1.2,
            color=colour,
            label=label,
        )
    ax.axvline(0, color=REFERENCE, lw=0.9, ls=":")
    ax.set_yticks(y, trends["task"])
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("accuracy gain over the last 10x of parameters (percentage points)")
    ax.legend(loc="lower right")
    lvl = round(100 * summary["settings"]["level"])
    title = "Gain of the last 10x of model size, per task"
    caption = (
        "Fitted accuracy of the largest model minus the fitted accuracy one decade below it, "
        f"from a line through the models of the last decade, with {lvl}% t intervals. Grey: "
        "intervals that contain zero (the tasks claim 3 counts)."
    )
    return fig, title, caption


BUILDERS: dict[str, FigureBuilder] = {
    "downstream_accuracy": accuracy_vs_parameters,
    "downstream_last10x": last10x_gains,
}
