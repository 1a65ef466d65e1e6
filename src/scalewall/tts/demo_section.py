"""The demo's 'Test-time compute' section: Pythia pass@k, coverage laws, Llama-3 compute match.

Files written into the section folder (every number reproducible with the commands recorded):

* ``passk.csv``: model, k, metric, pass_at_k, lo, hi, n_problems (7 Pythia models, k = 1, 2, 4,
  ..., 8192, 10, 100, 1000, 10000);
* ``paired.csv``: paired bootstrap differences of adjacent Pythia sizes at k = 1, 100, 10000;
* ``coverage_laws.json``: ``scalewall tts coverage`` payload (three laws per model + backtest);
* ``coverage_fits.csv``: model, method, k, coverage: each fitted law on a log grid of k;
* ``llama_curves.csv``: size, rule, k, accuracy, compute (in 70B samples) of Brown et al.'s Fig. 7;
* ``compute_matched.json``: ``scalewall tts compute`` payloads for coverage and majority vote;
* ``verifier.csv``: Pythia-12B with an imperfect verifier (Stroebl et al. 2024);
* ``grid_math.json``, ``grid_gsm8k.json``: ``scalewall tts grid`` payloads on the Pythia sizes x
  checkpoints grids (coverage per (N, D), compute matching, compute-optimal split);
* ``grid_matches.csv``, ``grid_frontier.csv``, ``grid_optimal.csv``: their tables, one row per
  benchmark and entry (matches: one row per queries Q).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scalewall.sections import Progress, Section, SectionOutput
from scalewall.storage import write_csv, write_json
from scalewall.tts.compute import LLAMA3_PARAMS, Curve, compare_curves
from scalewall.tts.coverage import CoverageFit, coverage_summary, powers_of_two
from scalewall.tts.grid import grid_summary
from scalewall.tts.io import load_counts, load_curve, load_grid, model_counts, schaeffer_k_grid
from scalewall.tts.passk import paired_difference, passk_table
from scalewall.tts.vote import verifier_table

SOURCE = "monkeys-pythia-math-counts"
KS = sorted({*map(int, powers_of_two(10_000)), 10, 100, 1000, 10_000})
PAIRED_KS = (1, 100, 10_000)
RULES = ("coverage", "majority")
#: Brown et al.'s Fig. 7 curves were digitised to about +-1-2 accuracy points
#: (austine4/Inference-Compute-Scaling-Laws; research note section 4): the worst case is used.
DIGITISATION_ERROR = 0.02
VERIFIER_FPR = (0.001, 0.01, 0.05)
VERIFIER_KS = (1, 10, 100, 1000, 10_000)
#: The Pythia sizes x checkpoints grids (Schaeffer et al. 2025) by benchmark, and their settings.
GRIDS = {"MATH": "monkeys-pythia-math-grid", "GSM8K": "monkeys-pythia-gsm8k-grid"}
GRID_KS = (1, 10, 100)
#: Queries served: a research evaluation, a product's month, a popular product's year.
GRID_QUERIES = (1e6, 1e9, 1e12)


def llama_source(size: str, rule: str) -> str:
    return f"brown2024-llama3-{size}-math-{rule}"


def _reps(quick: bool) -> dict[str, int]:
    if quick:
        return {"bootstrap": 200, "backtest": 20, "grid": 100}
    return {"bootstrap": 1000, "backtest": 100, "grid": 500}


def grid_tables(payloads: dict[str, dict[str, Any]]) -> dict[str, pd.DataFrame]:
    """The grid payloads' tables with a ``benchmark`` column; matches long over Q."""
    matches = [
        {"benchmark": b, **{k: v for k, v in r.items() if k != "total"}, **_total(t)}
        for b, p in payloads.items()
        for r in p["matches"]
        for t in r["total"]
    ]
    return {
        "grid_matches.csv": pd.DataFrame(matches),
        **{
            f"grid_{key}.csv": pd.concat(
                [pd.DataFrame(p[key]).assign(benchmark=b) for b, p in payloads.items()],
                ignore_index=True,
            )
            for key in ("frontier", "optimal")
        },
    }


def _total(t: dict[str, Any]) -> dict[str, Any]:
    return {
        "queries": t["queries"],
        "total_ratio": t["ratio"],
        "total_lo": t["lo"],
        "total_hi": t["hi"],
    }


def fitted_curves(summary: dict[str, Any], points: int = 60) -> pd.DataFrame:
    """Each stored law evaluated on a log grid of k up to each model's n, for the figures."""
    rows = []
    for m, d in summary["models"].items():
        k = np.geomspace(1, d["n_samples"], points)
        for meth, f in d["fits"].items():
            law = CoverageFit(
                meth, f["a"], f["b"], tuple(f["k_grid"]), f.get("alpha"), f.get("beta")
            )
            rows.append(
                pd.DataFrame({"model": m, "method": meth, "k": k, "coverage": law.predict(k)})
            )
    return pd.concat(rows, ignore_index=True)


def run_tts(folder: Path, quick: bool, progress: Progress) -> SectionOutput:
    """pass@k with intervals for 7 Pythia models, coverage laws with backtests, Llama-3 match,
    and training against sampling compute on the Pythia sizes x checkpoints grids."""
    reps = _reps(quick)
    steps = ["load", "pass@k", "paired", "coverage laws", "compute-matched", "verifier", "grid"]

    def step(i: int) -> None:
        progress(f"test-time compute: {steps[min(i, len(steps) - 1)]}", i, len(steps))

    step(0)
    counts = load_counts(SOURCE)
    by_model = model_counts(counts)
    step(1)
    passk = passk_table(counts, KS, bootstrap=reps["bootstrap"], seed=0)
    write_csv(folder / "passk.csv", passk)
    step(2)
    names = list(by_model)
    paired = pd.concat(
        [
            paired_difference(counts, b, a, PAIRED_KS, bootstrap=reps["bootstrap"], seed=0)
            for a, b in itertools.pairwise(names)
        ],
        ignore_index=True,
    )
    write_csv(folder / "paired.csv", paired)
    step(3)
    summary = coverage_summary(by_model, ls_grid=schaeffer_k_grid(), repeats=reps["backtest"])
    summary["source"] = SOURCE
    write_json(folder / "coverage_laws.json", summary)
    write_csv(folder / "coverage_fits.csv", fitted_curves(summary))
    step(4)
    curves = {
        (size, rule): Curve.from_points(
            size.upper(), rule, *load_curve(llama_source(size, rule)), LLAMA3_PARAMS[size]
        )
        for size in LLAMA3_PARAMS
        for rule in RULES
    }
    unit = LLAMA3_PARAMS["70b"]
    write_csv(
        folder / "llama_curves.csv",
        pd.concat(
            [
                pd.DataFrame(
                    {
                        "size": size,
                        "rule": rule,
                        "k": c.k,
                        "accuracy": c.accuracy,
                        "compute_70b_samples": c.k * c.flops_per_sample / unit,
                    }
                )
                for (size, rule), c in curves.items()
            ],
            ignore_index=True,
        ),
    )
    matched = {
        rule: compare_curves(
            curves["8b", rule], curves["70b", rule], accuracy_error=DIGITISATION_ERROR
        )
        for rule in RULES
    }
    write_json(
        folder / "compute_matched.json",
        {
            "sources": {rule: [llama_source(s, rule) for s in ("8b", "70b")] for rule in RULES},
            "params": LLAMA3_PARAMS,
            "params_citation": "Meta, Llama 3 model card (2024): 8.03B and 70.6B parameters",
            "flops": "2 N per generated token; the ratio per sample is N_8B / N_70B",
            **matched,
        },
    )
    step(5)
    twelve = counts[counts["model"] == "Pythia-12B"]
    ver = [r for f in VERIFIER_FPR for r in verifier_table(twelve, VERIFIER_KS, 1.0, f)]
    write_csv(folder / "verifier.csv", pd.DataFrame(ver))
    step(6)
    payloads = {
        bench: grid_summary(
            load_grid(src), source=src, ks=GRID_KS, queries=GRID_QUERIES, bootstrap=reps["grid"]
        )
        for bench, src in GRIDS.items()
    }
    for bench, p in payloads.items():
        write_json(folder / f"grid_{bench.lower()}.json", p)
    tables = grid_tables(payloads)
    for name, df in tables.items():
        write_csv(folder / name, df)
    step(7)

    ks = ",".join(map(str, KS))
    pk_cmd = f"scalewall passk {SOURCE} --k {ks} --bootstrap {reps['bootstrap']} --json passk.json"
    pair_cmds = [
        f"scalewall passk {SOURCE} --k 1,100,10000 --bootstrap {reps['bootstrap']} "
        f"--paired {b},{a} --json paired.json"
        for a, b in itertools.pairwise(names)
    ]
    cov_cmd = (
        f"scalewall tts coverage {SOURCE} --schaeffer-grid --repeats {reps['backtest']} "
        "--json coverage.json"
    )
    cmp_cmds = [
        f"scalewall tts compute --small {llama_source('8b', r)} --large {llama_source('70b', r)} "
        f"--small-params {LLAMA3_PARAMS['8b']:.3g} --large-params {LLAMA3_PARAMS['70b']:.3g} "
        f"--accuracy-error {DIGITISATION_ERROR} --json {r}.json"
        for r in RULES
    ]
    ver_cmds = [
        f"scalewall tts verifier {SOURCE} --k {','.join(map(str, VERIFIER_KS))} --fpr {f} "
        "--json verifier.json"
        for f in VERIFIER_FPR
    ]
    grid_cmds = [
        f"scalewall tts grid {src} --k {','.join(map(str, GRID_KS))} --queries "
        f"{','.join(f'{q:g}' for q in GRID_QUERIES)} --bootstrap {reps['grid']} "
        f"--json grid_{bench.lower()}.json"
        for bench, src in GRIDS.items()
    ]
    grid_files = [f"grid_{b.lower()}.json" for b in GRIDS] + [*tables]
    files = [
        "passk.csv",
        "paired.csv",
        "coverage_laws.json",
        "coverage_fits.csv",
        "llama_curves.csv",
        "compute_matched.json",
        "verifier.csv",
        *grid_files,
    ]
    return SectionOutput(
        files=[f"{folder.name}/{f}" for f in files],
        sources=[SOURCE, "monkeys-pythia-math"]
        + [llama_source(s, r) for s in LLAMA3_PARAMS for r in RULES]
        + [*GRIDS.values(), "pythia-zeroshot"],
        commands={
            "passk.csv": [pk_cmd],
            "paired.csv": pair_cmds,
            "coverage_laws.json": [cov_cmd],
            "coverage_fits.csv": [cov_cmd],
            "llama_curves.csv": [
                f"scalewall data fetch {llama_source(s, r)}" for s in LLAMA3_PARAMS for r in RULES
            ],
            "compute_matched.json": cmp_cmds,
            "verifier.csv": ver_cmds,
            **{f: grid_cmds for f in grid_files},
        },
        notes={
            "passk.csv": "the key 'results' of the JSON",
            "paired.csv": "the key 'paired' of each JSON",
            "coverage_fits.csv": "each law of coverage.json evaluated on 60 log-spaced k",
            "compute_matched.json": "one JSON per rule, stored under the keys 'coverage' and "
            "'majority'",
            "verifier.csv": "rows of model Pythia-12B",
            **{
                f: "the keys 'matches' (one row per Q), 'frontier' and 'optimal' of each grid "
                "JSON, with its benchmark"
                for f in tables
            },
        },
    )


SECTION = Section("tts", "Test-time compute", run_tts)

__all__ = ["SECTION", "fitted_curves", "grid_tables", "run_tts"]
