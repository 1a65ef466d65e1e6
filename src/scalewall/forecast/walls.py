"""One joint Monte Carlo over the data, cost, power, chip and latency walls.

Every draw samples all inputs of a :class:`~scalewall.forecast.scenario.Scenario` at once
(correlated through a Gaussian copula). Each wall compares what the largest run *needs* with
what is *available*, both exponential in time, so ``log(available / needed)`` is a line
``a + b (t - t0)`` per draw: whether a wall binds in a year and the year it first binds are
closed forms, vectorised over draws, with no time stepping.

* data: the largest training set (Villalobos et al. 2024's pool of the historical trend and of
  Chinchilla demand ``D = sqrt(tokens_per_param x C / 6) x overtraining``) against the effective
  stock (:mod:`.stock`);
* cost: compute x USD per FLOP against a spending cap (share of capex, GDP or assets);
* power: compute / (FLOP per joule x run length) against the power one run can draw;
* chips: compute against H100e stock x run share x FLOP/s x MFU x run length;
* latency: compute against the latency bound (~2e31 FLOP).

Years are calendar years; "binds in year y" is read at mid-year ``y + 0.5``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scalewall.forecast.scenario import Scenario, draw
from scalewall.forecast.sensitivity import sensitivity
from scalewall.forecast.stock import stock_draws, stock_log_growth

Array = NDArray[np.float64]
WALLS = ("data", "cost", "power", "chips", "latency")
CAPS = ("capex", "gdp", "aum")
SECONDS_PER_DAY = 86_400.0
#: Sevilla et al. 2024, 'Can AI scaling continue through 2030?': 2e29 FLOP runs feasible by 2030.
REFERENCE_2030_FLOP = 2e29
REFERENCE_2030_CITATION = (
    "Sevilla et al. 2024 (Epoch AI): 2e29 FLOP 'will likely be feasible by 2030'"
)
#: Cost thresholds reported as milestones (USD); 1e12 is 1% of ~$100T of assets (claim 9).
MILESTONES = (1e9, 1e10, 1e11, 1e12)
#: Draws per chunk: bounds memory; results depend on the seed and on this constant only.
CHUNK = 250_000
#: Draws kept for the sensitivity table and the fan chart (the first chunk).
KEPT = CHUNK


@dataclass
class Lines:
    """``log(available / needed) = a + b (t - t0)`` per draw and wall (``t0`` = start year)."""

    t0: Array
    a: dict[str, Array]
    b: dict[str, Array]
    log_compute: tuple[Array, Array]  # (log C at t0, log growth per year)
    log_stock: tuple[Array, Array]  # (log effective stock at t0, log growth per year)
    log_demand: tuple[Array, Array]  # (log largest training set at t0, log growth per year)

    def gap(self, wall: str, t: float | Array) -> Array:
        out: Array = self.a[wall] + self.b[wall] * (np.asarray(t) - self.t0)
        return out

    def first_year(self, wall: str) -> Array:
        """Decimal year the wall first binds (gap <= 0): ``t0`` if already, inf if never."""
        a, b = self.a[wall], self.b[wall]
        with np.errstate(divide="ignore", invalid="ignore"):
            t: Array = np.where(a <= 0, self.t0, np.where(b < 0, self.t0 - a / b, np.inf))
        return t


def _data_demand(x: dict[str, Array], rng: np.random.Generator, t0: Array) -> tuple[Array, Array]:
    """``(log D at t0, log growth)`` of the largest training set, pooling both projections."""
    hist = rng.random(t0.size) < x["demand.historical_weight"]
    gD = np.log(x["demand.dataset_growth"])
    h0 = np.log(x["demand.largest_dataset"]) + gD * (t0 - x["demand.dataset_year"])
    k = x["demand.tokens_per_param"]
    c0 = 0.5 * np.log(k * x["compute.start_flop"] / 6.0) + np.log(x["demand.overtraining"])
    cg = 0.5 * np.log(x["compute.growth"])
    return np.where(hist, h0, c0), np.where(hist, gD, cg)


def lines(
    scenario: Scenario, x: dict[str, Array], rng: np.random.Generator
) -> tuple[Lines, dict[str, Array]]:
    """Each wall's line from joint draws ``x``, and the stock draws (tokens at stock_year)."""
    t0 = x["compute.start_year"]
    c0, gC = np.log(x["compute.start_flop"]), np.log(x["compute.growth"])
    a: dict[str, Array] = {}
    b: dict[str, Array] = {}
    stocks = stock_draws(x, scenario.repetition)
    gS = stock_log_growth(x)
    s0 = np.log(stocks["effective"]) + gS * (t0 - x["data.stock_year"])
    d0, gD = _data_demand(x, rng, t0)
    a["data"], b["data"] = s0 - d0, gS - gD
    need0 = c0 + np.log(x["cost.cost_per_flop"])  # USD of the largest run at t0
    g_need = gC + np.log(x["cost.cost_per_flop_change"])
    budgets = {
        "capex": (x["cost.capex"] * x["cost.capex_share"], x["cost.capex_growth"]),
        "gdp": (x["cost.gdp"] * x["cost.gdp_share"], x["cost.gdp_growth"]),
        "aum": (x["cost.aum"] * x["cost.aum_share"], np.ones_like(t0)),
    }
    for cap, (usd, growth) in budgets.items():
        a[f"cost_{cap}"], b[f"cost_{cap}"] = np.log(usd) - need0, np.log(growth) - g_need
    a["cost"], b["cost"] = a[f"cost_{scenario.cap}"], b[f"cost_{scenario.cap}"]
    seconds = np.log(x["power.run_days"] * SECONDS_PER_DAY)
    gE, gA = np.log(x["power.flop_per_joule_growth"]), np.log(x["power.available_growth"])
    watts0 = np.log(x["power.available_watts"]) - gA * (x["power.reference_year"] - t0)
    need_watts0 = c0 - np.log(x["power.flop_per_joule"]) - seconds
    a["power"], b["power"] = watts0 - need_watts0, gA - (gC - gE)
    gK = np.log(x["chips.stock_growth"])
    per_run = x["chips.h100e_stock"] * x["chips.run_share"] * x["chips.chip_flops"] * x["chips.mfu"]
    chips0 = np.log(per_run) + seconds - gK * (x["chips.reference_year"] - t0)
    a["chips"], b["chips"] = chips0 - c0, gK - gC
    a["latency"], b["latency"] = np.log(x["latency.max_flop"]) - c0, -gC
    return Lines(t0, a, b, (c0, gC), (s0, gS), (d0, gD)), stocks


def feasible_flop(ln: Lines, x: dict[str, Array], year: float) -> tuple[Array, Array]:
    """Largest run in ``year`` (FLOP): the trend capped by every wall, and what caps it.

    The data wall's cap in FLOP is the run whose dataset ``sqrt(k C / 6) x overtraining``
    equals the effective stock ``S``: ``6 (S / overtraining)^2 / k``. Returns ``(flop, index)``,
    index 0 for the trend and ``1 + WALLS.index(wall)`` for a wall.
    """
    c0, gC = ln.log_compute
    s0, gS = ln.log_stock
    dt = year - ln.t0
    logc = c0 + gC * dt
    k, ot = x["demand.tokens_per_param"], x["demand.overtraining"]
    caps = [logc, np.log(6.0 / k) + 2.0 * (s0 + gS * dt - np.log(ot))]
    caps += [logc + ln.gap(w, year) for w in WALLS[1:]]
    arr = np.stack(caps)
    return np.exp(arr.min(axis=0)), arr.argmin(axis=0)


def _q(v: Array, *qs: float) -> list[float]:
    return [float(q) for q in np.percentile(v, qs)]


def _years(v: Array) -> dict[str, float | None]:
    """Median and 80% interval of wall years (None where the quantile is 'never')."""
    med, p10, p90 = _q(v, 50, 10, 90)

    def yr(y: float) -> float | None:
        return round(y, 2) if np.isfinite(y) else None

    return {"median_year": yr(med), "p10_year": yr(p10), "p90_year": yr(p90)}


def simulate(
    scenario: Scenario,
    draws: int = 200_000,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Run the joint Monte Carlo and summarise it (the ``scalewall forecast --json`` payload).

    Draws come in chunks of :data:`CHUNK` with generators spawned from ``SeedSequence(seed)``,
    so the same seed and draw count give the same numbers. The sensitivity table and the fan
    chart use the first chunk (up to :data:`KEPT` draws).
    """
    years = scenario.years
    mid = years + 0.5
    chunks = [min(CHUNK, draws - i) for i in range(0, draws, CHUNK)]
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(chunks))]
    keys = (*WALLS, *(f"cost_{c}" for c in CAPS))
    binding = {w: np.zeros(years.size) for w in (*keys, "any")}
    firsts: dict[str, list[Array]] = {w: [] for w in (*keys, "first")}
    which: list[Array] = []
    stock_parts: dict[str, list[Array]] = {"raw": [], "quality": [], "effective": []}
    feas, capped_by = [], []
    milestones: dict[float, list[Array]] = {m: [] for m in MILESTONES}
    kept: dict[str, Any] = {}
    for i, (n, rng) in enumerate(zip(chunks, rngs, strict=True)):
        x = draw(scenario, n, rng)
        ln, stocks = lines(scenario, x, rng)
        any_bind = np.zeros((n, years.size), bool)
        for w in keys:
            bind = ln.a[w][:, None] + ln.b[w][:, None] * (mid[None, :] - ln.t0[:, None]) <= 0
            binding[w] += bind.sum(axis=0)
            if w in WALLS:
                any_bind |= bind
            firsts[w].append(ln.first_year(w))
        binding["any"] += any_bind.sum(axis=0)
        per_wall = np.stack([firsts[w][-1] for w in WALLS])
        firsts["first"].append(per_wall.min(axis=0))
        which.append(np.where(np.isfinite(per_wall.min(axis=0)), per_wall.argmin(axis=0), -1))
        for k in stock_parts:
            stock_parts[k].append(stocks[k])
        f, c = feasible_flop(ln, x, 2030.0)
        feas.append(f)
        capped_by.append(c)
        c0, gC = ln.log_compute
        usd0 = c0 + np.log(x["cost.cost_per_flop"])
        g_usd = gC + np.log(x["cost.cost_per_flop_change"])
        for m in MILESTONES:
            with np.errstate(divide="ignore", invalid="ignore"):
                gap = np.log(m) - usd0
                milestones[m].append(
                    np.where(gap <= 0, ln.t0, np.where(g_usd > 0, ln.t0 + gap / g_usd, np.inf))
                )
        if i == 0:
            kept = {"x": x, "lines": ln, "first": firsts["first"][0]}
        if progress:
            progress(i + 1, len(chunks))
    cat = {k: np.concatenate(v) for k, v in firsts.items()}
    first_wall = np.concatenate(which)
    stock = {k: np.concatenate(v) for k, v in stock_parts.items()}
    feas_all, capped = np.concatenate(feas), np.concatenate(capped_by)
    per_year = [
        {"year": int(y), **{w: float(binding[w][j] / draws) for w in binding}}
        for j, y in enumerate(years)
    ]
    end = float(scenario.end + 1)
    first = cat["first"]
    by_year = [{"year": int(y), "p": float(np.mean((first >= y) & (first < y + 1)))} for y in years]
    share_first = {w: float(np.mean(first_wall == i)) for i, w in enumerate(WALLS)}
    share_first["none"] = float(np.mean(first_wall == -1))
    return {
        "scenario": scenario.name,
        "scenario_source": scenario.source,
        "draws": draws,
        "seed": seed,
        "years": [int(y) for y in years],
        "repetition": scenario.repetition,
        "cost_cap": scenario.cap,
        "per_year": per_year,
        "first_wall": {
            **_years(first),
            "share_first": share_first,
            "by_year": by_year,
            "before_start": float(np.mean(first < scenario.start)),
            "after_end": float(np.mean(first >= end)),
        },
        "walls": {w: {**_years(cat[w]), "p_by_end": float(np.mean(cat[w] < end))} for w in keys},
        "data_wall": _years(cat["data"]),
        "stock_year": float(scenario["data.stock_year"].median()),
        **{
            f"{k}_stock_tokens": dict(
                zip(
                    ("median", "p5", "p95", "p2_5", "p97_5"),
                    _q(v, 50, 5, 95, 2.5, 97.5),
                    strict=True,
                )
            )
            for k, v in stock.items()
        },
        "largest_run_2030": {
            **dict(zip(("median", "p10", "p90"), _q(feas_all, 50, 10, 90), strict=True)),
            "reference_flop": REFERENCE_2030_FLOP,
            "reference": REFERENCE_2030_CITATION,
            "p_at_least_reference": float(np.mean(feas_all >= REFERENCE_2030_FLOP)),
            "capped_by": {
                name: float(np.mean(capped == i)) for i, name in enumerate(("trend", *WALLS))
            },
        },
        "cost_milestones": [
            {
                "usd": m,
                **_years(np.concatenate(v)),
                "p_by_end": float(np.mean(np.concatenate(v) < end)),
            }
            for m, v in milestones.items()
        ],
        "fan": fan_chart(kept["lines"], years),
        "sensitivity": sensitivity(kept["x"], kept["first"], scenario, end),
        "sensitivity_draws": int(kept["first"].size),
        "inputs": {
            k: {
                "median": p.median(),
                "lo": p.lo,
                "hi": p.hi,
                "level": None if p.value is not None else p.level,
                "fixed": p.value is not None,
                "cite": p.cite,
            }
            for k, p in scenario.params.items()
        },
        "correlations": [{"a": a, "b": b, "rho": r} for a, b, r in scenario.correlations],
    }


def fan_chart(ln: Lines, years: Array) -> list[dict[str, float]]:
    """Per year (mid-year): 5/50/95% of the effective stock and of the largest training set."""
    dt = years[None, :] + 0.5 - ln.t0[:, None]
    s = np.exp(ln.log_stock[0][:, None] + ln.log_stock[1][:, None] * dt)
    d = np.exp(ln.log_demand[0][:, None] + ln.log_demand[1][:, None] * dt)
    qs = (5, 50, 95)
    sq, dq = np.percentile(s, qs, axis=0), np.percentile(d, qs, axis=0)
    return [
        {
            "year": int(y),
            **{f"stock_p{q}": float(sq[i, j]) for i, q in enumerate(qs)},
            **{f"demand_p{q}": float(dq[i, j]) for i, q in enumerate(qs)},
        }
        for j, y in enumerate(years)
    ]
