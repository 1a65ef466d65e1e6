"""Text corpora, for the n-gram collapse models and the small LMs alike.

A corpus is named by a registry entry (``tinyshakespeare`` by default), a text file, a JSONL or
Parquet file with a text column, or a Hugging Face dataset saved with ``save_to_disk`` (needs the
``datasets`` package). Records of a table are joined with a blank line between them. Empty or
binary input is a one-line error here, so no caller has to check for it.
"""

from __future__ import annotations

from pathlib import Path

from scalewall.errors import input_error
from scalewall.validate import read_text

DEFAULT = "tinyshakespeare"
TABLE_SUFFIXES = (".jsonl", ".ndjson", ".parquet", ".pq")


def _join(values: list[object], source: str, column: str) -> str:
    texts = [v for v in values if isinstance(v, str)]
    if len(texts) < len(values):
        raise input_error(
            "has non-text values", source=source, column=column, fix="name a column of strings"
        )
    return "\n\n".join(texts)


def _table_text(path: Path, column: str) -> str:
    import pandas as pd

    from scalewall.data.runs import read_table

    df: pd.DataFrame = read_table(path)
    if column not in df.columns:
        raise input_error(
            f"has no column '{column}'",
            source=str(path),
            fix=f"set 'column' to one of: {', '.join(map(str, df.columns))}",
        )
    return _join(df[column].tolist(), str(path), column)


def _hf_text(path: Path, column: str) -> str:
    import importlib

    try:
        datasets = importlib.import_module("datasets")
    except ImportError:
        raise input_error(
            "is a Hugging Face dataset folder; reading it needs the 'datasets' package",
            source=str(path),
            fix="pip install datasets, or export the column to JSONL/Parquet",
        ) from None
    ds = datasets.load_from_disk(str(path))
    if isinstance(ds, datasets.DatasetDict):
        ds = ds["train"] if "train" in ds else next(iter(ds.values()))
    if column not in ds.column_names:
        raise input_error(
            f"has no column '{column}'",
            source=str(path),
            fix=f"set 'column' to one of: {', '.join(ds.column_names)}",
        )
    return _join(list(ds[column]), str(path), column)


def load_text(corpus: str = DEFAULT, column: str = "text") -> str:
    """The corpus as one string.

    Parameters
    ----------
    corpus : str
        A registry name (``scalewall data list``), a text file, a ``.jsonl``/``.parquet`` table or
        a folder written by ``datasets.Dataset.save_to_disk``.
    column : str, default "text"
        The text column of a table or dataset.
    """
    from scalewall.data import registry

    p = registry.fetch(corpus) if registry.names_entry(corpus) else Path(corpus)
    if not p.exists():
        raise input_error(
            "corpus not found", source=corpus, fix="give a registry name or an existing file"
        )
    if p.is_dir():
        if not ((p / "dataset_info.json").is_file() or (p / "dataset_dict.json").is_file()):
            raise input_error("is a folder but not a saved Hugging Face dataset", source=corpus)
        text = _hf_text(p, column)
    elif p.suffix.lower() in TABLE_SUFFIXES:
        text = _table_text(p, column)
    else:
        text = read_text(p, source=corpus)
    if "\x00" in text:
        raise input_error(
            "binary data, not text", source=corpus, fix="give a text, JSONL or Parquet file"
        )
    if not text.strip():
        raise input_error("the corpus is empty", source=corpus, fix="give a file with text in it")
    return text


__all__ = ["DEFAULT", "load_text"]
