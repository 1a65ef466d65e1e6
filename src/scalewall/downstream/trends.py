"""Per-task trends of accuracy in log model size: slope, last-10x gain, inverse scaling, saturation.

Each task's scores are regressed on ``log10(parameters)`` by ordinary least squares, over all
models (the trend) and over the models in the last decade of size (the last-10x gain, which is
the local slope times one decade: the fitted score at the largest size minus the fitted score
ten times below it).

Intervals are Student-t intervals with ``n - 2`` degrees of freedom, not a bootstrap: a task has
only a handful of model sizes (8 for Pythia), too few for a pairs bootstrap, which then draws
degenerate resamples and gives percentile intervals that are too narrow; the t interval is exact
for Gaussian scatter around a line, and each score is an average over hundreds of items, so its
evaluation noise is close to Gaussian. The scatter estimate includes everything that moves a
model off the line (evaluation noise, training-run differences, curvature). When a task's
test-set size ``m`` is known, each score's evaluation noise ``p (1 - p) / m`` is a known lower
bound on its variance, and every interval is at least as wide as that noise alone implies: the
variance of a linear estimate ``w . y`` is ``max(s^2 sum(w^2), sum(w^2 v))``. The floor treats
different models' noise as independent, which is conservative: all models answer the same items,
so part of the noise cancels in a difference. For unknown tasks evaluation noise enters only
through the scatter (the output says which tasks).

Inverse scaling is a significantly negative trend (one-sided t test) after Holm's correction over
tasks, which controls the chance of any false detection without assuming independent tasks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from scalewall.downstream.tasks import TaskInfo, task_info
from scalewall.errors import input_error
from scalewall.storage import records

Array = NDArray[np.float64]

#: One decade of model size: the "last 10x".
DECADE = 1.0


# -- the statistics, vectorised over leading (batch) axes -----------------------------------------
@dataclass(frozen=True)
class Contrast:
    """A linear estimate ``w . y`` with its standard error and t interval."""

    estimate: Array
    se: Array
    df: int
    lo: Array
    hi: Array
    noise_bound: Array  # True where evaluation noise, not the scatter, set the standard error

    @property
    def p_two_sided(self) -> Array:
        out: Array = 2.0 * stats.t.sf(np.abs(self.estimate / self.se), self.df)
        return out

    @property
    def p_negative(self) -> Array:
        """One-sided p-value of ``estimate < 0``."""
        out: Array = stats.t.cdf(self.estimate / self.se, self.df)
        return out


def _design(x: Array) -> tuple[Array, Array]:
    xbar = x.mean()
    dx = x - xbar
    return dx, dx / float((dx**2).sum())


def _contrast(w: Array, y: Array, s2: Array, v: Array, df: int, level: float) -> Contrast:
    """``w`` (k, n) or (n,) weights; ``y``, ``v`` (..., n); ``s2`` (...,)."""
    est = np.tensordot(y, w.T, axes=(-1, 0)) if w.ndim == 2 else y @ w
    w2 = (w**2).sum(-1)
    scatter = s2[..., None] * w2 if w.ndim == 2 else s2 * w2
    noise = np.tensordot(v, (w**2).T, axes=(-1, 0)) if w.ndim == 2 else v @ w**2
    var = np.maximum(scatter, noise)
    se = np.sqrt(var)
    q = stats.t.ppf(0.5 + level / 2, df)
    return Contrast(est, se, df, est - q * se, est + q * se, noise > scatter)


def line_fit(
    x: ArrayLike, y: ArrayLike, v: ArrayLike = 0.0, level: float = 0.95, at: ArrayLike = ()
) -> tuple[Contrast, Contrast]:
    """OLS of ``y`` on ``x`` along the last axis: (slope, fitted values at ``at``).

    Parameters
    ----------
    x : array_like, shape (n,)
        Regressor (here log10 parameters), shared across the batch.
    y : array_like, shape (..., n)
        Responses; leading axes are independent fits (tasks, simulated seeds).
    v : array_like, broadcastable to y
        Known noise variance of each response (0 when unknown); a floor on the variance.
    level : float
        Two-sided interval level.
    at : array_like, shape (k,)
        Where to evaluate the fitted line (a confidence band for the mean trend).
    """
    xv = np.asarray(x, dtype=float)
    yv = np.asarray(y, dtype=float)
    vv = np.broadcast_to(np.asarray(v, dtype=float), yv.shape)
    n = xv.size
    dx, ws = _design(xv)
    slope = yv @ ws
    resid = yv - yv.mean(-1, keepdims=True) - slope[..., None] * dx
    s2 = (resid**2).sum(-1) / (n - 2)
    a = np.atleast_1d(np.asarray(at, dtype=float))
    wf = 1.0 / n + (a[:, None] - xv.mean()) * ws[None, :]
    return _contrast(ws, yv, s2, vv, n - 2, level), _contrast(wf, yv, s2, vv, n - 2, level)


def holm(p: ArrayLike) -> Array:
    """Holm's step-down adjusted p-values (family-wise error control, any dependence)."""
    pv = np.asarray(p, dtype=float)
    m = pv.size
    order = np.argsort(pv)
    adj = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * pv[order]))
    out = np.empty(m)
    out[order] = adj
    return out


def wilson(k: ArrayLike, n: ArrayLike, level: float = 0.95) -> tuple[Array, Array]:
    """Wilson score interval of a proportion ``k / n`` (good coverage even for small ``n``)."""
    kv, nv = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + level / 2)
    p = kv / nv
    centre = (p + z**2 / (2 * nv)) / (1 + z**2 / nv)
    half = z * np.sqrt(p * (1 - p) / nv + z**2 / (4 * nv**2)) / (1 + z**2 / nv)
    lo: Array = np.where(kv == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    hi: Array = np.where(kv == nv, 1.0, np.clip(centre + half, 0.0, 1.0))
    return lo, hi


# -- the analysis --------------------------------------------------------------------------------
def _window(x: Array) -> NDArray[np.bool_]:
    """The models within one decade of the largest, widened to the next smaller size(s) until
    there are at least 3 models at 2 or more sizes (a line with a scatter estimate)."""
    sizes = np.unique(x)[::-1]
    keep = x >= x.max() - DECADE - 1e-9
    for s in sizes:
        if keep.sum() >= 3 and np.unique(x[keep]).size >= 2:
            break
        keep |= x >= s - 1e-12
    return keep


def _status(r: pd.Series) -> str:
    if r["inverse_scaling"]:
        return "inverse scaling"
    if r["at_chance"]:
        return "at chance"
    if r["near_ceiling"]:
        return "near ceiling"
    if r["last10x_lo"] > 0:
        return "improving"
    if r["last10x_hi"] < 0:
        return "declining"
    return "plateau" if r["plateau"] else "flat"


@dataclass
class DownstreamResult:
    """Per-task trends (``tasks``, one row per task), the scores used, and the settings."""

    tasks: pd.DataFrame
    scores: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)

    def bands(self, points: int = 40) -> pd.DataFrame:
        """Fitted trends with confidence bands on a grid of sizes: the full-range line and the
        last-decade line of every task (``fit`` = ``trend`` or ``last10x``)."""
        rows = []
        level = float(self.settings["level"])
        for task, g in self.scores.groupby("task", sort=False):
            x = np.log10(g["size"].to_numpy())
            y, v = g["score"].to_numpy(), g["noise_var"].to_numpy()
            win = _window(x)
            for name, mask, k in (("trend", np.ones_like(win), points), ("last10x", win, 12)):
                grid = np.linspace(x[mask].min(), x[mask].max(), k)
                _, f = line_fit(x[mask], y[mask], v[mask], level, grid)
                rows.append(
                    pd.DataFrame(
                        {
                            "task": task,
                            "fit": name,
                            "size": 10.0**grid,
                            "fitted": f.estimate,
                            "lo": f.lo,
                            "hi": f.hi,
                        }
                    )
                )
        return pd.concat(rows, ignore_index=True)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``settings``, ``summary``, ``tasks`` and ``scores`` as lists of records."""
        return {
            "settings": self.settings,
            "summary": self.summary,
            "tasks": records(self.tasks),
            "scores": records(self.scores),
        }


def analyze(
    scores: pd.DataFrame,
    *,
    level: float = 0.95,
    alpha: float = 0.05,
    ceiling: float = 0.95,
    info: Mapping[str, TaskInfo] | None = None,
    source: str = "table",
) -> DownstreamResult:
    """Trend, last-10x gain, inverse scaling and saturation of every task in ``scores``.

    Parameters
    ----------
    scores : DataFrame
        ``model, size, task, score`` (see :func:`scalewall.downstream.table.load_scores`).
    level : float
        Interval level (two-sided).
    alpha : float
        Test level: a gain is distinguishable from zero when ``p < alpha`` (two-sided, each task on
        its own), a trend is inverse scaling when its Holm-adjusted one-sided ``p < alpha``.
    ceiling : float
        A task is near its ceiling when the fitted score of the largest model is at least this.
    info : mapping, optional
        Task -> :class:`TaskInfo` (test-set size, chance), added to the known benchmarks.
    """
    if not 0 < level < 1 or not 0 < alpha < 1:
        raise input_error("level and alpha must be in (0, 1)", got=f"{level}, {alpha}")
    extra = dict(info or {})
    rows: list[dict[str, Any]] = []
    parts = []
    for task, g in scores.groupby("task", sort=True):
        t = str(task)
        ti = extra.get(t) or task_info(t)
        g = g.sort_values("size", kind="stable")
        x = np.log10(g["size"].to_numpy(dtype=float))
        y = g["score"].to_numpy(dtype=float)
        if y.size < 3 or np.unique(x).size < 2:
            raise input_error(
                f"task '{t}' has {y.size} model(s) at {np.unique(x).size} size(s); a trend needs "
                "at least 3 models at 2 or more sizes",
                source=source,
                fix="add models or leave the task out",
            )
        m = ti.n_examples if ti else None
        v = y * (1 - y) / m if m else np.zeros_like(y)
        chance = ti.chance if ti else float("nan")
        parts.append(g.assign(n_examples=m, chance=chance, noise_var=v))
        slope, _ = line_fit(x, y, v, level)
        win = _window(x)
        gain, top = line_fit(x[win], y[win], v[win], level, [x.max()])
        rows.append(
            {
                "task": t,
                "n_models": int(y.size),
                "n_sizes": int(np.unique(x).size),
                "size_min": float(10 ** x.min()),
                "size_max": float(10 ** x.max()),
                "chance": chance,
                "n_examples": m,
                "slope_per_decade": float(slope.estimate),
                "slope_lo": float(slope.lo),
                "slope_hi": float(slope.hi),
                "slope_p": float(slope.p_two_sided),
                "slope_p_negative": float(slope.p_negative),
                "slope_noise_bound": bool(slope.noise_bound),
                "window_size_min": float(10 ** x[win].min()),
                "window_models": int(win.sum()),
                "last10x_gain": float(gain.estimate),
                "last10x_lo": float(gain.lo),
                "last10x_hi": float(gain.hi),
                "last10x_p": float(gain.p_two_sided),
                "last10x_noise_bound": bool(gain.noise_bound),
                "top_fitted": float(top.estimate[0]),
                "top_lo": float(top.lo[0]),
                "top_hi": float(top.hi[0]),
            }
        )
    tasks = pd.DataFrame(rows)
    tasks["slope_p_negative_holm"] = holm(tasks["slope_p_negative"])
    tasks["inverse_scaling"] = tasks["slope_p_negative_holm"] < alpha
    tasks["gain_distinguishable"] = tasks["last10x_p"] < alpha
    known = tasks["chance"].notna()
    at_chance = (tasks["top_lo"] <= tasks["chance"]).astype(object)
    tasks["at_chance"] = at_chance.where(known, None)
    tasks["near_ceiling"] = tasks["top_fitted"] >= ceiling
    tasks["plateau"] = (
        (tasks["slope_p"] < alpha)
        & (tasks["slope_per_decade"] > 0)
        & ~tasks["gain_distinguishable"]
    )
    tasks["status"] = [_status(r) for _, r in tasks.iterrows()]
    used = pd.concat(parts, ignore_index=True)
    settings = {
        "source": source,
        "level": level,
        "alpha": alpha,
        "ceiling": ceiling,
        "x": "log10(parameters)",
        "interval": "Student-t on OLS, n - 2 degrees of freedom",
        "evaluation_noise": (
            "binomial p(1-p)/m as a floor on each score's variance where the test-set size m is "
            "known; left out (only through the scatter) for tasks without m: "
            + (", ".join(tasks.loc[tasks["n_examples"].isna(), "task"]) or "none")
        ),
        "last10x": "fitted score at the largest size minus the fitted score one decade below, "
        "from a line through the models within that decade (at least 3 models at 2 sizes)",
        "gain_test": "two-sided t test per task, no multiplicity correction",
        "inverse_scaling_test": "one-sided t test of a negative slope, Holm-adjusted over tasks",
        "at_chance": "the interval of the fitted score at the largest size reaches chance",
    }
    return DownstreamResult(tasks, used, settings, summarize(tasks, level))


def summarize(tasks: pd.DataFrame, level: float = 0.95) -> dict[str, Any]:
    """Counts and shares behind claims 3 and 4, with Wilson intervals over tasks."""
    n = len(tasks)
    flat = tasks[~tasks["gain_distinguishable"]]
    above = tasks[tasks["at_chance"] != True]  # noqa: E712 (None: chance unknown)
    flat_above = above[~above["gain_distinguishable"]]
    inv = tasks[tasks["inverse_scaling"]]
    neg = tasks[tasks["slope_p_negative"] < 0.05]
    lo3, hi3 = wilson(len(flat), n, level)
    lo3b, hi3b = wilson(len(flat_above), max(len(above), 1), level)
    lo4, hi4 = wilson(len(inv), n, level)
    worst = tasks.iloc[int(np.argmin(tasks["slope_per_decade"].to_numpy()))]
    return {
        "n_tasks": n,
        "not_distinguishable": flat["task"].tolist(),
        "share_not_distinguishable": len(flat) / n,
        "share_not_distinguishable_ci": [float(lo3), float(hi3)],
        "tasks_above_chance": above["task"].tolist(),
        "share_not_distinguishable_above_chance": (
            len(flat_above) / len(above) if len(above) else None
        ),
        "share_not_distinguishable_above_chance_ci": [float(lo3b), float(hi3b)],
        "inverse_scaling": inv["task"].tolist(),
        "share_inverse_scaling": len(inv) / n,
        "share_inverse_scaling_ci": [float(lo4), float(hi4)],
        "negative_unadjusted": neg["task"].tolist(),
        "most_negative_task": str(worst["task"]),
        "most_negative_slope": [
            float(worst["slope_per_decade"]),
            float(worst["slope_lo"]),
            float(worst["slope_hi"]),
        ],
        "status": dict(zip(tasks["task"], tasks["status"], strict=True)),
    }


__all__ = ["DownstreamResult", "analyze", "holm", "line_fit", "summarize", "wilson"]
