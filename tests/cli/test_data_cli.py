"""``scalewall data list`` and ``scalewall data fetch``, in-process."""

from __future__ import annotations

from pathlib import Path

import pooch
import pytest
from typer.testing import CliRunner

from scalewall.cli.app import app
from scalewall.data.registry import ENTRIES, ENV_VAR, entry

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> str:
        raise ConnectionError("network disabled in tests")

    monkeypatch.setattr(pooch, "retrieve", refuse)


@pytest.fixture
def in_data_dir(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_VAR, str(data_dir))
    return data_dir


def test_list_shows_every_entry(in_data_dir: Path) -> None:
    result = runner.invoke(app, ["data", "list"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    for e in ENTRIES:
        # the whole name on one line (not folded), with its status
        row = next((ln for ln in lines if f" {e.name} " in ln), None)
        assert row is not None, e.name
        if (in_data_dir / e.filename).is_file():
            assert "cached" in row
    assert result.stderr == ""


def test_list_marks_missing_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    result = runner.invoke(app, ["data", "list"])
    assert result.exit_code == 0
    assert "missing" in result.stdout and "cached" not in result.stdout


def test_fetch_prints_the_path(in_data_dir: Path) -> None:
    result = runner.invoke(app, ["data", "fetch", "chinchilla-epoch"])
    assert result.exit_code == 0, result.stderr
    path = in_data_dir / entry("chinchilla-epoch").filename
    assert result.stdout.strip() == f"chinchilla-epoch: {path}"
    assert result.stderr == ""


def test_fetch_unknown_name_is_one_line_exit_2() -> None:
    result = runner.invoke(app, ["data", "fetch", "no-such-data"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: unknown data entry; got 'no-such-data'")
    assert "chinchilla-epoch" in lines[0]
    assert result.stdout == ""


def test_fetch_offline_is_one_line_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    result = runner.invoke(app, ["data", "fetch", "chinchilla-epoch"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: could not download 'chinchilla-epoch'")
    assert ENV_VAR in lines[0]


def test_bare_group_prints_help() -> None:
    result = runner.invoke(app, ["data"])
    assert "list" in result.output and "fetch" in result.output
