"""``storage.records``: the one DataFrame -> strict-JSON rows conversion every analysis uses."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from scalewall.storage import records


def test_records_are_strict_json() -> None:
    df = pd.DataFrame(
        {
            "n": np.array([3, 4], dtype=np.int64),
            "x": [np.inf, np.nan],
            "ok": [True, False],
            "name": ["a", None],
        }
    )
    rows = records(df)
    assert rows == [
        {"n": 3, "x": None, "ok": True, "name": "a"},
        {"n": 4, "x": None, "ok": False, "name": None},
    ]
    json.dumps(rows, allow_nan=False)  # raises on any NaN or infinity left
    assert all(type(r["n"]) is int for r in rows)
