"""The one place where options, paths, text files and table columns are checked.

Every command and loader calls these checks, so a bad value reads the same wherever it comes in:
one line built by :func:`scalewall.errors.input_error` (where, the rule, the value, the fix),
which the CLI prints and exits 2 on. Like scikit-learn's ``check_array`` (STYLE.md 1.3), the
code past a check trusts its value and never re-checks it.
"""

from __future__ import annotations

import difflib
import math
import os
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scalewall.errors import input_error


def check_level(level: float, option: str = "--level") -> float:
    """An interval level strictly between 0 and 1 (0.95, not 95)."""
    if not (math.isfinite(level) and 0 < level < 1):
        fix = "write 95% as 0.95" if 1 < level <= 100 else "use e.g. 0.9 or 0.95"
        raise input_error("must be in (0, 1)", source=option, got=level, fix=fix)
    return float(level)


def check_count(n: int, option: str, minimum: int = 0) -> int:
    """A count of replicates, draws or rows: a whole number >= ``minimum`` (0 usually means off)."""
    if n < minimum:
        raise input_error(f"must be >= {minimum}", source=option, got=n)
    return int(n)


def check_seed(seed: int, option: str = "--seed") -> int:
    """A seed for :class:`numpy.random.SeedSequence`, which takes only non-negative integers."""
    if seed < 0:
        raise input_error("a seed must be >= 0", source=option, got=seed, fix="use e.g. 0")
    return int(seed)


def check_finite(x: float, option: str, *, positive: bool = False) -> float:
    """A finite number (no nan, no inf), and > 0 when ``positive``."""
    if not math.isfinite(x):
        raise input_error("must be a finite number", source=option, got=x)
    if positive and x <= 0:
        raise input_error("must be > 0", source=option, got=x)
    return float(x)


def check_positive(**values: float | Sequence[float] | None) -> None:
    """Finite numbers > 0, named as the Python parameters of their options (``target_loss`` is
    ``--target-loss``); a list (a repeatable option) is checked item by item, ``None`` skipped."""
    for name, value in values.items():
        items = value if isinstance(value, Sequence) else () if value is None else (value,)
        for x in items:
            check_finite(x, "--" + name.replace("_", "-"), positive=True)


def check_choice(value: str, choices: Iterable[str], option: str) -> str:
    """One of ``choices``; a typo gets a "did you mean" from :func:`difflib.get_close_matches`."""
    known = list(choices)
    if value in known:
        return value
    hint = did_you_mean(value, known)
    fix = f"use one of {', '.join(known)}"
    raise input_error(
        "unknown value", source=option, got=value, fix=f"{hint} {fix}" if hint else fix
    )


def check_options(
    *,
    level: float | None = None,
    seed: int | None = None,
    json_out: Path | None = None,
    out_dir: Path | None = None,
    **counts: int | None,
) -> None:
    """Check a command's shared options in one call, before any work starts.

    ``counts`` are named as the Python parameters Typer maps to options (``exclude_top_loss``
    is ``--exclude-top-loss``), each a whole number >= 0; ``None`` means not given.
    """
    if level is not None:
        check_level(level)
    if seed is not None:
        check_seed(seed)
    for name, n in counts.items():
        if n is not None:
            check_count(n, "--" + name.replace("_", "-"))
    check_output_file(json_out)
    check_out_dir(out_dir)


def check_keys(keys: Iterable[str], allowed: Iterable[str], source: str) -> None:
    """Every key of a TOML table must be one of ``allowed``; a typo gets a "did you mean"."""
    known = list(allowed)
    for key in keys:
        if key not in known:
            hint = did_you_mean(key, known)
            fix = f"allowed keys: {', '.join(known)}"
            raise input_error(
                f"unknown key '{key}'", source=source, fix=f"{hint} {fix}" if hint else fix
            )


def did_you_mean(value: str, known: Sequence[str]) -> str | None:
    """The closest name in ``known`` phrased as a suggestion, or ``None`` when nothing is close."""
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def check_output_file(path: Path | None, option: str = "--json") -> Path | None:
    """A file a result can be written to (``--json``, ``--write-preset``): not a folder, in a
    folder that exists or can be made. Checked before any work starts, so a long fit never ends
    in a failed write.
    """
    if path is None:
        return None
    if path.is_dir():
        raise input_error("is a folder; give a file name", source=option, got=str(path))
    _check_writable_parent(path.parent, option, str(path))
    return path


def check_out_dir(path: Path | None, option: str = "--out") -> Path | None:
    """A results folder: absent (it is created) or a folder that can be written, never a file."""
    if path is None:
        return None
    if path.exists() and not path.is_dir():
        raise input_error(
            "is a file, not a folder", source=option, got=str(path), fix="give a folder name"
        )
    _check_writable_parent(path if path.exists() else path.parent, option, str(path))
    return path


def _check_writable_parent(folder: Path, option: str, shown: str) -> None:
    """The nearest existing ancestor of ``folder`` must be a folder we may write into."""
    probe = folder.absolute()
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise input_error(
            f"cannot write there ({probe} is not a writable folder)", source=option, got=shown
        )


def read_text(path: Path, source: str | None = None) -> str:
    """A text file's contents, which must be UTF-8 (TOML and the corpora are UTF-8 by spec)."""
    where = source or str(path)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise input_error(
            f"not UTF-8 text (byte {e.start})", source=where, fix="save the file as UTF-8"
        ) from None
    except IsADirectoryError:
        raise input_error("is a folder, not a file", source=where) from None
    except FileNotFoundError:
        raise input_error("file not found", source=where, fix="check the path") from None


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """A TOML document (sweep files, forecast scenarios), with the parser's complaint in one line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise input_error(f"not valid TOML ({e})", source=source) from None


def require_column(
    columns: Iterable[object], col: str, *, what: str, source: str, flag: str | None = None
) -> str:
    """``col`` must be a column of the table; the error lists the columns and the flag to use.

    The three table loaders (runs, repeated samples, downstream scores) all check through here.
    """
    names = [str(c) for c in columns]
    if col in names:
        return col
    hint = did_you_mean(col, names)
    fix = f"columns are: {', '.join(names[:15])}"
    if flag:
        fix += f"; pass the right name with {flag}"
    raise input_error(
        f"column '{col}' ({what}) not found",
        source=source,
        fix=f"{hint} {fix}" if hint else fix,
    )


def require_columns(
    columns: Iterable[object], needed: Iterable[str], *, source: str, fix: str | None = None
) -> None:
    """Every column of ``needed`` must be present, for files of a fixed layout (no flag remaps
    them); the first one missing is the error."""
    names = {str(c) for c in columns}
    for col in needed:
        if col not in names:
            raise input_error("required column missing", source=source, column=col, fix=fix)


def reject_rows(
    bad: pd.Series | np.ndarray,
    rule: str,
    *,
    source: str,
    column: str | None,
    values: pd.Series | np.ndarray | None = None,
    fix: str | None = None,
) -> None:
    """Raise at the first row where ``bad`` holds, showing that row's entry of ``values``.

    Table loaders test a whole column at once and report only the first offender, so every
    loader's row errors read alike (rows are 1-based positions, as a spreadsheet counts them).
    A whole float is shown as an integer (``got -3``, not ``-3.0``); text is shown quoted.
    """
    mask = np.asarray(bad, dtype=bool)
    if not mask.any():
        return
    i = int(np.flatnonzero(mask)[0])
    got: object = None
    if values is not None:
        got = values.iloc[i] if isinstance(values, pd.Series) else values[i]
        got = got.item() if isinstance(got, np.generic) else got
        if isinstance(got, float) and got.is_integer() and abs(got) < 1e15:
            got = int(got)
    raise input_error(rule, source=source, row=i + 1, column=column, got=got, fix=fix)


def to_numbers(
    s: pd.Series,
    *,
    column: str,
    source: str,
    fix: str | None = "remove the text or map another column",
) -> np.ndarray:
    """A column as floats; text that is not a number is an error at its row (NaN stays NaN)."""
    vals = pd.to_numeric(s, errors="coerce")
    text = vals.isna() & s.notna()
    reject_rows(
        text, "expected a number", source=source, column=column, values=s.astype(str), fix=fix
    )
    return np.asarray(vals.to_numpy(dtype=float))


def finite_numbers(
    s: pd.Series,
    rule: str,
    *,
    column: str,
    source: str,
    positive: bool = False,
    fix: str | None = None,
) -> np.ndarray:
    """A column as finite floats (> 0 when ``positive``): text, an empty cell, inf or a value
    out of range is ``rule`` broken at its row, shown as the file wrote it."""
    vals = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(vals) | ((vals <= 0) if positive else False)
    reject_rows(bad, rule, source=source, column=column, values=s.astype(str), fix=fix)
    return np.asarray(vals)


__all__ = [
    "check_choice",
    "check_count",
    "check_finite",
    "check_keys",
    "check_level",
    "check_options",
    "check_out_dir",
    "check_output_file",
    "check_positive",
    "check_seed",
    "did_you_mean",
    "finite_numbers",
    "parse_toml",
    "read_text",
    "reject_rows",
    "require_column",
    "require_columns",
    "to_numbers",
]
