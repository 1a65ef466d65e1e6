"""The 'persuasion' demo section, its report part and figure, read back from the stored files."""

from __future__ import annotations

from pathlib import Path

import pytest

from scalewall.downstream.persuasion_section import SECTION
from scalewall.report.common import read_csv, read_json
from scalewall.report.figures import make_figures
from scalewall.report.persuasion import PART


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("demo")
    res = SECTION.run(root / SECTION.name, True, lambda step, done, total: None)
    assert sorted(res.files) == sorted(f"persuasion/{f}" for f in res.commands)
    assert all((root / f).is_file() for f in res.files)
    return root


def test_stored_files_agree(results: Path) -> None:
    folder = results / "persuasion"
    d = read_json(folder / "summary.json")
    models = read_csv(folder / "models.csv")
    assert models["frontier"].sum() == 2
    assert sorted(models.loc[models["comparison"], "model"]) == sorted(
        d["equivalence"]["comparison_models"]
    )
    band = read_csv(folder / "band.csv")
    # the band is the primary fit's line: monotone with the slope's sign, inside its band
    slope = d["meta_regression"]["primary"]["terms"][1]["estimate"]
    assert (band["fitted"].diff().dropna() > 0).all() == (slope > 0)
    assert (band["lo"] < band["fitted"]).all() and (band["fitted"] < band["hi"]).all()


def test_report_part_renders(results: Path) -> None:
    figs = make_figures(results, [("persuasion", PART.figures)])
    assert [f.name for f in figs] == ["persuasion_effect_vs_size"]
    assert figs[0].svg.stat().st_size > 1000
    html = PART.render(results / "persuasion", figs)
    assert "Hackenburg" in html and "TOST" in html and "inconclusive" in html
    assert "1.26 <span class=iv>[0.65, 1.87]</span>" in html  # published primary slope
