"""Text corpora for the n-gram models: a registry name, a text file, JSONL or a Parquet column."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scalewall.data.registry import fetch
from scalewall.errors import InputError

#: Words and single punctuation marks: Shakespeare's "O Romeo," -> ["O", "Romeo", ","].
WORD = re.compile(r"\w+|[^\w\s]")


def read_text(source: str, column: str = "text") -> str:
    """The text of ``source``: a registry name, ``.txt``, ``.jsonl`` (field ``column``) or
    ``.parquet`` (column ``column``); empty or non-text input is a one-line error."""
    path = Path(source)
    if not path.is_file():
        if path.suffix or "/" in source:
            raise InputError(f"{source}: no such corpus file; give a path or a registry name")
        path = fetch(source)
    try:
        if path.suffix == ".parquet":
            df = pd.read_parquet(path)
            if column not in df.columns:
                raise InputError(
                    f"{source}: no column '{column}'; columns: {', '.join(df.columns)}"
                )
            text = "\n".join(df[column].astype(str))
        elif path.suffix == ".jsonl":
            lines = path.read_text(encoding="utf-8").splitlines()
            text = "\n".join(str(json.loads(ln)[column]) for ln in lines if ln.strip())
        else:
            text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{source}: not UTF-8 text; give a text, JSONL or Parquet file") from None
    except (json.JSONDecodeError, KeyError, TypeError):
        raise InputError(f"{source}: every JSONL line needs a '{column}' field") from None
    if "\x00" in text:
        raise InputError(f"{source}: binary data, not text; give a text, JSONL or Parquet file")
    if not text.strip():
        raise InputError(f"{source}: the corpus is empty; give a file with text in it")
    return text


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
        text = read_text(source, column)
        tokens = list(text) if level == "char" else WORD.findall(text)
        vocab = tuple(sorted(set(tokens)))
        if len(tokens) < 100:
            raise InputError(f"{source}: the corpus has {len(tokens)} tokens; give at least 100")
        index = {w: i for i, w in enumerate(vocab)}
        ids = np.fromiter((index[w] for w in tokens), dtype=np.int64, count=len(tokens))
        cut = int(len(ids) * (1 - heldout))
        return cls(ids[:cut], ids[cut:], vocab, level)

    def decode(self, ids: NDArray[np.int64]) -> str:
        sep = "" if self.level == "char" else " "
        return sep.join(self.vocab[i] for i in ids)
