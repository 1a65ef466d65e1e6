"""Read any table of (model, model size, task, score) into one tidy frame of final checkpoints.

Two shapes are accepted. *Long*: one row per model and task, with a task column and a score
column. *Wide*: one row per model (or checkpoint) with one score column per task, picked by a
glob such as ``*_acc`` (the registry's ``pythia-zeroshot`` table). When a step column is
present only each model's last checkpoint is kept. Every problem is one :class:`InputError`
naming the file, row and column.
"""

from __future__ import annotations

import fnmatch
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from scalewall.errors import ScalewallWarning, input_error
from scalewall.validate import reject_rows, require_column, to_numbers

#: Size columns tried in order when ``size_col`` is not given.
SIZE_DEFAULTS = ("params", "params_total", "N", "size")
#: Columns that together name a model when ``model_col`` is not given (Pythia: model + variant).
MODEL_DEFAULTS = ("model", "variant")
WIDE_PATTERN = "*_acc"


def _read(source: str | Path | pd.DataFrame, name: str | None) -> tuple[pd.DataFrame, str]:
    """A frame, a registry name (see ``scalewall data list``) or a table file."""
    from scalewall.data.runs import read_source

    if isinstance(source, pd.DataFrame):
        return source, name or "table"
    return read_source(source)[0], name or str(source)


def _column(raw: pd.DataFrame, col: str, what: str, flag: str, src: str) -> str:
    return require_column(raw.columns, col, what=what, flag=flag, source=src)


def _numeric(raw: pd.DataFrame, col: str, src: str) -> pd.Series:
    return pd.Series(to_numbers(raw[col], column=col, source=src, fix=None), index=raw.index)


def load_scores(
    source: str | Path | pd.DataFrame,
    *,
    size_col: str | None = None,
    task_col: str | None = None,
    score_col: str | None = None,
    model_col: str | None = None,
    step_col: str | None = None,
    source_name: str | None = None,
) -> pd.DataFrame:
    """Final-checkpoint scores as a tidy frame with columns ``model, size, task, score``.

    Parameters
    ----------
    source : str, Path or DataFrame
        Registry name, CSV/TSV/Parquet/JSONL file, or a frame.
    size_col : str, optional
        Model size (parameters); default the first of ``params, params_total, N, size``.
    task_col : str, optional
        Task column of a long table (default ``task`` when present). Without one the table is
        read as wide.
    score_col : str, optional
        Long table: the score column (default ``score``). Wide table: a glob over column names
        picking one score column per task (default ``*_acc``; the ``*`` part names the task).
    model_col : str, optional
        Column(s) naming a model, comma-separated (default ``model`` and ``variant`` when
        present; else each size is one model).
    step_col : str, optional
        Checkpoint step (default ``step`` when present): only each model's last step is kept.
    """
    raw, src = _read(source, source_name)
    raw = raw.reset_index(drop=True)
    if size_col is None:
        size_col = next((c for c in SIZE_DEFAULTS if c in raw.columns), SIZE_DEFAULTS[0])
    _column(raw, size_col, "model size", "--size-col", src)
    size = _numeric(raw, size_col, src)
    reject_rows(
        ~np.isfinite(size) | (size <= 0),
        "model size must be a finite number > 0",
        source=src,
        column=size_col,
        values=size,
        fix="give parameter counts such as 1.4e9",
    )
    models = (
        [c.strip() for c in model_col.split(",") if c.strip()]
        if model_col
        else [c for c in MODEL_DEFAULTS if c in raw.columns]
    )
    for c in models:
        _column(raw, c, "model name", "--model-col", src)
    model = (
        raw[models].astype(str).agg("/".join, axis=1)
        if models
        else size.map(lambda v: f"{v:.4g} params")
    )
    frame = pd.DataFrame({"model": model, "size": size, "row": np.arange(1, len(raw) + 1)})
    step = step_col or ("step" in raw.columns and "step") or None
    if step:
        frame["step"] = _numeric(raw, _column(raw, step, "step", "--step-col", src), src)

    long = task_col is not None or "task" in raw.columns
    if long:
        tcol = _column(raw, task_col or "task", "task", "--task-col", src)
        scol = _column(raw, score_col or "score", "score", "--score-col", src)
        tidy = frame.assign(task=raw[tcol].astype(str), score=_numeric(raw, scol, src))
        tidy["column"] = scol
    else:
        pattern = score_col or WIDE_PATTERN
        cols = [c for c in map(str, raw.columns) if fnmatch.fnmatchcase(c, pattern)]
        if not cols:
            raise input_error(
                f"the table has no task column and no column matches '{pattern}'",
                source=src,
                fix="pass --task-col and --score-col for a long table, or --score-col PATTERN "
                "(e.g. '*_acc') for a wide one",
            )
        strip = pattern[1:] if pattern.startswith("*") and "*" not in pattern[1:] else ""
        parts = [
            frame.assign(
                task=c.removesuffix(strip) if strip else c,
                score=_numeric(raw, c, src),
                column=c,
            )
            for c in cols
        ]
        tidy = pd.concat(parts, ignore_index=True)
    out_of_range = tidy["score"].notna() & ~tidy["score"].between(0.0, 1.0)
    if out_of_range.any():
        r = tidy[out_of_range].iloc[0]
        raise input_error(
            "scores must be accuracies in [0, 1]",
            source=src,
            row=int(r["row"]),
            column=str(r["column"]),
            got=float(r["score"]),
            fix="divide percentages by 100",
        )
    missing = int(tidy["score"].isna().sum())
    if missing:
        warnings.warn(f"{src}: {missing} empty score(s) left out", ScalewallWarning, stacklevel=2)
        tidy = tidy[tidy["score"].notna()]
    if step:
        last = tidy.groupby(["model", "task"])["step"].transform("max")
        tidy = tidy[tidy["step"] == last]
    dup = tidy.duplicated(["model", "task"], keep=False)
    if dup.any():
        r = tidy[dup].iloc[0]
        raise input_error(
            f"model '{r['model']}' has more than one score for task '{r['task']}'"
            + (" at its last step" if step else ""),
            source=src,
            row=int(r["row"]),
            fix="name the columns that identify a model with --model-col (comma-separated)",
        )
    sizes = tidy.groupby("model")["size"].nunique()
    if (sizes > 1).any():
        m = str(sizes[sizes > 1].index[0])
        raise input_error(
            f"model '{m}' has more than one size",
            source=src,
            column=size_col,
            fix="name the columns that identify a model with --model-col",
        )
    out = tidy[["model", "size", "task", "score"]]
    return out.sort_values(["task", "size", "model"], kind="stable").reset_index(drop=True)


__all__ = ["MODEL_DEFAULTS", "SIZE_DEFAULTS", "WIDE_PATTERN", "load_scores"]
