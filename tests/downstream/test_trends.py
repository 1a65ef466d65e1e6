"""The statistics of downstream trends against closed forms and simulations (fixed seeds)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from scalewall.downstream.trends import analyze, holm, line_fit, wilson

#: log10 of Pythia's eight sizes (70M ... 12B), one model per size.
X = np.log10([7.04e7, 1.62e8, 4.05e8, 1.01e9, 1.41e9, 2.78e9, 6.86e9, 1.18e10])


def test_line_fit_matches_linregress() -> None:
    rng = np.random.default_rng(0)
    y = 0.3 + 0.08 * X + rng.normal(0, 0.02, X.size)
    slope, fitted = line_fit(X, y, at=[X.max()])
    ref = stats.linregress(X, y)
    assert float(slope.estimate) == pytest.approx(ref.slope, rel=1e-12)
    assert float(slope.se) == pytest.approx(ref.stderr, rel=1e-10)
    assert float(fitted.estimate[0]) == pytest.approx(ref.intercept + ref.slope * X.max())
    assert float(slope.p_two_sided) == pytest.approx(ref.pvalue, rel=1e-8)


def test_t_interval_coverage_gaussian_scatter() -> None:
    # 20,000 simulated tasks at once (batch axis). Exact t interval -> coverage 0.95; Monte Carlo
    # SE sqrt(0.95 * 0.05 / 20000) = 0.0015, tolerance 4 SE = 0.006.
    rng = np.random.default_rng(1)
    B = 20_000
    y = 0.2 + 0.05 * X + rng.normal(0, 0.03, (B, X.size))
    slope, fitted = line_fit(X, y, at=[X.max() - 1, X.max()])
    cover = (slope.lo <= 0.05) & (slope.hi >= 0.05)
    assert abs(cover.mean() - 0.95) < 0.006
    truth = 0.2 + 0.05 * np.array([X.max() - 1, X.max()])
    cover_f = (fitted.lo <= truth) & (truth <= fitted.hi)
    assert np.all(np.abs(cover_f.mean(0) - 0.95) < 0.006)


def test_binomial_noise_floor_keeps_coverage() -> None:
    # Scores are binomial proportions over m = 300 items around a line. With only 6 degrees of
    # freedom the scatter estimate is often too small by chance; the binomial floor keeps the
    # interval at least as wide as the known noise, so coverage is at least nominal (minus 4
    # Monte Carlo SEs: sqrt(.95 * .05 / 20000) = 0.0015).
    rng = np.random.default_rng(2)
    B, m = 20_000, 300
    p = 0.3 + 0.06 * (X - X.min())
    y = rng.binomial(m, p, (B, X.size)) / m
    v = y * (1 - y) / m
    slope, _ = line_fit(X, y, v)
    cover = (slope.lo <= 0.06) & (slope.hi >= 0.06)
    assert cover.mean() >= 0.95 - 0.006
    # the floor binds in part of the replicates and never narrows an interval
    plain, _ = line_fit(X, y)
    assert np.all(slope.se >= plain.se - 1e-15)
    assert 0.05 < slope.noise_bound.mean() < 0.95


def test_holm_by_hand() -> None:
    # sorted 0.005, 0.01, 0.03, 0.04 -> x4, x3, x2, x1 = 0.02, 0.03, 0.06, 0.04 -> running max
    got = holm([0.01, 0.04, 0.03, 0.005])
    np.testing.assert_allclose(got, [0.03, 0.06, 0.06, 0.02])
    # capped at 1, and monotone in the raw p-values
    assert holm([0.5, 0.9]).tolist() == [1.0, 1.0]


@pytest.mark.parametrize(("k", "n"), [(2, 8), (0, 8), (8, 8), (13, 40)])
def test_wilson_solves_its_quadratic(k: int, n: int) -> None:
    # The Wilson bounds are the roots of (p - k/n)^2 = z^2 p (1 - p) / n.
    lo, hi = wilson(k, n)
    z = stats.norm.ppf(0.975)
    for b in (float(lo), float(hi)):
        assert (b - k / n) ** 2 == pytest.approx(z**2 * b * (1 - b) / n, abs=1e-12)
    assert float(lo) <= k / n <= float(hi)


def _table(tasks: dict[str, np.ndarray]) -> pd.DataFrame:
    rows = [
        {"model": f"m{i}", "size": 10**x, "task": t, "score": float(y[i])}
        for t, y in tasks.items()
        for i, x in enumerate(X)
    ]
    return pd.DataFrame(rows)


def test_analyze_flags_inverse_flat_and_chance() -> None:
    rng = np.random.default_rng(3)
    e = rng.normal(0, 0.004, X.size)
    scores = _table(
        {
            "falls": 0.8 - 0.05 * (X - X.min()) + e,
            "rises": 0.3 + 0.06 * (X - X.min()) + e,
            "piqa": 0.5 + 0.0 * X + e,  # known task: chance 0.5, 1,838 items
            "stalls": np.minimum(0.3 + 0.1 * (X - X.min()), 0.45) + e,
        }
    )
    res = analyze(scores)
    t = res.tasks.set_index("task")
    assert t.loc["falls", "inverse_scaling"] and t.loc["falls", "status"] == "inverse scaling"
    assert t.loc["rises", "status"] == "improving"
    assert t.loc["piqa", "status"] == "at chance"
    assert t.loc["stalls", "status"] == "plateau"
    assert not t.loc["rises", "inverse_scaling"]
    # the last-10x gain of a straight line is its slope per decade
    assert t.loc["rises", "last10x_gain"] == pytest.approx(0.06, abs=0.01)
    # the last-decade window: 1.41B ... 11.8B plus nothing below 1.18B -> 4 models
    assert t.loc["rises", "window_models"] == 4
    # 'falls' keeps falling over the last decade, so its gain is distinguishable (negative)
    assert set(res.summary["not_distinguishable"]) == {"piqa", "stalls"}
    assert t.loc["falls", "last10x_hi"] < 0
    # known task -> binomial floor: piqa's interval at least the noise-only width
    y = scores[scores["task"] == "piqa"]["score"].to_numpy()
    w = (X - X.mean()) / ((X - X.mean()) ** 2).sum()
    se_noise = np.sqrt((w**2 * y * (1 - y) / 1838).sum())
    q = stats.t.ppf(0.975, X.size - 2)
    assert t.loc["piqa", "slope_hi"] - t.loc["piqa", "slope_lo"] >= 2 * q * se_noise - 1e-12
    assert (
        "left out" in res.settings["evaluation_noise"]
        and "rises" in res.settings["evaluation_noise"]
    )
