"""Progress goes to stderr through one helper and is always closed, also when a command fails."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from scalewall.cli import common
from scalewall.errors import InputError


def terminal() -> Console:
    return Console(file=io.StringIO(), force_terminal=True, width=100)


def test_a_failing_command_leaves_no_live_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    console = terminal()
    monkeypatch.setattr(common, "err", console)
    with pytest.raises(InputError), common.progress_bar("bootstrap") as update:
        update(3, 10)
        assert console._live_stack  # the bar is drawing
        raise InputError("bad row")
    assert not console._live_stack  # stopped: no spinner keeps drawing over the error line


def test_steps_log_one_line_each_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    buf = io.StringIO()
    monkeypatch.setattr(common, "err", Console(file=buf, force_terminal=False, width=100))
    with common.step_progress() as progress:
        for done in range(3):
            progress("fits", done, 2)
        progress("[red]names[/red] stay text", 1, 1)
    lines = buf.getvalue().splitlines()
    assert [ln.split(" (")[0] for ln in lines] == ["done  fits", "done  [red]names[/red] stay text"]


def test_disabled_progress_prints_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    console = terminal()
    monkeypatch.setattr(common, "err", console)
    with common.progress_bar("bootstrap", enabled=False) as update:
        update(1, 2)
    assert console.file.getvalue() == ""  # type: ignore[attr-defined]
