"""Training compute against sampling compute on a grid of model sizes x training checkpoints.

For every cell (parameters N, training tokens D) of a repeated-sampling grid such as Schaeffer
et al. 2025's Pythia grid (arXiv 2502.17578; samples from Brown et al. 2024, arXiv 2407.21787):

* coverage = unbiased pass@k (:func:`scalewall.tts.passk.pass_at_k`) against k and against
  compute, with a bootstrap over problems in which **one** problem resample is applied to every
  cell, so that every comparison between cells is paired;
* compute matching: for a larger model's final checkpoint at k samples, the smallest k (and the
  checkpoint D) at which each smaller model reaches the same coverage, and the compute ratios:
  training (6ND), inference per query (k x 2N x tokens) and total at Q queries;
* the compute-optimal split: for a total budget ``C = 6ND + Q k 2N T`` which (N, D, k) covers
  most, in the spirit of Sardana et al. 2024 (arXiv 2401.00448), who add the inference of Q
  queries to the Chinchilla objective.

Coverage is pass@k, the share of problems that **an oracle verifier** would solve by picking a
correct sample among k: an upper bound on what best-of-k with a real verifier or majority vote
reaches (Brown et al. 2024, Fig. 7; Stroebl et al. 2024, arXiv 2411.17501).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from scalewall.data.runs import FlopConvention
from scalewall.errors import input_error
from scalewall.resampling import percentile_interval, resample_weights
from scalewall.storage import records
from scalewall.tts.passk import pass_at_k
from scalewall.validate import check_level

Array = NDArray[np.float64]

SCHEMA_VERSION = 1
CAVEAT = (
    "coverage is pass@k: the share of problems an oracle verifier solves from k samples, an "
    "upper bound on best-of-k with a real verifier or majority vote"
)
#: Training FLOPs per parameter per token: 6 (forward + backward; Kaplan et al. 2020, arXiv
#: 2001.08361, eq. 2.1), counted on total parameters as Hoffmann et al. 2022 do.
TRAIN_FLOPS_PER_PARAM_TOKEN = FlopConvention.six_nd.factor
#: Inference FLOPs per parameter per token: 2 (a forward pass; Kaplan et al. 2020, section 2.1).
INFER_FLOPS_PER_PARAM_TOKEN = 2.0
#: Tokens read and written per sample: an assumption (a few-shot prompt plus a worked answer),
#: not a measurement. Ratios between models at equal k do not depend on it; the split between
#: training and inference does, so the CLI exposes it.
TOKENS_PER_SAMPLE = 1000.0
#: k grid cap: pass@k at k up to this many samples (the grid's common n is 10,112 samples).
MAX_K = 10_000


@dataclass(frozen=True)
class GridCoverage:
    """Coverage of every cell at every k, point estimates and paired bootstrap draws.

    Attributes
    ----------
    cells : DataFrame
        ``cell, model, params, tokens, n_problems, min_n``, one row per cell, sorted by params
        then tokens.
    ks : ndarray
        The k grid (ints, ascending).
    mean : ndarray, shape (cells, k)
        Coverage averaged over problems; NaN where k exceeds the cell's smallest n.
    draws : ndarray, shape (cells, replicates, k)
        The same means under each problem resample (the same resample for every cell).
    dropped : list of dict
        Cells left out (not run on the common problems) and problems left out per cell.
    """

    cells: pd.DataFrame
    ks: NDArray[np.int64]
    mean: Array
    draws: Array
    dropped: list[dict[str, Any]]


def common_problems(grid: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Keep the problem set most cells share; drop cells that lack any of it, trim extras.

    A paired bootstrap needs every cell on the same problems. Returns the trimmed grid and one
    record per dropped cell or trimmed problem set, with the reason.
    """
    sets = grid.groupby("cell", sort=False)["problem"].agg(frozenset)
    common = sets.value_counts().index[0]
    dropped: list[dict[str, Any]] = []
    for cell, probs in sets.items():
        if not common <= probs:
            dropped.append(
                {
                    "cell": str(cell),
                    "reason": f"has {len(common & probs)} of the {len(common)} common problems",
                    "rows": len(probs),
                }
            )
        elif probs != common:
            dropped.append(
                {
                    "cell": str(cell),
                    "reason": "problems outside the common set",
                    "rows": len(probs - common),
                }
            )
    keep_cells = {str(c) for c, p in sets.items() if common <= p}
    kept = grid[grid["cell"].isin(keep_cells) & grid["problem"].isin(common)]
    return kept.reset_index(drop=True), dropped


def k_grid(extra: ArrayLike = (), max_k: int = MAX_K) -> NDArray[np.int64]:
    """Powers of two up to ``max_k``, ``max_k`` itself and the ``extra`` k, sorted and unique."""
    pw = 2 ** np.arange(int(np.log2(max_k)) + 1)
    return np.unique(np.concatenate([pw, [max_k], np.asarray(extra, dtype=np.int64)]))


def grid_coverage(
    grid: pd.DataFrame,
    ks: ArrayLike,
    *,
    bootstrap: int = 500,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> GridCoverage:
    """pass@k of every cell at every k, with paired bootstrap draws over problems.

    k above a cell's smallest n is left NaN (not estimable there), never extrapolated.
    """
    if bootstrap < 1:
        raise input_error("the bootstrap needs >= 1 replicate", column="bootstrap", got=bootstrap)
    kept, dropped = common_problems(grid)
    k = np.unique(np.asarray(ks, dtype=np.int64))
    info = (
        kept.groupby("cell", sort=False)
        .agg(
            model=("model", "first"),
            params=("params", "first"),
            tokens=("tokens", "first"),
            n_problems=("problem", "size"),
            min_n=("n", "min"),
        )
        .reset_index()
        .sort_values(["params", "tokens"], kind="stable")
        .reset_index(drop=True)
    )
    problems = np.sort(kept["problem"].unique())
    per = np.full((len(info), problems.size, k.size), np.nan)
    min_n = info["min_n"].to_numpy(dtype=np.int64)
    for i, cell in enumerate(info["cell"]):
        g = kept[kept["cell"] == cell].set_index("problem").loc[problems]
        ok = k <= min_n[i]
        if ok.any():
            per[i][:, ok] = pass_at_k(g["n"], g["c"], k[ok])
        if progress:
            progress(i + 1, len(info))
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    w = resample_weights(problems.size, bootstrap, rng)
    draws = np.einsum("bp,cpk->cbk", w, per) / problems.size
    return GridCoverage(info, k, per.mean(axis=1), draws, dropped)


def inference_per_sample(params: ArrayLike, tokens_per_sample: float) -> Array:
    """FLOPs of one sample: 2 N per token read or written (prompt not shared across samples)."""
    out: Array = INFER_FLOPS_PER_PARAM_TOKEN * np.asarray(params, float) * tokens_per_sample
    return out


def training_flops(params: ArrayLike, tokens: ArrayLike) -> Array:
    """6 N D (Kaplan et al. 2020)."""
    out: Array = TRAIN_FLOPS_PER_PARAM_TOKEN * np.asarray(params, float) * np.asarray(tokens)
    return out


def samples_to_reach(curves: Array, ks: ArrayLike, target: ArrayLike) -> Array:
    """Smallest k at which each curve (last axis over ``ks``) reaches ``target``.

    Linear in log k between grid points (as :meth:`scalewall.tts.compute.Curve.samples_to_reach`),
    the first grid k when already reached there, inf when never reached (NaN entries count as
    not reached). ``target`` broadcasts against ``curves[..., 0]``.
    """
    logk = np.log(np.asarray(ks, float))
    t = np.asarray(target, float)[..., None]
    above = np.nan_to_num(curves, nan=-np.inf) >= t
    hit = above.any(axis=-1)
    i = np.argmax(above, axis=-1)
    prev = np.maximum(i - 1, 0)
    y1 = np.take_along_axis(curves, i[..., None], -1)[..., 0]
    y0 = np.take_along_axis(curves, prev[..., None], -1)[..., 0]
    tt = np.asarray(target, float) * np.ones_like(y1)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(y1 > y0, (tt - y0) / (y1 - y0), 1.0)
    frac = np.clip(np.nan_to_num(frac, nan=1.0), 0.0, 1.0)
    logk_hit = np.where(i == 0, logk[0], logk[prev] + frac * (logk[i] - logk[prev]))
    out: Array = np.where(hit, np.exp(logk_hit), np.inf)
    return out


def _interval(draws: Array, level: float) -> tuple[float | None, float | None]:
    lo, hi = percentile_interval(draws, level)
    return _num(float(lo)), _num(float(hi))


def _with_interval(
    name: str, point: float, draws: Array, level: float, prefix: str | None = None
) -> dict[str, float | None]:
    """``{name: point, <prefix>_lo: ..., <prefix>_hi: ...}`` (prefix defaults to ``name``)."""
    lo, hi = _interval(draws, level)
    p = prefix or name
    return {name: _num(float(point)), f"{p}_lo": lo, f"{p}_hi": hi}


def _num(v: float) -> float | None:
    """JSON-safe: None for an infinite or undefined number."""
    return float(v) if np.isfinite(v) else None


def _final_cells(cells: pd.DataFrame) -> list[int]:
    """Row positions of each model size's last checkpoint (``cells`` has a range index)."""
    return [int(i) for i in cells.groupby("params", sort=True)["tokens"].idxmax()]


def match_table(
    cov: GridCoverage,
    target_ks: Sequence[int],
    queries: Sequence[float],
    *,
    tokens_per_sample: float = TOKENS_PER_SAMPLE,
    level: float = 0.95,
) -> list[dict[str, Any]]:
    """For each larger model's final checkpoint at each k in ``target_ks``, each smaller model's
    cheapest match: the checkpoint D and (interpolated) k reaching the same coverage.

    Among a smaller model's checkpoints the one needing the fewest samples wins (ties: fewer
    tokens). Ratios are smaller over larger: training ``N D / (N_t D_t)``, inference per query
    ``k N / (k_t N_t)``, and total ``(6 N D + Q k f) / (6 N_t D_t + Q k_t f_t)`` for each Q in
    ``queries``. Intervals are percentile intervals over the paired problem resamples, the
    match redone in each; infinite draws (not reached) count. ``smallest`` marks the smallest
    model reaching the target. Targets with coverage 0 are skipped.
    """
    cells, ks = cov.cells, cov.ks
    params = cells["params"].to_numpy(float)
    tokens = cells["tokens"].to_numpy(float)
    fps = inference_per_sample(params, tokens_per_sample)
    train = training_flops(params, tokens)
    rows: list[dict[str, Any]] = []
    for ti in _final_cells(cells):
        t = cells.iloc[ti]
        smaller = np.unique(params[params < t["params"]])
        for kt in target_ks:
            j = np.flatnonzero(ks == kt)
            if j.size == 0 or not np.isfinite(cov.mean[ti, j[0]]):
                raise input_error(
                    f"pass@{kt} is not estimable for {t['cell']} (its smallest n is "
                    f"{int(t['min_n'])})",
                    column="k",
                    fix="use k <= the smallest samples drawn per problem",
                )
            y, yd = cov.mean[ti, j[0]], cov.draws[ti, :, j[0]]
            if y <= 0:  # nothing solved: any model 'matches' it, so there is nothing to match
                continue
            target_rows: list[dict[str, Any]] = []
            for n_small in smaller:
                idx = np.flatnonzero(params == n_small)  # its checkpoints, tokens ascending
                kp = samples_to_reach(cov.mean[idx], ks, y)
                kd = samples_to_reach(cov.draws[idx], ks, yd[None, :])  # (checkpoints, B)
                best, bestd = int(np.argmin(kp)), np.argmin(kd, axis=0)
                k_pt, k_dr = kp[best], kd[bestd, np.arange(kd.shape[1])]
                c_pt, c_dr = idx[best], idx[bestd]
                reached = bool(np.isfinite(k_pt))
                row: dict[str, Any] = {
                    "target_model": str(t["model"]),
                    "target_params": float(t["params"]),
                    "target_tokens": float(t["tokens"]),
                    "target_k": int(kt),
                    **_with_interval("target_coverage", y, yd, level, "target"),
                    "model": str(cells.loc[c_pt, "model"]),
                    "params": float(n_small),
                    "tokens": float(tokens[c_pt]) if reached else None,
                    **_with_interval("k", k_pt, k_dr, level),
                    "reached": reached,
                    "reached_share": float(np.isfinite(k_dr).mean()),
                    "smallest": False,
                    **_with_interval(
                        "train_ratio",
                        train[c_pt] / train[ti] if reached else np.inf,
                        np.where(np.isfinite(k_dr), train[c_dr] / train[ti], np.inf),
                        level,
                    ),
                    **_with_interval(
                        "inference_ratio",
                        k_pt * fps[c_pt] / (kt * fps[ti]),
                        k_dr * fps[c_dr] / (kt * fps[ti]),
                        level,
                    ),
                    "total": [],
                }
                for q in queries:
                    big = train[ti] + q * kt * fps[ti]
                    tot_d = (train[c_dr] + q * k_dr * fps[c_dr]) / big
                    lo, hi = _interval(tot_d, level)
                    row["total"].append(
                        {
                            "queries": float(q),
                            "ratio": _num((train[c_pt] + q * k_pt * fps[c_pt]) / big),
                            "lo": lo,
                            "hi": hi,
                        }
                    )
                target_rows.append(row)
            hits = [r for r in target_rows if r["reached"]]
            if hits:
                hits[0]["smallest"] = True
            rows.extend(target_rows)
    return rows


def pareto(total: ArrayLike, coverage: ArrayLike) -> NDArray[np.bool_]:
    """Points no other point beats: none with at most the compute and more coverage."""
    x, y = np.asarray(total, float), np.asarray(coverage, float)
    order = np.lexsort((-y, x))
    ys = np.nan_to_num(y[order], nan=-np.inf)
    best_before = np.concatenate([[-np.inf], np.maximum.accumulate(ys)[:-1]])
    keep = np.zeros(x.size, dtype=bool)
    keep[order] = ys > best_before
    return keep


def frontier_table(
    cov: GridCoverage,
    queries: Sequence[float],
    *,
    tokens_per_sample: float = TOKENS_PER_SAMPLE,
    level: float = 0.95,
) -> pd.DataFrame:
    """Every (cell, k) with its training, inference and total compute at each Q.

    ``pareto`` marks the frontier over all cells, ``model_pareto`` each model's own envelope
    (over its checkpoints and k). Columns ``queries, model, params, tokens, k, coverage, lo, hi,
    train_flops, inference_flops, total_flops, pareto, model_pareto``; inference FLOPs are per
    query (k samples), the total counts Q queries.
    """
    c, ks = cov.cells, cov.ks
    lo, hi = percentile_interval(cov.draws, level, axis=1)
    base = pd.DataFrame(
        {
            "model": np.repeat(c["model"].to_numpy(), ks.size),
            "params": np.repeat(c["params"].to_numpy(float), ks.size),
            "tokens": np.repeat(c["tokens"].to_numpy(float), ks.size),
            "k": np.tile(ks, len(c)),
            "coverage": cov.mean.ravel(),
            "lo": lo.ravel(),
            "hi": hi.ravel(),
        }
    )
    base = base[np.isfinite(base["coverage"])].reset_index(drop=True)
    base["train_flops"] = training_flops(base["params"], base["tokens"])
    base["inference_flops"] = base["k"] * inference_per_sample(base["params"], tokens_per_sample)
    out = []
    for q in queries:
        d = base.copy()
        d.insert(0, "queries", float(q))
        d["total_flops"] = d["train_flops"] + q * d["inference_flops"]
        d["pareto"] = pareto(d["total_flops"], d["coverage"])
        d["model_pareto"] = False
        for _, g in d.groupby("model", sort=False):
            d.loc[g.index, "model_pareto"] = pareto(g["total_flops"], g["coverage"])
        out.append(d)
    return pd.concat(out, ignore_index=True)


def optimal_split(
    cov: GridCoverage,
    queries: Sequence[float],
    *,
    budgets: int | Sequence[float] = 12,
    tokens_per_sample: float = TOKENS_PER_SAMPLE,
    level: float = 0.95,
) -> pd.DataFrame:
    """The (N, D, k) with the highest coverage within each total budget, per Q.

    ``budgets`` in FLOPs, or a count of budgets log-spaced between the cheapest and the dearest
    (cell, k) at that Q. Ties go to the smaller model, then fewer tokens, then fewer samples.
    ``share_optimal`` is the share of problem resamples in which the same (N, D, k) wins: how
    firmly the data pick it. ``not_estimable_in_budget`` counts the (N, D, k) the budget buys
    whose k exceeds the samples drawn (no coverage estimate): the optimum is chosen without
    them. Columns ``queries, budget, model, params, tokens, k, coverage, lo, hi, train_share,
    share_optimal, not_estimable_in_budget``.
    """
    params = cov.cells["params"].to_numpy(float)
    train = training_flops(params, cov.cells["tokens"].to_numpy(float))[:, None]
    fps = inference_per_sample(params, tokens_per_sample)[:, None]
    mean = cov.mean.ravel()
    draws = cov.draws.transpose(1, 0, 2).reshape(cov.draws.shape[1], -1)  # (B, cells*k)
    rows = []
    for q in queries:
        total = (train + q * cov.ks[None, :] * fps).ravel()
        ok = np.isfinite(mean)
        grid = (
            np.geomspace(total[ok].min(), total[ok].max(), budgets)
            if isinstance(budgets, int)
            else np.asarray(budgets, float)
        )
        for b in grid:
            fits = ok & (total <= b * (1 + 1e-12))
            if not fits.any():
                raise input_error(
                    f"budget {b:.3g} FLOPs buys no (N, D, k) at Q = {q:g}",
                    column="budget",
                    fix=f"the cheapest costs {total[ok].min():.3g} FLOPs",
                )
            best = int(np.argmax(np.where(fits, mean, -np.inf)))
            win = np.argmax(np.where(fits[None, :], np.nan_to_num(draws, nan=-1), -np.inf), 1)
            ci, kj = divmod(best, cov.ks.size)
            lo, hi = _interval(draws[:, best], level)
            rows.append(
                {
                    "queries": float(q),
                    "budget": float(b),
                    "model": str(cov.cells.loc[ci, "model"]),
                    "params": float(params[ci]),
                    "tokens": float(cov.cells["tokens"].to_numpy(float)[ci]),
                    "k": int(cov.ks[kj]),
                    "coverage": float(mean[best]),
                    "lo": lo,
                    "hi": hi,
                    "train_share": float(train[ci, 0] / total[best]),
                    "share_optimal": float((win == best).mean()),
                    "not_estimable_in_budget": int((~ok & (total <= b * (1 + 1e-12))).sum()),
                }
            )
    return pd.DataFrame(rows)


def grid_summary(
    grid: pd.DataFrame,
    *,
    source: str,
    ks: Sequence[int] = (1, 10, 100),
    queries: Sequence[float] = (1e9,),
    bootstrap: int = 500,
    seed: int = 0,
    level: float = 0.95,
    tokens_per_sample: float = TOKENS_PER_SAMPLE,
    max_k: int = MAX_K,
    budgets: int = 12,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """The whole analysis as one JSON payload (schema in the README, 'scalewall tts grid')."""
    check_level(level, "level")
    finite_positive = [tokens_per_sample, *queries]
    if not queries or not all(0 < v < np.inf for v in finite_positive):
        raise input_error(
            "tokens per sample and every Q (queries served) must be finite numbers > 0",
            got=f"tokens={tokens_per_sample}, queries={list(queries)}",
        )
    if max(ks) > max_k:
        raise input_error(f"k must be <= {max_k}", column="k", got=max(ks))
    cov = grid_coverage(grid, k_grid(ks, max_k), bootstrap=bootstrap, seed=seed, progress=progress)
    opts = {"tokens_per_sample": tokens_per_sample, "level": level}
    frontier = frontier_table(cov, queries, **opts)
    optimal = optimal_split(cov, queries, budgets=budgets, **opts)
    points = frontier[frontier["queries"] == float(queries[0])].drop(
        columns=["queries", "total_flops", "pareto", "model_pareto"]
    )
    return {
        "schema_version": SCHEMA_VERSION,
        "source": source,
        "caveat": CAVEAT,
        "estimator": "unbiased pass@k, without replacement from n (Chen et al. 2021)",
        "bootstrap": {
            "replicates": bootstrap,
            "seed": seed,
            "level": level,
            "unit": "problem",
            "paired": "one problem resample shared by every (N, D) cell",
        },
        "flops": {
            "training": "6 N D (Kaplan et al. 2020, eq. 2.1), N = total parameters",
            "inference_per_sample": "2 N x tokens_per_sample (Kaplan et al. 2020, section 2.1)",
            "tokens_per_sample": tokens_per_sample,
            "tokens_per_sample_note": "an assumption, not a measurement; the file's "
            "inference_flops column is not used (it does not scale with N)",
            "total": "6 N D + Q x k x 2 N x tokens_per_sample (Sardana et al. 2024)",
        },
        "queries": [float(q) for q in queries],
        "ks": [int(k) for k in ks],
        "k_grid": [int(k) for k in cov.ks],
        "cells": records(cov.cells),
        "dropped": cov.dropped,
        "coverage": records(points),
        "matches": match_table(cov, ks, queries, **opts),
        "optimal": records(optimal),
        "frontier": records(frontier[frontier["model_pareto"]]),
    }


__all__ = [
    "CAVEAT",
    "GridCoverage",
    "common_problems",
    "frontier_table",
    "grid_coverage",
    "grid_summary",
    "inference_per_sample",
    "k_grid",
    "match_table",
    "optimal_split",
    "pareto",
    "samples_to_reach",
    "training_flops",
]
