"""Shared CLI plumbing: consoles, one-line errors, warnings, progress bars, JSON output."""

from __future__ import annotations

import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table as RichTable
from rich.text import Text
from typer.core import TyperGroup

from scalewall.errors import InputError, ScalewallError, ScalewallWarning, input_error
from scalewall.storage import write_json

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Commands(TyperGroup):
    """The ``scalewall`` group: a usage error is one ``error:`` line with exit 2, like bad input.

    A value Typer cannot parse (``--level abc``), a missing argument or an unknown option would
    otherwise print a usage block and a framed message; here it reads like every other error.
    Running a group with no arguments still shows its help.
    """

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.Abort:
            err.print("aborted", markup=False)
            sys.exit(1)
        except typer.TyperException as e:
            if type(e).__name__ == "NoArgsIsHelpError":  # nothing ran yet: show the help
                return super().main(args, prog_name, complete_var, standalone_mode=True, **extra)
            message = e.format_message() if hasattr(e, "format_message") else str(e)
            ctx = getattr(e, "ctx", None)
            hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            err.print(f"error: {' '.join(str(message).split())}{hint}", markup=False)
            sys.exit(getattr(e, "exit_code", 2))
        sys.exit(code if isinstance(code, int) else 0)


def text(value: object) -> str:
    """A user's string (model name, unit, column) escaped for Rich, so ``[mu^2]`` prints as is.

    Rich reads ``[...]`` as markup: unescaped, ``[red]qwen[/red]`` prints as a red ``qwen`` and
    ``[mu^2]`` vanishes. Every table cell and message built from data goes through here.
    """
    return escape(str(value))


class Table(RichTable):
    """A Rich table whose title, headers and cells are plain text, never markup.

    Cells hold model names, units, file names and citations from the user's data; through
    :func:`text` they would need escaping at every call, here they cannot be misread at all.
    """

    def __init__(self, *headers: Any, title: str | None = None, **kw: Any) -> None:
        super().__init__(*headers, title=Text(title) if isinstance(title, str) else title, **kw)

    def add_column(self, header: Any = "", *args: Any, **kw: Any) -> None:
        super().add_column(Text(header) if isinstance(header, str) else header, *args, **kw)

    def add_row(self, *cells: Any, **kw: Any) -> None:
        super().add_row(*(Text(c) if isinstance(c, str) else c for c in cells), **kw)


def _show_warning(message: Warning | str, category: type[Warning], *args: Any, **kw: Any) -> None:
    if issubclass(category, ScalewallWarning):
        err.print(f"[yellow]warning:[/] {escape(str(message))}", markup=True)
    else:  # numpy/scipy chatter is not for users
        pass


@contextmanager
def user_errors(debug: bool = False) -> Iterator[None]:
    """Turn known errors into one line on stderr and an exit code (2 bad input, 1 other).

    With ``debug`` the traceback comes first, and the exit code stays the same.

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
    except ScalewallError as e:
        if debug:  # the same exit code as the plain run, with the traceback above the line
            traceback.print_exc(file=sys.stderr)
        err.print(f"error: {e}", markup=False)
        sys.exit(2 if isinstance(e, InputError) else 1)
    finally:
        warnings.showwarning = old
    for message in held:
        _show_warning(message, ScalewallWarning)


@contextmanager
def step_progress(
    enabled: bool = True, log_steps: bool = True
) -> Iterator[Callable[[str, int, int], None]]:
    """Progress of named steps on stderr; yields ``progress(step, done, total)``.

    On a terminal each step gets a Rich bar (a spinner until its total is known) that the ``with``
    block always closes, also when the command fails. Elsewhere (logs, CI) ``log_steps`` prints
    one line per finished step, so the library's ``progress`` callbacks are all a command needs.
    """
    if not enabled:
        yield lambda step, done, total: None
        return
    if not err.is_terminal:
        started: dict[str, float] = {}
        finished: set[str] = set()

        def line(step: str, done: int, total: int) -> None:
            started.setdefault(step, time.perf_counter())
            if log_steps and 0 < total <= done and step not in finished:
                finished.add(step)
                took = time.perf_counter() - started[step]
                err.print(f"done  {step} ({took:.1f} s)", markup=False)

        yield line
        return
    with Progress(
        SpinnerColumn(finished_text="[green]\u2713[/]"),
        TextColumn("{task.description}"),
        BarColumn(bar_width=24),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=not log_steps,
    ) as prog:
        tasks: dict[str, TaskID] = {}

        def bar(step: str, done: int, total: int) -> None:
            known = total if total > 0 else None  # 0: not known yet, a spinner
            if step not in tasks:
                tasks[step] = prog.add_task(text(step), total=known)
            prog.update(tasks[step], completed=done, total=known)

        yield bar


@contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """One step's bar on stderr (erased when done); yields ``update(done, total)``.

    The bar shows from the start, as a spinner, until the library reports a total (a library
    call without a ``progress`` callback keeps the spinner to its end).
    """
    with step_progress(enabled, log_steps=False) as progress:
        progress(label, 0, 0)
        yield lambda done, total: progress(label, done, total)


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
            raise input_error(
                "expects NAME=VALUE such as E=1.69", source="--pin", got=item
            ) from None
    return outd


def emit(payload: Any, json_out: Path | None, quiet: bool, show: Callable[[], None]) -> None:
    """Finish a command: write ``payload`` as JSON when asked, then render unless ``quiet``."""
    if json_out is not None:
        try:
            write_json(json_out, payload)
        except OSError as e:  # checked up front; a disk can still fill or a folder vanish
            raise input_error(
                f"cannot write the file ({e.strerror})", source="--json", got=str(json_out)
            ) from None
    if not quiet:
        show()
        if json_out is not None:
            out.print(f"wrote {text(json_out)}")


def note(line: str) -> None:
    """A line for the user on stderr (what a sweep does with stored runs), printed as text."""
    err.print(escape(line))


def selection_line(sel: Mapping[str, Any]) -> str | None:
    """What ``--select`` did, for the line under a table; None when nothing was dropped."""
    if not sel.get("rows_dropped"):
        return None
    won = sel.get("chosen_hparam")
    note = f"; best hparam per configuration: {won}" if won else ""
    return (
        f"selection '{sel['method']}' over repeats of ({', '.join(sel['key'])}): "
        f"{sel['rows_in']} rows -> {sel['rows_out']} ({sel['rows_dropped']} dropped){note}"
    )
