"""The demo's 'Forecasts' section: trend refits on Epoch AI's tables and the joint wall
Monte Carlo at the epoch-2024 preset, stored as the JSON the CLI commands write."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from scalewall.forecast.claims import (
    HARDWARE_REPLICATES,
    HARDWARE_SEED,
    HARDWARE_SINCE,
    claims_table,
    hardware_payload,
)
from scalewall.forecast.scenario import load_scenario
from scalewall.forecast.tables import COST_METHODS, load_chips, load_models
from scalewall.forecast.trends import (
    Frontier,
    FrontierRule,
    compare_frontier,
    growth_rate,
    select_frontier,
)
from scalewall.forecast.walls import simulate
from scalewall.sections import Progress, Section, SectionOutput
from scalewall.storage import write_csv, write_json

NOTABLE, COTTIER = "epoch-notable-models", "epoch-ml-systems-2024"
CHIPS = "epoch-chip-specs-2025"
PRESET = "epoch-2024"

#: (file, registry table, since, domain, frontier, quantities): one ``scalewall trends`` call each.
TREND_RUNS: tuple[tuple[str, str, float, str | None, Frontier, tuple[str, ...]], ...] = (
    ("trends.json", NOTABLE, 2018.0, None, Frontier.top, ("compute", "power", "params")),
    ("trends_cost.json", NOTABLE, 2016.0, None, Frontier.top, ("cost", "cost_per_flop")),
    ("trends_cottier.json", COTTIER, 2016.0, None, Frontier.all, ("cost",)),
    ("trends_dataset.json", NOTABLE, 2010.0, "Language", Frontier.all, ("dataset",)),
)


def _trends_cmd(
    file: str,
    src: str,
    since: float,
    dom: str | None,
    fr: Frontier,
    qs: tuple[str, ...],
    reps: int,
    compare: bool,
) -> str:
    q = " ".join(f"--quantity {x}" for x in qs)
    d = f" --domain {dom}" if dom else ""
    c = " --compare-frontier" if compare else ""
    return f"scalewall trends {src} --since {since:g}{d} --frontier {fr.value} {q} --bootstrap {reps}{c} --json {file}"


def _step(progress: Progress, step: str) -> Callable[[int, int], None]:
    return lambda done, total: progress(step, done, total)


def run_forecasts(folder: Path, quick: bool, progress: Progress) -> SectionOutput:
    """Trends (with the frontier comparison), the wall Monte Carlo and the claims table."""
    reps, draws = (400, 100_000) if quick else (2000, 500_000)
    tables = {NOTABLE: load_models(NOTABLE), COTTIER: load_models(COTTIER)}
    commands: dict[str, list[str]] = {}
    payloads: dict[str, dict[str, Any]] = {}
    step = "forecasts: trend refits"
    for i, (file, src, since, dom, fr, qs) in enumerate(TREND_RUNS):
        progress(step, i, len(TREND_RUNS) + 1)
        rule = FrontierRule(fr)
        kw: dict[str, Any] = dict(
            start=since, end=2100.0, domain=dom, replicates=reps, level=0.9, seed=0
        )
        compare = file == "trends.json"
        payload: dict[str, Any] = {
            "source": src,
            "frontier": rule.label(),
            "since": since,
            "until": 2100.0,
            "domain": dom,
            "level": 0.9,
            "bootstrap": reps,
            "seed": 0,
            "notes": tables[src].notes,
            "rates": [growth_rate(tables[src], q, rule, **kw).to_dict() for q in qs],
        }
        if compare:
            payload["compare_frontier"] = compare_frontier(
                tables[src], ("compute", "cost", "cost_per_flop"), **kw
            )
        write_json(folder / file, payload)
        payloads[file] = payload
        commands[file] = [_trends_cmd(file, src, since, dom, fr, qs, reps, compare)]
    progress(step, len(TREND_RUNS), len(TREND_RUNS))
    models = tables[NOTABLE].frame
    keep = models["compute"].notna() & (models["year"] >= 2010)
    front = select_frontier(models, FrontierRule(Frontier.top)).index
    pts = models[keep][["model", "year", "compute", *COST_METHODS, "flag"]].assign(
        top10=lambda d: d.index.isin(front)
    )
    write_csv(folder / "models.csv", pts)
    commands["models.csv"] = [f"scalewall data fetch {NOTABLE}"]
    chips = load_chips(CHIPS)
    write_csv(folder / "chips.csv", chips)
    commands["chips.csv"] = [f"scalewall data fetch {CHIPS}"]
    write_json(
        folder / "hardware.json",
        hardware_payload(
            chips, CHIPS, "gpu", "fp32", HARDWARE_SINCE, HARDWARE_REPLICATES, HARDWARE_SEED
        ),
    )
    commands["hardware.json"] = [
        f"scalewall hardware {CHIPS} --chips gpu --precision fp32 --since {HARDWARE_SINCE:g} "
        f"--bootstrap {HARDWARE_REPLICATES} --seed {HARDWARE_SEED} --json hardware.json"
    ]

    scen = load_scenario(PRESET)
    results = {}
    for file, ot in (("forecast.json", None), ("forecast_overtrained.json", 5.0)):
        step = f"forecasts: wall Monte Carlo, {draws:,} joint draws" + (
            " (5x overtraining)" if ot else ""
        )
        progress(step, 0, 1)
        s = scen.with_values(**{"demand.overtraining": ot}) if ot else scen
        results[file] = simulate(s, draws, seed=0, progress=_step(progress, step))
        write_json(folder / file, results[file])
        extra = f" --overtraining {ot:g}" if ot else ""
        commands[file] = [
            f"scalewall forecast --scenario {PRESET} --draws {draws}{extra} --json {file}"
        ]
    f = results["forecast.json"]
    write_csv(folder / "per_year.csv", pd.DataFrame(f["per_year"]))
    write_csv(folder / "fan.csv", pd.DataFrame(f["fan"]))
    write_csv(folder / "sensitivity.csv", pd.DataFrame(f["sensitivity"]))
    for name in ("per_year.csv", "fan.csv", "sensitivity.csv"):
        commands[name] = commands["forecast.json"]
    claims = claims_table(
        payloads["trends.json"],
        payloads["trends_cost.json"],
        payloads["trends_cottier.json"],
        f,
        pts,
        chips,
        results["forecast_overtrained.json"],
    )
    write_json(folder / "claims.json", {"claims": claims})
    commands["claims.json"] = [
        commands[k][0]
        for k in ("trends.json", "trends_cost.json", "trends_cottier.json", "forecast.json")
    ] + commands["forecast_overtrained.json"]
    files = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    return SectionOutput(
        files=[f"{folder.name}/{x}" for x in files],
        sources=[NOTABLE, COTTIER, "fred-cloud-price-index", CHIPS],
        commands=commands,
        notes={
            "per_year.csv": "the key 'per_year' of the JSON",
            "fan.csv": "the key 'fan' of the JSON",
            "sensitivity.csv": "the key 'sensitivity' of the JSON",
            "claims.json": "computed by scalewall.forecast.claims.claims_table from these files",
        },
    )


SECTION = Section("forecasts", "Forecasts", run_forecasts)

__all__ = ["SECTION", "run_forecasts"]
