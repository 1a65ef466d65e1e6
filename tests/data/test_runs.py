"""The runs-table loader: formats, column mapping, FLOP filling, validation and unit warnings."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scalewall.data.runs import (
    FlopConvention,
    load_runs,
    mixed_groups,
    read_table,
    select_runs,
    validate_runs,
)
from scalewall.errors import InputError, ScalewallWarning

GOOD = "N,D,loss\n1e8,2e9,3.1\n3e8,2e9,2.9\n1e9,2e10,2.5\n"


def write(tmp_path: Path, text: str, name: str = "runs.csv") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def load_error(path: Path, **kw: object) -> str:
    with pytest.raises(InputError) as info:
        load_runs(path, **kw)  # type: ignore[arg-type]
    return str(info.value)


# --- formats -----------------------------------------------------------------------------------


def test_csv_parquet_jsonl_give_the_same_table(
    tmp_path: Path, synthetic_runs: pd.DataFrame
) -> None:
    raw = synthetic_runs.assign(group=[f"g{i % 3}" for i in range(len(synthetic_runs))])
    raw.to_csv(tmp_path / "runs.csv", index=False)
    raw.to_parquet(tmp_path / "runs.parquet", index=False)
    raw.to_json(tmp_path / "runs.jsonl", orient="records", lines=True, double_precision=15)
    tsv = tmp_path / "runs.tsv"
    raw.to_csv(tsv, sep="\t", index=False)
    base = load_runs(tmp_path / "runs.csv")
    assert set(base.columns) == {"N", "D", "C", "loss", "group"}
    assert len(base) == len(raw)
    for name in ("runs.parquet", "runs.jsonl", "runs.tsv"):
        other = load_runs(tmp_path / name)
        pd.testing.assert_frame_equal(other, base, check_exact=False, rtol=1e-12)


def test_dataframe_source_matches_file(tmp_path: Path, synthetic_runs: pd.DataFrame) -> None:
    synthetic_runs.to_csv(tmp_path / "runs.csv", index=False)
    from_file = load_runs(tmp_path / "runs.csv")
    from_frame = load_runs(synthetic_runs)
    pd.testing.assert_frame_equal(from_frame, from_file, check_exact=False, rtol=1e-12)


def test_read_table_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.csv: file not found"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="is a folder"):
        read_table(tmp_path)


def test_unparseable_file_is_one_line(tmp_path: Path) -> None:
    p = write(tmp_path, 'N,D,loss\n"1e8,2e9,3.1\n')
    msg = load_error(p)
    assert str(p) in msg and "could not be read as a csv table" in msg
    assert "\n" not in msg
    bad = tmp_path / "runs.parquet"
    bad.write_text("this is not parquet")
    msg = load_error(bad)
    assert "runs.parquet" in msg and "parquet" in msg and "\n" not in msg


# --- column mapping and FLOPs ------------------------------------------------------------------


def test_column_mapping(tmp_path: Path, synthetic_runs: pd.DataFrame) -> None:
    renamed = synthetic_runs.rename(columns={"N": "params", "D": "tokens", "loss": "val_loss"})
    renamed["note"] = "x"
    p = tmp_path / "custom.csv"
    renamed.to_csv(p, index=False)
    df = load_runs(p, columns={"N": "params", "D": "tokens", "loss": "val_loss"})
    assert {"N", "D", "C", "loss"} <= set(df.columns)
    assert "note" not in df.columns  # unmapped columns are not part of the runs table
    np.testing.assert_allclose(df["N"], synthetic_runs["N"])
    np.testing.assert_allclose(df["loss"], synthetic_runs["loss"])


def test_mapping_to_a_missing_column_names_the_flag(tmp_path: Path) -> None:
    p = write(tmp_path, GOOD)
    msg = load_error(p, columns={"D": "tokens"})
    assert msg.startswith(f"{p}: column 'tokens' (for D) not found")
    assert "--d-col" in msg and "N, D, loss" in msg


def test_empty_mapping_values_are_ignored(tmp_path: Path) -> None:
    p = write(tmp_path, GOOD)
    df = load_runs(p, columns={"N": "", "D": ""})
    assert len(df) == 3


def test_c_filled_as_6nd(tmp_path: Path) -> None:
    df = load_runs(write(tmp_path, GOOD))
    np.testing.assert_allclose(df["C"], 6 * df["N"] * df["D"], rtol=1e-15)


def test_d_filled_from_c(tmp_path: Path) -> None:
    p = write(tmp_path, "N,C,loss\n1e8,1.2e18,3.1\n3e8,3.6e18,2.9\n1e9,1.2e20,2.5\n")
    df = load_runs(p)
    np.testing.assert_allclose(df["D"], df["C"] / (6 * df["N"]), rtol=1e-15)
    np.testing.assert_allclose(df["D"], [2e9, 2e9, 2e10])


def test_8nd_convention(tmp_path: Path) -> None:
    df = load_runs(write(tmp_path, GOOD), flops="8ND")
    np.testing.assert_allclose(df["C"], 8 * df["N"] * df["D"], rtol=1e-15)
    p = write(tmp_path, "N,C,loss\n1e8,1.6e18,3.1\n3e8,4.8e18,2.9\n", "c.csv")
    df = load_runs(p, flops=FlopConvention.eight_nd)
    np.testing.assert_allclose(df["D"], [2e9, 2e9])
    assert FlopConvention("8ND").factor == 8.0 and FlopConvention("6ND").factor == 6.0


def test_given_c_is_kept(tmp_path: Path) -> None:
    p = write(tmp_path, "N,D,C,loss\n1e8,2e9,1.3e18,3.1\n3e8,2e9,3.7e18,2.9\n")
    df = load_runs(p)
    np.testing.assert_allclose(df["C"], [1.3e18, 3.7e18])


# --- validation: every rule names the file, the 1-based row and the column --------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "N,D,loss\n1e8,2e9,3.1\n3e8,2e9,2.9\n1e9,-3,2.5\n",
            "runs.csv row 3, column 'D': tokens must be > 0; got -3",
        ),
        (
            "N,D,loss\n1e8,2e9,3.1\n0,2e9,2.9\n1e9,2e10,2.5\n",
            "runs.csv row 2, column 'N': parameters must be > 0; got 0",
        ),
        (
            "N,D,loss\n-1e8,2e9,3.1\n3e8,2e9,2.9\n",
            "runs.csv row 1, column 'N': parameters must be > 0; got -100000000",
        ),
        (
            "N,D,loss\n1e8,2e9,3.1\n3e8,0,2.9\n",
            "runs.csv row 2, column 'D': tokens must be > 0; got 0",
        ),
        (
            "N,D,loss\n1e8,2e9,3.1\n3e8,2e9,-0.5\n",
            "runs.csv row 2, column 'loss': loss must be > 0; got -0.5",
        ),
        (
            "N,D,loss\n1e8,2e9,3.1\n3e8,2e9,0\n",
            "runs.csv row 2, column 'loss': loss must be > 0; got 0",
        ),
        (
            "N,D,loss\n1e8,2e9,3.1\n3e8,,2.9\n",
            "runs.csv row 2, column 'D': value is missing (NaN)",
        ),
        (
            "N,D,loss\n1e8,2e9,3.1\n3e8,2e9,NaN\n",
            "runs.csv row 2, column 'loss': value is missing (NaN)",
        ),
        (
            "N,D,loss\n1e8,2e9,3.1\n3e8,2e9,2.9\n1e9,inf,2.5\n",
            "runs.csv row 3, column 'D': value is infinite; got inf",
        ),
        (
            "N,D,loss\n1e8,2e9,3.1\n-inf,2e9,2.9\n",
            "runs.csv row 2, column 'N': value is infinite; got -inf",
        ),
        (
            "N,D,loss\n1e8,2e9,3.1\n3e8,2e9,2.9\n1e9,2e10,oops\n",
            "runs.csv row 3, column 'loss': expected a number; got 'oops'",
        ),
        (
            "N,D,C,loss\n1e8,2e9,1.2e18,3.1\n3e8,2e9,-1.2e18,2.9\n",
            "runs.csv row 2, column 'C': FLOPs must be > 0; got -1.2e+18",
        ),
        (
            "N,D,loss\n1e8,2e9,3.1\n3e8,2e9,2.9\n1e8,2e9,3.1\n",
            "runs.csv row 3, column 'N': duplicates row 1 exactly",
        ),
    ],
)
def test_bad_value_names_file_row_and_column(tmp_path: Path, text: str, expected: str) -> None:
    p = write(tmp_path, text)
    msg = load_error(p)
    assert msg.startswith(f"{tmp_path}/{expected}"), msg
    assert "\n" not in msg


def test_text_column_mapped_to_number(tmp_path: Path) -> None:
    p = write(tmp_path, "size,D,loss\n1e8,2e9,3.1\n125M,2e9,2.9\n")
    msg = load_error(p, columns={"N": "size"})
    assert msg.startswith(f"{p} row 2, column 'N': expected a number; got '125M'")


def test_missing_column(tmp_path: Path) -> None:
    p = write(tmp_path, "N,loss\n1e8,3.1\n3e8,2.9\n")
    msg = load_error(p)
    assert msg.startswith(f"{p}: required column 'D' is missing")
    assert "--d-col" in msg


def test_misnamed_column(tmp_path: Path) -> None:
    p = write(tmp_path, "params,D,loss\n1e8,2e9,3.1\n3e8,2e9,2.9\n")
    msg = load_error(p)
    assert msg.startswith(f"{p}: required column 'N' is missing") and "--n-col" in msg


def test_empty_file(tmp_path: Path) -> None:
    p = write(tmp_path, "")
    assert load_error(p).startswith(f"{p}: the file is empty")


def test_header_only_file(tmp_path: Path) -> None:
    p = write(tmp_path, "N,D,loss\n")
    assert load_error(p).startswith(f"{p}: the table has no data rows")


def test_one_model_size(tmp_path: Path) -> None:
    p = write(tmp_path, "N,D,loss\n1e8,2e9,3.1\n1e8,4e9,2.9\n")
    msg = load_error(p)
    assert msg.startswith(f"{p} column 'N': only one model size")
    assert "--law power-d" in msg


def test_one_model_size_is_fine_without_n(tmp_path: Path) -> None:
    p = write(tmp_path, "D,loss\n2e9,3.1\n4e9,2.9\n")
    df = load_runs(p, require=("D", "loss"))
    assert list(df["D"]) == [2e9, 4e9]


def test_all_empty_rows_are_an_input_error(tmp_path: Path) -> None:
    p = write(tmp_path, "N,D,loss\n,,\n,,\n")
    msg = load_error(p)
    assert str(p) in msg and "row 2" in msg


def test_duplicate_rows_with_missing_values(tmp_path: Path) -> None:
    p = write(tmp_path, "N,D,loss\n1e8,,3.1\n3e8,2e9,2.9\n1e8,,3.1\n")
    msg = load_error(p)
    assert msg.startswith(f"{p} row 3, column 'N': duplicates row 1 exactly")


def test_huge_negative_is_shown_compactly(tmp_path: Path) -> None:
    p = write(tmp_path, "N,D,loss\n1e8,2e9,3.1\n3e8,-1e300,2.9\n")
    assert load_error(p).startswith(f"{p} row 2, column 'D': tokens must be > 0; got -1e+300")


def test_validate_runs_on_a_frame() -> None:
    df = pd.DataFrame({"N": [1e8, 3e8], "D": [2e9, -1.0], "loss": [3.1, 2.9]})
    with pytest.raises(InputError, match=r"^mine\.csv row 2, column 'D': tokens must be > 0"):
        validate_runs(df, source="mine.csv")
    clean = validate_runs(df.assign(D=[2e9, 4e9]), source="mine.csv")
    assert clean["N"].dtype == float


# --- unit warnings -----------------------------------------------------------------------------


def test_n_in_millions_warns(tmp_path: Path) -> None:
    p = write(tmp_path, "N,D,loss\n100,2e9,3.1\n300,2e9,2.9\n")
    with pytest.warns(ScalewallWarning, match=r"column 'N' peaks at 300.*millions"):
        load_runs(p)


def test_perplexity_warns(tmp_path: Path) -> None:
    p = write(tmp_path, "N,D,loss\n1e8,2e9,31\n3e8,2e9,25\n")
    with pytest.warns(ScalewallWarning, match=r"column 'loss' reaches 31.*perplexity"):
        load_runs(p)


def test_flop_ratio_warns(tmp_path: Path) -> None:
    p = write(tmp_path, "N,D,C,loss\n1e8,2e9,1.2e18,3.1\n3e8,2e9,1e30,2.9\n")
    with pytest.warns(ScalewallWarning, match="row 2: C / \\(N\\*D\\)"):
        load_runs(p)


def test_clean_table_does_not_warn(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScalewallWarning)
        load_runs(write(tmp_path, GOOD))


# --- selection among repeated configurations ----------------------------------------------------

SWEEP = (
    "params,tokens,lr,val\n"
    "1e8,2e9,0.001,3.30\n1e8,2e9,0.002,3.10\n1e8,2e9,0.002,3.14\n1e8,2e9,0.004,3.20\n"
    "3e8,2e9,0.001,2.95\n3e8,2e9,0.002,2.90\n1e9,2e10,0.002,2.50\n"
)
SWEEP_COLS = {"N": "params", "D": "tokens", "loss": "val"}


def test_select_best_all_mean_on_a_learning_rate_sweep(tmp_path: Path) -> None:
    p = write(tmp_path, SWEEP)
    df = load_runs(p, columns={**SWEEP_COLS, "hparam": "lr"})
    best, rec = select_runs(df, "best")
    # lr 0.002 at (1e8, 2e9) has two seeds, mean 3.12: it beats 0.004 (3.20) and 0.001 (3.30)
    assert best["loss"].tolist() == pytest.approx([3.12, 2.90, 2.50])
    assert rec["rows_in"] == 7 and rec["rows_out"] == 3 and rec["rows_dropped"] == 4
    assert rec["configs_repeated"] == 2 and rec["chosen_hparam"] == {"0.002": 3}
    mean, rec = select_runs(df, "mean")
    assert mean["loss"].tolist() == pytest.approx([(3.30 + 3.10 + 3.14 + 3.20) / 4, 2.925, 2.50])
    median, rec = select_runs(df, "median")  # the median resists the one high row of four
    assert median["loss"].tolist() == pytest.approx([(3.14 + 3.20) / 2, 2.925, 2.50])
    assert rec["method"] == "median" and rec["rows_out"] == 3
    every, rec = select_runs(df, "all")
    assert len(every) == 7 and rec["rows_dropped"] == 0
    # without the hparam column 'best' is the lowest single row
    plain, rec = select_runs(load_runs(p, columns=SWEEP_COLS), "best")
    assert plain["loss"].tolist() == pytest.approx([3.10, 2.90, 2.50]) and rec["hparam"] is False


def test_selection_keeps_groups_and_unique_tokens_apart() -> None:
    df = validate_runs(
        pd.DataFrame(
            {
                "N": [1e8, 1e8, 1e8, 3e8],
                "D": [2e9, 2e9, 2e9, 2e9],
                "unique_tokens": [1e9, 1e9, 2e9, 1e9],
                "group": ["c4", "rpj", "c4", "c4"],
                "loss": [3.0, 3.2, 2.9, 2.8],
            }
        )
    )
    out, rec = select_runs(df, "best")
    assert len(out) == 4 and rec["rows_dropped"] == 0  # each row is its own configuration


def test_misfitting_learning_rate_sweep_loads_and_selects(data_dir: Path) -> None:
    """Li et al. 2025's final checkpoints: 260 runs (one exact repeat dropped), 81 (N, D)."""
    df = load_runs("misfitting-li2025", columns={"hparam": "peak_lr"})
    out, rec = select_runs(df, "best")
    assert (rec["rows_in"], rec["rows_out"], rec["rows_dropped"]) == (260, 81, 179)
    assert sum(rec["chosen_hparam"].values()) == 81  # type: ignore[union-attr]
    assert not out.duplicated(["N", "D"]).any()


def test_group_column_of_runs_or_of_datasets() -> None:
    runs = pd.DataFrame({"N": [1e8, 1e8, 3e8], "D": [1e9, 2e9, 1e9], "group": ["a", "a", "b"]})
    assert mixed_groups(runs) == []  # one size per group: checkpoints or runs of one model
    sets = runs.assign(group=["c4", "rpj", "c4"], N=[1e8, 1e8, 3e8])
    sets.loc[1, "N"] = 3e8
    assert mixed_groups(sets) == ["c4", "rpj"]
