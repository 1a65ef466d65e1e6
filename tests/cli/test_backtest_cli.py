"""``scalewall backtest`` and ``scalewall isoflop`` in-process: exit codes, JSON, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from scalewall.cli.app import app

runner = CliRunner()

BACKTEST_KEYS = {
    "schema_version",
    "scalewall_version",
    "analysis",
    "source",
    "scheme",
    "by",
    "cutoff",
    "k",
    "objective",
    "objective_detail",
    "level",
    "bootstrap",
    "seed",
    "force",
    "n_points",
    "exclude_top_loss",
    "laws",
    "splits",
    "scores",
    "summary",
    "ranking",
    "full_fits",
    "predictions",
    "warnings",
    "selection",
    "fit_options",
}
ISOFLOP_KEYS = {
    "schema_version",
    "scalewall_version",
    "analysis",
    "method",
    "source",
    "experiment",
    "n_points",
    "n_budgets",
    "n_budgets_used",
    "budget_source",
    "flop_factor",
    "level",
    "exponents",
    "interval_method",
    "bootstrap",
    "budgets",
    "warnings",
    "selection",
    "references",
}


@pytest.fixture
def runs_csv(tmp_path: Path, synthetic_runs: pd.DataFrame) -> Path:
    p = tmp_path / "runs.csv"
    synthetic_runs.rename(columns={"N": "params", "D": "tokens"}).to_csv(p, index=False)
    return p


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return str(lines[0])


def test_backtest_json(runs_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "bt.json"
    args = ["backtest", str(runs_csv), "--n-col", "params", "--d-col", "tokens"]
    args += ["--law", "chinchilla", "--law", "power-c", "--k", "6", "--bootstrap", "20"]
    r = runner.invoke(app, [*args, "--json", str(out)])
    assert r.exit_code == 0, r.output
    d = json.loads(out.read_text())
    assert set(d) == BACKTEST_KEYS
    assert d["scheme"] == "top-k" and d["k"] == 6 and d["laws"] == ["chinchilla", "power-c"]
    assert set(d["summary"]["chinchilla"]) >= {"rmsle", "bias", "coverage", "coverage_predictive"}
    assert len(d["predictions"]) == 12
    assert "ranking by held-out RMSLE" in r.stdout


def test_backtest_rolling_prints_failures(runs_csv: Path) -> None:
    args = ["backtest", str(runs_csv), "--n-col", "params", "--d-col", "tokens"]
    r = runner.invoke(
        app, [*args, "--scheme", "rolling", "--law", "chinchilla", "--bootstrap", "0"]
    )
    assert r.exit_code == 0, r.output
    assert r.stdout.count("failed chinchilla on N = ") == 2


@pytest.mark.parametrize(
    "args",
    [
        ["backtest", "no-such-file.csv"],
        ["backtest", "{runs}", "--n-col", "params", "--d-col", "tokens", "--scheme", "cutoff"],
        ["backtest", "{runs}", "--n-col", "params", "--d-col", "tokens", "--by", "loss"],
        ["isoflop", "{runs}", "--n-col", "params", "--d-col", "tokens", "--budget-col", "nope"],
    ],
)
def test_bad_input_is_one_line_exit_2(args: list[str], runs_csv: Path) -> None:
    one_line_error(runner.invoke(app, [a.replace("{runs}", str(runs_csv)) for a in args]))


def test_isoflop_budget_column_and_flag_filter(tmp_path: Path) -> None:
    Nopt = {1e19: 4e8, 1e20: 1.3e9, 1e21: 4e9}
    rows = []
    for C, n0 in Nopt.items():
        for N in n0 * 10 ** np.linspace(-0.6, 0.6, 7):
            rows.append(
                {
                    "size": N,
                    "flops": C * 1.02,
                    "nominal": C,
                    "bad": False,
                    "loss": 2 + 0.05 * np.log10(N / n0) ** 2 + 0.1 * np.log10(1e22 / C),
                }
            )
    rows.append({"size": 1e9, "flops": 1e20, "nominal": 1e20, "bad": True, "loss": 9.0})
    p = tmp_path / "iso.csv"
    pd.DataFrame(rows).to_csv(p, index=False)
    out = tmp_path / "iso.json"
    cols = ["--n-col", "size", "--c-col", "flops", "--loss-col", "loss"]
    r = runner.invoke(
        app,
        [
            "isoflop",
            str(p),
            *cols,
            "--budget-col",
            "nominal",
            "--drop-flagged",
            "bad",
            "--bootstrap",
            "50",
            "--json",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    d = json.loads(out.read_text())
    assert set(d) == ISOFLOP_KEYS
    assert d["budget_source"] == "budget column" and d["n_points"] == 21
    assert [b["budget"] for b in d["budgets"]] == [1e19, 1e20, 1e21]
    assert d["exponents"]["a"]["estimate"] == pytest.approx(0.5, abs=1e-3)  # sqrt(10) per decade


def test_isoflop_registry(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "iso.json"
    exp = "epochai_chinchilla__massivetext__chinchilla"
    r = runner.invoke(
        app,
        [
            "isoflop",
            "isoflops-openathena",
            "--experiment",
            exp,
            "--drop-flagged",
            "outlier",
            "--bootstrap",
            "100",
            "--json",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    d = json.loads(out.read_text())
    assert d["experiment"] == exp and d["n_points"] == 85  # 123 rows less 38 QC-flagged
    assert 0.45 < d["exponents"]["a"]["estimate"] < 0.6
    r = runner.invoke(app, ["isoflop", "isoflops-openathena"])
    assert "--experiment" in one_line_error(r)


def test_backtest_registry(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "bt.json"
    r = runner.invoke(
        app,
        [
            "backtest",
            "chinchilla-epoch",
            "--exclude-top-loss",
            "5",
            "--scheme",
            "cutoff",
            "--cutoff",
            "1e21",
            "--law",
            "chinchilla",
            "--bootstrap",
            "20",
            "--json",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    d = json.loads(out.read_text())
    assert d["splits"][0]["label"] == "C <= 1e+21" and d["splits"][0]["n_test"] > 0
    assert d["summary"]["chinchilla"]["rmsle"] < 0.05


def test_backtest_with_the_fits_controls(data_dir: Path, tmp_path: Path) -> None:
    """The README's leave-one-group-out example on Li et al.'s sweep, with --tie and --pin."""
    out = tmp_path / "bt.json"
    args = ["backtest", "misfitting-li2025", "--scheme", "logo", "--bootstrap", "0"]
    r = runner.invoke(app, [*args, "--tie", "--pin", "E=2.0", "--json", str(out)])
    assert r.exit_code == 0, r.output
    d = json.loads(out.read_text())
    assert d["laws"] == ["chinchilla (tied) (E=2)", "power-c (E=2)"]
    assert d["selection"]["rows_dropped"] == 179 and d["n_points"] == 81
    assert d["fit_options"] == {"tie": True, "pins": {"E": 2.0}, "pool": True}  # logo pools
    assert len(d["splits"]) == 11  # one per model size
    assert "179 dropped" in r.stdout
    bad = runner.invoke(app, ["backtest", "misfitting-li2025", "--law", "power-c", "--tie"])
    assert "--tie applies to laws with two exponents" in one_line_error(bad)
