"""Atomic writes for results: a reader (or a resumed run) never sees a half-written file."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scalewall.errors import input_error


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if isinstance(data, bytes):
        tmp.write_bytes(data)
    else:
        tmp.write_text(data, encoding="utf-8")
    os.replace(tmp, path)


def write_json(path: Path, payload: Any) -> None:
    """Write strict JSON (no NaN or infinity) atomically."""
    write_atomic(path, json.dumps(payload, indent=2, allow_nan=False) + "\n")


def write_csv(path: Path, df: pd.DataFrame) -> None:
    """A table as CSV, atomically, with ten significant digits."""
    write_atomic(path, df.to_csv(index=False, float_format="%.10g"))


def read_json(path: Path) -> Any:
    """A stored JSON result; a missing or broken file is an ``InputError`` naming it."""
    if not path.is_file():
        raise input_error(
            "stored result not found", source=str(path), fix="is this a 'scalewall demo' folder?"
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise input_error(f"not valid JSON ({e.msg})", source=str(path), row=e.lineno) from None


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts for :func:`write_json`: numpy scalars as Python ones, NaN,
    infinities and missing values as None (strict JSON has none of them)."""
    out = []
    for r in df.astype(object).to_dict(orient="records"):
        row: dict[str, Any] = {}
        for k, v in r.items():
            if isinstance(v, np.generic):
                v = v.item()
            missing = v is None or v is pd.NA or v is pd.NaT
            row[str(k)] = None if missing or (isinstance(v, float) and not math.isfinite(v)) else v
        out.append(row)
    return out
