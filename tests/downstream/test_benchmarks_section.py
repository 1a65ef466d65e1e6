"""The 'benchmarks' demo section on the hub (quick), its report part and figures, read back."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from scalewall.demo import SECTIONS
from scalewall.downstream.demo_section import BENCHMARKS
from scalewall.report.benchmarks import PART
from scalewall.report.claims import SECTION_TITLES
from scalewall.report.common import read_json
from scalewall.report.figures import make_figures


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("demo") / BENCHMARKS.name
    t0 = time.perf_counter()
    res = BENCHMARKS.run(out, True, lambda step, done, total: None)
    assert time.perf_counter() - t0 < 15  # the section's budget in the demo
    assert sorted(res.files) == sorted(f"benchmarks/{f}" for f in res.commands)
    assert len(res.sources) == 43
    return out


def test_registered_in_demo_and_report() -> None:
    assert BENCHMARKS in SECTIONS and PART.anchor in SECTION_TITLES


def test_stored_tables_agree_with_the_json(folder: Path) -> None:
    d = read_json(folder / "summary.json")
    bench = pd.read_csv(folder / "benchmarks.csv")
    assert list(bench["benchmark"]) == [b["benchmark"] for b in d["benchmarks"]]
    assert d["settings"]["bootstrap"] == 200 and d["settings"]["variant"] == "best"
    dropped = pd.read_csv(folder / "dropped.csv")
    assert dropped["rows"].sum() == sum(d["settings"]["dropped_by_reason"].values())
    # the frontier never falls along compute
    f = pd.read_csv(folder / "frontier.csv")
    comp = f[f["axis"] == "compute"]
    assert (comp.groupby("benchmark")["frontier_score"].diff().dropna() >= 0).all()


def test_report_part_renders_with_figures(folder: Path) -> None:
    figs = make_figures(folder.parent, [(PART.folder, PART.figures)])
    assert {f.name for f in figs} == {"benchmarks_scores", "benchmarks_gain", "benchmarks_frontier"}
    html = PART.render(folder, figs)
    assert "Benchmark" in html and "mmlu" in html and 'id="fig-benchmarks_gain"' in html
