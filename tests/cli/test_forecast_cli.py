"""``scalewall trends`` and ``scalewall forecast``: JSON schemas and one-line bad-input errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_run import one_line_error, run_json, runner

from scalewall.cli.app import app


def test_trends_json_schema(data_dir: Path, tmp_path: Path) -> None:
    args = ["trends", "--since", "2018", "--quantity", "compute", "--bootstrap", "100"]
    p = run_json([*args, "--compare-frontier"], tmp_path / "t.json")
    r = p["rates"][0]
    assert {"quantity", "frontier", "per_year", "lo", "hi", "n"} <= set(r)
    assert r["quantity"] == "compute" and r["lo"] < r["per_year"] < r["hi"]
    rules = [x["frontier"] for x in p["compare_frontier"][0]["rates"]]
    assert "Epoch frontier flag" in rules and len(rules) == 5


def test_forecast_json_schema(tmp_path: Path) -> None:
    p = run_json(["forecast", "--draws", "20000"], tmp_path / "f.json")
    assert set(p["data_wall"]) == {"median_year", "p10_year", "p90_year"}
    assert {"median", "p5", "p95"} <= set(p["effective_stock_tokens"])
    assert {"data", "cost", "power", "chips", "latency", "any"} <= set(p["per_year"][0])
    assert p["sensitivity"] and "share_first" in p["first_wall"]


def test_write_preset_roundtrip(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    assert (
        runner.invoke(
            app, ["forecast", "--scenario", "aggressive", "--write-preset", str(f)]
        ).exit_code
        == 0
    )
    res = runner.invoke(app, ["forecast", "--scenario", str(f), "--draws", "5000", "-q"])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[data]\nbogus = 1\n", "data.bogus"),
        ("[years]\nstart = 1900\n", "years.start"),
    ],
)
def test_bad_scenario_file(tmp_path: Path, text: str, needle: str) -> None:
    from scalewall.forecast.scenario import preset_text

    f = tmp_path / "s.toml"
    base = preset_text("epoch-2024")
    if text.startswith("[data]"):
        base = base.replace('repetition = "epochs"', 'repetition = "epochs"\nbogus = 1')
    else:
        base = base.replace("start = 2025", "start = 1900")
    f.write_text(base)
    assert needle in one_line_error(["forecast", "--scenario", str(f)])


def test_inverted_interval(tmp_path: Path) -> None:
    from scalewall.forecast.scenario import preset_text

    f = tmp_path / "s.toml"
    f.write_text(preset_text("epoch-2024").replace("lo = 75e9, hi = 1e12", "lo = 1e12, hi = 75e9"))
    assert "data.pages" in one_line_error(["forecast", "--scenario", str(f)])


def test_table_without_columns(tmp_path: Path) -> None:
    f = tmp_path / "models.csv"
    f.write_text("Model,Domain\nA,Language\n")
    assert "Publication date" in one_line_error(["trends", str(f)])


def test_bad_dates_and_options(data_dir: Path) -> None:
    one_line_error(["trends", "--since", "2030", "--until", "2020"])
    one_line_error(["trends", "--quantity", "vibes"])
    one_line_error(["forecast", "--scenario", "nope"])
