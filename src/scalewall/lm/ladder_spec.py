"""The specification curve of a designed ladder's fit: its law refitted under a referee's choices.

One fit of the ladder (:func:`scalewall.lm.ladder_fit.analyse`) is one path through choices a
referee would question (Li, Kudugunta & Zettlemoyer 2025, '(Mis)Fitting: A Survey of Scaling
Laws', arXiv 2502.18969). :func:`curve` refits the ladder's own law (whatever
:func:`~scalewall.lm.ladder_fit.ladder_law` picked) with the machinery of
:mod:`scalewall.laws.spec_curve`, under every combination of:

* **parameters**: non-embedding ``N`` (the reference, Kaplan's count) or ``N_total`` (embedding
  and head included), when the table has both: Pearce & Song 2024 (arXiv 2406.12907) and
  Porian et al. 2024 (arXiv 2406.19146) trace the Kaplan-Chinchilla gap largely to this count,
  and it weighs most at small sizes, where embeddings are much of the model;
* **objective**: Huber on log loss (the reference) or squared error on log loss;
* **exponents**: free, or tied alpha = beta (as Muennighoff et al. 2023 fitted);
* **subset**: all runs; without the smallest compute level (the smallest size of a chinchilla
  grid), the mirror of the backtest's held-out group; without runs of fewer than
  :data:`SHORT_RUN_STEPS` optimiser steps, when some but not all runs are that short.

FLOP accounting and run selection stay at the reference (``6ND``, and ``best`` only when seeds
repeat a configuration, as the main fit): they enter only quantities not reported here. Each
specification gives E, alpha and beta with bootstrap percentile intervals (``spec_bootstrap``
refits, :data:`SPEC_BOOTSTRAP` by default, and the failed-refit count), and
``backtest_error``: the largest run's relative error when the same specification is fitted
without the backtest's held-out group (a point fit, no interval). :func:`payload` adds the
spread of each quantity and the choice that moves it most (:func:`scalewall.laws.spec_curve
.spread`).
"""

from __future__ import annotations

import itertools
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from scalewall.errors import ScalewallError, input_error
from scalewall.laws.api import fit, inputs_of
from scalewall.laws.forms import Law
from scalewall.laws.spec_curve import (
    NONEMBEDDING_COLUMN,
    QUANTITIES,
    RowFilter,
    Spec,
    choices,
    law_for,
    param_column,
    spec_curve,
    spread,
    table_for,
)
from scalewall.lm.ladder_fit import level_mask
from scalewall.storage import records

#: Bootstrap refits per specification unless ``[analysis] spec_bootstrap`` says otherwise: few,
#: so the whole curve stays within a minute on one core (16-24 specifications).
SPEC_BOOTSTRAP = 50
#: Runs with fewer optimiser steps spend much of their training in warmup and the first fast
#: descent, so their loss says more about the optimiser than about N and D (pre-asymptotic,
#: optimisation-limited). A round threshold of this project, not a published one.
SHORT_RUN_STEPS = 1000
SOURCE = "ladder runs table"
#: Quantities per specification, with what each means.
LADDER_QUANTITIES = {
    **{q: QUANTITIES[q] for q in ("E", "alpha", "beta")},
    "backtest_error": "largest run's relative error, predicted by a fit without the held-out "
    "group (point fit, no interval)",
}
SUBSET_REASONS = {
    "all": "every run",
    "drop-smallest-level": "without the smallest compute level (smallest size of a chinchilla "
    "grid): the runs furthest from the asymptote",
    "drop-short": f"without runs of fewer than {SHORT_RUN_STEPS:,} optimiser steps "
    "(pre-asymptotic, optimisation-limited)",
}
LEVEL = "{:.0%} bootstrap percentile"


def subsets(table: pd.DataFrame, design: str) -> dict[str, RowFilter]:
    """The ladder's own subsets (row filters) for :func:`scalewall.laws.spec_curve.table_for`."""
    out: dict[str, RowFilter] = {
        "drop-smallest-level": lambda df: ~level_mask(df, design, top=False)
    }
    if "steps" in table:
        short = table["steps"].to_numpy() < SHORT_RUN_STEPS
        if short.any() and not short.all():
            out["drop-short"] = lambda df: df["steps"].to_numpy() >= SHORT_RUN_STEPS
    return out


def curve_runs(table: pd.DataFrame) -> pd.DataFrame:
    """The ladder table in the curve's terms: ``N`` the total count, ``N_nonembedding`` Kaplan's.

    Without an ``N_total`` column only the non-embedding count is offered (``N`` repeats it).
    """
    runs = table.assign(**{NONEMBEDDING_COLUMN: table["N"]})
    if "N_total" in table:
        runs["N"] = table["N_total"]
    return runs


def specifications(table: pd.DataFrame, law: Law, design: str) -> tuple[list[Spec], Spec]:
    """Every specification of the ladder's curve, and the reference (the main fit's choices)."""
    # 'all' for the tables analyse() passes (seeds already one median row per run)
    select = choices(table)["select"][0]
    tied = f"{law.name}-tied"
    reference = Spec(
        law=tied if getattr(law, "tied", False) else law.name, params="non-embedding", select=select
    )
    options = {
        "law": (law.name, tied),
        "objective": ("huber-log", "mse-log"),
        "params": ("non-embedding", "total") if "N_total" in table else ("non-embedding",),
        "subset": ("all", *subsets(table, design)),
    }
    todo = [
        Spec(**{**asdict(reference), **dict(zip(options, combo, strict=True))})
        for combo in itertools.product(*options.values())
    ]
    return todo, reference


def _backtest_row(
    runs: pd.DataFrame, held: np.ndarray, spec: Spec, law: Law, extra: dict[str, RowFilter]
) -> dict[str, Any]:
    """The largest held-out run predicted by ``spec`` fitted on the other runs (point fit)."""
    train, _ = table_for(runs[~held], spec, law=law, subsets=extra)
    row: dict[str, Any] = {
        **asdict(spec),
        "quantity": "backtest_error",
        "value": np.nan,
        "lo": np.nan,
        "hi": np.nan,
        "converged": False,
        "n_points": len(train),
        "replicates": 0,
        "failed_replicates": 0,
    }
    lw = law_for(spec, law)
    try:
        res = fit(train, lw, spec.objective, bootstrap=0, force=True, select="all", source=SOURCE)
    except ScalewallError as exc:
        return {**row, "status": str(exc)}
    test = runs[held]
    top = test.iloc[[int(np.argmax(test["C"].to_numpy()))]]
    top = top.assign(N=top[param_column(spec)])
    pred = float(lw.predict_params(inputs_of(lw, top), res.params)[0])
    return {
        **row,
        "value": pred / float(top["loss"].iloc[0]) - 1,
        "converged": bool(res.diagnostics.get("converged", False)),
        "status": "ok",
    }


def curve(
    table: pd.DataFrame, law: Law, design: str, bootstrap: int, seed: int, level: float
) -> tuple[pd.DataFrame, Spec]:
    """Refit the ladder's law under every specification: one row per specification x quantity
    (the columns of :func:`scalewall.laws.spec_curve.spec_curve`), and the reference spec."""
    todo, reference = specifications(table, law, design)
    runs, extra = curve_runs(table), subsets(table, design)
    fits = spec_curve(
        runs,
        specs=todo,
        bootstrap=bootstrap,
        seed=seed,
        level=level,
        source=SOURCE,
        law=law,
        subsets=extra,
        force=True,  # as the main fit: identifiability problems stay in its warnings
    )
    fits = fits[fits["quantity"].isin(["E", "alpha", "beta"])]
    held = level_mask(table, design)
    backtests = pd.DataFrame([_backtest_row(runs, held, s, law, extra) for s in todo])
    return pd.concat([fits, backtests], ignore_index=True), reference


def payload(
    table: pd.DataFrame,
    law: Law,
    design: str,
    bootstrap: int | None,
    seed: int,
    level: float,
) -> dict[str, Any]:
    """``spec_curve`` (the rows) and ``spec_curve_summary`` of the ``ladder`` JSON object."""
    reps = SPEC_BOOTSTRAP if bootstrap is None else bootstrap
    if not isinstance(reps, int) or reps < 0:
        raise input_error(
            "[analysis] spec_bootstrap must be a whole number >= 0", got=reps, fix="e.g. 50"
        )
    rows, reference = curve(table, law, design, reps, seed, level)
    fields = list(asdict(reference))
    offered = ["all", *subsets(table, design)]
    return {
        "spec_curve": records(rows),
        "spec_curve_summary": {
            "reference": asdict(reference),
            "specs": len(rows.drop_duplicates(subset=fields)),
            "varied": {f: sorted(set(rows[f])) for f in fields if rows[f].nunique() > 1},
            "subsets": {s: SUBSET_REASONS[s] for s in offered},
            "quantities": LADDER_QUANTITIES,
            "replicates": reps,
            "level": level,
            "interval": LEVEL.format(level),
            "failed_specs": len(rows.loc[rows["status"] != "ok", fields].drop_duplicates()),
            "failed_replicates": int(
                rows.drop_duplicates(subset=fields)["failed_replicates"].fillna(0).sum()
            ),
            "spread": records(spread(rows, reference)),
        },
    }


def summary_line(lad: dict[str, Any]) -> list[str]:
    """The curve in one sentence (empty for a ladder stored before the curve existed)."""
    s = lad.get("spec_curve_summary")
    if not s:
        return []
    by_q = {r["quantity"]: r for r in s["spread"]}
    parts = []
    for q, fmt in (("E", ".3g"), ("alpha", ".3f"), ("backtest_error", "+.1%")):
        r = by_q.get(q)
        if r:
            parts.append(
                f"{q} {r['min']:{fmt}} to {r['max']:{fmt}} (moved most by {r['moved_most_by']})"
            )
    return [
        f"specification curve: {s['specs']} refits ({', '.join(s['varied'])} varied; "
        f"{s['replicates']} bootstrap refits each, {s['failed_replicates']} failure flags): "
        + "; ".join(parts)
    ]


__all__ = [
    "LADDER_QUANTITIES",
    "SHORT_RUN_STEPS",
    "SPEC_BOOTSTRAP",
    "curve",
    "curve_runs",
    "payload",
    "specifications",
    "subsets",
    "summary_line",
]
