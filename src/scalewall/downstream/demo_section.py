"""The demo's 'Downstream scaling' section: Pythia's zero-shot evaluations, final checkpoints.

Writes ``downstream/``: ``summary.json`` (exactly what ``scalewall downstream pythia-zeroshot
--json`` writes), ``trends.csv`` (one row per task), ``scores.csv`` (the final-checkpoint scores
used, with test-set size and chance) and ``bands.csv`` (fitted lines with confidence bands on a
grid of sizes, for the figure). No randomness, so ``quick`` changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from scalewall.downstream.benchmarks_section import SECTION as BENCHMARKS
from scalewall.downstream.table import load_scores
from scalewall.downstream.trends import analyze
from scalewall.sections import Progress, Section, SectionOutput
from scalewall.storage import write_csv, write_json

SOURCE = "pythia-zeroshot"
COMMAND = f"scalewall downstream {SOURCE} --json summary.json"


def run_downstream(folder: Path, quick: bool, progress: Progress) -> SectionOutput:
    """Trend, last-10x gain, inverse scaling and saturation per task (see ``trends``)."""
    step = "downstream: Pythia zero-shot trends"
    progress(step, 0, 2)
    res = analyze(load_scores(SOURCE), source=SOURCE)
    progress(step, 1, 2)
    write_json(folder / "summary.json", res.to_dict())
    write_csv(folder / "trends.csv", res.tasks)
    write_csv(folder / "scores.csv", res.scores)
    write_csv(folder / "bands.csv", res.bands())
    progress(step, 2, 2)
    files = ("summary.json", "trends.csv", "scores.csv", "bands.csv")
    return SectionOutput(
        files=[f"{folder.name}/{f}" for f in files],
        sources=[SOURCE],
        commands={f: [COMMAND] for f in files},
        notes={
            "trends.csv": "the key 'tasks' of the JSON",
            "scores.csv": "the key 'scores' of the JSON",
            "bands.csv": (
                "the fitted lines of the JSON's slopes on a grid of sizes "
                "(scalewall.downstream.DownstreamResult.bands)"
            ),
        },
    )


SECTION = Section("downstream", "Downstream scaling", run_downstream)

#: The pillar's second section, Epoch's Benchmarking Hub (:mod:`.benchmarks_section`).
__all__ = ["BENCHMARKS", "SECTION"]
