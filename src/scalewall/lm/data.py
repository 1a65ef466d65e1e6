"""Token streams for training and evaluation, and the batches drawn from them.

Batches are a pure function of ``(seed, step)``: the windows of step ``t`` come from
``numpy.random.default_rng([seed, t])``. A resumed run therefore sees exactly the batches it
would have seen, without storing any sampler state.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from scalewall.data.corpus import load_text
from scalewall.errors import input_error
from scalewall.lm.config import RunConfig
from scalewall.lm.tokenize import Ids, Tokenizer, fit_tokenizer


@dataclass(frozen=True)
class TokenData:
    """A tokenized corpus: the tokenizer, the training ids and the held-out ids."""

    tokenizer: Tokenizer
    train: Ids
    val: Ids


@lru_cache(maxsize=8)
def tokenized(
    corpus: str, column: str, kind: str, vocab_size: int, val_fraction: float
) -> TokenData:
    """Tokenize a corpus once per process; the tokenizer is fitted on the training split."""
    text = load_text(corpus, column)
    cut = int(len(text) * (1 - val_fraction))
    tok = fit_tokenizer(kind, text[:cut] if kind != "char" else text, vocab_size)
    return TokenData(tok, tok.encode(text[:cut]), tok.encode(text[cut:]))


def prepare(cfg: RunConfig, source: str = "config") -> TokenData:
    """The run's token data, checked against its context and batch (one-line errors)."""
    data = tokenized(cfg.corpus, cfg.column, cfg.tokenizer, cfg.vocab_size, cfg.val_fraction)
    n_train, n_val = len(data.train), len(data.val)
    if cfg.context + 1 > min(n_train, n_val):
        raise input_error(
            f"context {cfg.context} is longer than the corpus '{cfg.corpus}' allows "
            f"({n_train} training and {n_val} held-out tokens)",
            fix="use a shorter context or a larger corpus",
            source=source,
        )
    if n_train < cfg.batch_size * cfg.context + 1:
        raise input_error(
            f"corpus '{cfg.corpus}' has {n_train} training tokens, fewer than one batch "
            f"(batch_size {cfg.batch_size} x context {cfg.context})",
            fix="use a larger corpus or a smaller batch",
            source=source,
        )
    if cfg.unique_tokens:
        if cfg.unique_tokens > n_train:
            raise input_error(
                f"unique_tokens {cfg.unique_tokens} exceeds the {n_train} training tokens "
                f"of '{cfg.corpus}'",
                source=source,
            )
        if cfg.unique_tokens < cfg.context + 1:
            raise input_error("unique_tokens must be at least context + 1", source=source)
        data = TokenData(data.tokenizer, data.train[: cfg.unique_tokens], data.val)
    return data


def batch(ids: Ids, cfg: RunConfig, step: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Inputs and next-token targets of step ``step``: random windows, seeded by (seed, step)."""
    rng = np.random.default_rng([cfg.seed, step])
    starts = rng.integers(0, len(ids) - cfg.context, size=cfg.batch_size)
    idx = starts[:, None] + np.arange(cfg.context + 1)
    windows = ids[idx]
    return windows[:, :-1], windows[:, 1:]


def eval_windows(ids: Ids, context: int, max_tokens: int) -> NDArray[np.int64]:
    """Fixed, non-overlapping held-out windows of ``context + 1`` tokens (same for every run)."""
    n = min(max(max_tokens // context, 1), (len(ids) - 1) // context)
    starts = np.arange(n) * context
    out: NDArray[np.int64] = ids[starts[:, None] + np.arange(context + 1)]
    return out


__all__ = ["TokenData", "batch", "eval_windows", "prepare", "tokenized"]
