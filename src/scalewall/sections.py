"""The contract between ``scalewall demo`` and each analysis it runs.

A pillar (scaling laws, collapse, forecasts, test-time compute, own LM runs) exposes a
:class:`Section`; :func:`scalewall.demo.run_demo` calls it with its own results folder and stores
what it reports in ``manifest.json``. The report reads the folder back through the pillar's
:class:`scalewall.report.part.ReportPart`, so a section never renders and a report part never
computes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: ``progress(step, done, total)``: called as each step of a section advances.
Progress = Callable[[str, int, int], None]


@dataclass
class SectionOutput:
    """What a section reports back to the manifest.

    Attributes
    ----------
    files : list of str
        Paths written, relative to the results folder.
    sources : list of str
        Registry names of the public data used (license and citation go into the manifest).
    commands : dict
        File name -> the CLI commands that reproduce its numbers.
    notes : dict
        File name -> where in the commands' output the numbers are, when it is not obvious.
    """

    files: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    commands: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    """One analysis of the demo: ``run(folder, quick, progress)`` writes into ``folder``.

    ``quick`` asks for the same analysis with fewer replicates (the demo's ``--quick``: the whole
    demo within a minute on 2 cores); ``name`` is also the results subfolder.
    """

    name: str
    title: str
    run: Callable[[Path, bool, Progress], SectionOutput]


__all__ = ["Progress", "Section", "SectionOutput"]
