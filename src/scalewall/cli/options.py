"""Options shared by several commands: runs-table input (fit, backtest, isoflop), output, and
execution of stored sweeps (sweep, collapse)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scalewall.data.runs import FlopConvention, Selection

INPUT = "Input"
Source = Annotated[
    str,
    typer.Argument(help="A registry name (see 'scalewall data list') or a CSV/Parquet/JSONL file."),
]
NCol = Annotated[
    str | None, typer.Option("--n-col", help="Column with parameters N.", rich_help_panel=INPUT)
]
DCol = Annotated[
    str | None,
    typer.Option("--d-col", help="Column with training tokens D.", rich_help_panel=INPUT),
]
CCol = Annotated[
    str | None, typer.Option("--c-col", help="Column with training FLOPs C.", rich_help_panel=INPUT)
]
LossCol = Annotated[
    str | None,
    typer.Option("--loss-col", help="Column with the loss (nats).", rich_help_panel=INPUT),
]
GroupCol = Annotated[
    str | None,
    typer.Option(
        "--group-col",
        help="Column naming the run (one size per group) or the dataset/experiment (several "
        "sizes per group) a row belongs to.",
        rich_help_panel=INPUT,
    ),
]
HparamCol = Annotated[
    str | None,
    typer.Option(
        "--hparam-col",
        help="Column with a swept hyperparameter (e.g. lr): --select best picks its best value "
        "per configuration and reports which won.",
        rich_help_panel=INPUT,
    ),
]
Select = Annotated[
    Selection,
    typer.Option(
        "--select",
        help="Rows repeating (N, D, ...) with different loss: keep the best (Li et al. 2025), "
        "all, their mean or their median (seed replicates).",
        rich_help_panel=INPUT,
    ),
]
Pool = Annotated[
    bool,
    typer.Option(
        "--pool",
        help="Fit one law to every dataset/experiment in the group column (default: a joint law "
        "with shared exponents and E, A, B per group).",
        rich_help_panel=INPUT,
    ),
]
UCol = Annotated[
    str | None,
    typer.Option(
        "--u-col", help="Column with unique tokens (data-constrained law).", rich_help_panel=INPUT
    ),
]
StepCol = Annotated[
    str | None,
    typer.Option("--step-col", help="Column with the checkpoint step.", rich_help_panel=INPUT),
]
Flops = Annotated[
    FlopConvention,
    typer.Option(
        "--flops",
        help="FLOP convention filling C or D when missing: 6ND (Kaplan 2020) or 8ND (PaLM, recompute).",
        rich_help_panel=INPUT,
    ),
]


def column_map(
    n: str | None,
    d: str | None,
    c: str | None,
    loss: str | None,
    group: str | None,
    u: str | None = None,
    step: str | None = None,
    hparam: str | None = None,
) -> dict[str, str]:
    """Runs-table column -> file column, for the flags that were given."""
    pairs = {
        "N": n,
        "D": d,
        "C": c,
        "loss": loss,
        "group": group,
        "unique_tokens": u,
        "step": step,
        "hparam": hparam,
    }
    return {k: v for k, v in pairs.items() if v}


JsonOut = Annotated[
    Path | None,
    typer.Option("--json", help="Write the result as JSON here.", rich_help_panel="Output"),
]
Seed = Annotated[int, typer.Option(help="Seed of the bootstrap.", rich_help_panel="Uncertainty")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No tables; only --json.")]
Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks.")]

RUN = "Execution"
Resume = Annotated[
    bool,
    typer.Option(
        "--resume", help="Keep finished runs and continue interrupted ones.", rich_help_panel=RUN
    ),
]
Executor = Annotated[
    str, typer.Option(help="'local' (a process per core) or 'ray'.", rich_help_panel=RUN)
]
Address = Annotated[
    str | None,
    typer.Option(
        help="Ray cluster: 'auto' or HOST:PORT (default: start a local Ray).", rich_help_panel=RUN
    ),
]
Workers = Annotated[
    int | None,
    typer.Option(help="Local processes [default: one per core].", rich_help_panel=RUN),
]
