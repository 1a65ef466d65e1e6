"""The report's parts, in page order, keyed by the results folder each one reads."""

from __future__ import annotations

from scalewall.report import scaling_laws
from scalewall.report.part import ReportPart

#: Results folder (the manifest's section name) -> its part of the report. Pillars add theirs.
PARTS: dict[str, ReportPart] = {part.folder: part for part in (scaling_laws.PART,)}
