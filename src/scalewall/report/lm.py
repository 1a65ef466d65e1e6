"""The report's 'Own LM runs' part: the sweep trained by the demo, its law and claim 18."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path

from scalewall.errors import ScalewallWarning
from scalewall.lm import claims as lm_claims
from scalewall.report import lm_figures
from scalewall.report.common import (
    FigureFile,
    figure_html,
    fmt_cell,
    read_csv,
    read_json,
    table,
)
from scalewall.report.part import ReportPart
from scalewall.report.spec_curve import spread_table


def ladder_spec_html(folder: Path, fig_html: Mapping[str, str]) -> str:
    """The ladder's specification curve: the spread of each quantity and the figures."""
    lad = lm_figures.ladder(folder)
    if not lad:
        return ""
    s = lad["spec_curve_summary"]
    return (
        "<h3>Specification curve of the ladder's fit</h3><p>"
        + escape(lm_figures.ladder_caption(s))
        + " The shift is the largest difference between the medians of one choice's "
        "options.</p>"
        + spread_table(s["spread"], s["quantities"])
        + "".join(fig_html.get(f"lm_ladder_spec_{q}", "") for q in lm_figures.LADDER_CURVES)
    )


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
    outside = lm_figures.envelope_note(folder)
    if outside:
        notes.append(outside)
        warnings.warn(f"own LM runs: {outside}", ScalewallWarning, stacklevel=2)
    if notes:
        law += "<ul class=note>" + "".join(f"<li>{escape(w)}</li>" for w in notes) + "</ul>"
    if sw.get("ladder"):
        from scalewall.lm.ladder_fit import summary_lines

        law += (
            "<h3>Ladder checks</h3><ul>"
            + "".join(f"<li>{escape(x)}</li>" for x in summary_lines(sw["ladder"]))
            + "</ul>"
            + ladder_spec_html(folder, fig_html)
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
    measure=lm_claims.measure_lm,
    literature=(
        "Karpathy 2015, char-rnn Tiny Shakespeare; nanoGPT (karpathy/nanoGPT), the model and "
        "trainer followed here",
        "Kandpal et al. 2023, 'Large Language Models Struggle to Learn Long-Tail Knowledge' "
        "(arXiv 2211.08411)",
    ),
)
