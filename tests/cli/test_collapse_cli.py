"""``scalewall collapse``: a run end to end, the JSON schema, one-line errors (exit 2), what a
rerun says; ``scalewall --version`` and ``python -m scalewall``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_run import one_line_error, run_json, runner

from scalewall import __version__
from scalewall.cli.app import app

KEYS = ["model", "policy", "generation", "metric", "mean", "median", "lo", "hi", "n_seeds"]


def test_gaussian_run_writes_summary_records(tmp_path: Path) -> None:
    args = [
        "collapse",
        "--policy",
        "accumulate",
        "--n",
        "10",
        "--generations",
        "5",
        "--seeds",
        "50",
    ]
    recs = run_json([*args, "--out", str(tmp_path / "r")], tmp_path / "c.json")["summary"]
    assert all(list(r) == KEYS for r in recs)
    metrics = {r["metric"] for r in recs}
    assert {"variance", "mean_sq_error", "det_ratio", "wasserstein2"} <= metrics
    assert {r["generation"] for r in recs} == set(range(1, 6))
    assert (tmp_path / "r" / "results.parquet").is_file()


def test_config_sweep_and_discrete_metrics(tmp_path: Path) -> None:
    cfg = tmp_path / "s.toml"
    cfg.write_text(
        'models = ["categorical"]\npolicies = ["replace", "fresh"]\nfractions = [0.5]\n'
        'generations = 3\nseeds = 5\nn = [50]\n[options.categorical]\nvocab = "uniform"\n'
        "size = 10\n"
    )
    args = ["collapse", "--config", str(cfg), "--out", str(tmp_path / "r")]
    recs = run_json(args, tmp_path / "c.json")["summary"]
    assert {"support_fraction", "gini_simpson"} <= {r["metric"] for r in recs}
    assert {r["policy"] for r in recs} == {"replace", "fresh-0.5"}


def test_curation_flags_build_the_filters_and_the_judge_filter_shrinks_variance(
    tmp_path: Path,
) -> None:
    """Keeping the most likely half under the frozen first fit cuts the tails every generation,
    so the variance falls far below replace's (1 - 1/n)^t; dedup keeps every distinct draw."""
    base = ["collapse", "--n", "50", "--generations", "4", "--seeds", "40"]
    last = {}
    for name, extra in (
        ("plain", []),
        ("filtered", ["--likelihood-keep", "0.5", "--dedup"]),
        ("toml", ["--config", "CFG"]),
    ):
        if extra == ["--config", "CFG"]:
            cfg = tmp_path / "f.toml"
            cfg.write_text(
                'likelihood_keep = 0.5\ndedup = true\njudge = "gen0"\nn = [50]\n'
                "generations = 4\nseeds = 40\n"
            )
            extra = ["--config", str(cfg)]
        out = run_json([*base, *extra, "--out", str(tmp_path / name)], tmp_path / f"{name}.json")
        rec = [r for r in out["summary"] if r["metric"] == "variance" and r["generation"] == 4]
        last[name] = (rec[0]["policy"], rec[0]["mean"])
    assert last["filtered"][0] == last["toml"][0] == "replace+dedup+likelihood-gen0-0.5"
    assert last["filtered"][1] == last["toml"][1]
    assert last["filtered"][1] < 0.5 * last["plain"][1]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--model", "vae"], "valid: gaussian"),
        (["--policy", "mix"], "valid: replace"),
        (["--n", "1"], "n must be >= 2"),
        (["--policy", "fresh", "--fraction", "1.2"], "fraction must be in [0, 1]"),
        (["--model", "char-ngram", "-o", "corpus=EMPTY"], "empty"),
        (["--model", "char-ngram", "-o", "corpus=BINARY"], "not UTF-8 text"),
        (["--config", "BADKEY"], "unknown key 'gens'"),
        (["--config", "BADTYPE"], "key 'seeds' must be int"),
        (["--config", "BADBOOL"], "key 'dedup' must be bool"),
        (["--likelihood-keep", "0.5", "--judge", "oracle"], "valid: gen0, current"),
        (["--likelihood-keep", "1.5"], "must be in [0, 1]"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], needle: str) -> None:
    files = {
        "EMPTY": ("empty.txt", b"   \n"),
        "BINARY": ("bin.txt", bytes(range(256)) * 4),
        "BADKEY": ("k.toml", b"gens = 3\n"),
        "BADTYPE": ("t.toml", b'seeds = "many"\n'),
        "BADBOOL": ("b.toml", b"dedup = 1\n"),
    }
    real = []
    for a in args:
        key = a.split("=")[-1]
        if key in files:
            name, blob = files[key]
            (tmp_path / name).write_bytes(blob)
            a = a.replace(key, str(tmp_path / name))
        real.append(a)
    opts = ["--generations", "2", "--seeds", "2", "--out", str(tmp_path / "r")]
    assert needle in one_line_error(["collapse", *real, *opts])


def test_a_rerun_says_what_is_stored_and_a_resume_what_it_skipped(tmp_path: Path) -> None:
    args = ["collapse", "--n", "10", "--generations", "2", "--seeds", "5", "-q"]
    args += ["--out", str(tmp_path / "r")]
    first = runner.invoke(app, args)
    assert first.exit_code == 0 and first.stderr == "", first.output
    again = runner.invoke(app, args)
    assert again.exit_code == 0
    assert "1 of 1 runs already finished" in again.stderr
    assert "running all 1 from scratch (pass --resume" in again.stderr
    resumed = runner.invoke(app, [*args, "--resume"])
    assert resumed.exit_code == 0
    assert "resume: skipping 1 finished runs, continuing 0 interrupted, starting 0 new" in (
        resumed.stderr
    )


def test_version_and_python_m_scalewall() -> None:
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.stdout.strip() == f"scalewall {__version__}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(
        [sys.executable, "-m", "scalewall", "--version"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0 and proc.stdout.strip() == f"scalewall {__version__}"
