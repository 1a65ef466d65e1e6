"""Tokenised corpora for the n-gram models (the text comes from :mod:`scalewall.data.corpus`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from scalewall.data.corpus import load_text
from scalewall.errors import input_error

#: Words and single punctuation marks: Shakespeare's "O Romeo," -> ["O", "Romeo", ","].
WORD = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Corpus:
    """A tokenised corpus: ids of the training and held-out parts and the vocabulary."""

    train: NDArray[np.int64]
    heldout: NDArray[np.int64]
    vocab: tuple[str, ...]
    level: Literal["char", "word"]

    @classmethod
    def load(
        cls,
        source: str,
        level: Literal["char", "word"] = "char",
        column: str = "text",
        heldout: float = 0.1,
    ) -> Corpus:
        """Tokenise ``source`` and hold out its last ``heldout`` share for perplexity."""
        text = load_text(source, column)
        tokens = list(text) if level == "char" else WORD.findall(text)
        vocab = tuple(sorted(set(tokens)))
        if len(tokens) < 100:
            raise input_error(
                f"the corpus has {len(tokens)} tokens; give at least 100", source=source
            )
        index = {w: i for i, w in enumerate(vocab)}
        ids = np.fromiter((index[w] for w in tokens), dtype=np.int64, count=len(tokens))
        cut = int(len(ids) * (1 - heldout))
        return cls(ids[:cut], ids[cut:], vocab, level)

    def decode(self, ids: NDArray[np.int64]) -> str:
        sep = "" if self.level == "char" else " "
        return sep.join(self.vocab[i] for i in ids)
