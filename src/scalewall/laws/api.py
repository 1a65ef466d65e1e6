"""``scalewall.laws.fit``: the one entry point behind the CLI, the report and the backtests."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scalewall.data.runs import load_runs
from scalewall.errors import InputError, ScalewallError, ScalewallWarning
from scalewall.laws import allocation, epoch2024
from scalewall.laws.bootstrap import (
    percentile_interval,
    refit_batch,
    replicate_health,
    resample_weights,
)
from scalewall.laws.catalog import LawName, make_law
from scalewall.laws.fitter import RawFit, fit_raw, unpack
from scalewall.laws.forms import Chinchilla, Inputs, Law
from scalewall.laws.objectives import Objective, ObjectiveName
from scalewall.laws.outliers import flag_outliers
from scalewall.laws.result import FitResult

Array = NDArray[np.float64]
Progress = Callable[[int, int], None]

#: Budget at which Hoffmann et al. 2022 trained Chinchilla (Gopher's compute), in FLOPs.
CHINCHILLA_COMPUTE = 5.76e23
#: Budgets whose optimal loss the research note tabulates (scaling_laws.md, derived anchors).
REFERENCE_BUDGETS = (1e24, 1e25, 1e26)


def exclude_top_loss(df: pd.DataFrame, k: int, source: str = "table") -> pd.DataFrame:
    """Drop the k highest-loss rows, as Besiroglu et al. 2024 dropped 5 (loss < k-th largest)."""
    if k <= 0:
        return df
    if k >= len(df) - 2:
        raise InputError(f"{source}: --exclude-top-loss {k} leaves fewer than 3 of {len(df)} runs")
    cut = np.sort(df["loss"].to_numpy())[-k]
    return df[df["loss"] < cut].reset_index(drop=True)


def inputs_of(law: Law, df: pd.DataFrame) -> Inputs:
    """Arrays the law reads, with a clear error when a column is missing."""
    missing = [c for c in law.inputs if c not in df.columns]
    if missing:
        raise InputError(
            f"law '{law.name}' needs column(s) {', '.join(missing)}; map them with --n-col, "
            "--d-col, --c-col or (for unique tokens) --u-col"
        )
    return {c: df[c].to_numpy(dtype=float) for c in law.inputs}


def check_identifiable(law: Law, df: pd.DataFrame) -> list[str]:
    """Reasons the data cannot pin down this law's exponents (empty when it can)."""
    reasons: list[str] = []
    if not isinstance(law, Chinchilla) or law.tied or "E" in law.fixed:
        return reasons
    for col, name in (("N", "alpha"), ("D", "beta")):
        v = df[col].to_numpy()
        span = float(np.log10(v.max() / v.min()))
        distinct = int(np.unique(np.round(np.log10(v), 3)).size)
        if span < 1.0:
            reasons.append(f"{col} spans only {span:.2f} decades, so {name} is not identified")
        elif distinct < 4:
            reasons.append(f"only {distinct} distinct values of {col}, so {name} is not identified")
    return reasons


def _derived(
    law: Law, P: Mapping[str, Array], flop_factor: float, budgets: Array
) -> dict[str, Array]:
    """Derived quantities, vectorised over the leading axis of parameter arrays."""
    names = set(P)
    if not {"E", "A", "B", "alpha"} <= names:
        return {}
    if "R_D_star" in names:
        return _derived_repeats(P)
    p = dict(P)
    if "beta" not in p:
        p["beta"] = p["alpha"]
    ex = allocation.exponents(p)
    out: dict[str, Array] = {
        "a": ex["a"],
        "b": ex["b"],
        "gamma": ex["gamma"],
        "reducible_factor_per_10x": allocation.reducible_factor_per_10x(p),
    }
    opt = allocation.optimal_allocation(p, CHINCHILLA_COMPUTE, flop_factor)
    out["N_opt_at_5.76e23"] = opt["N"]
    out["D_opt_at_5.76e23"] = opt["D"]
    out["tokens_per_param_at_5.76e23"] = opt["tokens_per_param"]
    for C in REFERENCE_BUDGETS:
        out[f"loss_opt_at_{C:.0e}"] = allocation.optimal_allocation(p, C, flop_factor)["loss"]
        out[f"gain_next_10x_at_{C:.0e}"] = allocation.gain_next_10x(p, C, flop_factor)
    for C in budgets:
        out[f"loss_opt_at_{C:.3g}"] = allocation.optimal_allocation(p, C, flop_factor)["loss"]
        out[f"gain_next_10x_at_{C:.3g}"] = allocation.gain_next_10x(p, C, flop_factor)
    return out


def _derived_repeats(P: Mapping[str, Array]) -> dict[str, Array]:
    """Value of repeated data under the data-constrained law (Muennighoff et al. 2023)."""
    from scalewall.laws.data_constrained import effective_tokens

    rd = np.asarray(P["R_D_star"], dtype=float)
    out: dict[str, Array] = {"R_D_star": rd, "R_N_star": np.asarray(P["R_N_star"], dtype=float)}
    for epochs in (4, 16, 64):
        out[f"effective_data_multiple_{epochs}_epochs"] = effective_tokens(epochs, 1.0, rd)
    out["effective_data_multiple_cap"] = 1.0 + rd
    # Epochs after which a repeated token is worth < 1% of a fresh one: 1 + R_D* ln 100.
    out["epochs_until_repeats_worth_1pct"] = 1.0 + rd * np.log(100.0)
    return out


def decade_budgets(df: pd.DataFrame, top: float = 1e28) -> Array:
    """Compute budgets by decade from the smallest run in the data up to ``top`` FLOPs."""
    lo = 18
    if "C" in df.columns:
        lo = int(np.floor(np.log10(df["C"].min())))
    out: Array = 10.0 ** np.arange(lo, int(np.log10(top)) + 1, dtype=float)
    return out


def fit(
    table: pd.DataFrame | str | Path,
    law: LawName | str | Law = "chinchilla",
    objective: ObjectiveName | str = "huber-log",
    *,
    delta: float = 1e-3,
    weight: float = 10.0,
    bootstrap: int = 0,
    seed: int = 0,
    level: float = 0.95,
    exclude_top_loss_k: int = 0,
    tie: bool = False,
    pins: Mapping[str, float] | None = None,
    breaks: int = 1,
    resample: str = "auto",
    flop_factor: float = 6.0,
    budgets: Array | None = None,
    target_loss: float | None = None,
    force: bool = False,
    progress: Progress | None = None,
    source: str = "",
    procedure: str = "global",
) -> FitResult:
    """Fit a scaling law globally, with bootstrap intervals on parameters and derived quantities.

    Parameters
    ----------
    table : DataFrame, str or Path
        A runs table, a registry name or a file (see :func:`scalewall.data.load_runs`).
    law : str or Law
        ``chinchilla``, ``power-n``/``power-d``/``power-c``, ``data-constrained``, ``broken``.
    objective : str
        ``huber-log`` (default; Huber ``delta`` on log loss, summed), ``mse-log``, ``mse``,
        ``asymmetric`` (lower envelope, over-predictions weighted by ``weight``).
    bootstrap : int
        Replicates for percentile intervals (0: none). Rows are resampled, or whole groups when
        ``resample='group'`` (``auto``: by group when the table has ``group`` and ``step``).
    exclude_top_loss_k : int
        Drop the k highest-loss runs first (Besiroglu et al. 2024 drop 5).
    tie, pins
        Tie alpha = beta; pin coefficients such as ``{"E": 1.69}``.
    force : bool
        Fit even when the data cannot identify the exponents (otherwise an InputError says so
        and suggests ``tie`` or a pinned ``E``).
    procedure : {"global", "epoch2024"}
        ``epoch2024`` reproduces Besiroglu et al. 2024: a Huber-likelihood point estimate with a
        fitted scale, and 4,000 bootstrap refits on resamples drawn with numpy's legacy
        generator seeded 42 (see :mod:`scalewall.laws.epoch2024`); ``bootstrap=0`` then means
        their 4,000 replicates.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> N = np.repeat([1e8, 3e8, 1e9, 3e9], 4); D = np.tile([2e9, 6e9, 2e10, 6e10], 4)
    >>> df = pd.DataFrame({"N": N, "D": D, "loss": 1.8 + 400 * N**-0.34 + 2000 * D**-0.37})
    >>> r = fit(df)
    >>> round(r.params["alpha"], 3), round(r.params["beta"], 3)
    (0.34, 0.37)
    """
    src = source or ("table" if isinstance(table, pd.DataFrame) else str(table))
    lw = law if isinstance(law, Law) else make_law(law, tie=tie, pins=pins, breaks=breaks)
    require = (*lw.inputs, "loss")
    df = load_runs(table, require=require, source_name=src)
    df = exclude_top_loss(df, exclude_top_loss_k, src)
    obj = Objective(ObjectiveName(objective), delta=delta, weight=weight)
    X = inputs_of(lw, df)
    y = df["loss"].to_numpy(dtype=float)
    warns: list[str] = []
    reasons = check_identifiable(lw, df) if "N" in df.columns and "D" in df.columns else []
    if reasons and not force:
        raise InputError(
            f"{src}: {'; '.join(reasons)}. Refit with --tie (alpha = beta) or --pin E=<value> "
            "(an asymptote from elsewhere), or pass --force to fit anyway"
        )
    warns += [f"{r} (fitted anyway with --force)" for r in reasons]
    try:
        raw = fit_raw(lw, X, y, obj)
    except (np.linalg.LinAlgError, FloatingPointError, OverflowError) as exc:
        raise ScalewallError(
            f"{src}: the fit failed numerically ({exc}); check that N, D and loss are in raw "
            "units (parameters, tokens, nats) and not extreme"
        ) from exc
    params = lw.full_params(unpack(lw, raw.phi))
    if procedure == "epoch2024":
        if not (isinstance(lw, Chinchilla) and not lw.tied and not lw.fixed):
            raise InputError("--procedure epoch2024 applies to the untied, unpinned chinchilla law")
        if obj.name is not ObjectiveName.huber_log:
            raise InputError("--procedure epoch2024 uses the huber-log objective; drop --objective")
        params, loglik = epoch2024.huber_likelihood_fit(X, y, delta)
        raw.diagnostics["huber_loglik"] = loglik
        bootstrap = bootstrap or epoch2024.REPLICATES
    elif procedure != "global":
        raise InputError(f"--procedure must be 'global' or 'epoch2024'; got '{procedure}'")
    mu = lw.predict_params(X, params)
    resid = obj.residuals(y, mu)
    res = _base_result(lw, obj, df, raw, params, src, flop_factor)
    res.procedure = procedure
    if procedure == "epoch2024":
        res.objective_value = float(obj.value(y, mu))
    res.outliers = flag_outliers(resid, len(lw.param_names))
    res.warnings = warns + _diag_warnings(raw)
    res.aic, res.bic = _information(resid, len(lw.param_names), obj)
    budgets_arr = np.asarray([] if budgets is None else budgets, dtype=float)
    dr_budgets = decade_budgets(df)
    point = {k: np.asarray(v) for k, v in params.items()}
    der = _derived(lw, point, flop_factor, budgets_arr)
    if target_loss is not None and der:
        der[f"compute_for_loss_{target_loss:g}"] = allocation.compute_for_loss(
            _with_beta(point), target_loss, flop_factor
        )
    res.derived = {k: float(v) for k, v in der.items()}
    frontier = bool(der) and "R_D_star" not in params  # the frontier assumes unlimited data
    table_point = (
        allocation.diminishing_returns(_with_beta(point), dr_budgets, flop_factor)
        if frontier
        else {}
    )
    draws_dr: dict[str, Array] = {}
    if bootstrap > 0:
        groups = _groups(df, resample)
        if procedure == "epoch2024":
            seed = epoch2024.SEED
            W = epoch2024.legacy_resamples(len(y), bootstrap, seed)
        else:
            W = resample_weights(len(y), bootstrap, np.random.default_rng(seed), groups)
        phis, _, conv = refit_batch(lw, X, y, obj, raw.phi, W, progress=progress)
        draws = {k: np.empty(bootstrap) for k in params}
        for i, row in enumerate(phis):
            for k, v in lw.full_params(unpack(lw, row)).items():
                draws[k][i] = v
        res.samples_ = np.column_stack([draws[k] for k in lw.param_names])
        tied_beta = ["beta"] if isinstance(lw, Chinchilla) and lw.tied else []
        res.ci = {
            k: [float(x) for x in percentile_interval(draws[k], level)]
            for k in (*lw.param_names, *tied_beta)
        }
        dder = _derived(lw, draws, flop_factor, budgets_arr)
        if target_loss is not None and dder:
            dder[f"compute_for_loss_{target_loss:g}"] = allocation.compute_for_loss(
                _with_beta(draws), target_loss, flop_factor
            )
        res.derived_ci = {
            k: [float(x) for x in percentile_interval(v, level)] for k, v in dder.items()
        }
        if frontier:
            draws_dr = allocation.diminishing_returns(_with_beta(draws), dr_budgets, flop_factor)
        res.bootstrap = {
            "replicates": bootstrap,
            "seed": seed,
            "resample": "group" if groups is not None else "run",
            "method": "percentile",
            **replicate_health(lw, phis, conv),  # counts shown with every interval
        }
        if (~conv).mean() > 0.01:
            res.warnings.append(
                f"{int((~conv).sum())} of {bootstrap} bootstrap refits did not converge; "
                "intervals may be too narrow"
            )
    res.level = level
    res.diminishing_returns = _dr_rows(dr_budgets, table_point, draws_dr, level)
    return res


def _with_beta(p: Mapping[str, Array]) -> dict[str, Array]:
    q = dict(p)
    q.setdefault("beta", q["alpha"])
    return q


def _groups(df: pd.DataFrame, resample: str) -> NDArray[np.int_] | None:
    if resample not in ("auto", "run", "group"):
        raise InputError(f"--resample must be auto, run or group; got '{resample}'")
    use = resample == "group" or (resample == "auto" and {"group", "step"} <= set(df.columns))
    if not use:
        return None
    if "group" not in df.columns:
        raise InputError("--resample group needs a group column; map it with --group-col")
    out: NDArray[np.int_] = pd.factorize(df["group"])[0]
    return out


def _information(resid: Array, k: int, obj: Objective) -> tuple[float | None, float | None]:
    """AIC/BIC under a Gaussian likelihood of the objective's residuals (comparable across laws
    fitted with the same objective and data only)."""
    n = resid.size
    sse = float(np.sum(resid**2))
    if n <= k + 1 or sse <= 0:
        return None, None
    ll = -0.5 * n * (np.log(2 * np.pi * sse / n) + 1)
    return float(2 * (k + 1) - 2 * ll), float((k + 1) * np.log(n) - 2 * ll)


def _diag_warnings(raw: RawFit) -> list[str]:
    out = []
    d = raw.diagnostics
    at_bound = d.get("params_at_bound")
    if isinstance(at_bound, list) and at_bound:
        out.append(
            f"parameters at a bound: {', '.join(str(x) for x in at_bound)}; the data do not "
            "pin them down (consider --pin or another law)"
        )
    if not d.get("converged", True):
        out.append("the optimiser did not report convergence; results may be approximate")
    return out


def _base_result(
    lw: Law,
    obj: Objective,
    df: pd.DataFrame,
    raw: RawFit,
    params: dict[str, float],
    src: str,
    flop_factor: float,
) -> FitResult:
    law_name = lw.name
    return FitResult(
        law=law_name,
        formula=lw.describe(),
        objective=obj.name.value,
        objective_detail=obj.describe(),
        n_points=len(df),
        objective_value=raw.value,
        params=params,
        diagnostics=dict(raw.diagnostics),
        source=src,
        flop_factor=flop_factor,
        pinned=dict(lw.fixed),
    )


def _dr_rows(
    budgets: Array, point: Mapping[str, Array], draws: Mapping[str, Array], level: float
) -> list[dict[str, float]]:
    if not point:
        return []
    rows = []
    for j, C in enumerate(budgets):
        row: dict[str, float] = {"compute": float(C)}
        for k, v in point.items():
            row[k] = float(np.asarray(v).reshape(-1)[j])
            if k in draws:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    lo, hi = percentile_interval(draws[k][:, j], level)
                row[f"{k}_lo"], row[f"{k}_hi"] = float(lo), float(hi)
        rows.append(row)
    return rows


__all__ = ["ScalewallWarning", "exclude_top_loss", "fit"]
