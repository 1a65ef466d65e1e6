"""A sweep killed with SIGKILL leaves no worker and, resumed, ends with the uninterrupted table."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from scalewall.collapse.sweep import load_config, run_sweep

CONFIG = """
models = ["gaussian", "categorical"]
policies = ["replace", "accumulate", "keep-real"]
n = [20, 50]
generations = 40
seeds = 300
[options.categorical]
vocab = "zipf"
size = 500
"""


def test_killed_sweep_leaves_no_worker_and_resumes_to_the_same_table(
    tmp_path: Path, survivors: Callable[[int], list[int]]
) -> None:
    cfg = tmp_path / "sweep.toml"
    cfg.write_text(CONFIG)
    cells = load_config(cfg)
    assert len(cells) == 12
    full = run_sweep(cells, tmp_path / "full")

    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "scalewall", "collapse", "--config", str(cfg), "--out", str(out)]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([*cmd, "--workers", "2", "-q"], env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((out / "runs").glob("*/final.json"))) < 3:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)  # the command alone: its workers must follow by themselves
    proc.wait()
    assert survivors(proc.pid) == []
    done = len(list((out / "runs").glob("*/final.json")))
    if done >= len(cells):
        pytest.fail("the sweep finished before it could be killed; make it longer")
    assert not (out / "results.parquet").exists()
    res = subprocess.run([*cmd, "--resume", "-q"], env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert f"skipping {done} finished runs" in res.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), full)


def test_pool_equals_in_process_and_a_rerun_says_what_it_does(tmp_path: Path) -> None:
    cfg = tmp_path / "sweep.toml"
    cfg.write_text('policies = ["replace", "accumulate"]\nn = [20]\ngenerations = 5\nseeds = 50\n')
    cells = load_config(cfg)
    here = run_sweep(cells, tmp_path / "here")
    pool = run_sweep(cells, tmp_path / "pool", workers=2)
    pd.testing.assert_frame_equal(pool, here)
    notes: list[str] = []
    again = run_sweep(cells, tmp_path / "pool", note=notes.append)
    pd.testing.assert_frame_equal(again, here)
    assert len(notes) == 1
    assert notes[0].startswith("2 of 2 runs already finished and 0 interrupted")
    assert "running all 2 from scratch" in notes[0]
