"""Tiny corpora and configs: every LM test trains models of a few thousand parameters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")

from scalewall.lm.config import RunConfig

WORDS = [
    "the",
    "king",
    "and",
    "queen",
    "of",
    "a",
    "small",
    "town",
    "walk",
    "to",
    "sea",
    "with",
    "bread",
    "wine",
    "gold",
    "song",
    "night",
    "day",
]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40k characters of seeded word salad with Zipf-like word frequencies."""
    rng = np.random.default_rng(0)
    p = 1 / np.arange(1, len(WORDS) + 1)
    words = rng.choice(WORDS, size=8000, p=p / p.sum())
    lines = [" ".join(words[i : i + 10]) for i in range(0, len(words), 10)]
    path = tmp_path_factory.mktemp("corpus") / "salad.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def tiny(corpus: Path) -> RunConfig:
    """A 3k-parameter model trained for 40 steps of 4 x 16 tokens."""
    return RunConfig(
        corpus=str(corpus),
        n_layer=1,
        n_head=2,
        d_model=16,
        context=16,
        batch_size=4,
        tokens=2560,
        eval_tokens=512,
    )
