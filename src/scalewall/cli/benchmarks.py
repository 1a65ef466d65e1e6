"""``scalewall benchmarks``: benchmark scores against training compute on Epoch's Benchmarking Hub."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from scalewall.cli.common import emit, out, progress_bar, user_errors
from scalewall.cli.options import INPUT, Debug, JsonOut, Quiet, Seed
from scalewall.downstream.benchmark_scaling import HubScaling, analyze_hub
from scalewall.downstream.hub import load_hub

UNCERTAINTY = "Uncertainty"


def benchmarks(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="Hub registry names (epoch-hub-mmlu), keys (mmlu) or hub-style CSV files; "
            "default: every hub file and the ECI."
        ),
    ] = None,
    variant: Annotated[
        str,
        typer.Option(help="Reasoning-effort rows: best, all, or fixed:<effort> (e.g. fixed:high)."),
    ] = "best",
    margin: Annotated[
        float, typer.Option(help="Equivalence margin of the gain per 10x (points, TOST).")
    ] = 2.0,
    bootstrap: Annotated[
        int, typer.Option(help="Bootstrap replicates over models.", rich_help_panel=UNCERTAINTY)
    ] = 1000,
    seed: Seed = 0,
    level: Annotated[float, typer.Option(help="Interval level.")] = 0.95,
    alpha: Annotated[float, typer.Option(help="Test level (TOST, Holm).")] = 0.05,
    min_models: Annotated[
        int, typer.Option(help="Benchmarks with fewer models are listed, not fitted.")
    ] = 8,
    inverse_effect: Annotated[
        float | None,
        typer.Option(help="Fall (points per 10x) the power rule asks about [default: margin]."),
    ] = None,
    model_col: Annotated[
        str | None, typer.Option(help="Your file's model-version column.", rich_help_panel=INPUT)
    ] = None,
    score_col: Annotated[
        str | None, typer.Option(help="Your file's score column.", rich_help_panel=INPUT)
    ] = None,
    date_col: Annotated[
        str | None,
        typer.Option(help="Your file's release-date column (YYYY-MM-DD).", rich_help_panel=INPUT),
    ] = None,
    compute_col: Annotated[
        str | None,
        typer.Option(help="Your file's training-compute column (FLOP).", rich_help_panel=INPUT),
    ] = None,
    score_scale: Annotated[
        float,
        typer.Option(help="Your file's score scale: 1 (fractions) or 100.", rich_help_panel=INPUT),
    ] = 1.0,
    json_out: JsonOut = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """What does 10x training compute buy on each benchmark? Fits between chance and ceiling,
    gain per 10x, equivalence (TOST), inverse scaling (Holm) and release-year confounding.

    Example: scalewall benchmarks --variant best --margin 2 --bootstrap 1000 --json out.json
    """
    with user_errors(debug):
        roles = {"model": model_col, "score": score_col, "date": date_col, "compute": compute_col}
        table = load_hub(
            sources or (),
            variant=variant,
            columns={r: c for r, c in roles.items() if c},
            scale=score_scale,
        )
        with progress_bar("benchmarks", not quiet) as update:
            res = analyze_hub(
                table,
                margin=margin,
                bootstrap=bootstrap,
                seed=seed,
                level=level,
                alpha=alpha,
                min_models=min_models,
                inverse_effect=inverse_effect,
                progress=lambda step, done, total: update(done, total),
            )
        emit(res.to_dict(), json_out, quiet, lambda: render(res))


def _cell(r: Mapping[Hashable, Any], est: str, lo: str, hi: str) -> str:
    """``est [lo, hi]`` from a benchmark record; '-' where the benchmark was not fitted."""
    v = r.get(est)
    if v is None or v != v:  # missing or NaN: not fitted
        return "-"
    return f"{v:+.1f} [{r[lo]:+.1f}, {r[hi]:+.1f}]"


def render(res: HubScaling) -> None:
    st = res.settings
    lvl = f"{round(100 * st['level'])}%"
    t = Table(
        title=f"scores against log10(training compute), variant rule '{st['variant']}' "
        f"(points per 10x, {lvl} bootstrap intervals over models)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for name in ("benchmark", "models", "linear per 10x", "gain per 10x", "err. red.", "w/ year"):
        t.add_column(name, justify="left" if name == "benchmark" else "right", no_wrap=True)
    t.add_column("verdict", no_wrap=True)
    t.add_column("flags")
    for r in res.benchmarks.to_dict(orient="records"):
        flags = [
            f
            for f, on in (
                ("ceiling", r.get("near_ceiling")),
                ("chance", r.get("at_chance")),
                ("contam.", r["contamination_prone"]),
                ("native", not r["bounded"]),
            )
            if on is True
        ]
        err = r.get("rel_error_reduction", float("nan"))
        t.add_row(
            r["benchmark"],
            str(r["n_models"]),
            _cell(r, "slope_per_decade", "slope_lo", "slope_hi"),
            _cell(r, "gain_per_10x", "gain_lo", "gain_hi"),
            "-" if err != err else f"{100 * err:.0f}%",
            _cell(r, "slope_adj_year", "slope_adj_year_lo", "slope_adj_year_hi"),
            r["verdict"],
            ", ".join(flags),
        )
    out.print(t)
    s = res.summary
    v = s["verdicts"]["all"]
    out.print(
        f"TOST at +-{st['margin_points']:g} points per 10x over {s['n_bounded_fitted']} bounded "
        f"benchmarks: equivalent {v['equivalent']['count']}, gain {v['gain']['count']}, decline "
        f"{v['decline']['count']}, inconclusive {v['inconclusive']['count']}"
    )
    med = s["median_gain_per_10x_points"]
    if med is not None:
        out.print(
            f"median gain per 10x: {med:.1f} points, median relative error reduction "
            f"{100 * s['median_rel_error_reduction']:.0f}%"
        )
    inv = ", ".join(s["inverse_scaling"]) or "none"
    out.print(
        f"inverse scaling (Holm, alpha {st['alpha']:g}): {inv}; powered to show a fall of "
        f"{st['inverse_effect_points']:g} points per 10x: {s['n_powered_for_fall']} of "
        f"{s['n_bounded_fitted']}"
    )
    dropped = ", ".join(f"{k} {n}" for k, n in st["dropped_by_reason"].items() if n)
    out.print(f"rows dropped: {dropped or 'none'}")
