"""``scalewall tts grid``: the JSON schema on a small grid and the real one; bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scalewall.cli.app import app

runner = CliRunner()
MATCH_KEYS = {
    "target_model",
    "target_params",
    "target_tokens",
    "target_k",
    "target_coverage",
    "target_lo",
    "target_hi",
    "model",
    "params",
    "tokens",
    "k",
    "k_lo",
    "k_hi",
    "reached",
    "reached_share",
    "smallest",
    "train_ratio",
    "train_ratio_lo",
    "train_ratio_hi",
    "inference_ratio",
    "inference_ratio_lo",
    "inference_ratio_hi",
    "total",
}


def grid_csv(tmp_path: Path, extra: str = "") -> Path:
    """Two sizes, two checkpoints of the small one, three problems, n = 20."""
    rows = [
        "model,params,tokens,problem,n,c",
        *(f"big,1e9,1e10,p{i},20,{c}" for i, c in enumerate((4, 2, 0))),
        *(f"small,1e8,1e9,p{i},20,{c}" for i, c in enumerate((1, 0, 0))),
        *(f"small,1e8,1e10,p{i},20,{c}" for i, c in enumerate((2, 1, 1))),
    ]
    p = tmp_path / "grid.csv"
    p.write_text("\n".join(rows) + "\n" + extra)
    return p


def test_grid_json_schema(tmp_path: Path) -> None:
    out = tmp_path / "grid.json"
    args = ["tts", "grid", str(grid_csv(tmp_path)), "--k", "1,4", "--queries", "1e3,1e9"]
    res = runner.invoke(app, [*args, "--bootstrap", "100", "--max-k", "16", "--json", str(out)])
    assert res.exit_code == 0, res.output
    assert "oracle verifier" in res.stdout  # the caveat is printed with the table
    d = json.loads(out.read_text())
    assert d["schema_version"] == 1 and "upper bound" in d["caveat"]
    assert d["k_grid"] == [1, 2, 4, 8, 16] and d["queries"] == [1e3, 1e9]
    assert len(d["coverage"]) == 3 * 5 and len(d["optimal"]) == 2 * 12
    assert len(d["matches"]) == 2  # big's final checkpoint at k = 1 and 4; one smaller model
    for r in d["matches"]:
        assert set(r) == MATCH_KEYS and [t["queries"] for t in r["total"]] == [1e3, 1e9]
    m1 = next(r for r in d["matches"] if r["target_k"] == 1)
    # big's pass@1 = 0.1; small at 1e10 tokens has 0.0667 at k = 1 and reaches 0.1 by k = 2
    assert m1["target_coverage"] == pytest.approx(0.1) and m1["tokens"] == 1e10
    assert 1 < m1["k"] <= 2 and m1["smallest"]
    assert all(r["model_pareto"] for r in d["frontier"])


def test_grid_on_the_registry(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.json"
    args = ["tts", "grid", "monkeys-pythia-math-grid", "--k", "1,10", "--max-k", "1024"]
    res = runner.invoke(app, [*args, "--bootstrap", "50", "--json", str(out), "-q"])
    assert res.exit_code == 0, res.output
    d = json.loads(out.read_text())
    assert len(d["cells"]) == 71 and d["dropped"][0]["cell"] == "pythia-12b@2e+06"
    assert {r["target_model"] for r in d["matches"]} >= {"pythia-12b", "pythia-1b"}


@pytest.mark.parametrize(
    ("extra", "args", "msg"),
    [
        ("small,1e8,1e10,p3,20,21\n", [], "row 10, column 'c'"),
        ("small,-5,1e10,p3,20,1\n", [], "row 10, column 'params': parameters must be"),
        ("", ["--queries", "many"], "--queries: expects numbers"),
        ("", ["--queries", "0"], "every Q (queries served) must be finite numbers > 0"),
        ("", ["--k", "1,40"], "k must be <= 16"),
        ("", ["--tokens-per-sample", "nan"], "tokens per sample and every Q"),
        ("", ["--queries", "inf"], "every Q (queries served) must be"),
    ],
)
def test_grid_bad_input_exits_2_in_one_line(
    tmp_path: Path, extra: str, args: list[str], msg: str
) -> None:
    src = grid_csv(tmp_path, extra)
    res = runner.invoke(app, ["tts", "grid", str(src), "--max-k", "16", *args])
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and msg in lines[0], res.stderr


def test_grid_refuses_a_registry_entry_that_is_not_a_grid(data_dir: Path) -> None:
    res = runner.invoke(app, ["tts", "grid", "monkeys-pythia-math-counts"])
    assert res.exit_code == 2 and "not a grid" in res.stderr


def test_grid_with_one_model_size_says_there_is_nothing_to_match(tmp_path: Path) -> None:
    src = tmp_path / "one.csv"
    src.write_text(
        "\n".join(
            grid_csv(tmp_path).read_text().splitlines()[:1]
            + [r for r in grid_csv(tmp_path).read_text().splitlines() if r.startswith("small")]
        )
        + "\n"
    )
    args = ["tts", "grid", str(src), "--k", "1,4", "--max-k", "16", "--bootstrap", "20"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "one model size in the grid, so nothing to match" in res.stdout
