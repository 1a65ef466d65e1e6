"""Scaling-law forms as frozen dataclasses.

Every form is ``mu = offset + sum_j lin_j * basis_j(X; theta)``: a few coefficients that enter
linearly and are >= 0 (E, A, B, ...), and nonlinear parameters ``theta`` (exponents, breaks).
That split is what the fitter exploits (variable projection): for fixed ``theta`` the linear
coefficients are solved exactly, and only ``theta`` is searched globally.

A coefficient named in ``fixed`` is pinned (for instance ``E`` from an eval-tagged asymptote):
it moves into the offset and is no longer fitted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from scalewall.errors import input_error

Array = NDArray[np.float64]
Inputs = Mapping[str, Array]

_EMPTY: Mapping[str, float] = MappingProxyType({})


@dataclass(frozen=True)
class Law:
    """Base class: a functional form with linear coefficients and nonlinear parameters.

    Subclasses define ``all_linear`` (coefficient names in basis order), ``nonlinear``,
    ``inputs`` (runs-table columns it reads), ``_columns`` (the basis) and ``_dcolumns`` (its
    derivative in ``theta``), and ``grid`` (starting points for the global search).
    """

    fixed: Mapping[str, float] = field(default_factory=lambda: _EMPTY)

    name: ClassVar[str] = "law"
    all_linear: ClassVar[tuple[str, ...]] = ()
    nonlinear: ClassVar[tuple[str, ...]] = ()
    inputs: ClassVar[tuple[str, ...]] = ()
    formula: ClassVar[str] = ""
    reference: ClassVar[str] = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "fixed", MappingProxyType(dict(self.fixed)))

    # -- structure ---------------------------------------------------------------------------
    @property
    def linear(self) -> tuple[str, ...]:
        """Fitted linear coefficients (pinned ones removed)."""
        return tuple(p for p in self.all_linear if p not in self.fixed)

    @property
    def param_names(self) -> tuple[str, ...]:
        return (*self.linear, *self.nonlinear)

    def check_fixed(self) -> None:
        bad = [k for k in self.fixed if k not in self.all_linear]
        if bad:
            raise input_error(
                f"cannot pin {', '.join(bad)} in law '{self.name}'",
                fix=f"only {', '.join(self.all_linear)} can be pinned",
            )
        for k, v in self.fixed.items():
            if not np.isfinite(v) or v < 0:
                raise input_error(f"pinned {k} must be a finite number >= 0", got=v)

    def inputs_from(self, df: Any) -> Inputs:
        """Arrays the law reads from a runs table (a DataFrame or a mapping of columns), with a
        clear error when a column is missing."""
        missing = [c for c in self.inputs if c not in df]
        if missing:
            raise input_error(
                f"law '{self.name}' needs column(s) {', '.join(missing)}",
                fix="map them with --n-col, --d-col, --c-col or (for unique tokens) --u-col",
            )
        return {c: np.asarray(df[c], dtype=float) for c in self.inputs}

    # -- evaluation --------------------------------------------------------------------------
    def _columns(self, X: Inputs, theta: Array) -> Array:
        """All basis columns, shape ``theta.shape[:-1] + (n, len(all_linear))``."""
        raise NotImplementedError

    def _dcolumns(self, X: Inputs, theta: Array) -> Array:
        """d columns / d theta, shape ``(..., n, len(all_linear), len(nonlinear))``."""
        raise NotImplementedError

    def _columns_and_d(self, X: Inputs, theta: Array) -> tuple[Array, Array]:
        """Columns and their theta-derivatives together; override to share work."""
        return self._columns(X, theta), self._dcolumns(X, theta)

    def grid(self, X: Inputs) -> Array:
        """Starting values of ``theta`` for the global search, shape ``(G, len(nonlinear))``."""
        raise NotImplementedError

    def theta_bounds(self) -> list[tuple[float | None, float | None]]:
        return [(1e-6, 10.0)] * len(self.nonlinear)

    def _split(self, cols: Array) -> tuple[Array, Array]:
        """Split columns into (free basis, offset from pinned coefficients)."""
        free = [i for i, p in enumerate(self.all_linear) if p not in self.fixed]
        offset = np.zeros(cols.shape[:-1])
        for i, p in enumerate(self.all_linear):
            if p in self.fixed:
                offset = offset + self.fixed[p] * cols[..., i]
        return cols[..., free], offset

    def basis(self, X: Inputs, theta: Array) -> tuple[Array, Array]:
        """Free basis ``(..., n, p)`` and offset ``(..., n)`` for nonlinear parameters theta."""
        return self._split(self._columns(X, np.asarray(theta, dtype=float)))

    def basis_and_d(self, X: Inputs, theta: Array) -> tuple[Array, Array, Array, Array]:
        """Free basis, offset, and their theta-derivatives ``(..., n, p, k)``, ``(..., n, k)``."""
        cols, d = self._columns_and_d(X, np.asarray(theta, dtype=float))
        if not self.fixed:  # the common case: no copies
            zero = np.zeros(())
            return cols, zero, d, zero
        B, off = self._split(cols)
        free = [i for i, p in enumerate(self.all_linear) if p not in self.fixed]
        doff = np.zeros(d.shape[:-2] + d.shape[-1:])
        for i, p in enumerate(self.all_linear):
            if p in self.fixed:
                doff = doff + self.fixed[p] * d[..., i, :]
        return B, off, d[..., free, :], doff

    def predict_params(self, X: Inputs, params: Mapping[str, float]) -> Array:
        """Predicted loss for named parameters (pinned ones may be omitted)."""
        theta = np.array([params[k] for k in self.nonlinear], dtype=float)
        cols = self._columns(X, theta)
        coef = np.array([self.fixed[p] if p in self.fixed else params[p] for p in self.all_linear])
        out: Array = cols @ coef
        return out

    def full_params(self, params: Mapping[str, float]) -> dict[str, float]:
        """Fitted and pinned parameters together, in the form's order."""
        out = {p: float(self.fixed.get(p, params.get(p, np.nan))) for p in self.all_linear}
        out.update({p: float(params[p]) for p in self.nonlinear})
        return out

    def describe(self) -> str:
        pins = ", ".join(f"{k}={v:g}" for k, v in self.fixed.items())
        return f"{self.formula}" + (f" (pinned {pins})" if pins else "")


def _log(X: Inputs, key: str) -> Array:
    return np.log(np.asarray(X[key], dtype=float))


def _exp_grid(lo: float, hi: float, n: int) -> Array:
    return np.linspace(lo, hi, n)


@dataclass(frozen=True)
class Chinchilla(Law):
    """``L = E + A / N**alpha + B / D**beta`` (Hoffmann et al. 2022, Approach 3).

    With ``tied=True`` the exponents are equal (alpha = beta), which Muennighoff et al. 2023 used
    and which identifies the fit when sizes span less than a decade.

    References
    ----------
    Hoffmann et al. 2022, 'Training Compute-Optimal Large Language Models', arXiv 2203.15556.
    """

    tied: bool = False

    name: ClassVar[str] = "chinchilla"
    all_linear: ClassVar[tuple[str, ...]] = ("E", "A", "B")
    inputs: ClassVar[tuple[str, ...]] = ("N", "D")
    reference: ClassVar[str] = "Hoffmann et al. 2022, arXiv 2203.15556, Approach 3"

    @property
    def nonlinear(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("alpha",) if self.tied else ("alpha", "beta")

    def _ab(self, theta: Array) -> tuple[Array, Array]:
        a = theta[..., 0]
        b = theta[..., 0] if self.tied else theta[..., 1]
        return a, b

    def _columns(self, X: Inputs, theta: Array) -> Array:
        a, b = self._ab(theta)
        lN, lD = _log(X, "N"), _log(X, "D")
        cN = np.exp(-a[..., None] * lN)
        cD = np.exp(-b[..., None] * lD)
        return np.stack([np.ones_like(cN), cN, cD], axis=-1)

    def _dcolumns(self, X: Inputs, theta: Array) -> Array:
        return self._columns_and_d(X, theta)[1]

    def _columns_and_d(self, X: Inputs, theta: Array) -> tuple[Array, Array]:
        cols = self._columns(X, theta)
        lN, lD = _log(X, "N"), _log(X, "D")
        k = len(self.nonlinear)
        d = np.zeros((*cols.shape, k))
        d[..., 1, 0] = -lN * cols[..., 1]
        d[..., 2, k - 1] = -lD * cols[..., 2]
        return cols, d

    @property
    def formula(self) -> str:  # type: ignore[override]
        return "L = E + A/N^alpha + B/D^alpha" if self.tied else "L = E + A/N^alpha + B/D^beta"

    def full_params(self, params: Mapping[str, float]) -> dict[str, float]:
        out = super().full_params(params)
        if self.tied:  # report beta too, so every Chinchilla result has the same keys
            out["beta"] = out["alpha"]
        return out

    def grid(self, X: Inputs) -> Array:
        g = _exp_grid(0.02, 2.5, 20)
        if self.tied:
            return g[:, None]
        a, b = np.meshgrid(g, g, indexing="ij")
        return np.stack([a.ravel(), b.ravel()], axis=-1)

    def predict(self, N: Array, D: Array, params: Mapping[str, float]) -> Array:
        p = dict(params)
        if self.tied:
            p.setdefault("beta", p["alpha"])
        return self.predict_params({"N": np.asarray(N), "D": np.asarray(D)}, p)


@dataclass(frozen=True)
class PowerLaw(Law):
    """``L = E + A / x**alpha`` in one variable x (N, D or C).

    With E pinned this is marin's ``L_inf + A * C**(-alpha)`` with an eval-tagged asymptote.
    """

    variable: str = "C"

    name: ClassVar[str] = "power"
    all_linear: ClassVar[tuple[str, ...]] = ("E", "A")
    nonlinear: ClassVar[tuple[str, ...]] = ("alpha",)
    reference: ClassVar[str] = "Kaplan et al. 2020, arXiv 2001.08361 (with an irreducible term)"

    @property
    def inputs(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.variable,)

    @property
    def formula(self) -> str:  # type: ignore[override]
        return f"L = E + A/{self.variable}^alpha"

    def _columns(self, X: Inputs, theta: Array) -> Array:
        c = np.exp(-theta[..., 0][..., None] * _log(X, self.variable))
        return np.stack([np.ones_like(c), c], axis=-1)

    def _dcolumns(self, X: Inputs, theta: Array) -> Array:
        cols = self._columns(X, theta)
        d = np.zeros((*cols.shape, 1))
        d[..., 1, 0] = -_log(X, self.variable) * cols[..., 1]
        return d

    def grid(self, X: Inputs) -> Array:
        return _exp_grid(0.005, 2.5, 400)[:, None]
