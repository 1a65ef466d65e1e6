"""A sweep killed with SIGKILL and resumed ends with the same table as an uninterrupted one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
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


def _sweep(cfg: Path, out: Path) -> subprocess.Popen[bytes]:
    code = (
        "import sys; from pathlib import Path; from scalewall.collapse.sweep import *;"
        "run_sweep(load_config(Path(sys.argv[1])), Path(sys.argv[2]))"
    )
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, "-c", code, str(cfg), str(out)], env=env)


def test_killed_sweep_resumes_to_the_same_table(tmp_path: Path) -> None:
    cfg = tmp_path / "sweep.toml"
    cfg.write_text(CONFIG)
    cells = load_config(cfg)
    assert len(cells) == 12
    full = run_sweep(cells, tmp_path / "full")

    out = tmp_path / "killed"
    proc = _sweep(cfg, out)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((out / "cells").glob("*.parquet"))) < 3:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(list((out / "cells").glob("*.parquet")))
    if done >= len(cells):
        pytest.fail("the sweep finished before it could be killed; make it longer")
    assert not (out / "results.parquet").exists()
    resumed = run_sweep(cells, out)
    pd.testing.assert_frame_equal(resumed, full)
    assert pd.read_parquet(out / "results.parquet").equals(full)
