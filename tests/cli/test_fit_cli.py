"""``scalewall fit``: the Chinchilla replication, its JSON, pins, ties, custom columns, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pooch
import pytest
from typer.testing import CliRunner

from scalewall.cli.app import app
from scalewall.data.registry import ENV_VAR

runner = CliRunner()

#: Besiroglu et al. 2024's optimum of the summed Huber(1e-3) log-loss objective on the 240 runs
#: left after dropping the 5 highest losses; a global fit must reach it (or go below).
EPOCH_OBJECTIVE = 0.00101827402401235
PARAMS = ("E", "A", "B", "alpha", "beta")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> str:
        raise ConnectionError("network disabled in tests")

    monkeypatch.setattr(pooch, "retrieve", refuse)


def fit_json(args: list[str], tmp: Path) -> tuple[Any, dict[str, Any]]:
    out = tmp / "fit.json"
    result = runner.invoke(app, ["fit", *args, "--json", str(out)])
    assert result.exit_code == 0, (result.stderr, result.exception)
    return result, json.loads(out.read_text())


@pytest.fixture(scope="module")
def chinchilla(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The headline fit, run once for the module (bootstrap 100)."""
    mp = pytest.MonkeyPatch()
    mp.setenv(ENV_VAR, str(data_dir))
    try:
        result, payload = fit_json(
            ["chinchilla-epoch", "--exclude-top-loss", "5", "--bootstrap", "100"],
            tmp_path_factory.mktemp("fit"),
        )
    finally:
        mp.undo()
    payload["_stdout"] = result.stdout
    return payload


@pytest.fixture
def in_data_dir(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_VAR, str(data_dir))
    return data_dir


def test_chinchilla_json_schema(chinchilla: dict[str, Any]) -> None:
    assert chinchilla["law"] == "chinchilla"
    assert chinchilla["objective"] == "huber-log"
    assert chinchilla["n_points"] == 240
    assert set(chinchilla["params"]) == set(PARAMS)
    assert set(chinchilla["ci"]) == set(PARAMS)
    for k in PARAMS:
        lo, hi = chinchilla["ci"][k]
        assert lo <= chinchilla["params"][k] <= hi, k
    for k in ("a", "b", "reducible_factor_per_10x"):
        assert np.isfinite(chinchilla["derived"][k])
    assert chinchilla["derived"]["a"] + chinchilla["derived"]["b"] == pytest.approx(1.0)
    assert chinchilla["bootstrap"]["replicates"] == 100
    assert "compare_objectives" not in chinchilla


def test_chinchilla_reaches_the_published_optimum(chinchilla: dict[str, Any]) -> None:
    assert chinchilla["objective_value"] <= EPOCH_OBJECTIVE * (1 + 1e-9)
    p = chinchilla["params"]
    # Besiroglu et al. 2024, Table 1: E=1.82, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658
    assert p["E"] == pytest.approx(1.82, abs=0.01)
    assert p["alpha"] == pytest.approx(0.348, abs=0.005)
    assert p["beta"] == pytest.approx(0.366, abs=0.005)


def test_chinchilla_tables_on_stdout(chinchilla: dict[str, Any]) -> None:
    out = chinchilla["_stdout"]
    assert "chinchilla" in out and "alpha" in out and "wrote " in out


def test_compare_objectives(tmp_path: Path, synthetic_runs: pd.DataFrame) -> None:
    csv = tmp_path / "runs.csv"
    synthetic_runs.to_csv(csv, index=False)
    result, payload = fit_json([str(csv), "--bootstrap", "10", "--compare-objectives"], tmp_path)
    assert "sensitivity to the objective" in result.stdout
    cmp = payload["compare_objectives"]
    assert set(cmp["objectives"]) == {"huber-log", "mse-log", "mse", "asymmetric"}
    for k in PARAMS:
        q = cmp["quantities"][k]
        assert set(q["values"]) == set(cmp["objectives"])
        assert q["values"]["huber-log"] == pytest.approx(payload["params"][k])
        assert q["max_abs_shift"] >= 0
    assert set(cmp["objective_values"]) == set(cmp["objectives"])


def test_pin_keeps_e(in_data_dir: Path, tmp_path: Path) -> None:
    _, payload = fit_json(
        [
            "chinchilla-epoch",
            "--exclude-top-loss",
            "5",
            "--bootstrap",
            "10",
            "--pin",
            "E=1.69",
            "--quiet",
        ],
        tmp_path,
    )
    assert payload["params"]["E"] == 1.69
    assert payload["pinned"] == {"E": 1.69}
    assert "E" not in payload["ci"]
    assert {"A", "B", "alpha", "beta"} <= set(payload["ci"])


def test_tie_gives_equal_exponents(in_data_dir: Path, tmp_path: Path) -> None:
    _, payload = fit_json(
        ["chinchilla-epoch", "--exclude-top-loss", "5", "--bootstrap", "0", "--tie", "--quiet"],
        tmp_path,
    )
    p = payload["params"]
    # the tied law reports one exponent; beta, where present, must equal it
    assert p.get("beta", p["alpha"]) == p["alpha"]
    assert payload["derived"]["a"] == pytest.approx(0.5)
    assert payload["derived"]["b"] == pytest.approx(0.5)


def test_bad_pin_is_exit_2(in_data_dir: Path) -> None:
    result = runner.invoke(app, ["fit", "chinchilla-epoch", "--pin", "E", "--bootstrap", "0"])
    assert result.exit_code == 2
    assert result.stderr == "error: --pin: expects NAME=VALUE such as E=1.69; got 'E'\n"


def test_custom_columns(tmp_path: Path, synthetic_runs: pd.DataFrame) -> None:
    table = synthetic_runs.rename(columns={"N": "params", "D": "tokens", "loss": "val_loss"})
    csv = tmp_path / "mine.csv"
    table.to_csv(csv, index=False)
    _, payload = fit_json(
        [
            str(csv),
            "--n-col",
            "params",
            "--d-col",
            "tokens",
            "--loss-col",
            "val_loss",
            "--bootstrap",
            "20",
            "--quiet",
        ],
        tmp_path,
    )
    assert payload["n_points"] == len(table)
    p = payload["params"]
    assert p["alpha"] == pytest.approx(0.348, abs=0.05)
    assert p["beta"] == pytest.approx(0.366, abs=0.05)
    assert p["E"] == pytest.approx(1.82, abs=0.2)


def test_custom_columns_without_flags_is_exit_2(
    tmp_path: Path, synthetic_runs: pd.DataFrame
) -> None:
    csv = tmp_path / "mine.csv"
    synthetic_runs.rename(columns={"N": "params"}).to_csv(csv, index=False)
    result = runner.invoke(app, ["fit", str(csv), "--bootstrap", "0"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0] == f"error: {csv}: required column 'N' is missing. map it with --n-col"


def test_narrow_sizes_are_not_identified(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    N = np.repeat(np.geomspace(1e8, 5e8, 5), 5)  # 0.7 decades
    D = np.tile(np.geomspace(1e9, 1e12, 5), 5)
    loss = (1.8 + 480 * N**-0.35 + 2000 * D**-0.37) * np.exp(rng.normal(0, 0.005, N.size))
    csv = tmp_path / "narrow.csv"
    pd.DataFrame({"N": N, "D": D, "loss": loss}).to_csv(csv, index=False)
    result = runner.invoke(app, ["fit", str(csv), "--bootstrap", "0", "--quiet"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    msg = lines[0]
    assert msg.startswith(f"error: {csv}: N spans only 0.70 decades, so alpha is not identified")
    assert "--tie" in msg and "--pin" in msg
    # the suggested fix works
    tied = runner.invoke(app, ["fit", str(csv), "--bootstrap", "0", "--quiet", "--tie"])
    assert tied.exit_code == 0, tied.stderr


def test_learning_rate_sweep_is_selected_not_refused(in_data_dir: Path, tmp_path: Path) -> None:
    """Li et al. 2025's runs used to exit 2 ('row 154 duplicates row 150'): two learning rates."""
    args = ["misfitting-li2025", "--hparam-col", "peak_lr", "--bootstrap", "0"]
    result, d = fit_json(args, tmp_path)
    sel = d["selection"]
    assert (sel["method"], sel["rows_in"], sel["rows_dropped"], d["n_points"]) == (
        "best",
        260,
        179,
        81,
    )
    assert "179 dropped" in result.stdout and "best hparam per configuration" in result.stdout
    _, every = fit_json(["misfitting-li2025", "--select", "all", "--bootstrap", "0"], tmp_path)
    assert every["n_points"] == 260 and every["selection"]["rows_dropped"] == 0


def test_datasets_are_fitted_jointly_and_compared(in_data_dir: Path, tmp_path: Path) -> None:
    result, d = fit_json(["gadre2024-overtraining", "--bootstrap", "0"], tmp_path)
    assert d["groups"]["column"] == "dataset" and d["groups"]["structure"] == "joint"
    assert {"E[rpj]", "alpha", "beta"} <= set(d["params"])
    warning = [ln for ln in result.stderr.splitlines() if "column 'dataset'" in ln]
    assert len(warning) == 1 and warning[0].startswith("warning: ")
    cmp = d["group_comparison"]
    assert set(cmp["structures"]) == {"pooled", "separate", "joint"}
    assert set(cmp["preferred"]) == {"aic", "bic", "heldout_rmsle"}
    assert "one law or one per group?" in result.stdout
    pooled, p = fit_json(["gadre2024-overtraining", "--bootstrap", "0", "--pool"], tmp_path)
    assert "column 'dataset'" not in pooled.stderr and set(p["params"]) == set(PARAMS)
