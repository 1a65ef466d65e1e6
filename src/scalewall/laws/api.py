"""``scalewall.laws.fit``: the one entry point behind the CLI, the report and the backtests."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scalewall.data.runs import Selection, load_runs, mixed_groups, select_runs
from scalewall.errors import ScalewallError, ScalewallWarning, input_error
from scalewall.laws import allocation, epoch2024
from scalewall.laws.bootstrap import refit_batch, replicate_health
from scalewall.laws.catalog import LawName, law_spec, make_law
from scalewall.laws.fitter import RawFit, fit_raw, unpack
from scalewall.laws.forms import Chinchilla, Inputs, Law
from scalewall.laws.grouped import Grouped
from scalewall.laws.objectives import Objective, ObjectiveName
from scalewall.laws.outliers import flag_outliers
from scalewall.laws.profile import profile_intervals
from scalewall.laws.result import FitResult
from scalewall.resampling import percentile_interval, resample_weights

Array = NDArray[np.float64]
Progress = Callable[[int, int], None]

#: Budget at which Hoffmann et al. 2022 trained Chinchilla (Gopher's compute), in FLOPs.
CHINCHILLA_COMPUTE = 5.76e23
#: Bootstrap replicates when none are asked for: the same default as ``scalewall fit``.
DEFAULT_BOOTSTRAP = 1000
#: Budgets whose optimal loss the research note tabulates (scaling_laws.md, derived anchors).
REFERENCE_BUDGETS = (1e24, 1e25, 1e26)


def exclude_top_loss(df: pd.DataFrame, k: int, source: str = "table") -> pd.DataFrame:
    """Drop the k highest-loss rows, as Besiroglu et al. 2024 dropped 5 (loss < k-th largest)."""
    if k <= 0:
        return df
    if k >= len(df) - 2:
        raise input_error(
            f"--exclude-top-loss {k} leaves fewer than 3 of {len(df)} runs", source=source
        )
    cut = np.sort(df["loss"].to_numpy())[-k]
    return df[df["loss"] < cut].reset_index(drop=True)


def inputs_of(law: Law, df: pd.DataFrame) -> Inputs:
    """Arrays the law reads (see :meth:`Law.inputs_from`)."""
    return law.inputs_from(df)


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
    bootstrap: int | None = None,
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
    select: Selection | str = Selection.best,
    pool: bool = False,
    profile: bool = False,
) -> FitResult:
    """Fit a scaling law globally, with bootstrap intervals on parameters and derived quantities.

    The work is three steps, each its own function: :func:`point_fit` (the global optimum),
    :func:`bootstrap_draws` (refits on resamples) and :func:`derived_quantities` (allocation,
    diminishing returns and their intervals from the same draws).

    Parameters
    ----------
    table : DataFrame, str or Path
        A runs table, a registry name or a file (see :func:`scalewall.data.load_runs`).
    law : str or Law
        ``chinchilla``, ``power-n``/``power-d``/``power-c``, ``data-constrained``, ``broken``.
    objective : str
        ``huber-log`` (default; Huber ``delta`` on log loss, summed), ``mse-log``, ``mse``,
        ``asymmetric`` (lower envelope, over-predictions weighted by ``weight``).
    bootstrap : int, optional
        Replicates for percentile intervals (0: none); default :data:`DEFAULT_BOOTSTRAP` (1,000,
        as the CLI), or 4,000 with ``procedure="epoch2024"``. Rows are resampled, or whole groups
        when ``resample='group'`` (``auto``: by group when the table has ``group`` and ``step``).
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
        generator seeded 42 (see :mod:`scalewall.laws.epoch2024`).
    select : {"best", "all", "mean"}
        Rows that repeat a configuration (same N, D, ...; a learning-rate sweep): keep the lowest
        loss (default, as Li et al. 2025), all of them, or their mean (:func:`select_runs`).
    pool : bool
        When the ``group`` column holds several datasets or experiments, fit one law to all rows.
        Without it such a table gets a joint law (shared exponents, E, A, B per group; see
        :mod:`scalewall.laws.grouped`) and a warning naming the column.
    profile : bool
        Also compute profile-likelihood intervals (:mod:`scalewall.laws.profile`) of every
        fitted parameter, stored as ``profile_ci``: they need no resampling, so they stay
        meaningful where bootstrap refits end on a bound.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> N = np.repeat([1e8, 3e8, 1e9, 3e9], 4); D = np.tile([2e9, 6e9, 2e10, 6e10], 4)
    >>> df = pd.DataFrame({"N": N, "D": D, "loss": 1.8 + 400 * N**-0.34 + 2000 * D**-0.37})
    >>> r = fit(df, bootstrap=0)
    >>> round(r.params["alpha"], 3), round(r.params["beta"], 3)
    (0.34, 0.37)
    """
    src = source or ("table" if isinstance(table, pd.DataFrame) else str(table))
    base = law if isinstance(law, Law) else make_law(law, tie=tie, pins=pins, breaks=breaks)
    require = (*(c for c in base.inputs if c != "group"), "loss")
    df, selection = select_runs(load_runs(table, require=require, source_name=src), select)
    df = exclude_top_loss(df, exclude_top_loss_k, src)
    lw, groups = _group_structure(base, df, pool, src)
    obj = Objective(ObjectiveName(objective), delta=delta, weight=weight)
    X = inputs_of(lw, df)
    y = df["loss"].to_numpy(dtype=float)
    warns = _check_data(lw, df, force, src)
    raw, params = point_fit(lw, X, y, obj, procedure, src)
    if bootstrap is None:
        bootstrap = epoch2024.REPLICATES if procedure == "epoch2024" else DEFAULT_BOOTSTRAP
    boot: dict[str, Any] = {}
    draws: dict[str, Array] = {}
    samples = None
    if bootstrap > 0:
        draws, samples, boot = bootstrap_draws(
            lw, X, y, obj, raw.phi, bootstrap, seed, _groups(df, resample, lw), procedure, progress
        )
        if boot["not_converged"] > 0.01 * bootstrap:
            warns.append(
                f"{boot['not_converged']} of {bootstrap} bootstrap refits did not converge; "
                "intervals may be too narrow"
            )
    der = derived_quantities(lw, params, draws, df, level, flop_factor, budgets, target_loss)
    prof = _profile(lw, X, y, obj, raw.phi, level, procedure) if profile else {}
    mu = lw.predict_params(X, params)
    resid = obj.residuals(y, mu)
    aic, bic = _information(resid, len(lw.param_names), obj)
    form = lw.base if isinstance(lw, Grouped) else lw
    tied_beta = ["beta"] if isinstance(form, Chinchilla) and form.tied else []
    return FitResult(
        law=base.name,
        formula=lw.describe(),
        objective=obj.name.value,
        objective_detail=obj.describe(),
        n_points=len(df),
        objective_value=float(obj.value(y, mu)) if procedure == "epoch2024" else raw.value,
        params=params,
        ci={
            k: [float(x) for x in percentile_interval(draws[k], level)]
            for k in (*lw.param_names, *tied_beta)
            if k in draws
        },
        level=level,
        profile_ci=prof,
        derived=der["point"],
        derived_ci=der["ci"],
        diminishing_returns=der["diminishing_returns"],
        bootstrap=boot,
        diagnostics=dict(raw.diagnostics),
        warnings=warns + _diag_warnings(raw),
        outliers=flag_outliers(resid, len(lw.param_names)),
        procedure=procedure,
        source=src,
        flop_factor=flop_factor,
        pinned=dict(base.fixed),
        aic=aic,
        bic=bic,
        law_spec=law_spec(lw),
        selection=selection,
        groups=groups,
        samples_=samples,
        law_form_=lw,
    )


def _profile(
    lw: Law, X: Inputs, y: Array, obj: Objective, phi: Array, level: float, procedure: str
) -> dict[str, dict[str, Any]]:
    """Profile intervals of the fitted parameters (a tied beta shares alpha's)."""
    if procedure == "epoch2024":
        raise input_error(
            "--profile profiles the global objective; the epoch2024 preset's estimate is a "
            "different optimum",
            fix="drop --procedure epoch2024 or --profile",
        )
    out = profile_intervals(lw, X, y, obj, phi, level)
    form = lw.base if isinstance(lw, Grouped) else lw
    if isinstance(form, Chinchilla) and form.tied and "alpha" in out:
        out["beta"] = out["alpha"]
    return out


def _group_structure(
    base: Law, df: pd.DataFrame, pool: bool, src: str
) -> tuple[Law, dict[str, Any]]:
    """The law to fit and the record of how groups were treated (see ``pool`` in :func:`fit`)."""
    labels = mixed_groups(df)
    if not labels or isinstance(base, Grouped):
        return base, {}
    column = str(df.attrs.get("columns", {}).get("group", "group"))
    record: dict[str, Any] = {"column": column, "labels": labels}
    if pool:
        return base, {**record, "structure": "pooled"}
    warnings.warn(
        f"{src}: column '{column}' holds {len(labels)} datasets or experiments "
        f"({', '.join(labels[:4])}{', ...' if len(labels) > 4 else ''}); fitted a joint law with "
        "shared exponents and E, A, B per group instead of pooling them (--pool fits one law to "
        "all rows)",
        ScalewallWarning,
        stacklevel=3,
    )
    return Grouped(base=base, labels=tuple(labels)), {**record, "structure": "joint"}


def _check_data(lw: Law, df: pd.DataFrame, force: bool, src: str) -> list[str]:
    """Refuse unidentifiable exponents (unless forced); warn about too few points per parameter."""
    warns: list[str] = []
    base = lw.base if isinstance(lw, Grouped) else lw
    reasons = check_identifiable(base, df) if {"N", "D"} <= set(df.columns) else []
    if reasons and not force:
        raise input_error(
            "; ".join(reasons),
            source=src,
            fix="Refit with --tie (alpha = beta) or --pin E=<value> (an asymptote from "
            "elsewhere), or pass --force to fit anyway",
        )
    warns += [f"{r} (fitted anyway with --force)" for r in reasons]
    k, n = len(lw.param_names), len(df)
    if n < 2 * k:
        warns.append(
            f"{n} points for {k} parameters (fewer than 2 per parameter): the fit can follow "
            "the noise; add runs, or fit fewer parameters (--tie, --pin)"
        )
    return warns


def point_fit(
    lw: Law, X: Inputs, y: Array, obj: Objective, procedure: str, src: str = "table"
) -> tuple[RawFit, dict[str, float]]:
    """The global optimum of the objective, or the epoch2024 preset's Huber-likelihood estimate."""
    if procedure not in ("global", "epoch2024"):
        raise input_error("--procedure must be 'global' or 'epoch2024'", got=procedure)
    if procedure == "epoch2024":
        if not (isinstance(lw, Chinchilla) and not lw.tied and not lw.fixed):
            raise input_error(
                "--procedure epoch2024 applies to the untied, unpinned chinchilla law"
            )
        if obj.name is not ObjectiveName.huber_log:
            raise input_error(
                "--procedure epoch2024 uses the huber-log objective; drop --objective"
            )
    try:
        raw = fit_raw(lw, X, y, obj)
    except (np.linalg.LinAlgError, FloatingPointError, OverflowError) as exc:
        raise ScalewallError(
            f"{src}: the fit failed numerically ({exc}); check that N, D and loss are in raw "
            "units (parameters, tokens, nats) and not extreme"
        ) from exc
    params = lw.full_params(unpack(lw, raw.phi))
    if procedure == "epoch2024":
        params, loglik = epoch2024.huber_likelihood_fit(X, y, obj.delta)
        raw.diagnostics["huber_loglik"] = loglik
    return raw, params


def bootstrap_draws(
    lw: Law,
    X: Inputs,
    y: Array,
    obj: Objective,
    phi_hat: Array,
    replicates: int,
    seed: int,
    groups: NDArray[np.int_] | None,
    procedure: str = "global",
    progress: Progress | None = None,
) -> tuple[dict[str, Array], Array, dict[str, Any]]:
    """Refit ``replicates`` resamples at once: (draws per parameter, samples, record).

    ``samples`` has one column per fitted parameter in ``lw.param_names`` order; the record
    (``replicates``, ``seed``, ``resample``, ``method``, ``not_converged``) is ``FitResult``'s
    ``bootstrap``.
    """
    if procedure == "epoch2024":
        seed = epoch2024.SEED
        W = epoch2024.legacy_resamples(len(y), replicates, seed)
    else:
        W = resample_weights(len(y), replicates, np.random.default_rng(seed), groups)
    phis, _, conv = refit_batch(lw, X, y, obj, phi_hat, W, progress=progress)
    full = [lw.full_params(unpack(lw, row)) for row in phis]
    draws = {k: np.array([p[k] for p in full]) for k in full[0]}
    samples = np.column_stack([draws[k] for k in lw.param_names])
    record = {
        "replicates": replicates,
        "seed": seed,
        "resample": "group" if groups is not None else "run",
        "method": "percentile",
        **replicate_health(lw, phis, conv),  # counts shown with every interval
    }
    return draws, samples, record


def derived_quantities(
    lw: Law,
    params: Mapping[str, float],
    draws: Mapping[str, Array],
    df: pd.DataFrame,
    level: float,
    flop_factor: float = 6.0,
    budgets: Array | None = None,
    target_loss: float | None = None,
) -> dict[str, Any]:
    """Derived quantities at the estimate and their intervals from the same bootstrap draws.

    Returns ``point`` and ``ci`` (dicts) and ``diminishing_returns`` (rows per compute decade).
    For a joint law each group's quantities carry the suffix ``[group]`` and the
    diminishing-returns table is left out (one table per group would not fit a screen; use
    ``FitResult.allocate(C, group=...)``).
    """
    budgets_arr = np.asarray([] if budgets is None else budgets, dtype=float)
    point = {k: np.asarray(v) for k, v in params.items()}
    parts = [("", lw, point, dict(draws))]
    if isinstance(lw, Grouped):
        parts = [
            (f"[{g}]", lw.base, _one_group(lw, point, g), _one_group(lw, draws, g) if draws else {})
            for g in lw.labels
        ]
    out_p: dict[str, float] = {}
    out_ci: dict[str, list[float]] = {}
    for suffix, law, p, d in parts:
        for which, P in (("point", p), ("draws", d)):
            if not P:
                continue
            der = _derived(law, P, flop_factor, budgets_arr)
            if target_loss is not None and der:
                der[f"compute_for_loss_{target_loss:g}"] = allocation.compute_for_loss(
                    _with_beta(P), target_loss, flop_factor
                )
            for k, v in der.items():
                if which == "point":
                    out_p[k + suffix] = float(v)
                else:
                    out_ci[k + suffix] = [float(x) for x in percentile_interval(v, level)]
    rows: list[dict[str, float]] = []
    frontier = bool(out_p) and "R_D_star" not in params and not isinstance(lw, Grouped)
    if frontier:  # the frontier assumes unlimited data
        dr_budgets = decade_budgets(df)
        table_point = allocation.diminishing_returns(_with_beta(point), dr_budgets, flop_factor)
        table_draws = (
            allocation.diminishing_returns(_with_beta(draws), dr_budgets, flop_factor)
            if draws
            else {}
        )
        rows = _dr_rows(dr_budgets, table_point, table_draws, level)
    return {"point": out_p, "ci": out_ci, "diminishing_returns": rows}


def _one_group(lw: Grouped, P: Mapping[str, Array], group: str) -> dict[str, Array]:
    """One group's parameters of a joint law under the base form's names (arrays kept)."""
    out = {c: np.asarray(P[f"{c}[{group}]"]) for c in lw.base.all_linear}
    out.update({k: np.asarray(v) for k, v in P.items() if "[" not in k})
    return out


def _with_beta(p: Mapping[str, Array]) -> dict[str, Array]:
    q = dict(p)
    q.setdefault("beta", q["alpha"])
    return q


def _groups(df: pd.DataFrame, resample: str, lw: Law | None = None) -> NDArray[np.int_] | None:
    """Bootstrap unit: None (runs) or a label per row (whole groups drawn together)."""
    if resample not in ("auto", "run", "group"):
        raise input_error("--resample must be auto, run or group", got=resample)
    joint = isinstance(lw, Grouped)  # its groups are datasets, each with its own coefficients
    auto = resample == "auto" and not joint and {"group", "step"} <= set(df.columns)
    if not (resample == "group" or auto):
        return None
    if joint:
        raise input_error(
            "--resample group draws whole groups, but each group here has its own coefficients",
            fix="use --resample run, or --pool for one law over all groups",
        )
    if "group" not in df.columns:
        raise input_error("--resample group needs a group column; map it with --group-col")
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


__all__ = [
    "DEFAULT_BOOTSTRAP",
    "ScalewallWarning",
    "bootstrap_draws",
    "derived_quantities",
    "exclude_top_loss",
    "fit",
    "point_fit",
]
