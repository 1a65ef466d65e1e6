"""The report's 'Persuasion and model size' part, from ``persuasion/`` (no claims of its own:
the claims check reads ``summary.json``'s ``equivalence`` record for claim 3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from scalewall.downstream.claims import measure_persuasion
from scalewall.report.claims import Claim
from scalewall.report.common import FigureFile, figure_html, fmt_cell, read_csv, read_json, table
from scalewall.report.figures import OKABE_ITO, REFERENCE, FigureBuilder
from scalewall.report.part import ReportPart

OPEN, FRONTIER, COMPARISON, FIT = OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[2], OKABE_ITO[7]
Z95 = 1.959963984540054  # standard normal 97.5% quantile: the 95% Wald bars of model effects


def effect_vs_size(folder: Path) -> tuple[Figure, str, str]:
    """Per-model effects against size with the fitted line, and the equivalence intervals."""
    models = read_csv(folder / "models.csv")
    band = read_csv(folder / "band.csv")
    d = read_json(folder / "summary.json")
    e = d["equivalence"]
    fig = Figure(figsize=(8.0, 3.4), layout="constrained")
    ax, eq = fig.subplots(1, 2, width_ratios=[2.2, 1])
    ax.fill_between(band["parameters_b"], band["lo"], band["hi"], color=FIT, alpha=0.12, lw=0)
    ax.plot(band["parameters_b"], band["fitted"], color=FIT, lw=1.3, label="meta-regression")
    groups = (
        (~models["frontier"] & ~models["comparison"], OPEN, "o", "open models"),
        (models["comparison"], COMPARISON, "o", "comparison (10x smaller)"),
        (models["frontier"], FRONTIER, "D", f"frontier (assumed {e['frontier_params_b']:g}B)"),
    )
    for mask, colour, marker, label in groups:
        g = models[mask.astype(bool)]
        ax.errorbar(
            g["parameters_b"],
            g["estimate"],
            yerr=Z95 * g["se"],
            fmt=marker,
            ms=4,
            capsize=2,
            lw=1,
            color=colour,
            label=label,
        )
    ax.set_xscale("log")
    ax.set_xlabel("parameters (billions)")
    ax.set_ylabel("effect on support (percentage points)")
    ax.legend(loc="lower right")
    m = e["margin"]
    eq.axvspan(-m, m, color=COMPARISON, alpha=0.12, lw=0, label=f"margin ±{m:g}")
    for i, key in enumerate(("unadjusted", "adjusted_task_completion")):
        q = e[key]
        eq.errorbar(
            q["difference"],
            i,
            xerr=[[q["difference"] - q["ci90_lo"]], [q["ci90_hi"] - q["difference"]]],
            fmt="o",
            ms=4,
            capsize=3,
            color=FRONTIER,
        )
        eq.annotate(q["verdict"], (q["difference"], i + 0.18), ha="center", fontsize=8)
    eq.axvline(0, color=REFERENCE, lw=0.9, ls=":")
    eq.set_yticks([0, 1], ["as measured", "task-adjusted"])
    eq.set_ylim(-0.6, 1.6)
    eq.grid(axis="y", visible=False)
    eq.set_xlabel("frontier \u2212 comparison (points)")
    eq.legend(loc="lower right")
    title = "Persuasive effect against model size (Hackenburg et al. 2025)"
    caption = (
        "Left: each model's average effect on policy support with its 95% interval (the authors' "
        "model_ates.csv), the frontier models at the size the authors assume, and the primary "
        "meta-regression in ln(parameters) with its analytic (Wald) 95% band. Right: frontier "
        "minus the open models one order of magnitude smaller "
        f"({', '.join(e['comparison_models'])}), 90% interval, against the equivalence margin; "
        "'equivalent' needs the whole interval inside the shaded band (TOST at 5%)."
    )
    return fig, title, caption


def _row(q: dict[str, float | str], label: str) -> list[str]:
    return [
        label,
        fmt_cell(float(q["difference"]), float(q["ci90_lo"]), float(q["ci90_hi"])),
        f"{float(q['p_tost']):.3g}",
        f"{float(q['p_difference']):.3g}",
        escape(str(q["verdict"])),
    ]


def render_persuasion(folder: Path, figs: Sequence[FigureFile]) -> str:
    """The section: reproduction table, the forms, the equivalence test and the figure."""
    d = read_json(folder / "summary.json")
    rep = read_csv(folder / "reproduction.csv")
    forms = read_csv(folder / "forms.csv")
    e, st, data = d["equivalence"], d["settings"], d["data"]
    rows = []
    for r in rep.to_dict(orient="records"):
        rows.append(
            [
                escape(r["quantity"]),
                fmt_cell(r["ours"], r["ours_lo"], r["ours_hi"])
                if np.isfinite(r["ours_lo"])
                else fmt_cell(r["ours"]),
                fmt_cell(r["published"], r["published_lo"], r["published_hi"])
                if np.isfinite(r["published_lo"])
                else fmt_cell(r["published"]),
                f"<code>{escape(r['source'])}</code>",
            ]
        )
    rep_tab = table(
        ["quantity", "ours", "published", "authors' table"],
        rows,
        numeric=[False, True, True, False],
    )
    best = forms["aic"].min()
    form_tab = table(
        ["form", "ΔAIC", "leave-one-model-out error (points)"],
        [
            [escape(r["form"]), f"{r['aic'] - best:.1f}", f"{r['cv_error']:.2f}"]
            for r in forms.to_dict(orient="records")
        ],
        numeric=[False, True, True],
    )
    eq_tab = table(
        ["specification", "difference, 90% interval (points)", "TOST p", "p (diff = 0)", "verdict"],
        [
            _row(e["unadjusted"], "as measured"),
            _row(e["adjusted_task_completion"], "adjusted for task completion"),
        ],
        numeric=[False, True, True, True, False],
    )
    # every section's figures are passed in: only this section's are shown here
    fig_html = "".join(figure_html(f) for f in figs if f.name in BUILDERS)
    return (
        f"<p>{escape(st['citation'])}: {data['n_messages']} AI-written messages from "
        f"{data['n_models']} models on {data['n_issues']} issues, each message's effect on "
        "policy support measured against the issue's control group. Popular writing cites it as "
        "'frontier models, often ten times larger, showed statistically no more effectiveness'. "
        "We refit the authors' primary model: a multilevel meta-analysis of message effects on "
        "the centred natural log of the parameter count (frontier models at "
        f"{e['frontier_params_b']:g}B, as they assume), random effects for message, model and "
        "issue (issue intercept and slope, correlated), fitted by REML; intervals are analytic "
        "Wald z intervals from the fit, as theirs. The one difference: the released data hold "
        "each message's standard error but not the covariance between messages that share a "
        "control group, so our sampling covariance is diagonal where theirs is block-diagonal. "
        "The fixed effects land within rounding of theirs; the message and issue variance "
        "components move by about 0.2.</p>"
        + rep_tab
        + "<p>The non-linear forms are fitted to the per-model effects, weighted by their "
        "standard errors; the authors fitted them to individual attitudes, where a form that "
        "starts at zero (saturating growth) cannot fit the control level and ranks last. On "
        "effects, the log-logistic form ranks first in both, and the forms that flatten at the "
        "top fit better than the straight line in log size.</p>"
        + form_tab
        + f"<p>'No more effective', read as: the frontier models' mean effect is within "
        f"±{e['margin']:g} points of that of the open models {escape(e['comparison_rule'])}: "
        f"{escape(', '.join(e['comparison_models']))}. Two one-sided tests (TOST, alpha "
        f"{e['alpha']:g}) on a meta-regression of those models' messages with message, model and "
        "issue random effects, so the interval treats models as sampled, not only messages. "
        "'Equivalent' needs the 90% interval inside the margin; 'different' a 95% interval "
        "excluding zero; otherwise the data cannot tell ('inconclusive').</p>"
        + eq_tab
        + fig_html
        + "<p class=note>Files: <code>persuasion/summary.json</code> (key <code>equivalence"
        "</code> is the record the claims check reads), <code>reproduction.csv</code>, "
        "<code>models.csv</code>, <code>forms.csv</code>, <code>band.csv</code>.</p>"
    )


BUILDERS: dict[str, FigureBuilder] = {"persuasion_effect_vs_size": effect_vs_size}


def measure(folder: Path, commands: Mapping[str, Sequence[str]]) -> dict[int, Claim]:
    """Claim 3 from the study, with the hub's and Pythia's equivalence shares from the same
    results folder where stored."""
    return measure_persuasion(
        folder, commands, folder.parent / "benchmarks", folder.parent / "downstream"
    )


PART = ReportPart(
    folder="persuasion",
    measure=measure,
    anchor="persuasion",
    render=render_persuasion,
    figures=BUILDERS,
    literature=(
        "Hackenburg, Tappin, Röttger, Hale, Bright & Margetts 2025, 'Scaling language model size "
        "yields diminishing returns for single-message political persuasion', PNAS 122(10) "
        "e2413443122 (arXiv 2406.14508; kobihackenburg/scaling-LLM-persuasion, MIT)",
        "Viechtbauer 2010, 'Conducting meta-analyses in R with the metafor package', J. Stat. "
        "Softw. 36(3)",
        "Schuirmann 1987, 'A comparison of the two one-sided tests procedure and the power "
        "approach for assessing the equivalence of average bioavailability', J. Pharmacokinet. "
        "Biopharm. 15:657",
    ),
)
