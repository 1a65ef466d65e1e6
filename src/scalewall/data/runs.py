"""Load tables of training runs into the tidy runs table, validating at the boundary.

The runs table has one row per training run (or checkpoint) and the columns ``N`` (parameters),
``D`` (training tokens), ``C`` (training FLOPs), ``loss`` and optionally ``unique_tokens``,
``group``, ``step`` and ``hparam`` (a swept hyperparameter such as the learning rate). Past
:func:`validate_runs` nothing re-checks units or dtypes.

Rows that share a configuration but differ in loss (a learning-rate sweep, seed replicates) are a
choice the analyst makes, not an error: :func:`select_runs` keeps the best, all, or the mean.
"""

from __future__ import annotations

import enum
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from scalewall.data import registry
from scalewall.data.registry import DataEntry
from scalewall.errors import InputError, ScalewallWarning, input_error
from scalewall.validate import reject_rows, require_column, to_numbers

NUMERIC = ("N", "D", "C", "loss", "unique_tokens", "step")
OPTIONAL = ("unique_tokens", "group", "step", "hparam")
#: Columns that define one configuration for :func:`select_runs` (loss and hparam excluded).
CONFIG = ("N", "D", "C", "unique_tokens", "group", "step")
#: Text columns that key a configuration or a setting: every row needs a value.
LABELS = ("group", "hparam")


class FlopConvention(str, enum.Enum):
    """How training FLOPs relate to parameters N and tokens D when one of C, D is missing."""

    six_nd = "6ND"  # forward + backward, Kaplan et al. 2020 eq. 2.1; Hoffmann et al. 2022
    eight_nd = "8ND"  # with full activation recomputation, Chowdhery et al. 2022 (PaLM) App. B

    @property
    def factor(self) -> float:
        return 6.0 if self is FlopConvention.six_nd else 8.0


def read_source(source: str | Path) -> tuple[pd.DataFrame, DataEntry | None]:
    """A table from a registry name (fetched; exact repeats the entry documents are dropped) or
    from a file, with the registry entry when there is one (its column mapping, its citation)."""
    if not registry.names_entry(source):
        return read_table(source), None
    e = registry.entry(str(source))
    raw = read_table(registry.fetch(e.name))
    if e.known_duplicate_rows:  # published with exact repeats: drop them, as documented
        raw = raw.drop_duplicates().reset_index(drop=True)
    return raw, e


def read_table(path: str | Path) -> pd.DataFrame:
    """Read CSV, TSV, Parquet or JSON Lines by extension, with one-line errors for bad files."""
    p = Path(path)
    src = str(path)
    if not p.exists():
        hint = registry.closest(src) or "check the path, or name a registry entry"
        raise input_error("file not found", source=src, fix=hint)
    if p.is_dir():
        raise input_error("is a folder, not a table file", source=src)
    if p.stat().st_size == 0:
        raise input_error("the file is empty", source=src, fix="give a table with a header row")
    suffix = "".join(p.suffixes[-2:]).lower() if p.suffix == ".gz" else p.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            df = pd.read_parquet(p)
        elif suffix in (".jsonl", ".ndjson", ".jsonl.gz"):
            df = pd.read_json(p, lines=True)
        elif suffix in (".tsv", ".tab"):
            df = pd.read_csv(p, sep="\t")
        else:
            df = pd.read_csv(p)
    except InputError:
        raise
    except Exception as exc:  # parsers raise many types; the user needs one line
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise input_error(
            f"could not be read as a {suffix.lstrip('.') or 'csv'} table ({msg})", source=src
        ) from exc
    if df.shape[1] == 0 or len(df) == 0:
        raise input_error("the table has no data rows", source=src, fix="add at least 2 runs")
    return df


def load_runs(
    source: str | Path | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    flops: FlopConvention | str = FlopConvention.six_nd,
    require: Iterable[str] = ("N", "D", "loss"),
    source_name: str | None = None,
) -> pd.DataFrame:
    """Load a runs table from a registry name, a file or a DataFrame.

    Parameters
    ----------
    source : str, Path or DataFrame
        A registry name (see ``scalewall data list``), a CSV/Parquet/JSONL file, or a frame.
    columns : mapping, optional
        Runs-table column -> the file's column, e.g. ``{"N": "params", "loss": "val_loss"}``.
        Registry entries bring their own mapping; given keys override it.
    flops : FlopConvention, default "6ND"
        Fills ``C`` from ``N`` and ``D`` (or ``D`` from ``C`` and ``N``) when one is missing.
    require : iterable of str
        Runs-table columns the caller needs after filling.
    """

    conv = FlopConvention(flops)
    mapping: dict[str, str] = {}
    if isinstance(source, pd.DataFrame):
        raw = source
        name = source_name or "table"
    else:
        raw, e = read_source(source)
        if e is not None:
            mapping.update(e.columns)
        name = source_name or str(source)
    mapping.update({k: v for k, v in (columns or {}).items() if v})
    if not isinstance(source, pd.DataFrame) or not set(raw.columns) <= {*CONFIG, *OPTIONAL, "loss"}:
        # a file's own rows; a tidy frame's repeats are select_runs's business (two runs that
        # differ only in a column the runs table drops look identical once mapped)
        _check_duplicates(raw, name)
    df = _map_columns(raw, mapping, name)
    df = _fill_flops(df, conv)
    out = validate_runs(df, source=name, require=tuple(require))
    # the file's own column names, so messages can name them ("column 'dataset'")
    out.attrs["columns"] = {**raw.attrs.get("columns", {}), **mapping}
    return out


def _map_columns(raw: pd.DataFrame, mapping: Mapping[str, str], source: str) -> pd.DataFrame:
    out = pd.DataFrame(index=raw.index)
    for target in ("N", "D", "C", "loss", *OPTIONAL):
        col = mapping.get(target, target)
        if col in raw.columns:
            out[target] = raw[col]
        elif target in mapping:
            flag = {
                "N": "--n-col",
                "D": "--d-col",
                "C": "--c-col",
                "loss": "--loss-col",
                "hparam": "--hparam-col",
                "unique_tokens": "--u-col",
                "step": "--step-col",
            }.get(target, "--group-col")
            require_column(raw.columns, col, what=f"for {target}", flag=flag, source=source)
    return out.reset_index(drop=True)


def _fill_flops(df: pd.DataFrame, conv: FlopConvention) -> pd.DataFrame:
    has = set(df.columns)
    k = conv.factor
    if "C" not in has and {"N", "D"} <= has:
        df["C"] = k * _num(df["N"]) * _num(df["D"])
    elif "D" not in has and {"N", "C"} <= has:
        df["D"] = _num(df["C"]) / (k * _num(df["N"]))
    return df


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def validate_runs(
    df: pd.DataFrame, *, source: str = "table", require: tuple[str, ...] = ("N", "D", "loss")
) -> pd.DataFrame:
    """Check a runs table once and return a clean copy with float columns.

    Errors name the source, the 1-based data row and the column. Warnings flag units that look
    wrong (sizes in millions, loss as perplexity) but are still usable.
    """
    for col in require:
        if col not in df.columns:
            hint = {
                "N": "map it with --n-col",
                "D": "map it with --d-col, or give C (--c-col) and N",
                "loss": "map it with --loss-col",
                "C": "map it with --c-col, or give N and D",
                "unique_tokens": "give a column of unique tokens (datablations' 'unique_tokens')",
            }.get(col, "")
            raise input_error(f"required column '{col}' is missing", source=source, fix=hint)
    if len(df) == 0:
        raise input_error("the table has no data rows", source=source)
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        if col in NUMERIC:
            out[col] = _check_numeric(df[col], col, source)
        else:
            out[col] = df[col].astype(str)
            if col in LABELS:  # pandas' groupby would drop a row with no label, silently
                reject_rows(
                    out[col].isna().to_numpy(),
                    "value is missing",
                    source=source,
                    column=col,
                    fix="fill it, or drop the column",
                )
    if "N" in require and out["N"].nunique() < 2:
        raise input_error(
            "only one model size: a law in N needs at least 2 distinct sizes",
            source=source,
            column="N",
            got=float(out["N"].iloc[0]),
            fix="add runs at other sizes, or fit a law in D only (--law power-d)",
        )
    if "loss" in require and out["loss"].nunique() < 2:
        raise input_error(
            "the loss is the same in every row: there is no trend to fit",
            source=source,
            column="loss",
            got=float(out["loss"].iloc[0]),
            fix="check that --loss-col names the loss column",
        )
    _warn_units(out, source)
    return out.reset_index(drop=True)


def _check_numeric(s: pd.Series, col: str, source: str) -> pd.Series:
    arr = to_numbers(s, column=col, source=source)
    reject_rows(
        np.isnan(arr), "value is missing (NaN)", source=source, column=col, fix="fill or drop it"
    )
    reject_rows(np.isinf(arr), "value is infinite", source=source, column=col, values=arr)
    rule = {
        "N": "parameters must be > 0",
        "D": "tokens must be > 0",
        "C": "FLOPs must be > 0",
        "loss": "loss must be > 0",
        "unique_tokens": "unique tokens must be > 0",
    }.get(col)
    if rule is not None:
        reject_rows(arr <= 0, rule, source=source, column=col, values=arr)
    if col == "step":
        reject_rows(arr < 0, "step must be >= 0", source=source, column=col, values=arr)
    return pd.Series(arr, index=s.index, name=col)


def _check_duplicates(df: pd.DataFrame, source: str) -> None:
    """Reject rows repeated in every column of the file (a copy-paste slip, not a replicate)."""
    dup = df.duplicated(keep="first").to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        row = df.iloc[i]
        same = (df == row) | (df.isna() & row.isna())  # NaN equals NaN here, as in duplicated()
        first = int(np.flatnonzero(same.all(axis=1).to_numpy())[0])
        raise input_error(
            f"duplicates row {first + 1} exactly",
            source=source,
            row=i + 1,
            column=str(df.columns[0]),
            fix="drop the repeated row (seed replicates need a distinct loss or a group column)",
        )


def _warn_units(df: pd.DataFrame, source: str) -> None:
    if "N" in df and df["N"].max() < 1e4:
        warnings.warn(
            f"{source}: column 'N' peaks at {df['N'].max():g}; parameters look like they are in "
            "millions or billions. Give raw parameter counts, or laws will report wrong units",
            ScalewallWarning,
            stacklevel=3,
        )
    if "loss" in df and df["loss"].max() > 20:
        warnings.warn(
            f"{source}: column 'loss' reaches {df['loss'].max():g}; that looks like perplexity, "
            "not cross-entropy in nats. Take its log before fitting",
            ScalewallWarning,
            stacklevel=3,
        )
    if {"N", "D", "C"} <= set(df.columns):
        ratio = df["C"] / (df["N"] * df["D"])
        if ((ratio < 1) | (ratio > 20)).any():
            i = int(np.flatnonzero(((ratio < 1) | (ratio > 20)).to_numpy())[0])
            warnings.warn(
                f"{source} row {i + 1}: C / (N*D) = {ratio.iloc[i]:.3g}, far from the usual 6; "
                "check the units of N, D and C",
                ScalewallWarning,
                stacklevel=3,
            )


class Selection(str, enum.Enum):
    """What to keep of rows that share a configuration (same N, D, ...) but differ in loss."""

    best = "best"  # the lowest loss: Li et al. 2025, arXiv 2502.18969, Sec. 5 (best learning rate)
    all = "all"  # every row, each a point of the fit
    mean = "mean"  # one row per configuration with the mean loss (seed replicates)
    median = "median"  # the median loss: seed replicates, robust to one diverged seed of three


def select_runs(
    df: pd.DataFrame, how: Selection | str = Selection.best, also_key: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, dict[str, object]]:
    """Resolve rows that repeat a configuration, and say what was dropped.

    A configuration is the values of the :data:`CONFIG` columns present (``N``, ``D`` and, when
    there, ``C``, ``unique_tokens``, ``group``, ``step``). Two runs of one configuration that
    differ only in a learning rate are two choices of hyperparameter, not two points of the law:
    ``best`` keeps the lowest loss per configuration, as Li et al. 2025 ('(Mis)Fitting: A Survey
    of Scaling Laws', arXiv 2502.18969) do by default; with an ``hparam`` column, replicates of one
    setting are averaged first and the setting with the lowest mean wins. ``mean`` averages the
    loss per configuration, ``median`` takes its median (seed replicates, where one unlucky seed
    should not move the point); ``all`` keeps every row. ``also_key`` names further columns that
    tell configurations apart (an isoFLOP table's nominal ``budget``).

    Returns
    -------
    (DataFrame, dict)
        The selected table and a record: ``method``, ``key`` (the configuration columns),
        ``hparam`` (whether a hyperparameter column was named), ``rows_in``, ``rows_out``,
        ``rows_dropped``, ``configs_repeated`` and, for ``best`` with an ``hparam`` column,
        ``chosen_hparam`` (value -> number of configurations where it won).
    """
    sel = Selection(how)
    key = [c for c in (*CONFIG, *also_key) if c in df.columns]
    has_h = "hparam" in df.columns
    dup = df.duplicated(key, keep=False)
    repeated = int(df[dup].groupby(key, sort=False).ngroups) if dup.any() else 0
    out = df
    chosen: dict[str, int] = {}
    if sel in (Selection.mean, Selection.median):
        agg = {c: "first" for c in df.columns if c not in (*key, "loss")}
        out = df.groupby(key, sort=False, as_index=False).agg({"loss": sel.value, **agg})
        out = out[list(df.columns)]
    elif sel is Selection.best:
        work = df
        if has_h:  # average replicates of one setting, then pick the setting
            work = df.groupby([*key, "hparam"], sort=False, as_index=False).agg(
                {
                    "loss": "mean",
                    **{c: "first" for c in df.columns if c not in (*key, "hparam", "loss")},
                }
            )[list(df.columns)]
        best = work.groupby(key, sort=False)["loss"].idxmin().to_numpy()
        out = work.loc[np.sort(best)]  # keep the table's row order
        if has_h:
            chosen = {str(k): int(v) for k, v in out["hparam"].value_counts().sort_index().items()}
    out = out.reset_index(drop=True)
    out.attrs = dict(df.attrs)
    record: dict[str, object] = {
        "method": sel.value,
        "key": key,
        "hparam": has_h,
        "rows_in": len(df),
        "rows_out": len(out),
        "rows_dropped": len(df) - len(out),
        "configs_repeated": repeated,
    }
    if chosen:
        record["chosen_hparam"] = chosen
    return out, record


def mixed_groups(df: pd.DataFrame) -> list[str]:
    """Labels of the groups when the ``group`` column names datasets or experiments, else [].

    A group column can name runs (every checkpoint of one run; one model size per group) or whole
    experiments (a training set, a lab's sweep; several sizes per group). Only the second holds a
    scaling law of its own, so only then is fitting one law to all rows a pooling decision.
    """
    if "group" not in df.columns or "N" not in df.columns:
        return []
    sizes = df.groupby("group", sort=False)["N"].nunique()
    if len(sizes) < 2 or int(sizes.max()) < 2:
        return []
    return [str(g) for g in sizes.index]
