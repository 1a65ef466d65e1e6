"""The ``scalewall`` command: thin Typer shells over the library."""

from __future__ import annotations

from typing import Annotated

import typer

from scalewall import __version__
from scalewall.cli import backtest, data, fit, isoflop, robustness, tts
from scalewall.cli import benchmarks as benchmarks_cli
from scalewall.cli import collapse as collapse_cli
from scalewall.cli import demo as demo_cli
from scalewall.cli import downstream as downstream_cli
from scalewall.cli import forecast as forecast_cli
from scalewall.cli import hardware as hardware_cli
from scalewall.cli import persuasion as persuasion_cli
from scalewall.cli import sweep as sweep_cli
from scalewall.cli import trends as trends_cli
from scalewall.cli.common import Commands

app = typer.Typer(
    cls=Commands,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help=(
        "Measure the AI 'scaling wall' on real data, with intervals: scaling laws, model "
        "collapse, forecasts, test-time compute and your own small-LM runs."
    ),
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"scalewall {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Options of the bare command (the help text is the app's)."""


app.command("demo")(demo_cli.demo)
app.command("report")(demo_cli.report)
app.command("fit")(fit.fit)
app.command("backtest")(backtest.backtest)
app.command("isoflop")(isoflop.isoflop)
app.command("robustness")(robustness.robustness)
app.command("downstream")(downstream_cli.downstream)
app.command("persuasion")(persuasion_cli.persuasion)
app.command("benchmarks")(benchmarks_cli.benchmarks)
app.command("collapse")(collapse_cli.collapse)
app.command("trends")(trends_cli.trends)
app.command("hardware")(hardware_cli.hardware)
app.command("forecast")(forecast_cli.forecast)
app.command("passk")(tts.passk)
app.add_typer(tts.app, name="tts")
app.command("sweep")(sweep_cli.sweep)
app.add_typer(data.app, name="data")
