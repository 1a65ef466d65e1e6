"""Which structure do runs from several datasets prefer: one pooled law, one law per group, or a
joint law with shared exponents and coefficients per group?

The three are compared on the same rows and objective, by AIC/BIC of fits to every row and by the
error of predicting each group's largest runs (by compute) from its smaller ones, the use a
scaling law is fitted for. AIC/BIC use the Gaussian likelihood of the objective's residuals
(:func:`scalewall.laws.api.fit`), so they compare structures only within one table and objective.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scalewall.data.runs import Selection, mixed_groups
from scalewall.errors import ScalewallError, input_error
from scalewall.laws.api import _information, fit, inputs_of
from scalewall.laws.forms import Law
from scalewall.laws.grouped import Grouped
from scalewall.laws.objectives import Objective, ObjectiveName

Array = NDArray[np.float64]
STRUCTURES = ("pooled", "separate", "joint")
#: Share of each group's runs, the largest by compute, held out for the prediction check.
HOLDOUT_SHARE = 0.2


def _fits(
    df: pd.DataFrame, base: Law, structure: str, labels: list[str], kw: dict[str, Any]
) -> list[tuple[Law, dict[str, float], pd.DataFrame]]:
    """(law, params, rows) of each fit one structure needs on ``df``."""
    if structure == "separate":
        parts = [df[df["group"] == g].reset_index(drop=True) for g in labels]
        return [(r.form, r.params, p) for p in parts for r in [fit(p, base, **kw)]]
    law = base if structure == "pooled" else Grouped(base=base, labels=tuple(labels))
    r = fit(df, law, pool=True, **kw)
    return [(r.form, r.params, df)]


def _log_errors(
    fits: list[tuple[Law, dict[str, float], pd.DataFrame]], rows: pd.DataFrame
) -> Array:
    """log(predicted) - log(observed) on ``rows`` under each fit (by group for ``separate``)."""
    out = []
    for law, params, train in fits:
        mine = rows if len(fits) == 1 else rows[rows["group"] == train["group"].iloc[0]]
        if len(mine):
            mu = law.predict_params(inputs_of(law, mine), params)
            out.append(np.log(np.maximum(mu, 1e-300)) - np.log(mine["loss"].to_numpy(float)))
    return np.concatenate(out) if out else np.array([])


def compare_pooling(
    df: pd.DataFrame,
    base: Law,
    objective: ObjectiveName | str = "huber-log",
    *,
    delta: float = 1e-3,
    weight: float = 10.0,
    force: bool = False,
) -> dict[str, Any]:
    """Fit pooled, separate and joint laws to a table whose groups are datasets; compare them.

    Parameters
    ----------
    df : DataFrame
        A tidy runs table (after selection) with a ``group`` column holding datasets or
        experiments (:func:`scalewall.data.runs.mixed_groups`).
    base : Law
        The form each structure uses.

    Returns
    -------
    dict
        ``labels``; ``holdout`` (what was predicted); ``structures``: per structure ``status``,
        ``reason``, ``n_params``, ``objective_value``, ``aic``, ``bic``, ``heldout_rmsle``,
        ``n_heldout``; ``preferred``: the structure with the lowest ``aic``, ``bic`` and
        ``heldout_rmsle`` (None when no structure has that number).
    """
    labels = mixed_groups(df)
    if not labels:
        raise input_error("comparing pooled and per-group laws needs a group column of datasets")
    obj = Objective(ObjectiveName(objective), delta=delta, weight=weight)
    kw: dict[str, Any] = dict(
        objective=obj.name,
        delta=delta,
        weight=weight,
        bootstrap=0,
        force=force,
        select=Selection.all,  # the caller's table is already selected
    )
    rank = df.groupby("group")["C" if "C" in df.columns else "N"].rank(method="first")
    size = df.groupby("group")["group"].transform("size")
    test = (rank > np.floor(size * (1 - HOLDOUT_SHARE))).to_numpy()
    out: dict[str, Any] = {}
    for s in STRUCTURES:
        rec: dict[str, Any] = {"status": "ok", "reason": None}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                full = _fits(df, base, s, labels, kw)
                held = _fits(df[~test].reset_index(drop=True), base, s, labels, kw)
        except (ScalewallError, ValueError, np.linalg.LinAlgError) as exc:
            out[s] = {**rec, "status": "failed", "reason": str(exc).split("\n")[0]}
            continue
        resid = np.concatenate(
            [
                obj.residuals(p["loss"].to_numpy(float), law.predict_params(inputs_of(law, p), pr))
                for law, pr, p in full
            ]
        )
        k = sum(len(law.param_names) for law, _, _ in full)
        aic, bic = _information(resid, k, obj)
        e = _log_errors(held, df[test])
        out[s] = {
            **rec,
            "n_params": k,
            "objective_value": float(np.sum(obj.rho(resid))),
            "aic": aic,
            "bic": bic,
            "heldout_rmsle": float(np.sqrt(np.mean(e**2))) if e.size else None,
            "n_heldout": int(e.size),
        }

    def best(key: str) -> str | None:
        have = {s: r[key] for s, r in out.items() if r.get(key) is not None}
        return min(have, key=lambda s: have[s]) if have else None

    return {
        "labels": labels,
        "holdout": f"the largest {round(100 * HOLDOUT_SHARE)}% of each group's runs by "
        f"{'compute' if 'C' in df.columns else 'size'}, predicted from the rest",
        "structures": out,
        "preferred": {key: best(key) for key in ("aic", "bic", "heldout_rmsle")},
    }
