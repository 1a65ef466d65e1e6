"""The recursive-training loop: fit, sample, curate, rebuild the training set, repeat.

Generation 1 is the fit on the real data (as in Kazdan et al. 2024), so the closed forms of
:mod:`scalewall.collapse.theory` apply with ``t = generation``. Randomness: one
``SeedSequence(seed)``; child 0 draws the real data, child ``t`` drives generation ``t`` (its own
children for the mixer, the fit, the samples and the filters), so a run is reproducible from its
config and seed alone.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from scalewall.collapse.models.base import Fitted, Model
from scalewall.collapse.models.gaussian import Gaussian, sufficient_chain
from scalewall.collapse.policies import FilterContext, Policy, Pool
from scalewall.errors import input_error

#: ``progress(done, total)`` in generations.
GenProgress = Callable[[int, int], None]


def run(
    model: Model,
    policy: Policy,
    generations: int,
    seeds: int,
    seed: int = 0,
    progress: GenProgress | None = None,
    fast: bool = True,
) -> pd.DataFrame:
    """Run ``seeds`` independent collapse chains at once and return the tidy metrics table.

    Returns
    -------
    DataFrame
        Columns ``seed`` (0-based), ``generation`` (1 = fit on real data), ``metric``, ``value``:
        one row per seed x generation x metric.

    ``fast``: draw 1-D Gaussian replace/accumulate chains through their sufficient statistics
    (exact in distribution, :func:`~scalewall.collapse.models.gaussian.sufficient_chain`);
    ``fast=False`` draws every point, as the item path of every other model does.
    """
    if generations < 1:
        raise input_error("generations must be >= 1", got=generations)
    if seeds < 1:
        raise input_error("seeds must be >= 1", got=seeds)
    children = np.random.SeedSequence(seed).spawn(generations + 1)
    if fast and isinstance(model, Gaussian):
        rngs = [np.random.default_rng(c) for c in children]
        fast_frames = sufficient_chain(model, policy, generations, seeds, rngs)
        if fast_frames is not None:
            return tidy(fast_frames, seeds)
    pool = Pool(
        real=model.real(seeds, policy.size(1), np.random.default_rng(children[0])),
        draw_real=lambda k, rng: model.real(seeds, k, rng),
        history=policy.mix.history,
    )
    judge: Fitted | None = None
    frames: list[dict[str, np.ndarray]] = []
    for t in range(1, generations + 1):
        r_mix, r_fit, r_sample, r_filter = (np.random.default_rng(c) for c in children[t].spawn(4))
        fitted = model.fit(policy.training_set(pool, t, r_mix), r_fit)
        judge = judge or fitted
        synth = fitted.sample(policy.size(t + 1), r_sample, policy.bias)
        scores = fitted.score(synth, judge)
        frames.append(scores)
        if t < generations:
            pool = pool.add(
                policy.curate(synth, FilterContext(current=fitted, judge=judge), r_filter)
            )
        if progress:
            progress(t, generations)
    return tidy(frames, seeds)


def tidy(frames: list[dict[str, np.ndarray]], seeds: int) -> pd.DataFrame:
    """Per-generation metric dicts -> long table seed x generation x metric (metric categorical,
    which keeps a 10,000-seed x 100-generation table cheap to build)."""
    names = list(frames[0])
    vals = np.stack(
        [np.stack([np.asarray(f[k], float).reshape(seeds) for k in names]) for f in frames]
    )
    per_gen = len(names) * seeds
    return pd.DataFrame(
        {
            "seed": np.tile(np.arange(seeds), len(frames) * len(names)),
            "generation": np.repeat(np.arange(1, len(frames) + 1), per_gen),
            "metric": pd.Categorical.from_codes(  # type: ignore[call-overload]
                np.tile(np.repeat(np.arange(len(names)), seeds), len(frames)), names
            ),
            "value": vals.ravel(),
        }
    )
