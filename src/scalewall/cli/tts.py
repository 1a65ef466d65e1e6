"""``scalewall passk`` and ``scalewall tts ...``: test-time compute with intervals."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer

from scalewall.cli.common import Table, emit, out, progress_bar, text, user_errors
from scalewall.cli.options import Debug, JsonOut, Quiet, Seed, Source
from scalewall.errors import input_error
from scalewall.laws.result import fmt
from scalewall.resampling import percentile_interval as interval
from scalewall.storage import records
from scalewall.tts import compute, coverage, grid, vote
from scalewall.tts.io import (
    counts_from_samples,
    load_counts,
    load_curve,
    load_grid,
    load_samples,
    model_counts,
    schaeffer_k_grid,
)
from scalewall.tts.passk import METRICS, bootstrap_means, paired_difference, passk_table
from scalewall.validate import check_choice, check_count, check_finite, check_options

INPUT, UNC, COMPUTE = "Input", "Uncertainty", "Compute"
app = typer.Typer(
    no_args_is_help=True,
    help="Test-time compute: majority vote, best-of-k, coverage laws, compute-matched models.",
)

ModelCol = Annotated[
    str | None, typer.Option("--model-col", help="Column naming the model.", rich_help_panel=INPUT)
]
ProblemCol = Annotated[
    str | None, typer.Option("--problem-col", help="Column of problem ids.", rich_help_panel=INPUT)
]
NCol = Annotated[
    str | None, typer.Option("--n-col", help="Column of samples drawn n.", rich_help_panel=INPUT)
]
CCol = Annotated[
    str | None, typer.Option("--c-col", help="Column of correct samples c.", rich_help_panel=INPUT)
]
CorrectCol = Annotated[
    str | None,
    typer.Option("--correct-col", help="Per-sample correctness (bool).", rich_help_panel=INPUT),
]
Ks = Annotated[str, typer.Option("--k", help="Comma-separated k, e.g. 1,10,100.")]
Bootstrap = Annotated[
    int, typer.Option(help="Bootstrap replicates over problems (0: none).", rich_help_panel=UNC)
]
Level = Annotated[float, typer.Option(help="Interval level.", rich_help_panel=UNC)]


def parse_ks(text: str) -> list[int]:
    """``"1,10,100"`` -> ``[1, 10, 100]`` with a one-line error for anything else."""
    try:
        ks = [int(float(t)) for t in text.split(",") if t.strip()]
        if not ks or any(float(t) != int(float(t)) for t in text.split(",") if t.strip()):
            raise ValueError
    except ValueError:
        raise input_error(
            "expects whole numbers separated by commas", source="--k", got=text
        ) from None
    if min(ks) < 1:
        raise input_error("k must be >= 1", source="--k", got=min(ks), fix="pass@0 is not defined")
    return ks


def _columns(**kw: str | None) -> dict[str, str]:
    return {k: v for k, v in kw.items() if v}


def _load_counts(
    source: str,
    model_col: str | None,
    problem_col: str | None,
    n_col: str | None,
    c_col: str | None,
    correct_col: str | None = None,
) -> pd.DataFrame:
    """Per-problem counts with the column names the user passed (the rest keep their defaults)."""
    return load_counts(
        source,
        columns=_columns(
            model=model_col, problem=problem_col, n=n_col, c=c_col, correct=correct_col
        ),
    )


def passk(
    source: Source,
    k: Ks = "1,10,100",
    metric: Annotated[str, typer.Option(help="pass@k, or pass^k (all k correct).")] = "pass@k",
    bootstrap: Bootstrap = 1000,
    seed: Seed = 0,
    level: Level = 0.95,
    paired: Annotated[
        str | None,
        typer.Option(help="'MODEL_A,MODEL_B': paired bootstrap of A minus B on shared problems."),
    ] = None,
    model_col: ModelCol = None,
    problem_col: ProblemCol = None,
    n_col: NCol = None,
    c_col: CCol = None,
    correct_col: CorrectCol = None,
    json_out: JsonOut = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Unbiased pass@k (Chen et al. 2021) per model with bootstrap intervals over problems.

    Example: scalewall passk monkeys-pythia-math-counts --k 1,100,10000 --json passk.json
    """
    with user_errors(debug):
        ks = parse_ks(k)
        check_choice(metric, METRICS, "--metric")
        check_options(level=level, seed=seed, json_out=json_out, bootstrap=bootstrap)
        counts = _load_counts(source, model_col, problem_col, n_col, c_col, correct_col)
        with progress_bar("bootstrap", not quiet) as update:
            tab = passk_table(
                counts,
                ks,
                metric=metric,
                bootstrap=bootstrap,
                seed=seed,
                level=level,
                progress=update,
                source=source,
            )
        payload: dict[str, Any] = {
            "source": source,
            "metric": metric,
            "estimator": "unbiased, without replacement from n (Chen et al. 2021)",
            "bootstrap": {"replicates": bootstrap, "seed": seed, "level": level, "unit": "problem"},
            "results": records(tab[["model", "k", "pass_at_k", "lo", "hi", "n_problems"]]),
        }
        diff = None
        if paired:
            names = [p.strip() for p in paired.split(",")]
            if len(names) != 2:
                raise input_error("expects 'MODEL_A,MODEL_B'", source="--paired", got=paired)
            with progress_bar("paired bootstrap", not quiet):
                diff = paired_difference(
                    counts,
                    names[0],
                    names[1],
                    ks,
                    bootstrap=bootstrap,
                    seed=seed,
                    level=level,
                    source=source,
                )
            payload["paired"] = records(diff)

        def show() -> None:
            t = Table(title=f"{metric} ({round(100 * level)}% bootstrap interval over problems)")
            for col in ("model", "k", metric, "interval", "problems"):
                t.add_column(col, justify="left" if col == "model" else "right")
            for r in tab.itertuples():
                t.add_row(
                    str(r.model),
                    str(r.k),
                    fmt(r.pass_at_k),
                    f"[{fmt(r.lo)}, {fmt(r.hi)}]",
                    str(r.n_problems),
                )
            out.print(t)
            if diff is not None:
                d = Table(title="paired difference (A - B), same problem draws")
                for col in ("A - B", "k", "difference", "interval", "P(> 0)"):
                    d.add_column(col, justify="right")
                for r in diff.itertuples():
                    d.add_row(
                        f"{r.model_a} - {r.model_b}",
                        str(r.k),
                        fmt(r.difference),
                        f"[{fmt(r.lo)}, {fmt(r.hi)}]",
                        fmt(r.share_positive, 3),
                    )
                out.print(d)

        emit(payload, json_out, quiet, show)


@app.command("vote")
def vote_cmd(
    source: Source,
    k: Ks = "1,4,16,64",
    method: Annotated[str, typer.Option(help="'majority' (maj@k) or 'best-of' (by score).")] = (
        "majority"
    ),
    bootstrap: Bootstrap = 1000,
    seed: Seed = 0,
    level: Level = 0.95,
    model_col: ModelCol = None,
    problem_col: ProblemCol = None,
    correct_col: CorrectCol = None,
    answer_col: Annotated[
        str | None, typer.Option("--answer-col", help="Final answers.", rich_help_panel=INPUT)
    ] = None,
    score_col: Annotated[
        str | None, typer.Option("--score-col", help="Verifier scores.", rich_help_panel=INPUT)
    ] = None,
    json_out: JsonOut = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Exact maj@k or best-of-k over all k-subsets of per-sample records, next to pass@k.

    Example: scalewall tts vote samples.jsonl --k 1,4,16 --method majority --json vote.json
    """
    with user_errors(debug):
        ks = parse_ks(k)
        check_choice(method, ("majority", "best-of"), "--method")
        check_options(level=level, seed=seed, json_out=json_out, bootstrap=bootstrap)
        samples = load_samples(
            source,
            columns=_columns(
                model=model_col,
                problem=problem_col,
                correct=correct_col,
                answer=answer_col,
                score=score_col,
            ),
        )
        per = vote.per_problem(samples, ks, method)
        passk_tab = passk_table(counts_from_samples(samples), ks, bootstrap=0)
        rows = []
        rng = np.random.default_rng(np.random.SeedSequence(seed))
        for m, g in per.groupby("model", sort=False):
            mat = g.pivot(index="problem", columns="k", values="value")[ks].to_numpy()
            lo = hi = np.full(len(ks), np.nan)
            if bootstrap > 0:
                lo, hi = interval(bootstrap_means(mat, bootstrap, rng), level)
            pk = passk_tab[passk_tab["model"] == m]
            for j, kk in enumerate(ks):
                rows.append(
                    {
                        "model": m,
                        "k": kk,
                        "method": method,
                        "accuracy": float(mat[:, j].mean()),
                        "lo": float(lo[j]),
                        "hi": float(hi[j]),
                        "pass_at_k": float(pk["pass_at_k"].iloc[j]),
                        "n_problems": len(mat),
                    }
                )
        res = pd.DataFrame(rows)
        payload = {
            "source": source,
            "method": method,
            "estimator": "exact expectation over all k-subsets; ties split uniformly",
            "bootstrap": {"replicates": bootstrap, "seed": seed, "level": level, "unit": "problem"},
            "results": records(res),
        }

        def show() -> None:
            t = Table(title=f"{method} at k, against pass@k (the oracle-verifier ceiling)")
            for col in ("model", "k", method, "interval", "pass@k"):
                t.add_column(col, justify="left" if col == "model" else "right")
            for r in res.itertuples():
                t.add_row(
                    str(r.model),
                    str(r.k),
                    fmt(r.accuracy),
                    f"[{fmt(r.lo)}, {fmt(r.hi)}]",
                    fmt(r.pass_at_k),
                )
            out.print(t)

        emit(payload, json_out, quiet, show)


@app.command("coverage")
def coverage_cmd(
    source: Source,
    fit_n: Annotated[int, typer.Option(help="Backtest: samples per problem to fit on.")] = 100,
    target_k: Annotated[int, typer.Option(help="Backtest: k to predict.")] = 10_000,
    repeats: Annotated[int, typer.Option(help="Backtest: subsample draws.")] = 50,
    schaeffer_grid: Annotated[
        bool,
        typer.Option(
            "--schaeffer-grid",
            help="Fit schaeffer-ls on the 101 k of Schaeffer et al.'s file (default: 101 log-spaced).",
        ),
    ] = False,
    seed: Seed = 0,
    level: Level = 0.95,
    model_col: ModelCol = None,
    problem_col: ProblemCol = None,
    n_col: NCol = None,
    c_col: CCol = None,
    correct_col: CorrectCol = None,
    json_out: JsonOut = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Fit Brown et al.'s and Schaeffer et al.'s coverage laws per model, with a backtest.

    Example: scalewall tts coverage monkeys-pythia-math-counts --json coverage.json
    """
    with user_errors(debug):
        check_options(level=level, seed=seed, json_out=json_out)
        for value, flag in ((fit_n, "--fit-n"), (target_k, "--target-k"), (repeats, "--repeats")):
            check_count(value, flag, minimum=1)
        counts = _load_counts(source, model_col, problem_col, n_col, c_col, correct_col)
        with progress_bar("coverage fits and backtest", not quiet):
            payload = coverage.coverage_summary(
                model_counts(counts),
                ls_grid=schaeffer_k_grid() if schaeffer_grid else None,
                fit_n=fit_n,
                target_k=target_k,
                repeats=repeats,
                seed=seed,
                level=level,
            )
        payload["source"] = source

        def show() -> None:
            t = Table(title="coverage laws: coverage(k) = exp(a k^b); exponent = -b")
            for col in ("model", "brown a", "brown b", "LS exponent", "beta alpha", "fit error"):
                t.add_column(col, justify="left" if col == "model" else "right")
            for m, d in payload["models"].items():
                f = d["fits"]
                err = d["brown_fit_error"]
                t.add_row(
                    m,
                    fmt(f["brown"]["a"]),
                    fmt(f["brown"]["b"]),
                    fmt(f["schaeffer-ls"]["exponent"]),
                    fmt(f["beta"]["alpha"]),
                    f"{err['mean']:.4f} +- {err['sd']:.4f}",
                )
            out.print(t)
            b = Table(
                title=f"backtest: fit on {fit_n} samples per problem, predict pass@{target_k}"
            )
            for col in ("model", "method", "predicted", "interval", "observed"):
                b.add_column(col, justify="left" if col in ("model", "method") else "right")
            for m, d in payload["models"].items():
                for r in d["backtest"]:
                    b.add_row(
                        m,
                        r["method"],
                        fmt(r["predicted"]),
                        f"[{fmt(r['lo'])}, {fmt(r['hi'])}]",
                        fmt(r["observed"]),
                    )
            out.print(b)

        emit(payload, json_out, quiet, show)


@app.command("compute")
def compute_cmd(
    small: Annotated[str, typer.Option(help="Small model's curve (registry name or x,y CSV).")],
    large: Annotated[str, typer.Option(help="Large model's curve (registry name or x,y CSV).")],
    small_params: Annotated[float, typer.Option(help="Small model's parameters.")],
    large_params: Annotated[float, typer.Option(help="Large model's parameters.")],
    accuracy_error: Annotated[
        float, typer.Option(help="+- error of the accuracies (digitised curves: 0.02).")
    ] = 0.0,
    prompt_tokens: Annotated[float, typer.Option(help="Prompt tokens (shared prefill).")] = 0.0,
    output_tokens: Annotated[float, typer.Option(help="Tokens per completion.")] = 1.0,
    verifier_params: Annotated[float, typer.Option(help="Verifier parameters (0: none).")] = 0.0,
    json_out: JsonOut = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Compute-matched comparison: how many small-model samples match the large model.

    Example: scalewall tts compute --small brown2024-llama3-8b-math-coverage
    --large brown2024-llama3-70b-math-coverage --small-params 8.03e9 --large-params 70.6e9
    """
    with user_errors(debug):
        check_options(json_out=json_out)
        for x, flag in ((small_params, "--small-params"), (large_params, "--large-params")):
            check_finite(x, flag, positive=True)
        curves = []
        for name, params in ((small, small_params), (large, large_params)):
            kk, acc = load_curve(name)
            fps = float(
                compute.inference_flops(
                    params, prompt_tokens, output_tokens, 1, verifier_params=verifier_params
                )
            )
            curves.append(compute.Curve.from_points(name, "curve", kk, acc, fps))
        payload = compute.compare_curves(curves[0], curves[1], accuracy_error=accuracy_error)
        payload["flops"] = {
            "prompt_tokens": prompt_tokens,
            "output_tokens": output_tokens,
            "verifier_params": verifier_params,
            "convention": "2 N per token, prompt prefilled once (Brown et al. 2024)",
        }

        def show() -> None:
            ratio = payload["compute_ratio"]
            if payload["reached"]:
                out.print(
                    f"{text(small)} reaches {text(large)}'s single-sample accuracy "
                    f"{payload['target_accuracy']:.3f} at {payload['small_samples']:.2f} samples, "
                    f"{ratio:.3f}x its compute"
                )
            else:
                out.print(
                    f"{text(small)} never reaches {text(large)}'s single-sample accuracy "
                    f"{payload['target_accuracy']:.3f} (its best: "
                    f"{payload['small_max_accuracy']:.3f})"
                )
            t = Table(title="accuracy at equal compute")
            for col in ("budget (large samples)", "large", "small samples", "small"):
                t.add_column(col, justify="right")
            for r in payload["budgets"]:
                t.add_row(
                    fmt(r["budget_large_samples"]),
                    fmt(r["large_accuracy"], 3),
                    fmt(r["small_samples"], 4),
                    fmt(r["small_accuracy"], 3),
                )
            out.print(t)

        emit(payload, json_out, quiet, show)


@app.command("verifier")
def verifier_cmd(
    source: Source,
    k: Ks = "1,10,100,1000",
    tpr: Annotated[float, typer.Option(help="Verifier true-positive rate.")] = 1.0,
    fpr: Annotated[float, typer.Option(help="Verifier false-positive rate.")] = 0.01,
    model_col: ModelCol = None,
    problem_col: ProblemCol = None,
    n_col: NCol = None,
    c_col: CCol = None,
    json_out: JsonOut = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Accuracy of resampling with an imperfect verifier, and its ceiling (Stroebl et al. 2024).

    Example: scalewall tts verifier monkeys-pythia-math-counts --fpr 0.01 --json verifier.json
    """
    with user_errors(debug):
        ks = parse_ks(k)
        check_options(json_out=json_out)
        counts = _load_counts(source, model_col, problem_col, n_col, c_col)
        payload: dict[str, Any] = {
            "source": source,
            "tpr": tpr,
            "fpr": fpr,
            "results": vote.verifier_table(counts, ks, tpr, fpr),
        }

        def show() -> None:
            t = Table(title=f"accuracy with a verifier (tpr {tpr:g}, fpr {fpr:g})")
            for col in ("model", "k", "accuracy", "ceiling"):
                t.add_column(col, justify="left" if col == "model" else "right")
            for r in payload["results"]:
                t.add_row(str(r["model"]), str(r["k"]), fmt(r["accuracy"]), fmt(r["ceiling"]))
            out.print(t)

        emit(payload, json_out, quiet, show)


def parse_floats(text: str, option: str) -> list[float]:
    """``"1e6,1e9"`` -> ``[1e6, 1e9]`` with a one-line error for anything else."""
    try:
        vals = [float(t) for t in text.split(",") if t.strip()]
        if not vals:
            raise ValueError
    except ValueError:
        raise input_error("expects numbers separated by commas", source=option, got=text) from None
    return vals


@app.command("grid")
def grid_cmd(
    source: Source,
    k: Ks = "1,10,100",
    queries: Annotated[
        str,
        typer.Option(
            help="Queries served Q (comma-separated), for the total budget.",
            rich_help_panel=COMPUTE,
        ),
    ] = "1e9",
    tokens_per_sample: Annotated[
        float,
        typer.Option(
            help="Tokens read and written per sample (an assumption).", rich_help_panel=COMPUTE
        ),
    ] = grid.TOKENS_PER_SAMPLE,
    max_k: Annotated[
        int, typer.Option(help="Largest k of the coverage grid.", rich_help_panel=COMPUTE)
    ] = grid.MAX_K,
    budgets: Annotated[
        int, typer.Option(help="Log-spaced total budgets per Q.", rich_help_panel=COMPUTE)
    ] = 12,
    bootstrap: Annotated[
        int,
        typer.Option(help="Bootstrap replicates over problems (>= 1).", rich_help_panel=UNC),
    ] = 500,
    seed: Seed = 0,
    level: Level = 0.95,
    model_col: ModelCol = None,
    problem_col: ProblemCol = None,
    n_col: NCol = None,
    c_col: CCol = None,
    params_col: Annotated[
        str | None, typer.Option("--params-col", help="Parameters N.", rich_help_panel=INPUT)
    ] = None,
    tokens_col: Annotated[
        str | None, typer.Option("--tokens-col", help="Training tokens D.", rich_help_panel=INPUT)
    ] = None,
    json_out: JsonOut = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Training against sampling compute on a sizes x checkpoints grid of repeated samples.

    Coverage (pass@k) per (N, D) with a paired bootstrap over problems; for each larger model's
    final checkpoint at each k, the samples each smaller model needs to match it and the compute
    ratios (training 6ND, inference, total at Q queries); the (N, D, k) that covers most within
    each total budget. Coverage is an oracle-verifier upper bound.

    Example: scalewall tts grid monkeys-pythia-math-grid --k 1,10,100 --queries 1e9
    --bootstrap 500 --json grid.json
    """
    with user_errors(debug):
        ks = parse_ks(k)
        qs = parse_floats(queries, "--queries")
        check_count(budgets, "--budgets", minimum=1)
        check_count(max_k, "--max-k", minimum=1)
        cells = load_grid(
            source,
            columns=_columns(
                model=model_col,
                problem=problem_col,
                n=n_col,
                c=c_col,
                params=params_col,
                tokens=tokens_col,
            ),
        )
        with progress_bar("pass@k per (N, D)", not quiet) as update:
            payload = grid.grid_summary(
                cells,
                source=source,
                ks=ks,
                queries=qs,
                bootstrap=bootstrap,
                seed=seed,
                level=level,
                tokens_per_sample=tokens_per_sample,
                max_k=max_k,
                budgets=budgets,
                progress=update,
            )

        def show() -> None:
            pct = round(100 * level)
            t = Table(
                title=f"compute matching: smallest model reaching each final checkpoint's pass@k "
                f"({pct}% paired bootstrap over problems)",
                caption=f"Note: {grid.CAVEAT}.",
            )
            for col in ("target", "k", "coverage", "smallest match", "samples", "interval"):
                t.add_column(
                    col, justify="left" if col in ("target", "smallest match") else "right"
                )
            for col in ("train x", "inference x", f"total x (Q={fmt(qs[0])})"):
                t.add_column(col, justify="right")
            for r in payload["matches"]:
                if not r["smallest"]:
                    continue
                tot = r["total"][0]
                t.add_row(
                    r["target_model"],
                    str(r["target_k"]),
                    fmt(r["target_coverage"], 3),
                    f"{r['model']} @ {fmt(r['tokens'])} tokens",
                    fmt(r["k"], 3),
                    f"[{fmt(r['k_lo'], 3)}, {fmt(r['k_hi'], 3)}]",
                    fmt(r["train_ratio"], 3),
                    fmt(r["inference_ratio"], 3),
                    f"{fmt(tot['ratio'], 3)} [{fmt(tot['lo'], 3)}, {fmt(tot['hi'], 3)}]",
                )
            if t.row_count:
                out.print(t)
            elif len({c["params"] for c in payload["cells"]}) < 2:
                out.print("compute matching: one model size in the grid, so nothing to match")
            else:
                out.print("compute matching: no smaller model reaches a final checkpoint's pass@k")
            o = Table(title="compute-optimal (N, D, k) per total budget 6ND + Q k 2N T")
            for col in ("Q", "budget", "model", "tokens", "k", "coverage", "interval", "P(opt)"):
                o.add_column(col, justify="left" if col == "model" else "right")
            for r in payload["optimal"]:
                o.add_row(
                    fmt(r["queries"]),
                    fmt(r["budget"]),
                    r["model"],
                    fmt(r["tokens"]),
                    str(r["k"]),
                    fmt(r["coverage"], 3),
                    f"[{fmt(r['lo'], 3)}, {fmt(r['hi'], 3)}]",
                    fmt(r["share_optimal"], 2),
                )
            out.print(o)
            for d in payload["dropped"]:
                out.print(f"{d['cell']}: {d['reason']} ({d['rows']} rows left out)")

        emit(payload, json_out, quiet, show)


__all__ = ["app", "parse_floats", "parse_ks", "passk"]
