"""Epoch AI's Benchmarking Hub as one tidy table of scores against training compute.

Each hub file (registry ``epoch-hub-<key>``) is one benchmark: a row per model version with its
score, release date, organisation and, where Epoch knows it, training compute. Column names and
scales differ between files; the registry names each file's score (and stderr) column and
:mod:`scalewall.downstream.hub_meta` says how to read it. Rows that cannot enter a fit against
compute are dropped and counted by reason (:data:`REASONS`), never silently.

A model version such as ``o3-2025-04-16_high`` or ``claude-opus-4-20250514_16K`` is one model at
one reasoning-effort setting (:data:`EFFORT`): ``model`` is the part before the suffix, ``variant``
the suffix ('' for none). The variant rule decides which rows stand for a model:

- ``best``: the highest-scoring variant of each model (the hub's own convention for leaderboards);
- ``fixed:<effort>``: that effort only (models without variants are kept as they are);
- ``all``: every variant, as test-time compute; the bootstrap still resamples whole models.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from scalewall.data import registry
from scalewall.data.runs import read_source
from scalewall.downstream.hub_meta import GENERIC, HUB_BENCHMARKS, HubBenchmark
from scalewall.errors import input_error
from scalewall.validate import reject_rows, require_columns

PREFIX = "epoch-hub-"
#: Reasoning-effort suffixes of a model version (named efforts and thinking-token budgets).
EFFORT = re.compile(r"_(minimal|low|medium|high|xhigh|thinking|\d+K)$")
MODEL, DATE, ORG, COMPUTE = (
    "Model version",
    "Release date",
    "Organization",
    "Training compute (FLOP)",
)
#: Why a row was dropped, in the order the rules apply.
REASONS = (
    "no model version",
    "no score",
    "unparsable score",
    "no training compute",
    "duplicate model version (best score kept)",
    "other effort",
    "other variant (best kept)",
)
COLUMNS = [
    "benchmark",
    "model",
    "variant",
    "model_version",
    "score",
    "bounded",
    "stderr",
    "training_compute",
    "log10_compute",
    "release_date",
    "release_year",
    "organisation",
]


@dataclass
class HubTable:
    """The tidy scores (``scores``, :data:`COLUMNS`; ``score`` in [0, 1] where ``bounded``, else
    in the benchmark's native units) and the dropped-row counts (``dropped``: benchmark, reason,
    rows), with the variant rule that produced them."""

    scores: pd.DataFrame
    dropped: pd.DataFrame
    variant: str
    meta: dict[str, HubBenchmark]

    def dropped_by_reason(self) -> dict[str, int]:
        """Rows dropped over all benchmarks, per reason (every reason listed, zeros included)."""
        got = self.dropped.groupby("reason")["rows"].sum()
        return {r: int(got.get(r, 0)) for r in REASONS}


def parse_variant(rule: str) -> tuple[str, str | None]:
    """``'best'``, ``'all'`` or ``'fixed:<effort>'`` -> (kind, effort)."""
    kind, _, effort = rule.partition(":")
    if kind in ("best", "all") and not effort:
        return kind, None
    if kind == "fixed" and EFFORT.fullmatch(f"_{effort}"):
        return kind, effort
    raise input_error(
        "--variant must be 'best', 'all' or 'fixed:<effort>'",
        got=rule,
        fix="efforts are minimal, low, medium, high, xhigh, thinking or a budget such as 16K",
    )


def hub_names() -> list[str]:
    """Registry names of every hub file, benchmarks and the ECI."""
    return [e.name for e in registry.ENTRIES if e.name.startswith(PREFIX)]


#: Roles a user's hub-style file can map to its own column names (``--<role>-col``).
ROLES = {"model": MODEL, "date": DATE, "compute": COMPUTE, "organisation": ORG, "score": None}


def _mapped(raw: pd.DataFrame, columns: Mapping[str, str], source: str) -> pd.DataFrame:
    """A user's file with its mapped columns renamed to the hub's names (score kept as is)."""
    unknown = sorted(set(columns) - set(ROLES))
    if unknown:
        raise input_error(
            "unknown column role", column=unknown[0], fix=f"roles are {', '.join(ROLES)}"
        )
    for col in columns.values():
        if col not in raw.columns:
            raise input_error(
                "column not found",
                source=source,
                column=col,
                fix=f"columns are: {', '.join(map(str, raw.columns[:12]))}",
            )
    return raw.rename(columns={c: ROLES[r] for r, c in columns.items() if ROLES[r]})


def _resolve(
    source: str, columns: Mapping[str, str], scale: float
) -> tuple[str, pd.DataFrame, str, str | None, HubBenchmark]:
    """(benchmark key, raw table, score column, stderr column, metadata) of a name or file."""
    name = source if source.startswith(PREFIX) else PREFIX + source
    if registry.names_entry(name) and not Path(source).exists():
        if columns or scale != 1.0:
            raise input_error(
                "column names and the score scale apply to your own files only",
                source=source,
                fix="the registry knows each hub file's columns and scale",
            )
        raw, e = read_source(name)
        assert e is not None  # a registry name always has its entry
        key = name.removeprefix(PREFIX)
        return key, raw, e.columns["score"], e.columns.get("stderr"), HUB_BENCHMARKS[key]
    if not scale > 0:
        raise input_error("the score scale must be > 0 (1 or 100)", column="scale", got=scale)
    raw = _mapped(read_source(source)[0], columns, source)
    known = {e.columns["score"] for e in registry.ENTRIES if e.name.startswith(PREFIX)}
    score = columns.get("score") or next((c for c in raw.columns if c in known), None)
    if score is None:
        raise input_error(
            "no score column of a hub file found",
            source=source,
            fix=f"name it with --score-col, or call it one of: {', '.join(sorted(known))}",
        )
    se = "stderr" if "stderr" in raw.columns else None
    return Path(source).stem, raw, score, se, replace(GENERIC, scale=scale)


def read_benchmark(
    source: str, columns: Mapping[str, str] | None = None, scale: float = 1.0
) -> tuple[pd.DataFrame, dict[str, int], HubBenchmark]:
    """One hub file -> (rows with compute, every variant; drop counts; metadata).

    For a file of your own, ``columns`` maps roles (:data:`ROLES`) to its column names and
    ``scale`` is its score's full scale (1 or 100).

    Raises
    ------
    InputError
        A required column is missing; a compute value is not a positive number; a release date
        does not parse; a bounded score lies outside its scale. The message names file, row
        (1-based data row) and column.
    """
    key, raw, score_col, se_col, meta = _resolve(source, columns or {}, scale)
    src = str(registry.entry(PREFIX + key).filename) if meta is HUB_BENCHMARKS.get(key) else source
    require_columns(
        raw.columns,
        [MODEL, score_col, DATE, COMPUTE],
        source=src,
        fix="a hub file has Model version, a score, Release date and Training compute (FLOP)",
    )
    counts = dict.fromkeys(REASONS, 0)
    comp = pd.to_numeric(raw[COMPUTE], errors="coerce")
    bad = raw[COMPUTE].notna() & (comp.isna() | ~(comp > 0) | ~np.isfinite(comp))
    reject_rows(
        bad,
        "training compute must be a positive number of FLOP",
        source=src,
        column=COMPUTE,
        values=raw[COMPUTE].astype(str),
    )
    date = pd.to_datetime(raw[DATE], errors="coerce", format="%Y-%m-%d")
    bad = raw[DATE].notna() & date.isna()
    reject_rows(
        bad,
        "release date must be YYYY-MM-DD",
        source=src,
        column=DATE,
        values=raw[DATE].astype(str),
    )
    score = pd.to_numeric(raw[score_col], errors="coerce")
    if meta.scale is not None:
        reject_rows(
            score.notna() & ((score < 0) | (score > meta.scale)),
            f"score outside its scale [0, {meta.scale:g}]",
            source=src,
            column=score_col,
            values=score,
            fix="check the file's scale (0-1 or 0-100; --score-scale for your own files)",
        )
    steps = (
        ("no model version", raw[MODEL].isna()),
        ("no score", raw[score_col].isna()),
        ("unparsable score", score.isna()),
        ("no training compute", comp.isna()),
    )
    keep = pd.Series(True, index=raw.index)
    for reason, drop in steps:
        counts[reason] = int((keep & drop).sum())
        keep &= ~drop
    version = raw.loc[keep, MODEL].astype(str).str.strip()
    variant = version.str.extract(EFFORT, expand=False).fillna("")
    value = score[keep] / meta.scale if meta.scale is not None else score[keep]
    stderr = (
        pd.to_numeric(raw.loc[keep, se_col], errors="coerce") / (meta.scale or 1.0)
        if se_col
        else np.nan
    )
    c = comp[keep].astype(float)
    d = date[keep]
    rows = pd.DataFrame(
        {
            "benchmark": key,
            "model": version.str.replace(EFFORT, "", regex=True),
            "variant": variant,
            "model_version": version,
            "score": value.astype(float),
            "bounded": meta.bounded,
            "stderr": stderr,
            "training_compute": c,
            "log10_compute": np.log10(c),
            "release_date": d.dt.strftime("%Y-%m-%d"),
            "release_year": d.dt.year + (d.dt.day_of_year - 1) / 365.25,
            "organisation": raw.loc[keep, ORG] if ORG in raw.columns else None,
        }
    )
    return rows.reset_index(drop=True), counts, meta


def _keep_best(df: pd.DataFrame, by: list[str]) -> tuple[pd.DataFrame, int]:
    """One row per ``by`` group, the highest score (ties: first in file order)."""
    best = df.sort_values("score", ascending=False, kind="stable").drop_duplicates(by)
    return best.sort_index(), len(df) - len(best)


def apply_variant(
    rows: pd.DataFrame, rule: str, counts: dict[str, int] | None = None
) -> pd.DataFrame:
    """Duplicates, then the variant rule (see the module docstring); counts dropped rows."""
    kind, effort = parse_variant(rule)
    tally = counts if counts is not None else dict.fromkeys(REASONS, 0)
    out, n = _keep_best(rows, ["benchmark", "model_version"])
    tally[REASONS[4]] += n
    if kind == "all":
        return out
    if kind == "fixed":
        other = ~out["variant"].isin([effort, ""])
        tally["other effort"] += int(other.sum())
        out = out[~other]
    out, n = _keep_best(out, ["benchmark", "model"])
    tally[REASONS[6]] += n
    return out


def load_hub(
    sources: Sequence[str] = (),
    variant: str = "best",
    columns: Mapping[str, str] | None = None,
    scale: float = 1.0,
) -> HubTable:
    """Every hub file (or the given registry names, keys or hub-style files) as one table.

    Parameters
    ----------
    sources : sequence of str
        Registry names (``epoch-hub-mmlu``), keys (``mmlu``) or paths of hub-style CSV files;
        empty for every hub file.
    variant : str
        ``best``, ``all`` or ``fixed:<effort>`` (see the module docstring).
    columns, scale
        For files of your own: role -> column name (:data:`ROLES`) and the score's full scale.
    """
    parse_variant(variant)
    parts, dropped, meta = [], [], {}
    for s in sources or hub_names():
        rows, counts, m = read_benchmark(s, columns, scale)
        rows = apply_variant(rows, variant, counts)
        key = str(rows["benchmark"].iloc[0]) if len(rows) else s.removeprefix(PREFIX)
        if key in meta:
            raise input_error(
                f"benchmark '{key}' given twice: its models would count double",
                source=s,
                fix="name each hub file once (a file's name must differ from the hub keys)",
            )
        meta[key] = m
        parts.append(rows)
        dropped += [{"benchmark": key, "reason": r, "rows": n} for r, n in counts.items()]
    scores = pd.concat(parts, ignore_index=True)[COLUMNS]
    return HubTable(scores, pd.DataFrame(dropped), variant, meta)


__all__ = [
    "COLUMNS",
    "EFFORT",
    "REASONS",
    "ROLES",
    "HubTable",
    "apply_variant",
    "hub_names",
    "load_hub",
    "parse_variant",
    "read_benchmark",
]
