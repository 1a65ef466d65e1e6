"""The Benchmarking Hub loader on the real files: row counts, dropped rows by reason, variant rule,
and one-line errors naming file, row and column for malformed hub-style tables."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from scalewall.data.registry import fetch
from scalewall.downstream.hub import EFFORT, REASONS, hub_names, load_hub, read_benchmark
from scalewall.errors import InputError


@pytest.fixture(scope="module")
def best(data_dir: Path) -> pd.DataFrame:
    return load_hub(variant="best")


def test_every_hub_file_is_read_and_every_row_is_accounted_for(data_dir: Path) -> None:
    # 42 benchmark files plus the ECI (MANIFEST, "Added 2026-11-30").
    assert len(hub_names()) == 43
    for name in hub_names():
        raw = pd.read_csv(fetch(name))
        rows, counts, _ = read_benchmark(name)
        assert len(rows) + sum(counts.values()) == len(raw), name
        assert rows["training_compute"].gt(0).all() and rows["score"].notna().all()


def test_row_counts_and_drops_under_best(best) -> None:  # type: ignore[no-untyped-def]
    per = best.scores.groupby("benchmark").size()
    # Counts of this snapshot (2025-11) after the rules of scalewall.downstream.hub.
    assert (per["mmlu"], per["gpqa-diamond"], per["eci"], per["swe-bench-verified"]) == (
        84,
        47,
        76,
        8,
    )
    assert len(best.scores) == 990
    assert best.dropped_by_reason() == {
        "no model version": 401,
        "no score": 304,
        "unparsable score": 0,
        "no training compute": 1043,
        "duplicate model version (best score kept)": 560,
        "other effort": 0,
        "other variant (best kept)": 38,
    }
    bounded = best.scores[best.scores["benchmark"].isin(["mmlu", "gpqa-diamond", "aider-polyglot"])]
    assert bounded["score"].between(0, 1).all()  # aider-polyglot is 0-100 in the file
    assert bounded["bounded"].all()
    eci = best.scores[best.scores["benchmark"] == "eci"]
    assert not eci["bounded"].any() and eci["score"].max() > 100  # ECI points, native units


def test_variant_rules(best, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    every = load_hub(variant="all").scores
    high = load_hub(variant="fixed:high")
    assert len(every) == 1028 and len(high.scores) == 982
    assert high.dropped_by_reason()["other effort"] == 46
    assert set(high.scores["variant"]) <= {"high", ""}
    # best keeps one row per model, the highest-scoring variant
    assert not best.scores.duplicated(["benchmark", "model"]).any()
    top = every.groupby(["benchmark", "model"])["score"].max()
    got = best.scores.set_index(["benchmark", "model"])["score"]
    pd.testing.assert_series_equal(got.sort_index(), top.loc[got.index].sort_index())
    # the effort suffix is split off the model version
    sonnet = every[every["model"] == "claude-3-7-sonnet-20250219"]
    assert sonnet.groupby("benchmark").size()["math-level-5"] == 4  # 3 budgets + plain
    assert {"16K", "32K"} <= set(sonnet["variant"])
    assert EFFORT.search("claude-opus-4-20250514_16K") and not EFFORT.search("Llama-3-8B")


def test_bad_variant_rule() -> None:
    with pytest.raises(InputError, match="--variant must be"):
        load_hub(["mmlu"], variant="fixed:turbo")


def _hub_file(tmp_path: Path, **bad: tuple[int, str, object]) -> Path:
    df = pd.DataFrame(
        {
            "Model version": [f"m{i}" for i in range(4)],
            "Best score (across scorers)": [0.3, 0.4, 0.5, 0.6],
            "Release date": ["2024-01-01"] * 4,
            "Organization": ["Lab"] * 4,
            "Training compute (FLOP)": [1e22, 1e23, 1e24, 1e25],
        }
    ).astype(object)
    for _, (row, col, value) in bad.items():
        df.loc[row, col] = value
    p = tmp_path / "hub.csv"
    df.to_csv(p, index=False)
    return p


@pytest.mark.parametrize(
    ("row", "col", "value", "message"),
    [
        (1, "Training compute (FLOP)", "lots", "row 2, column 'Training compute (FLOP)'"),
        (2, "Training compute (FLOP)", -5, "row 3, column 'Training compute (FLOP)'"),
        (0, "Release date", "Jan 2024", "row 1, column 'Release date'"),
        (3, "Best score (across scorers)", 64.0, "row 4, column 'Best score (across scorers)'"),
    ],
)
def test_malformed_tables_name_file_row_and_column(
    tmp_path: Path, row: int, col: str, value: object, message: str
) -> None:
    p = _hub_file(tmp_path, cell=(row, col, value))
    with pytest.raises(InputError) as e:
        load_hub([str(p)])
    assert str(e.value).startswith(f"{p} {message}")


def test_missing_column_is_named(tmp_path: Path) -> None:
    p = tmp_path / "hub.csv"
    pd.read_csv(_hub_file(tmp_path)).drop(columns="Release date").to_csv(p, index=False)
    with pytest.raises(InputError, match="column 'Release date': required column missing"):
        load_hub([str(p)])


def test_reasons_are_complete(tmp_path: Path) -> None:
    p = _hub_file(tmp_path, a=(0, "Training compute (FLOP)", None), b=(1, "Model version", None))
    t = load_hub([str(p)])
    counts = t.dropped_by_reason()
    assert list(counts) == list(REASONS)
    assert counts["no training compute"] == 1 and counts["no model version"] == 1
    assert len(t.scores) == 2


def test_every_hub_entry_has_reading_rules() -> None:
    from scalewall.downstream.hub_meta import HUB_BENCHMARKS

    assert {n.removeprefix("epoch-hub-") for n in hub_names()} == set(HUB_BENCHMARKS)
    for key, m in HUB_BENCHMARKS.items():
        assert m.floor_reason, key
        if m.bounded:
            assert 0 <= m.floor < m.ceiling <= 1, key
        # a reason that states a chance rate must be the floor used
        k = re.search(r"(?<![\d-])(\d+) (?:options|classes|endings|solutions)\b", m.floor_reason)
        if k:
            assert m.floor == pytest.approx(1 / int(k.group(1))), key
        rate = re.search(r"chance (\d*\.?\d+)(%?)", m.floor_reason)
        if rate:
            stated = float(rate.group(1)) / (100 if rate.group(2) else 1)
            assert m.floor == pytest.approx(stated), key


def test_one_benchmark_named_twice_is_refused(tmp_path: Path) -> None:
    # 'mmlu epoch-hub-mmlu' (or a file named like a hub key) used to stack the same models twice
    # into one benchmark: every row counted double
    with pytest.raises(InputError, match="given twice"):
        load_hub(["mmlu", "epoch-hub-mmlu"])
    p = _hub_file(tmp_path)
    with pytest.raises(InputError, match="given twice"):
        load_hub([str(p), str(p)])
