"""Intervals never shown without their replicates' flag counts; profile intervals beside them;
the isoFLOP command's two intervals and their verdict; the Python API's defaults are the CLI's.

Real registry data throughout. Li et al. 2025's runs (``misfitting-li2025``) are the hard case: E
is weakly identified, so some bootstrap refits drive it to the search bound.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from cli_run import one_line_error, run_json, runner

from scalewall.cli.app import app
from scalewall.cli.backtest import backtest as backtest_cli
from scalewall.cli.fit import fit as fit_cli
from scalewall.cli.isoflop import isoflop as isoflop_cli
from scalewall.data.registry import ENV_VAR
from scalewall.laws.api import DEFAULT_BOOTSTRAP
from scalewall.laws.api import fit as fit_api
from scalewall.laws.backtest import backtest as backtest_api
from scalewall.laws.bootstrap import HEALTH
from scalewall.laws.isoflop import isoflop as isoflop_api
from scalewall.laws.result import FitResult


@pytest.fixture
def in_data_dir(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_VAR, str(data_dir))
    return data_dir


def flags(record: dict[str, Any]) -> int:
    return sum(int(record.get(k) or 0) for k in HEALTH)


def test_fit_prints_flag_counts_and_profile_intervals(in_data_dir: Path, tmp_path: Path) -> None:
    args = ["fit", "misfitting-li2025", "--bootstrap", "60", "--profile"]
    res = runner.invoke(app, [*args, "--json", str(tmp_path / "f.json")], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    payload = run_json(args, tmp_path / "g.json")
    boot = payload["bootstrap"]
    n = flags(boot)
    assert n > 0  # E runs to its bound in some refits on these runs (seed 0)
    # the same count under the parameter table and under the derived quantities
    assert res.stdout.count(f"60 replicates; {n} flagged") >= 2
    assert f"95% interval (bootstrap; {n} flagged)" in res.stdout  # in the column header too
    assert "interval (profile)" in res.stdout
    prof = payload["profile_ci"]
    assert set(prof) == {"E", "A", "B", "alpha", "beta"}
    for k, p in prof.items():
        lo = -float("inf") if p["lo"] is None else p["lo"]
        hi = float("inf") if p["hi"] is None else p["hi"]
        assert lo < payload["params"][k] < hi, k
    # E's lower end: the objective stays flat down to the bound, so it is open, not a number
    assert prof["E"]["open"] == ["lo"] and prof["E"]["lo"] is None
    for k in ("alpha", "beta"):  # the exponents are identified: both ends closed
        assert prof[k]["open"] == []
    back = FitResult.from_dict(payload)
    assert back.profile_ci == prof
    assert f"{n} flagged" in back.report() and "[open, " in back.report()


def test_report_without_bootstrap_has_no_interval_note() -> None:
    N = np.repeat([1e8, 3e8, 1e9, 3e9], 4)
    D = np.tile([2e9, 6e9, 2e10, 6e10], 4)
    df = pd.DataFrame({"N": N, "D": D, "loss": 1.8 + 400 * N**-0.34 + 2000 * D**-0.37})
    r = fit_api(df, bootstrap=0)
    assert "flagged" not in r.report() and r.profile_ci == {}
    tied = fit_api(df, bootstrap=0, tie=True, profile=True)
    assert tied.profile_ci["beta"] == tied.profile_ci["alpha"]


def test_profile_refuses_the_epoch2024_preset(in_data_dir: Path) -> None:
    line = one_line_error(
        ["fit", "chinchilla-epoch", "--procedure", "epoch2024", "--profile", "--bootstrap", "0"]
    )
    assert "--profile" in line


def test_backtest_counts_flags_per_split_and_per_law(in_data_dir: Path, tmp_path: Path) -> None:
    args = ["backtest", "chinchilla-epoch", "--exclude-top-loss", "5", "--bootstrap", "20"]
    args += ["--scheme", "cutoff", "--by", "C", "--cutoff", "1e20", "--law", "chinchilla"]
    payload = run_json(args, tmp_path / "b.json")
    ok = [s for s in payload["scores"] if s["status"] == "ok"]
    assert ok and all(set(s["bootstrap_health"]) == set(HEALTH) for s in ok)
    summary = payload["summary"]["chinchilla"]["bootstrap_health"]
    assert summary == {k: sum(s["bootstrap_health"][k] for s in ok) for k in HEALTH}
    res = runner.invoke(app, args)
    assert res.exit_code == 0 and re.search(rf"{flags(summary)}/20\b", res.stdout), res.stdout


def test_isoflop_shows_both_intervals_and_their_verdict(in_data_dir: Path, tmp_path: Path) -> None:
    args = ["isoflop", "isoflops-openathena", "--experiment", "marin_202603__comma__llama_2"]
    args += ["--drop-flagged", "outlier", "--bootstrap", "200"]
    payload = run_json(args, tmp_path / "i.json")
    res = runner.invoke(app, args, env={"COLUMNS": "160"})
    assert res.exit_code == 0, res.output
    assert "OLS interval" in res.stdout and "200 replicates; 0 failed" in res.stdout
    a = payload["exponents"]["a"]
    # the README's example of disagreeing intervals: the table must say so, not only a warning
    assert a["intervals_agree"] is False
    row = next(line for line in res.stdout.splitlines() if line.lstrip("│ ").startswith("a (N*"))
    assert "NO" in row and a["interval"] in row


@pytest.mark.parametrize(
    ("cli", "api", "names"),
    [
        (fit_cli, fit_api, ("objective", "delta", "weight", "seed", "level", "resample")),
        (
            backtest_cli,
            backtest_api,
            ("scheme", "k", "by", "objective", "delta", "bootstrap", "seed", "level"),
        ),
        (isoflop_cli, isoflop_api, ("bootstrap", "seed", "level", "gap")),
    ],
)
def test_python_api_defaults_are_the_cli_defaults(cli: Any, api: Any, names: tuple[str]) -> None:
    c, a = inspect.signature(cli).parameters, inspect.signature(api).parameters
    for name in names:
        cli_default, api_default = (
            str(getattr(d, "value", d)) for d in (c[name].default, a[name].default)
        )
        assert cli_default == api_default, name


def test_fit_bootstrap_default_is_shared() -> None:
    # the CLI leaves --bootstrap unset and both resolve it the same way (1000; 4000 for epoch2024)
    assert inspect.signature(fit_cli).parameters["bootstrap"].default is None
    assert inspect.signature(fit_api).parameters["bootstrap"].default is None
    assert DEFAULT_BOOTSTRAP == 1000


def test_isoflop_selects_the_best_setting_of_a_sweep(tmp_path: Path) -> None:
    """Noise-free isoFLOP runs (a = 0.5 exactly) at two learning rates; the worse one is worse
    only on the large side of each parabola, so pooling both settings tilts the vertices."""
    rows = []
    for C in (1e19, 1e20, 1e21):
        n_opt = 0.1 * (C / 6) ** 0.5
        for x in np.linspace(-0.6, 0.6, 7):
            base = 2 + np.cosh(0.8 * np.log(10**x)) / C**0.05
            for lr, penalty in ((1e-3, 0.0), (3e-3, 0.05 + 0.1 * (x > 0))):
                rows.append({"params": n_opt * 10**x, "flops": C, "lr": lr, "val": base + penalty})
    pd.DataFrame(rows).to_csv(tmp_path / "iso.csv", index=False)
    args = ["isoflop", str(tmp_path / "iso.csv"), "--n-col", "params", "--c-col", "flops"]
    args += ["--loss-col", "val", "--bootstrap", "0"]
    best = run_json([*args, "--hparam-col", "lr"], tmp_path / "best.json")
    assert best["selection"]["rows_dropped"] == 21
    assert best["selection"]["chosen_hparam"] == {"0.001": 21}
    assert best["exponents"]["a"]["estimate"] == pytest.approx(0.5, abs=1e-9)
    pooled = run_json([*args, "--select", "all"], tmp_path / "all.json")
    assert pooled["selection"]["rows_dropped"] == 0
    assert abs(pooled["exponents"]["a"]["estimate"] - 0.5) > 5e-3
