"""Figures of the 'Forecasts' part, drawn from ``forecasts/`` (see :mod:`.figures`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from scalewall.report.common import read_csv, read_json
from scalewall.report.figures import OKABE_ITO, REFERENCE, FigureBuilder, year_ticks

#: One colour per wall, the same in every figure (Okabe & Ito 2008).
WALL_COLORS = {
    "data": OKABE_ITO[0],
    "cost": OKABE_ITO[1],
    "power": OKABE_ITO[2],
    "chips": OKABE_ITO[3],
    "latency": OKABE_ITO[4],
}


def stock_vs_demand(folder: Path) -> tuple[Figure, str, str]:
    """Effective text stock against the largest training set, 5-95% fans."""
    fan = read_csv(folder / "fan.csv")
    f = read_json(folder / "forecast.json")
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = fig.add_subplot()
    y = fan["year"] + 0.5
    for key, color, label in (
        ("stock", WALL_COLORS["data"], "effective stock of public text"),
        ("demand", OKABE_ITO[1], "largest training set"),
    ):
        ax.fill_between(y, fan[f"{key}_p5"], fan[f"{key}_p95"], color=color, alpha=0.2, lw=0)
        ax.plot(y, fan[f"{key}_p50"], color=color, lw=1.8, label=f"{label} (median, 5-95%)")
    dw = f["data_wall"]
    if dw["median_year"] is not None:
        ax.axvline(
            dw["median_year"],
            color=REFERENCE,
            ls=":",
            lw=1,
            label=f"median data wall {dw['median_year']:.1f}",
        )
    ax.set_yscale("log")
    ax.set_xlabel("year")
    year_ticks(ax.xaxis)
    ax.set_ylabel("tokens")
    ax.legend(loc="upper left")
    title = "Stock of public text against the largest training set"
    caption = (
        f"Quantiles over the joint draws ({f['scenario']} preset; bands 5-95%). The stock is "
        "Villalobos et al.'s indexed-web model with quality filtering and repetition through the "
        "data-constrained law; demand pools the historical dataset trend and Chinchilla-optimal "
        "demand from the compute trend."
    )
    return fig, title, caption


def p_binding(folder: Path) -> tuple[Figure, str, str]:
    """P(wall binds) per year for each wall and for any wall."""
    py = read_csv(folder / "per_year.csv")
    f = read_json(folder / "forecast.json")
    fig = Figure(figsize=(6.4, 3.8), layout="constrained")
    ax = fig.add_subplot()
    for w, c in WALL_COLORS.items():
        ax.plot(py["year"], py[w], color=c, lw=1.6, marker="o", ms=3, label=w)
    ax.plot(py["year"], py["any"], color=REFERENCE, lw=1.2, ls="--", label="any wall")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("year (read at mid-year)")
    year_ticks(ax.xaxis)
    ax.set_ylabel("probability the wall binds")
    ax.legend(loc="lower right")
    title = "Probability that each wall binds, by year"
    caption = (
        f"Share of {f['draws']:,} joint draws in which the largest run on trend needs more than "
        f"the wall allows ({f['scenario']} preset; cost cap: {f['cost_cap']})."
    )
    return fig, title, caption


def tornado(folder: Path) -> tuple[Figure, str, str]:
    """Median first-wall year in the lowest and highest decile of each input."""
    s = read_csv(folder / "sensitivity.csv").head(10)[::-1]
    f = read_json(folder / "forecast.json")
    mid = f["first_wall"]["median_year"]
    fig = Figure(figsize=(6.4, 3.8), layout="constrained")
    ax = fig.add_subplot()
    yy = np.arange(len(s))
    ax.barh(
        yy,
        s["low_decile_median_year"] - mid,
        left=mid,
        color=OKABE_ITO[5],
        label="input in lowest decile",
    )
    ax.barh(
        yy,
        s["high_decile_median_year"] - mid,
        left=mid,
        color=OKABE_ITO[1],
        alpha=0.8,
        label="input in highest decile",
    )
    ax.axvline(mid, color=REFERENCE, lw=1)
    ax.set_yticks(
        yy, [f"{i} (\u03c1 {r:+.2f})" for i, r in zip(s["input"], s["spearman"], strict=True)]
    )
    ax.set_xlabel("median year of the first wall")
    year_ticks(ax.xaxis, whole=False)
    ax.legend(loc="lower right")
    title = "What moves the first wall: sensitivity of its year to each input"
    caption = (
        f"Median first-wall year among the {f['sensitivity_draws']:,} draws whose input lies in "
        "its lowest or highest decile, with Spearman's rank correlation; the ten inputs with the "
        "largest |rho|."
    )
    return fig, title, caption


def compute_trend(folder: Path) -> tuple[Figure, str, str]:
    """Training compute of notable models since 2010 with the fitted frontier trend."""
    m = read_csv(folder / "models.csv")
    t = read_json(folder / "trends.json")
    r = next(x for x in t["rates"] if x["quantity"] == "compute")
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = fig.add_subplot()
    other, top = m[~m["top10"]], m[m["top10"]]
    ax.scatter(other["year"], other["compute"], s=8, color="#bbbbbb", label="notable models")
    ax.scatter(top["year"], top["compute"], s=12, color=OKABE_ITO[0], label="top-10 at release")
    fit = top[top["year"] >= r["start"]]
    yrs = np.linspace(r["start"], fit["year"].max(), 50)
    logc = np.log10(fit["compute"])
    c0 = float(np.mean(logc) - np.log10(r["per_year"]) * np.mean(fit["year"]))
    ax.plot(
        yrs,
        10 ** (c0 + np.log10(r["per_year"]) * yrs),
        color=OKABE_ITO[1],
        lw=2,
        label=f"fit since {r['start']:.0f}: {r['per_year']:.2f}x/yr [{r['lo']:.2f}, {r['hi']:.2f}]",
    )
    ax.set_yscale("log")
    ax.set_xlabel("publication date (year)")
    year_ticks(ax.xaxis)
    ax.set_ylabel("training compute (FLOP)")
    ax.legend(loc="upper left")
    title = "Training compute of notable models and the frontier trend"
    caption = (
        f"Epoch AI notable models (2026-05-02 snapshot); OLS of log10 compute on date for the "
        f"top-10-at-release frontier, {round(100 * r['level'])}% bootstrap interval over models "
        f"({r['replicates']} replicates, n = {r['n']})."
    )
    return fig, title, caption


BUILDERS: dict[str, FigureBuilder] = {
    "forecast_compute_trend": compute_trend,
    "forecast_stock_vs_demand": stock_vs_demand,
    "forecast_p_binding": p_binding,
    "forecast_tornado": tornado,
}
