"""Published collapse runs from the registry, as tidy tables next to the simulator's output."""

from __future__ import annotations

import pandas as pd

from scalewall.data.registry import fetch

KAZDAN = "collapse-or-thrive-gaussian"
_COLS = {
    "Setting": "policy",
    "Num. Samples per Iteration": "n",
    "Model-Fitting Iteration": "generation",
    "run_id": "run_id",
    "Trace of Fit Cov / Trace of Init Cov (Numerical)": "variance",
    "Squared Error of Fit Mean (Numerical)": "mean_sq_error",
}


def kazdan_gaussian() -> pd.DataFrame:
    """Kazdan et al. 2024's 1-D Gaussian runs (arXiv 2410.16713, W&B sweep k3mipjqi).

    The file holds 7,600 duplicated rows; they are dropped on (run_id, iteration). Their
    iteration 1 is the fit on real data, as our generation 1. Columns: policy (replace /
    accumulate), n, generation, run_id, variance, mean_sq_error.
    """
    df = pd.read_parquet(fetch(KAZDAN))
    df = df.drop_duplicates(["run_id", "Model-Fitting Iteration"])[list(_COLS)].rename(
        columns=_COLS
    )
    df["policy"] = df["policy"].str.lower()
    return df.reset_index(drop=True)
