"""The report's 'Own LM runs' part: the sweep trained by the demo, its law and claim 18."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from html import escape
from pathlib import Path

from scalewall.report import lm_figures
from scalewall.report.claims import NOT_SUPPORTED, PARTLY, SUPPORTED, Claim, claim
from scalewall.report.common import (
    FigureFile,
    figure_html,
    first_command,
    fmt_cell,
    read_csv,
    read_json,
    table,
)
from scalewall.report.part import ReportPart

#: A log-linear relation must explain at least half of the variance across token types.
R2_MIN = 0.5
RULE_18 = (
    "supported when the 95% interval of the slope of held-out loss against log10 training "
    f"frequency lies below zero and the log-linear fit explains at least {R2_MIN:.0%} of the "
    "variance across token types (lower end of the R\u00b2 interval); partly supported when the "
    "slope is negative but R\u00b2 falls short; not supported when the slope interval reaches zero."
)


def measure_lm(folder: Path, commands: Mapping[str, Sequence[str]]) -> dict[int, Claim]:
    """Claim 18 from ``concept_frequency.json`` (see :data:`RULE_18`)."""
    if not (folder / "concept_frequency.json").is_file():
        return {}
    cf = read_json(folder / "concept_frequency.json")
    v, (lo, hi) = cf["slope_per_decade"], cf["slope_ci"]
    r2, (r2lo, r2hi) = cf["r2"], cf["r2_ci"]
    if hi < 0 and r2lo >= R2_MIN:
        verdict = SUPPORTED
    elif hi < 0:
        verdict = PARTLY
    else:
        verdict = NOT_SUPPORTED
    return {
        18: replace(
            claim(18),
            section="own-lm-runs",
            value=v,
            lo=lo,
            hi=hi,
            verdict=verdict,
            unit="nats per 10x frequency",
            detail=(
                f"Held-out loss per token falls by {-v:.2f} [{-hi:.2f}, {-lo:.2f}] nats for each "
                f"10x of training frequency over {cf['n_types']} token types spanning "
                f"{cf['frequency_decades']:.1f} decades; R\u00b2 {r2:.2f} [{r2lo:.2f}, {r2hi:.2f}]. "
                "Measured on a tiny character model, per token rather than per concept."
            ),
            rule=RULE_18,
            source="lm/concept_frequency.json: slope_per_decade, slope_ci, r2, r2_ci",
            command=first_command(commands, "concept_frequency.json"),
        )
    }


def render_lm(folder: Path, figs: Sequence[FigureFile]) -> str:
    """Runs table summary, the fitted law with intervals, the frequency slope, the figures."""
    if not (folder / "sweep.json").is_file():
        return "<p>Not run: install <code>scalewall[lm]</code> (PyTorch) and rerun the demo.</p>"
    sw = read_json(folder / "sweep.json")
    runs = read_csv(folder / "runs.csv")
    fig_html = {f.name: figure_html(f) for f in figs}
    fit = sw["fit"]
    intro = (
        f"<p>{len(runs)} small transformer LMs trained here ({escape(sw['name'])}, "
        f"{runs['N'].min():,}-{runs['N'].max():,} non-embedding parameters, "
        f"{runs['D'].min():,}-{runs['D'].max():,} tokens of Tiny Shakespeare characters). "
        "The corpus's own Chinchilla law was fitted to the runs table with "
        f"{fit['bootstrap'].get('replicates', 0)} bootstrap replicates. These models are far "
        "too small to say anything about frontier models; the section shows the pipeline that "
        "<code>scalewall sweep</code> runs on any corpus.</p>"
    )
    rows = [
        [escape(k), fmt_cell(v, *(fit["ci"].get(k) or (None, None)))]
        for k, v in fit["params"].items()
    ]
    law = table(["parameter", "estimate [95% interval]"], rows, numeric=[False, True])
    notes = list(fit.get("warnings", []))
    if fit["params"].get("E", 1.0) < 1e-6:
        notes.append("E sits at its lower bound 0: runs this small and short do not pin the floor")
    if notes:
        law += "<ul class=note>" + "".join(f"<li>{escape(w)}</li>" for w in notes) + "</ul>"
    if sw.get("ladder"):
        from scalewall.lm.ladder_fit import summary_lines

        law += (
            "<h3>Ladder checks</h3><ul>"
            + "".join(f"<li>{escape(x)}</li>" for x in summary_lines(sw["ladder"]))
            + "</ul>"
        )
    cf_html = ""
    if sw.get("concept_frequency"):
        cf = sw["concept_frequency"]
        cf_html = (
            "<h3>Concept frequency</h3><p>Held-out loss per token type against its frequency "
            f"in the training data: slope {fmt_cell(cf['slope_per_decade'], *cf['slope_ci'])} "
            f"nats per 10x frequency, R\u00b2 {fmt_cell(cf['r2'], *cf['r2_ci'])}, over "
            f"{cf['n_types']} token types (bootstrap over types).</p>"
            + fig_html.get("lm_concept_frequency", "")
        )
    return (
        intro
        + "<h3>Fitted law</h3>"
        + law
        + fig_html.get("lm_loss_vs_compute", "")
        + cf_html
        + "<p class=note>Tables: <code>lm/runs.csv</code>, <code>lm/fit.json</code>, "
        "<code>lm/frontier.csv</code>, <code>lm/concept_frequency.csv</code>. Larger sweeps: "
        "<code>scalewall sweep --preset scaling-quick</code>, <code>repeat-quick</code>, "
        "<code>collapse-quick</code>.</p>"
    )


PART = ReportPart(
    folder="lm",
    anchor="own-lm-runs",
    render=render_lm,
    figures=lm_figures.BUILDERS,
    measure=measure_lm,
    literature=(
        "Karpathy 2015, char-rnn Tiny Shakespeare; nanoGPT (karpathy/nanoGPT), the model and "
        "trainer followed here",
        "Kandpal et al. 2023, 'Large Language Models Struggle to Learn Long-Tail Knowledge' "
        "(arXiv 2211.08411)",
    ),
)
