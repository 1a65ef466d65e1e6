"""``scalewall sweep`` through the CLI: a SIGKILLed sweep resumed, bad input, presets."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from scalewall.cli.app import app
from scalewall.lm.sweep import TIMING_COLUMNS, load, presets

SWEEP = """
name = "tiny"
kind = "scaling"
[base]
corpus = "{corpus}"
{base}
[[models]]
n_layer = 1
d_model = 8
[[models]]
n_layer = 1
d_model = 16
[[models]]
n_layer = 2
d_model = 16
[[models]]
n_layer = 2
d_model = 32
[grid]
tokens = [640, 1280, 2560, 7040]
[analysis]
bootstrap = 20
"""


BASE = {"context": "16", "batch_size": "4", "eval_tokens": "512"}


def write(tmp_path: Path, corpus: Path, **over: str) -> Path:
    base = "\n".join(f"{k} = {v}" for k, v in {**BASE, **over}.items())
    p = tmp_path / "sweep.toml"
    p.write_text(SWEEP.format(corpus=corpus, base=base), encoding="utf-8")
    return p


def invoke(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(app, ["sweep", *args])
    return res.exit_code, res.stdout, res.stderr


def test_sweep_killed_leaves_no_worker_and_resumes_to_the_same_table(
    corpus: Path, tmp_path: Path, survivors: Callable[[int], list[int]]
) -> None:
    cfg = write(tmp_path, corpus)
    code, _, err = invoke(str(cfg), "--out", str(tmp_path / "ref"), "--workers", "1", "-q")
    assert code == 0, err
    out = tmp_path / "killed"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [
        sys.executable,
        "-c",
        "from scalewall.cli import main; main()",
        "sweep",
        str(cfg),
        "--out",
        str(out),
        "-q",
    ]
    proc = subprocess.Popen([*cmd, "--workers", "2"], env=env, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("runs/*/final.json"))) < 5:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)  # the command alone: its workers must follow by themselves
    proc.wait()
    assert survivors(proc.pid) == []
    finished = len(list(out.glob("runs/*/final.json")))
    assert 0 < finished < 16, "the kill should land mid-sweep"
    code, _, err = invoke(str(cfg), "--out", str(out), "--resume", "--workers", "2", "-q")
    assert code == 0, err
    assert f"resume: skipping {finished} finished runs" in err
    a, b = (
        pd.read_csv(d / "runs.csv").drop(columns=list(TIMING_COLUMNS))
        for d in (tmp_path / "ref", out)
    )
    pd.testing.assert_frame_equal(a, b)
    fit_a, fit_b = (
        json.loads((d / "fit.json").read_text())["params"] for d in (tmp_path / "ref", out)
    )
    assert fit_a == fit_b


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("n_head", "3", "not divisible by n_head 3"),
        ("context", "100000", "longer than the corpus"),
        ("batch_size", "100000", "fewer than one batch"),
        ("learning_rate", "0.1", "unknown key 'learning_rate'"),
        ("tokenizer", '"words"', "tokenizer must be one of"),
    ],
)
def test_bad_config_exits_2_with_one_line(
    corpus: Path, tmp_path: Path, key: str, value: str, message: str
) -> None:
    code, _, err = invoke(str(write(tmp_path, corpus, **{key: value})), "-q")
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and message in err, err


@pytest.mark.parametrize("content", ["", "tiny text"])
def test_empty_or_tiny_corpus(tmp_path: Path, content: str) -> None:
    small = tmp_path / "small.txt"
    small.write_text(content, encoding="utf-8")
    code, _, err = invoke(str(write(tmp_path, small)), "--out", str(tmp_path / "o"), "-q")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert ("empty" in err) if not content else ("longer than the corpus" in err), err


def test_unknown_top_level_key_and_preset(tmp_path: Path) -> None:
    p = tmp_path / "x.toml"
    p.write_text('kind = "scaling"\nmodel = 3\n', encoding="utf-8")
    code, _, err = invoke(str(p), "-q")
    assert code == 2 and "unknown key 'model'" in err and len(err.strip().splitlines()) == 1
    code, _, err = invoke("--preset", "nope", "-q")
    assert code == 2 and "scaling-quick" in err


def test_presets_parse() -> None:
    names = presets()
    for name in ("scaling-quick", "scaling-full", "repeat-quick", "repeat-full", "collapse-quick"):
        assert name in names
    for name in names:
        sweep = load(preset=name)
        assert sweep.configs()


COLLAPSE = """
name = "tiny-collapse"
kind = "collapse"
seeds = [0]
[base]
corpus = "{corpus}"
context = 16
batch_size = 4
eval_tokens = 512
n_layer = 1
n_head = 2
d_model = 16
[collapse]
policies = ["keep-real-0.5", "fresh-0.5"]
generations = 2
sequences = {sequences}
epochs = 1
"""


def test_collapse_sweep_keep_real_and_fresh(corpus: Path, tmp_path: Path) -> None:
    """Generation 0 is the same real fit for every policy; the policies differ from generation 1."""
    cfg = tmp_path / "collapse.toml"
    cfg.write_text(COLLAPSE.format(corpus=corpus, sequences=40), encoding="utf-8")
    js = tmp_path / "out.json"
    code, _, err = invoke(str(cfg), "--out", str(tmp_path / "o"), "-q", "--json", str(js))
    assert code == 0, err
    ppl = {
        (r["policy"], r["generation"]): r["mean"]
        for r in json.loads(js.read_text())["summary"]
        if r["metric"] == "real_ppl"
    }
    assert ppl[("keep-real-0.5", 0)] == ppl[("fresh-0.5", 0)]
    assert ppl[("keep-real-0.5", 1)] != ppl[("fresh-0.5", 1)]


def test_fresh_needs_real_windows_beyond_the_real_set(corpus: Path, tmp_path: Path) -> None:
    """The salad's training split has 1868 windows: 1400 real ones leave 468 for 700 fresh draws."""
    cfg = tmp_path / "collapse.toml"
    cfg.write_text(COLLAPSE.format(corpus=corpus, sequences=1400), encoding="utf-8")
    code, _, err = invoke(str(cfg), "--out", str(tmp_path / "o"), "--workers", "1", "-q")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "fresh real data" in err, err


def test_curated_lm_collapse_keeps_the_texts_the_judge_likes(corpus: Path, tmp_path: Path) -> None:
    """With likelihood_keep = 0.5 under the frozen generation-0 judge, the kept half of each
    generation's samples has a lower judge perplexity than all samples; without curation the two
    are the same texts."""
    base = COLLAPSE.format(corpus=corpus, sequences=40).replace(
        'policies = ["keep-real-0.5", "fresh-0.5"]', 'policies = ["replace"]'
    )
    kept: dict[str, dict[str, float]] = {}
    for name, extra in (("plain", ""), ("curated", "likelihood_keep = 0.5\ndedup = true\n")):
        cfg = tmp_path / f"{name}.toml"
        cfg.write_text(base + extra, encoding="utf-8")
        js = tmp_path / f"{name}.json"
        code, _, err = invoke(str(cfg), "--out", str(tmp_path / name), "-q", "--json", str(js))
        assert code == 0, err
        kept[name] = {
            r["metric"]: r["mean"]
            for r in json.loads(js.read_text())["summary"]
            if r["generation"] == 1
        }
    assert kept["plain"]["kept_judge_ppl"] == pytest.approx(kept["plain"]["judge_ppl"])
    assert kept["curated"]["kept_judge_ppl"] < kept["curated"]["judge_ppl"]


def test_unknown_judge_is_one_line(corpus: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text(COLLAPSE.format(corpus=corpus, sequences=40) + 'judge = "oracle"\n')
    code, _, err = invoke(str(cfg), "--out", str(tmp_path / "o"), "-q")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "judge must be gen0" in err, err
