"""Categorical / unigram chains against research note 5.8-5.10 (z-tests at 4 MC standard errors)."""

from __future__ import annotations

import numpy as np
from collapse_mc import assert_mean, per_gen

from scalewall.collapse import theory
from scalewall.collapse.loop import run
from scalewall.collapse.models.categorical import Categorical, zipf_probs
from scalewall.collapse.policies import Accumulate, Policy, SamplingBias


def test_gini_simpson_decays_as_one_minus_one_over_n() -> None:
    model = Categorical(np.full(6, 1 / 6))
    df = run(model, Policy(n=100), 100, 4_000, seed=11)
    gs = per_gen(df, "gini_simpson")
    for t in (1, 50, 100):  # K=6, n=100: 0.504 at t=50, 0.305 at t=100 (research note 5.8)
        assert_mean(gs[t], theory.gini_simpson(5 / 6, 100, t))


def test_time_to_total_collapse_is_about_1_9_n_for_ten_outcomes() -> None:
    n = 50
    df = run(Categorical(np.full(10, 0.1)), Policy(n=n), 600, 1_000, seed=12)
    gs = per_gen(df, "gini_simpson")
    dead = (gs.to_numpy() == 0).any(axis=1)
    assert dead.mean() > 0.99
    first = np.argmax(gs.to_numpy() == 0, axis=1) + 1.0
    # diffusion approximation -2n sum (1-p) ln(1-p) = 1.90 n; allow 5% for the approximation
    # at n = 50 (Kazdan et al. 2024's figure reads about 1.8-2.0 n)
    assert_mean(first[dead], theory.collapse_time(np.full(10, 0.1), n), rel=0.05)


def test_zipf_type_survival_matches_suresh_bound() -> None:
    p = zipf_probs(1.0, 10_000)
    df = run(Categorical(p), Policy(n=100_000), 10, 12, seed=13)
    surv = per_gen(df, "support_fraction")
    expect = theory.type_survival(p, 100_000, 10)
    # research note 5.9: 85.6 / 74.3 / 54.7 / 39.5 % after 1 / 2 / 5 / 10 generations
    for k, ref in ((1, 0.856), (2, 0.743), (5, 0.547), (10, 0.395)):
        assert abs(expect[k - 1] - ref) < 1e-3
        assert_mean(surv[k], expect[k - 1], rel=0.005)


def test_accumulate_never_loses_support() -> None:
    df = run(Categorical(np.full(20, 0.05)), Policy(Accumulate(), n=20), 30, 200, seed=14)
    sf = per_gen(df, "support_fraction")
    assert (sf.diff(axis=1).iloc[:, 1:] >= 0).all().all()


def test_temperature_below_one_sharpens_each_generation() -> None:
    p = zipf_probs(1.0, 1_000)
    biased = SamplingBias(temperature=0.9).apply(np.tile(p, (2, 1)))
    assert np.allclose(biased[0], p ** (1 / 0.9) / (p ** (1 / 0.9)).sum())
    df = run(Categorical(p), Policy(n=200_000, bias=SamplingBias(temperature=0.9)), 6, 4, seed=15)
    ent = per_gen(df, "entropy").mean()
    assert (np.diff(ent.to_numpy()) < 0).all()
