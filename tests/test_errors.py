"""Every bad-input message comes from the one formatter, :func:`scalewall.errors.input_error`."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scalewall
from scalewall.errors import InputError, input_error
from scalewall.validate import finite_numbers, reject_rows

SRC = Path(scalewall.__file__).parent


def _hand_built(path: Path) -> list[int]:
    """Lines of ``path`` that call ``InputError(...)`` (or ``errors.InputError(...)``) directly."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            f = node.func
            name = (
                f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            )
            if name == "InputError":
                lines.append(node.lineno)
    return lines


def test_no_input_error_is_built_by_hand() -> None:
    """Messages built outside ``errors.py`` drift apart in shape; only the formatter may build one."""
    files = sorted(p for p in SRC.rglob("*.py") if p.name != "errors.py" or p.parent != SRC)
    assert len(files) > 100  # the scan sees the whole package, not an empty folder
    found = [f"{p.relative_to(SRC)}:{n}" for p in files for n in _hand_built(p)]
    assert found == [], "use scalewall.errors.input_error: " + ", ".join(found)


def test_the_scan_finds_a_hand_built_error(tmp_path: Path) -> None:
    """The scan is not vacuous: a direct call, bare or through the module, is found."""
    p = tmp_path / "bad.py"
    p.write_text("raise InputError('x')\nraise errors.InputError('y')\n", encoding="utf-8")
    assert _hand_built(p) == [1, 2]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({}, "must be > 0"),
        (
            dict(source="runs.csv", row=3, column="D", got=-3, fix="drop the row"),
            "runs.csv row 3, column 'D': must be > 0; got -3. drop the row",
        ),
        (dict(source="--model", got="gpt"), "--model: must be > 0; got 'gpt'"),
    ],
)
def test_input_error_reads_where_rule_value_fix(kw: dict[str, object], message: str) -> None:
    err = input_error("must be > 0", **kw)  # type: ignore[arg-type]
    assert isinstance(err, InputError) and str(err) == message


def test_reject_rows_names_the_first_bad_row_and_its_value() -> None:
    """The table loaders' shared row check: 1-based row, a whole float shown as an integer."""
    vals = np.array([1.0, 2.0, -3.0, -4.0])
    reject_rows(vals < -10, "must be > 0", source="runs.csv", column="D", values=vals)  # passes
    with pytest.raises(InputError, match=r"^runs.csv row 3, column 'D': must be > 0; got -3$"):
        reject_rows(vals < 0, "must be > 0", source="runs.csv", column="D", values=vals)


@pytest.mark.parametrize(
    ("cells", "row", "got"), [(["1", "x", "2"], 2, "'x'"), (["1", "2", "0"], 3, "'0'")]
)
def test_finite_numbers_reports_text_and_out_of_range_as_written(
    cells: list[str], row: int, got: str
) -> None:
    s = pd.Series(cells, dtype=object)
    with pytest.raises(
        InputError, match=rf"^t.csv row {row}, column 'N': N must be > 0; got {got}$"
    ):
        finite_numbers(s, "N must be > 0", column="N", source="t.csv", positive=True)
    assert finite_numbers(pd.Series(["1", "2.5"]), "", column="N", source="t.csv").tolist() == [
        1.0,
        2.5,
    ]
