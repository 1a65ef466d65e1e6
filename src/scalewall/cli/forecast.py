"""``scalewall forecast``: when data, cost, power, chips or latency stop the largest run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from scalewall.cli.common import Table, emit, out, progress_bar, text, user_errors
from scalewall.cli.options import Debug, JsonOut, Quiet, Seed
from scalewall.errors import input_error
from scalewall.forecast.scenario import PRESETS, load_scenario, preset_text
from scalewall.forecast.walls import WALLS, simulate
from scalewall.laws.result import fmt
from scalewall.storage import write_atomic
from scalewall.validate import check_count, check_options, check_output_file

SCEN = "Scenario"


def forecast(
    scenario: Annotated[
        str,
        typer.Option(
            help=f"Preset ({', '.join(PRESETS)}) or a scenario TOML file.", rich_help_panel=SCEN
        ),
    ] = "epoch-2024",
    draws: Annotated[int, typer.Option(help="Joint Monte Carlo draws.")] = 200_000,
    seed: Seed = 0,
    overtraining: Annotated[
        float | None,
        typer.Option(
            help="Dataset multiple of Chinchilla-optimal D (5 = 5x).", rich_help_panel=SCEN
        ),
    ] = None,
    synthetic_share: Annotated[
        float | None,
        typer.Option(help="Share of each training set that is synthetic.", rich_help_panel=SCEN),
    ] = None,
    collapse_penalty: Annotated[
        float | None,
        typer.Option(help="Worth lost per synthetic token (0-1).", rich_help_panel=SCEN),
    ] = None,
    write_preset: Annotated[
        Path | None,
        typer.Option(help="Write the --scenario preset's TOML here (to copy and edit), then stop."),
    ] = None,
    json_out: JsonOut = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """One joint Monte Carlo over the data, cost, power, chip and latency walls.

    Example: scalewall forecast --scenario epoch-2024 --overtraining 5 --json forecast.json
    """
    with user_errors(debug):
        if write_preset is not None:
            check_output_file(write_preset, "--write-preset")
            write_atomic(write_preset, preset_text(scenario))
            out.print(f"wrote {text(write_preset)}")
            return
        check_options(seed=seed, json_out=json_out)
        check_count(draws, "--draws", minimum=1000)
        scen = load_scenario(scenario)
        fixed: dict[str, float] = {}
        for key, v, hi in (
            ("demand.overtraining", overtraining, None),
            ("data.synthetic_share", synthetic_share, 0.99),
            ("data.collapse_penalty", collapse_penalty, 1.0),
        ):
            if v is None:
                continue
            if not (0 < v < float("inf") if hi is None else 0 <= v <= hi):  # nan fails both
                flag = "--" + key.split(".")[1].replace("_", "-")
                raise input_error("out of range", source=flag, got=v)
            fixed[key] = v
        scen = scen.with_values(**fixed) if fixed else scen
        with progress_bar("joint draws", not quiet) as update:
            payload = simulate(scen, draws, seed, progress=update)
        emit(payload, json_out, quiet, lambda: render(payload))


def _yrs(d: dict[str, Any]) -> str:
    def f(v: float | None) -> str:
        return "never" if v is None else f"{v:.1f}"

    return f"{f(d['median_year'])} [{f(d['p10_year'])}, {f(d['p90_year'])}]"


def render(p: dict[str, Any]) -> None:
    t = Table(
        title=f"walls ({p['scenario']}, {p['draws']:,} draws): year first binding, median [80%]",
        title_justify="left",
    )
    for c in ("wall", "year", "P(first wall)"):
        t.add_column(c, justify="left" if c == "wall" else "right")
    for w in WALLS:
        t.add_row(w, _yrs(p["walls"][w]), f"{p['first_wall']['share_first'][w]:.3f}")
    t.add_row("first wall", _yrs(p["first_wall"]), "")
    out.print(t)
    y = Table(title="P(wall binds) by year (mid-year)", title_justify="left")
    for c in ("year", *WALLS, "any"):
        y.add_column(c, justify="right")
    for r in p["per_year"]:
        y.add_row(str(r["year"]), *[f"{r[w]:.3f}" for w in (*WALLS, "any")])
    out.print(y)
    e, dw, lr = p["effective_stock_tokens"], p["data_wall"], p["largest_run_2030"]
    out.print(
        f"effective text stock {fmt(e['median'])} tokens [90%: {fmt(e['p5'])}, {fmt(e['p95'])}]; "
        f"data wall {_yrs(dw)}; largest feasible run in 2030 {fmt(lr['median'])} FLOP "
        f"[80%: {fmt(lr['p10'])}, {fmt(lr['p90'])}] (reference 2e29)"
    )
    s = Table(title="sensitivity of the first-wall year", title_justify="left")
    for c in ("input", "Spearman rho", "median year, lowest decile", "highest decile"):
        s.add_column(c, justify="left" if c == "input" else "right")
    for r in p["sensitivity"][:8]:
        s.add_row(
            r["input"],
            f"{r['spearman']:+.3f}",
            f"{r['low_decile_median_year']:.1f}",
            f"{r['high_decile_median_year']:.1f}",
        )
    out.print(s)
