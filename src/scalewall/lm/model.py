"""A decoder-only transformer in the style of nanoGPT: pre-norm blocks, fused causal attention.

Follows karpathy/nanoGPT@model.py (itself after OpenAI's GPT-2 and HF transformers): token and
learned position embeddings, ``n_layer`` blocks of LayerNorm -> causal self-attention through
:func:`torch.nn.functional.scaled_dot_product_attention` -> residual, LayerNorm -> GELU MLP (4x)
-> residual, a final LayerNorm and an output head tied to the token embedding. No biases and no
dropout (nanoGPT's defaults for small pretraining from scratch), so a run is a deterministic
function of its seed on CPU.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from scalewall.lm import flops


@dataclass(frozen=True)
class ModelShape:
    """Architecture: layers, heads, width, context and vocabulary (plain ints)."""

    n_layer: int
    n_head: int
    d_model: int
    context: int
    vocab_size: int


class SelfAttention(nn.Module):
    def __init__(self, s: ModelShape) -> None:
        super().__init__()
        self.n_head = s.n_head
        self.qkv = nn.Linear(s.d_model, 3 * s.d_model, bias=False)
        self.proj = nn.Linear(s.d_model, s.d_model, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        out: torch.Tensor = self.proj(y.transpose(1, 2).contiguous().view(B, T, C))
        return out


class Block(nn.Module):
    def __init__(self, s: ModelShape) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(s.d_model, bias=False)
        self.attn = SelfAttention(s)
        self.ln2 = nn.LayerNorm(s.d_model, bias=False)
        self.fc = nn.Linear(s.d_model, 4 * s.d_model, bias=False)
        self.proj = nn.Linear(4 * s.d_model, s.d_model, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))
        out: torch.Tensor = x + self.proj(F.gelu(self.fc(self.ln2(x))))
        return out


class GPT(nn.Module):
    """The language model; ``forward(idx)`` returns logits of shape ``(B, T, vocab)``."""

    def __init__(self, shape: ModelShape) -> None:
        super().__init__()
        self.shape = shape
        self.wte = nn.Embedding(shape.vocab_size, shape.d_model)
        self.wpe = nn.Embedding(shape.context, shape.d_model)
        self.blocks = nn.ModuleList(Block(shape) for _ in range(shape.n_layer))
        self.ln_f = nn.LayerNorm(shape.d_model, bias=False)
        self.head = nn.Linear(shape.d_model, shape.vocab_size, bias=False)
        self.head.weight = self.wte.weight  # weight tying (Press & Wolf 2017), as in GPT-2
        self.apply(self._init)
        # GPT-2's scaled init of the residual projections: std 0.02 / sqrt(2 n_layer).
        for name, p in self.named_parameters():
            if name.endswith("proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * shape.n_layer))

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, nn.Linear | nn.Embedding):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    def num_params(self, non_embedding: bool = True) -> int:
        """Weights counted once (the tied head is the token embedding).

        ``non_embedding=True`` leaves out the token and position embeddings: Kaplan et al.
        2020's N, the count the scaling sweeps use.
        """
        n = sum(p.numel() for p in self.parameters())
        if non_embedding:
            n -= self.wte.weight.numel() + self.wpe.weight.numel()
        return n

    def flops_per_token(self) -> int:
        s = self.shape
        return flops.flops_per_token(s.n_layer, s.d_model, s.vocab_size, s.context)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        pos = torch.arange(idx.shape[1], device=idx.device)
        x = self.wte(idx) + self.wpe(pos)
        for block in self.blocks:
            x = block(x)
        logits: torch.Tensor = self.head(self.ln_f(x))
        return logits


def build(shape: ModelShape, seed: int) -> GPT:
    """A freshly initialised model; the same seed gives the same weights, global RNG untouched."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return GPT(shape)


__all__ = ["GPT", "ModelShape", "build"]
