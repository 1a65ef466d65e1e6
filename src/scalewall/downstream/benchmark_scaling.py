"""Benchmark scores against training compute, per hub benchmark and on the ECI.

For each benchmark, among models with known training compute (x = log10 FLOP):

- **linear**: OLS of the score on x, in points per decade (percentage points for bounded scores,
  native units for the ECI and other unbounded scores);
- **logit**: OLS of ``logit((y - floor) / (ceiling - floor))`` on x, i.e. a sigmoid in log10
  compute between chance and the ceiling (Owen 2024, 'How predictable is language model benchmark
  performance?', arXiv 2401.04757). Scores are clipped to ``[floor + clip, ceiling - clip]``
  first, so a model at chance or at the ceiling stays finite;
- **gain per 10x**: the logit fit's score at the largest compute minus its score one decade
  below, in points and as relative error reduction ``1 - err(top) / err(top - 1 decade)`` with
  ``err = 1 - score``, read only inside the data (over a narrower span, per decade of that span;
  the row says which span).

Intervals of these are expanded percentile bootstrap intervals over models (Hesterberg 2015; all
variants of a model are drawn together), vectorised over replicates: a resample is a weight vector, so every replicate's
weighted least squares is a handful of array reductions.

Tests (each stated in ``settings``):

- **no more effective**: TOST of the gain per 10x against ``+-margin`` points; equivalent when
  the 90% bootstrap interval lies inside (TOST at 5%); a gain (decline) is shown when the 95%
  interval is above (below) zero; otherwise inconclusive.
- **inverse scaling**: one-sided t test of a negative linear slope with HC3 standard errors,
  one point per model (its variants' mean score: they share its compute and are not independent
  draws), Holm-adjusted over the benchmarks tested. Power: a benchmark could show a fall of
  ``inverse_effect`` points per decade when ``(t_{1-alpha/m} + t_{0.8}) * s / sqrt(Sxx)`` (its
  residual SD and spread of compute, at Holm's strictest level) is at most that fall.
- **confounding**: the linear slope with release year as a second regressor (OLS, HC3 t intervals).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats
from scipy.special import expit, logit

from scalewall.downstream.equivalence import check_tost, interval_verdict
from scalewall.downstream.hub import HubTable
from scalewall.downstream.hub_meta import HubBenchmark
from scalewall.downstream.trends import holm, wilson
from scalewall.errors import input_error
from scalewall.resampling import percentile_interval, resample_weights
from scalewall.storage import records
from scalewall.validate import check_count, check_level

Array = NDArray[np.float64]
Progress = Callable[[str, int, int], None]

#: Saturation rules, in score units (fraction of the scale).
NEAR_CEILING = 0.05  # best observed score within 5 points of the ceiling
AT_CHANCE = 0.05  # median score within 5 points of chance
POWER = 0.8
GRID = 30  # points on each fitted curve


# -- vectorised fits -----------------------------------------------------------------------------
def wls(x: Array, y: Array, w: Array) -> tuple[Array, Array]:
    """Weighted least squares line for every row of ``w`` (replicates, n): (intercept, slope).

    A resample with a single distinct x has no slope: NaN (left out of percentile intervals).
    """
    sw = w.sum(-1)
    xm, ym = (w @ x) / sw, (w @ y) / sw
    dx = x - xm[..., None]
    sxx = (w * dx * dx).sum(-1)
    sxy = (w * dx * (y - ym[..., None])).sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = np.where(sxx > 1e-12 * sw, sxy / sxx, np.nan)
    return ym - slope * xm, slope


def to_logit(y: Array, floor: float, ceiling: float, clip: float) -> Array:
    """Score -> logit of its share of the way from floor to ceiling, clipped inside."""
    p = (np.clip(y, floor + clip, ceiling - clip) - floor) / (ceiling - floor)
    out: Array = logit(p)
    return out


def from_logit(z: Array, floor: float, ceiling: float) -> Array:
    out: Array = floor + (ceiling - floor) * expit(z)
    return out


def ols_hc3(X: Array, y: Array) -> tuple[Array, Array]:
    """OLS coefficients and HC3 standard errors (MacKinnon & White 1985), robust to
    heteroscedastic scatter, which benchmark scores near floor or ceiling have."""
    inv = np.linalg.pinv(X.T @ X)
    beta = inv @ X.T @ y
    e = y - X @ beta
    h = np.einsum("ij,jk,ik->i", X, inv, X)
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.where(h < 1 - 1e-10, e / (1 - h), 0.0)
    cov = inv @ (X.T * u**2) @ X @ inv
    return beta, np.sqrt(np.diag(cov))


# -- one benchmark -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Settings:
    margin: float
    level: float
    alpha: float
    inverse_effect: float
    clip: float


def expanded_level(level: float, n: int) -> float:
    """The percentile level that makes a bootstrap interval over ``n`` units as wide as a
    Student-t one: Hesterberg 2015, 'What Teachers Should Know About the Bootstrap' (Am. Stat.
    69:371), the expanded percentile interval. The plain percentile interval over 40 models
    covered 93.3% at nominal 95% in 1,000 simulated benchmarks (400 replicates); expanded, 94.0%."""
    z = stats.t.ppf(0.5 + level / 2, n - 1) * np.sqrt(n / (n - 1))
    return float(2 * stats.norm.cdf(z) - 1)


def benchmark_seed(seed: int, key: str) -> np.random.SeedSequence:
    """One benchmark's random stream, keyed by its name (CRC-32) rather than its position in
    the run, so its intervals do not change with which other benchmarks are analysed."""
    return np.random.SeedSequence(seed, spawn_key=(zlib.crc32(key.encode()),))


def _interval(draws: Array, level: float) -> tuple[float, float]:
    lo, hi = percentile_interval(draws, level)
    return float(lo), float(hi)


def _analyze_one(
    g: pd.DataFrame, meta: HubBenchmark, w: Array, s: _Settings
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Fits, gain, tests and flags of one benchmark; ``w`` (replicates, rows) resample weights."""
    x = g["log10_compute"].to_numpy(float)
    y = g["score"].to_numpy(float)
    pts = 100.0 if meta.bounded else 1.0
    n_units = int(g["model"].nunique())
    lvl, lvl90 = expanded_level(s.level, n_units), expanded_level(1 - 2 * s.alpha, n_units)
    ones = np.ones((1, x.size))
    x_lo, x_hi = float(x.min()), float(x.max())
    x_from = max(x_lo, x_hi - 1.0)
    width = x_hi - x_from
    row: dict[str, Any] = {
        "compute_min": 10**x_lo,
        "compute_max": 10**x_hi,
        "gain_read_from": 10**x_from,
        "gain_read_to": 10**x_hi,
        "gain_span_decades": width,
    }
    a0, b0 = wls(x, y, ones)
    ab, bb = wls(x, y, w)
    row["slope_per_decade"] = float(pts * b0[0])
    row["slope_lo"], row["slope_hi"] = _interval(pts * bb, lvl)
    grid = np.linspace(x_lo, x_hi, GRID)
    lin = pts * (a0[:, None] + b0[:, None] * grid)
    lin_b = pts * (ab[:, None] + bb[:, None] * grid)
    curves = {"linear": (lin[0], *percentile_interval(lin_b, lvl))}
    nan2 = (np.nan, np.nan)
    if meta.bounded and width > 0:
        z = to_logit(y, meta.floor, meta.ceiling, s.clip)
        c0, d0 = wls(x, z, ones)
        cb, db = wls(x, z, w)

        def at(c: Array, d: Array, xv: float | Array) -> Array:
            return from_logit(c[..., None] + d[..., None] * xv, meta.floor, meta.ceiling)

        def gain(c: Array, d: Array) -> tuple[Array, Array]:
            top, low = at(c, d, x_hi)[..., 0], at(c, d, x_from)[..., 0]
            with np.errstate(invalid="ignore", divide="ignore"):
                rel = 1 - ((1 - top) / (1 - low)) ** (1 / width)
            return 100 * (top - low) / width, rel

        g0, r0 = gain(c0, d0)
        gb, rb = gain(cb, db)
        row["logit_slope"] = float(d0[0])
        row["logit_slope_lo"], row["logit_slope_hi"] = _interval(db, lvl)
        row["gain_per_10x"] = float(g0[0])
        row["gain_lo"], row["gain_hi"] = _interval(gb, lvl)
        lo90, hi90 = _interval(gb, lvl90)
        row["gain_lo90"], row["gain_hi90"] = lo90, hi90
        row["rel_error_reduction"] = float(r0[0])
        row["rel_error_reduction_lo"], row["rel_error_reduction_hi"] = _interval(rb, lvl)
        row["verdict"] = interval_verdict(lo90, hi90, row["gain_lo"], row["gain_hi"], s.margin)
        sig = at(c0, d0, grid)[0] * pts
        curves["logit"] = (sig, *percentile_interval(at(cb, db, grid) * pts, lvl))
    else:
        row["logit_slope"] = row["gain_per_10x"] = row["rel_error_reduction"] = np.nan
        row["logit_slope_lo"], row["logit_slope_hi"] = nan2
        row["gain_lo"], row["gain_hi"] = row["gain_lo90"], row["gain_hi90"] = nan2
        row["rel_error_reduction_lo"], row["rel_error_reduction_hi"] = nan2
        row["verdict"] = "not testable" if meta.bounded else "native units"
    # Inverse scaling and its power: OLS with HC3, one-sided, one point per model. A model's
    # effort variants share its training compute and are not independent draws; under the
    # 'all' rule they enter as the model's mean score (under 'best' each model has one row).
    per_model = g.groupby("model", sort=False).agg(
        x=("log10_compute", "first"), y=("score", "mean"), year=("release_year", "mean")
    )
    x, y = per_model["x"].to_numpy(float), per_model["y"].to_numpy(float)
    n = x.size
    X = np.column_stack([np.ones(n), x])
    beta, se = ols_hc3(X, pts * y)
    resid = pts * y - X @ beta
    sd = float(np.sqrt((resid**2).sum() / max(n - 2, 1)))
    sxx = float(((x - x.mean()) ** 2).sum())
    row["slope_se_hc3"] = float(se[1])
    row["slope_p_negative"] = float(stats.t.cdf(beta[1] / se[1], n - 2)) if se[1] > 0 else np.nan
    row["residual_sd"] = sd
    row["_se_ols"] = sd / np.sqrt(sxx) if sxx > 0 else np.nan
    # Confounding: release year as a second regressor, on the models with a known date.
    yr = per_model["year"].to_numpy(float)
    k = np.isfinite(yr)
    nk, xk, yk = int(k.sum()), x[k], yr[k]
    row["n_with_year"] = nk
    ok = nk > 3 and np.std(yk) > 0 and np.std(xk) > 0
    row["corr_compute_year"] = float(np.corrcoef(xk, yk)[0, 1]) if ok else np.nan
    q = stats.t.ppf(0.5 + s.level / 2, max(nk - 3, 1))
    if ok:
        b2, se2 = ols_hc3(np.column_stack([np.ones(nk), xk, yk]), pts * y[k])
        row["slope_adj_year"] = float(b2[1])
        row["slope_adj_year_lo"] = float(b2[1] - q * se2[1])
        row["slope_adj_year_hi"] = float(b2[1] + q * se2[1])
        row["year_slope_per_year"] = float(b2[2])
    else:
        row["slope_adj_year"] = row["slope_adj_year_lo"] = row["slope_adj_year_hi"] = np.nan
        row["year_slope_per_year"] = np.nan
    # Flags, never averaged away.
    if meta.bounded:
        row["near_ceiling"] = bool(g["score"].max() >= meta.ceiling - NEAR_CEILING)
        row["at_chance"] = bool(np.median(y) <= meta.floor + AT_CHANCE)
    else:
        row["near_ceiling"] = row["at_chance"] = False
    frames = [
        pd.DataFrame(
            {
                "fit": k,
                "compute": 10**grid,
                "fitted": v[0],
                "lo": v[1],
                "hi": v[2],
            }
        )
        for k, v in curves.items()
    ]
    return row, pd.concat(frames, ignore_index=True)


def frontier(scores: pd.DataFrame) -> pd.DataFrame:
    """Best score at or below each compute level, and best score by release date, per benchmark.

    One row per model and axis (``compute`` or ``release_date``; models without a date are left
    out of the latter), sorted along that axis, with the running best (``frontier_score``) and
    whether the model set a new best (``on_frontier``).
    """
    parts = []
    for axis, key in (("compute", "training_compute"), ("release_date", "release_date")):
        d = scores[scores[key].notna()].sort_values(["benchmark", key], kind="stable").copy()
        best = d.groupby("benchmark", sort=False)["score"].cummax()
        prev = best.groupby(d["benchmark"], sort=False).shift(1)
        d["axis"] = axis
        d["frontier_score"] = best
        d["on_frontier"] = prev.isna() | (d["score"] > prev)
        parts.append(d)
    cols = ["benchmark", "axis", "model_version", "training_compute", "release_date", "score"]
    out = pd.concat(parts, ignore_index=True)
    return out[[*cols, "frontier_score", "on_frontier"]]


# -- the analysis --------------------------------------------------------------------------------
@dataclass
class HubScaling:
    """Per-benchmark results (``benchmarks``), fitted curves, frontier, the scores used, dropped
    rows, settings and the aggregates behind claims 2, 3 and 4 (``summary``)."""

    benchmarks: pd.DataFrame
    curves: pd.DataFrame
    frontier: pd.DataFrame
    scores: pd.DataFrame
    dropped: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: settings, summary, benchmarks and dropped rows as lists of records."""
        return {
            "schema_version": 1,
            "settings": self.settings,
            "summary": self.summary,
            "benchmarks": records(self.benchmarks),
            "dropped": records(self.dropped),
        }


def analyze_hub(
    table: HubTable,
    *,
    margin: float = 2.0,
    bootstrap: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    alpha: float = 0.05,
    min_models: int = 8,
    inverse_effect: float | None = None,
    clip: float = 0.005,
    progress: Progress | None = None,
) -> HubScaling:
    """Fit, gain per 10x, tests and flags for every benchmark of ``table``.

    Parameters
    ----------
    table : HubTable
        From :func:`scalewall.downstream.hub.load_hub`.
    margin : float
        Equivalence margin of the gain per 10x, in percentage points (TOST).
    bootstrap : int
        Replicates of the bootstrap over models.
    seed : int
        Root of the ``SeedSequence``; each benchmark's stream is keyed by its name (CRC-32), so
        its numbers do not depend on which other benchmarks were analysed, or in what order.
    min_models : int
        Benchmarks with fewer distinct models are listed but not fitted ('too few models').
    inverse_effect : float, optional
        The fall (points per decade) the power rule asks about; defaults to ``margin``.
    clip : float
        Scores are clipped this far inside (floor, ceiling) before the logit.
    """
    check_tost(margin, alpha)
    check_level(level, "level")
    check_count(bootstrap, "bootstrap", minimum=50)
    if inverse_effect is not None and not 0 < inverse_effect < np.inf:
        raise input_error(
            "the fall the power rule asks about must be a finite number > 0 (points per decade)",
            column="--inverse-effect",
            got=inverse_effect,
        )
    if min_models < 4:
        raise input_error("min_models must be at least 4", column="--min-models", got=min_models)
    s = _Settings(margin, level, alpha, margin if inverse_effect is None else inverse_effect, clip)
    keys = list(table.meta)
    rows, curves, used = [], [], []
    step = f"benchmarks: fits and {bootstrap} bootstrap replicates"
    for i, key in enumerate(keys):
        if progress:
            progress(step, i, len(keys))
        meta = table.meta[key]
        g = table.scores[table.scores["benchmark"] == key]
        n_models = int(g["model"].nunique())
        base = {
            "benchmark": key,
            "title": meta.title,
            "unit": "percentage points" if meta.bounded else meta.unit,
            "bounded": meta.bounded,
            "floor": meta.floor,
            "floor_reason": meta.floor_reason,
            "ceiling": meta.ceiling if meta.bounded else np.nan,
            "contamination_prone": meta.contamination is not None,
            "contamination_reason": meta.contamination,
            "n_rows": len(g),
            "n_models": n_models,
        }
        if n_models < min_models or g["log10_compute"].nunique() < 3:
            rows.append({**base, "verdict": "too few models"})
            continue
        codes = pd.factorize(g["model"])[0]
        w = resample_weights(
            len(g), bootstrap, np.random.default_rng(benchmark_seed(seed, key)), groups=codes
        )
        row, cv = _analyze_one(g, meta, w, s)
        rows.append({**base, **row})
        curves.append(cv.assign(benchmark=key))
        used.append(g)
    if progress:
        progress(step, len(keys), len(keys))
    if not used:
        per = table.scores.groupby("benchmark")["model"].nunique()
        most = int(per.max()) if len(per) else 0
        raise input_error(
            f"no benchmark has {min_models} models with known training compute to fit",
            got=f"at most {most} models in {len(rows)} benchmark(s)",
            fix="add models, or lower --min-models (at least 4)",
        )
    res = pd.DataFrame(rows)
    res = _inverse_scaling(res, s)
    settings = _settings_dict(table, s, bootstrap, seed, min_models)
    scores = pd.concat(used, ignore_index=True) if used else table.scores.iloc[:0]
    return HubScaling(
        res,
        pd.concat(curves, ignore_index=True)[["benchmark", "fit", "compute", "fitted", "lo", "hi"]],
        frontier(scores),
        scores,
        table.dropped,
        settings,
        summarize(res, s),
    )


def _inverse_scaling(res: pd.DataFrame, s: _Settings) -> pd.DataFrame:
    """Holm over the fitted benchmarks; power at Holm's strictest level, alpha / m."""
    tested = res["slope_p_negative"].notna()
    m = int(tested.sum())
    res["slope_p_negative_holm"] = np.nan
    res.loc[tested, "slope_p_negative_holm"] = holm(res.loc[tested, "slope_p_negative"])
    res["inverse_scaling"] = res["slope_p_negative_holm"] < s.alpha
    df = (res["n_models"] - 2).clip(lower=1)
    detect = (stats.t.ppf(1 - s.alpha / max(m, 1), df) + stats.t.ppf(POWER, df)) * res["_se_ols"]
    res["detectable_fall"] = detect.where(res["bounded"] & tested)
    res["powered_for_fall"] = (res["detectable_fall"] <= s.inverse_effect).where(
        res["bounded"] & tested, False
    )
    return res.drop(columns="_se_ols")


def _settings_dict(
    table: HubTable, s: _Settings, bootstrap: int, seed: int, min_models: int
) -> dict[str, Any]:
    return {
        "variant": table.variant,
        "margin_points": s.margin,
        "inverse_effect_points": s.inverse_effect,
        "bootstrap": bootstrap,
        "seed": seed,
        "level": s.level,
        "alpha": s.alpha,
        "min_models": min_models,
        "clip": s.clip,
        "x": "log10(training compute, FLOP)",
        "interval": "expanded percentile bootstrap over models (Hesterberg 2015; variants of a "
        "model drawn together)",
        "logit_fit": "OLS of logit((score - floor) / (ceiling - floor)) on x: a sigmoid in "
        "log10 compute between chance and ceiling (Owen 2024, arXiv 2401.04757)",
        "gain_per_10x": "logit fit at the largest compute minus one decade below, inside the "
        "data; over a shorter span, per decade of that span (gain_span_decades)",
        "rel_error_reduction": "1 - (1 - fit(top)) / (1 - fit(top - 1 decade))",
        "tost": f"equivalent when the {100 * (1 - 2 * s.alpha):.0f}% bootstrap interval of the "
        f"gain per 10x lies inside +-{s.margin:g} points (TOST at {s.alpha:g}); gain/decline "
        f"when the {100 * s.level:.0f}% interval excludes 0",
        "inverse_scaling_test": "one-sided t test of the linear slope (HC3 SE), one point per "
        "model (variants averaged), Holm-adjusted over the fitted benchmarks (family-wise error "
        "under any dependence)",
        "power_rule": f"a benchmark could show a fall of {s.inverse_effect:g} points per decade "
        f"when (t(1 - alpha/m) + t({POWER})) * residual SD / sqrt(Sxx) <= {s.inverse_effect:g}",
        "confounding": "linear slope with release year (decimal) as a second regressor, HC3 t "
        "interval",
        "near_ceiling": f"best observed score within {100 * NEAR_CEILING:.0f} points of ceiling",
        "at_chance": f"median score within {100 * AT_CHANCE:.0f} points of chance",
        "dropped_by_reason": table.dropped_by_reason(),
    }


def _share(rows: pd.DataFrame, mask: pd.Series, level: float) -> dict[str, Any]:
    n, k = len(rows), int(mask.sum())
    lo, hi = wilson(k, max(n, 1), level)
    return {
        "count": k,
        "of": n,
        "share": k / n if n else None,
        "ci_wilson": [float(lo), float(hi)],
        "benchmarks": rows.loc[mask, "benchmark"].tolist(),
    }


def summarize(res: pd.DataFrame, s: _Settings) -> dict[str, Any]:
    """Shares and medians behind claims 2-4, over bounded fitted benchmarks; flagged benchmarks
    are counted apart (``unflagged``) rather than averaged in silently."""
    fit = res[res["verdict"].isin(["equivalent", "gain", "decline", "inconclusive"])]
    flagged = fit["near_ceiling"] | fit["at_chance"] | fit["contamination_prone"]
    verdicts = {}
    for name, rows in (("all", fit), ("unflagged", fit[~flagged])):
        verdicts[name] = {
            v: _share(rows, rows["verdict"] == v, s.level)
            for v in ("equivalent", "gain", "decline", "inconclusive")
        }
    tested = res[res["slope_p_negative"].notna()]
    eci = res[res["benchmark"] == "eci"]
    out: dict[str, Any] = {
        "n_benchmarks": len(res),
        "n_fitted": len(tested),
        "n_bounded_fitted": len(fit),
        "too_few_models": res.loc[res["verdict"] == "too few models", "benchmark"].tolist(),
        "verdicts": verdicts,
        "median_gain_per_10x_points": float(fit["gain_per_10x"].median()) if len(fit) else None,
        "median_rel_error_reduction": (
            float(fit["rel_error_reduction"].median()) if len(fit) else None
        ),
        "inverse_scaling": tested.loc[tested["inverse_scaling"], "benchmark"].tolist(),
        "negative_unadjusted": tested.loc[
            tested["slope_p_negative"] < s.alpha, "benchmark"
        ].tolist(),
        "n_powered_for_fall": int(res["powered_for_fall"].sum()),
        "powered_for_fall": res.loc[res["powered_for_fall"], "benchmark"].tolist(),
        "near_ceiling": res.loc[res["near_ceiling"] == True, "benchmark"].tolist(),  # noqa: E712
        "at_chance": res.loc[res["at_chance"] == True, "benchmark"].tolist(),  # noqa: E712
        "contamination_prone": res.loc[res["contamination_prone"], "benchmark"].tolist(),
        "year_adjusted_slope_excludes_zero": tested.loc[
            (tested["slope_adj_year_lo"] > 0) | (tested["slope_adj_year_hi"] < 0), "benchmark"
        ].tolist(),
    }
    if len(eci) and eci["verdict"].iloc[0] != "too few models":
        e = eci.iloc[0]
        out["eci"] = {
            k: float(e[k])
            for k in (
                "slope_per_decade",
                "slope_lo",
                "slope_hi",
                "slope_adj_year",
                "slope_adj_year_lo",
                "slope_adj_year_hi",
                "corr_compute_year",
            )
        } | {"n_models": int(e["n_models"])}
    return out


__all__ = [
    "HubScaling",
    "analyze_hub",
    "benchmark_seed",
    "from_logit",
    "frontier",
    "ols_hc3",
    "summarize",
    "to_logit",
    "wls",
]
