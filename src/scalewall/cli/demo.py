"""``scalewall demo`` and ``scalewall report``: run the analyses, store them, render the report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box

from scalewall.claims import markdown_table
from scalewall.cli.common import Table, out, step_progress, text, user_errors
from scalewall.demo import run_demo
from scalewall.laws.result import fmt
from scalewall.report.html import NOT_MEASURED, build_report
from scalewall.storage import write_atomic
from scalewall.validate import check_out_dir

REPORT_STEP = "report: figures, claims and HTML"


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
    out.print(f"report: {text(report.resolve())}")


def demo(
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
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
        check_out_dir(out_dir)
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
