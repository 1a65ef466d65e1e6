"""The data-constrained scaling law of Muennighoff et al. 2023 (repeated data, excess parameters).

``L = E + A / N'**alpha + B / D'**beta`` is Chinchilla's form evaluated at *effective* sizes:

* ``D' = U + U * R_D* * (1 - exp(-R_D / R_D*))`` with ``R_D = D / U - 1`` repetitions of the ``U``
  unique tokens. A repeated token is worth ``exp(-R_D / R_D*)`` of a fresh one, so the effective
  data saturates at ``U * (1 + R_D*)``.
* ``N' = U_N + U_N * R_N* * (1 - exp(-R_N / R_N*))`` with ``U_N = min(N, N_opt(U))`` and
  ``R_N = N / U_N - 1``: parameters beyond the compute-optimal size for ``U`` tokens decay alike.

``N_opt(U)`` is the Chinchilla compute-optimal parameter count at the compute budget for which
``U`` tokens are compute-optimal. In huggingface/datablations (README "Parametric Fit",
``D_to_N``; ``utils/parametric_fit.ipynb``, ``optimal_N(D_to_C(U))``) it is computed from the
base law as ``N_opt(U) = G * (G * U)**(beta / alpha)`` with
``G = (alpha * A / (beta * B))**(1 / (alpha + beta))``, i.e. from ``N_opt(C) = G (C/6)**a`` and
``D_opt(C) = (C/6)**b / G`` with ``a = beta/(alpha+beta)``, ``b = alpha/(alpha+beta)``.

Because ``N_opt`` depends on the base coefficients, the basis would depend on the linear
coefficients ``A`` and ``B`` if they were fitted jointly, which variable projection cannot
handle. :class:`DataConstrained` therefore computes ``N_opt`` from a fixed *allocation* law: the
pinned base when ``E``-``A``-``B`` and the exponents are all pinned (the authors' procedure: base
from Chinchilla's C4 isoFLOPs, then only ``R_D*`` and ``R_N*`` fitted on their 182 runs), an
explicit ``allocation`` mapping, or else the published C4 base.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize_scalar

from scalewall.errors import input_error
from scalewall.laws.forms import Inputs, Law

Array = NDArray[np.float64]

MUENNIGHOFF_2023_CITATION = (
    "Muennighoff et al. 2023, 'Scaling Data-Constrained Language Models', arXiv 2305.16264; "
    "values from huggingface/datablations README ('Parametric Fit') and utils/parametric_fit.ipynb"
)

#: Published ``(a, b, e, alpha, beta, R_D*, R_N*)`` with ``A, B, E = exp(a), exp(b), exp(e)``:
#: the base law fitted (alpha tied to beta) on 54 Chinchilla C4 isoFLOP points, then R_D* and
#: R_N* fitted on the authors' 182 C4 runs with the base held fixed.
MUENNIGHOFF_2023_RAW: tuple[float, ...] = (
    6.255414,
    7.3049974,
    0.6254804,
    0.3526596,
    0.3526596,
    15.387756,
    5.309743,
)

MUENNIGHOFF_2023: Mapping[str, float] = MappingProxyType(
    {
        "E": math.exp(MUENNIGHOFF_2023_RAW[2]),
        "A": math.exp(MUENNIGHOFF_2023_RAW[0]),
        "B": math.exp(MUENNIGHOFF_2023_RAW[1]),
        "alpha": MUENNIGHOFF_2023_RAW[3],
        "beta": MUENNIGHOFF_2023_RAW[4],
        "R_D_star": MUENNIGHOFF_2023_RAW[5],
        "R_N_star": MUENNIGHOFF_2023_RAW[6],
    }
)

_EMPTY: Mapping[str, float] = MappingProxyType({})
_ALLOCATION_KEYS = ("A", "B", "alpha", "beta")


# -- closed-form pieces -------------------------------------------------------------------------
def optimal_params_for_tokens(U: ArrayLike, allocation: Mapping[str, float]) -> Array:
    """Compute-optimal parameter count ``N_opt(U)`` for ``U`` tokens under a Chinchilla base law.

    ``N_opt(U) = G * (G * U)**(beta / alpha)``, ``G = (alpha A / (beta B))**(1 / (alpha + beta))``:
    the size that is compute-optimal at the budget where ``U`` tokens are (datablations'
    ``D_to_N``). Parameters beyond it count as "excess" and decay with ``R_N*``.

    Parameters
    ----------
    U : array_like
        Unique tokens.
    allocation : mapping
        ``A``, ``B``, ``alpha`` and ``beta`` of the base law (``beta`` defaults to ``alpha``).
    """
    A, B = float(allocation["A"]), float(allocation["B"])
    alpha = float(allocation["alpha"])
    beta = float(allocation.get("beta", alpha))
    G = (alpha * A / (beta * B)) ** (1.0 / (alpha + beta))
    out: Array = G * (G * np.asarray(U, dtype=float)) ** (beta / alpha)
    return out


def _decayed(base: Array, repeats: Array, star: ArrayLike) -> Array:
    """``base * (1 + star * (1 - exp(-repeats / star)))``, the saturating effective size."""
    s = np.asarray(star, dtype=float)
    out: Array = base * (1.0 + s * (-np.expm1(-repeats / s)))
    return out


def effective_tokens(D: ArrayLike, U: ArrayLike, R_D_star: ArrayLike) -> Array:
    """Effective data ``D' = U + U R_D* (1 - exp(-R_D / R_D*))``, ``R_D = max(D / U - 1, 0)``.

    ``U`` above ``D`` is read as ``U = D``: a run cannot see more unique tokens than it trains on
    (the datablations README's allocation search clips the same way).
    """
    Dv = np.asarray(D, dtype=float)
    Uv = np.minimum(np.asarray(U, dtype=float), Dv)
    return _decayed(Uv, np.maximum(Dv / Uv - 1.0, 0.0), R_D_star)


def effective_params(
    N: ArrayLike,
    U: ArrayLike,
    R_N_star: ArrayLike,
    allocation: Mapping[str, float] = MUENNIGHOFF_2023,
) -> Array:
    """Effective parameters ``N' = U_N + U_N R_N* (1 - exp(-R_N / R_N*))``.

    ``U_N = min(N, N_opt(U))`` (see :func:`optimal_params_for_tokens`) and
    ``R_N = N / U_N - 1``: parameters beyond the compute-optimal size for ``U`` unique tokens are
    worth less and less.
    """
    Nv = np.asarray(N, dtype=float)
    UN = np.minimum(Nv, optimal_params_for_tokens(U, allocation))
    return _decayed(UN, np.maximum(Nv / UN - 1.0, 0.0), R_N_star)


def _resolve(params: Mapping[str, float]) -> dict[str, float]:
    p = {k: float(v) for k, v in params.items()}
    p.setdefault("beta", p["alpha"])
    return p


def data_constrained_loss(
    N: ArrayLike,
    D: ArrayLike,
    U: ArrayLike,
    params: Mapping[str, float] = MUENNIGHOFF_2023,
    allocation: Mapping[str, float] | None = None,
) -> Array:
    """Loss ``E + A / N'**alpha + B / D'**beta`` for named parameters.

    Parameters
    ----------
    N, D, U : array_like
        Parameters, training tokens and unique tokens.
    params : mapping
        ``E, A, B, alpha, beta`` (``beta`` defaults to ``alpha``), ``R_D_star``, ``R_N_star``.
    allocation : mapping, optional
        Base law for ``N_opt(U)``; by default ``params`` itself, as in the datablations README.
    """
    p = _resolve(params)
    alloc = p if allocation is None else allocation
    Np = effective_params(
        N, np.minimum(np.asarray(U, float), np.asarray(D, float)), p["R_N_star"], alloc
    )
    Dp = effective_tokens(D, U, p["R_D_star"])
    out: Array = p["E"] + p["A"] * Np ** (-p["alpha"]) + p["B"] * Dp ** (-p["beta"])
    return out


def repeated_token_value(epochs: ArrayLike, R_D_star: float) -> Array:
    """Worth of one more repeated token relative to a fresh one: ``dD'/dD = exp(-R_D / R_D*)``.

    At fixed ``U`` this is also the ratio of the loss decrease from one more repeated token to
    that from one more token in an unrepeated run of the same effective size (the ``dL/dD'``
    factor cancels), so it does not depend on ``N``, ``A``, ``B`` or the exponents.
    """
    R = np.maximum(np.asarray(epochs, dtype=float) - 1.0, 0.0)
    out: Array = np.exp(-R / R_D_star)
    return out


def loss_vs_epochs(params: Mapping[str, float], N: float, U: float, epochs: ArrayLike) -> Array:
    """Loss of an ``N``-parameter model trained for ``epochs`` passes over ``U`` unique tokens."""
    e = np.asarray(epochs, dtype=float)
    return data_constrained_loss(N, e * U, np.full_like(e, U), params)


@dataclass(frozen=True)
class EpochAdvice:
    """Answer of :func:`best_epochs`.

    Attributes
    ----------
    useful_epochs : float
        Epochs after which a further repeated token is worth less than ``threshold`` of a fresh
        one: ``1 + R_D* * ln(1 / threshold)`` (72 epochs at 1% with the published R_D* = 15.4).
    threshold : float
    loss_one_epoch, loss_useful : float
        Loss of the given ``N`` after one epoch and after ``useful_epochs`` epochs of ``U``.
    compute : float or None
        The budget ``C`` searched at, when given.
    optimal_epochs, optimal_params, optimal_tokens, optimal_loss : float or None
        The loss-minimising split of ``C = k N D`` for ``U`` unique tokens (``D = epochs * U``;
        fewer than one epoch means part of ``U`` goes unused).
    """

    useful_epochs: float
    threshold: float
    loss_one_epoch: float
    loss_useful: float
    compute: float | None = None
    optimal_epochs: float | None = None
    optimal_params: float | None = None
    optimal_tokens: float | None = None
    optimal_loss: float | None = None


def best_epochs(
    params: Mapping[str, float],
    N: float,
    U: float,
    *,
    C: float | None = None,
    threshold: float = 0.01,
    flops_per_param_token: float = 6.0,
    max_epochs: float = 1e4,
) -> EpochAdvice:
    """How many epochs over ``U`` unique tokens are worth training.

    Two questions, because "best" depends on what is held fixed:

    1. *Fixed model, more passes* (``N`` and ``U`` fixed): the law says a repeated token is worth
       ``exp(-R_D / R_D*)`` of a fresh one (:func:`repeated_token_value`), whatever ``N``. The
       loss keeps falling with every epoch but ever more slowly, so there is no minimum; the
       useful cut-off is the epoch count after which the next token is worth less than
       ``threshold`` of fresh data, ``1 + R_D* ln(1 / threshold)``.
    2. *Fixed compute* (``C`` given): both ``N`` and ``D`` adjust along ``C = k N D`` and the loss
       has a true minimum; this is the allocation the datablations README finds by a 500-step
       grid search (their example: 8.67B/178B/25B unique -> 9.1 epochs, 6.8B parameters). Here it
       is a 4,001-point scan of ``log D`` over ``[1e-3, max_epochs]`` epochs refined by a bounded
       scalar search, so it is not limited to a factor of 3 around a starting point.

    Parameters
    ----------
    params : mapping
        ``E, A, B, alpha, beta`` (``beta`` defaults to ``alpha``), ``R_D_star``, ``R_N_star``.
    N : float
        Model size for question 1.
    U : float
        Unique-token budget.
    C : float, optional
        Training compute for question 2.
    threshold : float, default 0.01
        Worth of a repeated token, relative to a fresh one, below which more epochs stop paying.
    flops_per_param_token : float, default 6
        ``k`` in ``C = k N D``.
    max_epochs : float, default 1e4
        Upper end of the compute-optimal search.
    """
    if not 0 < threshold < 1:
        raise input_error("threshold must be in (0, 1)", got=threshold)
    p = _resolve(params)
    useful = 1.0 + p["R_D_star"] * math.log(1.0 / threshold)
    loss1 = float(loss_vs_epochs(p, N, U, [1.0])[0])
    loss_u = float(loss_vs_epochs(p, N, U, [useful])[0])
    if C is None:
        return EpochAdvice(useful, threshold, loss1, loss_u)
    if C <= 0:
        raise input_error("compute C must be > 0", got=C)
    k = flops_per_param_token

    def loss_at(log_d: Array) -> Array:
        D = np.exp(log_d)
        return data_constrained_loss(C / (k * D), D, np.minimum(U, D), p)

    grid = np.linspace(math.log(1e-3 * U), math.log(max_epochs * U), 4001)
    vals = loss_at(grid)
    i = int(np.nanargmin(vals))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    res = minimize_scalar(
        lambda t: float(loss_at(np.array([t]))[0]),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-10},
    )
    log_d = float(res.x) if float(res.fun) <= vals[i] else float(grid[i])
    D = math.exp(log_d)
    return EpochAdvice(
        useful,
        threshold,
        loss1,
        loss_u,
        compute=C,
        optimal_epochs=D / U,
        optimal_params=C / (k * D),
        optimal_tokens=D,
        optimal_loss=float(loss_at(np.array([log_d]))[0]),
    )


# -- the law for the fitter ---------------------------------------------------------------------
@dataclass(frozen=True)
class DataConstrained(Law):
    """``L = E + A / N'**alpha + B / D'**beta`` with effective ``N'`` and ``D'`` (see module).

    Linear coefficients ``E, A, B`` (pin with ``fixed``); nonlinear ``alpha``, ``beta`` (one
    ``alpha`` when ``tied``), ``R_D_star``, ``R_N_star``. Any of these can be pinned through
    ``base``: a pinned one leaves ``nonlinear`` and enters as a constant, so the fitter searches
    only the rest. The authors' two-stage fit is ``fixed={E, A, B}``,
    ``base={alpha}`` (tied), which leaves ``R_D_star`` and ``R_N_star`` and no linear coefficient.

    Parameters
    ----------
    fixed : mapping
        Pinned linear coefficients (``E``, ``A``, ``B``).
    tied : bool, default False
        ``beta = alpha``, as the authors fitted (their sizes span too little to separate them).
    base : mapping
        Pinned nonlinear parameters (``alpha``, ``beta``, ``R_D_star``, ``R_N_star``).
    allocation : mapping, optional
        ``A, B, alpha, beta`` of the law that defines ``N_opt(U)``. By default the pinned base
        when it is complete, else the published C4 base (:data:`MUENNIGHOFF_2023`); it is held
        fixed during a fit because a basis may depend only on the nonlinear parameters.

    References
    ----------
    Muennighoff et al. 2023, 'Scaling Data-Constrained Language Models', arXiv 2305.16264, eq. 5.
    """

    tied: bool = False
    base: Mapping[str, float] = field(default_factory=lambda: _EMPTY)
    allocation: Mapping[str, float] | None = None

    name: ClassVar[str] = "data-constrained"
    all_linear: ClassVar[tuple[str, ...]] = ("E", "A", "B")
    inputs: ClassVar[tuple[str, ...]] = ("N", "D", "unique_tokens")
    formula: ClassVar[str] = (
        "L = E + A/N'^alpha + B/D'^beta, D' = U(1 + R_D*(1 - exp(-R_D/R_D*))), "
        "N' = U_N(1 + R_N*(1 - exp(-R_N/R_N*)))"
    )
    reference: ClassVar[str] = MUENNIGHOFF_2023_CITATION

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "base", MappingProxyType(dict(self.base)))
        if self.allocation is not None:
            object.__setattr__(self, "allocation", MappingProxyType(dict(self.allocation)))
        allowed = self.all_nonlinear
        for k, v in self.base.items():
            if k not in allowed:
                hint = " (tied: pin alpha only)" if self.tied and k == "beta" else ""
                raise input_error(
                    f"cannot pin '{k}' in law '{self.name}'{hint}",
                    fix=f"only {', '.join(allowed)} can be pinned through base",
                )
            if not np.isfinite(v) or v <= 0:
                raise input_error(f"pinned {k} must be a finite number > 0", got=v)
        if self.allocation is not None:
            missing = [k for k in ("A", "B", "alpha") if k not in self.allocation]
            if missing:
                raise input_error(f"allocation needs {', '.join(missing)} (A, B, alpha, beta)")

    # -- structure ---------------------------------------------------------------------------
    @property
    def all_nonlinear(self) -> tuple[str, ...]:
        """Every nonlinear parameter of the form, pinned or not."""
        exps = ("alpha",) if self.tied else ("alpha", "beta")
        return (*exps, "R_D_star", "R_N_star")

    @property
    def nonlinear(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(p for p in self.all_nonlinear if p not in self.base)

    def allocation_params(self) -> dict[str, float]:
        """``A, B, alpha, beta`` used for ``N_opt(U)`` (see the class docstring)."""
        if self.allocation is not None:
            return _resolve(self.allocation)
        pinned = {**self.fixed, **self.base}
        if all(k in pinned for k in ("A", "B", "alpha")) and (self.tied or "beta" in pinned):
            return _resolve({k: pinned[k] for k in _ALLOCATION_KEYS if k in pinned})
        return {k: MUENNIGHOFF_2023[k] for k in _ALLOCATION_KEYS}

    def _theta_full(self, theta: Array) -> dict[str, Array]:
        """Every nonlinear parameter as an array of shape ``theta.shape[:-1] + (1,)``."""
        batch = theta.shape[:-1]
        free = {p: i for i, p in enumerate(self.nonlinear)}
        out: dict[str, Array] = {}
        for p in self.all_nonlinear:
            v = theta[..., free[p]] if p in free else np.full(batch, float(self.base[p]))
            out[p] = np.asarray(v, dtype=float)[..., None]
        out.setdefault("beta", out["alpha"])
        return out

    def _sizes(self, X: Inputs) -> tuple[Array, Array, Array, Array]:
        """``U_N``, ``R_N``, ``U_D`` and ``R_D`` per run (they do not depend on theta)."""
        N = np.asarray(X["N"], dtype=float)
        D = np.asarray(X["D"], dtype=float)
        U = np.minimum(np.asarray(X["unique_tokens"], dtype=float), D)
        UN = np.minimum(N, optimal_params_for_tokens(U, self.allocation_params()))
        return UN, np.maximum(N / UN - 1.0, 0.0), U, np.maximum(D / U - 1.0, 0.0)

    # -- evaluation --------------------------------------------------------------------------
    def _columns(self, X: Inputs, theta: Array) -> Array:
        t = self._theta_full(theta)
        UN, RN, UD, RD = self._sizes(X)
        cN = np.exp(-t["alpha"] * np.log(_decayed(UN, RN, t["R_N_star"])))
        cD = np.exp(-t["beta"] * np.log(_decayed(UD, RD, t["R_D_star"])))
        return np.stack([np.ones_like(cN), cN, cD], axis=-1)

    def _dcolumns(self, X: Inputs, theta: Array) -> Array:
        return self._columns_and_d(X, theta)[1]

    def _columns_and_d(self, X: Inputs, theta: Array) -> tuple[Array, Array]:
        t = self._theta_full(theta)
        UN, RN, UD, RD = self._sizes(X)
        Np = _decayed(UN, RN, t["R_N_star"])
        Dp = _decayed(UD, RD, t["R_D_star"])
        lNp, lDp = np.log(Np), np.log(Dp)
        cN = np.exp(-t["alpha"] * lNp)
        cD = np.exp(-t["beta"] * lDp)
        free = {p: i for i, p in enumerate(self.nonlinear)}
        d = np.zeros((*cN.shape, 3, len(self.nonlinear)))
        if "alpha" in free:
            d[..., 1, free["alpha"]] = -lNp * cN
            if self.tied:
                d[..., 2, free["alpha"]] = -lDp * cD
        if "beta" in free:
            d[..., 2, free["beta"]] = -lDp * cD
        for col, star, size, base, rep, c, expo in (
            (1, "R_N_star", Np, UN, RN, cN, t["alpha"]),
            (2, "R_D_star", Dp, UD, RD, cD, t["beta"]),
        ):
            if star in free:
                s = t[star]
                e = np.exp(-rep / s)
                dsize = base * (1.0 - e - (rep / s) * e)  # d size / d star
                d[..., col, free[star]] = -expo * c * dsize / size
        return np.stack([np.ones_like(cN), cN, cD], axis=-1), d

    def grid(self, X: Inputs) -> Array:
        """Product grid over the free nonlinear parameters, at most ~5,000 points.

        Exponents on a linear grid in [0.05, 1.5]; R_D* and R_N* log-spaced over [0.3, 300]
        (the published values are 15.4 and 5.3; below ~0.3 a repeat is worthless, above a few
        hundred it is as good as new data for every run in reach).
        """
        k = len(self.nonlinear)
        if k == 0:
            return np.zeros((1, 0))
        n = int(min(40, max(6, math.floor(5000 ** (1.0 / k)))))
        axes = [
            np.geomspace(0.3, 300.0, n) if p.startswith("R_") else np.linspace(0.05, 1.5, n)
            for p in self.nonlinear
        ]
        mesh = np.meshgrid(*axes, indexing="ij")
        return np.stack([m.ravel() for m in mesh], axis=-1)

    def theta_bounds(self) -> list[tuple[float | None, float | None]]:
        return [(1e-3, 1e4) if p.startswith("R_") else (1e-6, 10.0) for p in self.nonlinear]

    # -- convenience -------------------------------------------------------------------------
    def full_params(self, params: Mapping[str, float]) -> dict[str, float]:
        """Fitted, pinned and tied parameters together (``beta`` shown even when tied)."""
        out = super().full_params({**params, **self.base})
        for p in self.all_nonlinear:
            out[p] = float(self.base.get(p, params.get(p, np.nan)))
        out.setdefault("beta", out["alpha"])
        return out

    def predict(
        self, N: ArrayLike, D: ArrayLike, U: ArrayLike, params: Mapping[str, float]
    ) -> Array:
        """Predicted loss; pinned coefficients and pinned nonlinear parameters may be omitted."""
        Nv, Dv, Uv = np.broadcast_arrays(
            np.asarray(N, float), np.asarray(D, float), np.asarray(U, float)
        )
        X = {"N": Nv.ravel(), "D": Dv.ravel(), "unique_tokens": Uv.ravel()}
        return self.predict_params(X, params).reshape(Nv.shape)
