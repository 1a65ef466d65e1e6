"""Smoke test of ``benchmarks/bench_lm.py --quick`` on the real corpora (issue 15's rows)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import scalewall
from scalewall.lm.flops import non_embedding_params
from scalewall.lm.sweep import load

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "bench_lm.py"


def test_bench_lm_quick_times_the_ladders_largest_size(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    src = Path(scalewall.__file__).parents[1]  # the package under test, not an installed copy
    env = {
        **os.environ,
        "SCALEWALL_DATA_DIR": str(data_dir),
        "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--cpu-clock", "--json", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    payload = json.loads(out.read_text())
    assert payload["cpu_rows_clock"] == "cpu"
    small, ladder = payload["rows"][:2]
    # The ladder row is the design's largest model with the preset's own base settings.
    largest = max(
        load(preset="ladder-cpu").configs(),
        key=lambda c: non_embedding_params(c.n_layer, c.d_model),
    )
    assert ladder["shape"] == f"{largest.n_layer} x {largest.d_model}"
    assert ladder["N"] == non_embedding_params(largest.n_layer, largest.d_model) > small["N"]
    assert (ladder["corpus"], ladder["tokenizer"], ladder["context"], ladder["batch_size"]) == (
        largest.corpus,
        largest.tokenizer,
        largest.context,
        largest.batch_size,
    )
    for row in payload["rows"]:
        assert row["ours_tokens_per_s"] > 0 and row["plain_tokens_per_s"] > 0
        assert row["ratio"] == pytest.approx(row["ours_tokens_per_s"] / row["plain_tokens_per_s"])
    assert "ladder_trainer_over_plain=" in proc.stdout
    if torch.cuda.is_available():
        gpu = payload["rows"][2]
        assert gpu["bf16_autocast"] and payload["gpu_skipped"] is None
        assert gpu["peak_source"] is None or 0 < gpu["mfu_ours"] < 1
    else:
        assert len(payload["rows"]) == 2 and payload["gpu_skipped"] == "no CUDA device visible"
        assert "ladder-gpu largest" in proc.stdout and "skipped" in proc.stdout
