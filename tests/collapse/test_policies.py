"""Policies as small transformations on sample batches (model-free unit tests)."""

from __future__ import annotations

import numpy as np

from scalewall.collapse import policies
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
    Truncate,
    Verifier,
    accumulate,
    chain,
    dedup,
    keep_top,
    mix_real,
    replace,
    sampling,
    schedule,
    truncate,
)


class _Square:
    def log_prob(self, values: np.ndarray) -> np.ndarray:
        return -(values[..., 0] ** 2)


def test_mix_real_takes_the_requested_share_from_the_original_data() -> None:
    rng = np.random.default_rng(0)
    real = Samples.full(np.zeros((4, 100, 1)))
    pool = Pool(real=real, history=False).add(Samples.full(np.ones((4, 100, 1))))
    train = MixReal(0.1)(pool, 100, rng)
    assert train.values.shape == (4, 100, 1)
    assert ((train.values[..., 0] == 0).sum(axis=1) == 10).all()


def test_accumulate_subsample_draws_n_present_items() -> None:
    rng = np.random.default_rng(1)
    empty = Pool(real=Samples.full(np.arange(10.0).reshape(1, 10, 1)))
    synth = Samples(np.full((1, 10, 1), -1.0), np.arange(10)[None] < 3)  # 3 present items
    pool = empty.add(synth)
    assert empty.synthetic == () and len(pool.synthetic) == 1  # a pool is a value
    s = AccumulateSubsample()(pool, 13, rng)
    assert s.counts()[0] == 13 and (s.values[s.mask] != -1).sum() == 10


def test_filters_compose_and_the_likelihood_filter_keeps_the_most_likely() -> None:
    rng = np.random.default_rng(2)
    x = np.array([[[3.0], [0.1], [0.1], [-2.0], [0.5]]])
    s = Samples.full(x)
    ctx = FilterContext(current=_Square(), judge=_Square())
    out = chain(Dedup(), LikelihoodFilter(0.5, judge="gen0")).curate(s, ctx, rng)
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


def test_steps_chain_into_a_policy_whose_repr_is_the_recipe() -> None:
    p = chain(mix_real(0.1), keep_top(0.5))
    assert repr(p) == "chain(mix_real(0.1), keep_top(0.5))"
    assert p == Policy(MixReal(0.1), filters=(LikelihoodFilter(0.5),))
    full = chain(
        accumulate(), dedup(), truncate(2.0), schedule("power", 1.5), sampling(top_k=3), n=20
    )
    assert repr(full) == (
        "chain(accumulate(), dedup(), truncate(2.0), schedule('power', 1.5), "
        "sampling(top_k=3), n=20)"
    )
    assert eval(repr(full), vars(policies)) == full
    assert full.name == "accumulate+dedup+truncate-2+power-1.5+top-k3"
    # a later mixer replaces an earlier one; filters run in chain order
    assert chain(replace(), mix_real(0.2, fresh=True)).mix == MixReal(0.2, fresh=True)
    assert chain(truncate(1.0), dedup()).filters == (Truncate(1.0), Dedup())
