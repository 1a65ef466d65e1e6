"""Which runs sit far off a fitted law: a rule with a stated false-alarm rate.

A point is flagged when its residual is further from the median residual than a critical number
of robust standard deviations, and that critical number is chosen so that a *clean* table (a
correct law plus independent Gaussian noise) has at least one flagged point with probability
:data:`FALSE_ALARM` (0.5 %), whatever its size. A fixed threshold cannot do that: with 4 robust SDs
a 16-point table raised a false flag in 18 % of simulated clean tables (issue 13), for two
reasons this rule corrects.

* The maximum of n residuals grows with n, so one threshold is too strict for small tables and
  too lax for large ones. The critical value :func:`critical_value` is the (1 - FALSE_ALARM)
  quantile of ``max |x_i - median(x)| / (1.4826 MAD(x))`` over samples of m independent standard
  normals: by Monte Carlo up to :data:`MC_MAX` points (:data:`CALIBRATION_DRAWS` samples, fixed
  seed, once per m), and beyond from the normal maximum with the MAD's sampling error
  integrated out (its asymptotic variance is 1.3605 / m, the 37% efficiency of Rousseeuw &
  Croux 1993, JASA 88:1273); the two agree to about 1% (the Monte Carlo error) from m = 120.
* A robust fit (Huber with a threshold far below the noise, or the asymmetric objective) passes
  exactly through about as many points as it has parameters; those zero residuals shrink the
  MAD, and every other point looks extreme ("5.7 robust SDs" for a point at 1.5 SDs). The k
  residuals closest to the median (k = fitted parameters) are therefore left out of the scale,
  and the critical value is that of the m = n - k remaining ones.

``tests/laws/test_outliers.py`` checks the end-to-end rate on simulated clean tables fitted with
the default objective (under 1 % with its Monte Carlo error) and that a point 8 noise SDs off
the law is caught.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, stats

Array = NDArray[np.float64]

#: Probability that a clean table gets at least one flag (family-wise, per table).
FALSE_ALARM = 0.005
#: Monte Carlo samples behind each critical value; the quantile's own MC error at 0.5 % is then
#: about 1.5 % of the critical value's distance from the bulk.
CALIBRATION_DRAWS = 20_000
MAD_TO_SD = 1.4826  # 1 / Phi^-1(3/4): the MAD of a normal sample estimates 0.6745 SD
MC_MAX = 120  # beyond this many residuals the asymptotic critical value is used
MAD_VARIANCE = 1.3605  # m x Var(1.4826 MAD) for normal data (Rousseeuw & Croux 1993)
_MAX_ELEMENTS = 4_000_000  # draws x size per calibration batch, ~32 MB


def _max_robust_z(x: Array) -> Array:
    """``max |x - median| / (1.4826 MAD)`` along the last axis."""
    dev = np.abs(x - np.median(x, axis=-1, keepdims=True))
    scale = MAD_TO_SD * np.median(dev, axis=-1)
    out: Array = dev.max(axis=-1) / scale
    return out


@lru_cache(maxsize=256)
def critical_value(m: int, false_alarm: float = FALSE_ALARM) -> float:
    """Robust-SD threshold that ``m`` clean Gaussian residuals exceed with prob. ``false_alarm``."""
    if m < 3:
        return float("inf")  # no scale can be estimated from fewer points
    if m > MC_MAX:
        return _asymptotic_critical(m, false_alarm)
    rng = np.random.default_rng(np.random.SeedSequence([20260213, m]))
    batch = max(1, _MAX_ELEMENTS // m)
    stats = [
        _max_robust_z(rng.standard_normal((min(batch, CALIBRATION_DRAWS - done), m)))
        for done in range(0, CALIBRATION_DRAWS, batch)
    ]
    return float(np.quantile(np.concatenate(stats), 1.0 - false_alarm))


def _asymptotic_critical(m: int, false_alarm: float) -> float:
    """Solve P(max_i |x_i| > c s) = false_alarm with the scale estimate s ~ N(1, 1.3605 / m)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    s = 1.0 + np.sqrt(MAD_VARIANCE / m) * nodes
    w = weights / weights.sum()

    def excess(c: float) -> float:
        return float(1.0 - np.sum(w * (2.0 * stats.norm.cdf(c * s) - 1.0) ** m) - false_alarm)

    return float(optimize.brentq(excess, 1.0, 50.0))


def robust_z(residuals: Array, n_params: int = 0) -> tuple[Array, int]:
    """Residuals in robust SDs from their median, and the count ``m`` behind the scale.

    The ``n_params`` residuals closest to the median are left out of the MAD (a robust fit
    interpolates about that many points exactly).
    """
    r = np.asarray(residuals, dtype=float)
    dev = r - np.median(r)
    m = r.size - max(0, min(n_params, r.size))
    kept = np.sort(np.abs(dev))[r.size - m :]
    scale = MAD_TO_SD * float(np.median(kept)) if m else 0.0
    if scale <= 0:
        return np.zeros_like(r), m
    return dev / scale, m


def flag_outliers(
    residuals: Array, n_params: int = 0, false_alarm: float = FALSE_ALARM
) -> list[dict[str, Any]]:
    """Rows whose residual exceeds the calibrated threshold, each with a one-line reason.

    Parameters
    ----------
    residuals : array
        Observed minus fitted, on the objective's scale (log loss for the log objectives).
    n_params : int
        Parameters the law fitted; that many residuals are left out of the scale.
    false_alarm : float, default 0.005
        Chance that a clean table (right law, Gaussian noise) gets any flag at all.
    """
    z, m = robust_z(residuals, n_params)
    crit = critical_value(m, false_alarm)
    out = []
    for i in np.flatnonzero(np.abs(z) > crit):
        side = "above" if z[i] > 0 else "below"
        out.append(
            {
                "row": int(i) + 1,
                "residual": float(np.asarray(residuals)[i]),
                "robust_z": float(z[i]),
                "critical": crit,
                "reason": (
                    f"observed loss {abs(z[i]):.1f} robust SDs {side} the fit (threshold "
                    f"{crit:.2f}: a clean table of this size is flagged {false_alarm:.1%} of "
                    "the time)"
                ),
            }
        )
    return out
