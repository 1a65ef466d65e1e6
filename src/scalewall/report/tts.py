"""The report's 'Test-time compute' part: claims 19-20 and the section, from ``tts/``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from scalewall.report import tts_figures
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
from scalewall.tts import claims as tts_claims


def _passk_rows(pk: pd.DataFrame, ks: Sequence[int]) -> tuple[list[str], list[list[str]]]:
    heads = ["model"] + [f"pass@{k:,}" for k in ks]
    rows = []
    for m, d in pk.groupby("model", sort=False):
        vals = d.set_index("k")[["pass_at_k", "lo", "hi"]].astype(float)
        rows.append(
            [escape(str(m))] + [fmt_cell(*vals.to_numpy()[list(vals.index).index(k)]) for k in ks]
        )
    return heads, rows


def _grid_html(folder: Path, fig: Mapping[str, str]) -> str:
    """Compute matching on the Pythia grids: the smallest model reaching each final checkpoint."""
    m = read_csv(folder / "grid_matches.csv")
    q = tts_figures.grid_query(m["queries"].to_numpy())
    m = m[(m["queries"] == q) & (m["smallest"].astype(str) == "True")]
    rows = [
        [
            escape(str(r["benchmark"])),
            escape(str(r["target_model"])),
            f"{int(r['target_k']):,}",
            fmt_cell(r["target_coverage"], r["target_lo"], r["target_hi"]),
            f"{escape(str(r['model']))} @ {fmt_num(r['tokens'])[0]}",
            fmt_cell(r["k"], r["k_lo"], r["k_hi"]),
            fmt_num(r["train_ratio"])[0],
            fmt_num(r["inference_ratio"])[0],
            fmt_cell(r["total_ratio"], r["total_lo"], r["total_hi"]),
        ]
        for r in m.to_dict(orient="records")
    ]
    tab = table(
        [
            "benchmark",
            "larger model (final)",
            "k",
            "its coverage",
            "smallest match @ tokens",
            "samples",
            "training \u00d7",
            "inference \u00d7",
            f"total \u00d7 at Q = {q:.0e}",
        ],
        rows,
        numeric=[False, False, True, True, False, True, True, True, True],
    )
    return (
        "<h3>Training against sampling compute (Pythia sizes \u00d7 checkpoints)</h3><p>For each "
        "Pythia size's final checkpoint and k, the smallest Pythia (any checkpoint) whose "
        "coverage reaches it, with the samples it needs and its compute relative to the larger "
        "model: training 6ND (Kaplan et al. 2020), inference per query (k samples of 2N FLOPs "
        "per token), and the total for Q queries. Intervals: 95% percentile bootstrap over "
        "problems, one resample shared by all (N, D), the match redone in each; 'n/a' where some "
        "resamples never reach the target. <strong>Coverage is pass@k, an oracle verifier's "
        "upper bound</strong>: GSM8K answers are numbers that many samples hit by chance, so a "
        "tiny model 'matching' a large one here says little about what it could pick out "
        "without the answer key. Full tables: grid_matches.csv, grid_optimal.csv (the (N, D, k) "
        "that covers most per budget, after Sardana et al. 2024).</p>"
        + tab
        + fig.get("tts_grid_frontier", "")
    )


def render_tts(folder: Path, figs: Sequence[FigureFile]) -> str:
    """The 'Test-time compute' section from ``tts/*`` and its figures."""
    pk = read_csv(folder / "passk.csv")
    paired = read_csv(folder / "paired.csv")
    summary: dict[str, Any] = read_json(folder / "coverage_laws.json")
    cm = read_json(folder / "compute_matched.json")
    ver = read_csv(folder / "verifier.csv")
    fig = {f.name: figure_html(f) for f in figs}
    n_prob = int(pk["n_problems"].iloc[0])
    intro = (
        f"<p>Repeated sampling on MATH: 7 Pythia models, {n_prob} problems, 10,000 samples each "
        "(Brown et al. 2024, via Schaeffer et al. 2025's processed counts). pass@k is the "
        "unbiased estimator of Chen et al. 2021 over all k-subsets; intervals are 95% percentile "
        "bootstrap intervals over problems. With 128 problems they are about +-7 points at "
        "large k, so model comparisons below are paired (same problem draws for both).</p>"
    )
    heads, rows = _passk_rows(pk, [1, 100, 10_000])
    pk_table = table(heads, rows, numeric=[False, True, True, True])
    p_rows = [
        [
            f"{escape(str(r['model_a']))} \u2212 {escape(str(r['model_b']))}",
            f"{int(r['k']):,}",
            fmt_cell(float(r["difference"]), float(r["lo"]), float(r["hi"])),
            f"{float(r['share_positive']):.3f}",
        ]
        for r in paired.to_dict(orient="records")
    ]
    p_table = table(
        ["comparison", "k", "difference in pass@k", "bootstrap share > 0"],
        p_rows,
        numeric=[False, True, True, True],
    )
    law_rows = []
    bt_rows = []
    for m, d in summary["models"].items():
        f, err = d["fits"], d["brown_fit_error"]
        law_rows.append(
            [
                escape(m),
                fmt_num(f["brown"]["a"])[0],
                fmt_num(f["brown"]["b"])[0],
                f"{err['mean']:.4f} \u00b1 {err['sd']:.4f}",
                fmt_num(f["schaeffer-ls"]["exponent"])[0],
                fmt_num(f["beta"]["alpha"])[0],
                fmt_num(f["beta"]["exponent"])[0],
            ]
        )
        for r in d["backtest"]:
            bt_rows.append(
                [
                    escape(m),
                    escape(r["method"]),
                    fmt_cell(r["predicted"], r["lo"], r["hi"]),
                    fmt_num(r["observed"])[0],
                    f"{100 * r['error']:+.1f}",
                ]
            )
    law_table = table(
        [
            "model",
            "Brown a",
            "Brown b",
            "fit error (mean \u00b1 SD)",
            "LS exponent",
            "Beta \u03b1",
            "Beta-curve exponent",
        ],
        law_rows,
        numeric=[False] + [True] * 6,
    )
    bt = summary["backtest"]
    bt_table = table(
        ["model", "law", f"predicted pass@{bt['target_k']:,}", "observed", "error (points)"],
        bt_rows,
        numeric=[False, False, True, True, True],
    )
    cov, maj = cm["coverage"], cm["majority"]
    cmp_text = (
        f"<p>Llama-3 8B against 70B Instruct on MATH (Brown et al. 2024 Fig. 7, digitised), with "
        f"{cm['flops']}: with a perfect verifier 8B reaches 70B's single-sample accuracy "
        f"{cov['target_accuracy']:.3f} at {cov['small_samples']:.1f} samples, "
        f"{cov['compute_ratio']:.2f}x [{cov['compute_ratio_lo']:.2f}, "
        f"{cov['compute_ratio_hi']:.2f}] the compute. Under majority vote "
        + (
            f"it needs {maj['small_samples']:.1f} samples."
            if maj["reached"]
            else f"it never does: it plateaus at {maj['small_max_accuracy']:.3f}."
        )
        + "</p>"
    )
    b_rows = [
        [
            RULE_LABEL_HTML[rule],
            fmt_num(b["budget_large_samples"])[0],
            fmt_num(b["large_accuracy"])[0],
            fmt_num(b["small_samples"])[0],
            fmt_num(b["small_accuracy"])[0],
        ]
        for rule in ("coverage", "majority")
        for b in cm[rule]["budgets"]
    ]
    b_table = table(
        ["selection", "budget (70B samples)", "70B accuracy", "8B samples", "8B accuracy"],
        b_rows,
        numeric=[False, True, True, True, True],
    )
    v = ver.pivot_table(index="k", columns="fpr", values="accuracy")
    ceil = ver.groupby("fpr")["ceiling"].first()
    v_rows = [
        [f"{int(k):,}"] + [fmt_num(float(x))[0] for x in row]
        for k, row in zip(v.index, v.to_numpy(), strict=True)
    ]
    v_rows.append(["ceiling (k \u2192 \u221e)"] + [fmt_num(float(x))[0] for x in ceil.to_numpy()])
    v_table = table(
        ["k"] + [f"false-positive rate {f:g}" for f in v.columns],
        v_rows,
        numeric=[False] + [True] * len(v.columns),
    )
    return (
        intro
        + "<h3>pass@k with intervals</h3>"
        + pk_table
        + fig.get("tts_coverage_vs_k", "")
        + "<h3>Paired comparisons of adjacent sizes</h3>"
        + p_table
        + "<h3>Coverage laws</h3><p>Brown et al.'s exp(a k<sup>b</sup>) by least squares on "
        "log coverage over k = 1, 2, 4, ..., 8192 (paper, Fig. 5: a = \u22127.59, b = \u22120.18 "
        "for 70M; \u22123.92, \u22120.35 for 12B); Schaeffer et al.'s least-squares exponent of "
        "\u2212log pass@k over their 101 k; and their distributional estimator (Beta success "
        "rates, exponent \u2192 \u03b1).</p>"
        + law_table
        + f"<h3>Backtest: fit on {bt['fit_n']} samples per problem, predict "
        f"k = {bt['target_k']:,}</h3><p>Each law is fitted to {bt['repeats']} random subsamples "
        f"of {bt['fit_n']} samples per problem (without replacement); the interval is the spread "
        "over subsamples, the observed value uses all 10,000 samples.</p>"
        + bt_table
        + "<h3>Compute-matched comparison</h3>"
        + cmp_text
        + b_table
        + fig.get("tts_compute_matched", "")
        + fig.get("tts_coverage_vs_majority", "")
        + "<h3>Imperfect verifier (Pythia-12B)</h3><p>Resampling until a verifier accepts, "
        "with true-positive rate 1 (Stroebl et al. 2024): any false-positive rate caps accuracy "
        "below coverage.</p>" + v_table + _grid_html(folder, fig)
    )


RULE_LABEL_HTML = {"coverage": "perfect verifier (coverage)", "majority": "majority vote"}

PART = ReportPart(
    folder="tts",
    anchor="test-time-compute",
    render=render_tts,
    figures=tts_figures.BUILDERS,
    measure=tts_claims.measure_tts,
    literature=(
        "Brown et al. 2024, 'Large Language Monkeys: Scaling Inference Compute with Repeated "
        "Sampling' (arXiv 2407.21787)",
        "Schaeffer et al. 2025, 'How Do Large Language Monkeys Get Their Power (Laws)?' "
        "(arXiv 2502.17578)",
        "Chen et al. 2021, 'Evaluating Large Language Models Trained on Code' (arXiv 2107.03374)",
        "Stroebl, Kapoor, Narayanan 2024, 'Inference Scaling fLaws' (arXiv 2411.17501)",
        "Sardana et al. 2024, 'Beyond Chinchilla-Optimal: Accounting for Inference in Language "
        "Model Scaling Laws' (arXiv 2401.00448)",
        "Kaplan et al. 2020, 'Scaling Laws for Neural Language Models' (arXiv 2001.08361)",
    ),
)
