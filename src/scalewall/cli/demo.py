"""``scalewall demo`` and ``scalewall report``: run the analyses, store them, render the report."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from scalewall.claims import markdown_table
from scalewall.cli.common import err, out, user_errors
from scalewall.demo import run_demo
from scalewall.laws.result import fmt
from scalewall.report.html import NOT_MEASURED, build_report
from scalewall.storage import write_atomic

REPORT_STEP = "report: figures, claims and HTML"


@contextmanager
def step_progress() -> Iterator[Callable[[str, int, int], None]]:
    """``progress(step, done, total)`` drawn on stderr: a Rich bar per step on a terminal, one
    line per finished step otherwise (logs, CI)."""
    started: dict[str, float] = {}
    finished: set[str] = set()
    if not err.is_terminal:

        def line(step: str, done: int, total: int) -> None:
            started.setdefault(step, time.perf_counter())
            if done >= total and step not in finished:
                finished.add(step)
                err.print(
                    f"done  {step} ({time.perf_counter() - started[step]:.1f} s)", markup=False
                )

        yield line
        return
    with Progress(
        SpinnerColumn(finished_text="[green]\u2713[/]"),
        TextColumn("{task.description}"),
        BarColumn(bar_width=24),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    ) as prog:
        tasks: dict[str, TaskID] = {}

        def bar(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = prog.add_task(step, total=total)
            prog.update(tasks[step], completed=done, total=total)

        yield bar


def _value(c: dict[str, Any]) -> str:
    v, lo, hi = c.get("value"), c.get("lo"), c.get("hi")
    if v is None:
        return "-"
    if str(c.get("unit", "")).startswith("%"):
        iv = f" [{lo:.2f}, {hi:.2f}]" if lo is not None and hi is not None else ""
        return f"{v:.2f}%{iv}"
    iv = f" [{fmt(lo)}, {fmt(hi)}]" if lo is not None and hi is not None else ""
    return f"{fmt(v)}{iv}"


def print_summary(results_dir: Path, report: Path) -> None:
    """The measured claims as a table on stdout, then where the report is."""
    claims = json.loads((results_dir / "claims.json").read_text(encoding="utf-8"))
    measured = [c for c in claims if c["verdict"] != NOT_MEASURED]
    t = Table(
        title="claims check (rules and evidence: the report)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    t.add_column("#", justify="right", no_wrap=True)
    t.add_column("verdict", no_wrap=True)
    t.add_column("value [interval] unit", justify="right")
    t.add_column("robustness", no_wrap=True)
    t.add_column("claim")
    for c in measured:
        unit = str(c.get("unit", ""))
        value = f"{_value(c)} {unit.removeprefix('%').strip()}".strip()
        claim = c["claim"] if len(c["claim"]) <= 48 else c["claim"][:47].rstrip() + "\u2026"
        robust = (c.get("stability") or "\u2014").split(" (")[0]
        t.add_row(str(c["id"]), c["verdict"], value, robust, claim)
    out.print(t)
    rest = len(claims) - len(measured)
    if rest:
        out.print(f"{rest} other claims: {NOT_MEASURED} (no stored section measures them)")
    out.print(f"report: {report.resolve()}")


def demo(
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            file_okay=False,
            help="Results folder (created; earlier results in it are overwritten).",
        ),
    ] = Path("scalewall-results"),
    quick: Annotated[
        bool,
        typer.Option(
            "--quick",
            help="Fewer replicates, seeds and generations (under a minute); same point estimates for the fits.",
        ),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Run every analysis on public data, store the results and write a self-contained HTML
    report: the claims check, then scaling laws, repeated data, downstream scaling, model
    collapse, forecasts, test-time compute and own LM runs.

    Example: scalewall demo --quick --out results, then open results/report.html
    """
    with user_errors(debug):
        with step_progress() as progress:
            folder = run_demo(out_dir, quick=quick, progress=progress)
            progress(REPORT_STEP, 0, 1)
            report = build_report(folder)
            progress(REPORT_STEP, 1, 1)
        print_summary(folder, report)


def report(
    results_dir: Annotated[
        Path,
        typer.Argument(
            exists=True,
            file_okay=False,
            help="A folder written by 'scalewall demo' (it holds manifest.json).",
        ),
    ],
    claims_markdown: Annotated[
        Path | None,
        typer.Option(
            "--claims-markdown",
            dir_okay=False,
            help="Also write the claims table as Markdown (README format) to this file.",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Rebuild report.html, claims.json and the figures from stored results (no refitting).

    Example: scalewall report scalewall-results --claims-markdown claims.md
    """
    with user_errors(debug):
        with step_progress() as progress:
            progress(REPORT_STEP, 0, 1)
            path = build_report(results_dir)
            progress(REPORT_STEP, 1, 1)
        if claims_markdown is not None:
            records = json.loads((results_dir / "claims.json").read_text(encoding="utf-8"))
            write_atomic(claims_markdown, markdown_table(records))
        print_summary(results_dir, path)
