"""Training against sampling compute on the Pythia sizes x checkpoints grid (Schaeffer et al. 2025).

Synthetic grids with answers known in closed form, then the real grids: pass@1 against the raw
counts, monotone coverage, and how the grid's final MATH checkpoint compares with Brown et al.'s
final-checkpoint counts (``monkeys-pythia-math-counts``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact

from scalewall.downstream import holm
from scalewall.errors import InputError
from scalewall.tts.grid import (
    GridCoverage,
    grid_coverage,
    k_grid,
    match_table,
    optimal_split,
    pareto,
    samples_to_reach,
)
from scalewall.tts.io import load_counts, load_grid

NB, DB, NS, D1, D2, T = 1e9, 1e10, 1e8, 1e9, 1e10, 1000.0


def synthetic_grid() -> pd.DataFrame:
    """4 problems, n = 100. The big model solves 2 for sure (pass@1 = 0.5 at every k); the
    small one at D1 solves 1 for sure (0.25); at D2 it solves 2 problems half the time, whose
    pass@k reaches 1 first at k = 51 (k > n - c), so its coverage first reaches 0.5 at k = 51."""
    rows = []
    for cell, (n_par, d, cs) in {
        "big": (NB, DB, [100, 100, 0, 0]),
        "small1": (NS, D1, [100, 0, 0, 0]),
        "small2": (NS, D2, [50, 50, 0, 0]),
    }.items():
        model = "big" if cell == "big" else "small"
        rows += [
            {"model": model, "params": n_par, "tokens": d, "problem": f"p{i}", "n": 100, "c": c}
            for i, c in enumerate(cs)
        ]
    return pd.DataFrame(rows)


def test_loader_reads_the_grid_and_names_bad_rows(tmp_path: Path) -> None:
    g = load_grid(synthetic_grid())
    assert set(g["cell"]) == {"big@1e+10", "small@1e+09", "small@1e+10"} and len(g) == 12
    bad = synthetic_grid()
    bad.loc[5, "c"] = 101
    with pytest.raises(InputError, match=r"row 6, column 'c'.*c = 101 > n = 100"):
        load_grid(bad)
    bad = synthetic_grid()
    bad.loc[2, "params"] = -1
    with pytest.raises(InputError, match=r"row 3, column 'params': parameters must be"):
        load_grid(bad)
    path = tmp_path / "grid.csv"
    synthetic_grid().drop(columns="tokens").to_csv(path, index=False)
    with pytest.raises(InputError, match=r"grid.csv: column 'tokens' \(for tokens\) not found"):
        load_grid(path, columns={"params": "params"})


def test_one_problem_resample_is_shared_by_every_cell() -> None:
    g = synthetic_grid()
    twin = g[g["model"] == "big"].assign(model="twin", params=2e9)
    cov = grid_coverage(load_grid(pd.concat([g, twin])), [1, 2, 4], bootstrap=300, seed=3)
    big, tw = (int(np.flatnonzero(cov.cells["model"] == m)[0]) for m in ("big", "twin"))
    # identical counts and one shared resample: every replicate agrees exactly (paired), while
    # the replicates themselves vary (4 problems, 2 solved: a resample holds 0-4 solved)
    np.testing.assert_array_equal(cov.draws[big], cov.draws[tw])
    assert cov.draws[big, :, 0].std() > 0.1


def test_samples_to_reach_interpolates_in_log_k() -> None:
    curves = np.array([[0.1, 0.3, 0.5], [0.1, 0.2, np.nan], [0.6, 0.7, 0.8]])
    ks = [1, 10, 100]
    got = samples_to_reach(curves, ks, 0.4)
    assert got[0] == pytest.approx(np.sqrt(10) * 10)  # halfway between 10 and 100 in log k
    assert np.isinf(got[1]) and got[2] == 1.0  # NaN (not estimable) never counts as reached


def test_compute_matching_on_a_synthetic_grid_with_a_known_answer() -> None:
    cov = grid_coverage(load_grid(synthetic_grid()), k_grid([51], max_k=64), bootstrap=200)
    rows = match_table(cov, [1], [1e6], tokens_per_sample=T)
    assert len(rows) == 1
    r = rows[0]
    assert r["target_model"] == "big" and r["target_coverage"] == pytest.approx(0.5)
    # small reaches 0.5 only at D2, first at k = 51 (exact: the grid holds k = 51 and 32 < 0.5)
    assert r["tokens"] == D2 and r["k"] == pytest.approx(51.0) and r["smallest"]
    assert r["train_ratio"] == pytest.approx(NS * D2 / (NB * DB))
    assert r["inference_ratio"] == pytest.approx(51 * NS / NB)
    q = 1e6
    total = (6 * NS * D2 + q * 51 * 2 * NS * T) / (6 * NB * DB + q * 2 * NB * T)
    assert r["total"][0]["ratio"] == pytest.approx(total)
    # resampled problems move the target; some draws need more samples than the grid has
    assert 0 < r["reached_share"] <= 1 and r["k_lo"] <= 51.0


def test_optimum_moves_to_the_small_model_when_many_queries_are_served() -> None:
    """Equal training compute (6e19 FLOPs); per sample the big model costs 10x. With Q ~ 0 the
    big model at k = 10 wins; at Q = 1e9 the budget that buys the big model once buys the
    small one 10 times, and its 10 samples cover more (0.5 > 0.45)."""
    cells = pd.DataFrame(
        {
            "cell": ["s", "b"],
            "model": ["small", "big"],
            "params": [1e8, 1e9],
            "tokens": [1e11, 1e10],
            "n_problems": [1, 1],
            "min_n": [10, 10],
        }
    )
    mean = np.array([[0.2, 0.5], [0.45, 0.7]])
    cov = GridCoverage(cells, np.array([1, 10]), mean, np.repeat(mean[:, None], 5, 1), [])
    lean = optimal_split(cov, [1.0], budgets=[6e19 + 10 * 2e12], tokens_per_sample=T)
    assert (lean["model"].iloc[0], lean["k"].iloc[0]) == ("big", 10)
    busy = optimal_split(cov, [1e9], budgets=[6e19 + 1e9 * 2e12], tokens_per_sample=T)
    assert (busy["model"].iloc[0], busy["k"].iloc[0]) == ("small", 10)
    assert busy["coverage"].iloc[0] == 0.5 and busy["share_optimal"].iloc[0] == 1.0
    with pytest.raises(InputError, match="buys no"):
        optimal_split(cov, [1.0], budgets=[1e3])


def test_optimum_counts_what_the_budget_buys_but_the_samples_cannot_estimate() -> None:
    # The big model drew only 10 samples per problem, so its k = 100 is not estimable (NaN): a
    # budget that buys it must say the optimum was chosen without it.
    cells = pd.DataFrame(
        {
            "cell": ["s", "b"],
            "model": ["small", "big"],
            "params": [1e8, 1e9],
            "tokens": [1e10, 1e10],
            "n_problems": [1, 1],
            "min_n": [100, 10],
        }
    )
    mean = np.array([[0.2, 0.6], [0.45, np.nan]])
    cov = GridCoverage(cells, np.array([10, 100]), mean, np.repeat(mean[:, None], 5, 1), [])
    big_k100 = 6e19 + 100 * 2e12
    res = optimal_split(cov, [1.0], budgets=[6e19 + 10 * 2e12, big_k100], tokens_per_sample=T)
    assert res["not_estimable_in_budget"].tolist() == [0, 1]
    assert res["model"].tolist() == ["small", "small"]  # chosen among estimable points only


def test_pareto_keeps_only_undominated_points() -> None:
    keep = pareto([1, 2, 3, 3, 4], [0.1, 0.05, 0.3, 0.2, 0.3])
    assert keep.tolist() == [True, False, True, False, False]


@pytest.fixture(scope="module")
def math_grid(data_dir: Path) -> pd.DataFrame:
    return load_grid("monkeys-pythia-math-grid")


@pytest.mark.parametrize("name", ["monkeys-pythia-math-grid", "monkeys-pythia-gsm8k-grid"])
def test_pass1_is_the_mean_success_rate_and_coverage_rises_with_k(
    data_dir: Path, name: str
) -> None:
    g = load_grid(name)
    cov = grid_coverage(g, k_grid(max_k=128), bootstrap=50)
    assert len(cov.cells) == g["cell"].nunique() - 1  # 12B at 2M tokens lacks problems
    for i, cell in enumerate(cov.cells["cell"]):
        d = g[(g["cell"] == cell) & g["problem"].isin(g[g["cell"] == cov.cells["cell"][0]].problem)]
        # pass@1 = c / n per problem exactly (the product has one factor), so to rounding
        assert cov.mean[i, 0] == pytest.approx((d["c"] / d["n"]).mean(), rel=1e-12, abs=1e-15)
    steps = np.diff(np.concatenate([cov.mean[:, None, :], cov.draws], axis=1), axis=-1)
    assert np.all(steps[np.isfinite(steps)] >= -1e-12)  # non-decreasing in k, every replicate


def test_exact_pythia_parameter_counts(math_grid: pd.DataFrame) -> None:
    params = math_grid.groupby("model")["params"].first()
    assert params["pythia-70m"] == 70_426_624  # pythia-zeroshot params_total
    assert params["pythia-12b"] == 11_846_072_320
    assert params["pythia-14m"] == 14e6  # not in pythia-zeroshot: the nominal size


def test_final_math_checkpoint_against_brown_counts(math_grid: pd.DataFrame) -> None:
    """The grid's 300B-token cells and Brown et al.'s final-checkpoint counts (n = 10,000) share
    only MATH problems 82 and 818 of their 128. On those, exact tests (Fisher, Holm-corrected
    over the 14 model x problem pairs, family-wise 5%) find no disagreement in the success rate.
    That is absence of evidence on 2 problems, not equivalence. Over each file's own 128
    problems, the grid's pass@1 is lower for all 7 models by more than 2 standard errors of the
    difference: the files sample different problems and, it seems, a different setup, so the
    grid's numbers must not be mixed with the n = 10,000 file (this test fails if that changes).
    """
    final = math_grid[math_grid["tokens"] == 3e11]
    brown = load_counts("monkeys-pythia-math-counts")
    brown["model"] = brown["model"].str.lower()
    shared = set(final["problem"]) & set(brown["problem"])
    assert shared == {"82", "818"}
    pairs = final.merge(brown, on=["model", "problem"], suffixes=("_grid", "_brown"))
    assert len(pairs) == 14
    p = [
        fisher_exact([[r.c_grid, r.n_grid - r.c_grid], [r.c_brown, r.n_brown - r.c_brown]])[1]
        for r in pairs.itertuples()
    ]
    assert np.all(holm(p) > 0.05)
    for model, b in brown.groupby("model"):
        a = final[final["model"] == model]
        ra, rb = a["c"] / a["n"], b["c"] / b["n"]
        se = np.sqrt(ra.var() / len(ra) + rb.var() / len(rb))
        assert (ra.mean() - rb.mean()) / se < -2, model


def test_matching_on_real_math_grid_is_paired_and_finite(math_grid: pd.DataFrame) -> None:
    cov = grid_coverage(math_grid, k_grid([1, 10], max_k=1024), bootstrap=100, seed=1)
    rows = match_table(cov, [1], [1e9])
    twelve = [r for r in rows if r["target_model"] == "pythia-12b"]
    assert {r["model"] for r in twelve} >= {"pythia-160m", "pythia-6.9b"}
    best = next(r for r in twelve if r["smallest"])
    # 12B's pass@1 (0.0073) is reached by a smaller model with several samples, at a fraction
    # of the 12B's training compute; both ends of the interval are finite
    assert best["params"] < 12e9 and best["k"] > 1 and best["train_ratio"] < 0.01
    assert best["k_lo"] is not None and best["k_hi"] is not None
