"""The non-linear forms of persuasion against size that Hackenburg et al. 2025 compare.

Theirs (PNAS 122(10) e2413443122, their non-linear comparison script) are fitted by least squares
to participants' attitude levels; ours to the per-model effects, weighted by their standard
errors. On the effect scale a form through the origin (saturating growth) is natural; on the
attitude scale it cannot reach the control level, which is why it ranks last in their table.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import optimize

from scalewall.errors import ScalewallWarning

Array = NDArray[np.float64]

Form = Callable[..., Array]
#: The authors' five forms (their nonlinear comparison script), in parameters p (billions), with
#: our starting values. Theirs model a participant's attitude level; ours the model's effect.
FORMS: dict[str, tuple[Form, tuple[float, ...]]] = {
    "log-linear": (lambda p, a, b: a + b * np.log(p), (5.0, 1.0)),
    "power law": (lambda p, a, b: a * p**b, (5.0, 0.2)),
    "saturating growth": (lambda p, a, b: a * (1 - np.exp(-b * p)), (9.0, 0.5)),
    "logistic": (lambda p, a, b, c: a / (1 + np.exp(-b * (p - c))), (9.0, 0.5, 2.0)),
    "log-logistic": (lambda p, a, b, c: a / (1 + np.exp(-b * (np.log(p) - c))), (9.0, 1.0, 0.0)),
}
PARAM_NAMES = ("a", "b", "c")


def _curve_fit(f: Form, p0: tuple[float, ...], x: Array, y: Array, s: Array) -> tuple[Array, Array]:
    """Weighted least squares; NaN parameters when the optimiser finds no optimum."""
    try:
        popt, pcov = optimize.curve_fit(f, x, y, p0=p0, sigma=s, absolute_sigma=True, maxfev=20000)
    except RuntimeError:
        nan = np.full(len(p0), np.nan)
        return nan, np.diag(nan)
    return np.asarray(popt, float), np.asarray(pcov, float)


def nonlinear_forms(effects: pd.DataFrame) -> pd.DataFrame:
    """Each form fitted to the per-model effects by weighted least squares (weights 1/se^2).

    Columns: form, a/b/c with standard errors (analytic, from the weighted fit), ``aic``
    (chi-square + 2k, known variances), ``cv_error`` (leave-one-model-out: mean over models of
    |observed effect - prediction from the other models|, the authors' CV definition).
    """
    p = effects["parameters_b"].to_numpy()
    y = effects["estimate"].to_numpy()
    s = effects["se"].to_numpy()
    rows = []
    for name, (f, p0) in FORMS.items():
        popt, pcov = _curve_fit(f, p0, p, y, s)
        if np.isnan(popt).any():
            warnings.warn(
                f"the {name} form did not converge on these effects; its row is left empty",
                ScalewallWarning,
                stacklevel=2,
            )
        chi2 = float(np.sum(((y - f(p, *popt)) / s) ** 2))
        errs = []
        for i in range(len(p)):
            keep = np.arange(len(p)) != i
            pi, _ = _curve_fit(f, tuple(popt), p[keep], y[keep], s[keep])
            errs.append(abs(y[i] - float(f(p[i : i + 1], *pi)[0])))
        row: dict[str, Any] = {
            "form": name,
            "aic": chi2 + 2 * len(popt),
            "cv_error": float(np.mean(errs)),
        }
        for k, (v, e) in enumerate(zip(popt, np.sqrt(np.diag(pcov)), strict=True)):
            row[PARAM_NAMES[k]], row[f"{PARAM_NAMES[k]}_se"] = float(v), float(e)
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = ["FORMS", "nonlinear_forms"]
