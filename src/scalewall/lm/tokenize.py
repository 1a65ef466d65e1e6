"""Tokenizers trained on the corpus itself: characters, raw bytes, or byte-level BPE.

Nothing is downloaded: the character vocabulary is the corpus's own set of characters, bytes are
the 256 byte values, and BPE is trained locally with Hugging Face ``tokenizers`` on the training
split only (so held-out text cannot leak into merges).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scalewall.errors import input_error
from scalewall.validate import check_choice

KINDS = ("char", "byte", "bpe")
Ids = NDArray[np.int64]


@dataclass(frozen=True)
class Tokenizer:
    """Encode text to ids and back; ``vocab_size`` sizes the model's embedding."""

    kind: str
    vocab_size: int
    chars: str = ""
    bpe: Any = None  # tokenizers.Tokenizer for kind == "bpe"

    def encode(self, text: str) -> Ids:
        if self.kind == "byte":
            return np.frombuffer(text.encode("utf-8"), dtype=np.uint8).astype(np.int64)
        if self.kind == "char":
            table = {c: i for i, c in enumerate(self.chars)}
            return np.fromiter((table.get(c, 0) for c in text), dtype=np.int64, count=len(text))
        return np.asarray(self.bpe.encode(text).ids, dtype=np.int64)

    def decode(self, ids: Ids | list[int]) -> str:
        seq = [int(i) for i in ids]
        if self.kind == "byte":
            return bytes(seq).decode("utf-8", errors="replace")
        if self.kind == "char":
            return "".join(self.chars[i] for i in seq)
        out: str = self.bpe.decode(seq)
        return out


def fit_tokenizer(kind: str, text: str, vocab_size: int = 512) -> Tokenizer:
    """Build a tokenizer of ``kind`` from ``text`` (the training split)."""
    check_choice(kind, KINDS, "tokenizer")
    if kind == "byte":
        return Tokenizer("byte", 256)
    if kind == "char":
        chars = "".join(sorted(set(text)))
        return Tokenizer("char", len(chars), chars=chars)
    from tokenizers import Tokenizer as HFTokenizer
    from tokenizers import decoders, models, pre_tokenizers, trainers

    if vocab_size < 257:
        raise input_error("vocab_size must be > 256 for byte-level BPE", got=vocab_size)
    tok = HFTokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(text.splitlines(keepends=True), trainer=trainer)
    return Tokenizer("bpe", tok.get_vocab_size(), bpe=tok)


__all__ = ["KINDS", "Tokenizer", "fit_tokenizer"]
