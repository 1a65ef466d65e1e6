"""The forecasts pillar's claims table (claims 5-11), computed from stored trend and forecast
payloads (the JSON of ``scalewall trends`` and ``scalewall forecast``); the report's claims
check reuses these records as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

SUPPORTED = "supported"
PARTLY = "partly supported"
NOT_SUPPORTED = "not supported"

#: 'Grows 4-5x per year' (claim 5).
COMPUTE_BAND = (4.0, 5.0)
#: 'About 35% per year', read as 30-40% (claim 6).
DECLINE_BAND = (30.0, 40.0)
#: 'Roughly triples', read as 2.5-3.5x (claim 7).
TRIPLE_BAND = (2.5, 3.5)
#: '$100M-$500M' (claim 8).
COST_BAND = (1e8, 5e8)
#: 'Soon' for claim 9: within ten years of the 2025 frontier runs.
SOON_YEAR = 2035.0
#: '400 trillion to 20 quadrillion tokens' (claim 10; Sevilla et al. 2024, a multimodal range).
TOKENS_BAND = (4e14, 2e16)
#: 'This decade' (claim 11): before 2031.
DECADE_END = 2031.0


def _band_verdict(v: float, lo: float, hi: float, band: tuple[float, float]) -> str:
    overlap = lo <= band[1] and hi >= band[0]
    if band[0] <= v <= band[1] and overlap:
        return SUPPORTED
    return PARTLY if overlap else NOT_SUPPORTED


def _band_rule(what: str, band: tuple[float, float], unit: str) -> str:
    return (
        f"supported when the estimate of {what} lies in {band[0]:g}-{band[1]:g}{unit} and its "
        "interval overlaps that range; partly supported when only the interval overlaps; "
        "not supported otherwise."
    )


def rate(trends: Mapping[str, Any], quantity: str) -> Mapping[str, Any]:
    """The record of ``quantity`` in a ``scalewall trends`` payload."""
    return next(r for r in trends["rates"] if r["quantity"] == quantity)


def _level(r: Mapping[str, Any]) -> str:
    return f"{round(100 * r['level'])}%"


def claim5(t: Mapping[str, Any]) -> dict[str, Any]:
    r = rate(t, "compute")
    return {
        "id": 5,
        "value": r["per_year"],
        "lo": r["lo"],
        "hi": r["hi"],
        "unit": "x per year",
        "interval": f"{_level(r)} bootstrap interval",
        "verdict": _band_verdict(r["per_year"], r["lo"], r["hi"], COMPUTE_BAND),
        "rule": _band_rule("the yearly growth factor", COMPUTE_BAND, "x"),
        "detail": (
            f"Frontier ({r['frontier']}) training compute since {r['start']:.0f}: "
            f"{r['per_year']:.2f}x per year ({_level(r)} bootstrap interval {r['lo']:.2f}-"
            f"{r['hi']:.2f}, n = {r['n']} models)."
        ),
    }


def claim6(t: Mapping[str, Any]) -> dict[str, Any]:
    r = rate(t, "cost_per_flop")
    v, lo, hi = (100 * (1 - r[k]) for k in ("per_year", "hi", "lo"))
    return {
        "id": 6,
        "value": v,
        "lo": lo,
        "hi": hi,
        "unit": "% decline per year",
        "interval": f"{_level(r)} bootstrap interval",
        "verdict": _band_verdict(v, lo, hi, DECLINE_BAND),
        "rule": _band_rule("the yearly decline", DECLINE_BAND, "%"),
        "detail": (
            f"Realised amortized cost per FLOP of frontier runs ({r['frontier']}, since "
            f"{r['start']:.0f}, n = {r['n']}) falls {v:.1f}% per year ({_level(r)} interval "
            f"{lo:.1f}-{hi:.1f}%). This includes lower precision and utilisation changes; "
            "hardware price-performance alone falls 21-29% per year (Hobbhahn & Besiroglu 2022)."
        ),
    }


def claim7(t2026: Mapping[str, Any], t2024: Mapping[str, Any]) -> dict[str, Any]:
    r, c = rate(t2026, "cost"), rate(t2024, "cost")
    both = [_band_verdict(x["per_year"], x["lo"], x["hi"], TRIPLE_BAND) for x in (r, c)]
    verdict = (
        SUPPORTED
        if all(v == SUPPORTED for v in both)
        else NOT_SUPPORTED
        if all(v == NOT_SUPPORTED for v in both)
        else PARTLY
    )
    return {
        "id": 7,
        "value": r["per_year"],
        "lo": r["lo"],
        "hi": r["hi"],
        "unit": "x per year",
        "interval": f"{_level(r)} bootstrap interval",
        "verdict": verdict,
        "rule": (
            "supported when the 2026 table and the 2024 snapshot (Cottier et al. 2024) both put "
            f"the estimate in {TRIPLE_BAND[0]:g}-{TRIPLE_BAND[1]:g}x with an overlapping "
            "interval; not supported when neither interval overlaps; partly supported otherwise."
        ),
        "detail": (
            f"Amortized training cost (2023 USD) of frontier runs ({r['frontier']}) since "
            f"{r['start']:.0f}: {r['per_year']:.2f}x per year ({r['lo']:.2f}-{r['hi']:.2f}, "
            f"n = {r['n']}) on the 2026 table; {c['per_year']:.2f}x ({c['lo']:.2f}-"
            f"{c['hi']:.2f}, n = {c['n']}, {c['frontier']}) on the 2024 snapshot behind "
            "Cottier et al. 2024, who report 2.4x (95% CI 2.0-3.1)."
        ),
    }


def claim8(t: Mapping[str, Any], latest: float) -> dict[str, Any]:
    r = rate(t, "cost")
    recent = [m for m in r["top"] if m["year"] >= latest]
    top = sorted(recent or r["top"], key=lambda m: -m["value"])[:3]
    vals = [m["value"] for m in top]
    inside = [COST_BAND[0] <= v <= COST_BAND[1] for v in vals]
    verdict = SUPPORTED if all(inside) else PARTLY if any(inside) else NOT_SUPPORTED
    names = "; ".join(f"{m['model']} ({m['year']:.1f}) ${m['value'] / 1e6:,.0f}M" for m in top)
    return {
        "id": 8,
        "value": vals[0],
        "lo": min(vals),
        "hi": max(vals),
        "unit": "USD (2023, amortized)",
        "interval": "range of the three costliest runs",
        "verdict": verdict,
        "rule": (
            f"supported when the three most expensive runs since {latest:.0f} all cost "
            "$100M-$500M (amortized hardware and energy); partly supported when some do; "
            "not supported when none does. The range shown is these three runs."
        ),
        "detail": (
            f"Most expensive runs since {latest:.0f}: {names} (Epoch AI amortized cost). "
            "Cloud-rental equivalents are 2-4x higher and buying the cluster costs billions."
        ),
    }


def _year_detail(d: Mapping[str, Any]) -> tuple[float, float, float]:
    return d["median_year"], d["p10_year"], d["p90_year"]


def claim9(f: Mapping[str, Any]) -> dict[str, Any]:
    m = next(x for x in f["cost_milestones"] if x["usd"] == 1e12)
    v, lo, hi = _year_detail(m)
    if hi is not None and hi <= SOON_YEAR:
        verdict = SUPPORTED
    elif lo is None or lo > SOON_YEAR:
        verdict = NOT_SUPPORTED
    else:
        verdict = PARTLY
    return {
        "id": 9,
        "value": v,
        "lo": lo,
        "hi": hi,
        "unit": "year",
        "interval": "80% interval",
        "verdict": verdict,
        "rule": (
            f"supported when the 80% interval of the year ends by {SOON_YEAR:.0f} ('soon': ten "
            "years after the 2025 runs); not supported when it starts after; partly otherwise."
        ),
        "detail": (
            f"On the fitted compute and cost-per-FLOP trends ({f['scenario']} preset, "
            f"{f['draws']:,} joint draws) the largest run costs $1T, 1% of ~$100T of assets "
            f"under management, in {v:.1f} (80% interval {lo:.1f}-{hi:.1f}), if no other wall "
            "stops the trend first."
        ),
    }


def claim10(f: Mapping[str, Any]) -> dict[str, Any]:
    raw, eff = f["raw_stock_tokens"], f["effective_stock_tokens"]
    v, lo, hi = raw["median"], raw["p5"], raw["p95"]
    inside = TOKENS_BAND[0] <= lo and hi <= TOKENS_BAND[1]
    overlap = lo <= TOKENS_BAND[1] and hi >= TOKENS_BAND[0]
    verdict = SUPPORTED if inside else PARTLY if overlap else NOT_SUPPORTED
    return {
        "id": 10,
        "value": v,
        "lo": lo,
        "hi": hi,
        "unit": "tokens (indexed web, raw)",
        "interval": "90% interval",
        "verdict": verdict,
        "rule": (
            "supported when the 90% interval of the raw indexed-web text stock lies within "
            "4e14-2e16 tokens; partly supported when it overlaps; not supported otherwise."
        ),
        "detail": (
            f"Raw text stock {v:.2g} tokens (90% {lo:.2g}-{hi:.2g}); after quality filtering and "
            f"repetition, {eff['median']:.2g} ({eff['p5']:.2g}-{eff['p95']:.2g}). The 20 "
            "quadrillion end counts images, video and audio (Sevilla et al. 2024); text "
            "sits at the bottom of the range."
        ),
    }


def claim11(f: Mapping[str, Any]) -> dict[str, Any]:
    v, lo, hi = _year_detail(f["data_wall"])
    if hi is not None and hi < DECADE_END:
        verdict = SUPPORTED
    elif v is None or v >= DECADE_END:
        verdict = NOT_SUPPORTED if lo is None or lo >= DECADE_END else PARTLY
    else:
        verdict = PARTLY
    return {
        "id": 11,
        "value": v,
        "lo": lo,
        "hi": hi,
        "unit": "year",
        "interval": "80% interval",
        "verdict": verdict,
        "rule": (
            "supported when the 80% interval of the year the largest training set reaches the "
            "effective stock ends before 2031; partly supported when only the median or part "
            "of the interval falls in this decade; not supported when the interval starts after."
        ),
        "detail": (
            f"The largest training set reaches the effective stock of public text in {v:.1f} "
            f"(80% interval {lo:.1f}-{hi:.1f}; {f['scenario']} preset; Villalobos et al. 2024: "
            "2028, 2026-2032). 'Runs out' means the largest run uses it all, not that new text "
            "stops."
        ),
    }


def claims_table(
    trends_compute: Mapping[str, Any],
    trends_cost: Mapping[str, Any],
    trends_cottier: Mapping[str, Any],
    forecast: Mapping[str, Any],
    latest: float = 2025.0,
) -> list[dict[str, Any]]:
    """Claims 5-11 as records ``{id, value, lo, hi, unit, interval, verdict, rule, detail}``."""
    out: Sequence[dict[str, Any]] = (
        claim5(trends_compute),
        claim6(trends_cost),
        claim7(trends_cost, trends_cottier),
        claim8(trends_cost, latest),
        claim9(forecast),
        claim10(forecast),
        claim11(forecast),
    )
    return list(out)
