"""The JSON ``summary`` records: one per model x policy x generation x metric, over seeds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from scalewall.resampling import percentile_interval

#: Keys of each summary record, in order.
KEYS = ("model", "policy", "generation", "metric", "mean", "median", "lo", "hi", "n_seeds")


def summarize(df: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Mean, median and the central ``level`` band over seeds of a tidy table with columns
    model, policy, seed, generation, metric, value (extra grid columns are kept as keys)."""
    keys = [c for c in df.columns if c not in ("seed", "value")]
    g = df.groupby(keys, sort=False, observed=True)["value"]
    out = g.agg(
        mean="mean",
        median="median",
        lo=lambda v: float(percentile_interval(v.to_numpy(dtype=float), level, axis=None)[0]),
        hi=lambda v: float(percentile_interval(v.to_numpy(dtype=float), level, axis=None)[1]),
        n_seeds="count",
    ).reset_index()
    return out


def records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Summary rows as JSON records with exactly the keys :data:`KEYS` (non-finite -> null).

    When the table spans several sample sizes ``n``, the policy reads e.g. ``replace n=100``.
    """
    t = table.copy()
    if "n" in t.columns and t["n"].nunique() > 1:
        t["policy"] = t["policy"] + " n=" + t["n"].astype(str)
    out = []
    for row in t[list(KEYS)].to_dict("records"):
        rec: dict[str, Any] = {}
        for k, v in row.items():
            k = str(k)
            if isinstance(v, float | np.floating):
                rec[k] = float(v) if np.isfinite(v) else None
            elif isinstance(v, np.integer):
                rec[k] = int(v)
            else:
                rec[k] = v
        out.append(rec)
    return out
