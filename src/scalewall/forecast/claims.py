"""The forecasts pillar's claims (5-11), from stored trend and forecast payloads (the JSON of
``scalewall trends`` and ``scalewall forecast``) and the stored model table.

Rates carry their 90% bootstrap intervals; the frontier rule, the cost table and neighbouring
readings of the words are the robustness checks. Claims about the future (9, 11) are read from
the wall Monte Carlo and say how far beyond the data they reach. Claim 10's interval is the
data-stock prior of Villalobos et al. 2024, not a measurement, so it cannot decide.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scalewall.claims import (
    UNTESTABLE,
    Check,
    ClaimRecord,
    claim,
    command_for,
    from_record,
    range_check,
    range_verdict,
    to_record,
)
from scalewall.forecast.tables import COST_METHODS
from scalewall.forecast.trends import bootstrap_trends, fit_rate, ols_lines
from scalewall.resampling import percentile_interval
from scalewall.storage import read_json

#: 'Grows 4-5x per year' (claim 5), read as stated; neighbour 'about 4-5x' as 3.5-5.5x.
COMPUTE_BAND = (4.0, 5.0)
COMPUTE_NEIGHBOUR = (3.5, 5.5)
#: 'About 35% per year', read as 30-40% (claim 6); neighbour 25-45%.
DECLINE_BAND = (30.0, 40.0)
DECLINE_NEIGHBOUR = (25.0, 45.0)
#: 'Roughly triples', read as 2.5-3.5x (claim 7); neighbour 2-4x.
TRIPLE_BAND = (2.5, 3.5)
TRIPLE_NEIGHBOUR = (2.0, 4.0)
#: '$100M-$500M' (claim 8), read as stated.
COST_BAND = (1e8, 5e8)
#: 'Soon' for claim 9: within ten years of the 2025 frontier runs; neighbours 5 and 15 years.
LAST_DATA = 2025.0
SOON_YEARS = (10.0, 5.0, 15.0)
#: '400 trillion to 20 quadrillion tokens' (claim 10; Sevilla et al. 2024, a multimodal range).
TOKENS_BAND = (4e14, 2e16)
#: 'This decade' (claim 11): before 2031; neighbour: before 2030.
DECADE_END = 2031.0
#: Villalobos et al. 2024 ('Will we run out of data?', arXiv 2211.04325v2): median 2028,
#: 80% interval 2026-2032 for the year the stock of public text is fully used.
VILLALOBOS_2024 = (2028.0, 2026.0, 2032.0)
#: Bootstrap of claim 8's trend level: replicates and seed.
LEVEL_REPLICATES = 2000
LEVEL_SEED = 8


def rate(trends: Mapping[str, Any], quantity: str) -> Mapping[str, Any]:
    """The record of ``quantity`` in a ``scalewall trends`` payload."""
    return next(r for r in trends["rates"] if r["quantity"] == quantity)


def _level(r: Mapping[str, Any]) -> str:
    return f"{round(100 * r['level'])}%"


def _frontier_checks(
    t: Mapping[str, Any], quantity: str, band: tuple[float, float], flip: bool = False
) -> list[Check]:
    """The rate under every other frontier rule stored in ``compare_frontier``.

    ``flip`` reads a yearly multiplier as a percent decline (claim 6).
    """
    out = []
    for comp in t.get("compare_frontier", []):
        if comp["quantity"] != quantity:
            continue
        for r in comp["rates"]:
            if r["frontier"] == t["frontier"]:
                continue
            v, lo, hi = r["per_year"], r["lo"], r["hi"]
            if flip:
                v, lo, hi = 100 * (1 - v), 100 * (1 - hi), 100 * (1 - lo)
            out.append(
                range_check(
                    f"frontier: {r['frontier']}, since {r['start']:.0f} (n = {r['n']})",
                    v,
                    lo,
                    hi,
                    band,
                )
            )
    return out


def _band_rule(what: str, band: tuple[float, float], unit: str) -> str:
    return (
        f"supported when the interval of {what} lies inside {band[0]:g}-{band[1]:g}{unit}; not "
        "supported when it lies outside; partly supported when it straddles an end."
    )


def claim5(t: Mapping[str, Any]) -> ClaimRecord:
    r = rate(t, "compute")
    v, lo, hi = r["per_year"], r["lo"], r["hi"]
    checks = [
        *_frontier_checks(t, "compute", COMPUTE_BAND),
        range_check("'4-5x' read as 3.5-5.5x", v, lo, hi, COMPUTE_NEIGHBOUR),
    ]
    return replace(
        claim(5),
        quantity="yearly growth factor of the training compute of frontier models",
        claimed_range=COMPUTE_BAND,
        reading="'4-5x per year' read as a growth factor of 4 to 5 per year",
        data=f"Epoch AI's notable models, frontier = {r['frontier']}, since {r['start']:.0f}, "
        f"n = {r['n']}",
        value=v,
        lo=lo,
        hi=hi,
        unit="x per year",
        interval=f"{_level(r)} bootstrap interval over models",
        interval_kind="bootstrap",
        test="interval of the log-linear trend's rate against 4-5x",
        verdict=range_verdict(lo, hi, COMPUTE_BAND),
        robustness=tuple(checks),
        detail=f"Frontier ({r['frontier']}) training compute since {r['start']:.0f}: {v:.2f}x "
        f"per year ({_level(r)} bootstrap interval {lo:.2f}-{hi:.2f}, n = {r['n']} models). "
        "The frontier rule moves the rate; each rule's verdict is in robustness.",
        rule=_band_rule("the yearly growth factor", COMPUTE_BAND, "x"),
    )


#: Bootstrap of claim 6's price-performance trend: replicates and seed.
HARDWARE_REPLICATES = 2000
HARDWARE_SEED = 6
HARDWARE_SINCE = 2006.0
HARDWARE_LEVEL = 0.9
#: Chip sets of ``scalewall hardware --chips``: GPUs (claim 6) or chips Epoch marks as ML chips.
CHIP_SETS = ("gpu", "ml", "all")


def chip_rows(chips: pd.DataFrame, which: str) -> pd.Series:
    """Rows of ``chips`` in the chip set ``which`` (:data:`CHIP_SETS`)."""
    if which == "gpu":
        return chips["type"] == "GPU"
    if which == "ml":
        return chips["ml"].astype(bool)
    return pd.Series(True, index=chips.index)


def price_performance(
    chips: pd.DataFrame,
    rows: pd.Series,
    flops: str,
    *,
    since: float = HARDWARE_SINCE,
    replicates: int = HARDWARE_REPLICATES,
    seed: int = HARDWARE_SEED,
) -> tuple[float, float, float, int]:
    """Yearly decline (%) of the release price per peak FLOP/s of the chips in ``rows``, with a
    90% bootstrap interval over chips (log-linear trend in release year)."""
    d = chips[rows & (chips[flops] > 0) & (chips["year"] >= since)]
    per_year, lo, hi, _ = fit_rate(
        d["year"].to_numpy(float),
        (d["price"] / d[flops]).to_numpy(float),
        replicates=replicates,
        level=HARDWARE_LEVEL,
        seed=seed,
    )
    return 100 * (1 - per_year), 100 * (1 - hi), 100 * (1 - lo), len(d)


def hardware_payload(
    chips: pd.DataFrame,
    source: str,
    which: str,
    flops: str,
    since: float,
    replicates: int,
    seed: int,
) -> dict[str, Any]:
    """What ``scalewall hardware --json`` writes: the price-performance trend of one chip set."""
    v, lo, hi, n = price_performance(
        chips, chip_rows(chips, which), flops, since=since, replicates=replicates, seed=seed
    )
    return {
        "source": source,
        "chips": which,
        "precision": flops,
        "since": since,
        "level": HARDWARE_LEVEL,
        "bootstrap": replicates,
        "seed": seed,
        "n": n,
        "decline_pct_per_year": v,
        "lo": lo,
        "hi": hi,
    }


def claim6(t: Mapping[str, Any], chips: pd.DataFrame, compare: Mapping[str, Any]) -> ClaimRecord:
    """Claim 6 from the chip table; ``compare`` holds the frontier-rule comparison."""
    gpu = chip_rows(chips, "gpu")
    v, lo, hi, n = price_performance(chips, gpu, "fp32")
    r = rate(t, "cost_per_flop")
    rv, rlo, rhi = (100 * (1 - r[k]) for k in ("per_year", "hi", "lo"))
    mv, mlo, mhi, mn = price_performance(chips, chip_rows(chips, "ml"), "fp32")
    checks = [
        range_check(f"ML chips only, FP32 (n = {mn})", mv, mlo, mhi, DECLINE_BAND),
        range_check(
            f"realised amortized cost per FLOP of frontier runs ({r['frontier']}, n = {r['n']})",
            rv,
            rlo,
            rhi,
            DECLINE_BAND,
        ),
        *_frontier_checks(compare, "cost_per_flop", DECLINE_BAND, flip=True),
        range_check("'about 35%' read as 25-45%", v, lo, hi, DECLINE_NEIGHBOUR),
    ]
    return replace(
        claim(6),
        measurement="Yearly decline of hardware price per FLOP/s (release price over peak FP32 "
        "FLOP/s of GPUs, Epoch AI's chip table); realised cost per FLOP of frontier runs as a "
        "secondary reading.",
        quantity="yearly decline of the hardware price per FLOP/s",
        claimed_range=DECLINE_BAND,
        reading="'about 35% per year' read as a decline of 30-40% per year",
        data=f"Epoch AI's chip table: {n} GPUs released {HARDWARE_SINCE:.0f}-"
        f"{chips.loc[gpu, 'year'].max():.0f} with a release price (nominal USD) and peak FP32 "
        "FLOP/s",
        value=v,
        lo=lo,
        hi=hi,
        unit="% decline per year",
        interval="90% bootstrap interval over chips",
        interval_kind="bootstrap",
        test="interval of the yearly decline against 30-40%",
        verdict=range_verdict(lo, hi, DECLINE_BAND),
        robustness=tuple(checks),
        detail=f"GPU price per FP32 FLOP/s falls {v:.1f}% per year ({lo:.1f}-{hi:.1f}%; ML chips "
        f"{mv:.1f}%), in nominal dollars (inflation would add 2-3 points). Hobbhahn & Besiroglu "
        "2022 ('Trends in GPU price-performance', Epoch AI) report 0.122 orders of magnitude of "
        "FLOP/s per inflation-adjusted dollar a year (~24.5%) for 470 GPUs of 2006-2021. The "
        "realised cost per FLOP of frontier "
        f"runs falls {rv:.1f}% per year ({rlo:.1f}-{rhi:.1f}%): it adds lower precision and "
        "utilisation gains, and is what reaches the claim's 35%.",
        rule=_band_rule("the yearly decline", DECLINE_BAND, "%"),
    )


def claim7(
    t2026: Mapping[str, Any], t2024: Mapping[str, Any], compare: Mapping[str, Any]
) -> ClaimRecord:
    """Claim 7 on both cost tables; ``compare`` holds the frontier-rule comparison."""
    r, c = rate(t2026, "cost"), rate(t2024, "cost")
    checks = [
        range_check(
            f"Cottier et al. 2024's snapshot ({c['frontier']}, n = {c['n']})",
            c["per_year"],
            c["lo"],
            c["hi"],
            TRIPLE_BAND,
        ),
        *_frontier_checks(compare, "cost", TRIPLE_BAND),
        range_check(
            "'roughly triple' read as 2-4x", r["per_year"], r["lo"], r["hi"], TRIPLE_NEIGHBOUR
        ),
    ]
    return replace(
        claim(7),
        quantity="yearly growth factor of the amortized training cost of frontier runs",
        claimed_range=TRIPLE_BAND,
        reading="'roughly triple' read as a growth factor of 2.5-3.5 per year",
        data=f"Epoch AI's notable models (2023 USD, amortized, {r['frontier']}, since "
        f"{r['start']:.0f}, n = {r['n']})",
        value=r["per_year"],
        lo=r["lo"],
        hi=r["hi"],
        unit="x per year",
        interval=f"{_level(r)} bootstrap interval over models",
        interval_kind="bootstrap",
        test="interval of the rate against 2.5-3.5x",
        verdict=range_verdict(r["lo"], r["hi"], TRIPLE_BAND),
        robustness=tuple(checks),
        detail=f"Amortized training cost grows {r['per_year']:.2f}x per year ({r['lo']:.2f}-"
        f"{r['hi']:.2f}) on the 2026 table; {c['per_year']:.2f}x ({c['lo']:.2f}-{c['hi']:.2f}) "
        "on the 2024 snapshot behind Cottier et al. 2024, who report 2.4x (95% CI 2.0-3.1).",
        rule=_band_rule("the yearly growth factor", TRIPLE_BAND, "x"),
    )


def trend_level(
    models: pd.DataFrame, at: float, since: float, column: str = "cost"
) -> tuple[float, float, float, int]:
    """Cost of a frontier run at year ``at`` from the log-linear trend of the top-10 runs since
    ``since``, with a 90% bootstrap interval over models (the level, not one run's cost).
    ``column`` is the cost method (:data:`scalewall.forecast.tables.COST_METHODS`)."""
    d = models[models["top10"] & (models["year"] >= since) & (models[column] > 0)]
    t, y = d["year"].to_numpy(float), np.log10(d[column].to_numpy(float))
    level = bootstrap_trends(t, y, LEVEL_REPLICATES, LEVEL_SEED).at(at)
    est = float(ols_lines(t, y).at(at))
    lo, hi = percentile_interval(10**level, 0.9)
    return float(10**est), float(lo), float(hi), int(t.size)


def claim8(t: Mapping[str, Any], models: pd.DataFrame, latest: float) -> ClaimRecord:
    r = rate(t, "cost")
    at = float(models["year"].max())
    at = min(at, latest + 1)
    v, lo, hi, n = trend_level(models, at, r["start"])
    top = sorted(
        [m for m in r["top"] if m["year"] >= latest] or r["top"], key=lambda m: -m["value"]
    )[:3]
    names = "; ".join(f"{m['model']} ({m['year']:.1f}) ${m['value'] / 1e6:,.0f}M" for m in top)
    checks = []
    for col, method in COST_METHODS.items():
        if col == "cost" or col not in models or (models[col] > 0).sum() < 5:
            continue
        mv, mlo, mhi, mn = trend_level(models, at, r["start"], col)
        checks.append(range_check(f"cost method: {method} (n = {mn})", mv, mlo, mhi, COST_BAND))
    for since in (2020.0, 2022.0):
        cv, clo, chi, cn = trend_level(models, at, since)
        checks.append(range_check(f"trend since {since:.0f} (n = {cn})", cv, clo, chi, COST_BAND))
    return replace(
        claim(8),
        quantity=f"amortized cost of a frontier training run at {at:.1f} (level of the trend)",
        claimed_range=COST_BAND,
        reading="'$100M-$500M' read as the cost of a typical frontier run today lying in that "
        "range (amortized hardware and energy, 2023 USD)",
        data=f"Epoch AI's notable models, top-10 at release with a cost, since "
        f"{r['start']:.0f} (n = {n})",
        value=v,
        lo=lo,
        hi=hi,
        unit="USD (2023, amortized)",
        interval="90% bootstrap interval over models",
        interval_kind="bootstrap",
        test="interval of the trend's level against $100M-$500M",
        verdict=range_verdict(lo, hi, COST_BAND),
        robustness=tuple(checks),
        detail=f"Costliest runs since {latest:.0f}: {names} (point estimates, shown, not "
        "deciding). Under Epoch AI's other cost methods (cloud rental, buying the hardware up "
        "front; fewer runs have them) the same trend gives the levels in robustness: the "
        "verdict depends on what 'cost' means.",
        rule=_band_rule("the frontier run's cost", COST_BAND, " USD"),
    )


def _years_beyond(year: float) -> str:
    return f"{year - LAST_DATA:.0f} years beyond the last data ({LAST_DATA:.0f})"


def _year_checks(
    value: float, lo: float, hi: float, ends: Sequence[tuple[str, float]]
) -> list[Check]:
    return [range_check(label, value, lo, hi, (-math.inf, end)) for label, end in ends]


def claim9(f: Mapping[str, Any]) -> ClaimRecord:
    m = next(x for x in f["cost_milestones"] if x["usd"] == 1e12)
    v, lo, hi = m["median_year"], m["p10_year"], m["p90_year"]
    soon = LAST_DATA + SOON_YEARS[0]
    claimed = (-math.inf, soon)
    finite = lo is not None and hi is not None
    checks = (
        _year_checks(
            v,
            lo,
            hi,
            [(f"'soon' read as within {y:g} years", LAST_DATA + y) for y in SOON_YEARS[1:]],
        )
        if finite
        else []
    )
    return replace(
        claim(9),
        quantity="year the largest training run costs $1T (1% of ~$100T of assets under "
        "management), extrapolating the fitted compute and cost-per-FLOP trends",
        claimed_range=claimed,
        reading=f"'soon' read as within {SOON_YEARS[0]:g} years of the {LAST_DATA:.0f} runs "
        f"(before {soon:.0f}); 'a noticeable share' as 1%",
        data=f"wall Monte Carlo ({f['scenario']} preset, {f['draws']:,} joint draws) over the "
        "fitted trends",
        value=v,
        lo=lo,
        hi=hi,
        unit="year",
        interval="80% Monte Carlo interval",
        interval_kind="Monte Carlo",
        test=f"interval of the year against before {soon:.0f}",
        verdict=range_verdict(lo, hi, claimed),
        robustness=tuple(checks),
        extrapolation=_years_beyond(v) if finite else "",
        detail=(
            f"The largest run costs $1T in {v:.1f} (80% interval {lo:.1f}-{hi:.1f}) if the "
            "trends continue and no other wall stops them first."
            if finite
            else "Within the simulated years the largest run does not reach $1T in every draw."
        ),
        rule=f"supported when the 80% interval ends before {soon:.0f}; not supported when it "
        "starts after; partly supported when it straddles it.",
    )


def claim10(f: Mapping[str, Any]) -> ClaimRecord:
    raw, eff = f["raw_stock_tokens"], f["effective_stock_tokens"]
    v, lo, hi = raw["median"], raw["p5"], raw["p95"]
    return replace(
        claim(10),
        quantity="stock of text tokens on the indexed web",
        claimed_range=TOKENS_BAND,
        reading="'400 trillion to 20 quadrillion' read as the stock lying in 4e14-2e16 tokens",
        data=f"restates a prior: the data-stock inputs of the {f['scenario']} preset (Villalobos "
        "et al. 2024), not a measurement",
        value=v,
        lo=lo,
        hi=hi,
        unit="tokens (indexed web, raw)",
        interval="90% range of the prior",
        interval_kind="prior",
        test="none: the range restates the source's prior, so it cannot decide",
        verdict=UNTESTABLE,
        detail=f"Raw text stock {v:.2g} tokens (90% {lo:.2g}-{hi:.2g}); after quality filtering "
        f"and repetition {eff['median']:.2g} ({eff['p5']:.2g}-{eff['p95']:.2g}). The 20 "
        "quadrillion end counts images, video and audio (Sevilla et al. 2024). A measured count "
        "(e.g. token counts of Common Crawl snapshots with deduplication) would test it.",
        rule="cannot be tested with this data: the interval is a prior, not a sampling interval.",
    )


def claim11(f: Mapping[str, Any], overtrained: Mapping[str, Any] | None = None) -> ClaimRecord:
    d = f["data_wall"]
    v, lo, hi = d["median_year"], d["p10_year"], d["p90_year"]
    claimed = (-math.inf, DECADE_END)
    pv, plo, phi = VILLALOBOS_2024
    checks = [
        range_check("'this decade' read as before 2030", v, lo, hi, (-math.inf, 2030.0)),
        range_check("Villalobos et al. 2024's published 80% interval", pv, plo, phi, claimed),
    ]
    if overtrained is not None:
        o = overtrained["data_wall"]
        checks.append(
            range_check("5x overtraining", o["median_year"], o["p10_year"], o["p90_year"], claimed)
        )
    return replace(
        claim(11),
        quantity="year the largest run's training set reaches the effective stock of public "
        "human text",
        claimed_range=claimed,
        reading="'this decade' read as before 2031; 'runs out' as the largest run using the "
        "whole effective stock (not new text stopping)",
        data=f"wall Monte Carlo ({f['scenario']} preset) over the fitted dataset-size trend and "
        "the stock's prior",
        value=v,
        lo=lo,
        hi=hi,
        unit="year",
        interval="80% Monte Carlo interval",
        interval_kind="Monte Carlo",
        test="interval of the year against before 2031",
        verdict=range_verdict(lo, hi, claimed),
        robustness=tuple(checks),
        extrapolation=_years_beyond(v),
        detail=f"The largest training set reaches the effective stock in {v:.1f} (80% interval "
        f"{lo:.1f}-{hi:.1f}); Villalobos et al. 2024 report {pv:.0f} ({plo:.0f}-{phi:.0f}), an "
        "interval that straddles the decade's end.",
        rule="supported when the 80% interval ends before 2031; not supported when it starts "
        "after; partly supported when it straddles 2031.",
    )


def claims_table(
    trends_compute: Mapping[str, Any],
    trends_cost: Mapping[str, Any],
    trends_cottier: Mapping[str, Any],
    forecast: Mapping[str, Any],
    models: pd.DataFrame,
    chips: pd.DataFrame,
    overtrained: Mapping[str, Any] | None = None,
    latest: float = LAST_DATA,
) -> list[dict[str, Any]]:
    """Claims 5-11 as ``claims.json`` records (:func:`scalewall.claims.to_record`)."""
    out = (
        claim5(trends_compute),
        claim6(trends_cost, chips, trends_compute),
        claim7(trends_cost, trends_cottier, trends_compute),
        claim8(trends_cost, models, latest),
        claim9(forecast),
        claim10(forecast),
        claim11(forecast, overtrained),
    )
    return [to_record(c) for c in out]


__all__ = [
    "CHIP_SETS",
    "chip_rows",
    "claim5",
    "claim6",
    "claim7",
    "claim8",
    "claim9",
    "claim10",
    "claim11",
    "claims_table",
    "hardware_payload",
    "measure_forecasts",
    "price_performance",
    "rate",
    "trend_level",
]


#: Claim -> the stored file its number comes from.
SOURCES = {
    5: ("trends.json", "rates[quantity=compute]; compare_frontier"),
    6: (
        "hardware.json",
        "decline_pct_per_year, lo, hi (chips.csv: price / fp32 of GPUs); "
        "trends_cost.json: rates[quantity=cost_per_flop]",
    ),
    7: ("trends_cost.json", "rates[quantity=cost]; trends_cottier.json"),
    8: ("models.csv", "top10, year, cost (trend level)"),
    9: ("forecast.json", "cost_milestones[usd=1e12]"),
    10: ("forecast.json", "raw_stock_tokens"),
    11: ("forecast.json", "data_wall; forecast_overtrained.json"),
}


def measure_forecasts(
    folder: Path, commands: Mapping[str, Sequence[str]]
) -> dict[int, ClaimRecord]:
    """Claims 5-11 from the stored ``forecasts/claims.json`` (written by :func:`claims_table`)."""
    out = {}
    for rec in read_json(folder / "claims.json")["claims"]:
        c = from_record(rec)
        file, key = SOURCES[c.id]
        out[c.id] = replace(
            c, source=f"forecasts/{file}: {key}", command=command_for(commands, file)
        )
    return out
