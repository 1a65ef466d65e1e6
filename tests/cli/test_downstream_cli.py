"""``scalewall downstream``: JSON on Pythia, and one-line errors (exit 2) for bad tables."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from scalewall.cli.app import app

runner = CliRunner()


def test_pythia_json(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    r = runner.invoke(app, ["downstream", "pythia-zeroshot", "--json", str(out), "--quiet"])
    assert r.exit_code == 0, r.output
    d = json.loads(out.read_text())
    assert set(d) == {"settings", "summary", "tasks", "scores"}
    assert len(d["tasks"]) == 8 and len(d["scores"]) == 8 * 16
    assert d["settings"]["interval"].startswith("Student-t")


def test_renders_table_on_a_long_file(tmp_path: Path) -> None:
    rows = [
        {"name": f"m{i}", "n": 10.0 ** (8 + i / 2), "bench": b, "acc": 0.3 + 0.05 * i + d}
        for i in range(5)
        for b, d in (("x", 0.0), ("y", 0.01 * (-1) ** i))
    ]
    f = tmp_path / "long.csv"
    pd.DataFrame(rows).to_csv(f, index=False)
    args = ["downstream", str(f), "--size-col", "n", "--task-col", "bench", "--score-col", "acc"]
    r = runner.invoke(app, [*args, "--model-col", "name"])
    assert r.exit_code == 0, r.output
    assert "improving" in r.output and "inverse scaling (Holm-adjusted" in r.output


@pytest.mark.parametrize(
    ("table", "args", "needle"),
    [
        ({"params": [1e8, 1e9], "x_acc": [0.5, 0.6]}, ["--size-col", "N"], "column 'N'"),
        ({"params": [1e8, 1e9], "x_acc": [50.0, 60.0]}, [], "divide percentages by 100"),
        ({"params": [1e8, 1e9], "x_f1": [0.5, 0.6]}, [], "no column matches '*_acc'"),
        ({"params": [1e8, 1e9], "x_acc": [0.5, 0.6]}, [], "needs at least 3 models"),
    ],
)
def test_bad_input_one_line_exit_2(
    tmp_path: Path, table: dict[str, list[float]], args: list[str], needle: str
) -> None:
    f = tmp_path / "t.csv"
    pd.DataFrame(table).to_csv(f, index=False)
    r = runner.invoke(app, ["downstream", str(f), *args])
    assert r.exit_code == 2
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1
    assert needle in r.stderr
    assert "Traceback" not in r.output


def test_missing_file() -> None:
    r = runner.invoke(app, ["downstream", "no/such/file.csv"])
    assert r.exit_code == 2 and "file not found" in r.stderr
