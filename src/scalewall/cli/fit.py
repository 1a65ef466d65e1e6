"""``scalewall fit``: fit a scaling law with intervals, derived quantities and diminishing returns."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

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
from scalewall.data.runs import FlopConvention, Selection, load_runs, select_runs
from scalewall.laws.api import DEFAULT_BOOTSTRAP
from scalewall.laws.api import fit as fit_law
from scalewall.laws.bootstrap import HEALTH, health_note
from scalewall.laws.catalog import LawName, make_law
from scalewall.laws.claims import envelope_summary
from scalewall.laws.compare import objective_shifts
from scalewall.laws.epoch2024 import REPLICATES
from scalewall.laws.objectives import ObjectiveName
from scalewall.laws.pooling import compare_pooling
from scalewall.laws.result import FitResult, fmt, profile_text
from scalewall.validate import check_choice, check_count, check_options, check_positive

MODEL, UNC, OUT = "Model", "Uncertainty", "Output"


def fit(
    source: Source,
    law: Annotated[
        LawName, typer.Option(help="Functional form.", rich_help_panel=MODEL)
    ] = LawName.chinchilla,
    objective: Annotated[
        ObjectiveName, typer.Option(help="Residual penalty.", rich_help_panel=MODEL)
    ] = ObjectiveName.huber_log,
    delta: Annotated[
        float, typer.Option(help="Huber threshold on log loss.", rich_help_panel=MODEL)
    ] = 1e-3,
    weight: Annotated[
        float,
        typer.Option(
            help="Over-prediction weight for --objective asymmetric.", rich_help_panel=MODEL
        ),
    ] = 10.0,
    tie: Annotated[
        bool, typer.Option("--tie", help="Tie alpha = beta.", rich_help_panel=MODEL)
    ] = False,
    pin: Annotated[
        list[str] | None,
        typer.Option(
            help="Pin a coefficient, e.g. --pin E=1.69 (repeatable).", rich_help_panel=MODEL
        ),
    ] = None,
    breaks: Annotated[
        int, typer.Option(help="Breaks for --law broken.", rich_help_panel=MODEL)
    ] = 1,
    procedure: Annotated[
        str,
        typer.Option(
            help="'global' (default) or 'epoch2024' (Besiroglu et al. 2024 preset).",
            rich_help_panel=MODEL,
        ),
    ] = "global",
    exclude_top_loss: Annotated[
        int, typer.Option(help="Drop the K highest-loss runs first.", rich_help_panel="Input")
    ] = 0,
    bootstrap: Annotated[
        int | None,
        typer.Option(
            help="Bootstrap replicates for intervals (0: none) [default: 1000; 4000 with epoch2024].",
            rich_help_panel=UNC,
            show_default=False,
        ),
    ] = None,
    seed: Seed = 0,
    level: Annotated[float, typer.Option(help="Interval level.", rich_help_panel=UNC)] = 0.95,
    profile: Annotated[
        bool,
        typer.Option(
            "--profile",
            help="Also give profile-likelihood intervals (no resampling; open ends shown).",
            rich_help_panel=UNC,
        ),
    ] = False,
    resample: Annotated[
        str, typer.Option(help="Bootstrap unit: auto, run or group.", rich_help_panel=UNC)
    ] = "auto",
    at: Annotated[
        list[float] | None,
        typer.Option(
            help="Extra compute budget(s) in FLOPs for L* and the next-10x gain.",
            rich_help_panel=OUT,
        ),
    ] = None,
    target_loss: Annotated[
        float | None,
        typer.Option(help="Report the compute needed to reach this loss.", rich_help_panel=OUT),
    ] = None,
    compare_objectives: Annotated[
        bool,
        typer.Option(
            "--compare-objectives",
            help="Refit under every objective and report shifts.",
            rich_help_panel=OUT,
        ),
    ] = False,
    envelope: Annotated[
        int,
        typer.Option(
            help="Bootstrap replicates for the runs' lowest-loss envelope: loss removed by the "
            "last decade of compute over that removed by the first, over every run loaded "
            "(before --exclude-top-loss; claim 1) [0: off].",
            rich_help_panel=OUT,
        ),
    ] = 0,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Fit even when the exponents are not identified.", rich_help_panel=MODEL
        ),
    ] = False,
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
    """Fit a scaling law globally (no start grid to tune), with bootstrap intervals.

    Example: scalewall fit chinchilla-epoch --exclude-top-loss 5 --bootstrap 4000 --json fit.json
    """
    with user_errors(debug):
        if bootstrap is None:
            bootstrap = REPLICATES if procedure == "epoch2024" else DEFAULT_BOOTSTRAP
        check_positive(delta=delta, weight=weight, target_loss=target_loss, at=at)
        check_choice(resample, ("auto", "run", "group"), "--resample")
        check_options(
            level=level,
            seed=seed,
            json_out=json_out,
            bootstrap=bootstrap,
            exclude_top_loss=exclude_top_loss,
        )
        check_count(envelope, "--envelope")
        pins = parse_pins(pin)
        lw = make_law(law, tie=tie, pins=pins, breaks=breaks)
        cols = column_map(n_col, d_col, c_col, loss_col, group_col, u_col, step_col, hparam_col)
        need = (*lw.inputs, "loss", *(("C",) if envelope else ()))
        table = load_runs(source, columns=cols, flops=flops, require=need)
        kw: dict[str, Any] = dict(
            delta=delta,
            weight=weight,
            exclude_top_loss_k=exclude_top_loss,
            seed=seed,
            level=level,
            resample=resample,
            flop_factor=flops.factor,
            budgets=at or None,
            target_loss=target_loss,
            force=force,
            source=source,
            pool=pool,
            select=select,
        )
        with progress_bar("bootstrap", not quiet) as update:
            res = fit_law(
                table,
                lw,
                objective,
                bootstrap=bootstrap,
                procedure=procedure,
                progress=update,
                profile=profile,
                **kw,
            )
        payload = res.to_dict()
        if envelope:
            payload["envelope"] = envelope_summary(table, envelope, seed)
        if res.groups:
            payload["group_comparison"] = compare_pooling(
                select_runs(table, select)[0],
                lw,
                objective,
                delta=delta,
                weight=weight,
                force=force,
            )
        if compare_objectives:
            others = {}
            for name in ObjectiveName:
                with progress_bar(f"refit {name.value}", not quiet) as update:
                    others[name.value] = fit_law(
                        table,
                        lw,
                        name,
                        bootstrap=0 if bootstrap == 0 else min(bootstrap, 500),
                        progress=update,
                        **kw,
                    )
            payload["compare_objectives"] = objective_shifts(others)

        def show() -> None:
            render(res)
            if "group_comparison" in payload:
                render_pooling(res.groups["column"], payload["group_comparison"])
            if compare_objectives:
                render_shifts(payload["compare_objectives"])
            if envelope:
                render_envelope(payload["envelope"])

        emit(payload, json_out, quiet, show)


def render_envelope(e: dict[str, Any]) -> None:
    """One line: claim 1's reading of diminishing returns from the runs themselves."""
    out.print(
        f"lowest-loss envelope of {e['n_runs']} runs: the last decade of compute removes "
        f"{e['ratio']:.3g} [{e['lo']:.3g}, {e['hi']:.3g}] times the loss the first removes "
        f"({round(100 * e['level'])}% bootstrap interval over runs, {e['replicates']} replicates)"
    )


def render(res: FitResult) -> None:
    lvl = f"{round(100 * res.level)}%"
    boot = res.bootstrap.get("replicates")
    title = f"{res.law}: {res.formula}  ({res.objective_detail}; n={res.n_points}; {res.procedure})"
    t = Table(title=title, title_justify="left")
    t.add_column("parameter")
    t.add_column("estimate", justify="right")
    flags = sum(int(res.bootstrap.get(k) or 0) for k in HEALTH)
    head = f"{lvl} interval" + (f" (bootstrap; {flags} flagged)" if boot else "")
    t.add_column(head, justify="right")
    if res.profile_ci:
        t.add_column(f"{lvl} interval (profile)", justify="right")
    for k, v in res.params.items():
        ci = res.ci.get(k)
        note = "pinned" if k in res.pinned else (f"[{fmt(ci[0])}, {fmt(ci[1])}]" if ci else "-")
        prof = [profile_text(res.profile_ci[k]) if k in res.profile_ci else "-"]
        t.add_row(escape(k), fmt(v), note, *(prof if res.profile_ci else []))
    if boot:
        t.caption = f"intervals from the {health_note(res.bootstrap)}"
        t.caption_justify = "left"
    out.print(t)
    if res.derived:
        d = Table(title="derived quantities", title_justify="left")
        d.add_column("quantity")
        d.add_column("estimate", justify="right")
        d.add_column(head, justify="right")
        if boot:
            d.caption = f"intervals from the same {health_note(res.bootstrap)}"
            d.caption_justify = "left"
        for k, v in res.derived.items():
            ci = res.derived_ci.get(k)
            unreachable = k.startswith("compute_for_loss") and (v is None or v == float("inf"))
            value = "unreachable: below E" if unreachable else fmt(v)
            d.add_row(escape(k), value, f"[{fmt(ci[0])}, {fmt(ci[1])}]" if ci else "-")
        out.print(d)
    if res.diminishing_returns:
        r = Table(title="diminishing returns on the compute-optimal frontier", title_justify="left")
        if boot:
            r.caption = f"[lo, hi]: {lvl} intervals from the same {health_note(res.bootstrap)}"
            r.caption_justify = "left"
        for col in (
            "compute (FLOPs)",
            "L*",
            "gain from next 10x",
            "reducible share",
            "compute x for next 1%",
        ):
            r.add_column(col, justify="right")
        for row in res.diminishing_returns:

            def cell(k: str, row: dict[str, float] = row) -> str:
                v = fmt(row.get(k))
                if f"{k}_lo" in row:
                    v += f" [{fmt(row[f'{k}_lo'])}, {fmt(row[f'{k}_hi'])}]"
                return v

            r.add_row(
                f"{row['compute']:.0e}",
                cell("loss"),
                cell("gain_next_10x"),
                cell("reducible_share"),
                cell("multiplier_next_1pct"),
            )
        out.print(r)
    sel = selection_line(res.selection)
    if sel:
        out.print(text(sel))
    for o in res.outliers[:10]:
        out.print(f"[yellow]outlier[/] row {o['row']}: {text(o['reason'])}")
    for w in res.warnings:
        out.print(f"[yellow]warning:[/] {text(w)}")


def render_pooling(column: str, cmp: dict[str, Any]) -> None:
    """Pooled, per-group and joint laws side by side, with the structure each criterion prefers."""
    t = Table(
        title=f"one law or one per group? ({len(cmp['labels'])} groups in column '{column}')",
        title_justify="left",
        caption=f"held-out: {cmp['holdout']}; AIC/BIC from fits to every row",
        caption_justify="left",
    )
    t.add_column("structure")
    for col in ("parameters", "objective", "AIC", "BIC", "held-out RMSLE"):
        t.add_column(col, justify="right")
    for name, r in cmp["structures"].items():
        if r["status"] != "ok":
            t.add_row(name, "failed", escape(str(r["reason"])), "", "", "")
            continue
        t.add_row(
            name,
            str(r["n_params"]),
            fmt(r["objective_value"]),
            fmt(r["aic"]),
            fmt(r["bic"]),
            fmt(r["heldout_rmsle"]),
        )
    out.print(t)
    pref = cmp["preferred"]
    out.print(
        f"preferred: by AIC {pref['aic']}, by BIC {pref['bic']}, "
        f"by held-out error {pref['heldout_rmsle']}"
    )


def render_shifts(cmp: dict[str, Any]) -> None:
    t = Table(title="sensitivity to the objective", title_justify="left")
    t.add_column("quantity")
    for o in cmp["objectives"]:
        t.add_column(o, justify="right")
    t.add_column("max shift", justify="right")
    for k, row in cmp["quantities"].items():
        t.add_row(
            k, *[fmt(row["values"].get(o)) for o in cmp["objectives"]], fmt(row["max_abs_shift"])
        )
    out.print(t)
