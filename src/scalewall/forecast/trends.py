"""Log-linear growth rates with bootstrap intervals, under switchable frontier definitions.

A rate is ``10**slope`` of an OLS fit of ``log10(value)`` on the decimal publication year, so
4.8 means 4.8x per year. Intervals are percentile bootstrap intervals over models (rows),
vectorised over replicates. Which models count as the "frontier" moves the answer by about 1x per
year (Epoch's flag 4.8x against a trailing-window top-10 near 6x on the 2026 table), so the rule
is an argument and :func:`compare_frontier` shows the spread.
"""

from __future__ import annotations

import contextlib
import enum
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scalewall.errors import InputError, ScalewallWarning, input_error
from scalewall.forecast.tables import ModelTable, in_domain, usable
from scalewall.resampling import percentile_interval

Array = NDArray[np.float64]


class Frontier(str, enum.Enum):
    """How models are selected before a trend is fitted."""

    all = "all"  # every model with a value
    top = "top"  # top-n by compute among models released so far (Epoch 2024, 'top-10')
    flag = "flag"  # Epoch's 'Frontier model' column
    threshold = "threshold"  # training compute at or above a FLOP threshold
    window = "window"  # top-n by compute among models of the trailing window (years)


@dataclass(frozen=True)
class FrontierRule:
    """A frontier rule with its parameters: ``n`` (top, window), ``flop`` and ``years``."""

    kind: Frontier = Frontier.top
    n: int = 10
    flop: float = 1e23  # Epoch's 'large-scale' cut (epoch-large-scale-models: > 1e23 FLOP)
    years: float = 1.0

    def label(self) -> str:
        return {
            Frontier.all: "all models",
            Frontier.top: f"top-{self.n} at release",
            Frontier.flag: "Epoch frontier flag",
            Frontier.threshold: f"compute >= {self.flop:.0e} FLOP",
            Frontier.window: f"top-{self.n} in trailing {self.years:g}-year window",
        }[self.kind]


def select_frontier(frame: pd.DataFrame, rule: FrontierRule) -> pd.DataFrame:
    """Rows that are frontier under ``rule`` (ranked by compute among rows with compute)."""
    if rule.kind is Frontier.all:
        return frame
    if rule.kind is Frontier.flag:
        if not frame.attrs.get("has_flag", True):
            raise input_error(
                "this table has no 'Frontier model' column; use --frontier top, window or threshold"
            )
        return frame[frame["flag"].astype(bool)]
    c = frame["compute"].to_numpy(float)
    if rule.kind is Frontier.threshold:
        return frame[c >= rule.flop]
    ok = np.isfinite(c) & (c > 0)
    t, cc = frame["year"].to_numpy(float)[ok], c[ok]
    earlier = t[None, :] <= t[:, None]  # [i, j]: j released no later than i
    if rule.kind is Frontier.window:
        earlier &= t[None, :] > t[:, None] - rule.years
    above = (earlier & (cc[None, :] > cc[:, None])).sum(axis=1)
    keep = np.zeros(len(frame), bool)
    keep[np.flatnonzero(ok)[above < rule.n]] = True
    return frame[keep]


def ols_slopes(t: Array, y: Array) -> Array:
    """OLS slopes along the last axis (batched over leading axes)."""
    tc = t - t.mean(axis=-1, keepdims=True)
    yc = y - y.mean(axis=-1, keepdims=True)
    out: Array = (tc * yc).sum(axis=-1) / (tc * tc).sum(axis=-1)
    return out


@dataclass(frozen=True)
class TrendLines:
    """OLS lines, batched like :func:`ols_slopes`: the slope and the means each line passes
    through, so a rate (the slopes) and a level at any year (:meth:`at`) come from one fit."""

    slope: Array
    t_mean: Array
    y_mean: Array

    def at(self, t: float) -> Array:
        """Each line's value at ``t``."""
        out: Array = self.y_mean + self.slope * (t - self.t_mean)
        return out


def ols_lines(t: Array, y: Array) -> TrendLines:
    """OLS lines along the last axis (batched over leading axes)."""
    return TrendLines(ols_slopes(t, y), t.mean(axis=-1), y.mean(axis=-1))


def bootstrap_trends(t: Array, y: Array, replicates: int, seed: int) -> TrendLines:
    """OLS lines of ``replicates`` row resamples (one index matrix, no Python loop)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    idx = rng.integers(0, t.size, size=(replicates, t.size))
    return ols_lines(t[idx], y[idx])


@dataclass(frozen=True)
class Rate:
    """One growth rate: ``per_year`` multiplier with its bootstrap interval ``[lo, hi]``."""

    quantity: str
    frontier: str
    per_year: float
    lo: float
    hi: float
    n: int
    start: float
    end: float
    domain: str | None
    level: float
    replicates: int
    dropped: dict[str, int] = field(default_factory=dict)
    top: list[dict[str, Any]] = field(default_factory=list)  # the largest values fitted

    @property
    def pct_per_year(self) -> float:
        """Percent change per year (-33 for 0.67x)."""
        return 100.0 * (self.per_year - 1.0)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def fit_rate(
    t: Array, y: Array, *, replicates: int = 2000, level: float = 0.9, seed: int = 0
) -> tuple[float, float, float, Array]:
    """``(rate, lo, hi, slope draws)`` of ``y`` against year ``t`` (rates as yearly multipliers)."""
    if t.size < 3 or np.ptp(t) == 0:
        raise input_error("a trend needs at least 3 models spread over time", got=t.size)
    logy = np.log10(y)
    slope = float(ols_slopes(t, logy))
    draws = bootstrap_trends(t, logy, replicates, seed).slope if replicates else np.array([slope])
    lo, hi = percentile_interval(draws, level)
    return 10**slope, float(10**lo), float(10**hi), draws


def growth_rate(
    table: ModelTable,
    quantity: str,
    rule: FrontierRule,
    *,
    start: float = 2010.0,
    end: float = 2100.0,
    domain: str | None = None,
    replicates: int = 2000,
    level: float = 0.9,
    seed: int = 0,
) -> Rate:
    """The yearly growth factor of ``quantity`` for frontier models in ``[start, end)``."""
    dom = in_domain(table.frame, domain)
    front = select_frontier(dom, rule)
    rows, drops = usable(front, quantity, start, end)
    dropped = {
        **{k: v for k, v in table.dropped.items() if v},
        **({f"not in domain {domain}": len(table.frame) - len(dom)} if domain else {}),
        **(
            {f"not frontier ({rule.label()})": len(dom) - len(front)}
            if len(front) < len(dom)
            else {}
        ),
        **{k: v for k, v in drops.items() if v},
    }
    if quantity == "dataset" and not domain:
        warnings.warn(
            f"{table.source}: dataset sizes mix units across domains (tokens, images, ...); "
            "pass --domain Language to fit one unit",
            ScalewallWarning,
            stacklevel=2,
        )
    t, y = rows["year"].to_numpy(float), rows["value"].to_numpy(float)
    try:
        r, lo, hi, _ = fit_rate(t, y, replicates=replicates, level=level, seed=seed)
    except InputError as e:
        raise input_error(f"{quantity} under '{rule.label()}': {e}", source=table.source) from None
    top = rows.nlargest(5, "value")[["model", "year", "value"]].to_dict("records")
    return Rate(
        quantity,
        rule.label(),
        r,
        lo,
        hi,
        int(t.size),
        start,
        end,
        domain,
        level,
        replicates,
        dropped,
        [
            {"model": str(m["model"]), "year": float(m["year"]), "value": float(m["value"])}
            for m in top
        ],
    )


DEFAULT_RULES: tuple[FrontierRule, ...] = (
    FrontierRule(Frontier.top),
    FrontierRule(Frontier.flag),
    FrontierRule(Frontier.threshold),
    FrontierRule(Frontier.window),
    FrontierRule(Frontier.all),
)


def compare_frontier(
    table: ModelTable,
    quantities: Sequence[str],
    rules: Sequence[FrontierRule] = DEFAULT_RULES,
    *,
    progress: Callable[[int, int], None] | None = None,
    **kw: Any,
) -> list[dict[str, Any]]:
    """Each quantity's rate under every rule, and how far the choice moves it.

    Returns one record per quantity: ``{quantity, rates: [Rate dicts], min, max, spread}`` with
    ``spread = max / min`` of the point rates (rules a table cannot apply are left out).
    """
    out = []
    total, done = len(quantities) * len(rules), 0
    for q in quantities:
        rates = []
        for rule in rules:
            # a rule a table cannot apply (no flag column, too few rows) is left out
            with contextlib.suppress(InputError):
                rates.append(growth_rate(table, q, rule, **kw))
            done += 1
            if progress:
                progress(done, total)
        vals = [r.per_year for r in rates]
        out.append(
            {
                "quantity": q,
                "rates": [r.to_dict() for r in rates],
                "min": min(vals, default=None),
                "max": max(vals, default=None),
                "spread": (max(vals) / min(vals)) if vals else None,
            }
        )
    return out
