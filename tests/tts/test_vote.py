"""maj@k and best-of-k against brute force over all subsets; the imperfect-verifier ceiling."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from scalewall.errors import InputError
from scalewall.tts.vote import best_of_k, majority_at_k, verifier_accuracy, verifier_ceiling


def brute_majority(ans: list[str | None], corr: list[bool], k: int) -> float:
    total = 0.0
    subsets = list(itertools.combinations(range(len(ans)), k))
    for sub in subsets:
        votes: dict[str, int] = {}
        for i in sub:
            if ans[i] is not None:
                votes[ans[i]] = votes.get(ans[i], 0) + 1  # type: ignore[index]
        if votes:
            top = [a for a, v in votes.items() if v == max(votes.values())]
            total += sum(corr[ans.index(a)] for a in top) / len(top)
    return total / len(subsets)


def test_majority_matches_all_subsets() -> None:
    rng = np.random.default_rng(1)
    for _ in range(25):
        n = int(rng.integers(3, 11))
        ans = [None if rng.random() < 0.15 else str(rng.integers(0, 4)) for _ in range(n)]
        corr = [a in ("0", "1") for a in ans]  # two spellings of the right answer
        ks = np.arange(1, n + 1)
        want = [brute_majority(ans, corr, int(k)) for k in ks]
        np.testing.assert_allclose(majority_at_k(ans, corr, ks), want, atol=1e-12)


def test_majority_refuses_inconsistent_answers() -> None:
    with pytest.raises(InputError, match="both correct and incorrect"):
        majority_at_k(["1", "1"], [True, False], [1])


def test_best_of_k_matches_all_subsets_with_ties() -> None:
    rng = np.random.default_rng(2)
    for _ in range(25):
        n = int(rng.integers(2, 10))
        sc, corr = rng.integers(0, 4, n).astype(float), rng.random(n) < 0.4
        for k in range(1, n + 1):
            want = np.mean(
                [
                    np.mean([corr[i] for i in s if sc[i] == max(sc[j] for j in s)])
                    for s in itertools.combinations(range(n), k)
                ]
            )
            assert best_of_k(sc, corr, [k])[0] == pytest.approx(want, abs=1e-12)


def test_verifier_ceiling_and_limit() -> None:
    p = np.array([0.0, 0.01, 0.3, 0.9])
    ceil = verifier_ceiling(p, tpr=0.9, fpr=0.05)
    share = [0.0, *(x * 0.9 / (x * 0.9 + (1 - x) * 0.05) for x in p[1:])]
    assert ceil == pytest.approx(np.mean(share))
    acc = verifier_accuracy(p, [1, 10**6], tpr=0.9, fpr=0.05).mean(axis=0)
    assert acc[0] == pytest.approx(np.mean(p * 0.9)) and acc[1] == pytest.approx(ceil)
    # a perfect verifier is coverage with replacement: 1 - (1 - p)^k
    np.testing.assert_allclose(verifier_accuracy(p, [7])[:, 0], 1 - (1 - p) ** 7)
