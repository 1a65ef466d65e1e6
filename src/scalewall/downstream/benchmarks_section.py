"""The demo's 'Benchmark scaling' section: Epoch's Benchmarking Hub against training compute.

Writes ``benchmarks/``: ``summary.json`` (exactly what ``scalewall benchmarks --json`` writes, the
file the claims check reads for claims 2-4), ``benchmarks.csv`` (its key 'benchmarks', one row
per benchmark), ``curves.csv`` (fitted linear and logit curves with bands on a grid of compute,
for the figures), ``frontier.csv`` (best score at or below each compute and by release date),
``scores.csv`` (the scores fitted) and ``dropped.csv`` (rows dropped per benchmark and reason).
"""

from __future__ import annotations

from pathlib import Path

from scalewall.downstream.benchmark_scaling import analyze_hub
from scalewall.downstream.hub import hub_names, load_hub
from scalewall.sections import Progress, Section, SectionOutput
from scalewall.storage import write_csv, write_json

VARIANT = "best"
MARGIN = 2.0


def replicates(quick: bool) -> int:
    """Bootstrap replicates over models: 1,000 as in the CLI's default, 200 with ``--quick``."""
    return 200 if quick else 1000


def run_benchmarks(folder: Path, quick: bool, progress: Progress) -> SectionOutput:
    """Fits, gain per 10x, TOST, inverse scaling and confounding on every hub benchmark."""
    reps = replicates(quick)
    step = "benchmarks: load Epoch's Benchmarking Hub"
    progress(step, 0, 1)
    table = load_hub(variant=VARIANT)
    progress(step, 1, 1)
    res = analyze_hub(table, margin=MARGIN, bootstrap=reps, seed=0, progress=progress)
    write_json(folder / "summary.json", res.to_dict())
    tables = {
        "benchmarks.csv": res.benchmarks,
        "curves.csv": res.curves,
        "frontier.csv": res.frontier,
        "scores.csv": res.scores,
        "dropped.csv": res.dropped,
    }
    for name, df in tables.items():
        write_csv(folder / name, df)
    command = (
        f"scalewall benchmarks --variant {VARIANT} --margin {MARGIN:g} --bootstrap {reps} "
        "--json summary.json"
    )
    files = ["summary.json", *tables]
    return SectionOutput(
        files=[f"{folder.name}/{f}" for f in files],
        sources=hub_names(),
        commands={f: [command] for f in files},
        notes={
            "benchmarks.csv": "the key 'benchmarks' of the JSON",
            "dropped.csv": "the key 'dropped' of the JSON",
            "curves.csv": "the fits of the JSON on a grid of compute "
            "(scalewall.downstream.benchmark_scaling.HubScaling.curves)",
            "frontier.csv": "scalewall.downstream.benchmark_scaling.frontier of the scores used",
            "scores.csv": "the scores fitted (scalewall.downstream.hub.load_hub, variant best)",
        },
    )


SECTION = Section("benchmarks", "Benchmark scaling", run_benchmarks)
