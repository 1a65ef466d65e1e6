"""Load repeated-sampling results: per-problem counts or per-sample records, validated once.

Two shapes are accepted, from a registry name or a CSV/JSONL/Parquet file:

* **counts**: one row per (model, problem) with ``n`` samples drawn and ``c`` of them correct,
  the sufficient statistic of every unbiased pass@k estimate;
* **samples**: one row per sample with ``correct`` (bool) and optionally ``score`` (verifier),
  ``answer`` (for majority vote), ``tokens_in`` and ``tokens_out``.

Past :func:`load_counts` / :func:`load_samples` nothing re-checks the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from scalewall.data.registry import names_entry
from scalewall.data.runs import read_source, read_table
from scalewall.errors import input_error
from scalewall.validate import finite_numbers, reject_rows, require_column, to_numbers

#: Canonical column -> the CLI flag that maps it, for messages.
FLAGS = {
    "model": "--model-col",
    "problem": "--problem-col",
    "n": "--n-col",
    "c": "--c-col",
    "sample": "--sample-col",
    "correct": "--correct-col",
    "score": "--score-col",
    "answer": "--answer-col",
    "tokens_in": "--tokens-in-col",
    "tokens_out": "--tokens-out-col",
    "params": "--params-col",
    "tokens": "--tokens-col",
}

#: Registry entries of repeated-sampling data and how their columns map (and rows filter).
REGISTRY_COLUMNS: dict[str, dict[str, str]] = {
    "monkeys-pythia-math-counts": {
        "model": "model",
        "problem": "problem_idx",
        "n": "n_samples",
        "c": "n_correct",
    },
    # Schaeffer et al. 2025's processed file has one row per (model, problem, k); the counts
    # repeat on every k, so the rows with k = 1 carry them once.
    "monkeys-pythia-math": {
        "model": "Model",
        "problem": "Problem Idx",
        "n": "Num. Samples Total",
        "c": "Num. Samples Correct",
    },
}
_ROW_FILTER = {"monkeys-pythia-math": ("Scaling Parameter", 1)}

#: Registry entries of (parameters x training tokens) grids of counts, and their columns.
GRID_ENTRIES = ("monkeys-pythia-gsm8k-grid", "monkeys-pythia-math-grid")
GRID_COLUMNS = {
    "model": "model",
    "params": "params_nominal",
    "tokens": "tokens",
    "problem": "problem_idx",
    "n": "n_samples",
    "c": "n_correct",
}


def _read(
    source: str | Path | pd.DataFrame,
    columns: Mapping[str, str] | None,
    source_name: str | None,
) -> tuple[pd.DataFrame, str, dict[str, str]]:
    """The raw table, its name for messages (``source_name`` if given), and its column mapping:
    the registry's (if any), overridden by the caller's ``columns``."""
    raw, name, mapping = _read_raw(source)
    mapping.update({k: v for k, v in (columns or {}).items() if v})
    return raw, source_name or name, mapping


def _read_raw(source: str | Path | pd.DataFrame) -> tuple[pd.DataFrame, str, dict[str, str]]:
    if isinstance(source, pd.DataFrame):
        return source.reset_index(drop=True), "table", {}
    s = str(source)
    if not names_entry(s):
        return read_table(s), s, {}
    if s not in REGISTRY_COLUMNS:
        raise input_error(
            "this registry entry is not a table of repeated samples",
            source=s,
            fix=f"use one of: {', '.join(REGISTRY_COLUMNS)}",
        )
    raw = read_source(s)[0]
    if s in _ROW_FILTER:
        col, val = _ROW_FILTER[s]
        raw = raw[raw[col] == val]
    return raw.reset_index(drop=True), s, dict(REGISTRY_COLUMNS[s])


def _pick(
    raw: pd.DataFrame, mapping: Mapping[str, str], name: str, source: str, required: bool
) -> pd.Series | None:
    col = mapping.get(name, name)
    if col in raw.columns:
        return raw[col]
    if required or name in mapping:
        require_column(raw.columns, col, what=f"for {name}", flag=FLAGS[name], source=source)
    return None


def _need(raw: pd.DataFrame, mapping: Mapping[str, str], name: str, source: str) -> pd.Series:
    s = _pick(raw, mapping, name, source, True)
    assert s is not None  # _pick raised otherwise
    return s


def _integers(s: pd.Series, name: str, source: str, col: str) -> np.ndarray:
    vals = to_numbers(s, column=col, source=source, fix="give counts of samples as whole numbers")
    reject_rows(
        ~np.isfinite(vals) | (vals != np.round(vals)),
        f"{name} must be a whole number",
        source=source,
        column=col,
        values=s.astype(str),
        fix="give counts of samples as integers",
    )
    reject_rows(
        vals < 0,
        f"{name} must be >= 0",
        source=source,
        column=col,
        values=vals,
        fix="counts of samples cannot be negative",
    )
    return vals.astype(np.int64)


def _labels(s: pd.Series | None, default: str, n: int) -> np.ndarray:
    if s is None:
        return np.full(n, default, dtype=object)
    return s.astype(str).to_numpy(dtype=object)


def load_counts(
    source: str | Path | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    model: str | None = None,
    source_name: str | None = None,
) -> pd.DataFrame:
    """Per-problem counts ``model, problem, n, c`` (ints), one row per (model, problem).

    A file with a ``correct`` column (after mapping) is read as per-sample records and counted.

    Raises
    ------
    InputError
        Missing columns, non-integer or negative counts, ``c > n``, problems with no samples
        (``n = 0``) or a (model, problem) listed twice, naming file, row and column.
    """
    raw, name, mapping = _read(source, columns, source_name)
    if (
        mapping.get("correct", "correct") in raw.columns
        and mapping.get("c", "c") not in raw.columns
    ):
        return counts_from_samples(load_samples(raw, columns=mapping, source_name=name))
    n_rows = len(raw)
    models = _labels(_pick(raw, mapping, "model", name, False), model or "model", n_rows)
    problems = _need(raw, mapping, "problem", name)
    n_col, c_col = mapping.get("n", "n"), mapping.get("c", "c")
    n = _integers(_need(raw, mapping, "n", name), "n (samples drawn)", name, n_col)
    c = _integers(_need(raw, mapping, "c", name), "c (correct samples)", name, c_col)
    reject_rows(
        n == 0,
        "problem has no samples (n = 0)",
        source=name,
        column=n_col,
        fix="drop the problem or give its samples; pass@k is undefined without samples",
    )
    over = c > n
    if over.any():
        i = int(np.flatnonzero(over)[0])
        raise input_error(
            f"more correct samples than samples drawn (c = {c[i]} > n = {n[i]})",
            source=name,
            row=i + 1,
            column=c_col,
            fix="check that the n and c columns are not swapped",
        )
    df = pd.DataFrame({"model": models, "problem": problems.astype(str).to_numpy(), "n": n, "c": c})
    dup = df.duplicated(["model", "problem"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise input_error(
            f"problem '{df['problem'].iloc[i]}' of model '{df['model'].iloc[i]}' is listed twice",
            source=name,
            row=i + 1,
            column=mapping.get("problem", "problem"),
            fix="give one row per (model, problem), or per-sample records",
        )
    return df


def load_samples(
    source: str | Path | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    model: str | None = None,
    source_name: str | None = None,
) -> pd.DataFrame:
    """Per-sample records ``model, problem, correct`` plus whichever of ``score, answer,
    tokens_in, tokens_out`` the file has. ``correct`` accepts booleans, 0/1 and true/false."""
    raw, name, mapping = _read(source, columns, source_name)
    n_rows = len(raw)
    out = pd.DataFrame(
        {
            "model": _labels(_pick(raw, mapping, "model", name, False), model or "model", n_rows),
            "problem": _labels(_need(raw, mapping, "problem", name), "", n_rows),
        }
    )
    corr = _need(raw, mapping, "correct", name)
    text = corr.astype(str).str.strip().str.lower()
    truth = {"true": True, "1": True, "1.0": True, "false": False, "0": False, "0.0": False}
    mapped = text.map(truth)
    reject_rows(
        mapped.isna(),
        "correct must be true/false or 1/0",
        source=name,
        column=mapping.get("correct", "correct"),
        values=corr.astype(str),
    )
    out["correct"] = mapped.astype(bool).to_numpy()
    for opt in ("score", "tokens_in", "tokens_out"):
        s = _pick(raw, mapping, opt, name, False)
        if s is None:
            continue
        col = mapping.get(opt, opt)
        vals = pd.to_numeric(s, errors="coerce")
        reject_rows(vals.isna(), "expected a number", source=name, column=col, values=s.astype(str))
        if opt != "score":
            reject_rows(vals < 0, "token counts must be >= 0", source=name, column=col, values=vals)
        out[opt] = vals.to_numpy(dtype=float)
    ans = _pick(raw, mapping, "answer", name, False)
    if ans is not None:
        out["answer"] = ans.where(ans.notna(), None).to_numpy(dtype=object)
    return out


def pythia_params() -> dict[str, float]:
    """Total parameters of Pythia 70M-12B by lower-case model name, from ``pythia-zeroshot``
    (EleutherAI's Pythia v1 evaluations, column ``params_total``)."""
    raw = read_source("pythia-zeroshot")[0]
    per = raw.groupby(raw["model"].astype(str).str.lower())["params_total"].first()
    return {str(m): float(v) for m, v in per.items()}


def load_grid(
    source: str | Path | pd.DataFrame, *, columns: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Counts over a grid of model sizes and training checkpoints, validated once.

    Columns are read by those names (``model, params, tokens, problem, n, c``; ``columns`` maps
    others). Returns one row per (model, checkpoint, problem): ``model, params, tokens, cell,
    problem, n, c``, where ``cell`` is ``model@tokens`` (e.g. ``pythia-1b@2e+10``). For the registry's
    Pythia grids, ``params`` are the exact totals of ``pythia-zeroshot`` for 70M-12B; Pythia-14M
    keeps the file's nominal 14e6 (it is not in that table; the GPT-NeoX layout with d = 128 and
    6 layers would give 14.07M, 0.5% more). ``tokens`` are the file's nominal checkpoint tokens.

    Raises
    ------
    InputError
        Missing columns, parameters or tokens not > 0, bad counts (as :func:`load_counts`), or
        a (model, tokens, problem) listed twice; naming file, row and column.
    """
    if isinstance(source, pd.DataFrame):
        raw, name = source.reset_index(drop=True), "table"
    else:
        name = str(source)
        if names_entry(name) and name not in GRID_ENTRIES:
            raise input_error(
                "this registry entry is not a grid of sizes x checkpoints",
                source=name,
                fix=f"use one of: {', '.join(GRID_ENTRIES)}",
            )
        raw = read_source(name)[0].reset_index(drop=True)
    mapping = dict(GRID_COLUMNS) if name in GRID_ENTRIES else {}
    mapping.update({k: v for k, v in (columns or {}).items() if v})
    col = {k: mapping.get(k, k) for k in ("model", "params", "tokens", "problem", "n", "c")}
    models = _need(raw, mapping, "model", name).astype(str).to_numpy(dtype=object)
    params, tokens = (
        finite_numbers(
            _need(raw, mapping, key, name),
            f"{what} must be a number > 0",
            column=col[key],
            source=name,
            positive=True,
        )
        for key, what in (("params", "parameters"), ("tokens", "tokens"))
    )
    cells = np.array([f"{m}@{t:.3g}" for m, t in zip(models, tokens, strict=True)], dtype=object)
    counts = load_counts(
        raw.assign(_cell=cells),
        columns={"model": "_cell", **{k: col[k] for k in ("problem", "n", "c")}},
        source_name=name,
    )
    if name in GRID_ENTRIES:
        exact = pythia_params()
        params = np.array(
            [exact.get(str(m).lower(), p) for m, p in zip(models, params, strict=True)]
        )
    return pd.DataFrame(
        {
            "model": models,
            "params": params,
            "tokens": tokens,
            "cell": counts["model"].to_numpy(),
            "problem": counts["problem"].to_numpy(),
            "n": counts["n"].to_numpy(),
            "c": counts["c"].to_numpy(),
        }
    )


def load_curve(
    source: str | Path, *, x_col: str = "x", y_col: str = "y"
) -> tuple[np.ndarray, np.ndarray]:
    """An accuracy-vs-samples curve (e.g. points digitised from a figure): ``(k, accuracy)``.

    Column names are stripped of spaces (the digitised Brown et al. files say ``x, y``).
    """
    name = str(source)
    raw = read_source(source)[0]
    raw.columns = [str(col).strip() for col in raw.columns]
    vals = {}
    for col, what in ((x_col, "samples k"), (y_col, "accuracy")):
        require_column(raw.columns, col, what=what, source=name)
        v = to_numbers(raw[col], column=col, source=name)
        bad = ~np.isfinite(v) | (v <= 0 if col == x_col else (v < 0) | (v > 1))
        rule = "samples must be > 0" if col == x_col else "accuracy must lie in [0, 1]"
        reject_rows(bad, rule, source=name, column=col, values=raw[col].astype(str))
        vals[col] = v
    return vals[x_col], vals[y_col]


def schaeffer_k_grid() -> np.ndarray:
    """The 101 k (1 to 10,000) of Schaeffer et al. 2025's processed file (``monkeys-pythia-math``),
    the grid their least-squares exponents were fitted on."""
    from scalewall.data.registry import fetch

    raw = pd.read_parquet(fetch("monkeys-pythia-math"), columns=["Scaling Parameter"])
    return np.unique(raw["Scaling Parameter"].to_numpy(dtype=np.int64))


def counts_from_samples(samples: pd.DataFrame) -> pd.DataFrame:
    """Per-sample records -> counts ``model, problem, n, c``."""
    g = samples.groupby(["model", "problem"], sort=False)["correct"]
    out = g.agg(n="size", c="sum").reset_index()
    return out.astype({"n": np.int64, "c": np.int64})


def model_counts(counts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Counts split by model, each sorted by problem id, in order of first appearance."""
    return {
        str(m): g.sort_values("problem").reset_index(drop=True)
        for m, g in counts.groupby("model", sort=False)
    }


def aligned(a: pd.DataFrame, b: pd.DataFrame, names: tuple[str, str], source: str) -> None:
    """Refuse a paired comparison of two models that were not run on the same problems."""
    pa, pb = set(a["problem"]), set(b["problem"])
    if pa != pb:
        only_a, only_b = sorted(pa - pb), sorted(pb - pa)
        first = (
            f"'{only_a[0]}' is only in '{names[0]}'"
            if only_a
            else f"'{only_b[0]}' is only in '{names[1]}'"
        )
        raise input_error(
            f"models '{names[0]}' and '{names[1]}' do not share their problems "
            f"({len(only_a) + len(only_b)} unmatched; {first})",
            source=source,
            column="problem",
            fix="a paired comparison needs both models on the same problems; drop the others",
        )


__all__ = [
    "FLAGS",
    "GRID_COLUMNS",
    "GRID_ENTRIES",
    "REGISTRY_COLUMNS",
    "aligned",
    "counts_from_samples",
    "load_counts",
    "load_curve",
    "load_grid",
    "load_samples",
    "model_counts",
    "pythia_params",
    "schaeffer_k_grid",
]
