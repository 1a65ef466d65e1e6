"""Equivalence by two one-sided tests (TOST): how "no difference" is supported, or not.

A non-significant difference says nothing about equality; equality within a margin ``m`` is
shown when both one-sided nulls ``diff <= -m`` and ``diff >= m`` are rejected, i.e. when the
``1 - 2 alpha`` interval of the difference lies inside ``(-m, m)`` (Schuirmann 1987,
J. Pharmacokinet. Biopharm. 15:657; Lakens 2017, Soc. Psychol. Personal. Sci. 8:355).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats

from scalewall.claims import within_margin
from scalewall.errors import input_error

EQUIVALENT, DIFFERENT, INCONCLUSIVE = "equivalent", "different", "inconclusive"
GAIN, DECLINE, NOT_TESTABLE = "gain", "decline", "not testable"


def check_tost(margin: float, alpha: float) -> None:
    """The settings of every TOST here: a finite margin > 0, and alpha in (0, 0.5) so that the
    ``1 - 2 alpha`` interval exists."""
    if not 0 < margin < np.inf:
        raise input_error(
            "the equivalence margin must be a finite number > 0", column="margin", got=margin
        )
    if not 0 < alpha < 0.5:
        raise input_error("alpha must be in (0, 0.5)", column="alpha", got=alpha)


def interval_verdict(lo90: float, hi90: float, lo95: float, hi95: float, margin: float) -> str:
    """The one reading of a difference's two intervals, whatever produced them (z, bootstrap).

    ``equivalent`` when the ``1 - 2 alpha`` interval lies inside ``(-margin, margin)`` (TOST at
    alpha), else ``gain`` / ``decline`` when the ``1 - alpha`` interval lies above / below 0,
    else ``inconclusive``; ``not testable`` without a finite interval.
    """
    if not all(np.isfinite([lo90, hi90, lo95, hi95])):
        return NOT_TESTABLE
    if within_margin(lo90, hi90, margin):
        return EQUIVALENT
    if lo95 > 0:
        return GAIN
    if hi95 < 0:
        return DECLINE
    return INCONCLUSIVE


@dataclass(frozen=True)
class Equivalence:
    """A difference tested for equivalence (TOST) and for a difference, with normal (z) tests.

    Attributes
    ----------
    difference, se : float
        The estimate and its standard error.
    margin, alpha : float
        Equivalence margin (same unit as the difference) and test level.
    ci90_lo, ci90_hi : float
        The ``1 - 2 alpha`` interval (90% at alpha 0.05): inside the margin iff TOST rejects.
    ci95_lo, ci95_hi : float
        The ``1 - alpha`` interval: excludes 0 iff the difference is significant.
    p_tost : float
        Larger of the two one-sided p-values.
    p_difference : float
        Two-sided p-value of ``difference = 0``.
    verdict : str
        ``equivalent`` when ``p_tost < alpha`` (whether or not a difference smaller than the
        margin is also significant); otherwise ``different`` when ``p_difference < alpha``;
        otherwise ``inconclusive``: the data can neither rule out a difference of the margin's
        size nor show one.
    """

    difference: float
    se: float
    margin: float
    alpha: float
    ci90_lo: float
    ci90_hi: float
    ci95_lo: float
    ci95_hi: float
    p_tost: float
    p_difference: float
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        return {k: float(v) if isinstance(v, float) else v for k, v in asdict(self).items()}


def tost(difference: float, se: float, margin: float, alpha: float = 0.05) -> Equivalence:
    """Two one-sided z tests of ``|difference| < margin``, plus the two-sided test of 0."""
    check_tost(margin, alpha)
    if not se > 0:
        raise input_error("the standard error must be > 0", column="se", got=se)
    p_low = float(stats.norm.sf((difference + margin) / se))  # H0: difference <= -margin
    p_high = float(stats.norm.cdf((difference - margin) / se))  # H0: difference >= +margin
    p_diff = float(2 * stats.norm.sf(abs(difference) / se))
    z1, z2 = float(stats.norm.ppf(1 - alpha)), float(stats.norm.ppf(1 - alpha / 2))
    lo90, hi90, lo95, hi95 = (
        float(difference + sign * z * se) for z in (z1, z2) for sign in (-1, 1)
    )
    # The intervals decide exactly as the p-values do: p_tost < alpha iff the 1 - 2 alpha
    # interval is inside the margin, p_diff < alpha iff the 1 - alpha one excludes 0.
    verdict = interval_verdict(lo90, hi90, lo95, hi95, margin)
    return Equivalence(
        difference=float(difference),
        se=float(se),
        margin=float(margin),
        alpha=float(alpha),
        ci90_lo=lo90,
        ci90_hi=hi90,
        ci95_lo=lo95,
        ci95_hi=hi95,
        p_tost=max(p_low, p_high),
        p_difference=p_diff,
        verdict=DIFFERENT if verdict in (GAIN, DECLINE) else verdict,
    )


__all__ = [
    "DECLINE",
    "DIFFERENT",
    "EQUIVALENT",
    "GAIN",
    "INCONCLUSIVE",
    "NOT_TESTABLE",
    "Equivalence",
    "check_tost",
    "interval_verdict",
    "tost",
]
