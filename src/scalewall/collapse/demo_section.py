"""The demo's "Model collapse" section: Gaussian, Zipf unigram and character n-gram chains.

Each experiment is a small sweep of :class:`scalewall.collapse.sweep.Cell` s (replace vs
accumulate vs 10% real data), stored by :func:`run_sweep` under ``collapse/<experiment>/``
(``results.parquet`` seed x generation x metric, ``summary.json``), plus the schedule experiment
(unbiased Gaussian with constant, linear and superlinear sample sizes, and constant sizes under
accumulate) for claims 13 and 16, and a unigram whose sample covers its support for claim 12.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path

from scalewall.collapse.sweep import Cell, run_sweep
from scalewall.sections import Progress, Section, SectionOutput

POLICIES = ("replace", "accumulate", "keep-real")


def experiments(quick: bool) -> dict[str, list[Cell]]:
    """Experiment folder -> cells; ``quick`` runs fewer seeds and generations."""
    q = quick

    def three(base: Cell) -> list[Cell]:
        return [replace(base, policy=p) for p in POLICIES]

    gauss = Cell("gaussian", n=100, generations=100, seeds=200 if q else 2000)
    unigram = Cell(
        "categorical",
        n=10_000,
        generations=20,
        seeds=8 if q else 40,
        options={"vocab": "zipf", "size": 10_000, "a": 1.0},
    )
    # n = 100x the vocabulary: the first sample covers the support, so what is lost later is
    # lost to the recursion, not to a small first sample (claim 12)
    covered = Cell(
        "categorical",
        n=100_000,
        generations=20,
        seeds=8 if q else 40,
        options={"vocab": "zipf", "size": 1_000, "a": 1.0},
    )
    ngram = Cell(
        "char-ngram",
        n=100 if q else 400,
        generations=4 if q else 12,
        seeds=2 if q else 3,
        options={"order": 3, "alpha": 0.001},
    )
    sched = Cell(
        "gaussian",
        n=10,
        generations=30,
        seeds=2000 if q else 8000,
        options={"estimator": "unbiased"},
    )
    return {
        "gaussian": three(gauss),
        "unigram": three(unigram),
        "unigram_covered": [covered],
        "ngram": three(ngram),
        "schedules": [
            sched,
            replace(sched, schedule="linear"),
            replace(sched, schedule="power", rate=1.5),
            replace(sched, policy="accumulate"),
        ],
    }


def command(cell: Cell, out: str) -> str:
    """The ``scalewall collapse`` line that reproduces one cell."""
    default = asdict(Cell())
    parts = [f"scalewall collapse --model {cell.model} --policy {cell.policy}"]
    for key, value in asdict(cell).items():
        if key in ("model", "policy", "options") or value == default[key]:
            continue
        if key == "fraction" and cell.policy not in ("fresh", "keep-real"):
            continue
        parts.append(f"--{key.replace('_', '-')} {value}")
    parts += [f"-o {k}={v}" for k, v in cell.options.items()]
    return " ".join(parts) + f" --out {out}"


def run_collapse(folder: Path, quick: bool, progress: Progress) -> SectionOutput:
    """Run every experiment of :func:`experiments` into ``folder/<experiment>/``."""
    exps = experiments(quick)
    files: list[str] = []
    commands: dict[str, list[str]] = {}
    notes: dict[str, str] = {}
    for name, cells in exps.items():
        step = f"collapse: {name}, cells"

        def report(done: int, total: int, step: str = step) -> None:
            progress(step, done, total)

        run_sweep(cells, folder / name, report)
        for f in ("results.parquet", "summary.json"):
            key = f"{name}/{f}"
            files.append(f"{folder.name}/{key}")
            commands[key] = [command(c, f"{name}-{i + 1}") for i, c in enumerate(cells)]
        notes[f"{name}/summary.json"] = (
            "one command per policy (or schedule); the stored table stacks their results.parquet"
        )
    sources: list[str] = ["tinyshakespeare"]
    return SectionOutput(files=files, sources=sources, commands=commands, notes=notes)


SECTION = Section("collapse", "Model collapse", run_collapse)

__all__ = ["SECTION", "command", "experiments", "run_collapse"]
