"""Helpers for the collapse statistical tests: z-tests of Monte Carlo means against closed forms."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Tolerance in Monte Carlo standard errors: a false alarm about once in 16,000 checks.
Z = 4.0


def per_gen(df: pd.DataFrame, metric: str) -> pd.DataFrame:
    """seed x generation matrix of one metric."""
    sub = df[df["metric"] == metric]
    return sub.pivot(index="seed", columns="generation", values="value")


def assert_mean(x: np.ndarray, target: float, z: float = Z, rel: float = 0.0) -> None:
    """|mean(x) - target| <= z * SE (+ rel * |target| for an approximate closed form)."""
    x = np.asarray(x, float)
    se = x.std(ddof=1) / np.sqrt(x.size)
    assert abs(x.mean() - target) <= z * se + rel * abs(target), (x.mean(), target, se)
