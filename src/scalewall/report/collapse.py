"""The 'Model collapse' section and claims 12-16, from ``collapse/*/results.parquet``.

Intervals of means are normal intervals over seeds (mean +- 1.96 SE); bands in tables are the
central 95% of seeds. Every number is recomputed from the stored per-seed tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from scalewall.collapse import claims as collapse_claims
from scalewall.report import collapse_figures
from scalewall.report.common import FigureFile, cmd, figure_html, fmt_cell, read_json, table
from scalewall.report.part import ReportPart


def render_collapse(folder: Path, figs: Sequence[FigureFile]) -> str:
    """Intro, a last-generation table per experiment, the figures."""
    fig_html = {f.name: figure_html(f) for f in figs}
    parts = [
        "<p>Each model is refitted on its own samples for many generations (generation 1 is the "
        "fit on real data). <b>replace</b> trains on the latest samples only, <b>accumulate</b> "
        "on all data so far, <b>keep-real</b> mixes 10% of the original real data into every "
        "generation. Bands: central 95% of seeds.</p>"
    ]
    metrics = {
        "gaussian": ("variance", "mean_sq_error"),
        "unigram": ("support_fraction", "tail_mass", "gini_simpson"),
        "ngram": ("heldout_ppl", "distinct_3", "judge_ppl"),
        "schedules": ("variance", "mean_sq_error"),
    }
    for exp, names in metrics.items():
        s = collapse_figures.summary_table(folder / exp)
        s = s[(s["generation"] == s["generation"].max()) & s["metric"].isin(names)]
        rows = [
            [r.policy, r.metric, fmt_cell(r.mean), fmt_cell(r.median, r.lo, r.hi), str(r.n_seeds)]
            for r in s.itertuples()
        ]
        parts.append(f"<h3>{exp} (generation {int(s['generation'].max())})</h3>")
        cells = read_json(folder / exp / "summary.json")["cells"]
        recipes = dict.fromkeys(c["recipe"] for c in cells if "recipe" in c)
        if recipes:
            code = ", ".join(f"<code>{escape(r)}</code>" for r in recipes)
            parts.append(f"<p>Policies (scalewall.collapse.policies recipes): {code}</p>")
        parts.append(
            table(
                ["policy", "metric", "mean", "median [95% of seeds]", "seeds"],
                rows,
                numeric=[False, False, True, True, True],
            )
        )
    parts += [fig_html.get(k, "") for k in collapse_figures.BUILDERS]
    parts.append(
        "<p>Reproduce one policy: "
        + cmd(
            "scalewall collapse --model gaussian "
            "--policy accumulate --n 100 --generations 100 --seeds 2000"
        )
        + "</p>"
    )
    return "".join(parts)


PART = ReportPart(
    folder="collapse",
    anchor="model-collapse",
    render=render_collapse,
    figures=collapse_figures.BUILDERS,
    measure=collapse_claims.measure_collapse,
    literature=(
        "Shumailov et al. 2024, 'AI models collapse when trained on recursively generated data' "
        "(Nature 631:755-759)",
        "Gerstgrasser et al. 2024, 'Is Model Collapse Inevitable?' (arXiv 2404.01413)",
        "Kazdan et al. 2024, 'Collapse or Thrive?' (arXiv 2410.16713)",
    ),
)
