"""Run store and executors: sequential, process pool and a real local Ray give the same runs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from scalewall.lm.config import RunConfig
from scalewall.lm.sweep import TRAIN_JOB
from scalewall.runs.executors import run_jobs
from scalewall.runs.store import RunStore, run_id

DETERMINISTIC = ("loss", "train_loss", "N", "D", "C")


def jobs(tiny: RunConfig) -> list[tuple[str, dict[str, object]]]:
    return [(TRAIN_JOB, dataclasses.replace(tiny, seed=s).to_dict()) for s in (0, 1)]


def pick(results: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [tuple(r[k] for k in DETERMINISTIC) for r in results]


def test_run_id_is_a_hash_of_the_config(tiny: RunConfig) -> None:
    a = run_id(TRAIN_JOB, tiny.to_dict())
    assert a == run_id(TRAIN_JOB, dict(reversed(list(tiny.to_dict().items()))))
    assert a != run_id(TRAIN_JOB, dataclasses.replace(tiny, seed=1).to_dict())
    assert len(a) == 16


def test_pool_equals_sequential_and_skips_finished(tiny: RunConfig, tmp_path: Path) -> None:
    seq = run_jobs(jobs(tiny), tmp_path / "seq", workers=1)
    pool = run_jobs(jobs(tiny), tmp_path / "pool", workers=2)
    assert pick(seq) == pick(pool)
    run = RunStore(tmp_path / "seq").run(*jobs(tiny)[0])
    stamp = (run.path / "final.json").stat().st_mtime_ns
    again = run_jobs(jobs(tiny), tmp_path / "seq", workers=1)
    assert pick(again) == pick(seq)
    assert (run.path / "final.json").stat().st_mtime_ns == stamp  # read back, not retrained
    assert {p.name for p in run.path.iterdir()} == {
        "config.json",
        "checkpoint.pt",
        "history.json",
        "final.json",
    }


def test_ray_equals_local(tiny: RunConfig, tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    local = run_jobs(jobs(tiny), tmp_path / "local", workers=1)
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    try:
        remote = run_jobs(jobs(tiny), tmp_path / "ray", executor="ray")
    finally:
        ray.shutdown()
    assert pick(remote) == pick(local)
    assert all(RunStore(tmp_path / "ray").run(*j).done for j in jobs(tiny))


def test_costliest_job_starts_first_and_results_keep_their_order(
    tiny: RunConfig, tmp_path: Path
) -> None:
    """Longest-first scheduling: with one worker busy on each of the two costliest jobs, the
    cheapest (listed first) starts only when one of them is done; results stay in list order."""
    todo = [(TRAIN_JOB, dataclasses.replace(tiny, seed=s).to_dict()) for s in (0, 1, 2)]
    out = run_jobs(todo, tmp_path, workers=2, cost=[1.0, 3.0, 2.0])
    store = RunStore(tmp_path)
    assert [store.run(*j).final()["loss"] for j in todo] == [r["loss"] for r in out]
    began = [(store.run(*j).path / "config.json").stat().st_mtime_ns for j in todo]
    ended = [(store.run(*j).path / "final.json").stat().st_mtime_ns for j in todo]
    assert began[0] >= min(ended[1], ended[2])  # the cheap job waited for a free worker
