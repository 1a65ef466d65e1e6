"""Each claim's reproduce command, run as printed, yields the number the claim states.

Each demo section is built once per test module or test (quick settings, the replicate
counts the section used); each claim is measured from it, then the command its record names is run
through the CLI and the claim's number read again from that command's own output: claims 1
(``fit --envelope``), 2-4, 5-7 and 9-11 (``trends``, ``hardware``, ``forecast``), 12-16
(``collapse``), 17 (``fit --law data-constrained``), 18 (``sweep``: the quick LM preset trains 16
tiny models in about 10 s, so it runs here too), 19 and 20 (``passk``). Claim 8 (the level of the
frontier-cost trend) is computed by the section alone; its record names the table's fetch, and
the test says so. Claims 14-16 used to point at the replace or constant-schedule runs; here each
must point at the run it measures.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from scalewall.claims import ClaimRecord
from scalewall.cli.app import app
from scalewall.collapse.claims import last_vs_first, measure_collapse, median_interval
from scalewall.collapse.demo_section import SECTION as COLLAPSE
from scalewall.downstream.claims import (
    measure_downstream,
    measure_inverse_scaling,
    measure_persuasion,
)
from scalewall.downstream.demo_section import BENCHMARKS
from scalewall.downstream.demo_section import SECTION as DOWNSTREAM
from scalewall.downstream.persuasion_section import SECTION as PERSUASION
from scalewall.forecast.claims import (
    claim5,
    claim7,
    claim9,
    claim10,
    claim11,
    measure_forecasts,
)
from scalewall.forecast.demo_section import SECTION as FORECASTS
from scalewall.laws.claims import measure_benchmark_gain, measure_repeated, measure_scaling_laws
from scalewall.laws.demo_section import SECTION as LAWS
from scalewall.laws.repeated_section import SECTION as REPEATED
from scalewall.lm.claims import measure_lm
from scalewall.lm.demo_section import SECTION as LM
from scalewall.report.benchmarks import measure_benchmarks
from scalewall.report.persuasion import measure as persuasion_measure
from scalewall.storage import read_json, write_csv
from scalewall.tts.claims import claim19_digitised, claim20, grid_claim, measure_tts
from scalewall.tts.demo_section import SECTION as TTS


def _quiet(step: str, done: int, total: int) -> None:
    return None


@pytest.fixture(scope="module")
def collapse_claims(
    tmp_path_factory: pytest.TempPathFactory, data_dir: Path
) -> dict[int, ClaimRecord]:
    folder = tmp_path_factory.mktemp("demo") / COLLAPSE.name
    res = COLLAPSE.run(folder, True, _quiet)
    return measure_collapse(folder, res.commands)


def _run(command: str, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = shlex.split(command)
    assert args[0] == "scalewall"
    monkeypatch.chdir(cwd)
    res = CliRunner().invoke(app, args[1:])
    assert res.exit_code == 0, res.stderr


def _collapse_output(
    c: ClaimRecord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> pd.DataFrame:
    _run(c.command, tmp_path, monkeypatch)
    out = shlex.split(c.command)[shlex.split(c.command).index("--out") + 1]
    return pd.read_parquet(tmp_path / out / "results.parquet")


@pytest.mark.parametrize(("i", "policy"), [(14, "accumulate"), (15, "keep-real")])
def test_policy_claims_point_at_their_policy(
    i: int,
    policy: str,
    collapse_claims: dict[int, ClaimRecord],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c = collapse_claims[i]
    assert f"--policy {policy} " in c.command
    df = _collapse_output(c, tmp_path, monkeypatch)
    (name,) = df["policy"].unique()
    # same config and seed give the same numbers, so the ratio matches to rounding
    assert last_vs_first(df, "variance", str(name), 0.90)[0] == pytest.approx(c.value, rel=1e-9)


def test_claim_13_points_at_the_constant_schedule(
    collapse_claims: dict[int, ClaimRecord], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = collapse_claims[13]
    assert "--schedule" not in c.command and "estimator=unbiased" in c.command
    df = _collapse_output(c, tmp_path, monkeypatch)
    var = df[df["metric"] == "variance"]
    last = var[var["generation"] == var["generation"].max()]["value"].to_numpy(float)
    assert median_interval(last)[0] == pytest.approx(c.value, rel=1e-9)


def test_claim_16_points_at_the_linear_schedule(
    collapse_claims: dict[int, ClaimRecord], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = collapse_claims[16]
    assert "--schedule linear" in c.command
    df = _collapse_output(c, tmp_path, monkeypatch)
    e = df[df["metric"] == "mean_sq_error"].pivot_table(
        index="seed", columns="generation", values="value", observed=True
    )
    t = int(e.columns.max())
    ratio = float(np.mean(e[t]) / np.mean(e[t // 2]))
    assert ratio == pytest.approx(c.value, rel=1e-9)


def test_downstream_claims_reproduce(
    tmp_path_factory: pytest.TempPathFactory,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path_factory.mktemp("demo") / DOWNSTREAM.name
    res = DOWNSTREAM.run(folder, True, _quiet)
    stored = measure_downstream(folder, res.commands)
    for i in (3, 4):
        _run(stored[i].command, tmp_path, monkeypatch)
        again = measure_downstream(tmp_path, {})[i]
        assert (again.value, again.lo, again.hi, again.verdict) == (
            stored[i].value,
            stored[i].lo,
            stored[i].hi,
            stored[i].verdict,
        )


def test_claim_12_points_at_the_covered_unigram(
    collapse_claims: dict[int, ClaimRecord], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = collapse_claims[12]
    assert "-o size=1000 " in c.command and "--n 100000 " in c.command  # n = 100x the types
    df = _collapse_output(c, tmp_path, monkeypatch)
    assert last_vs_first(df, "entropy", "replace", 0.95)[0] == pytest.approx(c.value, rel=1e-9)


def test_hub_and_persuasion_claims_reproduce(
    tmp_path_factory: pytest.TempPathFactory,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Claims 2-4 as the report measures them (hub, persuasion, Pythia in one results folder),
    then each command run and the claim measured again from its output."""
    root = tmp_path_factory.mktemp("demo")
    res = {s.name: s.run(root / s.name, True, _quiet) for s in (DOWNSTREAM, BENCHMARKS, PERSUASION)}
    stored = {
        **measure_benchmarks(root / "benchmarks", res["benchmarks"].commands),
        **persuasion_measure(root / "persuasion", res["persuasion"].commands),
    }
    assert "--variant best " in stored[2].command and "--variant best " in stored[4].command
    assert any(c.specification == "variant rule 'all'" for c in stored[2].robustness)
    remeasure = {
        2: lambda out: measure_benchmark_gain(out, {}),
        3: lambda out: measure_persuasion(out, {}, root / "benchmarks", root / "downstream"),
        4: lambda out: measure_inverse_scaling(out, {}, root / "downstream"),
    }
    for i, again_from in remeasure.items():
        out = tmp_path / str(i)
        out.mkdir()
        _run(stored[i].command, out, monkeypatch)
        again = again_from(out)[i]
        assert (again.value, again.lo, again.hi, again.verdict) == (
            stored[i].value,
            stored[i].lo,
            stored[i].hi,
            stored[i].verdict,
        )


@pytest.fixture(scope="module")
def tts_section(
    tmp_path_factory: pytest.TempPathFactory, data_dir: Path
) -> tuple[Path, dict[int, ClaimRecord]]:
    folder = tmp_path_factory.mktemp("demo") / TTS.name
    res = TTS.run(folder, True, _quiet)
    return folder, measure_tts(folder, res.commands)


def test_claim_19_reproduces_from_the_grid_command(
    tts_section: tuple[Path, dict[int, ClaimRecord]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder, claims = tts_section
    stored = claims[19]
    assert stored.interval_kind == "bootstrap" and "grid_math.json" in stored.command
    _run(stored.command, tmp_path, monkeypatch)
    again = grid_claim(tmp_path, {}, claim19_digitised(folder, {}))
    assert (again.value, again.lo, again.hi, again.verdict) == (
        stored.value,
        stored.lo,
        stored.hi,
        stored.verdict,
    )


def _numbers(c: ClaimRecord) -> tuple[float, float | None, float | None, str]:
    return (c.value, c.lo, c.hi, c.verdict)


def test_claim_20_reproduces_from_the_passk_command(
    tts_section: tuple[Path, dict[int, ClaimRecord]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stored = tts_section[1][20]
    assert "--json passk.json" in stored.command
    _run(stored.command, tmp_path, monkeypatch)
    # passk.csv is the key 'results' of the command's JSON (the section's notes)
    write_csv(tmp_path / "passk.csv", pd.DataFrame(read_json(tmp_path / "passk.json")["results"]))
    # same problems, k grid, replicate count and seed: the bootstrap draws are the same
    assert _numbers(claim20(tmp_path, {})) == _numbers(stored)


@pytest.fixture(scope="module")
def forecast_claims(
    tmp_path_factory: pytest.TempPathFactory, data_dir: Path
) -> dict[int, ClaimRecord]:
    folder = tmp_path_factory.mktemp("demo") / FORECASTS.name
    res = FORECASTS.run(folder, True, _quiet)
    return measure_forecasts(folder, res.commands)


#: Claims 5, 7 and 9-11: what each record's command writes, and the claim read again from it.
FORECAST_REREADS: dict[int, tuple[str, Callable[[Mapping[str, Any]], ClaimRecord]]] = {
    5: ("trends.json", claim5),
    7: ("trends_cost.json", lambda t: claim7(t, t, t)),
    9: ("forecast.json", claim9),
    10: ("forecast.json", claim10),
    11: ("forecast.json", claim11),
}


@pytest.mark.parametrize("i", sorted(FORECAST_REREADS))
def test_forecast_claims_reproduce(
    i: int,
    forecast_claims: dict[int, ClaimRecord],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each trends or forecast command, run as printed (same bootstrap replicates, draws and
    seed 0), writes the payload the section stored, so the claim's numbers match exactly.
    Claim 7's value is the cost rate of trends_cost.json; the other tables only feed its
    robustness, so the payload stands in for them here and the verdict is compared, not them."""
    stored = forecast_claims[i]
    file, reread = FORECAST_REREADS[i]
    assert f"--json {file}" in stored.command
    _run(stored.command, tmp_path, monkeypatch)
    assert _numbers(reread(read_json(tmp_path / file))) == _numbers(stored)


def test_claim_6_reproduces_from_the_hardware_command(
    forecast_claims: dict[int, ClaimRecord], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = forecast_claims[6]
    assert "--chips gpu --precision fp32 " in stored.command
    _run(stored.command, tmp_path, monkeypatch)
    h = read_json(tmp_path / "hardware.json")
    # the same chips, replicates and seed: the bootstrap draws are the same
    assert (h["decline_pct_per_year"], h["lo"], h["hi"]) == (stored.value, stored.lo, stored.hi)


def test_claim_8_names_its_table(forecast_claims: dict[int, ClaimRecord]) -> None:
    """Claim 8 (the level of the frontier-cost trend at the latest year) is computed by the
    section from the fetched model table; no command prints it yet, so the record names the
    fetch of the table its number comes from."""
    assert forecast_claims[8].command == "scalewall data fetch epoch-notable-models"


def test_claim_17_reproduces_from_the_fit_command(
    tmp_path_factory: pytest.TempPathFactory,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path_factory.mktemp("demo") / REPEATED.name
    res = REPEATED.run(folder, True, _quiet)
    stored = measure_repeated(folder, res.commands)[17]
    assert "--law data-constrained" in stored.command and "--json fit.json" in stored.command
    _run(stored.command, tmp_path, monkeypatch)
    fit = read_json(tmp_path / "fit.json")
    key = "effective_data_multiple_16_epochs"
    worth = [100 * x / 16 for x in (fit["derived"][key], *fit["derived_ci"][key])]
    # same runs, pins, replicates and seed 0: the bootstrap refits are the same
    assert worth == pytest.approx([stored.value, stored.lo, stored.hi], rel=1e-9)


def test_claim_1_reproduces_from_the_fit_command(
    tmp_path_factory: pytest.TempPathFactory,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Claim 1's command writes the runs' envelope ratio (the claim's number) and the global fit
    whose reducible-loss factor per 10x is its law reading in robustness."""
    folder = tmp_path_factory.mktemp("demo") / LAWS.name
    res = LAWS.run(folder, True, _quiet)
    stored = measure_scaling_laws(folder, res.commands)[1]
    assert "--envelope " in stored.command and "--json fit_global.json" in stored.command
    _run(stored.command, tmp_path, monkeypatch)
    fit = read_json(tmp_path / "fit_global.json")
    e = fit["envelope"]
    # the same 245 runs, replicates and seed draw the same resamples; the claim reads runs.csv,
    # stored to ten significant digits, so the numbers agree to that rounding
    assert (e["ratio"], e["lo"], e["hi"]) == pytest.approx(
        (stored.value, stored.lo, stored.hi), rel=1e-8
    )
    key = "reducible_factor_per_10x"
    (law,) = (c for c in stored.robustness if c.specification.startswith("Chinchilla law"))
    # same runs, replicates and seed 0: the bootstrap refits are the same
    assert [fit["derived"][key], *fit["derived_ci"][key]] == pytest.approx(
        [law.value, law.lo, law.hi], rel=1e-9
    )


def test_claim_18_reproduces_from_the_sweep_command(
    tmp_path_factory: pytest.TempPathFactory,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The quick LM preset trains 16 tiny models (about 10 s); the command trains them again."""
    pytest.importorskip("torch", reason="claim 18 needs the [lm] extra (PyTorch)")
    folder = tmp_path_factory.mktemp("demo") / LM.name
    res = LM.run(folder, True, _quiet)
    stored = measure_lm(folder, res.commands)[18]
    assert f"--out {LM.name} " in stored.command
    _run(stored.command, tmp_path, monkeypatch)
    again = measure_lm(tmp_path / LM.name, {})[18]
    # same configs, data order and seeds on CPU: training is deterministic, so is the bootstrap
    assert (again.value, again.lo, again.hi) == pytest.approx(
        (stored.value, stored.lo, stored.hi), rel=1e-9
    )
