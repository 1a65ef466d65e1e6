"""``scalewall passk`` and ``scalewall tts``: JSON schemas, and bad input -> exit 2, one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import one_line_error, run_json, runner

from scalewall.cli.app import app


def counts_csv(tmp_path: Path, rows: list[str], name: str = "counts.csv") -> Path:
    p = tmp_path / name
    p.write_text("model,problem,n,c\n" + "\n".join(rows) + "\n")
    return p


def test_passk_json_schema(tmp_path: Path) -> None:
    src = counts_csv(tmp_path, ["a,p1,10,3", "a,p2,10,0", "b,p1,10,9", "b,p2,10,1"])
    d = run_json(["passk", str(src), "--k", "1,10", "--bootstrap", "200"], tmp_path / "out.json")
    assert len(d["results"]) == 4
    for r in d["results"]:
        assert set(r) == {"model", "k", "pass_at_k", "lo", "hi", "n_problems"}
        assert r["lo"] <= r["pass_at_k"] <= r["hi"] and r["n_problems"] == 2
    a10 = next(r for r in d["results"] if r["model"] == "a" and r["k"] == 10)
    assert a10["pass_at_k"] == pytest.approx(0.5)  # p1 solved for sure at k = n, p2 never


def test_passk_on_registry_data(data_dir: Path, tmp_path: Path) -> None:
    args = ["passk", "monkeys-pythia-math-counts", "--k", "1,100,10000", "--bootstrap", "100"]
    d = run_json([*args, "--paired", "Pythia-12B,Pythia-70M"], tmp_path / "pk.json")
    assert len(d["results"]) == 21
    assert all(p["lo"] > 0 for p in d["paired"])  # 12B beats 70M at every k


@pytest.mark.parametrize(
    ("rows", "args", "msg"),
    [
        (["a,p1,10,11"], [], "c = 11 > n = 10"),
        (["a,p1,10,-1"], [], "must be >= 0"),
        (["a,p1,0,0"], [], "no samples"),
        (["a,p1,10,1"], ["--k", "0"], "k must be >= 1"),
        (["a,p1,10,1"], ["--k", "11"], "exceeds the 10 samples"),
        (["a,p1,10,1", "b,p2,10,1"], ["--paired", "a,b"], "do not share their problems"),
        (["a,p1,10,1", "a,p1,10,2"], [], "listed twice"),
        (["a,p1,ten,1"], [], "whole number"),
    ],
)
def test_passk_bad_input(tmp_path: Path, rows: list[str], args: list[str], msg: str) -> None:
    src = counts_csv(tmp_path, rows)
    assert msg in one_line_error(
        ["passk", str(src), "--k", "1", *args] if "--k" not in args else ["passk", str(src), *args]
    )


def test_bad_input_names_file_row_and_column(tmp_path: Path) -> None:
    src = counts_csv(tmp_path, ["a,p1,10,3", "a,p2,10,12"], name="mine.csv")
    assert "mine.csv row 2, column 'c'" in one_line_error(["passk", str(src)])


def test_per_sample_records_vote_and_best_of(tmp_path: Path) -> None:
    src = tmp_path / "samples.jsonl"
    recs = [
        {"model": "m", "problem": "q1", "correct": c, "answer": a, "score": s}
        for c, a, s in [(True, "4", 0.9), (False, "5", 0.2), (True, "4", 0.7), (False, "6", 0.95)]
    ] + [
        {"model": "m", "problem": "q2", "correct": c, "answer": a, "score": s}
        for c, a, s in [(False, "1", 0.5), (False, "1", 0.4), (True, "2", 0.1), (False, "3", 0.3)]
    ]
    src.write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    for method in ("majority", "best-of"):
        args = ["tts", "vote", str(src), "--k", "1,4", "--method", method]
        rows = run_json(args, tmp_path / f"{method}.json")["results"]
        assert [r["k"] for r in rows] == [1, 4]
        assert rows[0]["accuracy"] == pytest.approx(rows[0]["pass_at_k"])  # k = 1: any rule
        # k = 4 uses every sample: q1's "4" wins 2-1-1, q2's "1" wins -> majority 0.5;
        # the top score (0.95 wrong, 0.5 wrong) -> best-of 0
        assert rows[1]["accuracy"] == pytest.approx(0.5 if method == "majority" else 0.0)
        assert rows[1]["pass_at_k"] == pytest.approx(1.0)
    assert "exceeds the 4 samples" in one_line_error(["tts", "vote", str(src), "--k", "5"])


def test_coverage_and_compute_commands(data_dir: Path, tmp_path: Path) -> None:
    args = ["tts", "coverage", "monkeys-pythia-math-counts", "--repeats", "5"]
    d = run_json(args, tmp_path / "cov.json")
    assert d["models"]["Pythia-12B"]["fits"]["brown"]["b"] == pytest.approx(-0.344, abs=0.01)
    assert {r["method"] for r in d["models"]["Pythia-70M"]["backtest"]} == {
        "brown",
        "schaeffer-ls",
        "beta",
    }
    out = tmp_path / "cmp.json"
    res = runner.invoke(
        app,
        [
            "tts",
            "compute",
            "--small",
            "brown2024-llama3-8b-math-coverage",
            "--large",
            "brown2024-llama3-70b-math-coverage",
            "--small-params",
            "8.03e9",
            "--large-params",
            "70.6e9",
            "--json",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.stderr
    assert "reaches" in res.stdout
    assert json.loads(out.read_text())["compute_ratio"] == pytest.approx(0.47, abs=0.02)
    bad = ["tts", "compute", "--small", str(tmp_path / "nope.csv"), "--large", "x"]
    assert "file not found" in one_line_error([*bad, "--small-params", "1", "--large-params", "2"])
