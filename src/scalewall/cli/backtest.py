"""``scalewall backtest``: fit laws on part of the runs, score predictions on the rest, rank."""

from __future__ import annotations

from typing import Annotated

import typer

from scalewall.cli.common import (
    Table,
    emit,
    out,
    parse_pins,
    progress_bar,
    selection_line,
    text,
    user_errors,
)
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
    Pool,
    Quiet,
    Seed,
    Select,
    Source,
    StepCol,
    UCol,
    column_map,
)
from scalewall.data.runs import FlopConvention, Selection, load_runs
from scalewall.laws.backtest import BacktestResult, Scheme
from scalewall.laws.backtest import backtest as run_backtest
from scalewall.laws.bootstrap import HEALTH
from scalewall.laws.catalog import LawName
from scalewall.laws.objectives import ObjectiveName
from scalewall.laws.result import fmt
from scalewall.validate import check_options

SPLIT, MODEL, UNC, OUT = "Split", "Model", "Uncertainty", "Output"


def backtest(
    source: Source,
    law: Annotated[
        list[LawName] | None,
        typer.Option(
            help="Law to backtest (repeatable). Default: chinchilla and power-c.",
            rich_help_panel=MODEL,
        ),
    ] = None,
    scheme: Annotated[
        Scheme,
        typer.Option(
            help="cutoff: fit by <= --cutoff; top-k: hold out the K largest; rolling: predict "
            "each size from the smaller ones; logo: leave one group out.",
            rich_help_panel=SPLIT,
        ),
    ] = Scheme.top_k,
    by: Annotated[
        str | None,
        typer.Option(
            help="Split on compute C (FLOPs), size N (parameters) or tokens D. Default: N for "
            "rolling, C otherwise.",
            rich_help_panel=SPLIT,
        ),
    ] = None,
    cutoff: Annotated[
        float | None,
        typer.Option(
            help="Threshold on --by for --scheme cutoff, e.g. 1e21.", rich_help_panel=SPLIT
        ),
    ] = None,
    k: Annotated[
        int | None,
        typer.Option(
            "--k", help="Runs held out by --scheme top-k (default 20).", rich_help_panel=SPLIT
        ),
    ] = None,
    objective: Annotated[
        ObjectiveName, typer.Option(help="Residual penalty of every fit.", rich_help_panel=MODEL)
    ] = ObjectiveName.huber_log,
    delta: Annotated[
        float, typer.Option(help="Huber threshold on log loss.", rich_help_panel=MODEL)
    ] = 1e-3,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Score splits whose training sizes cannot identify the exponents (else reported "
            "as failed with the reason).",
            rich_help_panel=MODEL,
        ),
    ] = False,
    tie: Annotated[
        bool,
        typer.Option(
            "--tie", help="Tie alpha = beta in the laws with two exponents.", rich_help_panel=MODEL
        ),
    ] = False,
    pin: Annotated[
        list[str] | None,
        typer.Option(
            help="Pin a coefficient in every law that has it, e.g. --pin E=1.69 (repeatable).",
            rich_help_panel=MODEL,
        ),
    ] = None,
    exclude_top_loss: Annotated[
        int, typer.Option(help="Drop the K highest-loss runs first.", rich_help_panel="Input")
    ] = 0,
    bootstrap: Annotated[
        int,
        typer.Option(
            help="Bootstrap replicates per fit, for coverage (0: none).", rich_help_panel=UNC
        ),
    ] = 200,
    seed: Seed = 0,
    level: Annotated[float, typer.Option(help="Nominal band level.", rich_help_panel=UNC)] = 0.9,
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
    pool: Pool = False,
    flops: Flops = FlopConvention.six_nd,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Backtest scaling laws out of sample: held-out RMSLE, bias, interval coverage and ranks.

    Example: scalewall backtest chinchilla-epoch --exclude-top-loss 5 --scheme top-k --k 20
    --law chinchilla --law power-c --json backtest.json
    """
    with user_errors(debug):
        check_options(
            level=level,
            seed=seed,
            json_out=json_out,
            bootstrap=bootstrap,
            exclude_top_loss=exclude_top_loss,
            k=k,
        )
        cols = column_map(n_col, d_col, c_col, loss_col, group_col, u_col, step_col, hparam_col)
        table = load_runs(source, columns=cols, flops=flops, require=("loss",))
        laws = [lw.value for lw in (law or [LawName.chinchilla, LawName.power_c])]
        with progress_bar("backtest fits", not quiet) as update:
            res = run_backtest(
                table,
                laws,
                objective,
                scheme=scheme,
                by=by,
                cutoff=cutoff,
                k=k,
                bootstrap=bootstrap,
                seed=seed,
                level=level,
                exclude_top_loss_k=exclude_top_loss,
                delta=delta,
                force=force,
                tie=tie,
                pins=parse_pins(pin),
                select=select,
                pool=pool,
                source=source,
                progress=update,
            )
        emit(res.to_dict(), json_out, quiet, lambda: render(res))


def render(res: BacktestResult) -> None:
    """Summary per law, scores per split when there are several, failures and rankings."""
    lvl = f"{round(100 * res.level)}%"
    title = (
        f"backtest {res.source}: {res.scheme} by {res.by} ({res.objective_detail}; "
        f"n={res.n_points}, bootstrap {res.bootstrap})"
    )
    t = Table(
        title=title,
        title_justify="left",
        caption=f"RMSLE, bias, max|e|: log(predicted) - log(observed) on held-out runs; coverage "
        f"of {lvl} bands: 'band' for the mean curve (bootstrap), 'pred' predictive (plus "
        "training residuals); flagged: bootstrap replicates behind the bands that did not "
        "converge, turned non-finite or ended on a bound, summed over splits",
        caption_justify="left",
    )
    t.add_column("law", no_wrap=True)
    cols = ("ok/fail", "n test", "RMSLE", "bias", "max|e|", "band cov", "pred cov", "flagged")
    for col in cols:
        t.add_column(col, justify="right")
    for lw in res.laws:
        s = res.summary[lw]
        t.add_row(
            lw,
            f"{s['splits_ok']}/{s['splits_failed']}",
            str(s.get("n_test", 0)),
            fmt(s.get("rmsle")),
            fmt(s.get("bias"), 3),
            fmt(s.get("max_abs_error"), 3),
            fmt(s.get("coverage"), 3),
            fmt(s.get("coverage_predictive"), 3),
            flagged(s.get("bootstrap_health"), res.bootstrap * s["splits_ok"]),
        )
    out.print(t)
    if len(res.splits) > 1:
        d = Table(title="per split", title_justify="left")
        d.add_column("law", no_wrap=True)
        d.add_column("split", no_wrap=True)
        for col in ("n train", "n test", "RMSLE", "bias", "band cov", "pred cov", "flagged"):
            d.add_column(col, justify="right")
        for sc in res.scores:
            if sc.status != "ok":
                continue
            d.add_row(
                sc.law,
                sc.split,
                str(sc.n_train),
                str(sc.n_test),
                fmt(sc.rmsle, 3),
                fmt(sc.bias, 3),
                fmt(sc.coverage, 3),
                fmt(sc.coverage_predictive, 3),
                flagged(sc.bootstrap_health, res.bootstrap),
            )
        out.print(d)
    for sc in res.scores:
        if sc.status != "ok":
            out.print(
                f"[yellow]failed[/] {text(sc.law)} on {text(sc.split)}: {text(str(sc.reason))}"
            )
    rk = res.ranking
    if rk["heldout_rmsle"]:
        order = " < ".join(f"{r['law']} ({fmt(r['rmsle'])})" for r in rk["heldout_rmsle"])
        out.print(f"ranking by held-out RMSLE ({rk['heldout_basis']}): {order}")
    for crit in ("aic", "bic"):
        if rk[crit]:
            order = " < ".join(f"{r['law']} ({fmt(r[crit])})" for r in rk[crit])
            out.print(f"ranking by {crit.upper()} (full data): {order}")
    out.print(f"[dim]{rk['note']}[/]")
    sel = selection_line(res.selection)
    if sel:
        out.print(text(sel))
    for w in res.warnings:
        out.print(f"[yellow]warning:[/] {text(w)}")


def flagged(health: dict[str, int] | None, replicates: int) -> str:
    """Flags over the replicates behind a band, e.g. '3/200 (2 at a bound)'; '-' without any."""
    if not health or not replicates:
        return "-"
    parts = ", ".join(f"{n} {HEALTH[k]}" for k, n in health.items() if n)
    return f"{sum(health.values())}/{replicates}" + (f" ({parts})" if parts else "")
