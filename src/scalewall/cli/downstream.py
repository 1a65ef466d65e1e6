"""``scalewall downstream``: per-task accuracy trends in model size, last-10x gains, inverse scaling."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box

from scalewall.cli.common import Table, emit, out, text, user_errors
from scalewall.cli.options import INPUT, Debug, JsonOut, Quiet
from scalewall.downstream.table import load_scores
from scalewall.downstream.trends import DownstreamResult, analyze
from scalewall.validate import check_level, check_options


def _opt(flag: str, text: str) -> object:
    return typer.Option(flag, help=text, rich_help_panel=INPUT)


def downstream(
    source: Annotated[
        str,
        typer.Argument(help="A registry name (e.g. pythia-zeroshot) or a CSV/Parquet/JSONL file."),
    ],
    size_col: Annotated[
        str | None, _opt("--size-col", "Model size column [default: params, params_total or N].")
    ] = None,
    task_col: Annotated[
        str | None, _opt("--task-col", "Task column of a long table [default: task if present].")
    ] = None,
    score_col: Annotated[
        str | None,
        _opt("--score-col", "Long table: score column [score]. Wide table: glob [*_acc]."),
    ] = None,
    model_col: Annotated[
        str | None,
        _opt("--model-col", "Column(s) naming a model, comma-separated [model,variant]."),
    ] = None,
    step_col: Annotated[
        str | None, _opt("--step-col", "Checkpoint column; the last step is kept [step].")
    ] = None,
    level: Annotated[float, typer.Option(help="Interval level.")] = 0.95,
    alpha: Annotated[float, typer.Option(help="Test level (Holm for inverse scaling).")] = 0.05,
    json_out: JsonOut = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Does accuracy keep rising with model size? Trend per decade, last-10x gain, inverse scaling.

    Example: scalewall downstream pythia-zeroshot --json downstream.json
    """
    with user_errors(debug):
        check_options(level=level, json_out=json_out)
        check_level(alpha, "--alpha")
        scores = load_scores(
            source,
            size_col=size_col,
            task_col=task_col,
            score_col=score_col,
            model_col=model_col,
            step_col=step_col,
        )
        res = analyze(scores, level=level, alpha=alpha, source=source)
        emit(res.to_dict(), json_out, quiet, lambda: render(res))


def _pp(v: float, lo: float, hi: float) -> str:
    return f"{100 * v:+.1f} [{100 * lo:+.1f}, {100 * hi:+.1f}]"


def render(res: DownstreamResult) -> None:
    lvl = f"{round(100 * res.settings['level'])}%"
    t = Table(
        title=f"accuracy against log10(parameters), {res.settings['source']} "
        f"(percentage points, {lvl} intervals)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    t.add_column("task", no_wrap=True)
    t.add_column("trend per 10x", justify="right", no_wrap=True)
    t.add_column("last-10x gain", justify="right", no_wrap=True)
    t.add_column("p", justify="right")
    t.add_column("chance", justify="right")
    t.add_column("status", no_wrap=True)
    for r in res.tasks.to_dict(orient="records"):
        t.add_row(
            r["task"],
            _pp(r["slope_per_decade"], r["slope_lo"], r["slope_hi"]),
            _pp(r["last10x_gain"], r["last10x_lo"], r["last10x_hi"]),
            f"{r['last10x_p']:.2g}",
            "-" if r["chance"] != r["chance"] else f"{r['chance']:g}",
            r["status"],
        )
    out.print(t)
    s = res.summary
    lo, hi = s["share_not_distinguishable_ci"]
    out.print(
        f"last-10x gain not distinguishable from zero: {len(s['not_distinguishable'])} of "
        f"{s['n_tasks']} tasks ({100 * s['share_not_distinguishable']:.0f}%, Wilson {lvl} "
        f"[{100 * lo:.0f}%, {100 * hi:.0f}%]) {text(', '.join(s['not_distinguishable']))}"
    )
    inv = ", ".join(s["inverse_scaling"]) or "none"
    out.print(f"inverse scaling (Holm-adjusted, alpha {res.settings['alpha']:g}): {text(inv)}")
    out.print(f"evaluation noise: {text(res.settings['evaluation_noise'])}")
