"""The demo's "Scaling laws" section: Chinchilla-form fits on Epoch's 245-run extraction.

Two procedures (a global Huber optimum with a bootstrap, and Besiroglu et al. 2024's own) and the
fit under every objective. Writes ``scaling_laws/``:

* ``fit_global.json``: global Huber optimum + bootstrap (``FitResult.to_dict`` schema), with the
  runs' lowest-loss envelope (claim 1) under ``envelope``;
* ``fit_epoch2024.json``: Besiroglu et al. 2024's procedure, same schema;
* ``compare_objectives.json``: the fit under every objective (``scalewall fit --compare-objectives``);
* ``diminishing_returns.csv``: one row per procedure x compute decade, with intervals;
* ``frontier.csv``: L*(C), N*, D*, D*/N* and the next-10x gain on a log grid of C;
* ``runs.csv``: the runs, whether each was fitted, fitted values and residuals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scalewall.data.runs import load_runs
from scalewall.laws.api import exclude_top_loss, fit
from scalewall.laws.claims import ENVELOPE_REPLICATES, ENVELOPE_SEED, envelope_summary
from scalewall.laws.compare import objective_shifts
from scalewall.laws.frontier import frontier_table
from scalewall.laws.objectives import ObjectiveName
from scalewall.laws.result import FitResult
from scalewall.sections import Progress, Section, SectionOutput
from scalewall.storage import write_csv, write_json

# -- scaling laws --------------------------------------------------------------------------------
SOURCE = "chinchilla-epoch"
#: Besiroglu et al. 2024 drop the 5 highest-loss runs of the 245 they extracted.
EXCLUDE_TOP = 5


def _replicates(quick: bool) -> dict[str, int]:
    """Bootstrap replicates per fit: 4,000 as in Besiroglu et al. 2024, fewer with ``--quick``."""
    if quick:
        return {"global": 400, "epoch2024": 400, "objectives": 100}
    return {"global": 4000, "epoch2024": 4000, "objectives": 400}


def runs_table(df: pd.DataFrame, fits: Mapping[str, FitResult], k: int) -> pd.DataFrame:
    """Every run, whether it was fitted, and each procedure's fitted loss and log residual."""
    tagged = df.assign(run=np.arange(1, len(df) + 1))
    kept = set(exclude_top_loss(tagged, k)["run"])
    out = tagged[["run", "N", "D", "C", "loss"]].copy()
    out["fitted"] = out["run"].isin(kept)
    for name, r in fits.items():
        mu = r.predict(out["N"].to_numpy(), out["D"].to_numpy())
        out[f"predicted_{name}"] = mu
        out[f"log_residual_{name}"] = np.log(out["loss"].to_numpy()) - np.log(mu)
    return out


def _fit_progress(progress: Progress, step: str) -> Callable[[int, int], None]:
    return lambda done, total: progress(step, done, total)


def run_scaling_laws(folder: Path, quick: bool, progress: Progress) -> SectionOutput:
    """Chinchilla-form fits on Epoch's 245-run extraction: two procedures, four objectives."""
    reps = _replicates(quick)
    base = f"scalewall fit {SOURCE} --exclude-top-loss {EXCLUDE_TOP}"
    step = "scaling laws: load chinchilla-epoch"
    progress(step, 0, 1)
    df = load_runs(SOURCE)
    progress(step, 1, 1)
    common: dict[str, Any] = {"exclude_top_loss_k": EXCLUDE_TOP, "source": SOURCE}

    step = f"scaling laws: global fit, {reps['global']} bootstrap refits"
    progress(step, 0, reps["global"])
    glob = fit(
        df, bootstrap=reps["global"], seed=0, progress=_fit_progress(progress, step), **common
    )
    step = f"scaling laws: epoch2024 fit, {reps['epoch2024']} bootstrap refits"
    progress(step, 0, reps["epoch2024"])
    ep = fit(
        df,
        procedure="epoch2024",
        bootstrap=reps["epoch2024"],
        progress=_fit_progress(progress, step),
        **common,
    )
    fits = {"global": glob, "epoch2024": ep}

    # The shift table is the one `scalewall fit --compare-objectives` writes, so the stored file
    # is exactly that command's JSON under "compare_objectives".
    step = f"scaling laws: refit under {len(ObjectiveName)} objectives"
    others: dict[str, FitResult] = {}
    for i, name in enumerate(ObjectiveName):
        progress(step, i, len(ObjectiveName))
        others[name.value] = fit(df, objective=name, bootstrap=reps["objectives"], seed=0, **common)
    progress(step, len(ObjectiveName), len(ObjectiveName))
    compare = objective_shifts(others)
    compare["bootstrap"] = {"replicates": reps["objectives"], "seed": 0}

    step = "scaling laws: frontier and tables"
    progress(step, 0, 1)
    frontier = pd.concat([frontier_table(r) for r in fits.values()], ignore_index=True)
    dr = pd.DataFrame(
        [{"procedure": name, **row} for name, r in fits.items() for row in r.diminishing_returns]
    )
    files = {
        "fit_global.json": {
            **glob.to_dict(),
            "envelope": envelope_summary(df, ENVELOPE_REPLICATES, ENVELOPE_SEED),
        },
        "fit_epoch2024.json": ep.to_dict(),
        "compare_objectives.json": compare,
        "diminishing_returns.csv": dr,
        "frontier.csv": frontier,
        "runs.csv": runs_table(df, fits, EXCLUDE_TOP),
    }
    for fname, payload in files.items():
        if isinstance(payload, pd.DataFrame):
            write_csv(folder / fname, payload)
        else:
            write_json(folder / fname, payload)
    progress(step, 1, 1)

    glob_cmd = (
        f"{base} --bootstrap {reps['global']} --envelope {ENVELOPE_REPLICATES} "
        "--json fit_global.json"
    )
    ep_cmd = (
        f"{base} --procedure epoch2024 --bootstrap {reps['epoch2024']} --json fit_epoch2024.json"
    )
    cmp_cmd = f"{base} --bootstrap {reps['objectives']} --compare-objectives --json compare.json"
    return SectionOutput(
        files=[f"{folder.name}/{f}" for f in files],
        sources=[SOURCE],
        commands={
            "fit_global.json": [glob_cmd],
            "fit_epoch2024.json": [ep_cmd],
            "compare_objectives.json": [cmp_cmd],
            "diminishing_returns.csv": [glob_cmd, ep_cmd],
            "frontier.csv": [glob_cmd, ep_cmd],
            "runs.csv": [f"scalewall data fetch {SOURCE}"],
        },
        notes={
            "compare_objectives.json": "the key 'compare_objectives' of the JSON",
            "diminishing_returns.csv": "the key 'diminishing_returns' of each JSON",
            "frontier.csv": (
                "bands from the bootstrap draws of these two fits on a grid of C "
                "(scalewall.laws.frontier.frontier_table); L* and its interval at one budget: add --at C"
            ),
            "runs.csv": "predicted losses and log residuals from the two fits above",
        },
    )


SECTION = Section("scaling_laws", "Scaling laws", run_scaling_laws)
