"""Figures of the 'Test-time compute' part, drawn from ``tts/`` (see :mod:`.figures`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from scalewall.report.common import read_csv, read_json
from scalewall.report.figures import OKABE_ITO, REFERENCE, FigureBuilder

#: One colour per Pythia model, in size order, and per Llama-3 size (Okabe & Ito 2008).
SIZE_COLOURS = {"8b": OKABE_ITO[0], "70b": OKABE_ITO[1]}
RULE_STYLE = {"coverage": "-", "majority": "--"}
RULE_LABEL = {"coverage": "coverage (perfect verifier)", "majority": "majority vote"}


def _model_colours(models: list[str]) -> dict[str, str]:
    palette = [c for c in OKABE_ITO if c != "#F0E442"]  # yellow is unreadable on white lines
    return {m: palette[i % len(palette)] for i, m in enumerate(models)}


def coverage_vs_k(folder: Path) -> tuple[Figure, str, str]:
    """pass@k of each Pythia model with its bootstrap band and Brown et al.'s fitted law."""
    pk = read_csv(folder / "passk.csv").sort_values(["model", "k"], kind="stable")
    fits = read_csv(folder / "coverage_fits.csv")
    summary = read_json(folder / "coverage_laws.json")
    models = list(summary["models"])
    colours = _model_colours(models)
    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.add_subplot()
    for m in models:
        d = pk[pk["model"] == m]
        ax.fill_between(d["k"], d["lo"], d["hi"], color=colours[m], alpha=0.18, lw=0)
        ax.plot(d["k"], d["pass_at_k"], "o", ms=2.5, color=colours[m], label=m)
        f = fits[(fits["model"] == m) & (fits["method"] == "brown")]
        ax.plot(f["k"], f["coverage"], color=colours[m], lw=1.0, ls="--")
    ax.plot([], [], color=REFERENCE, ls="--", lw=1.0, label="fit exp(a k^b) (Brown et al.)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("samples per problem k")
    ax.set_ylabel("coverage pass@k (share of 128 MATH problems)")
    ax.legend(ncol=2, loc="lower right")
    reps = int(read_json(folder / "coverage_laws.json")["backtest"]["repeats"])
    caption = (
        "Unbiased pass@k of 7 Pythia models on 128 MATH problems with 10,000 samples each "
        "(Brown et al. 2024 data), 95% percentile bootstrap bands over problems; dashed: "
        "exp(a k^b) fitted by least squares on log coverage over k = 1, 2, 4, ..., 8192. "
        f"Backtests of the laws use {reps} subsamples (table above)."
    )
    return fig, "Coverage against samples, Pythia on MATH", caption


def compute_matched(folder: Path) -> tuple[Figure, str, str]:
    """Llama-3 8B and 70B accuracy against compute per problem, coverage and majority vote."""
    cur = read_csv(folder / "llama_curves.csv")
    cm = read_json(folder / "compute_matched.json")
    err = float(cm["coverage"]["accuracy_error"])
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.add_subplot()
    for (size, rule), d in cur.groupby(["size", "rule"], sort=False):
        d = d.sort_values("compute_70b_samples")
        c = SIZE_COLOURS[str(size)]
        x, y = d["compute_70b_samples"], d["accuracy"]
        ax.fill_between(x, y - err, y + err, color=c, alpha=0.12, lw=0)
        ax.plot(
            x,
            y,
            color=c,
            ls=RULE_STYLE[str(rule)],
            lw=1.6,
            label=f"Llama-3 {str(size).upper()}, {RULE_LABEL[str(rule)]}",
        )
    cov = cm["coverage"]
    if cov["reached"]:
        ax.axhline(cov["target_accuracy"], color=REFERENCE, lw=0.7, ls=":")
        ax.plot(
            [cov["compute_ratio"]],
            [cov["target_accuracy"]],
            "o",
            color=REFERENCE,
            ms=4,
            label=f"8B matches 70B's single sample at {cov['compute_ratio']:.2f}x its compute",
        )
    ax.set_xscale("log")
    ax.set_xlabel("inference compute per problem (in single 70B samples, 2N FLOPs per token)")
    ax.set_ylabel("accuracy on MATH")
    ax.set_ylim(0, 1)
    ax.legend(loc="lower right")
    caption = (
        "Brown et al. 2024 Fig. 7 curves (digitised, bands: +-"
        f"{100 * err:.0f} points of digitisation error), placed on one compute axis: k samples of "
        "a model with N parameters cost k N / N_70B single 70B samples. With a perfect verifier "
        "(coverage) 8B beats 70B at every budget; under majority vote it never reaches 70B."
    )
    return fig, "Compute-matched accuracy, Llama-3 8B against 70B", caption


def coverage_vs_majority(folder: Path) -> tuple[Figure, str, str]:
    """Coverage and majority vote against samples for both Llama-3 sizes: the selection gap."""
    cur = read_csv(folder / "llama_curves.csv")
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.add_subplot()
    for (size, rule), d in cur.groupby(["size", "rule"], sort=False):
        d = d.sort_values("k")
        ax.plot(
            d["k"],
            d["accuracy"],
            color=SIZE_COLOURS[str(size)],
            ls=RULE_STYLE[str(rule)],
            marker="o",
            ms=2.5,
            lw=1.4,
            label=f"{str(size).upper()}: {RULE_LABEL[str(rule)]}",
        )
    ax.set_xscale("log")
    ax.set_xlabel("samples per problem k")
    ax.set_ylabel("accuracy on MATH")
    ax.set_ylim(0, 1)
    ax.set_xticks(10.0 ** np.arange(0, 5))
    ax.legend(loc="center right")
    caption = (
        "Llama-3 8B and 70B Instruct on MATH (Brown et al. 2024 Fig. 7, digitised): coverage keeps "
        "rising with k, majority vote plateaus after about 100 samples. The gap between the "
        "solid and dashed lines is what a perfect verifier would add."
    )
    return fig, "Coverage against majority vote, Llama-3 8B and 70B", caption


def grid_query(frontier_queries: np.ndarray) -> float:
    """The middle of the stored queries Q: the one the figure and the report table show."""
    qs = np.sort(np.unique(frontier_queries))
    return float(qs[len(qs) // 2])


def grid_frontier(folder: Path) -> tuple[Figure, str, str]:
    """Coverage against total compute (training + Q queries x k samples), one line per Pythia
    size, the Pareto frontier over all (N, D, k) marked; one panel per benchmark."""
    fr = read_csv(folder / "grid_frontier.csv")
    q = grid_query(fr["queries"].to_numpy())
    fr = fr[fr["queries"] == q]
    benches = list(dict.fromkeys(fr["benchmark"]))
    fig = Figure(figsize=(9.6, 4.2), layout="constrained")
    axes = fig.subplots(1, len(benches), sharey=True, squeeze=False)[0]
    for ax, bench in zip(axes, benches, strict=True):
        d = fr[fr["benchmark"] == bench]
        sizes = sorted(d["params"].unique())
        cmap = colormaps["viridis"]
        for i, n in enumerate(sizes):
            m = d[d["params"] == n].sort_values("total_flops")
            ax.plot(
                m["total_flops"],
                m["coverage"],
                color=cmap(i / max(len(sizes) - 1, 1)),
                lw=1.3,
                label=str(m["model"].iloc[0]).removeprefix("pythia-"),
            )
        p = d[d["pareto"]].sort_values("total_flops")
        ax.plot(p["total_flops"], p["coverage"], "o", ms=3.5, mfc="none", color=REFERENCE)
        ax.set_xscale("log")
        ax.set_title(bench)
        ax.set_xlabel(f"total compute 6ND + Q k 2N T (FLOPs, Q = {q:.0e} queries)")
    axes[0].set_ylabel("coverage pass@k (oracle verifier: an upper bound)")
    axes[0].plot([], [], "o", mfc="none", color=REFERENCE, label="Pareto frontier")
    axes[0].legend(ncol=2, fontsize=7, loc="upper left")
    tokens = read_json(folder / f"grid_{benches[0].lower()}.json")["flops"]["tokens_per_sample"]
    caption = (
        "Pythia 14M-12B at 8-9 training checkpoints (Schaeffer et al. 2025's grid of Brown et "
        "al. 2024's samples): each line is one model size's best coverage at each total compute "
        f"over its checkpoints D and samples k, training 6ND plus {q:.0e} queries of k samples "
        f"at 2N FLOPs per token and an assumed {tokens:,.0f} tokens per sample; circles: the Pareto "
        "frontier over all sizes. Coverage is pass@k, what an oracle verifier picks from k "
        "samples: an upper bound on what a real verifier or majority vote reaches."
    )
    return fig, "Training against sampling compute, Pythia sizes x checkpoints", caption


BUILDERS: dict[str, FigureBuilder] = {
    "tts_coverage_vs_k": coverage_vs_k,
    "tts_compute_matched": compute_matched,
    "tts_coverage_vs_majority": coverage_vs_majority,
    "tts_grid_frontier": grid_frontier,
}

__all__ = [
    "BUILDERS",
    "compute_matched",
    "coverage_vs_k",
    "coverage_vs_majority",
    "grid_frontier",
    "grid_query",
]
