"""``scalewall sweep``: train a grid of small LMs and fit the corpus's own laws."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated, Any

import typer

from scalewall.cli.common import Table, emit, note, out, progress_bar, text, user_errors
from scalewall.cli.options import Address, Debug, Executor, JsonOut, Quiet, Resume, Workers
from scalewall.errors import input_error
from scalewall.validate import check_options


def sweep(
    config: Annotated[
        Path | None,
        typer.Argument(help="Sweep file (TOML); see the presets for the keys.", dir_okay=False),
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option(
            help="A shipped sweep: scaling-quick, scaling-full, repeat-quick, repeat-full, "
            "collapse-quick, collapse-full, ladder-cpu, ladder-gpu (CUDA only)."
        ),
    ] = None,
    design: Annotated[
        str | None,
        typer.Option(
            help="Lay the runs out as a ladder: 'isoflop' or 'chinchilla' (default sweep: the "
            "ladder-cpu preset)."
        ),
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option(
            help="Total training FLOPs of the --design ladder, every seed included (e.g. 1.2e14)."
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Results folder [default: results/sweeps/<name>]."),
    ] = None,
    resume: Resume = False,
    executor: Executor = "local",
    address: Address = None,
    workers: Workers = None,
    json_out: JsonOut = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Train every run of a sweep (stored by config hash) and fit the corpus's own laws.

    Examples: scalewall sweep --preset scaling-quick --resume --json sweep.json;
    scalewall sweep --design isoflop --budget 1e13 (the ladder-cpu preset at that budget).
    """
    with user_errors(debug):
        check_options(json_out=json_out, out_dir=out_dir, workers=workers)
        if importlib.util.find_spec("torch") is None:
            raise input_error("scalewall sweep needs PyTorch", fix="install scalewall[lm]")
        from scalewall.lm import sweep as sw

        ladder_default = (design, budget) != (None, None) and config is None and preset is None
        spec = sw.with_design(
            sw.load(config, "ladder-cpu" if ladder_default else preset), design, budget
        )
        folder = out_dir or Path("results") / "sweeps" / spec.name
        with progress_bar(f"{spec.name}: runs", not quiet) as update:
            payload = sw.run(
                spec,
                folder,
                resume=resume,
                executor=executor,
                workers=workers,
                address=address,
                progress=update,
                note=note,
            )
        emit(payload, json_out, quiet, lambda: render(payload))


def render(payload: dict[str, Any]) -> None:
    from scalewall.cli.fit import render as render_fit
    from scalewall.laws.result import FitResult, fmt

    out.print(
        f"{text(payload['name'])}: {payload['n_runs']} runs; table {text(payload['runs_table'])}"
    )
    if payload.get("fit"):
        render_fit(FitResult.from_dict(payload["fit"]))
    if payload.get("ladder"):
        from scalewall.lm.ladder_fit import summary_lines

        for line in summary_lines(payload["ladder"]):
            out.print(line, markup=False)
    rep = payload.get("repeat")
    if rep:
        ci = rep["effective_data_multiple_4_epochs_ci"] or [None, None]
        out.print(
            f"effective data of 4 epochs: {fmt(rep['effective_data_multiple_4_epochs'])}x "
            f"[{fmt(ci[0])}, {fmt(ci[1])}] (Muennighoff et al. 2023: "
            f"{fmt(rep['published_effective_data_multiple_4_epochs'])}x)"
        )
    cf = payload.get("concept_frequency")
    if cf:
        lo, hi = cf["slope_ci"]
        out.print(
            f"concept frequency: {fmt(cf['slope_per_decade'])} [{fmt(lo)}, {fmt(hi)}] nats per "
            f"10x frequency over {cf['n_types']} token types, R2 {fmt(cf['r2'])}"
        )
    if payload.get("summary"):
        t = Table(title="collapse: last generation", title_justify="left")
        for c in ("policy", "metric", "generation 0", "last", "interval"):
            t.add_column(c, justify="right" if c != "policy" else "left")
        rows = payload["summary"]
        last = max(r["generation"] for r in rows)
        first = {(r["policy"], r["metric"]): r for r in rows if r["generation"] == 0}
        for r in rows:
            if r["generation"] == last:
                g0 = first[(r["policy"], r["metric"])]
                t.add_row(
                    r["policy"],
                    r["metric"],
                    fmt(g0["mean"]),
                    fmt(r["mean"]),
                    f"[{fmt(r['lo'])}, {fmt(r['hi'])}]",
                )
        out.print(t)
