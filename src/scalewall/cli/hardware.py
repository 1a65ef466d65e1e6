"""``scalewall hardware``: yearly fall of the chip release price per peak FLOP/s (claim 6)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from scalewall.cli.common import emit, out, text, user_errors
from scalewall.cli.options import Debug, JsonOut, Quiet
from scalewall.forecast.claims import (
    CHIP_SETS,
    HARDWARE_REPLICATES,
    HARDWARE_SEED,
    HARDWARE_SINCE,
    hardware_payload,
)
from scalewall.forecast.tables import load_chips
from scalewall.laws.result import fmt
from scalewall.validate import check_choice, check_count, check_finite, check_options

PRECISIONS = ("fp32", "tensor16")


def hardware(
    source: Annotated[
        str,
        typer.Argument(help="Registry name of Epoch AI's chip table, or a CSV with its columns."),
    ] = "epoch-chip-specs-2025",
    chips: Annotated[
        str, typer.Option(help=f"Chip set: {', '.join(CHIP_SETS)} (ml: Epoch's ML chips).")
    ] = "gpu",
    precision: Annotated[
        str, typer.Option(help=f"Peak FLOP/s column: {', '.join(PRECISIONS)}.")
    ] = "fp32",
    since: Annotated[float, typer.Option(help="First release year (decimal).")] = HARDWARE_SINCE,
    bootstrap: Annotated[
        int, typer.Option(help="Bootstrap replicates over chips.")
    ] = HARDWARE_REPLICATES,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = HARDWARE_SEED,
    json_out: JsonOut = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Yearly decline (%) of release price per peak FLOP/s, with a 90% bootstrap interval.

    Example: scalewall hardware epoch-chip-specs-2025 --chips gpu --json hardware.json
    """
    with user_errors(debug):
        check_choice(chips, CHIP_SETS, "--chips")
        check_choice(precision, PRECISIONS, "--precision")
        check_finite(since, "--since")
        check_count(bootstrap, "--bootstrap", minimum=1)
        check_options(seed=seed, json_out=json_out)
        table = load_chips(source)
        payload = hardware_payload(table, source, chips, precision, since, bootstrap, seed)

        def show() -> None:
            render(payload)

        emit(payload, json_out, quiet, show)


def render(p: dict[str, Any]) -> None:
    """One line: the decline, its interval and what it was measured on."""
    out.print(
        f"{text(p['source'])}: {p['n']} {p['chips']} chips released since {p['since']:g}; "
        f"release price per peak {p['precision']} FLOP/s falls {fmt(p['decline_pct_per_year'])}% "
        f"per year [{fmt(p['lo'])}, {fmt(p['hi'])}] ({round(100 * p['level'])}% bootstrap "
        f"interval over chips, {p['bootstrap']} replicates; nominal USD)"
    )
