"""pass@k and pass^k against exact binomial ratios, bootstrap against closed forms, and the
published Pythia numbers."""

from __future__ import annotations

from fractions import Fraction
from math import comb
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scalewall.errors import InputError
from scalewall.tts.io import load_counts
from scalewall.tts.passk import (
    bootstrap_means,
    paired_difference,
    pass_at_k,
    pass_hat_k,
    passk_table,
)


def exact_pass(n: int, c: int, k: int) -> float:
    return float(1 - Fraction(comb(n - c, k), comb(n, k)))


def test_pass_at_k_equals_exact_ratio_for_every_k() -> None:
    rng = np.random.default_rng(0)
    n = rng.integers(1, 60, 40)
    c = rng.integers(0, n + 1)
    kmax = int(n.min())
    got = pass_at_k(n, c, np.arange(1, kmax + 1))
    want = np.array(
        [
            [exact_pass(int(a), int(b), k) for k in range(1, kmax + 1)]
            for a, b in zip(n, c, strict=True)
        ]
    )
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_pass_at_k_large_n_matches_exact() -> None:
    # n = 10,000 as in Brown et al. 2024; the exact ratio via Python integers
    for c, k in [(1, 1), (1, 9999), (37, 500), (9999, 1), (0, 10_000), (5000, 2)]:
        assert pass_at_k([10_000], [c], [k])[0, 0] == pytest.approx(
            exact_pass(10_000, c, k), rel=1e-12, abs=1e-300
        )


def test_edge_cases_c0_cn_and_refusals() -> None:
    assert pass_at_k([10, 10], [0, 10], [1, 10]).tolist() == [[0.0, 0.0], [1.0, 1.0]]
    with pytest.raises(InputError, match="exceeds the 10 samples"):
        pass_at_k([10], [0], [11])  # human-eval issue #35 would return 1.0 here
    with pytest.raises(InputError, match=">= 1"):
        pass_at_k([10], [3], [0])


def test_pass_hat_k_is_all_correct_ratio() -> None:
    for n, c in [(10, 3), (20, 20), (15, 0), (50, 49)]:
        got = pass_hat_k([n], [c], np.arange(1, n + 1))[0]
        want = [comb(c, k) / comb(n, k) for k in range(1, n + 1)]
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)


def test_bootstrap_sd_matches_standard_error() -> None:
    """The bootstrap SD of a mean is sd/sqrt(m) times sqrt((m-1)/m); with 4,000 replicates its
    relative Monte Carlo error is about 1/sqrt(2 x 4000) = 1.1%, so 4% is > 3 standard errors."""
    rng = np.random.default_rng(1)
    per = rng.random((128, 3))
    draws = bootstrap_means(per, 4000, np.random.default_rng(2))
    se = per.std(axis=0) / np.sqrt(128)
    np.testing.assert_allclose(draws.std(axis=0), se, rtol=0.04)
    np.testing.assert_allclose(
        draws.mean(axis=0), per.mean(axis=0), atol=4 * se.max() / np.sqrt(4000) * 10
    )


def test_same_seed_same_intervals() -> None:
    counts = pd.DataFrame(
        {"model": "m", "problem": [str(i) for i in range(30)], "n": 50, "c": np.arange(30)}
    )
    a = passk_table(counts, [1, 5], bootstrap=300, seed=3)
    b = passk_table(counts, [1, 5], bootstrap=300, seed=3)
    pd.testing.assert_frame_equal(a, b)


def test_paired_interval_is_narrower_and_alignment_is_checked() -> None:
    rng = np.random.default_rng(4)
    p = rng.beta(0.5, 3, 100)
    c_a = rng.binomial(200, p)
    c_b = rng.binomial(200, np.clip(p * 0.9, 0, 1))
    probs = [str(i) for i in range(100)]
    counts = pd.concat(
        [
            pd.DataFrame({"model": "a", "problem": probs, "n": 200, "c": c_a}),
            pd.DataFrame({"model": "b", "problem": probs, "n": 200, "c": c_b}),
        ]
    )
    d = paired_difference(counts, "a", "b", [10], bootstrap=1000)
    t = passk_table(counts, [10], bootstrap=1000).set_index("model")
    unpaired = (t.at["a", "hi"] - t.at["a", "lo"]) + (t.at["b", "hi"] - t.at["b", "lo"])
    assert (d["hi"] - d["lo"]).iloc[0] < 0.5 * unpaired
    with pytest.raises(InputError, match="do not share their problems"):
        paired_difference(counts.iloc[:-1], "a", "b", [10])


def test_pythia_12b_reproduces_brown_et_al(data_dir: Path) -> None:
    """Brown et al. 2024 (arXiv 2407.21787) data: Pythia-12B on MATH, pass@1 = 0.0232,
    pass@100 = 0.483, pass@10000 = 0.875 (research note section 5; 112 of 128 solved)."""
    counts = load_counts("monkeys-pythia-math-counts")
    t = passk_table(counts[counts["model"] == "Pythia-12B"], [1, 100, 10_000], bootstrap=200)
    assert t["pass_at_k"].tolist() == pytest.approx([0.0232, 0.483, 0.875], abs=5e-4)
    assert (t["lo"] < t["pass_at_k"]).all() and (t["pass_at_k"] < t["hi"]).all()
    # the processed file carries the same counts as the CSV
    assert load_counts("monkeys-pythia-math")["c"].sum() == counts["c"].sum()
