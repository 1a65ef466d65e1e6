"""``scalewall robustness``: a specification curve of a scaling-law fit (laws.spec_curve)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from scalewall.cli.common import emit, out, user_errors
from scalewall.cli.options import (
    CCol,
    DCol,
    Debug,
    GroupCol,
    JsonOut,
    LossCol,
    NCol,
    Quiet,
    Seed,
    Source,
    column_map,
)
from scalewall.errors import input_error
from scalewall.laws import api
from scalewall.laws.result import fmt
from scalewall.laws.spec_curve import (
    QUANTITIES,
    SPEC_FIELDS,
    all_specs,
    load_for_curve,
    payload,
    spec_curve,
    spread,
)
from scalewall.storage import write_csv

#: Bootstrap refits per specification: enough for a rough 95% band across dozens of refits.
REPLICATES = 100
QUICK_REPLICATES = 20


def robustness(
    source: Source,
    objective: Annotated[
        list[str] | None,
        typer.Option(help="Only these objectives (repeatable) [default: all four]."),
    ] = None,
    law: Annotated[
        list[str] | None,
        typer.Option(help="Only these forms: chinchilla, chinchilla-tied (repeatable)."),
    ] = None,
    exclude_top_loss: Annotated[
        int, typer.Option(help="Drop the K highest-loss runs first (Epoch's data: 5).")
    ] = 0,
    nonembedding_col: Annotated[
        str | None,
        typer.Option(help="Column with non-embedding parameters [default: found by name]."),
    ] = None,
    hparam_col: Annotated[
        str | None,
        typer.Option(help="Column with the swept hyperparameter [default: found by name]."),
    ] = None,
    bootstrap: Annotated[
        int | None,
        typer.Option(
            help=f"Bootstrap refits per specification [default: {REPLICATES}; "
            f"{QUICK_REPLICATES} with --quick].",
            show_default=False,
        ),
    ] = None,
    quick: Annotated[bool, typer.Option("--quick", help="Fewer bootstrap refits.")] = False,
    seed: Seed = 0,
    level: Annotated[float, typer.Option(help="Interval level.")] = 0.95,
    csv: Annotated[
        Path | None,
        typer.Option("--csv", help="Write the tidy table (one row per spec x quantity)."),
    ] = None,
    figure: Annotated[
        Path | None,
        typer.Option(help="Draw the curve of --quantity here (.svg or .png)."),
    ] = None,
    quantity: Annotated[
        str, typer.Option(help=f"Quantity of the figure: {', '.join(QUANTITIES)}.")
    ] = "tokens_per_param",
    n_col: NCol = None,
    d_col: DCol = None,
    c_col: CCol = None,
    loss_col: LossCol = None,
    group_col: GroupCol = None,
    json_out: JsonOut = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Refit SOURCE under every defensible choice and show how far each quantity moves.

    Choices: law form, objective, total or non-embedding parameters, FLOP accounting (6ND, 8ND,
    or the table's C), dropping the smallest sizes or under-trained runs, and learning-rate
    selection (best or mean) when runs share (N, D). Li et al. 2025 (arXiv 2502.18969).
    """
    with user_errors(debug):
        if quantity not in QUANTITIES:
            raise input_error(
                "--quantity is not a quantity of the curve", got=quantity, fix=", ".join(QUANTITIES)
            )
        reps = bootstrap if bootstrap is not None else (QUICK_REPLICATES if quick else REPLICATES)
        runs, d_from_c = load_for_curve(
            source,
            columns=column_map(n_col, d_col, c_col, loss_col, group_col),
            nonembedding_col=nonembedding_col,
            hparam_col=hparam_col,
        )
        runs = api.exclude_top_loss(runs, exclude_top_loss, source)
        only = {k: v for k, v in (("objective", objective), ("law", law)) if v}
        specs = all_specs(runs, d_from_c=d_from_c, **only)
        table = spec_curve(
            runs,
            specs=specs,
            d_from_c=d_from_c,
            bootstrap=reps,
            seed=seed,
            level=level,
            source=source,
        )
        summary = spread(table)
        if csv is not None:
            write_csv(csv, table)
        if figure is not None:
            from scalewall.report.spec_curve import save_curve

            save_curve(table, quantity, figure, level)
        doc = payload(
            table, source=source, n_runs=len(runs), replicates=reps, seed=seed, level=level
        )

        def show() -> None:
            t = Table(title=f"{source}: {len(specs)} specifications, {len(runs)} runs")
            for c in ("quantity", "reference", "min", "median", "max", "moved most by", "shift"):
                t.add_column(c, justify="left" if c in ("quantity", "moved most by") else "right")
            for r in summary.itertuples():
                t.add_row(
                    str(r.quantity),
                    fmt(r.reference),
                    fmt(r.min),
                    fmt(r.median),
                    fmt(r.max),
                    str(r.moved_most_by),
                    fmt(r.shift_of_medians),
                )
            out.print(t)
            per_spec = table.drop_duplicates(subset=list(SPEC_FIELDS))
            failed = int((per_spec["status"] != "ok").sum())
            bad = int(per_spec["failed_replicates"].fillna(0).sum())
            out.print(
                "reference: chinchilla, huber-log, total parameters, 6ND, all runs (the best per "
                f"(N, D) on a sweep); "
                f"{failed} specifications could not be fitted; {bad} of "
                f"{reps * len(specs)} bootstrap refits failed or ended on a bound"
            )
            for p in (csv, figure):
                if p is not None:
                    out.print(f"wrote {p}")

        emit(doc, json_out, quiet, show)
