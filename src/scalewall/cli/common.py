"""Shared CLI plumbing: consoles, one-line errors, warnings, progress bars, JSON output."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from scalewall.errors import InputError, ScalewallError, ScalewallWarning
from scalewall.storage import write_json

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _show_warning(message: Warning | str, category: type[Warning], *args: Any, **kw: Any) -> None:
    if issubclass(category, ScalewallWarning):
        err.print(f"[yellow]warning:[/] {escape(str(message))}", markup=True)
    else:  # numpy/scipy chatter is not for users
        pass


@contextmanager
def user_errors(debug: bool = False) -> Iterator[None]:
    """Turn known errors into one line on stderr and an exit code (2 bad input, 1 other).

    Scalewall warnings are held back and printed once each when the block succeeds; when it
    fails they are dropped, so the error is the only line on stderr.
    """
    held: list[str] = []

    def hold(message: Warning | str, category: type[Warning], *args: Any, **kw: Any) -> None:
        if issubclass(category, ScalewallWarning) and str(message) not in held:
            held.append(str(message))

    old = warnings.showwarning
    warnings.showwarning = hold
    try:
        yield
    except InputError as e:
        if debug:
            raise
        err.print(f"error: {e}", markup=False)
        sys.exit(2)
    except ScalewallError as e:
        if debug:
            raise
        err.print(f"error: {e}", markup=False)
        sys.exit(1)
    finally:
        warnings.showwarning = old
    for message in held:
        _show_warning(message, ScalewallWarning)


@contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress bar on stderr; yields ``update(done, total)``."""
    if not enabled or not err.is_terminal:
        yield lambda done, total: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as prog:
        task = prog.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            prog.update(task, completed=done, total=total)

        yield update


def parse_pins(pins: list[str] | None) -> dict[str, float]:
    """``["E=1.69"]`` -> ``{"E": 1.69}`` with a one-line error for anything else."""
    outd: dict[str, float] = {}
    for item in pins or []:
        name, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            outd[name.strip()] = float(value)
        except ValueError:
            raise InputError(f"--pin expects NAME=VALUE such as E=1.69; got '{item}'") from None
    return outd


def emit(payload: Any, json_out: Path | None, quiet: bool, show: Callable[[], None]) -> None:
    """Finish a command: write ``payload`` as JSON when asked, then render unless ``quiet``."""
    if json_out is not None:
        write_json(json_out, payload)
    if not quiet:
        show()
        if json_out is not None:
            out.print(f"wrote {json_out}")


def note(line: str) -> None:
    """A line for the user on stderr (what a sweep does with stored runs), printed as text."""
    err.print(escape(line))
