"""Helpers shared by the CLI tests: a ``--json`` run, and a bad-input run that must fail in one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from scalewall.cli.app import app

runner = CliRunner()


def run_json(args: list[str], out: Path) -> dict[str, Any]:
    """Run ``scalewall ARGS --json OUT -q``, check it exits 0 and return the JSON it wrote."""
    res = runner.invoke(app, [*args, "--json", str(out), "-q"])
    assert res.exit_code == 0, res.output
    payload: dict[str, Any] = json.loads(out.read_text())
    return payload


def one_line_error(args: list[str]) -> str:
    """Run ``scalewall ARGS``, check exit code 2 and a single ``error:`` line; return that line."""
    res = runner.invoke(app, args)
    assert res.exit_code == 2, (res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    assert "Traceback" not in res.output
    return lines[0]
