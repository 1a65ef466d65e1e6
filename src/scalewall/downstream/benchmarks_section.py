"""The demo's 'Benchmark scaling' section: Epoch's Benchmarking Hub against training compute.

Writes ``benchmarks/``: ``summary.json`` (exactly what ``scalewall benchmarks --json`` writes, the
file the claims check reads for claims 2-4), ``benchmarks.csv`` (its key 'benchmarks', one row
per benchmark), ``curves.csv`` (fitted linear and logit curves with bands on a grid of compute,
for the figures), ``frontier.csv`` (best score at or below each compute and by release date),
``scores.csv`` (the scores fitted) and ``dropped.csv`` (rows dropped per benchmark and reason),
and ``summary_<rule>.json`` for each other variant rule (:data:`OTHER_VARIANTS`; ':' written
'-'), the same payload under that rule, which claim 2's robustness reads.
"""

from __future__ import annotations

from pathlib import Path

from scalewall.downstream.benchmark_scaling import analyze_hub
from scalewall.downstream.hub import hub_names, load_hub
from scalewall.sections import Progress, Section, SectionOutput
from scalewall.storage import write_csv, write_json

VARIANT = "best"
#: Other rules for a model's reasoning-effort variants, each a robustness specification.
OTHER_VARIANTS = ("all", "fixed:high")
MARGIN = 2.0


def replicates(quick: bool) -> int:
    """Bootstrap replicates over models: 1,000 as in the CLI's default, 200 with ``--quick``."""
    return 200 if quick else 1000


def _command(rule: str, reps: int, out: str) -> str:
    return (
        f"scalewall benchmarks --variant {rule} --margin {MARGIN:g} --bootstrap {reps} --json {out}"
    )


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
    commands = {f: [_command(VARIANT, reps, "summary.json")] for f in ("summary.json", *tables)}
    for rule in OTHER_VARIANTS:
        name = f"summary_{rule.replace(':', '-')}.json"
        other = analyze_hub(load_hub(variant=rule), margin=MARGIN, bootstrap=reps, seed=0)
        write_json(folder / name, other.to_dict())
        commands[name] = [_command(rule, reps, name)]
    return SectionOutput(
        files=[f"{folder.name}/{f}" for f in commands],
        sources=hub_names(),
        commands=commands,
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
