"""The report's parts, in page order, keyed by the results folder each one reads."""

from __future__ import annotations

from scalewall.report import benchmarks as benchmarks_part
from scalewall.report import (
    collapse,
    downstream,
    forecasts,
    repeated_data,
    scaling_laws,
    spec_curve,
    tts,
)
from scalewall.report import lm as lm_part
from scalewall.report import persuasion as persuasion_part
from scalewall.report.part import ReportPart

#: Results folder (the manifest's section name) -> its part of the report. Pillars add theirs.
PARTS: dict[str, ReportPart] = {
    part.folder: part
    for part in (
        scaling_laws.PART,
        spec_curve.PART,
        repeated_data.PART,
        downstream.PART,
        benchmarks_part.PART,
        persuasion_part.PART,
        collapse.PART,
        tts.PART,
        forecasts.PART,
        lm_part.PART,
    )
}
