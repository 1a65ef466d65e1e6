"""The report's 'Forecasts' part: claims 5-11 and the section, from ``forecasts/``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from scalewall.forecast import claims as forecast_claims
from scalewall.report import forecasts_figures
from scalewall.report.common import (
    FigureFile,
    figure_html,
    fmt_cell,
    fmt_year,
    read_json,
    table,
)
from scalewall.report.part import ReportPart


def _rate_rows(payload: Mapping[str, Any]) -> list[list[str]]:
    return [
        [
            escape(r["quantity"]),
            escape(payload["source"]),
            escape(r["frontier"]),
            f"{r['start']:.0f}" + (f", {escape(r['domain'])}" if r["domain"] else ""),
            fmt_cell(r["per_year"], r["lo"], r["hi"]),
            str(r["n"]),
            escape(", ".join(f"{v} {k}" for k, v in r["dropped"].items())),
        ]
        for r in payload["rates"]
    ]


def _yr(d: Mapping[str, Any]) -> str:
    if d["median_year"] is None:
        return "not by the horizon"
    return fmt_year(d["median_year"], d["p10_year"], d["p90_year"])


def render_forecasts(folder: Path, figs: Sequence[FigureFile]) -> str:
    """The 'Forecasts' section from ``forecasts/*`` and its figures."""
    fig = {f.name: figure_html(f) for f in figs}
    trend_files = ("trends.json", "trends_cost.json", "trends_cottier.json", "trends_dataset.json")
    rows = [row for f in trend_files for row in _rate_rows(read_json(folder / f))]
    rates = table(
        ["quantity", "table", "frontier", "since", "x per year [90%]", "n", "rows not used"],
        rows,
        numeric=[False, False, False, False, True, True, False],
    )
    cmp_rows = []
    for c in read_json(folder / "trends.json").get("compare_frontier", []):
        for r in c["rates"]:
            cmp_rows.append(
                [
                    escape(c["quantity"]),
                    escape(r["frontier"]),
                    fmt_cell(r["per_year"], r["lo"], r["hi"]),
                    str(r["n"]),
                ]
            )
    cmp = table(
        ["quantity", "frontier rule", "x per year [90%]", "n"],
        cmp_rows,
        numeric=[False, False, True, True],
    )
    f = read_json(folder / "forecast.json")
    ot = read_json(folder / "forecast_overtrained.json")
    walls = [
        [escape(w), _yr(f["walls"][w]), f"{f['first_wall']['share_first'][w]:.3f}"]
        for w in ("data", "cost", "power", "chips", "latency")
    ]
    walls.append(["first wall", _yr(f["first_wall"]), ""])
    wall_table = table(
        ["wall", "year it first binds, median [80%]", "P(first)"],
        walls,
        numeric=[False, True, True],
    )
    e, raw, lr = f["effective_stock_tokens"], f["raw_stock_tokens"], f["largest_run_2030"]
    sens = table(
        ["input", "Spearman \u03c1", "median first-wall year, lowest decile", "highest decile"],
        [
            [
                escape(s["input"]),
                f"{s['spearman']:+.3f}",
                f"{s['low_decile_median_year']:.1f}",
                f"{s['high_decile_median_year']:.1f}",
            ]
            for s in f["sensitivity"][:10]
        ],
        numeric=[False, True, True, True],
    )
    return (
        "<p>Growth rates are OLS fits of log10 of each quantity on publication date, with 90% "
        "percentile bootstrap intervals over models; every row says how many models were used "
        "and why the others were not. Epoch AI's notable-models table (2026-05-02) and the "
        "2024-02-05 snapshot behind Cottier et al. 2024.</p>"
        + rates
        + fig.get("forecast_compute_trend", "")
        + "<h3>How much the frontier definition moves the rates</h3>"
        + cmp
        + "<h3>The walls: one joint Monte Carlo</h3>"
        + f"<p>{f['draws']:,} joint draws of every input of the <code>{escape(f['scenario'])}</code> "
        "preset (each default carries its citation in the TOML). Raw indexed-web text stock "
        f"{fmt_cell(raw['median'], raw['p5'], raw['p95'])} tokens, effective "
        f"{fmt_cell(e['median'], e['p5'], e['p95'])} (medians, 90% intervals). The largest training "
        f"set reaches it in {_yr(f['data_wall'])} (80%); with 5x overtraining in "
        f"{_yr(ot['data_wall'])}. Largest feasible run in 2030: "
        f"{fmt_cell(lr['median'], lr['p10'], lr['p90'])} FLOP (80%; Epoch's reference 2e29, "
        f"reached in {100 * lr['p_at_least_reference']:.1f}% of draws).</p>"
        + wall_table
        + fig.get("forecast_stock_vs_demand", "")
        + fig.get("forecast_p_binding", "")
        + "<h3>Sensitivity of the first-wall year</h3>"
        + sens
        + fig.get("forecast_tornado", "")
        + "<p class=note>Files: <code>forecasts/forecast.json</code> (schema of "
        "<code>scalewall forecast --json</code>), <code>per_year.csv</code>, <code>fan.csv</code>, "
        "<code>sensitivity.csv</code>, <code>trends*.json</code>, <code>claims.json</code>.</p>"
    )


PART = ReportPart(
    folder="forecasts",
    anchor="forecasts",
    render=render_forecasts,
    figures=forecasts_figures.BUILDERS,
    measure=forecast_claims.measure_forecasts,
    literature=(
        "Villalobos et al. 2024, 'Will we run out of data? Limits of LLM scaling based on "
        "human-generated data' (arXiv 2211.04325)",
        "Sevilla et al. 2024, 'Can AI scaling continue through 2030?' (Epoch AI)",
        "Cottier et al. 2024, 'The rising costs of training frontier AI models' (arXiv 2405.21015)",
        "Muennighoff et al. 2023, 'Scaling Data-Constrained Language Models' (arXiv 2305.16264)",
    ),
)
