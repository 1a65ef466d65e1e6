"""``scalewall collapse``: recursive training under a policy, or a TOML sweep with --config."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from scalewall.cli.common import Table, emit, note, out, progress_bar, user_errors
from scalewall.cli.options import Address, Debug, Executor, JsonOut, Quiet, Resume, Workers
from scalewall.collapse.models import MODELS
from scalewall.collapse.policies import MIXERS
from scalewall.collapse.sweep import Cell, load_config, run_sweep, summary_payload
from scalewall.errors import input_error
from scalewall.laws.result import fmt
from scalewall.validate import check_options

POL, MOD, RUN = "Policy", "Model", "Run"


def collapse(
    model: Annotated[
        str, typer.Option(help=f"One of: {', '.join(MODELS)}.", rich_help_panel=MOD)
    ] = "gaussian",
    policy: Annotated[
        str, typer.Option(help=f"One of: {', '.join(MIXERS)}.", rich_help_panel=POL)
    ] = "replace",
    n: Annotated[
        int, typer.Option(help="Samples per generation (>= 2).", rich_help_panel=POL)
    ] = 100,
    generations: Annotated[
        int, typer.Option(help="Fits, the first on real data.", rich_help_panel=RUN)
    ] = 100,
    seeds: Annotated[int, typer.Option(help="Independent chains.", rich_help_panel=RUN)] = 100,
    seed: Annotated[int, typer.Option(help="Master seed.", rich_help_panel=RUN)] = 0,
    fraction: Annotated[
        float, typer.Option(help="Real share for fresh / keep-real.", rich_help_panel=POL)
    ] = 0.1,
    truncate: Annotated[
        float, typer.Option(help="Keep samples within K sd (0: off).", rich_help_panel=POL)
    ] = 0.0,
    likelihood_keep: Annotated[
        float,
        typer.Option(
            help="Keep this share of samples, most likely under the judge first (0: off).",
            rich_help_panel=POL,
        ),
    ] = 0.0,
    judge: Annotated[
        str,
        typer.Option(
            help="Judge of --likelihood-keep: gen0 (frozen first fit) or current.",
            rich_help_panel=POL,
        ),
    ] = "gen0",
    dedup: Annotated[
        bool, typer.Option("--dedup", help="Drop repeated samples.", rich_help_panel=POL)
    ] = False,
    temperature: Annotated[
        float, typer.Option(help="Sampling temperature.", rich_help_panel=POL)
    ] = 1.0,
    top_p: Annotated[
        float, typer.Option("--top-p", help="Nucleus sampling.", rich_help_panel=POL)
    ] = 1.0,
    top_k: Annotated[
        int, typer.Option("--top-k", help="Top-k sampling (0: off).", rich_help_panel=POL)
    ] = 0,
    schedule: Annotated[
        str,
        typer.Option(help="Sample sizes: constant, linear, power, geometric.", rich_help_panel=POL),
    ] = "constant",
    rate: Annotated[
        float, typer.Option(help="Exponent/ratio of the schedule.", rich_help_panel=POL)
    ] = 1.0,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            "-o",
            help="Model option KEY=VALUE, e.g. -o d=3, -o estimator=unbiased, -o corpus=FILE.",
            rich_help_panel=MOD,
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="TOML sweep file (replaces the options above).")
    ] = None,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Results folder (its runs/ store every cell).")
    ] = Path("collapse-results"),
    resume: Resume = False,
    executor: Executor = "local",
    address: Address = None,
    workers: Workers = None,
    json_out: JsonOut = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Train each generation on the previous one's samples and track collapse metrics.

    Example: scalewall collapse --model gaussian --policy accumulate --n 10 --seeds 1000 --json c.json

    Every cell is a run of the store under --out/runs; --resume keeps the ones already there.
    """
    with user_errors(debug):
        check_options(
            seed=seed,
            json_out=json_out,
            out_dir=out_dir,
            seeds=seeds,
            generations=generations,
            top_k=top_k,
        )
        if config is not None:
            cells = load_config(config)
        else:
            cells = [
                Cell(
                    model,
                    policy,
                    n,
                    fraction,
                    generations,
                    seeds,
                    seed,
                    truncate,
                    temperature,
                    top_p,
                    top_k,
                    schedule,
                    rate,
                    parse_options(option),
                    likelihood_keep,
                    judge,
                    dedup,
                )
            ]
            cells[0].build_policy()
        with progress_bar("collapse", enabled=not quiet) as update:
            table = run_sweep(
                cells,
                out_dir,
                update,
                resume=resume,
                executor=executor,
                workers=workers,
                address=address,
                note=note,
            )
        payload = summary_payload(table, cells)
        last = [r for r in payload["summary"] if r["generation"] == table["generation"].max()]

        def show() -> None:
            tab = Table(title=f"last generation, {out_dir / 'results.parquet'}")
            for c in ("model", "policy", "metric", "mean", "lo", "hi"):
                tab.add_column(c)
            for r in last:
                tab.add_row(
                    r["model"],
                    r["policy"],
                    r["metric"],
                    *(fmt(r[k]) for k in ("mean", "lo", "hi")),
                )
            out.print(tab)

        emit(payload, json_out, quiet, show)


def parse_options(items: list[str] | None) -> dict[str, Any]:
    """``["d=3", "estimator=unbiased"]`` -> ``{"d": 3, "estimator": "unbiased"}``."""
    opts: dict[str, Any] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise input_error("expects KEY=VALUE such as d=3", source="--option", got=item)
        value: Any = raw
        for cast in (int, float):
            try:
                value = cast(raw)
                break
            except ValueError:
                continue
        opts[key.strip()] = value
    return opts
