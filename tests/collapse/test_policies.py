"""Policies as small transformations on sample batches (model-free unit tests)."""

from __future__ import annotations

import numpy as np

from scalewall.collapse.policies import (
    AccumulateSubsample,
    Dedup,
    FilterContext,
    LikelihoodFilter,
    MixReal,
    Policy,
    Pool,
    Samples,
    SamplingBias,
    Schedule,
    Verifier,
    chain,
)


class _Square:
    def log_prob(self, values: np.ndarray) -> np.ndarray:
        return -(values[..., 0] ** 2)


def test_mix_real_takes_the_requested_share_from_the_original_data() -> None:
    rng = np.random.default_rng(0)
    real = Samples.full(np.zeros((4, 100, 1)))
    pool = Pool(real=real, history=False)
    pool.add(Samples.full(np.ones((4, 100, 1))))
    train = MixReal(0.1)(pool, 100, rng)
    assert train.values.shape == (4, 100, 1)
    assert ((train.values[..., 0] == 0).sum(axis=1) == 10).all()


def test_accumulate_subsample_draws_n_present_items() -> None:
    rng = np.random.default_rng(1)
    pool = Pool(real=Samples.full(np.arange(10.0).reshape(1, 10, 1)))
    synth = Samples(np.full((1, 10, 1), -1.0), np.arange(10)[None] < 3)  # 3 present items
    pool.add(synth)
    s = AccumulateSubsample()(pool, 13, rng)
    assert s.counts()[0] == 13 and (s.values[s.mask] != -1).sum() == 10


def test_filters_compose_and_the_likelihood_filter_keeps_the_most_likely() -> None:
    rng = np.random.default_rng(2)
    x = np.array([[[3.0], [0.1], [0.1], [-2.0], [0.5]]])
    s = Samples.full(x)
    ctx = FilterContext(current=_Square(), judge=_Square())
    out = chain(Dedup(), LikelihoodFilter(0.5, judge="gen0"))(s, ctx, rng)
    assert out.mask.tolist() == [[False, True, False, False, True]]
    ver = Verifier(lambda v: v[..., 0] > 0)(s, ctx, rng)
    assert ver.counts()[0] == 4


def test_top_p_and_top_k_keep_the_head() -> None:
    p = np.array([[0.5, 0.3, 0.15, 0.05]])
    assert np.allclose(SamplingBias(top_p=0.7).apply(p), [[0.625, 0.375, 0, 0]])
    assert np.allclose(SamplingBias(top_k=1).apply(p), [[1, 0, 0, 0]])


def test_schedules_and_policy_names() -> None:
    assert [Schedule("power", 1.5)(10, t) for t in (1, 4)] == [10, 80]
    assert Schedule("linear")(10, 3) == 30
    assert Policy(MixReal(0.1, fresh=True), schedule=Schedule("linear")).name == "fresh-0.1+linear"
