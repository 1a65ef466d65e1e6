"""Executors: run a list of jobs into a :class:`~scalewall.runs.store.RunStore`, locally or on Ray.

A job is ``(job, config)``: ``job`` names a function ``"module:function"`` taking
``(config, run)`` and returning final metrics; ``config`` is a plain mapping. Every executor calls
:func:`execute`, which pins PyTorch to one thread (one process per core, and the same arithmetic
everywhere), skips finished runs and resumes interrupted ones, so the local pool, a sequential
loop and a Ray cluster give identical numbers for the same configs. Pool workers die with the
process that started them (:func:`_die_with_parent`), so a sweep killed with ``kill -9`` leaves no
worker behind and a rerun with ``--resume`` picks up where it stopped.
"""

from __future__ import annotations

import ctypes
import importlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from scalewall.errors import input_error
from scalewall.runs.store import RunStore

Job = tuple[str, Mapping[str, Any]]
Progress = Callable[[int, int], None]
EXECUTORS = ("local", "ray")


def _resolve(job: str) -> Callable[..., dict[str, Any]]:
    module, _, name = job.partition(":")
    fn: Callable[..., dict[str, Any]] = getattr(importlib.import_module(module), name)
    return fn


#: ``prctl`` option that asks the kernel to signal this process when its parent dies (Linux).
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Pool-worker initializer: end this worker when ``parent`` dies, even by ``kill -9``.

    On Linux the kernel sends SIGKILL (``prctl(PR_SET_PDEATHSIG)``); elsewhere a daemon thread
    watches for the worker being re-parented. Without this, workers of a killed sweep would
    finish their run and then wait forever on a queue nobody writes to.
    """
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the request above
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _one_thread() -> None:
    """One intra-op thread per worker: no oversubscription, and identical reductions."""
    try:
        import torch
    except ImportError:  # a job that does not use torch
        return
    torch.set_num_threads(1)


def execute(job: str, config: Mapping[str, Any], root: str) -> dict[str, Any]:
    """Run one job into the store at ``root`` (or return its stored result when finished)."""
    _one_thread()
    run = RunStore(Path(root)).run(job, config)
    if run.done:
        return run.final()
    run.begin(job, config)
    return _resolve(job)(config, run)


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_jobs(
    jobs: Sequence[Job],
    root: Path,
    *,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
    progress: Progress | None = None,
    cost: Sequence[float] | None = None,
) -> list[dict[str, Any]]:
    """Final metrics of every job, in the order given.

    Parameters
    ----------
    cost : sequence of float, optional
        The expected cost of each job (e.g. its FLOPs): the pool and Ray start the costliest
        first, so the last job to start is a short one and no worker waits long on a straggler
        (longest-processing-time-first scheduling, Graham 1969, within 4/3 of the best makespan).
    executor : {"local", "ray"}
        ``local``: a process pool of ``workers`` processes (default one per core; 1 runs in this
        process). ``ray``: one task per job with ``num_cpus=1`` on the Ray instance already
        initialised in this process, else ``ray.init(address=address)`` (``"auto"`` joins a
        running cluster; None starts a local one).
    """
    report = progress or (lambda done, total: None)
    if executor not in EXECUTORS:
        raise input_error(f"--executor must be one of {', '.join(EXECUTORS)}", got=executor)
    order = sorted(range(len(jobs)), key=lambda i: -cost[i]) if cost else range(len(jobs))
    if executor == "ray":
        return _run_ray(jobs, root, address, report, order)
    n = workers or default_workers()
    results: list[dict[str, Any] | None] = [None] * len(jobs)
    report(0, len(jobs))
    if n <= 1 or len(jobs) <= 1:
        for i, (job, cfg) in enumerate(jobs):
            results[i] = execute(job, cfg, str(root))
            report(i + 1, len(jobs))
        return [r for r in results if r is not None]
    # spawn, not fork: the parent may hold tokenizer or OpenMP threads that a fork would copy.
    with ProcessPoolExecutor(
        min(n, len(jobs)),
        mp_context=get_context("spawn"),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        pending: dict[Future[dict[str, Any]], int] = {
            pool.submit(execute, jobs[i][0], dict(jobs[i][1]), str(root)): i for i in order
        }
        done = 0
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for f in finished:
                results[pending.pop(f)] = f.result()
                done += 1
                report(done, len(jobs))
    return [r for r in results if r is not None]


def _run_ray(
    jobs: Sequence[Job], root: Path, address: str | None, report: Progress, order: Sequence[int]
) -> list[dict[str, Any]]:
    """Jobs as Ray tasks; results come back to the driver, which records them in its store.

    Checkpoints and resume across machines need ``root`` on a filesystem every node sees.
    """
    try:
        import ray
    except ImportError:
        raise input_error("--executor ray needs Ray: install scalewall[lm]") from None
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    task = ray.remote(num_cpus=1)(execute)
    index = {task.remote(jobs[i][0], dict(jobs[i][1]), str(root)): i for i in order}
    results: list[dict[str, Any] | None] = [None] * len(jobs)
    pending = list(index)
    report(0, len(jobs))
    while pending:
        ready, pending = ray.wait(pending, num_returns=1)
        for ref in ready:
            results[index[ref]] = ray.get(ref)
        report(len(jobs) - len(pending), len(jobs))
    store = RunStore(root)
    for (job, cfg), res in zip(jobs, results, strict=True):
        run = store.run(job, cfg)
        if res is not None and not run.done:  # a remote node wrote to its own disk
            run.begin(job, cfg)
            run.finish(res, [])
    return [r for r in results if r is not None]


__all__ = ["EXECUTORS", "Job", "default_workers", "execute", "run_jobs"]
