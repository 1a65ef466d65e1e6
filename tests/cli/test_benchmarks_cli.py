"""``scalewall benchmarks``: JSON schema on real hub files, the Rich table, one-line errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_run import one_line_error, run_json, runner

from scalewall.cli.app import app


def test_json_on_three_hub_files(data_dir: Path, tmp_path: Path) -> None:
    args = ["benchmarks", "mmlu", "epoch-hub-gpqa-diamond", "eci", "--bootstrap", "200"]
    d = run_json(args, tmp_path / "b.json")
    assert set(d) == {"schema_version", "settings", "summary", "benchmarks", "dropped"}
    rows = {r["benchmark"]: r for r in d["benchmarks"]}
    assert set(rows) == {"mmlu", "gpqa-diamond", "eci"}
    assert rows["eci"]["verdict"] == "native units" and rows["eci"]["gain_per_10x"] is None
    m = rows["mmlu"]
    assert m["slope_lo"] < m["slope_per_decade"] < m["slope_hi"]
    assert m["gain_read_to"] == m["compute_max"] and m["contamination_prone"] is True
    assert d["settings"]["margin_points"] == 2.0 and d["settings"]["bootstrap"] == 200
    assert d["summary"]["n_fitted"] == 3


def test_table_on_stdout(data_dir: Path) -> None:
    r = runner.invoke(app, ["benchmarks", "piqa", "--bootstrap", "100", "--margin", "3"])
    assert r.exit_code == 0, r.output
    assert "TOST at +-3 points per 10x" in r.stdout and "rows dropped:" in r.stdout


def test_malformed_hub_table_exits_2_with_one_line(tmp_path: Path) -> None:
    p = tmp_path / "bad_hub.csv"
    pd.DataFrame(
        {
            "Model version": ["a", "b"],
            "Score": [0.4, 0.5],
            "Release date": ["2024-01-01", "2024-02-01"],
            "Training compute (FLOP)": [1e23, "about 1e24"],
        }
    ).to_csv(p, index=False)
    line = one_line_error(["benchmarks", str(p)])
    assert f"{p} row 2, column 'Training compute (FLOP)'" in line and "about 1e24" in line


def test_bad_option_exits_2() -> None:
    assert "--variant must be" in one_line_error(["benchmarks", "mmlu", "--variant", "fast"])
    assert "margin must be a finite number > 0" in one_line_error(
        ["benchmarks", "mmlu", "--margin", "-1"]
    )


def test_nan_margin_and_too_few_models_exit_2(tmp_path: Path) -> None:
    assert "margin" in one_line_error(["benchmarks", "mmlu", "--margin", "nan"])
    p = tmp_path / "tiny_hub.csv"
    pd.DataFrame(
        {
            "Model version": ["a", "b", "c"],
            "Score": [0.4, 0.5, 0.6],
            "Release date": ["2024-01-01", "2024-02-01", "2024-03-01"],
            "Training compute (FLOP)": [1e22, 1e23, 1e24],
        }
    ).to_csv(p, index=False)
    assert "--min-models" in one_line_error(["benchmarks", str(p)])


def test_own_file_with_odd_column_names_and_a_percent_scale(tmp_path: Path) -> None:
    p = tmp_path / "mine.csv"
    x = np.linspace(22.0, 25.0, 10)
    pd.DataFrame(
        {
            "name": [f"m{i}" for i in range(10)],
            "acc (%)": np.round(30 + 12 * (x - 22.0), 1),
            "released": [f"2024-{i + 1:02d}-01" for i in range(10)],
            "flop": 10**x,
        }
    ).to_csv(p, index=False)
    assert "--score-col" in one_line_error(["benchmarks", str(p)])
    maps = ["--model-col", "name", "--score-col", "acc (%)", "--date-col", "released"]
    maps += ["--compute-col", "flop"]
    assert "outside its scale" in one_line_error(["benchmarks", str(p), *maps])
    d = run_json(
        ["benchmarks", str(p), *maps, "--score-scale", "100", "--bootstrap", "100"],
        tmp_path / "m.json",
    )
    row = d["benchmarks"][0]
    assert row["benchmark"] == "mine" and row["n_models"] == 10
    assert row["slope_per_decade"] == pytest.approx(12.0, abs=0.2)  # 12 points per decade, exact
    line = one_line_error(["benchmarks", str(p), "--score-col", "accuracy"])
    assert "column 'accuracy': column not found" in line
    assert "your own files only" in one_line_error(["benchmarks", "mmlu", "--score-col", "x"])
