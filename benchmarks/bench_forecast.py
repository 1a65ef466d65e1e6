"""One million joint draws of the wall Monte Carlo over 2025-2040 (issue 4, "Performance").

Measures, in one run on the epoch-2024 preset:

1. scalewall's vectorised ``simulate`` (closed-form crossing years per wall, chunks of 250k);
2. a reference with the same wall lines stepped year by year in Python loops over draws, years
   and walls (per-year binding counts and the first wall only; no stock, sensitivity or
   milestones), timed on a subsample.

Prints draws per second for both and the ratio.

Usage::

    python benchmarks/bench_forecast.py [--draws 1000000] [--reference-draws 2000]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from scalewall.forecast.scenario import draw, load_scenario
from scalewall.forecast.walls import WALLS, lines, simulate


def reference_per_year(
    a: dict[str, np.ndarray], b: dict[str, np.ndarray], t0: np.ndarray, years: np.ndarray
) -> tuple[dict[str, list[int]], list[float]]:
    """Per draw, year and wall, stepped in loops: binding counts and the first binding year."""
    counts = {w: [0] * years.size for w in WALLS}
    firsts = []
    for i in range(t0.size):
        first = math.inf
        for j, y in enumerate(years):
            for w in WALLS:
                if a[w][i] + b[w][i] * (y + 0.5 - t0[i]) <= 0:
                    counts[w][j] += 1
                    first = min(first, float(y))
        firsts.append(first)
    return counts, firsts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=1_000_000)
    ap.add_argument("--reference-draws", type=int, default=2000)
    args = ap.parse_args()
    s = load_scenario("epoch-2024")
    simulate(s, 10_000, seed=1)  # warm-up
    t = time.perf_counter()
    res = simulate(s, args.draws, seed=0)
    ours = time.perf_counter() - t
    rng = np.random.default_rng(0)
    x = draw(s, args.reference_draws, rng)
    ln, _ = lines(s, x, rng)
    t = time.perf_counter()
    reference_per_year(ln.a, ln.b, ln.t0, s.years)
    ref = time.perf_counter() - t
    ours_rate, ref_rate = args.draws / ours, args.reference_draws / ref
    print(
        f"scalewall simulate: {args.draws:,} draws over {s.start}-{s.end} in {ours:.2f} s = {ours_rate:,.0f} draws/s"
    )
    print(
        f"  data wall median {res['data_wall']['median_year']}, first wall median {res['first_wall']['median_year']}"
    )
    print(f"reference year-stepping loop (per-year binding + first wall): {ref_rate:,.0f} draws/s")
    print(f"speedup={ours_rate / ref_rate:.1f}")


if __name__ == "__main__":
    main()
