"""Text is text: model names, units and paths print as typed, never read as Rich markup."""

from __future__ import annotations

from pathlib import Path

from cli_run import runner
from rich.console import Console

from scalewall.cli.app import app
from scalewall.cli.common import Table, text

NAMES = ("[red]qwen[/red]", "loss [mu^2]", "[bold]")


def test_model_names_with_brackets_print_as_typed(tmp_path: Path) -> None:
    src = tmp_path / "counts.csv"
    rows = [f'"{m}",p{j},10,{3 + j}' for m in NAMES for j in range(2)]
    src.write_text("model,problem,n,c\n" + "\n".join(rows) + "\n")
    res = runner.invoke(app, ["passk", str(src), "--k", "1", "--bootstrap", "0"])
    assert res.exit_code == 0, res.stderr
    for name in NAMES:  # before: '[red]qwen[/red]' printed as 'qwen', '[mu^2]' vanished
        assert name in res.stdout


def test_table_cells_titles_and_text_helper_are_literal() -> None:
    console = Console(width=200, record=True, highlight=False)
    t = Table(title="[b]x[/b]")
    t.add_column("unit [mu^2]")
    t.add_row(NAMES[0])
    console.print(t)
    console.print(f"[yellow]warning:[/] {text(NAMES[1])}")
    shown = console.export_text()
    for s in ("[b]x[/b]", "unit [mu^2]", NAMES[0], f"warning: {NAMES[1]}"):
        assert s in shown
