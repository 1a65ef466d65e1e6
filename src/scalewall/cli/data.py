"""``scalewall data``: list and fetch the public data files of the registry."""

from __future__ import annotations

import typer

from scalewall.cli.common import Table, out, text, user_errors
from scalewall.data import registry

app = typer.Typer(no_args_is_help=True, help="Public data: list the registry, fetch a file.")


@app.command("list")
def list_() -> None:
    """Show every registry entry with its status in the data folder, license and citation."""
    with user_errors():
        t = Table(title=f"scalewall data registry (folder: {registry.data_dir()})")
        t.add_column("name", no_wrap=True)  # whole names, so they can be copied or grepped
        for col in ("status", "file", "license", "citation"):
            t.add_column(col, overflow="fold")
        for e in registry.ENTRIES:
            t.add_row(e.name, registry.status(e), e.filename, e.license, e.citation)
        out.print(t)


@app.command()
def fetch(
    name: str = typer.Argument(..., help="Entry name, as 'scalewall data list' shows."),
) -> None:
    """Fetch one entry (or find it already in the data folder with the right sha256)."""
    with user_errors():
        path = registry.fetch(name)
        out.print(f"{text(name)}: {text(path)}")
