"""The test-time-compute pillar's claims (19 and 20), from ``tts/`` of ``scalewall demo``.

Claim 19's primary reading is problem-level compute matching on the Pythia sizes x checkpoints
grid (``grid_<benchmark>.json``, key ``matches``, a bootstrap over problems):
:func:`grid_match_rows` feeds :func:`compute_matched_claim`. Brown et al. 2024's Llama-3 curves
are digitised: their +-2-point band is shown but never decides (:func:`claim19_digitised`, the
reading when no grid is stored). Claim 20 reads the ceiling from Pythia's per-problem coverage
on MATH, with a bootstrap over problems.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
from scipy import stats

from scalewall.claims import (
    NOT_SUPPORTED,
    PARTLY,
    UNTESTABLE,
    Check,
    ClaimRecord,
    claim,
    command_for,
    equivalence_check,
    equivalence_verdict,
    range_verdict,
)
from scalewall.storage import read_json

#: "Matches a much larger one": the small model reaches the large one's accuracy at less
#: compute (compute ratio small/large below 1).
CHEAPER = (0.0, 1.0)
#: "Up to a ceiling": the coverage gain over the last decade of samples within +-2 points
#: (TOST at alpha 0.05); neighbouring margins 1 and 5 points.
CEILING_PP = 2.0
CEILING_MARGINS = (1.0, 5.0)
Z95 = float(stats.norm.ppf(0.975))
Z90 = float(stats.norm.ppf(0.95))


#: "A much larger one": at least ten times the parameters (an order of magnitude).
MUCH_LARGER = 10.0
#: Queries served in the primary total-compute ratio: the grid's middle Q, 1e9 queries (a
#: product's month); the grid's 1e6 and 1e12 are robustness.
QUERIES = 1e9


def _ratio_verdict(lo: float | None, hi: float | None) -> str:
    """The ratio's interval against (0, 1); an upper end of None is unbounded (the small model
    missed the target in some problem resamples, and those draws count as infinite), and no
    interval at all means it never reached the target within the samples drawn."""
    if _unbounded(lo):
        return NOT_SUPPORTED
    assert lo is not None
    if _unbounded(hi):
        return NOT_SUPPORTED if lo > 1.0 else PARTLY
    return range_verdict(lo, hi, CHEAPER)


def _unbounded(x: float | None) -> bool:
    """A stored null (JSON) or NaN (after a table): no finite bound."""
    return x is None or not math.isfinite(x)


def grid_match_rows(payloads: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Each larger model's final checkpoint matched by the smallest model at least
    :data:`MUCH_LARGER` times smaller that reaches its coverage with more samples.

    ``payloads`` maps a benchmark to its ``scalewall tts grid`` payload. One row per benchmark,
    target model, target k and Q: ``comparison``, ``estimate``, ``lo``, ``hi`` (total compute at
    Q queries, smaller over larger, 95% bootstrap interval over problems; ``hi`` None when
    unbounded), ``size_ratio``, ``reached_share``, ``k`` (samples the smaller model needs),
    ``queries`` and ``n`` (problems). Targets no model that much smaller reaches within the
    samples drawn are rows with ``estimate`` None (not supported for that target).
    """
    rows = []
    for bench, p in payloads.items():
        n = int(p["cells"][0]["n_problems"])
        by_target: dict[tuple[str, int], list[Mapping[str, Any]]] = {}
        for m in p["matches"]:
            by_target.setdefault((m["target_model"], m["target_k"]), []).append(m)
        for (target, k), ms in by_target.items():
            far = [m for m in ms if m["target_params"] / m["params"] >= MUCH_LARGER]
            if not far:
                continue
            hit = next((m for m in far if m["reached"]), None)
            for q in p["queries"]:
                label = f"{bench}: {target} pass@{k}, Q = {q:.0e}"
                if hit is None:
                    rows.append(
                        {
                            "comparison": f"{label}, not reached by a model {MUCH_LARGER:g}x "
                            "smaller",
                            "estimate": None,
                            "lo": None,
                            "hi": None,
                            "n": n,
                            "size_ratio": None,
                            "reached_share": 0.0,
                            "k": None,
                            "queries": q,
                            "benchmark": bench,
                            "target": target,
                            "target_k": k,
                        }
                    )
                    continue
                t = next(x for x in hit["total"] if x["queries"] == q)
                rows.append(
                    {
                        "comparison": f"{label}, {hit['model']} "
                        f"({hit['target_params'] / hit['params']:.0f}x smaller)",
                        "estimate": t["ratio"],
                        "lo": t["lo"],
                        "hi": t["hi"],
                        "n": n,
                        "size_ratio": hit["target_params"] / hit["params"],
                        "reached_share": hit["reached_share"],
                        "k": hit["k"],
                        "queries": q,
                        "benchmark": bench,
                        "target": target,
                        "target_k": k,
                    }
                )
    return pd.DataFrame(rows)


def compute_matched_claim(rows: pd.DataFrame, data: str) -> ClaimRecord:
    """Claim 19 from compute-matched comparisons (the primary reading).

    ``rows``: one comparison per row, ``comparison``, ``estimate``, ``lo``, ``hi`` (compute the
    small model needs over the large one's, 95% bootstrap interval over problems; ``hi`` None
    when unbounded) and ``n`` (problems). The first row is the record; every other row is a
    robustness check.
    """
    first = rows.iloc[0]
    checks = tuple(
        Check(
            f"{r['comparison']} (n = {r['n']})",
            r["estimate"],
            r["lo"],
            r["hi"],
            _ratio_verdict(r["lo"], r["hi"]),
        )
        for r in rows.iloc[1:].to_dict("records")
    )
    lo, hi = first["lo"], first["hi"]
    return replace(
        claim(19),
        quantity="total compute (training plus inference at Q queries) the smaller model needs "
        "to reach the larger one's accuracy with more samples, over the larger one's",
        claimed_range=CHEAPER,
        reading=f"'a much larger one' read as at least {MUCH_LARGER:g}x the parameters; "
        "'matches with more inference compute' as reaching its accuracy with more samples at "
        "less total compute (ratio below 1); accuracy with many samples is pass@k, an "
        "oracle-verifier upper bound on what a real verifier or majority vote reaches",
        data=data,
        value=None if _unbounded(first["estimate"]) else float(first["estimate"]),
        lo=None if _unbounded(lo) else float(lo),
        hi=None if _unbounded(hi) else float(hi),
        unit=f"x the larger model's compute ({first['comparison']})",
        interval="95% bootstrap interval over problems",
        interval_kind="bootstrap",
        test="interval of the ratio against (0, 1)",
        verdict=_ratio_verdict(lo, hi),
        robustness=checks,
    )


def grid_claim(
    folder: Path, commands: Mapping[str, Sequence[str]], digitised: ClaimRecord
) -> ClaimRecord:
    """Claim 19 on the Pythia grids: the largest model's MATH pass@1 at Q = 1e9 is the record.

    ``digitised`` (Brown et al.'s Llama-3 curves) is quoted in the detail, not a robustness
    check: its band is no sampling interval, so it can neither agree nor disagree."""
    payloads = {
        b: read_json(folder / f"grid_{b.lower()}.json")
        for b in ("MATH", "GSM8K")
        if (folder / f"grid_{b.lower()}.json").exists()
    }
    rows = grid_match_rows(payloads)
    top = rows["target"].iloc[-1]
    first = (rows["benchmark"] == next(iter(payloads))) & (rows["target"] == top)
    first &= (rows["target_k"] == 1) & (rows["queries"] == QUERIES)
    # the record first; then the same target at the other Q, at other k and on the other
    # benchmark; then every other target's pass@1 at the stated Q
    same, at_q = rows["target"] == top, rows["queries"] == QUERIES
    other_q = same & (rows["benchmark"] == rows["benchmark"].iloc[0]) & (rows["target_k"] == 1)
    other_k = same & at_q
    others = ~same & (rows["target_k"] == 1) & at_q
    ordered = pd.concat([rows[first], rows[other_q & ~first], rows[other_k & ~first], rows[others]])
    c = compute_matched_claim(ordered, "")
    r = ordered.iloc[0]
    n_cells = {b: len(p["cells"]) for b, p in payloads.items()}
    reach = (
        ""
        if r["estimate"] is None
        else (
            f"{r['comparison'].split(', ')[-1]} reaches {top}'s single-sample coverage with "
            f"{r['k']:.0f} samples, at {r['estimate']:.2f}x its total compute "
            f"[{r['lo']:.2f}, "
            + ("unbounded" if _unbounded(r["hi"]) else f"{r['hi']:.2f}")
            + f"] at Q = {QUERIES:.0e} queries (training 6ND plus 2N x 1,000 tokens per sample). "
        )
    )
    return replace(
        c,
        data="Schaeffer et al. 2025's Pythia sizes x checkpoints grids ("
        + ", ".join(f"{b}: {k} cells" for b, k in n_cells.items())
        + "; samples from Brown et al. 2024), bootstrap over problems paired across cells",
        detail=reach
        + "Coverage is pass@k: it assumes a verifier that always recognises a correct sample, "
        "so this is an upper bound on the claim; with majority vote or a real verifier the "
        "small model needs more samples or never gets there. Secondary reading, Brown et al.'s "
        f"digitised Llama-3 curves (a +-2-point band, which cannot decide): 8B reaches 70B's "
        f"single-sample MATH coverage at {digitised.value:.2f}x its inference compute "
        f"[{digitised.lo:.2f}, {digitised.hi:.2f}].",
        rule="supported when the 95% interval of the compute ratio lies below 1; not "
        "supported when it lies above 1, or when no model at least 10x smaller reaches the "
        "target within the samples drawn; partly supported when it straddles 1.",
        source=f"tts/grid_{next(iter(payloads)).lower()}.json: matches[].total[].ratio, lo, hi",
        command=command_for(commands, f"grid_{next(iter(payloads)).lower()}.json"),
    )


def claim19_digitised(folder: Path, commands: Mapping[str, Sequence[str]]) -> ClaimRecord:
    """Claim 19's secondary reading: Brown et al.'s digitised Llama-3 curves (a band only)."""
    cm = read_json(folder / "compute_matched.json")
    cov, maj = cm["coverage"], cm["majority"]
    return replace(
        claim(19),
        quantity="compute Llama-3 8B needs to reach 70B's single-sample MATH accuracy, over 70B's",
        claimed_range=CHEAPER,
        reading="'matches with more inference compute' read as reaching its accuracy at less "
        "total inference compute (ratio below 1)",
        data="secondary reading: Brown et al. 2024's Llama-3 8B/70B MATH curves, digitised; "
        "the Pythia repeated-sampling grid (bootstrap over problems) is the primary data",
        value=cov["compute_ratio"],
        lo=cov["compute_ratio_lo"],
        hi=cov["compute_ratio_hi"],
        unit="x 70B compute (coverage)",
        interval="+-2-point digitisation band",
        interval_kind="digitisation band",
        test="none: a digitisation band is not a sampling interval",
        verdict=UNTESTABLE,
        detail=(
            f"With a perfect verifier 8B reaches 70B's single-sample accuracy at "
            f"{cov['compute_ratio']:.2f}x its compute; under majority vote "
            + (
                f"at {maj['compute_ratio']:.2f}x"
                if maj["reached"]
                else f"never (8B plateaus at {maj['small_max_accuracy']:.3f})"
            )
            + ". Per-problem counts over model sizes (Pythia grid, bootstrap over problems) "
            "would test it."
        ),
        rule="cannot be tested from digitised curves; with per-problem data, supported when "
        "the 95% interval of the ratio lies below 1, not supported above, partly otherwise.",
        source="tts/compute_matched.json: coverage.compute_ratio (Brown et al. 2024, digitised)",
        command=command_for(commands, "compute_matched.json"),
    )


def coverage_gain(pk: pd.DataFrame, model: str, k0: int, k1: int) -> tuple[float, float, float]:
    """Coverage gain (points) from ``k0`` to ``k1`` samples with a 90% interval.

    The two 95% bootstrap intervals over problems are combined as if independent; the gains
    share problems and are positively correlated, so the interval is conservative (wider).
    """
    d = pk[pk["model"] == model].set_index("k")
    a, b = (d.loc[k, ["pass_at_k", "lo", "hi"]].to_numpy(float) for k in (k0, k1))
    se = math.hypot(a[2] - a[1], b[2] - b[1]) / (2 * Z95)
    g = float(b[0] - a[0])
    return 100 * g, 100 * (g - Z90 * se), 100 * (g + Z90 * se)


def claim20(folder: Path, commands: Mapping[str, Sequence[str]]) -> ClaimRecord:
    """Claim 20: the ceiling as an equivalence test on the last decade's coverage gain."""
    pk = pd.read_csv(folder / "passk.csv")
    ks = sorted(pk["k"].unique())
    k1 = int(ks[-1])
    k0 = int(max(k for k in ks if k <= k1 / 10))
    models = list(dict.fromkeys(pk["model"]))
    top = models[-1]
    v, lo, hi = coverage_gain(pk, top, k0, k1)
    checks = [Check(m, *coverage_gain(pk, m, k0, k1), "") for m in models[:-1]] + [
        equivalence_check(f"margin +-{m:g} pp", v, lo, hi, m) for m in CEILING_MARGINS
    ]
    checks = [
        c if c.verdict else replace(c, verdict=equivalence_verdict(c.lo, c.hi, CEILING_PP))
        for c in checks
    ]
    last2 = coverage_gain(pk, top, int(ks[-2]), k1)
    checks.append(
        Check(
            f"last two sample counts ({int(ks[-2]):,} -> {k1:,})",
            *last2,
            equivalence_verdict(last2[1], last2[2], CEILING_PP),
        )
    )
    n = int(pk["n_problems"].iloc[0])
    return replace(
        claim(20),
        quantity=f"coverage (pass@k, oracle verifier) gained from {k0:,} to {k1:,} samples",
        claimed_range=(-CEILING_PP, CEILING_PP),
        reading=f"'up to a ceiling' read as the last decade of samples adding less than "
        f"+-{CEILING_PP:g} points (TOST at alpha 0.05)",
        data=f"Pythia on MATH, {n} problems, 10,000 samples each (Brown et al. 2024 via "
        "Schaeffer et al. 2025); best-of-N with a real verifier is not measurable here (no "
        "verifier scores)",
        value=v,
        lo=lo,
        hi=hi,
        unit=f"points, {top}",
        interval="90% bootstrap interval over problems (combined, conservative)",
        interval_kind="bootstrap",
        test=f"TOST: 90% interval inside +-{CEILING_PP:g} points",
        verdict=equivalence_verdict(lo, hi, CEILING_PP),
        robustness=tuple(checks),
        detail=(
            f"{top}'s coverage rises {v:.1f} points [{lo:.1f}, {hi:.1f}] from {k0:,} to "
            f"{k1:,} samples. Majority vote plateaus in Brown et al.'s digitised Llama-3 curves "
            "(a band, not a sampling interval). Best-of-N needs verifier scores per sample, "
            "which this data lacks."
        ),
        rule=f"supported when the 90% interval of the gain lies inside +-{CEILING_PP:g} "
        "points; not supported when it lies beyond; cannot be tested when wider than the "
        "margin; partly supported otherwise.",
        source="tts/passk.csv: pass_at_k, lo, hi",
        command=command_for(commands, "passk.csv"),
    )


def measure_tts(folder: Path, commands: Mapping[str, Sequence[str]]) -> dict[int, ClaimRecord]:
    """Claims 19 and 20 from ``tts/``; claim 19 from the Pythia grids when stored, with the
    digitised Llama-3 reading as a labelled secondary check, else from that reading alone."""
    digitised = claim19_digitised(folder, commands)
    c19 = digitised
    if (folder / "grid_math.json").exists():
        c19 = grid_claim(folder, commands, digitised)
    return {19: c19, 20: claim20(folder, commands)}


__all__ = [
    "compute_matched_claim",
    "coverage_gain",
    "grid_claim",
    "grid_match_rows",
    "measure_tts",
]
