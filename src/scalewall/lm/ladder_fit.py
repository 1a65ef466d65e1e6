"""The law of a designed ladder and the checks a referee asks of it.

* **Which law.** When any run repeats its training tokens (``epochs > 1``, the rule at the corpus
  sizes a CPU ladder can afford) the fit is the data-constrained law of Muennighoff et al. 2023
  (:class:`~scalewall.laws.data_constrained.DataConstrained`), so repeated tokens count as less
  than fresh ones; otherwise it is Chinchilla's. ``R_N*`` is pinned at :data:`NO_EXCESS_DECAY`
  (parameters are never discounted): excess parameters are defined through ``N_opt(U)`` of the
  published C4 base law, which is not this corpus's, and a ladder on the compute grid is not
  designed to identify that decay. ``R_D*`` is fitted when the ladder has a repetition arm
  (runs of one level again on a fraction of the corpus, :func:`arm_mask`), and otherwise pinned
  at the published 15.4: without an arm every run repeats the same corpus, so more epochs come
  only with more tokens, and the decay of repeated tokens trades off against ``beta`` and ``E``
  (a 41-run ladder without an arm, fitted free: R_D* = 8.3 with a bootstrap interval reaching the
  search bound, E's refits split between ~2 and 0, and 128 of 200 did not converge; the objective
  differs by 2% between the two). :func:`repetition_check` refits a pinned ladder with R_D* free
  and reports both, so the pin is visible and testable.
* **E inside its bounds**: above :data:`E_FLOOR_SHARE` of the lowest observed loss (an asymptote
  the data cannot see ends up at the fitter's floor ``exp(LOG_COEF_MIN)`` or a hair above it,
  the bound in all but name) and below the lowest observed loss.
* **Bootstrap**: how many refits converged, out of how many.
* **Backtest**: fit on every run but the held-out group (the largest compute level of an isoFLOP
  ladder, the largest size of a chinchilla grid) and predict it, with a percentile band from
  the bootstrap draws of that fit.
* **Frontier envelope** (Chinchilla law only): at each compute level, the gap between the lowest
  observed loss and the fitted compute-optimal loss ``L*(C)``, the least loss the law predicts
  over the ladder's own sizes at that level's exact FLOPs (``D = C / (C/D of the size)``), so
  the frontier is priced with the same FLOP count as the runs, not ``6 N D``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from scalewall.data.runs import select_runs
from scalewall.errors import InputError
from scalewall.laws.api import fit, inputs_of
from scalewall.laws.backtest import draw_predictions
from scalewall.laws.catalog import make_law
from scalewall.laws.data_constrained import (
    MUENNIGHOFF_2023,
    MUENNIGHOFF_2023_CITATION,
    DataConstrained,
)
from scalewall.laws.fitter import LOG_COEF_MIN
from scalewall.laws.forms import Law
from scalewall.laws.isoflop import isoflop
from scalewall.laws.result import FitResult
from scalewall.resampling import percentile_interval

#: R_N* this large makes N' = N for every size in reach: no excess-parameter decay.
NO_EXCESS_DECAY = 1e4
#: The data-constrained law's pins: no excess-parameter decay, and the published decay of
#: repeated tokens (module docstring).
REPEAT_PINS: Mapping[str, float] = MappingProxyType(
    {"R_N_star": NO_EXCESS_DECAY, "R_D_star": MUENNIGHOFF_2023["R_D_star"]}
)
#: Runs within this factor of the largest run's FLOPs form the top compute level (levels of a
#: designed ladder are at least 1.5x apart, and each run is within 5% of its level).
LEVEL_TOLERANCE = 0.9
#: E under this share of the lowest observed loss counts as sitting at its lower bound.
E_FLOOR_SHARE = 0.01
#: The frontier is "inside the envelope" when each gap is at most this many residual RMS, or
#: :data:`ENVELOPE_FLOOR` nats when the fit is nearly exact (a floor, so rounding and the +-5%
#: spread of C within a level do not fail a perfect fit).
ENVELOPE_RMS, ENVELOPE_FLOOR = 3.0, 0.005


def arm_mask(table: pd.DataFrame) -> np.ndarray:
    """Rows of the repetition arm: runs that read only part of the corpus (fewer unique tokens
    than the ladder's most) and repeat it (fewer unique tokens than tokens seen)."""
    unique = table["unique_tokens"].to_numpy(dtype=float)
    seen = table["D"].to_numpy(dtype=float)
    return np.asarray((unique < unique.max()) & (unique < seen))


def ladder_law(table: pd.DataFrame) -> tuple[Law, str]:
    """The law for the ladder's runs, and a sentence saying why."""
    most = float(table["epochs"].max())
    if most > 1:
        arm = int(arm_mask(table).sum())
        law: Law = DataConstrained(base={"R_N_star": NO_EXCESS_DECAY} if arm else REPEAT_PINS)
        decay = (
            f"R_D* fitted: {arm} runs of the repetition arm repeat a level's runs on part of "
            "the corpus, which separates the decay of repeats from beta"
            if arm
            else f"R_D* at the published {REPEAT_PINS['R_D_star']:.4g} (one corpus for every "
            "run cannot separate the decay of repeats from beta; see repetition_check)"
        )
        why = (
            f"runs repeat data (up to {most:.1f} epochs), so the fit is the data-constrained law "
            f"({MUENNIGHOFF_2023_CITATION}) with R_N* pinned at {NO_EXCESS_DECAY:g} (no "
            "excess-parameter decay: N_opt(U) would come from the C4 base law, not this corpus) "
            f"and {decay}"
        )
    else:
        law, why = make_law("chinchilla"), "every run sees fresh tokens: Chinchilla's law"
    return law, why


#: Seed replicates of one run enter every fit and check as their median loss (one point per run,
#: so the bootstrap resamples runs, not seeds): one diverged seed of three does not move it.
SEED_SELECTION = "median"


def _converged(res: FitResult) -> int:
    """Bootstrap refits that converged (the count every interval of the fit is shown with)."""
    return int(res.bootstrap.get("replicates", 0)) - int(res.bootstrap.get("not_converged", 0))


def _fit(table: pd.DataFrame, law: Law, bootstrap: int, seed: int, level: float) -> FitResult:
    return fit(
        table[["N", "D", "unique_tokens", "loss"]],  # C counts the head too: not 6ND
        law,
        bootstrap=bootstrap,
        seed=seed,
        level=level,
        force=True,  # identifiability problems stay in the result's warnings, shown with it
        source="ladder runs table",
    )


def level_mask(table: pd.DataFrame, design: str, *, top: bool = True) -> np.ndarray:
    """Rows of the largest (``top``) or smallest compute level of an isoFLOP ladder, or of the
    largest or smallest size of a chinchilla grid: the backtest's held-out group when ``top``."""
    if design == "isoflop":
        C = table["C"].to_numpy(dtype=float)
        return np.asarray(LEVEL_TOLERANCE * C.max() <= C if top else C.min() / LEVEL_TOLERANCE >= C)
    N = table["N"].to_numpy()
    return np.asarray((N.max() if top else N.min()) == N)


def backtest_top(
    table: pd.DataFrame, law: Law, design: str, bootstrap: int, seed: int, level: float
) -> dict[str, Any]:
    """Fit without the held-out group, predict it; relative errors and bootstrap bands."""
    held = level_mask(table, design)
    train, test = table[~held], table[held]
    res = _fit(train, law, bootstrap, seed, level)
    X = inputs_of(law, test)
    pred = law.predict_params(X, res.params)
    obs = test["loss"].to_numpy(dtype=float)
    rel = pred / obs - 1
    rows = []
    bands = (
        draw_predictions(law, X, res.samples_)
        if res.samples_ is not None
        else np.empty((0, len(test)))
    )
    for i in range(len(test)):
        lo, hi = percentile_interval(bands[:, i], level) if len(bands) else (None, None)
        rows.append(
            {
                "run_id": test["run_id"].iloc[i],
                "N": int(test["N"].iloc[i]),
                "D": int(test["D"].iloc[i]),
                "C": float(test["C"].iloc[i]),
                "observed": float(obs[i]),
                "predicted": float(pred[i]),
                "predicted_lo": None if lo is None else float(lo),
                "predicted_hi": None if hi is None else float(hi),
                "relative_error": float(rel[i]),
            }
        )
    largest = int(np.argmax(test["C"].to_numpy(dtype=float)))
    return {
        "held_out": "largest compute level" if design == "isoflop" else "largest model size",
        "n_train": int((~held).sum()),
        "n_held_out": int(held.sum()),
        "max_abs_relative_error": float(np.abs(rel).max()),
        "largest_run_relative_error": float(rel[largest]),
        "interval": f"{level:.0%} bootstrap percentile band of the predicted mean",
        "not_converged": res.bootstrap.get("not_converged"),
        "rows": rows,
    }


def envelope(res: FitResult, table: pd.DataFrame) -> dict[str, Any]:
    """Gap between the best observed loss at each compute level and the fitted frontier."""
    if res.law != "chinchilla":
        return {
            "checked": False,
            "caption": "no compute-optimal frontier is drawn: the runs repeat data, and the "
            "frontier of the data-constrained law depends on the unique-token budget, so "
            "L*(C) with unlimited data would sit below every run by construction",
        }
    C = table["C"].to_numpy(dtype=float)
    order = np.sort(C)
    starts = np.r_[0, np.flatnonzero(order[1:] / order[:-1] > 1 / LEVEL_TOLERANCE) + 1]
    fitted = res.predict(table["N"].to_numpy(dtype=float), table["D"].to_numpy(dtype=float))
    rms = float(np.sqrt(np.mean((fitted - table["loss"].to_numpy(dtype=float)) ** 2)))
    sizes = table.assign(per_token=table["C"] / table["D"])[["N", "per_token"]].drop_duplicates()
    N, per_token = sizes["N"].to_numpy(dtype=float), sizes["per_token"].to_numpy(dtype=float)
    rows = []
    for lo_c, hi_c in zip(order[starts], [*order[starts[1:] - 1], order[-1]], strict=True):
        at = (lo_c <= C) & (hi_c >= C)
        level_c = float(np.exp(np.log(C[at]).mean()))
        best = float(table.loc[at, "loss"].min())
        star = float(res.predict(N, level_c / per_token).min())
        rows.append({"C": level_c, "best_observed": best, "frontier": star, "gap": best - star})
    tol = max(ENVELOPE_RMS * rms, ENVELOPE_FLOOR)
    inside = all(abs(r["gap"]) <= tol for r in rows)
    return {
        "checked": True,
        "inside": inside,
        "rule": f"|best observed - L*(C)| <= max({ENVELOPE_RMS:g} x residual RMS "
        f"({rms:.4f}), {ENVELOPE_FLOOR:g}) nats",
        "levels": rows,
        "caption": "the frontier runs through the best runs of each level"
        if inside
        else "the frontier leaves the observed envelope: the fit extrapolates below the runs",
    }


def repetition_check(
    table: pd.DataFrame, law: Law, res: FitResult, bootstrap: int, seed: int, level: float
) -> dict[str, Any] | None:
    """The data-constrained fit again with ``R_D*`` free, beside the pinned one (None for
    Chinchilla's law): whether the data place the pinned value inside their own bootstrap
    interval, what E and convergence become, and how much the pin costs in the objective."""
    if not isinstance(law, DataConstrained) or "R_D_star" not in law.base:
        return None
    free = _fit(table, DataConstrained(base={"R_N_star": NO_EXCESS_DECAY}), bootstrap, seed, level)
    pinned = float(law.base["R_D_star"])
    ci = free.ci.get("R_D_star")
    return {
        "pinned_R_D_star": pinned,
        "source": MUENNIGHOFF_2023_CITATION,
        "free_R_D_star": float(free.params["R_D_star"]),
        "free_R_D_star_ci": ci,
        "pinned_inside_free_ci": None if ci is None else bool(ci[0] <= pinned <= ci[1]),
        "free_E": float(free.params["E"]),
        "free_E_ci": free.ci.get("E"),
        "free_bootstrap_converged": _converged(free),
        "free_bootstrap_replicates": int(free.bootstrap.get("replicates", 0)),
        "objective_pinned": float(res.objective_value),
        "objective_free": float(free.objective_value),
        "interval": f"{level:.0%} bootstrap percentile",
    }


def approach2(table: pd.DataFrame, bootstrap: int, seed: int, level: float) -> dict[str, Any]:
    """The isoFLOP cross-check that needs no E: each level's parabola minimum ``N*`` and the
    exponent ``a`` of ``N* ~ C^a`` (Hoffmann et al. 2022, Approach 2; :mod:`scalewall.laws.isoflop`,
    whose warnings come along). ``D*`` is left out: its ``C / (6 N*)`` would miss the head and
    attention FLOPs these runs count. Levels without a convex parabola leave ``a`` None and
    say why in ``reason``: a failed cross-check must not hide the main fit's checks."""
    try:
        res = isoflop(
            table[["N", "C", "loss"]], bootstrap=bootstrap, seed=seed, level=level, source="ladder"
        )
    except InputError as exc:
        return {"a": None, "reason": str(exc), "levels": [], "warnings": []}
    a = res.exponents.get("a", {})
    return {
        "reason": None,
        "a": a.get("estimate"),
        "a_ci": a.get("ci"),
        "interval": a.get("interval"),
        "intervals_agree": a.get("intervals_agree"),
        "levels": [
            {"C": b.budget, "N_opt": b.N_opt, "loss_opt": b.loss_opt, "status": b.status}
            for b in res.budgets
        ],
        "warnings": sorted({w["code"] for w in res.warnings}),
    }


def analyse(
    table: pd.DataFrame,
    design: str,
    bootstrap: int,
    seed: int,
    level: float,
    spec_bootstrap: int | None = None,
) -> tuple[FitResult, dict[str, Any]]:
    """The ladder's fit and its checks (the ``ladder`` object of ``scalewall sweep --json``);
    ``spec_bootstrap``: refits per specification of :mod:`scalewall.lm.ladder_spec`."""
    from scalewall.lm import ladder_spec  # it builds on this module

    seeds = int(table.groupby(["N", "D", "unique_tokens"]).size().max())
    table, _ = select_runs(table, SEED_SELECTION)
    law, why = ladder_law(table)
    arm = arm_mask(table)
    res = _fit(table, law, bootstrap, seed, level)
    at_bound = res.diagnostics.get("params_at_bound") or []
    lowest = float(table["loss"].min())
    e, floor = res.params["E"], max(float(np.exp(LOG_COEF_MIN)), E_FLOOR_SHARE * lowest)
    summary: dict[str, Any] = {
        "design": design,
        "law": res.law,
        "law_reason": why,
        "E": e,
        "E_ci": res.ci.get("E"),
        "E_bounds": [floor, lowest],
        "E_inside_bounds": bool("E" not in at_bound and floor < e < lowest),
        "bootstrap_replicates": int(res.bootstrap.get("replicates", 0)),
        "bootstrap_converged": _converged(res),
        "max_epochs": float(table["epochs"].max()),
        "seeds_per_run": seeds,
        "seed_selection": SEED_SELECTION,
        "backtest": backtest_top(table, law, design, bootstrap, seed, level),
        "envelope": envelope(res, table),
        "repetition_arm_runs": int(arm.sum()),
        "approach2": approach2(table[~arm], bootstrap, seed, level)
        if design == "isoflop"
        else None,
        "repetition_check": repetition_check(table, law, res, bootstrap, seed, level),
        "rules": sorted(set(table["rules"])) if "rules" in table else [],
        **ladder_spec.payload(table, law, design, spec_bootstrap, seed, level),
    }
    return res, summary


def _settings_line(settings: dict[str, Any] | None) -> list[str]:
    """The design's settings in one sentence (none for a ladder stored before they were kept)."""
    if not settings:
        return []
    parts = [f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in settings.items()]
    floor = settings.get("min_steps") or 0
    why = f" (a run short of {floor} steps even at the smallest batch is left out)" if floor else ""
    return ["design settings: " + ", ".join(parts) + why]


def summary_lines(lad: dict[str, Any]) -> list[str]:
    """The ladder's checks as plain sentences (the CLI summary and the report's own-LM text)."""
    from scalewall.lm.ladder_spec import summary_line

    bt, env = lad["backtest"], lad["envelope"]
    lo, hi = lad["E_bounds"]
    ci = lad["E_ci"] or [float("nan"), float("nan")]
    inside = "strictly inside" if lad["E_inside_bounds"] else "NOT inside"
    lines = [
        f"design: {lad['design']}; law: {lad['law_reason']}",
        *_settings_line(lad.get("design_settings")),
        f"seeds: {lad['seeds_per_run']} per run"
        + (
            f", each run fitted at its {lad['seed_selection']} loss"
            if lad["seeds_per_run"] > 1
            else ""
        ),
        f"E = {lad['E']:.4g} [{ci[0]:.4g}, {ci[1]:.4g}], {inside} its bounds "
        f"({lo:.3g}, lowest observed loss {hi:.4g})",
        f"bootstrap: {lad['bootstrap_converged']} of {lad['bootstrap_replicates']} refits "
        "converged",
        f"backtest: fit on {bt['n_train']} runs, {bt['held_out']} ({bt['n_held_out']} runs) "
        f"predicted with largest |relative error| {bt['max_abs_relative_error']:.2%}; largest "
        f"run {bt['largest_run_relative_error']:+.2%}",
        f"frontier: {env['caption']}" + (f" ({env['rule']})" if env.get("rule") else ""),
    ]
    rc = lad.get("repetition_check")
    if rc:
        lo_r, hi_r = rc["free_R_D_star_ci"] or [float("nan"), float("nan")]
        inside_r = "inside" if rc["pinned_inside_free_ci"] else "NOT inside"
        lines.append(
            f"R_D* pinned at {rc['pinned_R_D_star']:.4g}; fitted free it is "
            f"{rc['free_R_D_star']:.3g} [{lo_r:.3g}, {hi_r:.3g}] (pinned value {inside_r}), "
            f"with E = {rc['free_E']:.3g} and {rc['free_bootstrap_converged']} of "
            f"{rc['free_bootstrap_replicates']} refits converged; objective "
            f"{rc['objective_free']:.3g} free, {rc['objective_pinned']:.3g} pinned"
        )
    a2 = lad.get("approach2")
    if a2 and a2["a"] is None:
        lines.append(f"isoFLOP minima (Approach 2): not available: {a2['reason']}")
    elif a2:
        lo_a, hi_a = a2["a_ci"] or [float("nan"), float("nan")]
        lines.append(
            f"isoFLOP minima (Approach 2, no E needed): N* ~ C^{a2['a']:.3f} [{lo_a:.3f}, "
            f"{hi_a:.3f}] ({a2['interval']} interval; Hoffmann et al. 2022, Approach 2: 0.49)"
        )
    return lines + summary_line(lad) + [f"per-size rules: {r}" for r in lad["rules"] if r]


__all__ = [
    "NO_EXCESS_DECAY",
    "REPEAT_PINS",
    "SEED_SELECTION",
    "analyse",
    "approach2",
    "arm_mask",
    "backtest_top",
    "envelope",
    "ladder_law",
    "level_mask",
    "repetition_check",
    "summary_lines",
]
