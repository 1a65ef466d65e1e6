"""Coverage laws: the published Brown and Schaeffer fits, the Beta estimator on synthetic data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scalewall.tts.coverage import backtest, beta_pass_at_k, fit_beta, fit_law
from scalewall.tts.io import load_counts, model_counts, schaeffer_k_grid


@pytest.fixture(scope="module")
def pythia(data_dir: Path) -> dict:
    return model_counts(load_counts("monkeys-pythia-math-counts"))


@pytest.mark.parametrize(
    ("model", "a", "b"), [("Pythia-70M", -7.56, -0.181), ("Pythia-12B", -3.90, -0.344)]
)
def test_brown_fit_reproduces(pythia: dict, model: str, a: float, b: float) -> None:
    """Least squares on log coverage over k = 1, 2, ..., 8192 (research note section 5, which
    reproduces Brown et al. 2024 Fig. 5: -7.59/-0.18 and -3.92/-0.35)."""
    g = pythia[model]
    f = fit_law("brown", g["n"], g["c"])
    assert f.k_grid[-1] == 8192
    assert f.a == pytest.approx(a, abs=0.05) and f.b == pytest.approx(b, abs=0.01)


def test_schaeffer_exponents(pythia: dict) -> None:
    """Schaeffer et al. 2025 (arXiv 2502.17578) Fig. 6: least-squares exponents from about 0.20
    (70M) to 0.37 (12B); on their 101 k: 0.194 and 0.370 (research note section 5)."""
    grid = schaeffer_k_grid()
    assert grid.size == 101
    ex = {m: fit_law("schaeffer-ls", g["n"], g["c"], grid=grid).exponent for m, g in pythia.items()}
    assert ex["Pythia-70M"] == pytest.approx(0.194, abs=0.002)
    assert ex["Pythia-12B"] == pytest.approx(0.370, abs=0.002)
    assert min(ex.values()) == ex["Pythia-70M"]


def test_beta_pass_at_k_matches_monte_carlo() -> None:
    """Mean of 1-(1-p)^k over 200,000 Beta draws; the Monte Carlo SE is below 0.0012."""
    rng = np.random.default_rng(0)
    p = rng.beta(0.3, 5.0, 200_000)
    k = np.array([1, 10, 100, 1000])
    mc = (1 - (1 - p[:, None]) ** k).mean(axis=0)
    np.testing.assert_allclose(beta_pass_at_k(0.3, 5.0, k), mc, atol=0.005)


def test_fit_beta_recovers_parameters_batched() -> None:
    """4 independent synthetic data sets of 2,000 problems x 200 samples, fitted in one batch;
    the MLE's sampling SD here is about 0.02 for alpha, so 0.08 is 4 SD."""
    rng = np.random.default_rng(5)
    p = rng.beta(0.4, 6.0, (4, 2000))
    c = rng.binomial(200, p)
    alpha, beta = fit_beta(200, c)
    assert alpha.shape == (4,)
    np.testing.assert_allclose(alpha, 0.4, atol=0.08)
    np.testing.assert_allclose(beta, 6.0, rtol=0.3)


def test_backtest_predicts_12b_within_its_spread(pythia: dict) -> None:
    g = pythia["Pythia-12B"]
    res = {r["method"]: r for r in backtest(g["n"], g["c"], repeats=10, seed=0)}
    assert set(res) == {"brown", "schaeffer-ls", "beta"}
    for r in res.values():
        assert r["observed"] == pytest.approx(0.875)
        assert 0.7 < r["predicted"] < 0.95 and r["lo"] <= r["predicted"] <= r["hi"]
