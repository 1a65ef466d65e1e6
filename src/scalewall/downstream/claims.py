"""The downstream pillar's claims (3 and 4): the persuasion study, Epoch's Benchmarking Hub and
Pythia's zero-shot tasks.

Claim 3 is read first where its sentence comes from, Hackenburg et al.'s persuasion study
(:func:`claim3_persuasion`), and its reach is checked by per-benchmark and per-task equivalence
shares (:func:`equivalence_share`). Claim 4 searches every hub benchmark and Pythia task for
inverse scaling under one Holm correction (:func:`claim4_search`). Without the persuasion or
hub results (a results folder without those sections), both fall back to Pythia's tasks alone
(:func:`measure_downstream`).
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
    equivalence_check,
    equivalence_verdict,
    range_check,
    range_verdict,
)
from scalewall.downstream.trends import holm, wilson
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
    """Share (%) of comparisons shown equivalent within ``margin`` by TOST, with an interval
    that never reads an inconclusive comparison as either answer.

    ``rows`` holds ``estimate``, ``lo90`` and ``hi90`` (the 90% interval of each difference, in
    the margin's unit). Returns ``(k, n, share, lo, hi)``: ``k`` of ``n`` are equivalent;
    ``lo`` is the Wilson 95% lower end of ``k / n`` and ``hi`` the Wilson upper end of the share
    not shown to differ by more than the margin (equivalent or inconclusive).
    """
    verdicts = [equivalence_verdict(r["lo90"], r["hi90"], margin) for r in rows.to_dict("records")]
    k = verdicts.count(SUPPORTED)
    n = len(rows)
    lo, _ = wilson(k, n)
    _, hi = wilson(n - verdicts.count(NOT_SUPPORTED), n)
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


def pythia_share(d: Mapping[str, Any]) -> Check:
    """Share of Pythia's above-chance tasks whose last-10x gain is equivalent to zero."""
    rows = _last10x_rows(d["tasks"], d["settings"]["level"])
    k, n, v, lo, hi = equivalence_share(rows[~rows["at_chance"]], MARGIN_PP)
    return range_check(
        f"generalisation: Pythia zero-shot tasks, share equivalent within +-{MARGIN_PP:g} pp "
        f"per 10x of size ({k} of {n} above chance)",
        v,
        lo,
        hi,
        (MANY, 100.0),
    )


def hub_share(hub: Mapping[str, Any]) -> Check:
    """Share of hub benchmarks (neither at chance nor near the ceiling) whose gain per 10x of
    training compute is equivalent to zero within the section's margin."""
    margin = hub["settings"]["margin_points"]
    rows = pd.DataFrame(
        [
            {"estimate": b["gain_per_10x"], "lo90": b["gain_lo90"], "hi90": b["gain_hi90"]}
            for b in _fitted(hub)
            if not (b["at_chance"] or b["near_ceiling"])
        ]
    )
    k, n, v, lo, hi = equivalence_share(rows, margin)
    return range_check(
        f"generalisation: Epoch's Benchmarking Hub, share equivalent within +-{margin:g} points "
        f"per 10x of training compute ({k} of {n} unsaturated benchmarks)",
        v,
        lo,
        hi,
        (MANY, 100.0),
    )


def _fitted(hub: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Bounded hub benchmarks fitted on the logit scale (scores in points)."""
    fitted = ("equivalent", "gain", "decline", "inconclusive")
    return [b for b in hub["benchmarks"] if b["bounded"] and b["verdict"] in fitted]


#: Neighbouring equivalence margins of the persuasion study, in its points of policy support.
PERSUASION_MARGINS = (0.5, 2.0)


def claim3_persuasion(eq: Mapping[str, Any], reach: Sequence[Check]) -> ClaimRecord:
    """Claim 3 on Hackenburg et al.'s persuasion study: frontier models against open models an
    order of magnitude smaller, TOST with the study's margin; ``reach`` holds the equivalence
    shares of other tasks (hub benchmarks, Pythia tasks), how far the reading generalises."""
    m = float(eq["margin"])
    u, a = eq["unadjusted"], eq["adjusted_task_completion"]
    lo, hi = u["ci90_lo"], u["ci90_hi"]
    verdict = equivalence_verdict(lo, hi, m)
    checks = [
        equivalence_check(
            "adjusted for task completion", a["difference"], a["ci90_lo"], a["ci90_hi"], m
        )
    ]
    checks += [
        equivalence_check(f"margin +-{w:g} points", u["difference"], lo, hi, w)
        for w in PERSUASION_MARGINS
    ]
    checks += list(reach)
    reach_txt = "; ".join(
        f"{c.specification}: {c.value:.0f}% [{c.lo:.0f}, {c.hi:.0f}], {c.verdict}" for c in reach
    )
    return replace(
        claim(3),
        section="persuasion",
        quantity="mean persuasive effect of frontier models minus open models an order of "
        "magnitude smaller (points of policy support)",
        claimed_range=(-m, m),
        reading=f"'no more effective' read as a difference within +-{m:g} points (the study's "
        "margin; TOST at alpha 0.05): an inconclusive test is no reading either way; 'many "
        f"tasks' read, for the generalisation, as at least {MANY:g}% of other tasks equivalent "
        f"(their own margins), the share's interval counting inconclusive tasks either way",
        data=f"Hackenburg et al. 2025's PNAS persuasion study: {', '.join(eq['frontier_models'])} "
        f"(~{eq['frontier_params_b']:g}B) against {len(eq['comparison_models'])} "
        f"{eq['comparison_rule']}; the hub and Pythia's tasks for the generalisation",
        value=float(u["difference"]),
        lo=float(lo),
        hi=float(hi),
        unit="points (frontier minus smaller models)",
        interval="90% analytic (Wald) interval, REML meta-regression",
        interval_kind="analytic",
        test=f"TOST: 90% interval inside +-{m:g} points",
        verdict=verdict,
        robustness=tuple(checks),
        detail=(
            f"Frontier models move policy support {u['difference']:+.2f} points [{lo:+.2f}, "
            f"{hi:+.2f}] more than the smaller models ({a['difference']:+.2f} [{a['ci90_lo']:+.2f},"
            f" {a['ci90_hi']:+.2f}] adjusted for task completion); the study's own reading is "
            f"'{eq['claim']}'. Equivalence needs the whole 90% interval inside +-{m:g}: "
            + (
                "it is."
                if verdict == SUPPORTED
                else "it is not, and a non-significant difference is not read as none; more "
                "models per size class would narrow it."
            )
            + f" How far it reaches: {reach_txt}."
        ),
        rule=f"supported when the 90% interval lies inside +-{m:g} points (TOST); not supported "
        "when it lies beyond a margin; cannot be tested when it is wider than both margins "
        "together; partly supported otherwise.",
        source="persuasion/summary.json: equivalence.unadjusted, equivalence."
        "adjusted_task_completion",
    )


def claim3(d: Mapping[str, Any], commands: Mapping[str, Sequence[str]]) -> ClaimRecord:
    """Claim 3 on Pythia's tasks alone (when the persuasion study is not stored): share of
    above-chance tasks whose last-10x gain is equivalent to zero."""
    rows = _last10x_rows(d["tasks"], d["settings"]["level"])
    above = rows[~rows["at_chance"]]
    k, n, v, lo, hi = equivalence_share(above, MARGIN_PP)
    claimed = (MANY, 100.0)
    checks = []
    for m in MARGINS_PP:
        _, _, mv, mlo, mhi = equivalence_share(above, m)
        checks.append(range_check(f"margin +-{m:g} pp", mv, mlo, mhi, claimed))
    _, _, av, alo, ahi = equivalence_share(rows, MARGIN_PP)
    checks.append(range_check("at-chance tasks included", av, alo, ahi, claimed))
    checks.append(
        range_check(
            f"'many' read as at least {MANY_NEIGHBOUR:g}%", v, lo, hi, (MANY_NEIGHBOUR, 100.0)
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
        interval="95% Wilson interval, inconclusive tasks counted either way",
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
    """Claim 4 from Pythia's tasks alone (the reading when no benchmark hub is stored): the same
    search as :func:`claim4_search`, over one family."""
    data = (
        f"Pythia zero-shot tasks ({d['settings']['source']}), {d['summary']['n_tasks']} tasks; "
        "the benchmark hub and tasks built for inverse scaling are not in this data"
    )
    return replace(
        claim4_search(None, d, data),
        section="downstream-scaling",
        command=command_for(commands, "summary.json"),
    )


def search_rows(hub: Mapping[str, Any] | None, pythia: Mapping[str, Any] | None) -> pd.DataFrame:
    """Every benchmark and task that can show inverse scaling, Holm over all of them together.

    One row each: ``family``, ``task``, ``p`` (one-sided, negative slope), ``estimate``, ``lo``
    and ``hi`` (the trend in points per 10x and its 95% interval: a bootstrap over models on
    the hub, Student-t on Pythia), ``powered`` (hub only: the section's power rule)
    and ``p_holm``. Benchmarks at chance cannot fall further and are left out.
    """
    rows = []
    if hub is not None:
        rows += [
            {
                "family": "hub",
                "task": b["benchmark"],
                "p": b["slope_p_negative"],
                "estimate": b["slope_per_decade"],
                "lo": b["slope_lo"],
                "hi": b["slope_hi"],
                "powered": bool(b["powered_for_fall"]),
            }
            for b in _fitted(hub)
            if not b["at_chance"]
        ]
    if pythia is not None:
        rows += [
            {
                "family": "Pythia",
                "task": t["task"],
                "p": t["slope_p_negative"],
                "estimate": 100 * t["slope_per_decade"],
                "lo": 100 * t["slope_lo"],
                "hi": 100 * t["slope_hi"],
                "powered": False,
            }
            for t in pythia["tasks"]
            if not t["at_chance"]
        ]
    out = pd.DataFrame(rows)
    return out.assign(p_holm=holm(out["p"].to_numpy(float)))


def _power_verdict(rows: pd.DataFrame) -> str:
    """The hub section's power rule: not supported only when every benchmark could have shown
    a fall of its effect size at Holm's strictest level with 80% power."""
    if (rows["p_holm"] < 0.05).any():
        return SUPPORTED
    return NOT_SUPPORTED if rows["powered"].all() else UNTESTABLE


def claim4_search(
    hub: Mapping[str, Any] | None, pythia: Mapping[str, Any] | None, data: str
) -> ClaimRecord:
    """Claim 4: inverse scaling searched across every hub benchmark and Pythia task."""
    rows = search_rows(hub, pythia)
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
    fams = {str(f): sub for f, sub in rows.groupby("family", sort=False)}
    for fam, sub in fams.items():
        own = sub.assign(p_holm=holm(sub["p"].to_numpy(float)))
        lowest = own.sort_values("estimate").iloc[0]
        checks.append(
            Check(
                f"{fam} alone ({len(own)}, Holm within it)",
                lowest["estimate"],
                lowest["lo"],
                lowest["hi"],
                inverse_scaling_verdict(own, WORSE_PP),
            )
        )
    hubrows = fams.get("hub")
    if hub is not None and hubrows is not None:
        checks.append(
            Check(
                "power as the benchmark section defines it (a fall of "
                f"{hub['settings']['inverse_effect_points']:g} points per 10x detectable at "
                f"Holm's level with 80% power; {int(hubrows['powered'].sum())} of "
                f"{len(hubrows)} hub benchmarks have it)",
                low["estimate"],
                low["lo"],
                low["hi"],
                _power_verdict(hubrows),
            )
        )
    sig = rows.loc[rows["p_holm"] < 0.05, "task"].tolist()
    raw = rows.loc[rows["p"] < 0.05, "task"].tolist()
    wide = rows.loc[rows["lo"] <= -WORSE_PP, "task"].tolist()
    return replace(
        claim(4),
        section="benchmark-scaling",
        quantity="benchmarks and tasks whose score trend in scale is significantly negative",
        claimed_range=(-math.inf, 0.0),
        reading="'some capabilities get worse' read as at least one benchmark or task with a "
        "significantly negative trend in scale (one-sided test, Holm over all of them "
        f"together); 'not supported' needs every one to exclude a fall larger than {WORSE_PP:g} "
        "points per 10x (the lower end of its 95% interval above it)",
        data=data,
        value=float(low["estimate"]),
        lo=float(low["lo"]),
        hi=float(low["hi"]),
        unit=f"points per 10x, lowest trend ({low['family']}: {low['task']})",
        interval="95% interval (bootstrap over models on the hub, Student-t on Pythia)",
        interval_kind="analytic" if low["family"] == "Pythia" else "bootstrap",
        test=f"one-sided tests of a negative trend, Holm over {len(rows)} benchmarks and tasks; "
        f"power: each lower end above -{WORSE_PP:g} points per 10x",
        verdict=verdict,
        robustness=tuple(checks),
        detail=(
            f"Holm-significant falls: {', '.join(sig) or 'none'}; unadjusted: "
            f"{', '.join(raw) or 'none'}. "
            + (
                f"Cannot exclude a fall beyond {WORSE_PP:g} points per 10x: {', '.join(wide)}. "
                if wide
                else f"Every one excludes a fall beyond {WORSE_PP:g} points per 10x. "
            )
            + "Only standard benchmarks were searched, which rarely fall with scale by design; "
            "tasks built to find inverse scaling (McKenzie et al. 2023's Inverse Scaling Prize) "
            "scored across model sizes would test the claim where it is made."
        ),
        rule="supported when some benchmark or task falls significantly (Holm); not supported "
        f"when none does and every one excludes a fall beyond {WORSE_PP:g} points per 10x; "
        "otherwise cannot be tested with this data (no power).",
        source="benchmarks/summary.json: benchmarks[].slope_p_negative, slope_per_decade, "
        "slope_lo, powered_for_fall; downstream/summary.json: tasks[].slope_p_negative, slope_lo",
    )


def measure_persuasion(
    folder: Path,
    commands: Mapping[str, Sequence[str]],
    hub_folder: Path | None = None,
    pythia_folder: Path | None = None,
) -> dict[int, ClaimRecord]:
    """Claim 3 from ``persuasion/summary.json``, with the hub's and Pythia's equivalence shares
    from their folders when stored."""
    reach = []
    if hub_folder is not None and (hub_folder / "summary.json").exists():
        reach.append(hub_share(read_json(hub_folder / "summary.json")))
    if pythia_folder is not None and (pythia_folder / "summary.json").exists():
        reach.append(pythia_share(read_json(pythia_folder / "summary.json")))
    c = claim3_persuasion(read_json(folder / "summary.json")["equivalence"], reach)
    return {3: replace(c, command=command_for(commands, "summary.json"))}


def measure_inverse_scaling(
    folder: Path, commands: Mapping[str, Sequence[str]], pythia_folder: Path | None = None
) -> dict[int, ClaimRecord]:
    """Claim 4 from ``benchmarks/summary.json`` and, when stored, Pythia's tasks."""
    hub = read_json(folder / "summary.json")
    pythia = None
    if pythia_folder is not None and (pythia_folder / "summary.json").exists():
        pythia = read_json(pythia_folder / "summary.json")
    s = hub["summary"]
    data = (
        f"Epoch AI's Benchmarking Hub, {s['n_bounded_fitted']} bounded benchmarks fitted "
        f"({len(s['too_few_models'])} with too few models left out)"
        + (f"; Pythia zero-shot tasks ({pythia['summary']['n_tasks']})" if pythia else "")
        + "; benchmarks and tasks at chance left out"
    )
    c = claim4_search(hub, pythia, data)
    return {4: replace(c, command=command_for(commands, "summary.json"))}


def measure_downstream(
    folder: Path, commands: Mapping[str, Sequence[str]]
) -> dict[int, ClaimRecord]:
    """Claims 3 and 4 from ``downstream/summary.json``."""
    d = read_json(folder / "summary.json")
    return {3: claim3(d, commands), 4: claim4(d, commands)}


__all__ = [
    "MARGIN_PP",
    "claim3",
    "claim3_persuasion",
    "claim4",
    "claim4_search",
    "equivalence_share",
    "hub_share",
    "inverse_scaling_verdict",
    "measure_downstream",
    "measure_inverse_scaling",
    "measure_persuasion",
    "pythia_share",
    "search_rows",
]
