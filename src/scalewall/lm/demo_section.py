"""The demo's 'Own LM runs' section: a tiny scaling sweep trained here, on Tiny Shakespeare.

Runs the shipped preset ``demo-lm-quick`` (``--quick``) or ``demo-lm`` in this process (one
worker, so no process start-up eats the budget) and keeps what the report reads: ``runs.csv``,
``fit.json``, ``frontier.csv``, ``concept_frequency.csv`` / ``.json`` and ``sweep.json``.
"""

from __future__ import annotations

from pathlib import Path

from scalewall.sections import Progress, Section, SectionOutput

FILES = (
    "runs.csv",
    "fit.json",
    "frontier.csv",
    "concept_frequency.csv",
    "concept_frequency.json",
    "sweep.json",
)


def run_lm(folder: Path, quick: bool, progress: Progress) -> SectionOutput:
    """Train the preset's runs into ``folder/runs`` and store the fits beside them."""
    import importlib.util

    if importlib.util.find_spec("torch") is None:  # the optional [lm] extra is not installed
        return SectionOutput(notes={"lm": "skipped: install scalewall[lm] for PyTorch"})
    from scalewall.lm import sweep

    name = "demo-lm-quick" if quick else "demo-lm"
    step = f"own LM runs: {name}"
    sweep.run(
        sweep.load(preset=name),
        folder,
        workers=1,
        progress=lambda done, total: progress(step, done, total),
    )
    command = f"scalewall sweep --preset {name} --workers 1 --out {folder.name} --json sweep.json"
    return SectionOutput(
        files=[f"{folder.name}/{f}" for f in FILES],
        sources=["tinyshakespeare"],
        commands={f: [command] for f in FILES},
        notes={
            "fit.json": "the 'fit' object of the --json output",
            "concept_frequency.json": "the 'concept_frequency' object of the --json output",
        },
    )


SECTION = Section("lm", "Own LM runs", run_lm)

__all__ = ["SECTION", "run_lm"]
