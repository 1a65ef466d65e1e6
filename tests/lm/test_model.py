"""Parameter and FLOP formulas against the module, tokenizers, sampling truncation."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from scalewall.lm import flops
from scalewall.lm.model import GPT, ModelShape, build
from scalewall.lm.sample import nucleus, sample
from scalewall.lm.tokenize import fit_tokenizer


@pytest.mark.parametrize(("L", "H", "d", "T", "V"), [(1, 2, 16, 8, 30), (3, 4, 64, 32, 65)])
def test_param_formula_matches_module(L: int, H: int, d: int, T: int, V: int) -> None:
    m = GPT(ModelShape(L, H, d, T, V))
    assert m.num_params(non_embedding=True) == flops.non_embedding_params(L, d)
    assert m.num_params(non_embedding=False) == flops.total_params(L, d, V, T)


def test_nanogpt_124m_count() -> None:
    """GPT-2 small's shape (12 x 768, 1024 context, 50257 vocab) without biases: nanoGPT's
    124M minus its biases (12 layers x (3d + d + 4d + d) + LayerNorm biases = 85k)."""
    total = flops.total_params(12, 768, 50257, 1024)
    assert 123_500_000 < total < 124_440_000


def test_flops_per_token_is_6n_plus_attention() -> None:
    L, d, V, T = 2, 64, 65, 64
    n = flops.non_embedding_params(L, d) + V * d
    assert flops.flops_per_token(L, d, V, T) == 6 * n + 12 * L * d * T
    assert flops.mfu(1000.0, 1e6, "cpu") is None
    assert flops.mfu(1e3, 989.4e6, "NVIDIA H100 80GB HBM3") == pytest.approx(1e-3)


def test_same_seed_same_weights() -> None:
    s = ModelShape(1, 2, 16, 8, 30)
    a, b, c = build(s, 1), build(s, 1), build(s, 2)
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters(), strict=True))
    assert not torch.equal(a.wte.weight, c.wte.weight)


@pytest.mark.parametrize("kind", ["char", "byte", "bpe"])
def test_tokenizers_round_trip(kind: str) -> None:
    text = "To be, or not to be: that is the question.\n" * 50
    tok = fit_tokenizer(kind, text, vocab_size=300)
    ids = tok.encode(text)
    assert tok.decode(ids) == text
    assert ids.max() < tok.vocab_size
    if kind == "bpe":
        assert len(ids) < len(text.encode())  # merges shorten the stream


def test_nucleus_keeps_smallest_prefix() -> None:
    p = torch.tensor([[0.5, 0.3, 0.15, 0.05]])
    q = nucleus(p, 0.8)  # 0.5 alone < 0.8, 0.5 + 0.3 reaches it
    assert torch.allclose(q, torch.tensor([[0.625, 0.375, 0.0, 0.0]]))
    assert torch.equal(nucleus(p, 1.0), p)


def test_sampling_is_seeded() -> None:
    m = build(ModelShape(1, 2, 16, 8, 30), 0)
    prompts = np.zeros((3, 1), dtype=np.int64)
    a = sample(m, prompts, 12, seed=5)
    assert a.shape == (3, 13)
    assert np.array_equal(a, sample(m, prompts, 12, seed=5))
    assert not np.array_equal(a, sample(m, prompts, 12, seed=6))
