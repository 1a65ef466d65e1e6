"""What one analysis contributes to the report: its figures, its section and its claims."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scalewall.report.claims import Claim
from scalewall.report.common import FigureFile
from scalewall.report.figures import FigureBuilder

#: ``render(section_folder, figures) -> HTML`` of the section body (the heading is added).
Renderer = Callable[[Path, Sequence[FigureFile]], str]
#: ``measure(section_folder, commands) -> {claim id: measured Claim}``; ``commands`` maps each
#: stored file to the CLI commands that reproduce it (from the manifest).
Measurer = Callable[[Path, Mapping[str, Sequence[str]]], dict[int, Claim]]


@dataclass(frozen=True)
class ReportPart:
    """One analysis in the report, keyed by its results folder (the manifest's section name).

    Attributes
    ----------
    folder : str
        The section's folder in the results directory, as ``scalewall demo`` names it.
    anchor : str
        The report section it renders (a key of ``claims.SECTION_TITLES``).
    render : Renderer
        Builds the section's HTML from the stored files; figures are found by file stem.
    figures : mapping
        File stem -> builder, drawn from the same folder.
    measure : Measurer, optional
        Fills in the claims this analysis tests.
    literature : tuple of str
        Works cited by the section, listed under 'Data sources'.
    """

    folder: str
    anchor: str
    render: Renderer
    figures: Mapping[str, FigureBuilder] = field(default_factory=dict)
    measure: Measurer | None = None
    literature: tuple[str, ...] = ()
