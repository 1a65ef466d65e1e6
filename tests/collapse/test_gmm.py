"""Gaussian mixtures: the batched EM against scikit-learn, Shumailov et al.'s 2-component
collapse over their full 2,050 generations, and held-out NLL on the handwritten digits."""

from __future__ import annotations

import numpy as np
from collapse_mc import per_gen
from scipy.stats import t as student_t
from sklearn.mixture import GaussianMixture

from scalewall.collapse.loop import run
from scalewall.collapse.models.gmm import GMM
from scalewall.collapse.policies import Accumulate, Policy

# Shumailov et al. 2024 (Nature 631:755; GMM notebook of iliaishacked/curse_recurse, research
# note section 1): 2 components, N = 1,000, printed per-component scale about 0.895 at generation 1
# and about 0.0105 after 2,050 generations.
START, END, HORIZON = 0.895, 0.0105, 2050


def test_batched_em_matches_scikit_learn() -> None:
    model = GMM(heldout=0)
    rng = np.random.default_rng(0)
    data = model.real(4, 1000, rng)
    ours = model.fit(data, rng).log_prob(data.values).mean(axis=1)
    for i in range(4):
        ref = GaussianMixture(2, tol=1e-5, max_iter=2000, random_state=i).fit(data.values[i])
        # a 2-component fit of one blob has a flat likelihood: both stop within 5e-3 nats
        assert abs(ours[i] - ref.score(data.values[i])) < 5e-3


def within_one_chain(published: float, ours: np.ndarray) -> bool:
    """Could one chain have printed ``published``? The published numbers are a single chain, so
    compare them with the spread of our chains, not with our mean's standard error: ln(scale) is a
    sum of ~2,000 per-generation log-changes, about normal across chains, and a new chain lies
    within t_{S-1} * sd * sqrt(1 + 1/S) of our mean log with 99% probability (prediction interval)."""
    ln = np.log(ours)
    half = student_t.ppf(0.995, ln.size - 1) * ln.std(ddof=1) * np.sqrt(1 + 1 / ln.size)
    return bool(abs(np.log(published) - ln.mean()) < half)


def test_two_component_mixture_collapses_over_2000_generations() -> None:
    # The full published horizon from a fresh EM start each generation, as their notebook refits.
    # (Warm-starting EM from the previous fit is ~2x faster but lets one component's weight drift
    # to zero, 6 of 8 chains by generation 2,050 vs none cold, so it is not the published dynamics.)
    # 4 seeds take about 12 s on one core.
    seeds = 4
    scale = per_gen(run(GMM(heldout=0), Policy(n=1000), HORIZON, seeds, seed=7), "component_scale")
    first, last = scale[1].to_numpy(), scale[HORIZON].to_numpy()
    assert within_one_chain(START, first), (first, START)
    assert within_one_chain(END, last), (last, END)
    # and the collapse itself: down by well over an order of magnitude, median near 0.0105
    assert 0.002 < np.median(last) < 0.05, np.median(last)
    assert (last < first / 10).all()


def test_heldout_nll_on_digits_rises_under_replace_not_accumulate() -> None:
    model = GMM(components=3, dataset="digits", project=4)
    assert model._points.shape[1] == 4
    last = {}
    for name, pol in (("replace", Policy(n=200)), ("accumulate", Policy(Accumulate(), n=200))):
        nll = per_gen(run(model, pol, 15, 6, seed=8), "heldout_nll")
        last[name] = (nll[15] - nll[1]).to_numpy()
    assert last["replace"].mean() > 0
    assert last["replace"].mean() > last["accumulate"].mean()
