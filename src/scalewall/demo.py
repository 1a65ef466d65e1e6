"""``scalewall demo``: run every analysis section on public data and store the results.

This module orchestrates and stores; it never renders. The report
(:func:`scalewall.report.html.build_report`) reads only what is written here, so a results folder
can be re-rendered, diffed or archived without rerunning anything.

Layout of a results folder::

    manifest.json               scalewall version, command, timings, data sources, per-section files
    scaling_laws/
        fit_global.json         global Huber optimum + bootstrap (``FitResult.to_dict`` schema)
        fit_epoch2024.json      Besiroglu et al. 2024's procedure, same schema
        compare_objectives.json the fit under every objective (``scalewall fit --compare-objectives``)
        diminishing_returns.csv one row per procedure x compute decade, with intervals
        frontier.csv            L*(C), N*, D*, D*/N* and the next-10x gain on a log grid of C
        runs.csv                the runs, whether each was fitted, fitted values and residuals

Sections are a list (:data:`SECTIONS`) of :class:`scalewall.sections.Section`; each pillar
(collapse, forecasts, test-time compute, own LM runs) defines its own in its package and is
listed here, writing under ``out_dir/<name>/``.
"""

from __future__ import annotations

import platform
import sys
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scalewall import __version__
from scalewall.collapse import demo_section as collapse_section
from scalewall.data.registry import entry
from scalewall.data.runs import load_runs
from scalewall.downstream import demo_section as downstream_section
from scalewall.downstream import persuasion_section
from scalewall.forecast import demo_section as forecast_section
from scalewall.laws import allocation, repeated_section, spec_curve_section
from scalewall.laws.api import exclude_top_loss, fit
from scalewall.laws.bootstrap import percentile_interval
from scalewall.laws.catalog import make_law
from scalewall.laws.compare import objective_shifts
from scalewall.laws.objectives import ObjectiveName
from scalewall.laws.result import FitResult
from scalewall.lm import demo_section as lm_section
from scalewall.sections import Progress, Section, SectionOutput, write_csv
from scalewall.storage import write_json
from scalewall.tts import demo_section as tts_section

Array = NDArray[np.float64]

MANIFEST_SCHEMA_VERSION = 1


# -- scaling laws --------------------------------------------------------------------------------
SOURCE = "chinchilla-epoch"
#: Besiroglu et al. 2024 drop the 5 highest-loss runs of the 245 they extracted.
EXCLUDE_TOP = 5
#: Compute grid of the frontier table (FLOPs): 10 points per decade, 1e18 to 1e28.
FRONTIER_GRID = 10.0 ** np.linspace(18.0, 28.0, 101)


def _replicates(quick: bool) -> dict[str, int]:
    """Bootstrap replicates per fit: 4,000 as in Besiroglu et al. 2024, fewer with ``--quick``."""
    if quick:
        return {"global": 400, "epoch2024": 400, "objectives": 100}
    return {"global": 4000, "epoch2024": 4000, "objectives": 400}


def _draws(res: FitResult) -> dict[str, Array]:
    """Bootstrap draws of a Chinchilla fit, by parameter name."""
    if res.samples_ is None:
        raise ValueError("the frontier needs bootstrap draws; fit with bootstrap > 0")
    names = make_law(res.law).param_names
    return {k: res.samples_[:, i] for i, k in enumerate(names)}


def frontier_table(res: FitResult, grid: Array = FRONTIER_GRID) -> pd.DataFrame:
    """L*(C), N*, D*, D*/N* and the relative next-10x gain, with percentile bands from the draws.

    The relative gain is ``(L*(C) - L*(10 C)) / L*(C)``: the share of the total loss that the next
    10x of compute removes on the compute-optimal frontier.
    """

    def quantities(p: Mapping[str, Array | float]) -> dict[str, Array]:
        opt = allocation.optimal_allocation(p, grid, res.flop_factor)
        gain = allocation.gain_next_10x(p, grid, res.flop_factor)
        return {
            "loss": opt["loss"],
            "N_opt": opt["N"],
            "D_opt": opt["D"],
            "tokens_per_param": opt["tokens_per_param"],
            "rel_gain_next_10x": gain / opt["loss"],
        }

    point = quantities(res.params)
    draws = quantities({k: v[:, None] for k, v in _draws(res).items()})
    cols: dict[str, Any] = {"procedure": res.procedure, "compute": grid}
    for k, v in point.items():
        lo, hi = percentile_interval(draws[k], res.level)
        cols[k], cols[f"{k}_lo"], cols[f"{k}_hi"] = v, lo, hi
    return pd.DataFrame(cols)


def runs_table(df: pd.DataFrame, fits: Mapping[str, FitResult], k: int) -> pd.DataFrame:
    """Every run, whether it was fitted, and each procedure's fitted loss and log residual."""
    tagged = df.assign(run=np.arange(1, len(df) + 1))
    kept = set(exclude_top_loss(tagged, k)["run"])
    out = tagged[["run", "N", "D", "C", "loss"]].copy()
    out["fitted"] = out["run"].isin(kept)
    for name, r in fits.items():
        mu = r.predict(out["N"].to_numpy(), out["D"].to_numpy())
        out[f"predicted_{name}"] = mu
        out[f"log_residual_{name}"] = np.log(out["loss"].to_numpy()) - np.log(mu)
    return out


def _fit_progress(progress: Progress, step: str) -> Callable[[int, int], None]:
    return lambda done, total: progress(step, done, total)


def run_scaling_laws(folder: Path, quick: bool, progress: Progress) -> SectionOutput:
    """Chinchilla-form fits on Epoch's 245-run extraction: two procedures, four objectives."""
    reps = _replicates(quick)
    base = f"scalewall fit {SOURCE} --exclude-top-loss {EXCLUDE_TOP}"
    step = "scaling laws: load chinchilla-epoch"
    progress(step, 0, 1)
    df = load_runs(SOURCE)
    progress(step, 1, 1)
    common: dict[str, Any] = {"exclude_top_loss_k": EXCLUDE_TOP, "source": SOURCE}

    step = f"scaling laws: global fit, {reps['global']} bootstrap refits"
    progress(step, 0, reps["global"])
    glob = fit(
        df, bootstrap=reps["global"], seed=0, progress=_fit_progress(progress, step), **common
    )
    step = f"scaling laws: epoch2024 fit, {reps['epoch2024']} bootstrap refits"
    progress(step, 0, reps["epoch2024"])
    ep = fit(
        df,
        procedure="epoch2024",
        bootstrap=reps["epoch2024"],
        progress=_fit_progress(progress, step),
        **common,
    )
    fits = {"global": glob, "epoch2024": ep}

    # Local import: the shift table is defined next to `scalewall fit --compare-objectives`, so
    # the stored file is exactly the JSON that command writes under "compare_objectives".

    step = f"scaling laws: refit under {len(ObjectiveName)} objectives"
    others: dict[str, FitResult] = {}
    for i, name in enumerate(ObjectiveName):
        progress(step, i, len(ObjectiveName))
        others[name.value] = fit(df, objective=name, bootstrap=reps["objectives"], seed=0, **common)
    progress(step, len(ObjectiveName), len(ObjectiveName))
    compare = objective_shifts(others)
    compare["bootstrap"] = {"replicates": reps["objectives"], "seed": 0}

    step = "scaling laws: frontier and tables"
    progress(step, 0, 1)
    frontier = pd.concat([frontier_table(r) for r in fits.values()], ignore_index=True)
    dr = pd.DataFrame(
        [{"procedure": name, **row} for name, r in fits.items() for row in r.diminishing_returns]
    )
    files = {
        "fit_global.json": glob.to_dict(),
        "fit_epoch2024.json": ep.to_dict(),
        "compare_objectives.json": compare,
        "diminishing_returns.csv": dr,
        "frontier.csv": frontier,
        "runs.csv": runs_table(df, fits, EXCLUDE_TOP),
    }
    for fname, payload in files.items():
        if isinstance(payload, pd.DataFrame):
            write_csv(folder / fname, payload)
        else:
            write_json(folder / fname, payload)
    progress(step, 1, 1)

    glob_cmd = f"{base} --bootstrap {reps['global']} --json fit_global.json"
    ep_cmd = (
        f"{base} --procedure epoch2024 --bootstrap {reps['epoch2024']} --json fit_epoch2024.json"
    )
    cmp_cmd = f"{base} --bootstrap {reps['objectives']} --compare-objectives --json compare.json"
    return SectionOutput(
        files=[f"{folder.name}/{f}" for f in files],
        sources=[SOURCE],
        commands={
            "fit_global.json": [glob_cmd],
            "fit_epoch2024.json": [ep_cmd],
            "compare_objectives.json": [cmp_cmd],
            "diminishing_returns.csv": [glob_cmd, ep_cmd],
            "frontier.csv": [glob_cmd, ep_cmd],
            "runs.csv": [f"scalewall data fetch {SOURCE}"],
        },
        notes={
            "compare_objectives.json": "the key 'compare_objectives' of the JSON",
            "diminishing_returns.csv": "the key 'diminishing_returns' of each JSON",
            "frontier.csv": (
                "bands from the bootstrap draws of these two fits on a grid of C "
                "(scalewall.demo.frontier_table); L* and its interval at one budget: add --at C"
            ),
            "runs.csv": "predicted losses and log residuals from the two fits above",
        },
    )


#: The demo's analyses, in report order. Other pillars append theirs.
SECTIONS: list[Section] = [
    Section("scaling_laws", "Scaling laws", run_scaling_laws),
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


# -- orchestration -------------------------------------------------------------------------------
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


__all__ = ["SECTIONS", "Section", "SectionOutput", "frontier_table", "run_demo"]
