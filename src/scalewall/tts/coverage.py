"""Coverage laws: how pass@k grows with k, fitted three ways, and a backtest for each.

* ``brown``: Brown et al. 2024 (arXiv 2407.21787, Eq. 3), ``coverage = exp(a k^b)``, least squares
  on log coverage over ``k = 1, 2, 4, ...`` up to n (the paper does not state its procedure; this
  one reproduces its Fig. 5 fits, see ``research/test_time_compute.md`` section 5);
* ``schaeffer-ls``: Schaeffer et al. 2025 (arXiv 2502.17578), ``-log pass@k = A k^(-b)`` by
  ordinary least squares in log-log space, the same law with ``A = -a`` and ``b = -b_Brown``;
* ``beta``: Schaeffer et al.'s distributional estimator. Single-attempt success rates p_i are
  taken as Beta(alpha, beta), fitted by maximum likelihood of the beta-binomial counts (exact, so
  c = 0 problems count as the evidence they are, no 1/n discretisation); then
  ``pass@k = 1 - B(alpha, beta + k) / B(alpha, beta)`` in closed form, and the power-law
  exponent of ``-log pass@k`` tends to alpha (their Theorem 3.2).

The backtest draws ``fit_n`` of the n samples of every problem without replacement
(hypergeometric, as if only ``fit_n`` had been drawn), fits each law on ``k <= fit_n`` and
predicts pass@k at ``target_k``; all repeats are drawn and fitted as one batch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize, minimize_scalar
from scipy.special import betaln, digamma

from scalewall.resampling import percentile_interval
from scalewall.tts.passk import pass_at_k

Array = NDArray[np.float64]

METHODS = ("brown", "schaeffer-ls", "beta")


def powers_of_two(n: int) -> NDArray[np.int64]:
    """``1, 2, 4, ...`` up to ``n``: Brown et al.'s k grid (8192 for n = 10,000)."""
    return 2 ** np.arange(int(np.floor(np.log2(n))) + 1, dtype=np.int64)


@dataclass(frozen=True)
class CoverageFit:
    """A fitted coverage law ``coverage(k) = exp(a k^b)`` (Brown's sign convention).

    For ``beta`` the law's ``a, b`` are the power law fitted to the Beta model's own curve over
    20 log-spaced k in ``[1, 10 n]`` (as Schaeffer et al. do), while :meth:`predict` uses the
    Beta model exactly; ``alpha``/``beta`` are then set.
    """

    method: str
    a: float
    b: float
    k_grid: tuple[int, ...]
    alpha: float | None = None
    beta: float | None = None

    @property
    def exponent(self) -> float:
        """Schaeffer et al.'s power-law exponent of ``-log pass@k`` (``-b``)."""
        return -self.b

    def predict(self, k: ArrayLike) -> Array:
        kk = np.asarray(k, dtype=float)
        if self.alpha is not None and self.beta is not None:
            return beta_pass_at_k(self.alpha, self.beta, kk)
        out: Array = np.exp(self.a * kk**self.b)
        return out

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["k_grid"] = list(self.k_grid)
        d["exponent"] = self.exponent
        return d


def fit_brown(k: ArrayLike, coverage: ArrayLike) -> tuple[float, float]:
    """Least squares of ``log coverage = a k^b``: for each b, a is linear and solved exactly,
    so only b is searched (bounded, b in [-3, 0]). Points with zero coverage are dropped."""
    kk, cc = np.asarray(k, dtype=float), np.asarray(coverage, dtype=float)
    keep = cc > 0
    kk, y = kk[keep], np.log(cc[keep])
    if kk.size < 2:
        return float("nan"), float("nan")

    def profile(b: float) -> tuple[float, float]:
        x = kk**b
        a = float(x @ y / (x @ x))
        return a, float(np.sum((y - a * x) ** 2))

    res = minimize_scalar(lambda b: profile(b)[1], bounds=(-3.0, 0.0), method="bounded")
    b = float(res.x)
    return profile(b)[0], b


def fit_schaeffer_ls(k: ArrayLike, coverage: ArrayLike) -> tuple[float, float]:
    """OLS of ``log(-log pass@k)`` on ``log k``; returns Brown's ``(a, b)`` = ``(-A, -exponent)``.
    Points with coverage 0 or 1 carry no slope information and are dropped."""
    kk, cc = np.asarray(k, dtype=float), np.asarray(coverage, dtype=float)
    keep = (cc > 0) & (cc < 1)
    if keep.sum() < 2:
        return float("nan"), float("nan")
    slope, icpt = np.polyfit(np.log(kk[keep]), np.log(-np.log(cc[keep])), 1)
    return -float(np.exp(icpt)), float(slope)


def beta_pass_at_k(alpha: ArrayLike, beta: ArrayLike, k: ArrayLike) -> Array:
    """pass@k when p ~ Beta(alpha, beta): ``1 - B(alpha, beta + k) / B(alpha, beta)``."""
    a, b, kk = np.asarray(alpha, float), np.asarray(beta, float), np.asarray(k, float)
    out: Array = -np.expm1(betaln(a, b + kk) - betaln(a, b))
    return out


def fit_beta(n: ArrayLike, c: ArrayLike) -> tuple[Array, Array]:
    """Beta-binomial maximum likelihood of (alpha, beta), batched over leading axes.

    ``n`` and ``c`` are ``(..., problems)``; each batch row is an independent fit. The summed
    negative log-likelihood is separable, so one L-BFGS run over all rows' log-parameters with
    the analytic (digamma) gradient fits them all at once.
    """
    nn, cc = np.asarray(n, dtype=float), np.asarray(c, dtype=float)
    nn = np.broadcast_to(nn, cc.shape)
    batch = cc.shape[:-1]
    m = int(np.prod(batch)) if batch else 1
    n2, c2 = nn.reshape(m, -1), cc.reshape(m, -1)
    # start from the method of moments on c/n, clipped to sensible values
    p = c2 / n2
    mu = np.clip(p.mean(axis=1), 1e-6, 0.5)
    var = np.maximum(p.var(axis=1), mu * (1 - mu) * 1e-3)
    s = np.clip(mu * (1 - mu) / var - 1, 1e-2, 1e4)
    x0 = np.log(np.concatenate([mu * s, (1 - mu) * s]))

    def nll(x: Array) -> tuple[float, Array]:
        la, lb = x[:m, None], x[m:, None]
        a, b = np.exp(la), np.exp(lb)
        ll = betaln(c2 + a, n2 - c2 + b) - betaln(a, b)
        common = digamma(a + b) - digamma(n2 + a + b)
        ga = (digamma(c2 + a) - digamma(a) + common).sum(axis=1) * a[:, 0]
        gb = (digamma(n2 - c2 + b) - digamma(b) + common).sum(axis=1) * b[:, 0]
        return -float(ll.sum()), -np.concatenate([ga, gb])

    res = minimize(nll, x0, jac=True, method="L-BFGS-B", bounds=[(-12.0, 12.0)] * (2 * m))
    alpha, beta = np.exp(res.x[:m]).reshape(batch), np.exp(res.x[m:]).reshape(batch)
    return alpha, beta


def fit_law(
    method: str,
    n: ArrayLike,
    c: ArrayLike,
    k_max: int | None = None,
    grid: ArrayLike | None = None,
) -> CoverageFit:
    """Fit one coverage law to per-problem counts, using ``k <= k_max`` (default: min n).

    ``grid`` replaces the method's default k grid (powers of two for ``brown``, 101 log-spaced
    k for ``schaeffer-ls``), e.g. the 101 k of Schaeffer et al.'s processed file.
    """
    nn, cc = np.asarray(n, dtype=np.int64), np.asarray(c, dtype=np.int64)
    kmax = int(k_max or nn.min())
    if grid is not None and method != "beta":
        g = np.asarray(grid, dtype=np.int64)
        g = g[g <= kmax]
        cov = pass_at_k(nn, cc, g).mean(axis=0)
        a, b = (fit_brown if method == "brown" else fit_schaeffer_ls)(g, cov)
        return CoverageFit(method, a, b, tuple(map(int, g)))
    if method == "beta":
        alpha, beta = fit_beta(nn, cc)
        grid = np.unique(np.geomspace(1, 10 * kmax, 20).round().astype(np.int64))
        a, b = fit_schaeffer_ls(grid, beta_pass_at_k(alpha, beta, grid))
        return CoverageFit(method, a, b, tuple(map(int, grid)), float(alpha), float(beta))
    if method == "brown":
        grid = powers_of_two(kmax)
    elif method == "schaeffer-ls":
        grid = np.unique(np.geomspace(1, kmax, 101).round().astype(np.int64))
    else:
        raise ValueError(f"unknown coverage-law method {method!r}; use one of {METHODS}")
    cov = pass_at_k(nn, cc, grid).mean(axis=0)
    fit = fit_brown if method == "brown" else fit_schaeffer_ls
    a, b = fit(grid, cov)
    return CoverageFit(method, a, b, tuple(map(int, grid)))


def fit_error(
    fit: CoverageFit, n: ArrayLike, c: ArrayLike, points: int = 100
) -> tuple[float, float]:
    """Brown et al.'s fit error: mean and SD of |coverage - fit| over log-spaced k up to min n."""
    nn = np.asarray(n, dtype=np.int64)
    grid = np.unique(np.geomspace(1, nn.min(), points).round().astype(np.int64))
    err = np.abs(pass_at_k(nn, c, grid).mean(axis=0) - fit.predict(grid))
    return float(err.mean()), float(err.std())


def subsample_counts(
    n: ArrayLike, c: ArrayLike, size: int, repeats: int, rng: np.random.Generator
) -> NDArray[np.int64]:
    """Correct counts among ``size`` of each problem's n samples, drawn without replacement:
    ``(repeats, problems)``."""
    nn, cc = np.asarray(n, dtype=np.int64), np.asarray(c, dtype=np.int64)
    out: NDArray[np.int64] = rng.hypergeometric(cc, nn - cc, size, size=(repeats, nn.size))
    return out


def _batched_predictions(
    method: str, sub: NDArray[np.int64], size: int, target: int, ls_grid: ArrayLike | None
) -> Array:
    """Predicted pass@target from each row of subsampled counts (``(repeats, problems)``)."""
    if method == "beta":
        alpha, beta = fit_beta(size, sub)
        return beta_pass_at_k(alpha, beta, target)
    if method == "brown":
        grid = powers_of_two(size)
    elif ls_grid is not None:
        grid = np.asarray(ls_grid, dtype=np.int64)
        grid = grid[grid <= size]
    else:
        grid = np.arange(1, size + 1)
    fit = fit_brown if method == "brown" else fit_schaeffer_ls
    cov = pass_at_k(np.full(sub.size, size), sub.ravel(), grid)
    cov = cov.reshape(*sub.shape, grid.size).mean(axis=1)
    ab = np.array([fit(grid, row) for row in cov])
    out: Array = np.exp(ab[:, 0] * float(target) ** ab[:, 1])
    return out


def backtest(
    n: ArrayLike,
    c: ArrayLike,
    *,
    fit_n: int = 100,
    target_k: int = 10_000,
    repeats: int = 50,
    seed: int = 0,
    level: float = 0.95,
    methods: tuple[str, ...] = METHODS,
    ls_grid: ArrayLike | None = None,
) -> list[dict[str, Any]]:
    """Fit each law on ``fit_n`` samples per problem, predict pass@``target_k``, compare.

    The observed value uses all n samples (so ``target_k <= min n``). Each record has
    ``method, fit_n, target_k, predicted`` (mean over repeats), ``lo, hi`` (percentiles over
    repeats: the spread from which samples were drawn), ``observed`` and ``error``.
    ``ls_grid`` is the k grid of ``schaeffer-ls`` (default ``1..fit_n``).
    """
    nn, cc = np.asarray(n, dtype=np.int64), np.asarray(c, dtype=np.int64)
    observed = float(pass_at_k(nn, cc, [target_k]).mean())
    sub = subsample_counts(
        nn, cc, fit_n, repeats, np.random.default_rng(np.random.SeedSequence(seed))
    )
    out = []
    for method in methods:
        pred = _batched_predictions(method, sub, fit_n, target_k, ls_grid)
        pred = pred[np.isfinite(pred)]
        mean = float(pred.mean()) if pred.size else float("nan")
        lo, hi = percentile_interval(pred, level) if pred.size else (np.nan, np.nan)
        out.append(
            {
                "method": method,
                "fit_n": fit_n,
                "target_k": target_k,
                "repeats": int(pred.size),
                "predicted": mean,
                "lo": float(lo),
                "hi": float(hi),
                "observed": observed,
                "error": mean - observed,
            }
        )
    return out


__all__ = [
    "METHODS",
    "CoverageFit",
    "backtest",
    "beta_pass_at_k",
    "coverage_summary",
    "fit_beta",
    "fit_brown",
    "fit_error",
    "fit_law",
    "fit_schaeffer_ls",
    "powers_of_two",
    "subsample_counts",
]


def coverage_summary(
    counts_by_model: dict[str, Any],
    *,
    ls_grid: ArrayLike | None = None,
    fit_n: int = 100,
    target_k: int = 10_000,
    repeats: int = 50,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, Any]:
    """Every law fitted to every model, Brown's fit error, and the backtest: one JSON payload.

    ``counts_by_model`` maps model -> counts table (``n``, ``c``); the backtest is skipped for a
    model whose n is below ``target_k``.
    """
    seeds = np.random.SeedSequence(seed).spawn(len(counts_by_model))
    models: dict[str, Any] = {}
    for i, (m, g) in enumerate(counts_by_model.items()):
        n, c = g["n"].to_numpy(), g["c"].to_numpy()
        fits = {
            meth: fit_law(meth, n, c, grid=ls_grid if meth == "schaeffer-ls" else None)
            for meth in METHODS
        }
        err = fit_error(fits["brown"], n, c)
        bt = []
        if int(n.min()) >= target_k and fit_n < target_k:
            seed_i = int(seeds[i].generate_state(1)[0])
            bt = backtest(
                n,
                c,
                fit_n=fit_n,
                target_k=target_k,
                repeats=repeats,
                seed=seed_i,
                level=level,
                ls_grid=ls_grid,
            )
        models[m] = {
            "n_problems": int(n.size),
            "n_samples": int(n.min()),
            "fits": {meth: f.to_dict() for meth, f in fits.items()},
            "brown_fit_error": {"mean": err[0], "sd": err[1]},
            "backtest": bt,
        }
    return {
        "laws": {
            "brown": "coverage = exp(a k^b), least squares on log coverage, k = 1, 2, 4, ... "
            "(Brown et al. 2024, arXiv 2407.21787, Eq. 3)",
            "schaeffer-ls": "-log pass@k = A k^(-exponent), OLS in log-log space, A = -a "
            "(Schaeffer et al. 2025, arXiv 2502.17578)",
            "beta": "p_i ~ Beta(alpha, beta) by beta-binomial maximum likelihood; "
            "pass@k = 1 - B(alpha, beta + k)/B(alpha, beta) (Schaeffer et al. 2025)",
        },
        "backtest": {
            "fit_n": fit_n,
            "target_k": target_k,
            "repeats": repeats,
            "seed": seed,
            "level": level,
        },
        "models": models,
    }
