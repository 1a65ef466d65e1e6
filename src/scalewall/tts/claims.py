"""The test-time-compute pillar's claims (19 and 20), from ``tts/`` of ``scalewall demo``.

Brown et al. 2024's Llama-3 curves are digitised: their +-2-point band is shown but never
decides. Claim 19's primary reading is a compute-matched comparison with a bootstrap over
problems (:func:`compute_matched_claim`, fed by the Pythia grid); claim 20 reads the ceiling
from Pythia's per-problem coverage on MATH, with a bootstrap over problems.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd
from scipy import stats

from scalewall.claims import (
    UNTESTABLE,
    Check,
    ClaimRecord,
    claim,
    command_for,
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


def compute_matched_claim(rows: pd.DataFrame, data: str) -> ClaimRecord:
    """Claim 19 from compute-matched comparisons (the primary reading).

    ``rows``: one comparison per row, ``comparison``, ``estimate``, ``lo``, ``hi`` (compute the
    small model needs over the large one's, 95% bootstrap interval over problems) and ``n``
    (problems). The record shows the first row; every row is a robustness check.
    """
    first = rows.iloc[0]
    checks = tuple(
        Check(
            f"{r['comparison']} (n = {r['n']})",
            r["estimate"],
            r["lo"],
            r["hi"],
            range_verdict(r["lo"], r["hi"], CHEAPER),
        )
        for r in rows.to_dict("records")
    )
    return replace(
        claim(19),
        quantity="compute the smaller model needs to reach the larger one's single-sample "
        "accuracy, over the larger one's",
        claimed_range=CHEAPER,
        reading="'matches with more inference compute' read as reaching its accuracy at less "
        "total inference compute (ratio below 1)",
        data=data,
        value=float(first["estimate"]),
        lo=float(first["lo"]),
        hi=float(first["hi"]),
        unit=f"x the larger model's compute ({first['comparison']})",
        interval="95% bootstrap interval over problems",
        interval_kind="bootstrap",
        test="interval of the ratio against (0, 1)",
        verdict=range_verdict(float(first["lo"]), float(first["hi"]), CHEAPER),
        robustness=checks,
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
        Check(f"margin +-{m:g} pp", v, lo, hi, equivalence_verdict(lo, hi, m))
        for m in CEILING_MARGINS
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
    """Claims 19 and 20 from ``tts/``."""
    return {19: claim19_digitised(folder, commands), 20: claim20(folder, commands)}


__all__ = ["compute_matched_claim", "coverage_gain", "measure_tts"]
