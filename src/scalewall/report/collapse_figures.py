"""Figures of the model-collapse section: a metric against generation, one band per policy.

Bands are the central 95% of seeds (the ``lo``/``hi`` of ``summary.json``), lines the mean; each
policy keeps its Okabe-Ito colour in every figure.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from scalewall.report.common import read_json
from scalewall.report.figures import OKABE_ITO, FigureBuilder

#: One colour per policy, across all collapse figures (keyed by the policy's first word).
POLICY_COLOURS = {
    "replace": OKABE_ITO[1],
    "accumulate": OKABE_ITO[0],
    "accumulate-subsample": OKABE_ITO[4],
    "keep-real": OKABE_ITO[2],
    "fresh": OKABE_ITO[3],
}
#: Sample-size schedules of the replace policy: constant keeps replace's colour, the growing ones
#: take colours no policy uses.
SCHEDULE_COLOURS = (OKABE_ITO[1], OKABE_ITO[5], OKABE_ITO[7])


def colour(policy: str) -> str:
    key = policy.split("+")[0]
    key = (
        "keep-real" if key.startswith("keep-real") else "fresh" if key.startswith("fresh") else key
    )
    return POLICY_COLOURS.get(key, OKABE_ITO[7])


def summary_table(folder: Path) -> pd.DataFrame:
    return pd.DataFrame(read_json(folder / "summary.json")["summary"])


def band_figure(
    folder: Path, metric: str, ylabel: str, title: str, caption: str, log: bool = False
) -> tuple[Figure, str, str]:
    """``metric`` against generation, one band per policy (or schedule)."""
    df = summary_table(folder)
    df = df[df["metric"] == metric]
    fig = Figure(figsize=(5.2, 3.2))
    ax = fig.add_subplot()
    for i, (policy, g) in enumerate(df.groupby("policy", sort=False)):
        c = colour(str(policy)) if folder.name != "schedules" else SCHEDULE_COLOURS[i % 3]
        ax.fill_between(g["generation"], g["lo"], g["hi"], color=c, alpha=0.18, lw=0)
        ax.plot(g["generation"], g["mean"], color=c, lw=1.5, label=str(policy))
    ax.set_xlabel("generation (1 = fit on real data)")
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.legend()
    fig.tight_layout()
    return fig, title, caption


def gaussian_variance(folder: Path) -> tuple[Figure, str, str]:
    return band_figure(
        folder / "gaussian",
        "variance",
        "fitted / real variance",
        "Gaussian variance",
        "1-D Gaussian refitted by MLE on n = 100 samples per generation; bands: 95% of seeds.",
        log=True,
    )


def unigram_support(folder: Path) -> tuple[Figure, str, str]:
    return band_figure(
        folder / "unigram",
        "support_fraction",
        "surviving share of types",
        "Zipf unigram: type survival",
        "Zipf(1) over 10,000 types, n = 10,000 tokens per generation; bands: 95% of seeds.",
    )


def ngram_perplexity(folder: Path) -> tuple[Figure, str, str]:
    return band_figure(
        folder / "ngram",
        "heldout_ppl",
        "held-out perplexity (per character)",
        "Character trigram on Tiny Shakespeare",
        "Perplexity of held-out real text; bands: range over the few seeds.",
        log=True,
    )


def schedule_error(folder: Path) -> tuple[Figure, str, str]:
    return band_figure(
        folder / "schedules",
        "mean_sq_error",
        "squared error of the mean",
        "Unbiased Gaussian: sample-size schedules",
        "n_t = 10 (constant), 10 t (linear) and 10 t^1.5 (power); bands: 95% of seeds.",
        log=True,
    )


BUILDERS: dict[str, FigureBuilder] = {
    "collapse_gaussian_variance": gaussian_variance,
    "collapse_unigram_support": unigram_support,
    "collapse_ngram_perplexity": ngram_perplexity,
    "collapse_schedule_error": schedule_error,
}
