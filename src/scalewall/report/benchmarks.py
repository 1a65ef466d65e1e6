"""The report's 'Benchmark scaling' part, from ``benchmarks/`` (claims 2-4 are read from the same
``summary.json`` by the claims check)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from scalewall.downstream.claims import measure_inverse_scaling
from scalewall.laws.claims import measure_benchmark_gain
from scalewall.report import benchmarks_figures
from scalewall.report.claims import Claim
from scalewall.report.common import FigureFile, figure_html, fmt_cell, fmt_num, read_json, table
from scalewall.report.part import ReportPart


def _names(xs: Sequence[str]) -> str:
    return ", ".join(xs) or "none"


def _row(b: dict[str, Any]) -> list[str]:
    flags = [
        name
        for name, key in (
            ("contamination-prone", "contamination_prone"),
            ("near ceiling", "near_ceiling"),
            ("at chance", "at_chance"),
        )
        if b.get(key) is True
    ]
    err = b.get("rel_error_reduction")
    return [
        escape(b["benchmark"]),
        str(b["n_models"]),
        f"{b['compute_min']:.1e} \u2013 {b['compute_max']:.1e}",
        fmt_cell(b["slope_per_decade"], b["slope_lo"], b["slope_hi"]),
        fmt_cell(b["gain_per_10x"], b["gain_lo"], b["gain_hi"]) if err is not None else "\u2014",
        fmt_cell(100 * err, 100 * b["rel_error_reduction_lo"], 100 * b["rel_error_reduction_hi"])
        if err is not None
        else "\u2014",
        escape(b["verdict"]),
        fmt_num(b["slope_p_negative_holm"])[0],
        fmt_num(b["detectable_fall"])[0] if b["detectable_fall"] is not None else "\u2014",
        fmt_cell(b["slope_adj_year"], b["slope_adj_year_lo"], b["slope_adj_year_hi"]),
        escape(", ".join(flags)),
    ]


def render_benchmarks(folder: Path, figs: Sequence[FigureFile]) -> str:
    """The 'Benchmark scaling' section, from ``benchmarks/summary.json`` and its figures."""
    d = read_json(folder / "summary.json")
    st, s = d["settings"], d["summary"]
    fitted = [b for b in d["benchmarks"] if b["verdict"] != "too few models"]
    tab = table(
        [
            "benchmark",
            "models",
            "compute (FLOP)",
            "linear (pts per 10x)",
            "gain per 10x (pts)",
            "error reduction (%)",
            f"TOST \u00b1{st['margin_points']:g}",
            "Holm p (slope &lt; 0)",
            "detectable fall",
            "slope with year",
            "flags",
        ],
        [_row(b) for b in fitted],
        numeric=[False, True, False, True, True, True, False, True, True, True, False],
    )
    v = s["verdicts"]["all"]
    u = s["verdicts"]["unflagged"]
    fig_html = {f.name: figure_html(f) for f in figs}
    dropped = ", ".join(f"{k}: {n}" for k, n in st["dropped_by_reason"].items() if n)
    eci = s.get("eci")
    eci_txt = (
        f" On Epoch's Capabilities Index ({eci['n_models']} models) the slope is "
        f"{fmt_cell(eci['slope_per_decade'], eci['slope_lo'], eci['slope_hi'])} ECI points per "
        f"10x, and {fmt_cell(eci['slope_adj_year'], eci['slope_adj_year_lo'], eci['slope_adj_year_hi'])}"
        f" with release year as a covariate (correlation of log compute and year "
        f"{eci['corr_compute_year']:.2f})."
        if eci
        else ""
    )
    return (
        f"<p>Epoch AI's Benchmarking Hub: {s['n_benchmarks']} files (benchmarks and the ECI); "
        f"{s['n_fitted']} have at least {st['min_models']} models with known training compute "
        f"and are fitted, {len(s['too_few_models'])} are listed but not fitted "
        f"({_names(s['too_few_models'])}). Reasoning-effort variants: rule "
        f"'{escape(st['variant'])}'. Rows dropped ({dropped}); every file's rows are "
        "accounted for in <code>benchmarks/dropped.csv</code>. Bounded scores are fitted as a "
        "sigmoid in log10 compute between chance (each floor's reason is in "
        "<code>benchmarks.csv</code>) and the ceiling, as a line in logit space; the gain per "
        "10x is that fit's score at the largest compute minus one decade below, inside the data. "
        f"Intervals: {round(100 * st['level'])}% {escape(st['interval'])}, "
        f"{st['bootstrap']} replicates. Linear slopes are in percentage points (native units "
        "for unbounded scores).</p>"
        + tab
        + f"<p class=note>TOST: {escape(st['tost'])}. Inverse scaling: "
        f"{escape(st['inverse_scaling_test'])}. Power: {escape(st['power_rule'])}; "
        "'detectable fall' is that left-hand side in points per 10x. Confounding: "
        f"{escape(st['confounding'])}. Flags: near ceiling = {escape(st['near_ceiling'])}; at "
        f"chance = {escape(st['at_chance'])}; contamination-prone = static test sets on the "
        "open web (reasons in the table file). Table: <code>benchmarks/benchmarks.csv</code>.</p>"
        + fig_html.get("benchmarks_scores", "")
        + fig_html.get("benchmarks_gain", "")
        + fig_html.get("benchmarks_frontier", "")
        + f"<p>Of {s['n_bounded_fitted']} bounded benchmarks, the gain per 10x is equivalent to "
        f"zero within \u00b1{st['margin_points']:g} points on {v['equivalent']['count']}, a gain "
        f"is shown on {v['gain']['count']}, a decline on {v['decline']['count']}, and "
        f"{v['inconclusive']['count']} are inconclusive ({_names(v['inconclusive']['benchmarks'])})"
        f"; without the flagged benchmarks ({u['gain']['of']} left): equivalent "
        f"{u['equivalent']['count']}, gain {u['gain']['count']}, inconclusive "
        f"{u['inconclusive']['count']}. Median gain per 10x "
        f"{s['median_gain_per_10x_points']:.1f} points, median relative error reduction "
        f"{100 * s['median_rel_error_reduction']:.0f}%. Inverse scaling after Holm: "
        f"{_names(s['inverse_scaling'])}; {s['n_powered_for_fall']} of {s['n_bounded_fitted']} "
        f"benchmarks had the power to show a fall of {st['inverse_effect_points']:g} points per "
        f"10x ({_names(s['powered_for_fall'])}), so 'none' says little about the others."
        f"{eci_txt}</p>"
    )


def measure_benchmarks(folder: Path, commands: Mapping[str, Sequence[str]]) -> dict[int, Claim]:
    """Claims 2 and 4 from the hub, with the loss (``scaling_laws/``) and Pythia's tasks
    (``downstream/``) of the same results folder where stored."""
    return {
        **measure_benchmark_gain(folder, commands, folder.parent / "scaling_laws"),
        **measure_inverse_scaling(folder, commands, folder.parent / "downstream"),
    }


PART = ReportPart(
    folder="benchmarks",
    anchor="benchmark-scaling",
    render=render_benchmarks,
    figures=benchmarks_figures.BUILDERS,
    measure=measure_benchmarks,
    literature=(
        "Epoch AI, 'AI Benchmarking' (epoch.ai/benchmarks), Benchmarking Hub snapshot 2025-11 "
        "(CC-BY 4.0)",
        "Owen 2024, 'How predictable is language model benchmark performance?' (arXiv 2401.04757)",
        "Hesterberg 2015, 'What Teachers Should Know About the Bootstrap' (The American "
        "Statistician 69:371)",
        "Schuirmann 1987, two one-sided tests (J. Pharmacokinet. Biopharm. 15:657)",
        "MacKinnon & White 1985, HC3 standard errors (J. Econometrics 29:305)",
    ),
)
