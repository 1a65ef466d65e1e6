"""The demo's 'Robustness of the fits' section: a specification curve on Epoch's Chinchilla data.

Epoch's 240 runs (Besiroglu et al. 2024: 245 extracted, the 5 highest losses dropped) refitted
under every choice :func:`scalewall.laws.spec_curve.choices` offers for this table (law form x
objective x FLOP accounting x subset; the table has neither non-embedding counts nor a
learning-rate sweep). Writes ``spec_curve/``:

* ``spec_curve.csv``: one row per specification x quantity (``scalewall robustness --csv``);
* ``spec_curve.json``: the same rows with the spread of each quantity
  (:func:`scalewall.laws.spec_curve.spread`) and the replicates and level behind the intervals,
  exactly as ``scalewall robustness --json`` writes them.
"""

from __future__ import annotations

from pathlib import Path

from scalewall.laws.api import exclude_top_loss
from scalewall.laws.spec_curve import load_for_curve, payload, spec_curve
from scalewall.sections import Progress, Section, SectionOutput
from scalewall.storage import write_csv, write_json

SOURCE = "chinchilla-epoch"
EXCLUDE_TOP = 5  # Besiroglu et al. 2024 drop the 5 highest-loss runs of the 245
LEVEL = 0.95


def _replicates(quick: bool) -> int:
    """Bootstrap refits per specification: 48 specifications keep the section near 20 s."""
    return 10 if quick else 40


def command(replicates: int) -> str:
    return (
        f"scalewall robustness {SOURCE} --exclude-top-loss {EXCLUDE_TOP} --bootstrap "
        f"{replicates} --seed 0 --csv spec_curve.csv --json spec_curve.json"
    )


def run_spec_curve(folder: Path, quick: bool, progress: Progress) -> SectionOutput:
    """Refit Epoch's data under every specification; store the tidy table and the spread."""
    reps = _replicates(quick)
    runs, d_from_c = load_for_curve(SOURCE)
    runs = exclude_top_loss(runs, EXCLUDE_TOP, SOURCE)
    progress("specification curve", 0, 1)
    table = spec_curve(runs, d_from_c=d_from_c, bootstrap=reps, seed=0, level=LEVEL, source=SOURCE)
    progress("specification curve", 1, 1)
    write_csv(folder / "spec_curve.csv", table)
    write_json(
        folder / "spec_curve.json",
        payload(table, source=SOURCE, n_runs=len(runs), replicates=reps, seed=0, level=LEVEL),
    )
    cmd = command(reps)
    return SectionOutput(
        files=["spec_curve/spec_curve.csv", "spec_curve/spec_curve.json"],
        sources=[SOURCE],
        commands={"spec_curve.csv": [cmd], "spec_curve.json": [cmd]},
    )


SECTION = Section("spec_curve", "Robustness of the fits", run_spec_curve)
