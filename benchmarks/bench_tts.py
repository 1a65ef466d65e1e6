"""pass@k for every k = 1..10,000 over 7 x 128 problems plus 1,000 bootstrap replicates (issue 5).

One run measures, on ``monkeys-pythia-math-counts`` (7 Pythia models x 128 MATH problems,
n = 10,000 samples each):

1. scalewall: :func:`scalewall.tts.passk.passk_table` with all 10,000 k and 1,000 bootstrap
   replicates over problems (cumulative log-products for every k at once, replicates as one
   matrix product per model);
2. the reference: a straightforward loop over k calling the numerically stable product form of
   Chen et al. 2021 (openai/human-eval ``estimate_pass_at_k``, with the c = 0 fix), one problem at
   a time, then a loop over 1,000 bootstrap replicates (resample problems, average). The k loop
   is timed on every ``--stride``-th k and scaled to all 10,000 (it is linear in the number of k);
   the bootstrap loop runs in full.

Both give the same numbers (checked on the strided k). The last line is
``speedup_passk=X speedup_bootstrap=Y speedup_total=Z``.

Usage::

    SCALEWALL_DATA_DIR=/path/to/data python benchmarks/bench_tts.py
    python benchmarks/bench_tts.py --stride 1000    # smoke test
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
from numpy.typing import NDArray

from scalewall.tts.io import load_counts, model_counts
from scalewall.tts.passk import pass_at_k, passk_table

Array = NDArray[np.float64]
K_MAX = 10_000
REPLICATES = 1000


def reference_estimator(n: int, c: int, k: int) -> float:
    """human-eval's stable form: 1 - prod_{i=n-c+1}^{n} (1 - k/i), with pass = 0 when c = 0."""
    if c == 0:
        return 0.0
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


def reference_passk(n: NDArray[np.int64], c: NDArray[np.int64], ks: NDArray[np.int64]) -> Array:
    """Loop over k, then over problems: ``(problems, len(ks))``."""
    out = np.empty((n.size, ks.size))
    for j, k in enumerate(ks):
        out[:, j] = [reference_estimator(int(a), int(b), int(k)) for a, b in zip(n, c, strict=True)]
    return out


def reference_bootstrap(per_problem: Array, replicates: int, seed: int) -> Array:
    """Loop over replicates: resample problems with replacement, average, 2.5/97.5 percentiles."""
    rng = np.random.default_rng(seed)
    m = per_problem.shape[0]
    draws = np.empty((replicates, per_problem.shape[1]))
    for r in range(replicates):
        draws[r] = per_problem[rng.integers(0, m, m)].mean(axis=0)
    out: Array = np.percentile(draws, [2.5, 97.5], axis=0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stride", type=int, default=100, help="time the reference on every s-th k")
    args = ap.parse_args()
    counts = load_counts("monkeys-pythia-math-counts")
    ks = np.arange(1, K_MAX + 1)
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"{counts['model'].nunique()} models x {counts.groupby('model').size().iloc[0]} problems")

    passk_table(counts.head(10), [1, 2], bootstrap=10)  # warm-up
    t0 = time.perf_counter()
    ours = passk_table(counts, ks, bootstrap=REPLICATES, seed=0)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    for g in model_counts(counts).values():
        pass_at_k(g["n"], g["c"], ks)
    t_ours_passk = time.perf_counter() - t0

    sub = ks[:: args.stride]
    t_ref_k = 0.0
    worst = 0.0
    per_model = {}
    for m, g in model_counts(counts).items():
        n, c = g["n"].to_numpy(), g["c"].to_numpy()
        t0 = time.perf_counter()
        ref = reference_passk(n, c, sub)
        t_ref_k += time.perf_counter() - t0
        worst = max(worst, float(np.abs(ref - pass_at_k(n, c, sub)).max()))
        per_model[m] = pass_at_k(n, c, ks)
    t_ref_passk = t_ref_k * ks.size / sub.size
    t0 = time.perf_counter()
    for per in per_model.values():
        reference_bootstrap(per, REPLICATES, 0)
    t_ref_boot = time.perf_counter() - t0

    t_ours_boot = max(t_ours - t_ours_passk, 1e-9)
    print(f"scalewall passk_table (all k + {REPLICATES} replicates): {t_ours:.2f} s")
    print(f"  of which pass@k for all k:                    {t_ours_passk:.2f} s")
    print(
        f"reference loop over k (timed on {sub.size} k, scaled to {ks.size}): {t_ref_passk:.1f} s"
    )
    print(f"reference bootstrap loop ({REPLICATES} replicates x 7 models): {t_ref_boot:.2f} s")
    print(f"max |ours - reference| on the timed k: {worst:.2e}")
    print(f"rows: {len(ours)}")
    print(
        f"speedup_passk={t_ref_passk / t_ours_passk:.0f} "
        f"speedup_bootstrap={t_ref_boot / t_ours_boot:.1f} "
        f"speedup_total={(t_ref_passk + t_ref_boot) / t_ours:.0f}"
    )


if __name__ == "__main__":
    main()
