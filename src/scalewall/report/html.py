"""The self-contained HTML report, built from a results folder written by ``scalewall demo``.

:func:`build_report` reads only stored files (``manifest.json`` and each section's JSON and CSV),
draws the figures, measures the claims it can, and writes

* ``report.html``: one file with inline CSS and the figures inlined as SVG data URIs; it makes no
  network request and needs no JavaScript;
* ``claims.json`` and ``claims.csv``: the claims table, one record per claim (``id`` 1-20,
  the fields of :class:`scalewall.claims.ClaimRecord` plus ``stability``; in the CSV
  ``claimed_range`` and ``robustness`` are JSON strings).

Each analysis contributes a :class:`~scalewall.report.part.ReportPart` (:data:`~scalewall.report.
parts.PARTS`), keyed by the manifest's section name: its figures, its section of the page and the
claims it measures. A claim no stored section measures has verdict ``not measured yet`` and no
number.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from scalewall.report.claims import (
    CLAIMS,
    NOT_MEASURED,
    SECTION_TITLES,
    VERDICTS,
    Claim,
    claims_records,
)
from scalewall.report.common import cmd, fmt_cell, fmt_num, fmt_year, read_json, table
from scalewall.report.figures import make_figures
from scalewall.report.parts import PARTS
from scalewall.storage import write_atomic

#: Literature every report cites, whatever its sections.
LITERATURE = ("Okabe & Ito 2008, 'Color Universal Design' (the figures' colour palette)",)


def measure_claims(root: Path, manifest: Mapping[str, Any]) -> list[Claim]:
    """All 20 claims: measured where a stored section tests them, 'not measured yet' elsewhere.

    A later section's record of a claim replaces an earlier one's: the demo's order puts each
    claim's primary data (the hub, the persuasion study) after the fallback reading.
    """
    measured: dict[int, Claim] = {}
    for sec in manifest.get("sections", []):
        part = PARTS.get(sec["name"])
        if part is not None and part.measure is not None:
            measured.update(part.measure(root / sec["name"], sec.get("commands", {})))
    return [measured.get(c.id, c) for c in CLAIMS]


def _section_link(section: str, present: set[str]) -> str:
    title = SECTION_TITLES.get(section, section)
    if section in present:
        return f'<a href="#{section}">{escape(title)}</a>'
    return f"<span class=muted>{escape(title)} (not built yet)</span>"


def render_claims(claims: Sequence[Claim], present: set[str]) -> str:
    """The 'Claims check' section: one row per claim with its ``data-verdict``."""
    rows, attrs = [], []
    for c in claims:
        if c.value is None:
            value = "<span class=muted>\u2014</span>"
        elif c.unit == "year":
            value = fmt_year(c.value, c.lo, c.hi)
        elif c.unit.startswith("%"):
            est, iv = fmt_num(c.value, c.lo, c.hi)
            value = f"{est}% <span class=iv>{iv}</span>"
        else:
            value = fmt_cell(c.value, c.lo, c.hi)
        label = "; ".join(x for x in (c.unit, c.interval if c.lo is not None else "") if x)
        unit = f"<div class=unit>{escape(label)}</div>" if label else ""
        notes = [
            (k, v)
            for k, v in (
                ("Reading", c.reading),
                ("Data", c.data),
                ("Extrapolated", c.extrapolation),
                ("Test", c.test),
            )
            if v
        ]
        detail = "".join(f"<div class=detail><b>{k}:</b> {escape(v)}</div>" for k, v in notes)
        detail += f"<div class=detail>{escape(c.detail)}</div>" if c.detail else ""
        checks = "; ".join(f"{r.specification}: {r.verdict}" for r in c.robustness)
        detail += f"<div class=detail><b>Robustness:</b> {escape(checks)}</div>" if checks else ""
        robust = c.stability.split(" (")[0]
        rows.append(
            [
                str(c.id),
                escape(c.claim),
                escape(c.measurement) + detail,
                value + unit,
                f'<span class="verdict">{escape(c.verdict)}</span>'
                + (f"<div class=unit>{escape(robust)}</div>" if robust else ""),
                _section_link(c.section, present),
            ]
        )
        attrs.append(f'data-verdict="{escape(c.verdict)}" data-claim="{c.id}"')
    n = sum(c.verdict != NOT_MEASURED for c in claims)
    claims_table = table(
        ["#", "Claim", "Measurement", "Value [interval]", "Verdict (robustness)", "Evidence"],
        rows,
        numeric=[True, False, False, True, False, False],
        table_id="claims",
        row_attrs=attrs,
    )
    rules = "".join(f"<li><b>Claim {c.id}</b>: {escape(c.rule)}</li>" for c in claims if c.rule)
    rules += (
        "<li><b>Robustness</b>: each claim is re-read under its alternative specifications "
        "(listed per row); <i>robust</i> when all give the same verdict, <i>fragile</i> "
        "otherwise. Only sampling intervals (bootstrap, analytic, Monte Carlo) decide a verdict; "
        "digitisation bands, priors and spreads of runs are shown, never used.</li>"
    )
    return (
        f"<p>{n} of {len(claims)} claims are measured by the analyses in this results folder"
        + (
            "; the others say <i>not measured yet</i> (their section is not in this folder), "
            "never a placeholder number"
            if n < len(claims)
            else ""
        )
        + ". Every number is computed from the stored results (<code>claims.json</code> holds "
        "the same table); intervals are 95% unless the cell says otherwise.</p>"
        + claims_table
        + f"<h3>Verdict rules</h3><ul class=rules>{rules}</ul>"
    )


def render_sources(manifest: Mapping[str, Any]) -> str:
    rows = [
        [
            f"<code>{escape(s['name'])}</code><div class=detail>{escape(s['description'])}</div>",
            escape(s["license"]),
            escape(s["citation"]),
            (
                f"<code class=small>{escape(s['url'])}</code>"
                if s.get("url")
                else "converted by hand (no canonical address)"
            )
            + f"<div class=detail>sha256 <code>{escape(s['sha256'][:16])}\u2026</code></div>",
        ]
        for s in manifest.get("data_sources", [])
    ]
    sources = table(["data set", "license", "citation", "pinned file"], rows)
    present = [PARTS[s["name"]] for s in manifest.get("sections", []) if s["name"] in PARTS]
    refs = [x for part in present for x in part.literature] + list(LITERATURE)
    lit = "".join(f"<li>{escape(x)}</li>" for x in dict.fromkeys(refs))
    return (
        "<p>Every file comes through the scalewall data registry (pinned address and sha256; "
        "<code>scalewall data list</code>).</p>" + sources + f"<h3>Literature</h3><ul>{lit}</ul>"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def render_reproduce(manifest: Mapping[str, Any], claims: Sequence[Claim]) -> str:
    """'How to reproduce': the whole run in one line, then one folded group per section.

    Inside a group each command appears once, followed by the stored files it writes and the
    claims it measures, so the section stays a few lines long however many files there are.
    """
    claims_by: dict[tuple[str, str], list[str]] = {}
    for c in claims:
        if c.command:
            claims_by.setdefault((c.section, c.command), []).append(str(c.id))
    groups = []
    for sec in manifest.get("sections", []):
        part = PARTS.get(sec["name"])
        anchor = part.anchor if part is not None else sec["name"]
        notes = sec.get("notes", {})
        writes: dict[str, list[str]] = {}
        for fname, cmds in sec.get("commands", {}).items():
            note = notes.get(fname)
            shown = f"<code>{escape(fname)}</code>" + (f" ({escape(note)})" if note else "")
            for command in cmds:
                writes.setdefault(command, []).append(shown)
        for section, command in claims_by:
            if section == anchor:
                writes.setdefault(command, [])
        items = []
        for command, files in writes.items():
            ids = claims_by.get((anchor, command), [])
            what = [f"writes {', '.join(files)}"] if files else []
            what += [f"claims {', '.join(ids)}"] if ids else []
            items.append(f"<li>{cmd(command)}<div class=detail>{'; '.join(what)}</div></li>")
        title = escape(SECTION_TITLES.get(anchor, sec["name"]))
        n_files = len(sec.get("commands", {}))
        groups.append(
            f"<details><summary>{title}: {_count(len(writes), 'command')}, "
            f"{_count(n_files, 'stored file')}"
            f"</summary><ul class=repro>{''.join(items)}</ul></details>"
        )
    return (
        "<p>The whole folder and this report: "
        f"{cmd(manifest.get('command', 'scalewall demo'))}; the report alone, from the stored "
        f"results: {cmd('scalewall report RESULTS_DIR')}. Each stored file and claim comes from "
        "one of the commands below, run in the section's folder (the same seed gives the same "
        "numbers):</p>" + "".join(groups)
    )


CSS = """
:root { --fg:#1d1d1f; --muted:#6b6b70; --rule:#dcdce0; --bg:#fff; --accent:#0072B2;
  --sup:#1a7f37; --part:#9a6700; --no:#b42318; --none:#6b6b70; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--fg); background: var(--bg);
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans",
  "DejaVu Sans", sans-serif; line-height: 1.55; }
main, header, footer { max-width: 68rem; margin: 0 auto; padding: 0 1.5rem; }
header { padding-top: 2rem; }
h1 { font-size: 1.9rem; margin: 0 0 .3rem; letter-spacing: -.01em; }
h2 { font-size: 1.4rem; margin: 2.6rem 0 .8rem; padding-top: .6rem; border-top: 2px solid var(--fg); }
h3 { font-size: 1.08rem; margin: 1.8rem 0 .5rem; }
p, li { max-width: 48rem; }
a { color: var(--accent); }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
  font-size: .86em; }
code.cmd { background: #f4f4f6; padding: .1em .35em; border-radius: 3px; word-break: break-word; }
code.small { font-size: .75em; word-break: break-all; }
.meta, .muted, .note, .unit, .detail { color: var(--muted); }
.note { font-size: .9rem; }
.unit, .detail { font-size: .82rem; line-height: 1.35; margin-top: .2rem; white-space: normal; }
nav ol { display: flex; flex-wrap: wrap; gap: .2rem 1.2rem; padding: 0; list-style: none; margin: 1rem 0; }
.banner { background: #fff8e6; border-left: 4px solid var(--part); padding: .6rem 1rem; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0 1.2rem; font-size: .9rem; }
caption { text-align: left; color: var(--muted); padding-bottom: .3rem; }
th, td { padding: .4rem .6rem; border-bottom: 1px solid var(--rule); vertical-align: top;
  text-align: left; }
thead th { border-bottom: 1.5px solid var(--fg); font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.num .iv { white-space: nowrap; }  /* a narrow column breaks between estimate and interval */
.iv { color: var(--muted); }
tbody tr:hover { background: #fafafa; }
#claims td:nth-child(2) { font-weight: 500; min-width: 14rem; }
#claims td:nth-child(3) { min-width: 16rem; }
.verdict { display: inline-block; padding: .1rem .5rem; border-radius: 999px; font-size: .8rem;
  font-weight: 600; white-space: nowrap; border: 1px solid currentColor; }
tr[data-verdict="supported"] .verdict { color: var(--sup); background: #e9f6ec; }
tr[data-verdict="partly supported"] .verdict { color: var(--part); background: #fff4d6; }
tr[data-verdict="not supported"] .verdict { color: var(--no); background: #fdecea; }
tr[data-verdict="cannot be tested with this data"] .verdict,
tr[data-verdict="not measured yet"] .verdict { color: var(--none); background: #f2f2f4;
  font-weight: 500; }
tr[data-verdict="not measured yet"] td { color: var(--muted); }
ul.rules li { margin-bottom: .4rem; }
details { border-bottom: 1px solid var(--rule); padding: .35rem 0; }
summary { cursor: pointer; font-weight: 600; }
ul.repro { margin: .4rem 0 .2rem; padding-left: 1.2rem; }
ul.repro li { margin-bottom: .5rem; max-width: none; }
.scroll { overflow-x: auto; max-width: 100%; }
.scroll table { margin-top: 0; }
figure { margin: 1.6rem 0; }
figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption { font-size: .88rem; color: var(--muted); max-width: 48rem; margin: .5rem auto 0; }
footer { margin: 3rem auto 2rem; font-size: .85rem; color: var(--muted);
  border-top: 1px solid var(--rule); padding-top: 1rem; }
@media print { h2 { break-before: auto; } figure, table { break-inside: avoid; } }
"""


def render_html(
    manifest: Mapping[str, Any],
    claims: Sequence[Claim],
    sections: Sequence[tuple[str, str]],
) -> str:
    """The whole page: claims first, then each built section, data sources, reproduction."""
    present = {anchor for anchor, _ in sections}
    parts = [("claims-check", render_claims(claims, present)), *sections]
    parts += [("data-sources", render_sources(manifest))]
    parts += [("reproduce", render_reproduce(manifest, claims))]
    nav = "".join(
        f'<li><a href="#{a}">{escape(SECTION_TITLES.get(a, a))}</a></li>' for a, _ in parts
    )
    body = "".join(
        f'<section id="{a}"><h2>{escape(SECTION_TITLES.get(a, a))}</h2>{html}</section>'
        for a, html in parts
    )
    quick = (
        "<p class=banner>Quick run: intervals come from fewer bootstrap replicates than the "
        "full run (<code>scalewall demo</code> without <code>--quick</code>); the point "
        "estimates are the same.</p>"
        if manifest.get("quick")
        else ""
    )
    timings = ", ".join(
        f"{escape(k.replace('_', ' '))} {v:.1f} s" for k, v in manifest.get("timings", {}).items()
    )
    version = escape(str(manifest.get("scalewall_version", "?")))
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        "<title>scalewall report: where scaling bends, with intervals</title>"
        f"<style>{CSS}</style></head><body>"
        "<header><h1>scalewall report</h1>"
        "<p class=meta>Popular claims about the AI scaling wall, next to numbers with intervals "
        f"computed from public data. scalewall {version}; run started "
        f"{escape(str(manifest.get('started_utc', '?')))} UTC; {timings}.</p>"
        f"{quick}<nav><ol>{nav}</ol></nav></header>"
        f"<main>{body}</main>"
        f"<footer>Generated by <code>scalewall report</code> from "
        "<code>manifest.json</code> and the section folders next to this file; "
        "figures in <code>figures/</code>, the claims in <code>claims.json</code>.</footer>"
        "</body></html>\n"
    )


def build_report(results_dir: str | Path) -> Path:
    """Write ``report.html``, ``claims.json``, ``claims.csv`` and ``figures/`` from stored results.

    Parameters
    ----------
    results_dir : str or Path
        A folder written by :func:`scalewall.demo.run_demo` (it holds ``manifest.json``).

    Returns
    -------
    Path
        The report file. Nothing but the files in ``results_dir`` is read.
    """
    root = Path(results_dir)
    manifest = read_json(root / "manifest.json")
    built = sorted(
        (PARTS[s["name"]] for s in manifest.get("sections", []) if s["name"] in PARTS),
        key=lambda part: list(SECTION_TITLES).index(part.anchor),
    )
    figs = make_figures(root, [(part.folder, part.figures) for part in built])
    claims = measure_claims(root, manifest)
    records = claims_records(claims)
    write_atomic(root / "claims.json", json.dumps(records, indent=2, allow_nan=False) + "\n")
    nested = ("claimed_range", "robustness")
    flat = [r | {k: json.dumps(r[k]) for k in nested} for r in records]
    write_atomic(root / "claims.csv", pd.DataFrame(flat).to_csv(index=False))
    sections = [(part.anchor, part.render(root / part.folder, figs)) for part in built]
    path = root / "report.html"
    write_atomic(path, render_html(manifest, claims, sections))
    return path


__all__ = ["NOT_MEASURED", "VERDICTS", "build_report", "fmt_num", "measure_claims"]
