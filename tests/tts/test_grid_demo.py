"""The demo's grid tables, figure and report part, from one quick run of the tts section."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scalewall.report.tts import render_tts
from scalewall.report.tts_figures import grid_frontier
from scalewall.tts.demo_section import GRID_QUERIES, GRIDS, run_tts


@pytest.fixture(scope="module")
def section(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "tts"
    folder.mkdir()
    out = run_tts(folder, True, lambda *a: None)
    assert {f"tts/grid_{b.lower()}.json" for b in GRIDS} <= set(out.files)
    assert all(f in out.commands for f in ("grid_matches.csv", "grid_math.json"))
    return folder


def test_grid_tables_agree_with_their_json(section: Path) -> None:
    m = pd.read_csv(section / "grid_matches.csv")
    math = json.loads((section / "grid_math.json").read_text())
    assert set(m["benchmark"]) == set(GRIDS) and set(m["queries"]) == set(GRID_QUERIES)
    rows = m[(m["benchmark"] == "MATH") & (m["queries"] == GRID_QUERIES[0])]
    assert len(rows) == len(math["matches"])
    want = [r["k"] for r in math["matches"] if r["k"] is not None]
    np.testing.assert_allclose(rows["k"].dropna(), want, rtol=1e-9)  # CSV keeps 10 digits
    opt = pd.read_csv(section / "grid_optimal.csv")
    assert len(opt) == 2 * len(GRID_QUERIES) * 12 and opt["coverage"].between(0, 1).all()


def test_grid_figure_and_report_part(section: Path) -> None:
    fig, title, caption = grid_frontier(section)
    assert len(fig.axes) == 2 and "upper bound" in caption and "Pythia" in title
    html = render_tts(section, [])
    assert "Training against sampling compute" in html and "oracle verifier" in html
    assert html.count("pythia-12b") >= 2  # a row per benchmark at least
