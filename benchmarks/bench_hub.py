"""The full Benchmarking Hub analysis (all benchmarks, 1,000 bootstrap replicates) against a loop.

One run measures, on every ``epoch-hub-*`` file (variant rule ``best``):

1. scalewall: :func:`scalewall.downstream.benchmark_scaling.analyze_hub` with 1,000 replicates:
   linear and logit fits, gain per 10x, TOST, Holm, power, confounding and the frontier, each
   benchmark's replicates refitted as one batch of weighted least squares;
2. the reference: a plain per-benchmark Python loop that refits every replicate with
   ``scipy.stats.linregress`` (the score line and the logit line, then the gain per 10x), on the
   very same resamples, and takes percentile intervals.

Both give the same intervals (checked: the largest difference is printed). The last line is
``speedup=X``.

Usage::

    SCALEWALL_DATA_DIR=/path/to/data python benchmarks/bench_hub.py
    python benchmarks/bench_hub.py --replicates 100    # smoke test
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats
from scipy.special import expit

from scalewall.downstream.benchmark_scaling import (
    analyze_hub,
    benchmark_seed,
    expanded_level,
    to_logit,
)
from scalewall.downstream.hub import HubTable, load_hub
from scalewall.resampling import resample_weights

Array = NDArray[np.float64]


def reference(table: HubTable, replicates: int, seed: int, min_models: int) -> pd.DataFrame:
    """One scipy refit per replicate and benchmark, in Python loops."""
    rows = []
    for key in table.meta:
        ss = benchmark_seed(seed, key)
        meta = table.meta[key]
        g = table.scores[table.scores["benchmark"] == key]
        n_models = g["model"].nunique()
        if n_models < min_models or g["log10_compute"].nunique() < 3:
            continue
        codes = pd.factorize(g["model"])[0]
        w = resample_weights(len(g), replicates, np.random.default_rng(ss), groups=codes)
        x, y = g["log10_compute"].to_numpy(float), g["score"].to_numpy(float)
        pts = 100.0 if meta.bounded else 1.0
        z = to_logit(y, meta.floor, meta.ceiling, 0.005) if meta.bounded else None
        top, frm = x.max(), max(x.min(), x.max() - 1.0)
        slopes, gains = [], []
        for r in range(replicates):
            idx = np.repeat(np.arange(x.size), w[r].astype(int))
            if np.unique(x[idx]).size < 2:
                slopes.append(np.nan)
                gains.append(np.nan)
                continue
            slopes.append(pts * stats.linregress(x[idx], y[idx]).slope)
            if z is not None:
                fit = stats.linregress(x[idx], z[idx])
                span = meta.ceiling - meta.floor
                hi = meta.floor + span * expit(fit.intercept + fit.slope * top)
                lo = meta.floor + span * expit(fit.intercept + fit.slope * frm)
                gains.append(100 * (hi - lo) / (top - frm))
        q = 100 * (1 - expanded_level(0.95, n_models)) / 2
        row = {"benchmark": key}
        row["slope_lo"], row["slope_hi"] = np.nanpercentile(slopes, [q, 100 - q])
        if gains:
            row["gain_lo"], row["gain_hi"] = np.nanpercentile(gains, [q, 100 - q])
        rows.append(row)
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--replicates", type=int, default=1000)
    args = ap.parse_args()
    table = load_hub(variant="best")
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"{table.scores['benchmark'].nunique()} hub files, {len(table.scores)} model rows")

    analyze_hub(table, bootstrap=50)  # warm-up
    t0 = time.perf_counter()
    ours = analyze_hub(table, bootstrap=args.replicates, seed=0).benchmarks
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = reference(table, args.replicates, 0, 8)
    t_ref = time.perf_counter() - t0

    both = ours.set_index("benchmark").loc[ref["benchmark"]]
    cols = ["slope_lo", "slope_hi", "gain_lo", "gain_hi"]
    diff = np.nanmax(np.abs(both[cols].to_numpy() - ref[cols].to_numpy()))
    print(
        f"scalewall analyze_hub ({len(ref)} fitted, {args.replicates} replicates): {t_ours:.2f} s"
    )
    print(f"reference loop (scipy linregress per replicate): {t_ref:.1f} s")
    print(f"max |ours - reference| over interval ends (points): {diff:.2e}")
    print(f"speedup={t_ref / t_ours:.0f}")


if __name__ == "__main__":
    main()
