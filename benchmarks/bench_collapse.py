"""Collapse simulator speed: vectorised Gaussian chains vs a per-seed Python loop, n-gram tokens/s.

Run: ``.venv/bin/python benchmarks/bench_collapse.py`` (one core:
``OPENBLAS_NUM_THREADS=1``). The reference loop does what the published code does (Kazdan et al.
2024, Shumailov et al. 2024): one seed at a time, ``np.mean``/``np.cov(bias=True)`` per generation.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np

from scalewall.collapse.corpus import Corpus
from scalewall.collapse.loop import run
from scalewall.collapse.models.gaussian import Gaussian
from scalewall.collapse.models.ngram import Ngram
from scalewall.collapse.policies import Policy, SamplingBias

SEEDS, GENS, N = 10_000, 100, 100


def per_seed_loop(seeds: int) -> np.ndarray:
    """Reference: the same replace chain, one seed and one generation at a time."""
    out = np.empty((seeds, GENS))
    for s in range(seeds):
        rng = np.random.default_rng(s)
        x = rng.standard_normal(N)
        for t in range(GENS):
            mu, var = np.mean(x), np.cov(x, bias=True)
            out[s, t] = var
            x = rng.normal(mu, np.sqrt(var), N)
    return out


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    """Median wall time of ``repeats`` calls after one warm-up call (imports, first allocations)."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ours = best_of(3, lambda: run(Gaussian(), Policy(n=N), GENS, SEEDS, seed=0))
    items = best_of(3, lambda: run(Gaussian(), Policy(n=N), GENS, SEEDS, seed=0, fast=False))
    sub = 500  # the loop is timed on a subset and scaled: it is linear in seeds
    ref = best_of(3, lambda: per_seed_loop(sub)) * SEEDS / sub
    print(
        f"gaussian {SEEDS} seeds x {GENS} gens x n={N}: scalewall {ours:.2f} s "
        f"(every point drawn: {items:.2f} s), per-seed loop {ref:.1f} s (from {sub} seeds); "
        f"ratio {ref / ours:.0f}x ({ref / items:.0f}x drawing every point)"
    )

    model = Ngram(Corpus.load("tinyshakespeare"), order=4)
    rng = np.random.default_rng(0)
    data = model.real(1, 20_000, rng)
    tokens = data.values.size
    t0 = time.perf_counter()
    fitted = model.fit(data, rng)
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    fitted.sample(20_000, rng, SamplingBias())
    sample_s = time.perf_counter() - t0
    print(
        f"char 4-gram on tinyshakespeare, {tokens:,} tokens: fit {tokens / fit_s / 1e6:.1f} M/s, "
        f"sample {tokens / sample_s / 1e6:.1f} M/s, fit+sample {2 * tokens / (fit_s + sample_s) / 1e6:.1f} M tokens/s"
    )


if __name__ == "__main__":
    main()
