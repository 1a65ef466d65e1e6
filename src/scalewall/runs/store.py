"""The run store: one folder per run, named by a hash of what the run computes.

Layout of ``root/<run id>/``::

    config.json      {"job": "module:function", "config": {...}}: what the id hashes
    checkpoint.pt    the job's resumable state (written atomically; it carries the history too)
    history.json     metrics history, a list of records (a readable copy)
    table.parquet    the run's tidy result table, for jobs that produce one (collapse cells)
    final.json       final metrics; its presence means the run is finished

Every file is written through a temporary file and a rename
(:func:`scalewall.storage.write_atomic`), so a run killed at any instant leaves either the old or
the new version of each file and ``--resume`` continues from the last checkpoint.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from scalewall.storage import write_atomic, write_json


def run_id(job: str, config: Mapping[str, Any]) -> str:
    """16 hex digits of the SHA-256 of the job name and its config as canonical JSON."""
    blob = json.dumps({"job": job, "config": dict(config)}, sort_keys=True, allow_nan=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


class Checkpoints(Protocol):
    """What the trainer needs from a run: its id, the last checkpoint, save and finish."""

    @property
    def id(self) -> str: ...

    def checkpoint(self) -> bytes | None: ...

    def save(self, checkpoint: bytes, history: list[dict[str, Any]]) -> None: ...

    def finish(self, final: Mapping[str, Any], history: list[dict[str, Any]]) -> None: ...


@dataclass(frozen=True)
class Run:
    """One run's folder and the operations a job needs on it."""

    path: Path

    @property
    def id(self) -> str:
        return self.path.name

    @property
    def done(self) -> bool:
        return (self.path / "final.json").is_file()

    def begin(self, job: str, config: Mapping[str, Any]) -> None:
        """Record what the run computes (once; a resumed run keeps the first record)."""
        if not (self.path / "config.json").is_file():
            write_json(self.path / "config.json", {"job": job, "config": dict(config)})

    def checkpoint(self) -> bytes | None:
        p = self.path / "checkpoint.pt"
        return p.read_bytes() if p.is_file() else None

    def save(self, checkpoint: bytes, history: list[dict[str, Any]]) -> None:
        """Store resumable state; the checkpoint is written first and is the source of truth."""
        write_atomic(self.path / "checkpoint.pt", checkpoint)
        write_json(self.path / "history.json", history)

    def finish(self, final: Mapping[str, Any], history: list[dict[str, Any]]) -> None:
        write_json(self.path / "history.json", history)
        write_json(self.path / "final.json", dict(final))

    def final(self) -> dict[str, Any]:
        out: dict[str, Any] = json.loads((self.path / "final.json").read_text(encoding="utf-8"))
        return out

    def save_table(self, table: pd.DataFrame) -> None:
        """Store the run's result table (before :meth:`finish`, so a finished run has it)."""
        buf = io.BytesIO()
        table.to_parquet(buf, index=False)
        write_atomic(self.path / "table.parquet", buf.getvalue())

    def table(self) -> pd.DataFrame:
        return pd.read_parquet(self.path / "table.parquet")

    def history(self) -> list[dict[str, Any]]:
        p = self.path / "history.json"
        out: list[dict[str, Any]] = json.loads(p.read_text(encoding="utf-8")) if p.is_file() else []
        return out


@dataclass(frozen=True)
class RunStore:
    """Runs under ``root``, addressed by :func:`run_id`."""

    root: Path

    def run(self, job: str, config: Mapping[str, Any]) -> Run:
        return Run(Path(self.root) / run_id(job, config))

    def clear(self, run: Run) -> None:
        """Forget a run (a sweep started without ``--resume`` retrains from scratch)."""
        shutil.rmtree(run.path, ignore_errors=True)

    def prepare(self, jobs: Sequence[tuple[str, Mapping[str, Any]]], resume: bool) -> str:
        """Get the store ready for ``jobs`` and say what will happen to the runs already in it.

        With ``resume`` finished runs are kept (read back) and interrupted ones continue from
        their last checkpoint; without it every run of ``jobs`` found here is cleared first.
        Returns a one-line note for the user ("" when nothing was stored).
        """
        runs = [self.run(job, cfg) for job, cfg in jobs]
        finished = sum(r.done for r in runs)
        started = sum(r.path.is_dir() and not r.done for r in runs)
        if resume:
            new = len(runs) - finished - started
            return (
                f"resume: skipping {finished} finished runs, continuing {started} interrupted, "
                f"starting {new} new (of {len(runs)}) in {self.root}"
            )
        if finished + started == 0:
            return ""
        for r in runs:
            self.clear(r)
        return (
            f"{finished} of {len(runs)} runs already finished and {started} interrupted in "
            f"{self.root}; running all {len(runs)} from scratch (pass --resume to keep them)"
        )


__all__ = ["Checkpoints", "Run", "RunStore", "run_id"]
