"""``scalewall sweep`` through the CLI: a SIGKILLed sweep resumed, bad input, presets."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
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


def test_sweep_killed_and_resumed_gives_the_same_table(corpus: Path, tmp_path: Path) -> None:
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
    proc = subprocess.Popen([*cmd, "--workers", "1"], env=env, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("runs/*/final.json"))) < 5:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = len(list(out.glob("runs/*/final.json")))
    assert 0 < finished < 16, "the kill should land mid-sweep"
    code, _, err = invoke(str(cfg), "--out", str(out), "--resume", "--workers", "2", "-q")
    assert code == 0, err
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
