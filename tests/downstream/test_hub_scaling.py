"""Benchmark scaling on synthetic hub tables with known truth: logit-slope coverage, TOST
branches, Holm over benchmarks, the power rule and the frontier."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from scalewall.downstream.benchmark_scaling import (
    analyze_hub,
    from_logit,
    frontier,
    ols_hc3,
)
from scalewall.downstream.equivalence import interval_verdict
from scalewall.downstream.hub import COLUMNS, HubTable
from scalewall.downstream.hub_meta import HubBenchmark
from scalewall.errors import InputError

META = HubBenchmark("synthetic", floor=0.25, floor_reason="4 options")


def _table(ys: dict[str, np.ndarray], x: np.ndarray, meta: HubBenchmark = META) -> HubTable:
    rows = []
    for key, y in ys.items():
        n = x.size
        rows.append(
            pd.DataFrame(
                {
                    "benchmark": key,
                    "model": [f"m{i}" for i in range(n)],
                    "variant": "",
                    "model_version": [f"m{i}" for i in range(n)],
                    "score": y,
                    "bounded": True,
                    "stderr": np.nan,
                    "training_compute": 10**x,
                    "log10_compute": x,
                    "release_date": "2024-01-01",
                    "release_year": 2020 + np.arange(n) * 4 / n,
                    "organisation": "lab",
                }
            )
        )
    dropped = pd.DataFrame(columns=["benchmark", "reason", "rows"])
    return HubTable(
        pd.concat(rows, ignore_index=True)[COLUMNS], dropped, "best", dict.fromkeys(ys, meta)
    )


def test_logit_slope_recovered_within_its_interval() -> None:
    # 100 seeds as 100 benchmarks of one analysis: 40 models, logit-linear truth with slope 0.8
    # per decade and N(0, 0.3) scatter in logit space, 400 bootstrap replicates each.
    rng = np.random.default_rng(np.random.SeedSequence(11))
    x = np.linspace(22.0, 26.0, 40)
    truth = 0.8
    ys = {
        f"s{i}": from_logit(truth * (x - 24.0) + rng.normal(0, 0.3, x.size), 0.25, 1.0)
        for i in range(100)
    }
    res = analyze_hub(_table(ys, x), bootstrap=400, seed=3).benchmarks
    covered = ((res["logit_slope_lo"] <= truth) & (truth <= res["logit_slope_hi"])).sum()
    # Nominal 95%. The expanded percentile interval covered 94.0% of 1,000 such benchmarks
    # (the plain percentile one 93.3%); over 100 the binomial SD is 2.4, so the issue's bar of 93
    # is half an SD below the expected count, and a clearly narrow interval (90%) fails it.
    assert covered >= 93
    # and the estimates centre on the truth: mean of 100 within 3 Monte Carlo SEs
    est = res["logit_slope"].to_numpy()
    assert abs(est.mean() - truth) < 3 * est.std() / 10


@pytest.mark.parametrize(
    ("interval", "verdict"),
    [
        ((-1.0, 1.5, -1.2, 1.8), "equivalent"),
        ((0.5, 1.5, 0.3, 1.7), "equivalent"),  # a gain, but inside the margin
        ((1.0, 5.0, 0.5, 6.0), "gain"),
        ((-5.0, -1.0, -6.0, -0.5), "decline"),
        ((-3.0, 4.0, -3.5, 4.5), "inconclusive"),
        ((np.nan, 1.0, np.nan, 1.0), "not testable"),
    ],
)
def test_tost_branches(interval: tuple[float, float, float, float], verdict: str) -> None:
    assert interval_verdict(*interval, margin=2.0) == verdict


def test_tost_end_to_end_flat_and_steep() -> None:
    rng = np.random.default_rng(5)
    x = np.linspace(20.0, 26.0, 60)
    flat = 0.6 + rng.normal(0, 0.01, x.size)  # no change with compute: 0 points per 10x
    steep = from_logit(1.0 * (x - 23.0) + rng.normal(0, 0.2, x.size), 0.25, 1.0)
    res = analyze_hub(_table({"flat": flat, "steep": steep}, x), bootstrap=400, margin=2.0)
    v = res.benchmarks.set_index("benchmark")["verdict"]
    assert v["flat"] == "equivalent" and v["steep"] == "gain"
    share = res.summary["verdicts"]["all"]
    assert share["equivalent"]["count"] == 1 and share["gain"]["count"] == 1


def test_inverse_scaling_holm_and_power() -> None:
    rng = np.random.default_rng(9)
    x = np.linspace(21.0, 25.0, 30)
    ys = {f"b{i}": 0.6 + rng.normal(0, 0.03, x.size) for i in range(8)}
    ys["falls"] = 0.8 - 0.08 * (x - 21.0) + rng.normal(0, 0.02, x.size)  # -8 points per 10x
    ys["noisy"] = 0.6 + rng.normal(0, 0.15, x.size)
    res = analyze_hub(_table(ys, x), bootstrap=200, margin=2.0).benchmarks.set_index("benchmark")
    expect = multipletests(res["slope_p_negative"], method="holm")[1]
    np.testing.assert_allclose(res["slope_p_negative_holm"], expect)
    assert res.index[res["inverse_scaling"]].tolist() == ["falls"]
    # power to see a 2-point fall per decade: the quiet benchmarks yes, the noisy one no
    assert res.loc["b0", "powered_for_fall"] and not res.loc["noisy", "powered_for_fall"]


def test_confounding_slope_with_year_matches_statsmodels() -> None:
    import statsmodels.api as sm

    rng = np.random.default_rng(2)
    X = sm.add_constant(rng.normal(size=(50, 2)))
    y = X @ [1.0, 2.0, -0.5] + rng.normal(size=50) * (1 + np.abs(X[:, 1]))
    beta, se = ols_hc3(X, y)
    ref = sm.OLS(y, X).fit(cov_type="HC3")
    np.testing.assert_allclose(beta, ref.params)
    np.testing.assert_allclose(se, ref.bse)


def test_frontier_is_a_running_best() -> None:
    x = np.array([22.0, 23.0, 24.0, 25.0])
    t = _table({"a": np.array([0.5, 0.4, 0.7, 0.6])}, x)
    f = frontier(t.scores)
    comp = f[f["axis"] == "compute"]
    assert comp["frontier_score"].tolist() == [0.5, 0.5, 0.7, 0.7]
    assert comp["on_frontier"].tolist() == [True, False, True, False]


def test_bad_settings() -> None:
    x = np.linspace(22.0, 25.0, 10)
    with pytest.raises(InputError, match="margin must be a finite number > 0"):
        analyze_hub(_table({"a": np.full(10, 0.5)}, x), margin=0.0)


def test_non_finite_or_negative_settings_are_input_errors() -> None:
    x = np.linspace(22.0, 25.0, 10)
    t = _table({"a": np.linspace(0.3, 0.6, 10)}, x)
    for bad in ({"margin": float("nan")}, {"margin": float("inf")}, {"inverse_effect": -1.0}):
        with pytest.raises(InputError):
            analyze_hub(t, bootstrap=50, **bad)  # type: ignore[arg-type]


def test_no_benchmark_with_enough_models_is_an_input_error() -> None:
    x = np.array([22.0, 23.0, 24.0])
    with pytest.raises(InputError, match="min-models"):
        analyze_hub(_table({"a": np.array([0.3, 0.4, 0.5])}, x), bootstrap=50)


def test_variants_of_one_model_count_once_in_the_tests() -> None:
    # Under the 'all' rule a model's effort variants share its training compute; copying every
    # row as a second variant adds no information, so the t tests must not change (before the
    # fix the copies halved the variance: a pseudo-replicated, too-small p-value).
    rng = np.random.default_rng(4)
    x = np.linspace(21.0, 25.0, 20)
    t = _table({"a": 0.6 - 0.01 * (x - 21.0) + rng.normal(0, 0.03, x.size)}, x)
    copy = t.scores.assign(variant="high", model_version=t.scores["model_version"] + "_high")
    doubled = HubTable(pd.concat([t.scores, copy], ignore_index=True), t.dropped, "all", t.meta)
    one = analyze_hub(t, bootstrap=50).benchmarks.iloc[0]
    two = analyze_hub(doubled, bootstrap=50).benchmarks.iloc[0]
    for col in ("slope_se_hc3", "slope_p_negative", "slope_adj_year_lo", "detectable_fall"):
        assert two[col] == pytest.approx(one[col], rel=1e-9), col


def test_a_benchmarks_numbers_do_not_depend_on_the_others_analysed() -> None:
    # its bootstrap stream comes from (seed, benchmark key), not from its position in the run
    rng = np.random.default_rng(6)
    x = np.linspace(21.0, 25.0, 20)
    a = from_logit(0.8 * (x - 23.0) + rng.normal(0, 0.3, x.size), 0.25, 1.0)
    b = from_logit(0.5 * (x - 23.0) + rng.normal(0, 0.3, x.size), 0.25, 1.0)
    alone = analyze_hub(_table({"a": a}, x), bootstrap=100).benchmarks.iloc[0]
    both = analyze_hub(_table({"b": b, "a": a}, x), bootstrap=100).benchmarks
    second = both[both["benchmark"] == "a"].iloc[0]
    for col in ("gain_lo", "gain_hi", "slope_lo", "logit_slope_hi"):
        assert second[col] == alone[col], col
