"""The run store: one folder per run, named by a hash of what the run computes.

Layout of ``root/<run id>/``::

    config.json      {"job": "module:function", "config": {...}}: what the id hashes
    checkpoint.pt    the job's resumable state (written atomically; it carries the history too)
    history.json     metrics history, a list of records (a readable copy)
    final.json       final metrics; its presence means the run is finished

Every file is written through a temporary file and a rename
(:func:`scalewall.storage.write_atomic`), so a run killed at any instant leaves either the old or
the new version of each file and ``--resume`` continues from the last checkpoint.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

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


__all__ = ["Checkpoints", "Run", "RunStore", "run_id"]
