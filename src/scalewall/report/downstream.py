"""The report's 'Downstream scaling' part: claims 3 and 4 and the section, from ``downstream/``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from html import escape
from pathlib import Path

from scalewall.report import downstream_figures
from scalewall.report.claims import NOT_SUPPORTED, PARTLY, SUPPORTED, Claim, claim
from scalewall.report.common import (
    FigureFile,
    figure_html,
    first_command,
    fmt_cell,
    fmt_num,
    read_csv,
    read_json,
    table,
)
from scalewall.report.part import ReportPart

#: "Many tasks", read as at least a quarter of the tasks tested.
MANY = 0.25
RULE_3 = (
    f"supported when the lower end of the 95% Wilson interval of the share of tasks whose "
    f"last-10x gain is not distinguishable from zero is at least {MANY:.0%} ('many'); not "
    f"supported when its upper end is below {MANY:.0%}; partly supported otherwise."
)
RULE_4 = (
    "supported when at least one task's accuracy falls significantly with size (one-sided t test "
    "of the slope in log size, Holm-adjusted over tasks, p < 0.05); partly supported when a fall "
    "is significant only before the correction or a last-10x gain is significantly negative; not "
    "supported otherwise (for these tasks)."
)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _names(xs: Sequence[str]) -> str:
    return ", ".join(xs) or "none"


def measure_downstream(folder: Path, commands: Mapping[str, Sequence[str]]) -> dict[int, Claim]:
    """Claims 3 and 4 from ``summary.json`` (see :data:`RULE_3`, :data:`RULE_4`)."""
    d = read_json(folder / "summary.json")
    s, st = d["summary"], d["settings"]
    tasks = {t["task"]: t for t in d["tasks"]}
    share, (lo, hi) = s["share_not_distinguishable"], s["share_not_distinguishable_ci"]
    verdict3 = SUPPORTED if lo >= MANY else NOT_SUPPORTED if hi < MANY else PARTLY
    flat = s["not_distinguishable"]
    at_chance = [t for t in flat if tasks[t]["at_chance"]]
    above = s["share_not_distinguishable_above_chance"]
    above_txt = (
        f"Among the {len(s['tasks_above_chance'])} tasks where the largest model is above chance "
        f"the share is {_pct(above)} [{_pct(s['share_not_distinguishable_above_chance_ci'][0])}, "
        f"{_pct(s['share_not_distinguishable_above_chance_ci'][1])}]."
        if above is not None
        else ""
    )
    c3 = replace(
        claim(3),
        value=100 * share,
        lo=100 * lo,
        hi=100 * hi,
        verdict=verdict3,
        unit=f"% of {s['n_tasks']} tasks",
        detail=(
            f"{len(flat)} of {s['n_tasks']} tasks ({_names(flat)}) show no gain distinguishable "
            f"from zero over the last 10x of size ({st['source']}, final checkpoints); "
            f"{len(at_chance)} of them ({_names(at_chance)}) are at chance at every size, so "
            f"they never started to scale rather than stopped. {above_txt} Gains of the others: "
            + "; ".join(
                f"{t['task']} {100 * t['last10x_gain']:+.1f} pp"
                for t in d["tasks"]
                if t["task"] not in flat
            )
            + "."
        ),
        rule=RULE_3,
        source="downstream/summary.json: summary.share_not_distinguishable",
        command=first_command(commands, "summary.json"),
    )
    inv, neg = s["inverse_scaling"], s["negative_unadjusted"]
    falling = [t["task"] for t in d["tasks"] if t["last10x_hi"] < 0]
    verdict4 = SUPPORTED if inv else PARTLY if (neg or falling) else NOT_SUPPORTED
    w, (wv, wlo, whi) = s["most_negative_task"], s["most_negative_slope"]
    c4 = replace(
        claim(4),
        value=100 * s["share_inverse_scaling"],
        lo=100 * s["share_inverse_scaling_ci"][0],
        hi=100 * s["share_inverse_scaling_ci"][1],
        verdict=verdict4,
        unit=f"% of {s['n_tasks']} tasks",
        detail=(
            f"Tasks with a significantly negative trend after Holm's correction: {_names(inv)}; "
            f"before it: {_names(neg)}; with a significantly negative last-10x gain: "
            f"{_names(falling)}. The lowest trend is {w}'s, {100 * wv:+.2f} pp per 10x "
            f"[{100 * wlo:+.2f}, {100 * whi:+.2f}]. Only these {s['n_tasks']} standard tasks "
            "were tested; tasks built to show inverse scaling are not in this data."
        ),
        rule=RULE_4,
        source="downstream/summary.json: summary.inverse_scaling, tasks[].slope_p_negative_holm",
        command=first_command(commands, "summary.json"),
    )
    return {3: c3, 4: c4}


def render_downstream(folder: Path, figs: Sequence[FigureFile]) -> str:
    """The 'Downstream scaling' section, from ``downstream/*`` and its figures."""
    d = read_json(folder / "summary.json")
    scores = read_csv(folder / "scores.csv")
    st = d["settings"]
    lvl = round(100 * st["level"])
    rows = []
    for t in d["tasks"]:
        chance = "\u2014" if t["chance"] is None else f"{t['chance']:g}"
        rows.append(
            [
                escape(t["task"]),
                str(t["n_models"]),
                "\u2014" if t["n_examples"] is None else f"{t['n_examples']:,}",
                chance,
                fmt_cell(100 * t["slope_per_decade"], 100 * t["slope_lo"], 100 * t["slope_hi"]),
                fmt_cell(100 * t["last10x_gain"], 100 * t["last10x_lo"], 100 * t["last10x_hi"]),
                fmt_num(t["last10x_p"])[0],
                fmt_num(t["slope_p_negative_holm"])[0],
                fmt_cell(t["top_fitted"], t["top_lo"], t["top_hi"]),
                escape(t["status"]),
            ]
        )
    tab = table(
        [
            "task",
            "models",
            "test items",
            "chance",
            "trend (pp per 10x)",
            "last-10x gain (pp)",
            "p (gain = 0)",
            "Holm p (trend &lt; 0)",
            "largest model (fitted)",
            "status",
        ],
        rows,
        numeric=[False, True, True, True, True, True, True, True, True, False],
    )
    s = d["summary"]
    n_models = scores["model"].nunique()
    lo_size, hi_size = scores["size"].min(), scores["size"].max()
    fig_html = {f.name: figure_html(f) for f in figs}
    return (
        f"<p>Zero-shot accuracy of the final checkpoints of {n_models} models "
        f"({escape(st['source'])}, {lo_size:.3g} to {hi_size:.3g} parameters) on "
        f"{s['n_tasks']} tasks. For each task, accuracy is regressed on log10(parameters): the "
        "trend is the slope over all models, in percentage points (pp) per 10x of size; the "
        "last-10x gain is the fitted accuracy of the largest model minus the fitted accuracy ten "
        f"times below it, from a line through the models of that last decade. Intervals are "
        f"{lvl}% Student-t intervals (n - 2 degrees of freedom), not a bootstrap: a task has only "
        "a handful of model sizes, too few for resampling models, and each score averages "
        "hundreds of items, so its noise is close to Gaussian. The scatter around the line "
        "carries training-run differences and curvature; the binomial evaluation noise of each "
        "score, p(1 - p)/m for m test items, is a floor on every variance, so no interval is "
        "narrower than the finite test set allows (conservative: all models answer the same "
        f"items). {escape(st['evaluation_noise'].capitalize())}.</p>"
        + tab
        + "<p class=note>Status: <i>inverse scaling</i> = significantly negative trend after "
        "Holm's correction over tasks (family-wise error under any dependence between tasks); "
        "<i>at chance</i> = the interval of the largest model's fitted accuracy reaches chance; "
        f"<i>near ceiling</i> = fitted accuracy of the largest model at least {st['ceiling']:g}; "
        "<i>improving</i> = last-10x gain significantly above zero; <i>plateau</i> = positive "
        "trend overall but no distinguishable last-10x gain; <i>flat</i> = neither. A gain is "
        "tested per task without a multiplicity correction: a correction would widen every "
        "interval and push more tasks into 'not distinguishable', inflating the share claim 3 "
        "counts. Table: <code>downstream/trends.csv</code>.</p>"
        + fig_html.get("downstream_accuracy", "")
        + fig_html.get("downstream_last10x", "")
        + f"<p>Last-10x gain not distinguishable from zero: {len(s['not_distinguishable'])} of "
        f"{s['n_tasks']} tasks ({_names(s['not_distinguishable'])}), Wilson {lvl}% interval on "
        f"the share [{_pct(s['share_not_distinguishable_ci'][0])}, "
        f"{_pct(s['share_not_distinguishable_ci'][1])}], treating the tasks as a sample of "
        f"tasks. Inverse scaling: {_names(s['inverse_scaling'])}.</p>"
    )


PART = ReportPart(
    folder="downstream",
    anchor="downstream-scaling",
    render=render_downstream,
    figures=downstream_figures.BUILDERS,
    measure=measure_downstream,
    literature=(
        "Biderman et al. 2023, 'Pythia: A Suite for Analyzing Large Language Models Across "
        "Training and Scaling' (arXiv 2304.01373; EleutherAI/pythia evals/pythia-v1)",
        "Holm 1979, 'A Simple Sequentially Rejective Multiple Test Procedure' (Scand. J. Statist.)",
        "Wilson 1927, 'Probable Inference, the Law of Succession, and Statistical Inference' "
        "(JASA)",
    ),
)
