"""Bootstrap refits, vectorised across replicates.

A resample is a vector of integer weights (how often each row was drawn), so all replicates are
refitted together by one batched Levenberg-Marquardt IRLS solve started from the full-data
optimum, instead of one optimiser call per replicate. Rows that are checkpoints of one run are
resampled together (by group), as Besiroglu et al. 2024 recommend for clustered data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scalewall.laws.fitter import model_fn, search_bounds
from scalewall.laws.forms import Inputs, Law
from scalewall.laws.objectives import Objective
from scalewall.laws.solvers import levenberg_marquardt

Array = NDArray[np.float64]
Progress = Callable[[int, int], None]

#: Counts of :func:`replicate_health` shown beside intervals, with their words for people.
HEALTH = {"not_converged": "not converged", "non_finite": "non-finite", "at_bound": "at a bound"}
_CHUNK_ELEMENTS = 1_500_000  # replicates x rows per batch, keeps memory near 100 MB


def refit_batch(
    law: Law,
    X: Inputs,
    y: Array,
    objective: Objective,
    phi_hat: Array,
    weights: Array,
    *,
    max_iter: int = 1000,  # a few L1-like replicates need hundreds of IRLS steps
    progress: Progress | None = None,
) -> tuple[Array, Array, NDArray[np.bool_]]:
    """Refit every weight vector from ``phi_hat``; returns (phis, values, converged)."""
    R, n = weights.shape
    fn = model_fn(law, X)
    lower, upper = search_bounds(law)
    chunk = max(1, _CHUNK_ELEMENTS // max(n, 1))
    phis = np.empty((R, phi_hat.size))
    vals = np.empty(R)
    conv = np.empty(R, dtype=bool)
    for start in range(0, R, chunk):
        sl = slice(start, min(R, start + chunk))
        m = sl.stop - sl.start
        phi0 = np.broadcast_to(phi_hat, (m, phi_hat.size)).copy()
        ph, v, c = levenberg_marquardt(
            fn, phi0, y, objective, weights[sl], max_iter=max_iter, lower=lower, upper=upper
        )
        phis[sl], vals[sl], conv[sl] = ph, v, c
        if progress is not None:
            progress(sl.stop, R)
    return phis, vals, conv


def replicate_health(law: Law, phis: Array, converged: NDArray[np.bool_]) -> dict[str, object]:
    """Counts of bootstrap refits that failed, ended on a search bound, or left the domain.

    An interval over replicates that stopped at a bound (an exponent at its limit, a coefficient
    driven to zero) is as wide as the search range, not as the data allow; callers must show
    these counts with every interval built from the draws. The refit is box-constrained, so a
    replicate can leave the parameter domain only by turning non-finite; those are counted too.

    Returns
    -------
    dict
        ``not_converged``, ``non_finite``, ``at_bound`` (replicates with any parameter at a
        bound) and ``at_bound_by_param`` (name -> count).
    """
    lower, upper = search_bounds(law)
    finite = np.all(np.isfinite(phis), axis=1)
    span = np.where(np.isfinite(upper - lower), upper - lower, 1.0)
    with np.errstate(invalid="ignore"):
        on_bound = (phis <= lower + 1e-6 * span) | (phis >= upper - 1e-6 * span)
    on_bound &= finite[:, None]
    return {
        "not_converged": int((~converged).sum()),
        "non_finite": int((~finite).sum()),
        "at_bound": int(on_bound.any(axis=1).sum()),
        "at_bound_by_param": {
            name: int(c) for name, c in zip(law.param_names, on_bound.sum(axis=0), strict=True) if c
        },
    }


def health_note(record: Mapping[str, Any]) -> str:
    """The replicate counts to print beside any interval built from bootstrap draws.

    ``record`` is a fit's ``bootstrap`` record (:func:`replicate_health` counts plus
    ``replicates``); a count of zero is printed too, so a reader can tell a clean bootstrap from
    one that was not checked. The total is a count of flags (a replicate that did not converge
    and ended on a bound counts twice). Empty when no bootstrap ran.
    """
    reps = record.get("replicates")
    if not reps:
        return ""
    counts = {k: int(record.get(k) or 0) for k in HEALTH}
    detail = ", ".join(f"{n} {HEALTH[k]}" for k, n in counts.items())
    return f"bootstrap, {reps} replicates; {sum(counts.values())} flagged: {detail}"
