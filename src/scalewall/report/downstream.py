"""The report's 'Downstream scaling' part: claims 3 and 4 and the section, from ``downstream/``."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from scalewall.downstream import claims as downstream_claims
from scalewall.report import downstream_figures
from scalewall.report.common import (
    FigureFile,
    figure_html,
    fmt_cell,
    fmt_num,
    read_csv,
    read_json,
    table,
)
from scalewall.report.part import ReportPart


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _names(xs: Sequence[str]) -> str:
    return ", ".join(xs) or "none"


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
    measure=downstream_claims.measure_downstream,
    literature=(
        "Biderman et al. 2023, 'Pythia: A Suite for Analyzing Large Language Models Across "
        "Training and Scaling' (arXiv 2304.01373; EleutherAI/pythia evals/pythia-v1)",
        "Holm 1979, 'A Simple Sequentially Rejective Multiple Test Procedure' (Scand. J. Statist.)",
        "Wilson 1927, 'Probable Inference, the Law of Succession, and Statistical Inference' "
        "(JASA)",
    ),
)
