"""Grids of collapse runs from a TOML file, stored per cell so a killed sweep resumes.

A config file (every key optional, defaults as in :class:`Cell`)::

    models = ["gaussian", "categorical"]
    policies = ["replace", "accumulate", "keep-real"]
    n = [10, 100]
    fractions = [0.1, 0.5]      # real share, for the policies 'fresh' and 'keep-real'
    generations = 100
    seeds = 1000
    seed = 0
    truncate = 2.0              # optional curation filter: keep |x - mean| <= k sd
    temperature = 1.0           # sampling bias (models that support it)
    top_p = 1.0
    top_k = 0
    schedule = "constant"       # or linear, power, geometric (with rate)
    rate = 1.0
    [options.gaussian]          # constructor options per model
    d = 3

Each cell is one job of the run store (:mod:`scalewall.runs.store`, id = hash of the cell's
config): its table is written atomically to ``runs/<id>/table.parquet`` as soon as it finishes,
and the executors (:mod:`scalewall.runs.executors`) run the cells in this process, on a local
process pool or on Ray, exactly like LM sweeps. A rerun with ``resume`` skips the cells already
stored, so a sweep killed at any moment loses at most the cells in progress and ends with the
same table.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from itertools import product
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from scalewall import __version__
from scalewall.collapse.loop import run
from scalewall.collapse.models import make_model
from scalewall.collapse.policies import (
    Policy,
    Step,
    chain,
    dedup,
    keep_top,
    make_mixer,
    sampling,
    schedule,
    truncate,
)
from scalewall.collapse.summary import records, summarize
from scalewall.errors import input_error
from scalewall.runs.executors import Job, run_jobs
from scalewall.runs.store import Run, RunStore, run_id
from scalewall.storage import write_atomic, write_json
from scalewall.validate import check_keys, parse_toml, read_text

MIXING = ("fresh", "keep-real")
#: The executor job that runs one cell (:func:`run_cell`).
CELL_JOB = "scalewall.collapse.sweep:run_cell"


@dataclass(frozen=True)
class Cell:
    """One collapse run: a model, a policy and its settings."""

    model: str = "gaussian"
    policy: str = "replace"
    n: int = 100
    fraction: float = 0.1
    generations: int = 100
    seeds: int = 100
    seed: int = 0
    truncate: float = 0.0
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0
    schedule: str = "constant"
    rate: float = 1.0
    options: dict[str, Any] = field(default_factory=dict)
    likelihood_keep: float = 0.0  # keep this share of samples, most likely first (0: off)
    judge: str = "gen0"  # the likelihood filter's model: frozen generation 1, or the current fit
    dedup: bool = False

    @property
    def job(self) -> Job:
        """The cell as a run-store job: the id hashes its settings, the policy's recipe (which
        changes when a step's meaning does) and the scalewall version."""
        recipe = repr(self.build_policy())
        return (CELL_JOB, {"cell": asdict(self), "recipe": recipe, "scalewall": __version__})

    def build_policy(self) -> Policy:
        if self.n < 2:
            raise input_error("n must be >= 2", got=self.n)
        if self.schedule not in ("constant", "linear", "power", "geometric"):
            raise input_error(
                f"unknown schedule '{self.schedule}'; valid: constant, linear, power, geometric"
            )
        if self.judge not in ("gen0", "current"):
            raise input_error(f"unknown judge '{self.judge}'; valid: gen0, current")
        steps: list[Step] = [make_mixer(self.policy, self.fraction)]
        steps += [dedup()] if self.dedup else []
        steps += [truncate(self.truncate)] if self.truncate > 0 else []
        if self.likelihood_keep > 0:
            judge: Literal["gen0", "current"] = "gen0" if self.judge == "gen0" else "current"
            steps.append(keep_top(self.likelihood_keep, judge))
        steps.append(schedule(self.schedule, self.rate))  # type: ignore[arg-type]
        steps.append(sampling(self.temperature, self.top_p, self.top_k))
        return chain(*steps, n=self.n)

    @property
    def label(self) -> str:
        """The policy as the summary names it (with the real share where one applies)."""
        return self.build_policy().name

    def run(self) -> pd.DataFrame:
        """The cell's tidy table with model, policy, n and fraction columns in front."""
        policy = self.build_policy()
        model = make_model(self.model, **dict(self.options))
        df = run(model, policy, self.generations, self.seeds, self.seed)
        df.insert(0, "n", self.n)
        df.insert(0, "policy", policy.name)
        df.insert(0, "model", self.model)
        return df


_TYPES: dict[str, tuple[type, ...]] = {
    "generations": (int,),
    "seeds": (int,),
    "seed": (int,),
    "top_k": (int,),
    "truncate": (int, float),
    "temperature": (int, float),
    "top_p": (int, float),
    "rate": (int, float),
    "schedule": (str,),
    "likelihood_keep": (int, float),
    "judge": (str,),
    "dedup": (bool,),
}
_LISTS: dict[str, tuple[type, ...]] = {
    "models": (str,),
    "policies": (str,),
    "n": (int,),
    "fractions": (int, float),
}


def _check(key: str, value: Any, types: tuple[type, ...], source: str) -> None:
    if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
        want = " or ".join(t.__name__ for t in types)
        raise input_error(f"key '{key}' must be {want}", source=source, got=value)


def load_config(path: Path) -> list[Cell]:
    """The cells of a TOML sweep file; unknown keys or wrong types name the key."""
    src = str(path)
    cfg = parse_toml(read_text(path, src), src)
    allowed = set(_TYPES) | set(_LISTS) | {"options"}
    check_keys(cfg, sorted(allowed), src)
    for key, value in cfg.items():
        if key in _TYPES:
            _check(key, value, _TYPES[key], src)
        elif key in _LISTS:
            if not isinstance(value, list) or not value:
                raise input_error(f"key '{key}' must be a non-empty list", source=src, got=value)
            for v in value:
                _check(key, v, _LISTS[key], src)
    options = cfg.get("options", {})
    if not isinstance(options, dict) or not all(isinstance(v, dict) for v in options.values()):
        raise input_error(
            "key 'options' must hold one table per model, e.g. [options.gaussian]", source=src
        )
    scal = {k: cfg[k] for k in _TYPES if k in cfg}
    cells = []
    for m, p, n in product(
        cfg.get("models", ["gaussian"]), cfg.get("policies", ["replace"]), cfg.get("n", [100])
    ):
        for f in cfg.get("fractions", [0.1]) if p in MIXING else [0.1]:
            cells.append(Cell(m, p, n, float(f), options=dict(options.get(m, {})), **scal))
    for c in cells:  # validate names, fractions and n before any work starts
        c.build_policy()
    return cells


def run_cell(config: Mapping[str, Any], run: Run) -> dict[str, Any]:
    """The executor job: run one cell and store its table in ``run``."""
    table = Cell(**config["cell"]).run()
    run.save_table(table)
    final = {"rows": len(table)}
    run.finish(final, [])
    return final


def run_sweep(
    cells: list[Cell],
    out_dir: Path,
    progress: Callable[[int, int], None] | None = None,
    *,
    resume: bool = False,
    executor: str = "local",
    workers: int | None = 1,
    address: str | None = None,
    note: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Run the cells into the store ``out_dir/runs`` and return the whole table.

    Parameters
    ----------
    progress : callable, optional
        ``progress(cells_done, cells_total)``.
    resume : bool, default=False
        Keep the cells already stored (read back); without it they are run again.
    executor, workers, address
        As :func:`scalewall.runs.executors.run_jobs`; ``workers=1`` runs in this process.
    note : callable, optional
        Receives one line saying what happens to cells already stored (library code never
        prints).

    Writes ``results.parquet`` (all cells, in config order) and ``summary.json`` at the end.
    """
    jobs = [c.job for c in cells]
    for model, options in {
        (c.model, repr(c.options)): (c.model, c.options) for c in cells
    }.values():
        make_model(model, **options)  # a bad model name or option fails before the store is touched
    store = RunStore(out_dir / "runs")
    message = store.prepare(jobs, resume)
    if message and note is not None:
        note(message)
    run_jobs(
        jobs, store.root, executor=executor, workers=workers, address=address, progress=progress
    )
    table = pd.concat([store.run(*j).table() for j in jobs], ignore_index=True)
    buf = io.BytesIO()
    table.to_parquet(buf, index=False)
    write_atomic(out_dir / "results.parquet", buf.getvalue())
    write_json(out_dir / "summary.json", summary_payload(table, cells))
    return table


def summary_payload(table: pd.DataFrame, cells: list[Cell]) -> dict[str, Any]:
    """The JSON written next to the results: the cells' configs and the summary records."""
    return {
        "cells": [{"id": run_id(*c.job), "recipe": c.job[1]["recipe"], **asdict(c)} for c in cells],
        "summary": records(summarize(table)),
    }
