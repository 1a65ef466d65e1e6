"""``scalewall persuasion``: the JSON record on the real study, one-line errors (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from cli_run import one_line_error, run_json
from typer.testing import CliRunner

from scalewall.cli.app import app


def test_json_schema(data_dir: Path, tmp_path: Path) -> None:
    d = run_json(["persuasion", "--margin", "1.5"], tmp_path / "p.json")
    assert d["schema_version"] == 1
    assert set(d) >= {"settings", "meta_regression", "nonlinear", "reproduction", "equivalence"}
    e = d["equivalence"]
    assert e["margin"] == 1.5 and len(e["comparison_models"]) == 7
    for key in ("unadjusted", "adjusted_task_completion"):
        assert set(e[key]) >= {"difference", "ci90_lo", "ci90_hi", "p_tost", "verdict"}
    assert len(d["models"]) == 24 and len(d["nonlinear"]) == 5


def test_table_on_stdout(data_dir: Path) -> None:
    r = CliRunner().invoke(app, ["persuasion"])
    assert r.exit_code == 0, r.output
    assert "1.26 [0.65, 1.87]" in r.stdout and "TOST p" in r.stdout


def test_bad_margin_and_table_exit_2(data_dir: Path, tmp_path: Path) -> None:
    assert "margin" in one_line_error(["persuasion", "--margin", "0"])
    f = tmp_path / "m.csv"
    d = pd.read_csv(data_dir / "hackenburg2025_pnas_persuasion" / "message_estimates.csv")
    d.assign(estimate=d["estimate"].astype(object).where(d.index != 9, "abc")).to_csv(
        f, index=False
    )
    line = one_line_error(["persuasion", "--messages", str(f)])
    assert "row 10, column 'estimate'" in line


def test_labels_follow_alpha_and_level(data_dir: Path) -> None:
    # the TOST interval is 1 - 2 alpha (80% at alpha 0.1), the fit intervals are --level
    r = CliRunner().invoke(app, ["persuasion", "--alpha", "0.1", "--level", "0.9"])
    assert r.exit_code == 0, r.output
    assert "80% [" in r.stdout and "90% [" not in r.stdout
    assert "Wald 90% intervals" in r.stdout


def test_infinite_margin_exits_2(data_dir: Path) -> None:
    assert "margin" in one_line_error(["persuasion", "--margin", "inf"])
