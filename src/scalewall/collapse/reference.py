"""Published collapse runs from the registry, as tidy tables next to the simulator's output."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from scalewall.data.registry import fetch
from scalewall.errors import input_error

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


_LOG_LINE = re.compile(
    r"(?:(Iteration) (\d+)\s*$|(Train(?:ing)? loss|Test loss): ([^,]+),)", re.IGNORECASE
)


def dey_donoho(dataset: str, mode: str) -> pd.DataFrame:
    """Dey & Donoho 2024's logistic-regression log (arXiv 2410.22812, registry entry
    ``dey-donoho-<dataset>-<augment|discard>``) as columns iteration, train_loss, test_loss.

    Reads the 'Iteration k', 'Train Loss: x' (or 'Training loss') and 'Test Loss: x' lines;
    warnings in between are skipped. A malformed log is a one-line InputError naming the line.
    """
    path = fetch(f"dey-donoho-{dataset.replace('_', '-')}-{mode}")
    return parse_dey_donoho(Path(path))


def parse_dey_donoho(path: Path) -> pd.DataFrame:
    """Parse one log file (see :func:`dey_donoho`)."""
    rows: list[dict[str, float]] = []
    for i, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        m = _LOG_LINE.search(line)
        if not m:
            continue
        if m.group(1):
            rows.append({"iteration": float(m.group(2))})
            continue
        key = "test_loss" if m.group(3).lower().startswith("test") else "train_loss"
        if not rows or key in rows[-1]:
            raise input_error(
                f"'{m.group(3)}' without an 'Iteration k' line before it",
                source=f"{path} line {i}",
                fix="check the log is complete",
            )
        try:
            rows[-1][key] = float(m.group(4))
        except ValueError:
            raise input_error(
                f"'{m.group(3)}' is not a number",
                source=f"{path} line {i}",
                got=m.group(4),
                fix="check the log is not truncated",
            ) from None
    df = pd.DataFrame(rows, columns=["iteration", "train_loss", "test_loss"])
    if df.empty or df.isna().any().any():
        raise input_error(
            "no complete 'Iteration k' / 'Train Loss' / 'Test Loss' record",
            source=str(path),
            fix="pass a log written by Dey & Donoho's logistic scripts",
        )
    return df.astype({"iteration": int})
