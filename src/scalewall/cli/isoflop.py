"""``scalewall isoflop``: Chinchilla Approach 2 (isoFLOP parabolas) with bias warnings."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from scalewall.cli.common import Table, emit, out, progress_bar, selection_line, text, user_errors
from scalewall.cli.options import (
    CCol,
    DCol,
    Debug,
    Flops,
    GroupCol,
    HparamCol,
    JsonOut,
    LossCol,
    NCol,
    Quiet,
    Seed,
    Select,
    Source,
    StepCol,
    UCol,
    column_map,
)
from scalewall.data.runs import FlopConvention, Selection, load_runs, read_source
from scalewall.errors import input_error
from scalewall.laws.isoflop import GAP_DECADES, IsoflopResult
from scalewall.laws.isoflop import isoflop as run_isoflop
from scalewall.laws.result import fmt
from scalewall.validate import check_options, require_column

INPUT, UNC, OUT = "Input", "Uncertainty", "Output"
TRUE = {"true", "1", "yes", "y", "t"}


def raw_runs(
    source: str,
    columns: dict[str, str],
    flops: FlopConvention,
    budget_col: str | None,
    drop_flagged: str | None,
) -> pd.DataFrame:
    """Runs table plus a ``budget`` column, read through the file's own columns when needed.

    The runs loader keeps only the runs-table columns, so a nominal-budget column or a QC flag
    column is taken from the raw file first, rows are dropped, and the rest is loaded as usual.
    """
    if budget_col is None and drop_flagged is None:
        return load_runs(source, columns=columns, flops=flops, require=("N", "loss"))
    mapping: dict[str, str] = {}
    raw, e = read_source(source)
    if e is not None:
        mapping.update(e.columns)
    mapping.update(columns)
    for col, flag in ((budget_col, "--budget-col"), (drop_flagged, "--drop-flagged")):
        if col is not None:
            require_column(raw.columns, col, what=flag, flag=flag, source=source)
    if drop_flagged is not None:
        flagged = raw[drop_flagged].astype(str).str.strip().str.lower().isin(TRUE)
        raw = raw[~flagged.to_numpy()].reset_index(drop=True)
        if len(raw) == 0:
            raise input_error(f"every row is flagged in '{drop_flagged}'", source=source)
    df = load_runs(raw, columns=mapping, flops=flops, require=("N", "loss"), source_name=source)
    if budget_col is not None:
        df["budget"] = pd.to_numeric(raw[budget_col], errors="coerce").to_numpy()
    return df


def isoflop(
    source: Source,
    experiment: Annotated[
        str | None,
        typer.Option(
            help="Keep rows whose group (see --group-col) equals this, e.g. "
            "epochai_chinchilla__massivetext__chinchilla.",
            rich_help_panel=INPUT,
        ),
    ] = None,
    budget_col: Annotated[
        str | None,
        typer.Option(
            help="File column with each run's nominal budget (FLOPs). Default: group C by gaps.",
            rich_help_panel=INPUT,
        ),
    ] = None,
    drop_flagged: Annotated[
        str | None,
        typer.Option(
            help="Drop rows where this file column is true (e.g. Open-Athena's 'outlier').",
            rich_help_panel=INPUT,
        ),
    ] = None,
    gap: Annotated[
        float,
        typer.Option(
            help="Without a budget column, a new budget starts where log10 C jumps by more "
            "than this (decades).",
            rich_help_panel=INPUT,
        ),
    ] = GAP_DECADES,
    bootstrap: Annotated[
        int,
        typer.Option(
            help="Replicates resampling runs within budgets (0: OLS interval only).",
            rich_help_panel=UNC,
        ),
    ] = 1000,
    seed: Seed = 0,
    level: Annotated[float, typer.Option(help="Interval level.", rich_help_panel=UNC)] = 0.95,
    json_out: JsonOut = None,
    n_col: NCol = None,
    d_col: DCol = None,
    c_col: CCol = None,
    loss_col: LossCol = None,
    group_col: GroupCol = None,
    u_col: UCol = None,
    step_col: StepCol = None,
    hparam_col: HparamCol = None,
    select: Select = Selection.best,
    flops: Flops = FlopConvention.six_nd,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Fit isoFLOP parabolas (Chinchilla Approach 2) and the exponents of N* and D* in C.

    Example: scalewall isoflop isoflops-openathena --experiment
    epochai_chinchilla__massivetext__chinchilla --drop-flagged outlier --json isoflop.json
    """
    with user_errors(debug):
        check_options(level=level, seed=seed, json_out=json_out, bootstrap=bootstrap)
        cols = column_map(n_col, d_col, c_col, loss_col, group_col, u_col, step_col, hparam_col)
        df = raw_runs(source, cols, flops, budget_col, drop_flagged)
        with progress_bar("isoFLOP fits and bootstrap", not quiet):
            res = run_isoflop(
                df,
                experiment=experiment,
                bootstrap=bootstrap,
                seed=seed,
                level=level,
                flop_factor=flops.factor,
                gap=gap,
                source=source,
                select=select,
            )
        emit(res.to_dict(), json_out, quiet, lambda: render(res))


def render(res: IsoflopResult) -> None:
    """Per-budget table, exponent table and warnings."""
    what = f" ({res.experiment})" if res.experiment else ""
    t = Table(title=f"isoFLOP parabolas: {res.source}{what}", title_justify="left")
    for col in ("budget (FLOPs)", "runs", "N range", "N*", "D*", "L*", "asymmetry", "status"):
        t.add_column(col, justify="right")
    for b in res.budgets:
        t.add_row(
            f"{b.budget:.3g}",
            str(b.n_points),
            f"{b.N_min:.3g}-{b.N_max:.3g}",
            fmt(b.N_opt),
            fmt(b.D_opt),
            fmt(b.loss_opt),
            fmt(b.asymmetry),
            b.status if b.reason is None else f"{b.status}: {b.reason}",
        )
    out.print(t)
    lvl = f"{round(100 * res.level)}%"
    e = Table(title=f"exponents ({res.interval_method})", title_justify="left")
    e.add_column("exponent")
    e.add_column("estimate", justify="right")
    e.add_column(f"{lvl} bootstrap interval", justify="right")
    e.add_column(f"{lvl} OLS interval", justify="right")
    e.add_column("agree", justify="right")
    e.add_column("ci is", justify="right")
    boot = res.bootstrap
    if boot.get("replicates"):
        outside = boot.get("outside_domain", {})
        e.caption = (
            f"bootstrap, {boot['replicates']} replicates; {boot.get('failed', 0)} failed "
            f"(fewer than 2 budgets left), outside [0, 1]: a {outside.get('a', 0)}, "
            f"b {outside.get('b', 0)}; agree: each interval holds the other's midpoint and "
            "their widths differ by less than 2x"
        )
        e.caption_justify = "left"
    for key, label in (("a", "a (N* ~ C^a)"), ("b", "b (D* ~ C^b)")):
        x = res.exponents[key]
        cb, ols = x.get("ci_bootstrap"), x.get("ci_ols")
        agree = x.get("intervals_agree")
        e.add_row(
            label,
            fmt(x["estimate"]),
            f"[{fmt(cb[0])}, {fmt(cb[1])}]" if cb else "-",
            f"[{fmt(ols[0])}, {fmt(ols[1])}]" if ols else "-",
            "-" if agree is None else ("yes" if agree else "NO"),
            str(x.get("interval", "-")),
        )
    out.print(e)
    sel = selection_line(res.selection)
    if sel:
        out.print(text(sel))
    for w in res.warnings:
        out.print(f"[yellow]warning ({w['code']}):[/] {text(w['message'])}")
