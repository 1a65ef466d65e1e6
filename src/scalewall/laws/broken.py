"""Broken neural scaling law (BNSL) of Caballero et al. 2022 with ``breaks`` smooth breaks.

``y = a + b * x**(-c0) * prod_i (1 + (x / d_i)**(1 / f_i))**(-c_i * f_i)``

Between breaks the curve is a power law; at ``x ~ d_i`` its log-log slope changes by ``c_i``,
over a width set by ``f_i`` (small ``f_i``: sharp). ``a`` (here ``E``) and ``b`` (here ``A``) enter
linearly, so the fitter profiles them out and searches only ``c0, c_i, d_i, f_i``.

Break locations are searched as ``log_d_i = ln d_i``: breaks live on a log scale (the noiseless
benchmark has one at 612 for x in 1..4095), a uniform grid in ``log_d`` spreads starts evenly
over the decades, and L-BFGS-B steps in ``log_d`` are equally sized wherever the break sits.
:func:`natural_params` turns a fitted parameter set into ``d_i`` in the units of ``x``.

Evaluation is overflow-free for sharp breaks: ``log(1 + (x/d)**(1/f))`` is computed as
``logaddexp(0, (ln x - ln d) / f)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from scalewall.errors import input_error
from scalewall.laws.forms import Inputs, Law

Array = NDArray[np.float64]

BNSL_CITATION = "Caballero et al. 2022, 'Broken Neural Scaling Laws', arXiv 2210.14891"

_MAX_GRID = 20_000  # cap on profile grid points when breaks > 1 (see BrokenPowerLaw.grid)
_REACH = 4.0  # a break start must bend the last point by >= exp(-4) of its full effect


def natural_params(params: Mapping[str, float]) -> dict[str, float]:
    """Replace every ``log_d{i}`` by ``d{i} = exp(log_d{i})``; other entries are kept."""
    out: dict[str, float] = {}
    for k, v in params.items():
        if k.startswith("log_d"):
            out["d" + k[len("log_d") :]] = float(math.exp(v))
        else:
            out[k] = float(v)
    return out


def log_params(params: Mapping[str, float]) -> dict[str, float]:
    """Inverse of :func:`natural_params`: ``d{i}`` becomes ``log_d{i} = ln d{i}``."""
    out: dict[str, float] = {}
    for k, v in params.items():
        if k.startswith("d") and k[1:].isdigit():
            if v <= 0:
                raise input_error(f"break location {k} must be > 0", got=v)
            out["log_" + k] = float(math.log(v))
        else:
            out[k] = float(v)
    return out


@dataclass(frozen=True)
class BrokenPowerLaw(Law):
    """BNSL ``y = E + A x^-c0 prod_i (1 + (x/d_i)^(1/f_i))^(-c_i f_i)`` in one variable.

    Parameters
    ----------
    fixed : mapping
        Pinned linear coefficients (``E`` = BNSL's ``a``, ``A`` = ``b``).
    breaks : int, default 1
        Number of breaks ``n``.
    variable : str, default "D"
        Runs-table column used as ``x``.

    Notes
    -----
    Nonlinear parameters, in order: ``c0``, then ``c{i}, log_d{i}, f{i}`` for i = 1..n. ``E`` and
    ``A`` must be >= 0 (the fitter's linear coefficients are), which suits losses that fall to an
    asymptote; ``c0`` and ``c_i`` may be negative (non-monotone curves, double descent).

    References
    ----------
    Caballero et al. 2022, 'Broken Neural Scaling Laws', arXiv 2210.14891, eq. 1.
    """

    breaks: int = 1
    variable: str = "D"

    name: ClassVar[str] = "bnsl"
    all_linear: ClassVar[tuple[str, ...]] = ("E", "A")
    reference: ClassVar[str] = BNSL_CITATION

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.breaks, int) or self.breaks < 0:
            raise input_error("breaks must be an integer >= 0", got=self.breaks)

    @property
    def inputs(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.variable,)

    @property
    def nonlinear(self) -> tuple[str, ...]:  # type: ignore[override]
        names = ["c0"]
        for i in range(1, self.breaks + 1):
            names += [f"c{i}", f"log_d{i}", f"f{i}"]
        return tuple(names)

    @property
    def formula(self) -> str:  # type: ignore[override]
        x = self.variable
        brk = "".join(f" (1 + ({x}/d{i})^(1/f{i}))^(-c{i} f{i})" for i in range(1, self.breaks + 1))
        return f"L = E + A {x}^-c0{brk}"

    # -- evaluation --------------------------------------------------------------------------
    def _log_terms(self, X: Inputs, theta: Array) -> tuple[Array, list[tuple[Array, ...]]]:
        """``log g`` and per break ``(c, f, t, softplus t, sigmoid t)``, shapes ``(..., n)``."""
        lx = np.log(np.asarray(X[self.variable], dtype=float))
        logg = -theta[..., 0][..., None] * lx
        parts: list[tuple[Array, ...]] = []
        for i in range(self.breaks):
            c = theta[..., 1 + 3 * i][..., None]
            ld = theta[..., 2 + 3 * i][..., None]
            f = theta[..., 3 + 3 * i][..., None]
            t = (lx - ld) / f
            sp = np.logaddexp(0.0, t)
            logg = logg - c * f * sp
            parts.append((c, f, t, sp, 0.5 * (1.0 + np.tanh(0.5 * t))))
        return logg, parts

    def _columns(self, X: Inputs, theta: Array) -> Array:
        logg, _ = self._log_terms(X, theta)
        g = np.exp(np.clip(logg, -300.0, 300.0))
        return np.stack([np.ones_like(g), g], axis=-1)

    def _dcolumns(self, X: Inputs, theta: Array) -> Array:
        return self._columns_and_d(X, theta)[1]

    def _columns_and_d(self, X: Inputs, theta: Array) -> tuple[Array, Array]:
        logg, parts = self._log_terms(X, theta)
        g = np.exp(np.clip(logg, -300.0, 300.0))
        lx = np.log(np.asarray(X[self.variable], dtype=float))
        d = np.zeros((*g.shape, 2, len(self.nonlinear)))
        d[..., 1, 0] = -lx * g
        for i, (c, f, t, sp, sig) in enumerate(parts):
            d[..., 1, 1 + 3 * i] = -f * sp * g  # d/dc_i
            d[..., 1, 2 + 3 * i] = c * sig * g  # d/dlog_d_i
            d[..., 1, 3 + 3 * i] = -c * (sp - t * sig) * g  # d/df_i
        return np.stack([np.ones_like(g), g], axis=-1), d

    def grid(self, X: Inputs) -> Array:
        """Starts that find breaks without user-tuned guesses.

        Break locations ``log_d`` run evenly from the smallest observed ``x`` to 30% of the
        observed log-range beyond the largest (a break just past the data still bends its last
        points, and it is what extrapolation needs); ``c0`` on {0, .05, .15, .3, .6, 1},
        ``c_i`` log-spaced on [0.1, 10], ``f_i`` log-spaced on [0.02, 0.75]. Starts whose break
        cannot bend even the last point (``(ln x_max - log_d) / f < -4``) are dropped: they all
        reproduce the no-break curve, tie in the profile and would crowd out the starts that
        can find a break; the no-break fit stays reachable through ``c_i -> 0``. One break gives
        at most 6 x 7 x 16 x 5 = 3,360 points (2,814 for x = 1..405; profile ~0.3 s, whole fit
        ~1.2 s). With more breaks the grid per break is coarser (4 x 8 x 3), breaks are ordered
        (``d_1 < d_2 < ...``), and beyond 20,000 points a fixed-seed subsample is kept.
        """
        lx = np.log(np.asarray(X[self.variable], dtype=float))
        lo, hi = float(np.min(lx)), float(np.max(lx))
        span = max(hi - lo, 1e-6)
        if self.breaks == 0:
            return np.linspace(0.0, 2.5, 101)[:, None]
        if self.breaks == 1:
            c0 = np.array([0.0, 0.05, 0.15, 0.3, 0.6, 1.0])
            per = [
                np.geomspace(0.1, 10.0, 7),
                np.linspace(lo, hi + 0.3 * span, 16),
                np.geomspace(0.02, 0.75, 5),
            ]
        else:
            c0 = np.array([0.0, 0.1, 0.3, 0.8])
            per = [
                np.geomspace(0.2, 5.0, 4),
                np.linspace(lo, hi + 0.3 * span, 8),
                np.geomspace(0.03, 0.75, 3),
            ]
        axes = [c0]
        for _ in range(self.breaks):
            axes += per
        mesh = np.meshgrid(*axes, indexing="ij")
        g = np.stack([m.ravel() for m in mesh], axis=-1)
        # A break too far out or too sharp to bend any observed point is the no-break curve
        # again: those starts all tie in the profile and would crowd out the ones that can
        # find a break. Keep a start only if every break reaches the last point.
        reach = (hi - g[:, 2::3]) / g[:, 3::3]
        g = g[np.all(reach > -_REACH, axis=1)]
        if self.breaks > 1:
            ld = g[:, 2::3]
            g = g[np.all(np.diff(ld, axis=1) > 0, axis=1)]
            if len(g) > _MAX_GRID:
                keep = np.random.default_rng(0).choice(len(g), _MAX_GRID, replace=False)
                g = g[np.sort(keep)]
        return g

    def theta_bounds(self) -> list[tuple[float | None, float | None]]:
        b: list[tuple[float | None, float | None]] = [(-2.0, 10.0)]
        for _ in range(self.breaks):
            b += [(-20.0, 50.0), (-200.0, 200.0), (1e-3, 20.0)]
        return b

    # -- convenience -------------------------------------------------------------------------
    def predict(self, x: ArrayLike, params: Mapping[str, float]) -> Array:
        """Predicted ``y``; ``params`` may give break locations as ``d{i}`` or ``log_d{i}``."""
        p = log_params(params)
        xv = np.asarray(x, dtype=float)
        return self.predict_params({self.variable: xv.ravel()}, p).reshape(xv.shape)
