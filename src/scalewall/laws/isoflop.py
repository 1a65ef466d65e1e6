"""Chinchilla Approach 2: isoFLOP parabolas, compute-optimal sizes, and the exponents a and b.

For each compute budget C (a set of runs that spent about the same FLOPs at different sizes N),
fit ``loss = c2 * x**2 + c1 * x + c0`` with ``x = log10 N`` and take the vertex as the optimal size
``N*(C) = 10**(-c1 / (2 c2))``, with ``D*(C) = C / (6 N*)``. Regressing ``log10 N*`` and
``log10 D*`` on ``log10 C`` across budgets gives the allocation exponents ``N* ~ C**a`` and
``D* ~ C**b`` (Hoffmann et al. 2022, Sec. 3.2).

Approach 2 is biased even on noise-free data (Czech 2026). The true isoFLOP curve is
``E + A N**-alpha + B (C / 6N)**-beta``, a sum of two exponentials in ``log N``, not a parabola:

* with ``alpha != beta`` the curve is skewed, so the parabola's vertex misses the minimum by an
  amount that grows with the grid width (wider grids, larger bias). With the same width and
  centring at every budget the miss is the same in ``log N`` everywhere: ``N*(C)`` is biased
  (6.3% too small on a 2-decade grid with alpha = 0.35, beta = 0.45) while the slope survives;
* off-centre sampling moves the vertex too, and when the offset changes with the budget (a grid
  centred with a guessed exponent, or one fixed set of sizes for every budget) the error tilts
  the fitted line and biases ``a`` itself (by 0.018 for alpha = beta = 0.34 and a centre that
  drifts 0.2 decades per budget, in this package's tests); the effects combine, so the skew
  from ``alpha != beta`` then adds to the exponent's bias;
* only with ``alpha == beta`` and a grid symmetric around the minimum is the curve (a cosh in
  ``log N``) symmetric, and the vertex exact at any width.

This module flags what it can see in the data (vertex outside the sampled sizes, asymmetric
sampling, too few points, non-convex fits) and always returns the standing bias caveat, because
the skew from ``alpha != beta`` cannot be detected from one budget's parabola. Cross-check with a
global Approach 3 fit (:func:`scalewall.laws.fit`), which has none of these biases.

References
----------
Hoffmann et al. 2022, 'Training Compute-Optimal Large Language Models', arXiv 2203.15556.
Czech 2026, 'Problems with Chinchilla Approach 2: Systematic Biases in IsoFLOP Parabola Fits',
Open-Athena/scaling-law-analysis.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from scalewall.data.runs import Selection, load_runs, select_runs
from scalewall.errors import input_error
from scalewall.laws.result import _clean
from scalewall.resampling import percentile_interval, resample_weights
from scalewall.validate import check_options, reject_rows, require_column

Array = NDArray[np.float64]

SCHEMA_VERSION = 1
CZECH_2026 = (
    "Czech 2026, 'Problems with Chinchilla Approach 2: Systematic Biases in IsoFLOP Parabola "
    "Fits' (Open-Athena/scaling-law-analysis)"
)
HOFFMANN_2022 = "Hoffmann et al. 2022, arXiv 2203.15556, Approach 2 (Sec. 3.2)"
#: Largest accepted ratio of the sampled log-size span on the two sides of the vertex. On
#: noise-free cosh-shaped isoFLOP curves (alpha = beta = 0.34) with a 9-point grid 2 decades wide,
#: the vertex moves 0.003 decades at a ratio of 2, 0.013 at 3 and 0.028 at 4 (computed with this
#: module's parabola fit): beyond 2 the shift grows quickly, and it biases ``a`` once the ratio
#: differs between budgets.
MAX_ASYMMETRY = 2.0
#: Budgets whose log10 C lie within this many decades of their neighbour form one isoFLOP set
#: when no budget column is given (isoFLOP grids are spaced >= 0.15 decade, e.g. 6e18, 1e19).
GAP_DECADES = 0.05
MIN_POINTS = 3  # a parabola has 3 coefficients


@dataclass
class BudgetFit:
    """The parabola fitted to one isoFLOP set.

    Attributes
    ----------
    budget : float
        Compute budget, FLOPs.
    status : {"ok", "skipped"}
        ``skipped`` (with ``reason``) for fewer than 3 distinct sizes or a non-convex parabola.
    coef : list of float
        ``[c2, c1, c0]`` of ``loss = c2 x**2 + c1 x + c0`` with ``x = log10 N``.
    N_opt, D_opt, loss_opt : float
        Vertex size, ``D_opt = C / (flop_factor * N_opt)``, and the parabola's loss there.
    width_decades : float
        ``log10(N_max / N_min)`` of the sampled sizes.
    asymmetry : float or None
        Larger over smaller log-size span on the two sides of the vertex (1 = centred); None when
        the vertex is outside the sampled range.
    """

    budget: float
    n_points: int
    n_distinct: int
    N_min: float
    N_max: float
    width_decades: float
    status: str = "ok"
    reason: str | None = None
    coef: list[float] = field(default_factory=list)
    curvature: float | None = None
    N_opt: float | None = None
    D_opt: float | None = None
    loss_opt: float | None = None
    asymmetry: float | None = None
    off_centre: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view."""
        out: dict[str, Any] = _clean({k: getattr(self, k) for k in self.__dataclass_fields__})
        return out


@dataclass
class IsoflopResult:
    """Approach 2 exponents with intervals, per-budget fits and warnings.

    Attributes
    ----------
    exponents : dict
        For ``a`` (``N* ~ C**a``) and ``b`` (``D* ~ C**b``): ``estimate``, ``intercept``
        (log10 units), ``se_ols``, ``ci_ols`` (t-interval over budgets, treating each vertex as
        one observation), ``ci_bootstrap`` (rows resampled within each budget, parabolas and
        line refitted; percentile), ``ci`` (bootstrap when run, else OLS; OLS also where the
        bootstrap interval leaves the exponent's domain [0, 1]), ``interval`` (which one ``ci``
        is) and ``intervals_agree`` (:func:`intervals_agree`; a warning says when they do not).
    interval_method : str
        Which interval ``ci`` is, in words.
    selection : dict
        What :func:`scalewall.data.runs.select_runs` did with runs that repeat a size within a
        budget (a learning-rate sweep), as in ``FitResult.selection``.
    warnings : list of dict
        ``{"code", "budget", "message"}``; codes ``too_few_points``, ``non_convex``,
        ``minimum_outside_range``, ``asymmetric_sampling``, ``not_isoflop``, ``few_budgets``,
        ``intervals_disagree``, ``approach2_bias``.
    """

    source: str
    experiment: str | None
    n_points: int
    budget_source: str
    flop_factor: float
    level: float
    budgets: list[BudgetFit]
    exponents: dict[str, dict[str, Any]]
    interval_method: str
    bootstrap: dict[str, Any]
    warnings: list[dict[str, Any]]
    selection: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view; the schema is documented in the README."""
        from scalewall import __version__

        d = {
            "schema_version": SCHEMA_VERSION,
            "scalewall_version": __version__,
            "analysis": "isoflop",
            "method": "chinchilla-approach-2",
            "source": self.source,
            "experiment": self.experiment,
            "n_points": self.n_points,
            "n_budgets": len(self.budgets),
            "n_budgets_used": sum(b.status == "ok" for b in self.budgets),
            "budget_source": self.budget_source,
            "flop_factor": self.flop_factor,
            "level": self.level,
            "exponents": self.exponents,
            "interval_method": self.interval_method,
            "bootstrap": self.bootstrap,
            "budgets": [b.to_dict() for b in self.budgets],
            "warnings": self.warnings,
            "selection": self.selection,
            "references": [HOFFMANN_2022, CZECH_2026],
        }
        out: dict[str, Any] = _clean(d)
        return out


def _warn(code: str, message: str, budget: float | None = None) -> dict[str, Any]:
    return {"code": code, "budget": budget, "message": message}


def budget_labels(
    C: Array, gap: float = GAP_DECADES
) -> tuple[Array, NDArray[np.int_], list[dict[str, Any]]]:
    """Group compute values into isoFLOP sets: a new set starts where log10 C jumps by > ``gap``.

    Gaps rather than fixed rounding, because a set whose runs straddle a rounding edge (budgets
    computed as 6ND scatter around the nominal value) would otherwise be cut in two. Returns the
    geometric-mean budget of each set, the set index of each row, and warnings for sets that
    span more than ``4 * gap`` decades (not an isoFLOP design).
    """
    lc = np.log10(C)
    order = np.argsort(lc)
    starts = np.r_[True, np.diff(lc[order]) > gap]
    lab_sorted = np.cumsum(starts) - 1
    labels = np.empty(C.size, dtype=int)
    labels[order] = lab_sorted
    n = int(lab_sorted[-1]) + 1
    budgets = np.array(
        [  # the exact value when every run of the set shares it, else the geometric mean
            C[labels == g][0] if np.ptp(C[labels == g]) == 0 else 10 ** lc[labels == g].mean()
            for g in range(n)
        ]
    )
    warns = []
    for g in range(n):
        span = float(np.ptp(lc[labels == g]))
        if span > 4 * gap:
            warns.append(
                _warn(
                    "not_isoflop",
                    f"runs grouped at C ~ {budgets[g]:.3g} span {span:.2f} decades of compute; "
                    "these rows do not look like fixed-budget isoFLOP sets. Give a budget column "
                    "(--budget-col) or use Approach 3 (scalewall fit)",
                    float(budgets[g]),
                )
            )
    return budgets, labels, warns


def _design(x: Array) -> Array:
    return np.stack([x * x, x, np.ones_like(x)], axis=-1)


def _vertex(coef: Array) -> Array:
    """x at the vertex of ``c2 x^2 + c1 x + c0`` (NaN when not convex); batched on axis -1."""
    c2, c1 = coef[..., 0], coef[..., 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Array = np.where(c2 > 0, -c1 / (2 * c2), np.nan)
    return out


def fit_budget(
    N: Array, loss: Array, budget: float, flop_factor: float = 6.0
) -> tuple[BudgetFit, list[dict[str, Any]]]:
    """Fit one isoFLOP parabola in log10 N and locate its minimum, with warnings."""
    x = np.log10(N)
    nd = int(np.unique(np.round(x, 6)).size)
    bf = BudgetFit(
        budget=float(budget),
        n_points=int(N.size),
        n_distinct=nd,
        N_min=float(N.min()),
        N_max=float(N.max()),
        width_decades=float(np.ptp(x)),
    )
    if nd < MIN_POINTS:
        bf.status = "skipped"
        bf.reason = f"only {nd} distinct sizes; a parabola needs at least {MIN_POINTS}"
        return bf, [_warn("too_few_points", f"budget {budget:.3g}: {bf.reason}; skipped", budget)]
    m = float(x.mean())  # centre x: the normal equations stay well conditioned
    cc = np.linalg.lstsq(_design(x - m), loss, rcond=None)[0]
    c2, c1, c0 = (float(v) for v in cc)
    bf.coef = [c2, c1 - 2 * c2 * m, c2 * m * m - c1 * m + c0]
    bf.curvature = c2
    if c2 <= 0:
        bf.status = "skipped"
        bf.reason = f"parabola is not convex (curvature {c2:.3g} <= 0): no minimum"
        return bf, [_warn("non_convex", f"budget {budget:.3g}: {bf.reason}; skipped", budget)]
    xs = -c1 / (2 * c2)
    bf.N_opt = float(10 ** (xs + m))
    bf.D_opt = float(budget / (flop_factor * bf.N_opt))
    bf.loss_opt = float(c0 - c1 * c1 / (4 * c2))
    lo, hi = float(x.min() - m), float(x.max() - m)
    warns = []
    if not lo < xs < hi:
        bf.off_centre = True
        side = "below the smallest" if xs <= lo else "above the largest"
        warns.append(
            _warn(
                "minimum_outside_range",
                f"budget {budget:.3g}: the fitted minimum N = {bf.N_opt:.3g} lies {side} sampled "
                "size; the vertex is an extrapolation. Add sizes on that side",
                budget,
            )
        )
        return bf, warns
    left, right = xs - lo, hi - xs
    bf.asymmetry = float(max(left, right) / min(left, right))
    if bf.asymmetry > MAX_ASYMMETRY:
        bf.off_centre = True
        more = "smaller" if left > right else "larger"
        warns.append(
            _warn(
                "asymmetric_sampling",
                f"budget {budget:.3g}: sizes reach {bf.asymmetry:.1f}x further (in log N) on the "
                f"{more} side of the minimum than on the other (limit {MAX_ASYMMETRY:g}); "
                "off-centre grids bias N* (Czech 2026). Centre the grid on the minimum",
                budget,
            )
        )
    return bf, warns


def _line(x: Array, y: Array, level: float) -> dict[str, Any]:
    """OLS slope and intercept of y on x, with a t-interval of the slope (n - 2 df)."""
    n = x.size
    X = np.stack([x, np.ones_like(x)], axis=-1)
    (slope, icpt), *_ = np.linalg.lstsq(X, y, rcond=None)
    out: dict[str, Any] = {"estimate": float(slope), "intercept": float(icpt)}
    if n < 3:
        out.update(se_ols=None, ci_ols=None)
        return out
    resid = y - X @ np.array([slope, icpt])
    s2 = float(resid @ resid) / (n - 2)
    se = float(np.sqrt(s2 / np.sum((x - x.mean()) ** 2)))
    t = float(stats.t.ppf(0.5 + level / 2, n - 2))
    out.update(se_ols=se, ci_ols=[float(slope) - t * se, float(slope) + t * se])
    return out


def intervals_agree(boot: list[float], ols: list[float] | None) -> bool:
    """Whether two intervals for one exponent tell the same story: each contains the other's
    midpoint and their widths differ by less than a factor of 2 (no OLS interval: agree)."""
    if ols is None:
        return True
    (bl, bh), (ol, oh) = boot, ols
    mid_b, mid_o = (bl + bh) / 2, (ol + oh) / 2
    ratio = (bh - bl) / max(oh - ol, 1e-300)
    return bool(ol <= mid_b <= oh and bl <= mid_o <= bh and 0.5 <= ratio <= 2.0)


def _disagreement(key: str, e: dict[str, Any], outside: int, replicates: int) -> dict[str, Any]:
    (bl, bh), (ol, oh) = e["ci_bootstrap"], e["ci_ols"]
    return _warn(
        "intervals_disagree",
        f"{key}: the bootstrap interval [{bl:.3g}, {bh:.3g}] and the OLS interval [{ol:.3g}, "
        f"{oh:.3g}] disagree; {outside} of {replicates} bootstrap replicates put {key} outside "
        "[0, 1], where a flat or non-convex resampled parabola sends its vertex off the grid. "
        "Trust neither alone: add runs near each budget's minimum, or fit Approach 3",
        None,
    )


def _bootstrap(
    groups: list[tuple[Array, Array]],
    log_budgets: Array,
    flop_factor: float,
    replicates: int,
    rng: np.random.Generator,
) -> tuple[Array, Array, int]:
    """Slopes a and b over replicates that resample rows within each budget (vectorised).

    A budget whose resample has fewer than 3 distinct sizes or a non-convex parabola drops out of
    that replicate's line; a replicate with fewer than 2 budgets left is counted as failed.
    """
    G = len(groups)
    xs = np.full((replicates, G), np.nan)
    for g, (x, y) in enumerate(groups):
        n = x.size
        m = x.mean()
        V = _design(x - m)
        W = resample_weights(n, replicates, rng)
        _, inv = np.unique(np.round(x, 6), return_inverse=True)
        onehot = np.eye(int(inv.max()) + 1)[inv]  # row -> its distinct size
        present = W @ onehot
        ok = (present > 0).sum(axis=1) >= MIN_POINTS
        M = np.einsum("ni,rn,nj->rij", V, W, V)
        rhs = np.einsum("ni,rn,n->ri", V, W, y)
        M[~ok] = np.eye(3)  # placeholders, discarded below
        coef = np.linalg.solve(M, rhs[..., None])[..., 0]
        v = _vertex(coef) + m
        xs[:, g] = np.where(ok, v, np.nan)
    lc = np.broadcast_to(log_budgets, xs.shape)
    w = np.isfinite(xs)
    cnt = w.sum(axis=1)
    good = cnt >= 2
    xm = np.where(w, lc, 0).sum(1) / np.maximum(cnt, 1)
    ym = np.where(w, xs, 0).sum(1) / np.maximum(cnt, 1)
    dx = np.where(w, lc - xm[:, None], 0)
    dy = np.where(w, xs - ym[:, None], 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = (dx * dy).sum(1) / (dx * dx).sum(1)
    a = np.where(good, a, np.nan)
    # log10 D* = log10 C - log10(flop_factor) - log10 N*, so its slope is 1 - a exactly
    b = 1.0 - a
    return a, b, int((~good).sum())


def isoflop(
    table: pd.DataFrame | str,
    *,
    budget_col: str | None = None,
    experiment: str | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    flop_factor: float = 6.0,
    gap: float = GAP_DECADES,
    source: str = "",
    select: Selection | str = Selection.best,
) -> IsoflopResult:
    """Chinchilla Approach 2 on isoFLOP runs: per-budget parabolas, then exponents a and b.

    Parameters
    ----------
    table : DataFrame or str
        Runs with ``N`` and ``loss``, and ``C`` unless ``budget_col`` is given. A registry name or
        a file is loaded with :func:`scalewall.data.load_runs`.
    budget_col : str, optional
        Column of ``table`` (a DataFrame) holding each run's nominal budget in FLOPs. Default: a
        ``budget`` column when present, else runs are grouped by gaps in log10 C (see
        :func:`budget_labels`).
    experiment : str, optional
        Keep only rows whose ``group`` equals this (e.g. one of Open-Athena's experiments).
        Required when the table has several groups: pooling experiments mixes loss scales.
    bootstrap : int, default 1000
        Replicates for the percentile interval (rows resampled within each budget); 0 keeps only
        the OLS interval.
    level : float, default 0.95
        Interval level.
    flop_factor : float, default 6
        ``D* = C / (flop_factor * N*)`` (6ND, Kaplan et al. 2020).
    select : {"best", "all", "mean"}
        Runs that repeat a size within one budget (a learning-rate sweep): keep the lowest loss
        (default, as ``fit``), all of them, or their mean (:func:`select_runs`); a parabola
        through every setting of a sweep would put its vertex between settings.

    Returns
    -------
    IsoflopResult

    Notes
    -----
    Two intervals are reported because they answer different questions. The OLS t-interval
    treats each budget's vertex as one noisy observation of the line: it sees the scatter of
    vertices around the line, including misfit, but has only ``budgets - 2`` degrees of freedom.
    The bootstrap resamples runs within each budget and refits everything: it propagates the
    noise of each parabola but assumes the line itself is right. Neither covers the systematic
    Approach 2 bias of the module docstring, which does not shrink with more runs.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> C = np.repeat([1e19, 1e20, 1e21], 7)
    >>> Nopt = 0.1 * (C / 6) ** 0.5  # alpha == beta, so a = 0.5
    >>> N = Nopt * np.tile(10 ** np.linspace(-0.6, 0.6, 7), 3)
    >>> x = np.log(N / Nopt)
    >>> df = pd.DataFrame({"N": N, "C": C, "loss": 2 + np.cosh(0.8 * x) / C**0.05})
    >>> r = isoflop(df, bootstrap=0)
    >>> round(r.exponents["a"]["estimate"], 6)
    0.5
    """
    src = source or ("table" if isinstance(table, pd.DataFrame) else str(table))
    check_options(level=level, bootstrap=bootstrap)
    budget: pd.Series | None = None
    if isinstance(table, pd.DataFrame):
        bc = budget_col or ("budget" if "budget" in table.columns else None)
        if bc is not None:
            require_column(table.columns, bc, what="compute budget", source=src)
            budget = pd.to_numeric(table[bc], errors="coerce").reset_index(drop=True)
    elif budget_col is not None:
        raise input_error("budget_col needs a DataFrame; load the table and attach the column")
    require = ("N", "loss") if budget is not None else ("N", "C", "loss")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unit checks: isoFLOP tables often give nominal C
        df = load_runs(table, require=require, source_name=src)
    if budget is not None:
        b = budget.to_numpy(dtype=float)
        reject_rows(
            ~np.isfinite(b) | (b <= 0), "expected FLOPs > 0", source=src, column=bc, values=b
        )
        df["budget"] = b
    if "group" in df.columns:
        groups = list(dict.fromkeys(df["group"].tolist()))
        if experiment is not None:
            if experiment not in groups:
                raise input_error(
                    f"no rows with group '{experiment}'; groups are: {', '.join(groups)}",
                    source=src,
                )
            df = df[df["group"] == experiment].reset_index(drop=True)
        elif len(groups) > 1:
            raise input_error(
                f"{len(groups)} groups ({', '.join(groups[:8])}); an isoFLOP fit pools runs "
                "of one setup only",
                source=src,
                fix="pick one with --experiment",
            )
    elif experiment is not None:
        raise input_error("--experiment needs a group column; map it with --group-col", source=src)

    df, selection = select_runs(df, select, also_key=("budget",))
    warns: list[dict[str, Any]] = []
    if "budget" in df.columns:
        budgets, labels = np.unique(df["budget"].to_numpy(), return_inverse=True)
        budget_source = "budget column"
    else:
        budgets, labels, w = budget_labels(df["C"].to_numpy(dtype=float), gap)
        warns += w
        budget_source = f"log10 C grouped where consecutive values are within {gap:g} decades"
    N = df["N"].to_numpy(dtype=float)
    y = df["loss"].to_numpy(dtype=float)
    fits: list[BudgetFit] = []
    for g, B in enumerate(budgets):
        bf, w = fit_budget(N[labels == g], y[labels == g], float(B), flop_factor)
        fits.append(bf)
        warns += w
    used = [g for g, bf in enumerate(fits) if bf.status == "ok"]
    if len(used) < 2:
        raise input_error(
            f"only {len(used)} budget(s) gave a usable parabola; Approach 2 needs at least 2 "
            "(3 for an interval)",
            fix="see the per-budget reasons with --debug, or use scalewall fit",
            source=src,
        )
    if len(used) < 3:
        warns.append(
            _warn("few_budgets", "only 2 budgets: the exponents have no OLS interval", None)
        )
    lc = np.log10(np.array([fits[g].budget for g in used]))
    ln = np.log10(np.array([fits[g].N_opt for g in used], dtype=float))
    ld = np.log10(np.array([fits[g].D_opt for g in used], dtype=float))
    ex = {"a": _line(lc, ln, level), "b": _line(lc, ld, level)}
    boot: dict[str, Any] = {"replicates": bootstrap, "seed": seed}
    if bootstrap > 0:
        groups_xy = [(np.log10(N[labels == g]), y[labels == g]) for g in used]
        rng = np.random.default_rng(np.random.SeedSequence(seed))
        a_d, b_d, failed = _bootstrap(groups_xy, lc, flop_factor, bootstrap, rng)
        outside: dict[str, int] = {}
        for key, d in (("a", a_d), ("b", b_d)):
            lo, hi = percentile_interval(d, level)
            ex[key]["ci_bootstrap"] = [float(lo), float(hi)]
            outside[key] = int(np.sum((d < 0) | (d > 1)))
            ex[key]["ci"], ex[key]["interval"] = ex[key]["ci_bootstrap"], "bootstrap"
            ex[key]["intervals_agree"] = intervals_agree(ex[key]["ci_bootstrap"], ex[key]["ci_ols"])
            if not ex[key]["intervals_agree"]:
                warns.append(_disagreement(key, ex[key], outside[key], bootstrap))
            if (lo < 0 or hi > 1) and ex[key]["ci_ols"] is not None:
                ex[key]["ci"], ex[key]["interval"] = ex[key]["ci_ols"], "OLS"
        boot.update(
            failed=failed,
            outside_domain=outside,
            resample="rows within each budget",
            method="percentile",
        )
        method = (
            f"percentile bootstrap, {bootstrap} replicates resampling runs within each budget "
            f"(seed {seed}); OLS t-interval over budgets also given as ci_ols, and used as ci "
            "where the bootstrap interval leaves the exponent's domain [0, 1]"
        )
    else:
        for key in ex:
            ex[key]["ci_bootstrap"] = None
            ex[key]["ci"], ex[key]["interval"] = ex[key]["ci_ols"], "OLS"
        method = "OLS t-interval of the slope over budgets (budgets - 2 degrees of freedom)"
    widths = [fits[g].width_decades for g in used]
    warns.append(
        _warn(
            "approach2_bias",
            "Approach 2 is biased even on noise-free data: grid width (here a median of "
            f"{np.median(widths):.2f} decades of N), off-centre sampling and alpha != beta move "
            f"the vertices and tilt the line ({CZECH_2026}). The intervals do not include this "
            "bias; cross-check a and b with an Approach 3 fit (scalewall fit)",
            None,
        )
    )
    return IsoflopResult(
        source=src,
        experiment=experiment,
        n_points=len(df),
        budget_source=budget_source,
        flop_factor=flop_factor,
        level=level,
        budgets=fits,
        exponents=ex,
        interval_method=method,
        bootstrap=boot,
        warnings=warns,
        selection=selection,
    )


__all__ = ["BudgetFit", "IsoflopResult", "budget_labels", "fit_budget", "isoflop"]
