"""The Gaussian simulator against the closed forms of research note section 5.1-5.4 and 5.10.

Every check is a z-test: the mean over seeds must lie within 4 Monte Carlo standard errors of the
closed form (fixed seeds, so the outcome is deterministic).
"""

from __future__ import annotations

import numpy as np
from collapse_mc import assert_mean, per_gen

from scalewall.collapse import theory
from scalewall.collapse.loop import run
from scalewall.collapse.models.gaussian import Gaussian
from scalewall.collapse.policies import Accumulate, MixReal, Policy, Truncate


def test_replace_mle_mean_and_median_decay() -> None:
    # n = 10 stops at t = 10: sigma_t^2 has relative variance ((n+1)/(n-1))^t - 1 (from
    # E sigma^4 = ((n^2-1)/n^2)^t, note 5.1), 2e4 at t = 50, where a sample SE is meaningless
    for n, seeds, ts in ((10, 10_000, (1, 5, 10)), (100, 4_000, (1, 10, 50, 100))):
        df = run(Gaussian(), Policy(n=n), 100, seeds, seed=1)
        var = per_gen(df, "variance")
        for t in ts:
            assert_mean(var[t], theory.replace_variance(n, t))
            # the median decays about twice as fast: E ln sigma^2 = t [psi((n-1)/2) + ln(2/n)]
            assert_mean(np.log(var[t]), theory.replace_log_variance(n, t))
            assert_mean(per_gen(df, "mean_sq_error")[t], theory.replace_mean_sq(n, t))
    assert np.median(var[100]) < theory.replace_variance(100, 100)


def test_unbiased_martingale_yet_mean_drifts_as_t_over_n() -> None:
    n = 10
    df = run(Gaussian(estimator="unbiased"), Policy(n=n), 50, 20_000, seed=2)
    var, msq = per_gen(df, "variance"), per_gen(df, "mean_sq_error")
    for t in (1, 5, 20, 50):
        assert_mean(msq[t], theory.replace_mean_sq(n, t, ddof=1))
        assert_mean(np.sqrt(var[t]), theory.unbiased_sd(n, t))
        assert_mean(np.log(var[t]), theory.replace_log_variance(n, t, ddof=1))
    assert_mean(var[5], 1.0)  # E sigma_t^2 = 1 (heavier tails later)
    assert np.median(var[50]) < 0.05  # yet sigma_t^2 -> 0 almost surely


def test_trace_and_determinant_in_three_dimensions() -> None:
    n, d = 10, 3
    df = run(Gaussian(d=d), Policy(n=n), 5, 20_000, seed=3)
    for t in (1, 3, 5):
        assert_mean(per_gen(df, "variance")[t], theory.replace_variance(n, t))
        assert_mean(per_gen(df, "det_ratio")[t], theory.replace_det_ratio(n, d, t))


def test_accumulate_product_and_limit() -> None:
    n, t = 10, 100
    df = run(Gaussian(), Policy(Accumulate(), n=n), t, 4_000, seed=4)
    v, m = theory.accumulate_variance(n, t), theory.accumulate_mean_sq(n, t)
    var, msq = per_gen(df, "variance"), per_gen(df, "mean_sq_error")
    for k in (1, 2, 10, 100):
        assert_mean(var[k], v[k - 1])
        assert_mean(msq[k], m[k - 1])
    assert abs(v[-1] - 0.8434) < 5e-3  # research note 5.3: n=10 limit 0.8434
    assert abs(theory.accumulate_variance_limit(100) - 0.9836) < 1e-4
    assert m[-1] <= np.pi**2 / (6 * n)


def test_fresh_real_fraction_settles_at_0_950() -> None:
    n, alpha, t = 100, 0.1, 150
    v, m = theory.fresh_fraction(n, alpha, t)
    assert abs(v[-1] - 0.950) < 1e-3  # research note 5.4: n=100, alpha=0.1 -> v* = 0.950
    df = run(Gaussian(), Policy(MixReal(alpha, fresh=True), n=n), t, 4_000, seed=5)
    var, msq = per_gen(df, "variance"), per_gen(df, "mean_sq_error")
    for k in (2, 10, 50, 150):
        assert_mean(var[k], v[k - 1])
        assert_mean(msq[k], m[k - 1])


def test_truncation_at_two_sigma_shrinks_variance_by_0_7737() -> None:
    assert abs(theory.truncation_factor(2.0) - 0.7737) < 1e-4  # research note 5.10
    n = 20_000
    df = run(Gaussian(), Policy(filters=(Truncate(2.0),), n=n), 4, 200, seed=6)
    var = per_gen(df, "variance")
    ratio = (var[4] / var[1]) ** (1 / 3)
    # the finite-sample MLE bias (1 - 1/m) is 6e-5 here, far below the MC error
    assert_mean(ratio, theory.truncation_factor(2.0))
