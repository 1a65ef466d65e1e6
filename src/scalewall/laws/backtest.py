"""Backtests: fit a law on part of the runs, predict the rest, and score the predictions.

A scaling law is used to extrapolate, so the test that matters is out of sample: fit on the small
runs and ask how well the law predicts the large ones. Four schemes cover the designs seen in
practice:

``cutoff``
    Fit on rows with ``by <= cutoff`` (compute C or size N) and predict the rest ("fit on budgets
    up to X, predict larger budgets").
``top-k``
    Hold out the ``k`` runs with the largest ``by`` value.
``rolling``
    A rollout over increasing ``by`` (size N by default): for each distinct value ``v_i`` from the
    third on, fit on all rows with ``by < v_i`` and predict the rows at ``v_i``, as OLMo-core's
    Chinchilla utilities do (allenai/OLMo-core PR #554).
``logo``
    Leave one group out: for each value of the ``group`` column, fit on the other groups and
    predict it (what the ``scaling-audit`` package calls extrapolation auditing).

Every fit goes through :func:`scalewall.laws.api.fit`, so backtests score exactly the fits users
get. Errors are in log loss, ``e = log(predicted) - log(observed)`` (positive: the law is too
pessimistic), and are reported as RMSLE (root mean squared ``e``), mean bias (mean ``e``) and the
largest ``|e|``.
"""

from __future__ import annotations

import enum
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scalewall.data.runs import Selection, load_runs, select_runs
from scalewall.errors import ScalewallError, input_error
from scalewall.laws.api import exclude_top_loss, fit, inputs_of
from scalewall.laws.bootstrap import HEALTH
from scalewall.laws.catalog import LawName, make_law
from scalewall.laws.forms import Inputs, Law
from scalewall.laws.objectives import Objective, ObjectiveName
from scalewall.laws.result import FitResult, _clean
from scalewall.resampling import percentile_interval
from scalewall.validate import check_choice, check_options

Array = NDArray[np.float64]
Mask = NDArray[np.bool_]
Progress = Callable[[int, int], None]

SCHEMA_VERSION = 1
#: Samples per held-out point for the predictive interval (parameter draws x training residuals);
#: 2,000 keeps the Monte Carlo error of a 90% percentile band near 0.7 points of coverage.
PREDICTIVE_SAMPLES = 2000
AIC_NOTE = (
    "AIC/BIC come from full-data fits and compare laws only because every law here is fitted to "
    "the same rows with the same objective; they are not comparable across tables or objectives"
)


class Scheme(str, enum.Enum):
    """How runs are split into training and held-out sets."""

    cutoff = "cutoff"
    top_k = "top-k"
    rolling = "rolling"
    logo = "logo"


@dataclass(frozen=True)
class Split:
    """One train/test partition of the runs table (boolean row masks)."""

    label: str
    train: Mask
    test: Mask


@dataclass
class SplitScore:
    """How one law did on one split.

    Attributes
    ----------
    law, split : str
        Law label and split label.
    status : {"ok", "failed"}
        ``failed`` when the law could not be fitted on the training rows; ``reason`` says why.
    n_train, n_test : int
        Rows fitted and rows predicted.
    rmsle : float
        ``sqrt(mean(e**2))`` with ``e = log(predicted) - log(observed)`` on held-out rows.
    bias : float
        ``mean(e)``: positive when the law over-predicts the held-out loss.
    max_abs_error : float
        ``max(|e|)``.
    coverage : float or None
        Fraction of held-out losses inside the bootstrap band of the *mean curve* (None without
        bootstrap).
    coverage_predictive : float or None
        Fraction inside the predictive interval (mean-curve draws plus training residuals).
    n_params : int or None
        Parameters fitted on the training rows (None when the fit failed).
    bootstrap_health : dict
        Replicates of the split's bootstrap (the band's draws) that did not converge, turned
        non-finite or ended on a search bound (:func:`scalewall.laws.bootstrap.replicate_health`);
        empty without a bootstrap.
    """

    law: str
    split: str
    status: str
    n_train: int
    n_test: int
    rmsle: float | None = None
    bias: float | None = None
    max_abs_error: float | None = None
    coverage: float | None = None
    coverage_predictive: float | None = None
    reason: str | None = None
    n_params: int | None = None
    bootstrap_health: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    errors_: Array | None = field(default=None, repr=False)  # e per held-out row
    inside_: Mask | None = field(default=None, repr=False)  # in the mean band
    inside_pred_: Mask | None = field(default=None, repr=False)  # in the predictive interval

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view (fields ending in ``_`` are left out)."""
        keys = [k for k in self.__dataclass_fields__ if not k.endswith("_")]
        out: dict[str, Any] = _clean({k: getattr(self, k) for k in keys})
        return out


@dataclass
class BacktestResult:
    """Scores of every law on every split, pooled summaries and rankings.

    Attributes
    ----------
    scores : list of SplitScore
        One per (law, split).
    summary : dict
        Per law, pooled over its successful splits: ``rmsle``, ``bias``, ``max_abs_error``,
        ``coverage``, ``coverage_predictive``, ``n_test``, ``splits_ok``, ``splits_failed``,
        and ``bootstrap_health`` (flag counts of the bands' replicates, summed over splits).
    ranking : dict
        ``heldout_rmsle``: laws by pooled held-out RMSLE over the splits every ranked law fitted
        (``heldout_basis`` says which); ``aic`` and ``bic``: laws by the criteria of full-data
        fits, lowest first (see ``AIC_NOTE``).
    full_fits : dict
        Per law, the full-data fit behind AIC/BIC: ``status``, ``reason``, ``n_points``,
        ``objective_value``, ``aic``, ``bic``, ``params``.
    predictions : list of dict
        One per (law, split, held-out row): ``row`` (1-based, in the table after
        ``exclude_top_loss``), ``N``/``D``/``C`` where present, ``observed``, ``predicted``, the mean
        band ``band_lo``/``band_hi`` and the predictive interval ``pred_lo``/``pred_hi``.
    """

    scheme: str
    by: str
    cutoff: float | None
    k: int | None
    objective: str
    objective_detail: str
    level: float
    bootstrap: int
    seed: int
    force: bool
    source: str
    n_points: int
    exclude_top_loss: int
    laws: list[str]
    splits: list[dict[str, Any]]
    scores: list[SplitScore]
    summary: dict[str, dict[str, Any]]
    ranking: dict[str, Any]
    full_fits: dict[str, dict[str, Any]]
    predictions: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    selection: dict[str, Any] = field(default_factory=dict)
    fit_options: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view; the schema is documented in the README."""
        from scalewall import __version__

        d = {
            "schema_version": SCHEMA_VERSION,
            "scalewall_version": __version__,
            "analysis": "backtest",
            "source": self.source,
            "scheme": self.scheme,
            "by": self.by,
            "cutoff": self.cutoff,
            "k": self.k,
            "objective": self.objective,
            "objective_detail": self.objective_detail,
            "level": self.level,
            "bootstrap": self.bootstrap,
            "seed": self.seed,
            "force": self.force,
            "n_points": self.n_points,
            "exclude_top_loss": self.exclude_top_loss,
            "laws": self.laws,
            "splits": self.splits,
            "scores": [s.to_dict() for s in self.scores],
            "summary": self.summary,
            "ranking": self.ranking,
            "full_fits": self.full_fits,
            "predictions": self.predictions,
            "warnings": self.warnings,
            "selection": self.selection,
            "fit_options": self.fit_options,
        }
        out: dict[str, Any] = _clean(d)
        return out


# -- splits ------------------------------------------------------------------------------------
def _levels(v: Array) -> tuple[Array, NDArray[np.int_]]:
    """Distinct values of a size column, merging values within 0.1% (SVG-extracted sizes)."""
    key = np.round(np.log10(v), 3)
    uniq, inv = np.unique(key, return_inverse=True)
    vals: Array = np.asarray(10.0**uniq, dtype=float)
    return vals, inv


def make_splits(
    df: pd.DataFrame,
    scheme: Scheme | str,
    by: str,
    *,
    cutoff: float | None = None,
    k: int | None = None,
) -> list[Split]:
    """Train/test partitions of a runs table for one scheme (see the module docstring).

    Raises
    ------
    InputError
        A scheme without its setting (``cutoff``), a setting that leaves no training or no
        held-out rows, or ``logo`` without a ``group`` column.
    """
    sch = Scheme(scheme)
    n = len(df)
    v = df[by].to_numpy(dtype=float)
    if cutoff is not None and sch is not Scheme.cutoff:
        raise input_error(f"--cutoff applies to --scheme cutoff, not '{sch.value}'")
    if sch is Scheme.cutoff:
        if cutoff is None:
            raise input_error(
                "--scheme cutoff needs --cutoff",
                fix=f"give a {by} threshold between {v.min():.3g} and {v.max():.3g} (rows with "
                f"{by} <= cutoff are fitted, the rest predicted)",
            )
        train = v <= cutoff
        if train.sum() < 3 or (~train).sum() == 0:
            raise input_error(
                f"--cutoff {cutoff:.3g} leaves {int(train.sum())} training and "
                f"{int((~train).sum())} held-out runs (at least 3 and 1 needed)",
                fix=f"{by} ranges from {v.min():.3g} to {v.max():.3g}",
            )
        return [Split(f"{by} <= {cutoff:.3g}", train, ~train)]
    if sch is Scheme.top_k:
        kk = 20 if k is None else int(k)
        if not 1 <= kk <= n - 3:
            raise input_error(f"--k must be between 1 and {n - 3} for {n} runs", got=kk)
        other = df["N" if by != "N" and "N" in df.columns else "loss"].to_numpy(dtype=float)
        order = np.lexsort((other, v))  # ascending by `by`, ties by the other column
        test = np.zeros(n, dtype=bool)
        test[order[-kk:]] = True
        return [Split(f"top {kk} by {by}", ~test, test)]
    if sch is Scheme.rolling:
        vals, inv = _levels(v)
        if vals.size < 3:
            raise input_error(
                f"--scheme rolling needs at least 3 distinct values of {by}", got=vals.size
            )
        return [Split(f"{by} = {vals[i]:.3g}", inv < i, inv == i) for i in range(2, vals.size)]
    if "group" not in df.columns:
        raise input_error("--scheme logo needs a group column; map it with --group-col")
    groups = df["group"].to_numpy()
    labels = list(dict.fromkeys(groups.tolist()))
    if len(labels) < 2:
        raise input_error("--scheme logo needs at least 2 groups", got=len(labels))
    return [Split(f"group = {g}", groups != g, groups == g) for g in labels]


# -- scoring -----------------------------------------------------------------------------------
def _label(law: str | Law) -> str:
    if isinstance(law, str):
        return law
    name = law.name
    variable = getattr(law, "variable", None)
    if variable:
        name = f"{name}-{str(variable).lower()}"
    if getattr(law, "tied", False):
        name += " (tied)"
    if law.fixed:
        name += " (" + ", ".join(f"{k}={v:g}" for k, v in law.fixed.items()) + ")"
    return name


def draw_predictions(law: Law, X: Inputs, samples: Array) -> Array:
    """Predicted loss for every bootstrap parameter draw, shape ``(draws, rows)``.

    ``samples`` has columns in ``law.param_names`` order (fitted coefficients, then the nonlinear
    parameters); pinned coefficients enter through the law's offset.
    """
    p = len(law.linear)
    coef, theta = samples[:, :p], samples[:, p:]
    B, off = law.basis(X, theta)
    out: Array = np.einsum("rnp,rp->rn", B, coef) + off
    return out


def _safe_log(x: Array) -> Array:
    out: Array = np.log(np.maximum(x, 1e-300))
    return out


def _score(
    law: Law,
    label: str,
    split: Split,
    df: pd.DataFrame,
    fit_kw: dict[str, Any],
    level: float,
    rng: np.random.Generator,
) -> tuple[SplitScore, list[dict[str, Any]]]:
    """Fit ``law`` on the split's training rows and score it on its held-out rows."""
    train = df[split.train].reset_index(drop=True)
    test = df[split.test]
    base = SplitScore(label, split.label, "failed", len(train), len(test))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res: FitResult = fit(train, law, **fit_kw)
        law = res.form  # the law actually fitted (a joint law when groups are datasets)
        X_test = inputs_of(law, test)
    except (ScalewallError, ValueError, np.linalg.LinAlgError) as exc:
        base.reason = str(exc).split("\n")[0]
        return base, []
    y = test["loss"].to_numpy(dtype=float)
    mu = law.predict_params(X_test, res.params)
    e = _safe_log(mu) - np.log(y)
    # training residuals on the log scale, whatever the objective: the noise the band lacks
    mu_tr = law.predict_params(inputs_of(law, train), res.params)
    r_tr = np.log(train["loss"].to_numpy(dtype=float)) - _safe_log(mu_tr)
    lo = hi = None
    inside = None
    if res.samples_ is not None:
        draws = draw_predictions(law, X_test, res.samples_)
        lo, hi = percentile_interval(draws, level)
        inside = (y >= lo) & (y <= hi)
        reps = max(1, math.ceil(PREDICTIVE_SAMPLES / draws.shape[0]))
        logd = np.repeat(_safe_log(draws), reps, axis=0)
        noise = r_tr[rng.integers(0, r_tr.size, size=logd.shape)]
        plo, phi = (np.exp(x) for x in percentile_interval(logd + noise, level))
    else:  # no parameter draws: point prediction widened by the residual quantiles only
        q = (1 - level) / 2
        qlo, qhi = np.quantile(r_tr, [q, 1 - q])
        plo, phi = mu * np.exp(qlo), mu * np.exp(qhi)
    inside_pred = (y >= plo) & (y <= phi)
    score = SplitScore(
        label,
        split.label,
        "ok",
        len(train),
        len(test),
        rmsle=float(np.sqrt(np.mean(e**2))),
        bias=float(np.mean(e)),
        max_abs_error=float(np.max(np.abs(e))),
        coverage=None if inside is None else float(inside.mean()),
        coverage_predictive=float(inside_pred.mean()),
        n_params=len(law.param_names),
        bootstrap_health={k: int(res.bootstrap[k]) for k in HEALTH if k in res.bootstrap},
        warnings=list(dict.fromkeys([*res.warnings, *(str(w.message) for w in caught)])),
        errors_=e,
        inside_=inside,
        inside_pred_=inside_pred,
    )
    rows = np.flatnonzero(split.test)
    preds = []
    for j, i in enumerate(rows):
        rec: dict[str, Any] = {"law": label, "split": split.label, "row": int(i) + 1}
        for c in ("N", "D", "C"):
            if c in df.columns:
                rec[c] = float(df[c].iloc[i])
        rec.update(
            observed=float(y[j]),
            predicted=float(mu[j]),
            band_lo=None if lo is None else float(lo[j]),
            band_hi=None if hi is None else float(hi[j]),
            pred_lo=float(plo[j]),
            pred_hi=float(phi[j]),
        )
        preds.append(rec)
    return score, preds


def _pool(scores: list[SplitScore]) -> dict[str, Any]:
    ok = [s for s in scores if s.status == "ok" and s.errors_ is not None]
    out: dict[str, Any] = {
        "splits_ok": len(ok),
        "splits_failed": len(scores) - len(ok),
        "failures": [{"split": s.split, "reason": s.reason} for s in scores if s.status != "ok"],
    }
    if not ok:
        return out
    e = np.concatenate([s.errors_ for s in ok if s.errors_ is not None])
    out.update(
        n_test=int(e.size),
        rmsle=float(np.sqrt(np.mean(e**2))),
        bias=float(np.mean(e)),
        max_abs_error=float(np.max(np.abs(e))),
        coverage_predictive=float(
            np.concatenate([s.inside_pred_ for s in ok if s.inside_pred_ is not None]).mean()
        ),
    )
    if any(s.bootstrap_health for s in ok):
        out["bootstrap_health"] = {k: sum(s.bootstrap_health.get(k, 0) for s in ok) for k in HEALTH}
    bands = [s.inside_ for s in ok if s.inside_ is not None]
    out["coverage"] = float(np.concatenate(bands).mean()) if len(bands) == len(ok) else None
    return out


def _rank(
    scores: list[SplitScore], laws: list[str], full: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    by_law = {lw: [s for s in scores if s.law == lw] for lw in laws}
    ranked = [lw for lw in laws if any(s.status == "ok" for s in by_law[lw])]
    splits = list(dict.fromkeys(s.split for s in scores))
    common = [
        sp
        for sp in splits
        if all(any(s.split == sp and s.status == "ok" for s in by_law[lw]) for lw in ranked)
    ]
    if common:
        basis = f"{len(common)} of {len(splits)} splits that every ranked law fitted"
        pooled = {lw: _pool([s for s in by_law[lw] if s.split in common]) for lw in ranked}
    else:
        basis = "each law's own successful splits (no split was fitted by every law)"
        pooled = {lw: _pool(by_law[lw]) for lw in ranked}
    rmsle = sorted(
        (
            {"law": lw, "rmsle": pooled[lw]["rmsle"], "n_test": pooled[lw]["n_test"]}
            for lw in ranked
        ),
        key=lambda r: r["rmsle"],
    )

    def crit(name: str) -> list[dict[str, Any]]:
        rows = [
            {"law": lw, name: f[name], "n_points": f["n_points"]}
            for lw, f in full.items()
            if f.get(name) is not None
        ]
        return sorted(rows, key=lambda r: r[name])

    return {
        "heldout_rmsle": rmsle,
        "heldout_basis": basis,
        "unranked": [
            {"law": lw, "reason": "failed on every split"} for lw in laws if lw not in ranked
        ],
        "aic": crit("aic"),
        "bic": crit("bic"),
        "note": AIC_NOTE,
    }


def _full_fit(law: Law, df: pd.DataFrame, fit_kw: dict[str, Any]) -> dict[str, Any]:
    kw = {**fit_kw, "bootstrap": 0}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fit(df, law, **kw)
    except (ScalewallError, ValueError, np.linalg.LinAlgError) as exc:
        return {"status": "failed", "reason": str(exc).split("\n")[0], "n_points": len(df)}
    return {
        "status": "ok",
        "reason": None,
        "n_points": r.n_points,
        "objective_value": r.objective_value,
        "aic": r.aic,
        "bic": r.bic,
        "params": r.params,
    }


def backtest(
    table: pd.DataFrame | str,
    laws: Sequence[str | Law] = ("chinchilla", "power-c"),
    objective: ObjectiveName | str = "huber-log",
    *,
    scheme: Scheme | str = Scheme.top_k,
    by: str | None = None,
    cutoff: float | None = None,
    k: int | None = None,
    bootstrap: int = 200,
    seed: int = 0,
    level: float = 0.9,
    exclude_top_loss_k: int = 0,
    delta: float = 1e-3,
    weight: float = 10.0,
    force: bool = False,
    tie: bool = False,
    pins: Mapping[str, float] | None = None,
    select: Selection | str = Selection.best,
    pool: bool = False,
    source: str = "",
    progress: Progress | None = None,
) -> BacktestResult:
    """Backtest scaling laws out of sample and rank them.

    Parameters
    ----------
    table : DataFrame or str
        A runs table, a registry name or a file.
    laws : sequence of str or Law
        Law names (``chinchilla``, ``power-c``, ...; see :class:`scalewall.laws.LawName`) or
        built :class:`Law` objects.
    objective : str
        Objective of every fit (see :func:`scalewall.laws.fit`).
    scheme : {"cutoff", "top-k", "rolling", "logo"}
        How to split (module docstring); default ``top-k``, as ``scalewall backtest``.
    by : {"C", "N", "D"}, optional
        Column the split is defined on; default ``N`` for ``rolling``, ``C`` otherwise.
    cutoff : float, optional
        Threshold on ``by`` for ``cutoff`` (required there, rejected elsewhere).
    k : int, optional
        Held-out runs for ``top-k`` (default 20).
    bootstrap : int, default 200
        Bootstrap replicates per training fit, for interval coverage (0: no mean band).
    level : float, default 0.9
        Nominal level of the bands.
    exclude_top_loss_k : int
        Drop the k highest-loss runs once, before splitting (Besiroglu et al. 2024 drop 5).
    force : bool, default False
        Passed to every fit. Without it a training split whose sizes cannot identify the
        exponents (under a decade of N or D, or fewer than 4 distinct values) is reported as
        failed with that reason instead of scored: such a fit is not one a careful analyst would
        extrapolate from, and its arbitrary exponents would dominate the pooled error. With it
        those splits are scored too and the identifiability warning is kept in the split.
    tie, pins : optional
        As in :func:`scalewall.laws.fit`, applied to every law they fit: ``tie`` to the laws with
        two exponents, each pin to the laws that have that coefficient.
    select : {"best", "all", "mean"}
        Rows that repeat a configuration, resolved once before splitting (see
        :func:`scalewall.data.runs.select_runs`).
    pool : bool
        Fit one law to all groups of a table whose group column holds datasets (else each fit is
        a joint law with coefficients per group). ``logo`` always pools: a law for a left-out
        dataset cannot have that dataset's own coefficients.

    Returns
    -------
    BacktestResult

    Notes
    -----
    ``coverage`` is the share of held-out *observed* losses inside the percentile band of the
    *predicted mean curve* across bootstrap parameter draws (``FitResult.samples_``). That band
    describes uncertainty about the law, not the scatter of single runs around it, so for noisy
    runs coverage is expected to fall below ``level`` even for a correct law.
    ``coverage_predictive`` uses a proper predictive interval: each mean-curve draw plus a
    training residual drawn at random (log scale), so it includes run-to-run noise. Training
    residuals are in-sample and extrapolation adds error, so this too tends to under-cover.

    A law that cannot be fitted on a split (too few sizes, a missing column, an optimiser
    failure) is reported with ``status="failed"`` and the reason; it never stops the backtest.
    The held-out ranking pools errors over the splits every ranked law fitted, so laws are
    compared on the same points. AIC/BIC come from fits to all rows (no split): they are
    comparable across laws only because those fits share rows and objective.
    """
    src = source or ("table" if isinstance(table, pd.DataFrame) else str(table))
    sch = Scheme(scheme)
    col = by or ("N" if sch is Scheme.rolling else "C")
    check_choice(col, ("C", "N", "D"), "--by")
    check_options(level=level, bootstrap=bootstrap)
    require = ["loss", col]  # a missing group column is reported by make_splits, with the fix
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unit warnings are the loader's job, shown by `fit`
        df, selection = select_runs(load_runs(table, require=require, source_name=src), select)
    df = exclude_top_loss(df, exclude_top_loss_k)
    built = _build_laws(laws, tie, dict(pins or {}))
    labels = [lb for lb, _ in built]
    if not built:
        raise input_error("give at least one --law")
    if len(set(labels)) != len(labels):
        raise input_error("each law may be given once", got=", ".join(labels))
    splits = make_splits(df, sch, col, cutoff=cutoff, k=k)
    obj = Objective(ObjectiveName(objective), delta=delta, weight=weight)
    fit_kw: dict[str, Any] = dict(
        objective=obj.name,
        delta=delta,
        weight=weight,
        bootstrap=bootstrap,
        seed=seed,
        level=level,
        force=force,
        source=src,
        select=Selection.all,  # resolved above, once for every split
        pool=pool or sch is Scheme.logo,
    )
    total = len(built) * (len(splits) + 1)
    done = 0
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(splits))]
    scores: list[SplitScore] = []
    preds: list[dict[str, Any]] = []
    full: dict[str, dict[str, Any]] = {}
    for label, lw in built:
        for sp, rng in zip(splits, rngs, strict=True):
            sc, pr = _score(lw, label, sp, df, fit_kw, level, rng)
            scores.append(sc)
            preds.extend(pr)
            done += 1
            if progress is not None:
                progress(done, total)
        full[label] = _full_fit(lw, df, fit_kw)
        done += 1
        if progress is not None:
            progress(done, total)
    summary = {lb: _pool([s for s in scores if s.law == lb]) for lb in labels}
    warns = _fold_size_warnings(scores)
    if bootstrap == 0:
        warns.append(
            "no bootstrap: coverage of the mean band is not computed, and the predictive interval "
            "uses training residual quantiles around the point prediction only"
        )
    return BacktestResult(
        scheme=sch.value,
        by=col,
        cutoff=cutoff,
        k=(20 if k is None else k) if sch is Scheme.top_k else None,
        objective=obj.name.value,
        objective_detail=obj.describe(),
        level=level,
        bootstrap=bootstrap,
        seed=seed,
        force=force,
        source=src,
        n_points=len(df),
        exclude_top_loss=exclude_top_loss_k,
        laws=labels,
        splits=[
            {"label": s.label, "n_train": int(s.train.sum()), "n_test": int(s.test.sum())}
            for s in splits
        ],
        scores=scores,
        summary=summary,
        ranking=_rank(scores, labels, full),
        full_fits=full,
        predictions=preds,
        warnings=warns,
        selection=selection,
        fit_options={"tie": tie, "pins": dict(pins or {}), "pool": fit_kw["pool"]},
    )


def _build_laws(
    laws: Sequence[str | Law], tie: bool, pins: dict[str, float]
) -> list[tuple[str, Law]]:
    """(label, law) pairs from names, with ``tie`` and ``pins`` applied where they mean something.

    A name keeps its command-line spelling as the label, with ``(tied)`` and the pins added.
    """
    two = {LawName.chinchilla.value, LawName.data_constrained.value}
    out: list[tuple[str, Law]] = []
    used: set[str] = set()
    for lw in laws:
        if isinstance(lw, Law):
            out.append((_label(lw), lw))
            continue
        name = LawName(lw).value
        probe = make_law(name)
        # only the data-constrained law takes pins on its nonlinear parameters (make_law)
        extra = probe.nonlinear if name == LawName.data_constrained.value else ()
        mine = {k: v for k, v in pins.items() if k in (*probe.all_linear, *extra)}
        used |= set(mine)
        built = make_law(name, tie=tie and name in two, pins=mine)
        label = name + (" (tied)" if getattr(built, "tied", False) else "")
        label += " (" + ", ".join(f"{k}={v:g}" for k, v in mine.items()) + ")" if mine else ""
        out.append((label, built))
    if tie and not any(getattr(lw, "tied", False) for _, lw in out):
        raise input_error("--tie applies to laws with two exponents (chinchilla, data-constrained)")
    unused = sorted(set(pins) - used)
    if unused:
        raise input_error(f"no law here has {', '.join(unused)} to pin")
    return out


def _fold_size_warnings(scores: list[SplitScore]) -> list[str]:
    """One warning per law whose folds fit fewer than two points per parameter."""
    out = []
    for law in dict.fromkeys(s.law for s in scores):
        small = [
            s
            for s in scores
            if s.law == law and s.n_params is not None and s.n_train < 2 * s.n_params
        ]
        if small:
            worst = min(small, key=lambda s: s.n_train)
            k = worst.n_params or 0
            out.append(
                f"{law}: {len(small)} split(s) fit {k} parameters to fewer than "
                f"{2 * k} points (fewest: {worst.n_train} on '{worst.split}'); "
                "their held-out errors say little about the law (use fewer, larger folds, "
                "--tie or --pin)"
            )
    return out


__all__ = ["BacktestResult", "Scheme", "Split", "SplitScore", "backtest", "make_splits"]
