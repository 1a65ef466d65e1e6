"""The demo's 'Persuasion' section: Hackenburg et al. 2025 (PNAS) reproduced and tested.

Writes ``persuasion/``: ``summary.json`` (exactly what ``scalewall persuasion --json`` writes;
its key ``equivalence`` is the record the claims check reads), ``reproduction.csv`` (ours next
to the authors' tables), ``models.csv`` (per-model effects with size, frontier and comparison
flags), ``forms.csv`` (the non-linear forms) and ``band.csv`` (the primary fit's line with its
analytic 95% band, for the figure). No randomness, so ``quick`` changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from scalewall.downstream.persuasion import MESSAGES, MODEL_ATES, analyze
from scalewall.sections import Progress, Section, SectionOutput
from scalewall.storage import write_csv, write_json

COMMAND = "scalewall persuasion --margin 1.0 --json summary.json"
PUBLISHED = (
    "hackenburg2025-table-primary-model",
    "hackenburg2025-table-primary-adjust2",
    "hackenburg2025-nonlinear-results",
    "hackenburg2025-nonlinear-comparisons",
)


def run_persuasion(folder: Path, quick: bool, progress: Progress) -> SectionOutput:
    """Meta-regressions, forms and the frontier equivalence test (see ``persuasion``)."""
    step = "persuasion: Hackenburg et al. 2025"
    progress(step, 0, 2)
    res = analyze()
    progress(step, 1, 2)
    write_json(folder / "summary.json", res.to_dict())
    write_csv(folder / "reproduction.csv", res.reproduction)
    write_csv(folder / "models.csv", res.models)
    write_csv(folder / "forms.csv", res.forms)
    write_csv(folder / "band.csv", res.band())
    progress(step, 2, 2)
    files = ("summary.json", "reproduction.csv", "models.csv", "forms.csv", "band.csv")
    return SectionOutput(
        files=[f"{folder.name}/{f}" for f in files],
        sources=[MESSAGES, MODEL_ATES, *PUBLISHED],
        commands={f: [COMMAND] for f in files},
        notes={
            "reproduction.csv": "the key 'reproduction' of the JSON",
            "models.csv": "the key 'models' of the JSON",
            "forms.csv": "the key 'nonlinear' of the JSON",
            "band.csv": (
                "the primary fit's line on a grid of sizes "
                "(scalewall.downstream.persuasion.PersuasionResult.band)"
            ),
        },
    )


SECTION = Section("persuasion", "Persuasion and model size", run_persuasion)
