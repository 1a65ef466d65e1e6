"""``scalewall demo``: run every analysis section on public data and store the results.

This module orchestrates and stores; it never renders. The report
(:func:`scalewall.report.html.build_report`) reads only what is written here, so a results folder
can be re-rendered, diffed or archived without rerunning anything.

A results folder holds ``manifest.json`` (scalewall version, command, timings, data sources,
per-section files) and one subfolder per section. Sections are a list (:data:`SECTIONS`) of
:class:`scalewall.sections.Section`; each pillar defines its own in ``<pillar>/demo_section.py``
(the folder's files are listed there) and is listed here, writing under ``out_dir/<name>/``.
"""

from __future__ import annotations

import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scalewall import __version__
from scalewall.collapse import demo_section as collapse_section
from scalewall.data.registry import entry
from scalewall.downstream import demo_section as downstream_section
from scalewall.downstream import persuasion_section
from scalewall.forecast import demo_section as forecast_section
from scalewall.laws import demo_section as laws_section
from scalewall.laws import repeated_section, spec_curve_section
from scalewall.lm import demo_section as lm_section
from scalewall.sections import Progress, Section
from scalewall.storage import write_json
from scalewall.tts import demo_section as tts_section

MANIFEST_SCHEMA_VERSION = 1


#: The demo's analyses, in report order. Other pillars append theirs.
SECTIONS: list[Section] = [
    laws_section.SECTION,
    spec_curve_section.SECTION,
    repeated_section.SECTION,
    downstream_section.SECTION,
    downstream_section.BENCHMARKS,
    persuasion_section.SECTION,
    collapse_section.SECTION,
    tts_section.SECTION,
    forecast_section.SECTION,
    lm_section.SECTION,
]


def _source_record(name: str) -> dict[str, Any]:
    e = entry(name)
    return {
        "name": e.name,
        "filename": e.filename,
        "description": e.description,
        "license": e.license,
        "citation": e.citation,
        "url": e.url,
        "sha256": e.sha256,
    }


def run_demo(
    out_dir: str | Path,
    quick: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Run every section of :data:`SECTIONS` and store its results under ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        Results folder; created if missing. Files from an earlier run are overwritten.
    quick : bool, default=False
        Fewer bootstrap replicates (400 instead of 4,000) for a run well under a minute; the
        point estimates are the same, the intervals noisier.
    progress : callable, optional
        ``progress(step, done, total)`` for a progress display; library code never prints.

    Returns
    -------
    Path
        The results folder, with ``manifest.json`` written last.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report: Progress = progress or (lambda step, done, total: None)
    started = datetime.now(UTC)
    t_all = time.perf_counter()
    sections: list[dict[str, Any]] = []
    sources: list[str] = []
    for s in SECTIONS:
        t0 = time.perf_counter()
        res = s.run(out / s.name, quick, report)
        sections.append(
            {
                "name": s.name,
                "title": s.title,
                "seconds": round(time.perf_counter() - t0, 3),
                "files": res.files,
                "sources": res.sources,
                "commands": res.commands,
                "notes": res.notes,
            }
        )
        sources += [x for x in res.sources if x not in sources]
    manifest = {
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "scalewall_version": __version__,
        "command": "scalewall demo" + (" --quick" if quick else "") + f" --out {out}",
        "quick": quick,
        "started_utc": started.isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "timings": {
            **{s["name"]: s["seconds"] for s in sections},
            "total": round(time.perf_counter() - t_all, 3),
        },
        "sections": sections,
        "data_sources": [_source_record(n) for n in sources],
    }
    write_json(out / "manifest.json", manifest)
    return out


__all__ = ["SECTIONS", "run_demo"]
