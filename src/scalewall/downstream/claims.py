"""The downstream pillar's claims (3 and 4), from ``downstream/summary.json``.

Both take per-comparison results as plain tables (:func:`equivalence_share`,
:func:`inverse_scaling_verdict`), so the benchmark-hub and persuasion-study results feed them
unchanged; today's reading is Pythia's zero-shot tasks.
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
    SUPPORTED,
    UNTESTABLE,
    Check,
    ClaimRecord,
    claim,
    command_for,
    equivalence_verdict,
    range_verdict,
)
from scalewall.downstream.trends import wilson
from scalewall.storage import read_json

#: "No more effective": the accuracy gain per 10x of size within +-2 percentage points
#: (TOST at alpha = 0.05); neighbouring margins 1 and 5 points.
MARGIN_PP = 2.0
MARGINS_PP = (1.0, 5.0)
#: "Many tasks": at least a quarter of the tasks tested; neighbour: at least half.
MANY = 25.0
MANY_NEIGHBOUR = 50.0
#: "Get worse": a fall larger than this many points per 10x can be excluded on every task for
#: "not supported"; otherwise the data lack the power and the claim cannot be tested.
WORSE_PP = 2.0


def equivalence_share(rows: pd.DataFrame, margin: float) -> tuple[int, int, float, float, float]:
    """Share (%) of comparisons shown equivalent within ``margin`` by TOST, Wilson 95% interval.

    ``rows`` holds ``estimate``, ``lo90`` and ``hi90`` (the 90% interval of each difference, in
    the margin's unit). Returns ``(k, n, share, lo, hi)``.
    """
    k = sum(
        equivalence_verdict(r["lo90"], r["hi90"], margin) == SUPPORTED
        for r in rows.to_dict("records")
    )
    n = len(rows)
    lo, hi = wilson(k, n)
    return k, n, 100 * k / n, 100 * float(lo), 100 * float(hi)


def _last10x_rows(tasks: Sequence[Mapping[str, Any]], level: float) -> pd.DataFrame:
    """Per-task last-10x gains (pp) with their 90% Student-t interval (window models - 2 df)."""
    out = []
    for t in tasks:
        df = max(t["window_models"] - 2, 1)
        se = (t["last10x_hi"] - t["last10x_lo"]) / (2 * stats.t.ppf(0.5 + level / 2, df))
        h = stats.t.ppf(0.95, df) * se
        g = t["last10x_gain"]
        out.append(
            {
                "task": t["task"],
                "estimate": 100 * g,
                "lo90": 100 * (g - h),
                "hi90": 100 * (g + h),
                "at_chance": t["at_chance"],
            }
        )
    return pd.DataFrame(out)


def claim3(d: Mapping[str, Any], commands: Mapping[str, Sequence[str]]) -> ClaimRecord:
    """Claim 3: share of above-chance tasks whose last-10x gain is equivalent to zero."""
    rows = _last10x_rows(d["tasks"], d["settings"]["level"])
    above = rows[~rows["at_chance"]]
    k, n, v, lo, hi = equivalence_share(above, MARGIN_PP)
    claimed = (MANY, 100.0)
    checks = []
    for m in MARGINS_PP:
        _, _, mv, mlo, mhi = equivalence_share(above, m)
        checks.append(Check(f"margin +-{m:g} pp", mv, mlo, mhi, range_verdict(mlo, mhi, claimed)))
    _, _, av, alo, ahi = equivalence_share(rows, MARGIN_PP)
    checks.append(Check("at-chance tasks included", av, alo, ahi, range_verdict(alo, ahi, claimed)))
    checks.append(
        Check(
            f"'many' read as at least {MANY_NEIGHBOUR:g}%",
            v,
            lo,
            hi,
            range_verdict(lo, hi, (MANY_NEIGHBOUR, 100.0)),
        )
    )
    gains = "; ".join(
        f"{r['task']} {r['estimate']:+.1f} [{r['lo90']:+.1f}, {r['hi90']:+.1f}]"
        for r in rows.to_dict("records")
    )
    return replace(
        claim(3),
        quantity="share of tasks on which the accuracy gain over the last 10x of model size is "
        f"equivalent to zero (TOST, margin +-{MARGIN_PP:g} pp)",
        claimed_range=claimed,
        reading=f"'no more effective' read as a gain within +-{MARGIN_PP:g} percentage points "
        f"per 10x (TOST at alpha 0.05); 'many tasks' as at least {MANY:g}% of them; tasks at "
        "chance excluded (they never started to scale)",
        data=f"secondary reading: Pythia zero-shot tasks ({d['settings']['source']}), {n} above "
        "chance; the persuasion study and the benchmark hub are the primary data",
        value=v,
        lo=lo,
        hi=hi,
        unit=f"% of {n} tasks ({k} equivalent)",
        interval="95% Wilson interval",
        interval_kind="analytic",
        test=f"per-task TOST (90% t interval inside +-{MARGIN_PP:g} pp), share against >= {MANY:g}%",
        verdict=range_verdict(lo, hi, claimed),
        robustness=tuple(checks),
        detail=f"Last-10x gains in pp with 90% intervals: {gains}. A task counts only when its "
        "whole 90% interval lies inside the margin, so a wide interval never counts as 'no gain'.",
        rule=f"supported when the share's 95% interval lies at or above {MANY:g}%; not "
        "supported when it lies below; partly supported when it straddles it.",
        source="downstream/summary.json: tasks[].last10x_gain, last10x_lo, last10x_hi",
        command=command_for(commands, "summary.json"),
    )


def inverse_scaling_verdict(rows: pd.DataFrame, worse: float) -> str:
    """Claim 4 from per-task trends: ``p_holm`` (one-sided, negative slope) and ``lo`` (lower
    end of the 95% interval of the change per 10x, in points).

    Supported: some task falls significantly after Holm's correction. Not supported: no task
    does and every task excludes a fall larger than ``worse``. Otherwise the data lack the power
    to tell, and the claim cannot be tested with them.
    """
    if (rows["p_holm"] < 0.05).any():
        return SUPPORTED
    return NOT_SUPPORTED if (rows["lo"] > -worse).all() else UNTESTABLE


def claim4(d: Mapping[str, Any], commands: Mapping[str, Sequence[str]]) -> ClaimRecord:
    """Claim 4: inverse scaling with Holm's correction, and the power to see it."""
    rows = pd.DataFrame(
        {
            "task": [t["task"] for t in d["tasks"]],
            "p_holm": [t["slope_p_negative_holm"] for t in d["tasks"]],
            "lo": [100 * t["slope_lo"] for t in d["tasks"]],
            "hi": [100 * t["slope_hi"] for t in d["tasks"]],
            "estimate": [100 * t["slope_per_decade"] for t in d["tasks"]],
        }
    )
    low = rows.sort_values("estimate").iloc[0]
    verdict = inverse_scaling_verdict(rows, WORSE_PP)
    checks = [
        Check(
            f"'worse' read as a fall beyond {w:g} pp per 10x",
            low["estimate"],
            low["lo"],
            low["hi"],
            inverse_scaling_verdict(rows, w),
        )
        for w in (1.0, 5.0)
    ]
    s = d["summary"]
    return replace(
        claim(4),
        quantity="tasks whose accuracy trend in log model size is significantly negative",
        claimed_range=(-math.inf, 0.0),
        reading="'some capabilities get worse' read as at least one task with a significantly "
        f"negative trend (one-sided t, Holm over tasks); a fall larger than {WORSE_PP:g} pp per "
        "10x must be excluded on every task to say 'not supported'",
        data=f"Pythia zero-shot tasks ({d['settings']['source']}), {s['n_tasks']} tasks; the "
        "benchmark hub and tasks built for inverse scaling are not in this data",
        value=float(low["estimate"]),
        lo=float(low["lo"]),
        hi=float(low["hi"]),
        unit=f"pp per 10x, lowest trend ({low['task']})",
        interval="95% Student-t interval",
        interval_kind="analytic",
        test="Holm-adjusted one-sided t tests; power: every task's lower end above the fall",
        verdict=verdict,
        robustness=tuple(checks),
        detail=f"Holm-significant falls: {', '.join(s['inverse_scaling']) or 'none'}; "
        f"unadjusted: {', '.join(s['negative_unadjusted']) or 'none'}. Only standard tasks "
        "were tested, so 'not supported' holds for these tasks only; a task with a "
        "significant fall would make it supported.",
        rule="supported when a task falls significantly (Holm); not supported when none does "
        f"and every task excludes a fall beyond {WORSE_PP:g} pp per 10x; otherwise cannot be "
        "tested with this data (no power).",
        source="downstream/summary.json: tasks[].slope_p_negative_holm, slope_lo",
        command=command_for(commands, "summary.json"),
    )


def measure_downstream(
    folder: Path, commands: Mapping[str, Sequence[str]]
) -> dict[int, ClaimRecord]:
    """Claims 3 and 4 from ``downstream/summary.json``."""
    d = read_json(folder / "summary.json")
    return {3: claim3(d, commands), 4: claim4(d, commands)}


__all__ = [
    "MARGIN_PP",
    "claim3",
    "claim4",
    "equivalence_share",
    "inverse_scaling_verdict",
    "measure_downstream",
]
