"""The ladder designer: FLOP targets, the budget, per-size rules, and a tiny ladder end to end."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import torch
from typer.testing import CliRunner

from scalewall.cli.app import app
from scalewall.errors import InputError
from scalewall.laws.api import inputs_of
from scalewall.laws.data_constrained import MUENNIGHOFF_2023, DataConstrained
from scalewall.lm.config import RunConfig
from scalewall.lm.data import prepare
from scalewall.lm.flops import flops_per_token, non_embedding_params
from scalewall.lm.ladder import (
    MIN_BATCH,
    MIN_STEPS,
    check_design,
    design_runs,
    family,
    settings,
)
from scalewall.lm.ladder_fit import NO_EXCESS_DECAY, analyse, approach2, ladder_law, summary_lines
from scalewall.lm.sweep import TIMING_COLUMNS, Sweep, load, parse, run, with_design
from scalewall.report.figures import make_figures
from scalewall.report.lm import render_lm
from scalewall.report.lm_figures import BUILDERS, LADDER_CURVES
from scalewall.runs.store import run_id

BASE = RunConfig(context=64, batch_size=16, eval_tokens=16_384)
LADDER_FIGURES = tuple(f"lm_ladder_spec_{q}" for q in LADDER_CURVES)
V = 512  # the ladder-cpu preset's BPE vocabulary


def cost(cfg: RunConfig) -> float:
    return float(flops_per_token(cfg.n_layer, cfg.d_model, V, cfg.context) * cfg.tokens)


@pytest.mark.parametrize("budget", [3e12, 3e13, 1e15])
def test_isoflop_runs_hit_their_targets_and_the_budget(budget: float) -> None:
    design = {"kind": "isoflop", "budget": budget, "levels": 4, "sizes_per_level": 5}
    runs = design_runs(BASE, design, V)
    assert len(runs) == 20
    for target, cfg in runs:
        assert 0.95 * target <= cost(cfg) <= target  # within 5% of its isoFLOP level, never over
    assert sum(cost(c) for _, c in runs) <= budget
    levels = sorted({t for t, _ in runs})
    assert len(levels) == 4 and levels[-1] / levels[0] == pytest.approx(27)  # spread 3
    for level in levels:  # five distinct real sizes per level
        assert len({c.d_model * 100 + c.n_layer for t, c in runs if t == level}) == 5


def test_chinchilla_grid_fits_the_budget_with_the_largest_block() -> None:
    design = {"kind": "chinchilla", "budget": 1e13, "ratios": [5, 20, 80], "n_sizes": 3}
    runs = design_runs(BASE, design, V)
    assert len(runs) == 9 and sum(cost(c) for _, c in runs) <= 1e13
    for target, cfg in runs:
        assert 0.95 * target <= cost(cfg) <= target
    # the next block up the size family would not fit: the grid uses the budget, not a fraction
    shapes = family()
    used = {(c.n_layer, c.d_model) for _, c in runs}
    top = max(i for i, s in enumerate(shapes) if (s.n_layer, s.d_model) in used)
    bigger = sum(
        flops_per_token(s.n_layer, s.d_model, V, 64) * q * s.N
        for s in shapes[top - 1 : top + 2]
        for q in (5, 20, 80)
    )
    assert bigger > 1e13


def test_rules_scale_with_size_and_enter_the_run_id() -> None:
    runs = [c for _, c in design_runs(BASE, {"kind": "isoflop", "budget": 3e13}, V)]
    by_width = {c.d_model: c for c in runs}
    small, large = by_width[min(by_width)], by_width[max(by_width)]
    assert small.lr**2 * small.d_model == pytest.approx(large.lr**2 * large.d_model)  # 1/sqrt(d)
    assert small.lr > large.lr
    assert all(c.beta2 == 0.99 and c.steps >= MIN_STEPS and "Porian" in c.rules for c in runs)
    assert run_id("j", small.to_dict()) != run_id("j", {**small.to_dict(), "rules": ""})
    assert "rules" not in RunConfig().to_dict()  # configs without rules keep their old ids


@pytest.mark.parametrize(
    ("design", "needle"),
    [
        ({"kind": "isogrid", "budget": 1e12}, "isoflop or chinchilla"),
        ({"kind": "isoflop", "budget": -1}, "budget"),
        ({"kind": "isoflop", "budget": 1e12, "spread": 1}, "spread"),
        ({"kind": "isoflop", "budget": 1e12, "level": 3}, "unknown key 'level'"),
        ({"kind": "isoflop", "budget": 1e12, "min_steps": -1}, "'min_steps' must be"),
        ({"kind": "isoflop", "budget": 1e12, "min_steps": 2000}, "must not exceed 'target_steps'"),
        ({"kind": "isoflop", "budget": 1e12, "repeat_fractions": [0.5, 1]}, "each in \\(0, 1\\)"),
        ({"kind": "isoflop", "budget": 1e12, "repeat_level": 4}, "from 0 \\(the lowest\\) to 3"),
        ({"kind": "chinchilla", "budget": 1e12, "repeat_fractions": [0.5]}, "isoflop designs"),
    ],
)
def test_bad_design_is_one_line(design: dict[str, object], needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        check_design(design, "sweep.toml")


@pytest.mark.parametrize("kind", ["isoflop", "chinchilla"])
def test_min_steps_leaves_out_exactly_the_short_runs(kind: str) -> None:
    design = {"kind": kind, "budget": 1e13, "target_steps": 1500, "ratios": [5, 20, 80]}
    every = design_runs(BASE, design, V)
    kept = design_runs(BASE, {**design, "min_steps": 1500}, V)
    short = [(t, c) for t, c in every if c.steps < 1500]
    assert short and len(short) < len(every)  # the check can fail both ways at this budget
    assert kept == [(t, c) for t, c in every if c.steps >= 1500]
    assert all(c.batch_size == MIN_BATCH for _, c in short)  # the batch was cut before the drop


def test_settings_state_every_rule_the_design_uses_defaults_included() -> None:
    design = load(preset="ladder-cpu").design
    assert settings(design) == {
        "kind": "isoflop",
        "budget": 1.2705e14,
        "levels": 6,
        "spread": 2.0,
        "sizes_per_level": 7,
        "tokens_per_param": 35,
        "repeat_fractions": [0.5, 0.125],
        "repeat_level": 1,
        "target_steps": 1500,
        "min_steps": 1500,
    }
    grid = settings({"kind": "chinchilla", "budget": 1e13})
    assert grid["ratios"] == [5, 10, 20, 40] and grid["min_steps"] == 0 and "levels" not in grid
    assert settings({"kind": "isoflop", "budget": 1e13})["repeat_level"] == 2  # the middle of 4


def test_the_repetition_arm_repeats_one_level_on_parts_of_the_corpus_within_budget() -> None:
    design = {"kind": "isoflop", "budget": 3e13, "levels": 4, "sizes_per_level": 5}
    arm = {**design, "repeat_fractions": [0.5, 0.125], "repeat_level": 1}
    plain, runs = design_runs(BASE, design, V), design_runs(BASE, arm, V, train_tokens=400_000)
    assert sum(cost(c) for _, c in runs) <= 3e13 and len(runs) == 30
    levels = sorted({t for t, _ in runs})
    repeated = [(t, c) for t, c in runs if c.unique_tokens]
    assert {t for t, _ in repeated} == {levels[1]} and len(repeated) == 10
    level = [c for t, c in runs if t == levels[1] and not c.unique_tokens]
    for f in (0.5, 0.125):  # the same runs, on the first 200k and 50k tokens
        copies = [c for _, c in repeated if c.unique_tokens == round(f * 400_000)]
        assert [dataclasses.replace(c, unique_tokens=0) for c in copies] == level
    # the budget covers the arm: two extra copies of level 1 shrink every level by the same share
    shares = sum(3.0**-j for j in range(4))
    assert levels[-1] / max(t for t, _ in plain) == pytest.approx(shares / (shares + 2 / 9))
    with pytest.raises(ValueError, match="training tokens"):
        design_runs(BASE, arm, V)


def largest_N(preset: str) -> int:
    sweep = load(preset=preset)
    runs = sweep.configs()
    assert sum(cost(c) for c in runs) <= sweep.design["budget"]
    return max(non_embedding_params(c.n_layer, c.d_model) for c in runs)


def test_gpu_preset_parses_within_budget_and_is_10_to_100x_larger() -> None:
    gpu = load(preset="ladder-gpu")
    assert gpu.base.device == "cuda" and gpu.design["kind"] == "isoflop"
    assert 10 <= largest_N("ladder-gpu") / largest_N("ladder-cpu") <= 100


@pytest.mark.skipif(torch.cuda.is_available(), reason="the refusal is for CPU-only machines")
def test_gpu_preset_refuses_on_cpu_in_one_line(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["sweep", "--preset", "ladder-gpu", "--out", str(tmp_path)])
    assert res.exit_code != 0 and "no CUDA device" in res.stderr
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "runs").exists()  # refused before any run started


def test_the_readme_reduced_ladder_cpu_budget_is_valid() -> None:
    """README's `--design isoflop --budget 3e13`: 34 runs, every one with the preset's 1,500
    steps, the top levels with all 7 sizes, the bottom ones thinned by that rule, and level 2's
    3 runs repeated on half and an eighth of the corpus."""
    sweep = with_design(load(preset="ladder-cpu"), "isoflop", 3e13)
    runs = sweep.configs()
    assert len(runs) == 34 and min(c.steps for c in runs) >= sweep.design["min_steps"] == 1500
    assert sum(cost(c) for c in runs) <= 3e13
    assert len([c for c in runs if c.unique_tokens]) == 6
    per_level = Counter(round(cost(c), -10) for c in runs)
    assert sorted(per_level.values()) == [1, 4, 6, 7, 7, 3 + 6]


def test_too_small_a_budget_names_the_fix() -> None:
    with pytest.raises(InputError, match="raise the budget"):
        design_runs(BASE, {"kind": "isoflop", "budget": 1e9}, V)


def tiny_ladder(corpus: Path) -> dict[str, object]:
    return {
        "name": "tiny-ladder",
        "kind": "scaling",
        "base": {"corpus": str(corpus), "context": 16, "batch_size": 4, "eval_tokens": 512},
        "design": {
            "kind": "isoflop",
            "budget": 6e9,
            "levels": 3,
            "spread": 2.0,
            "sizes_per_level": 3,
        },
        "analysis": {"bootstrap": 20, "spec_bootstrap": 5, "concept_frequency": False},
    }


@pytest.fixture(scope="module")
def tiny_run(
    corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Sweep, Path, dict[str, Any]]:
    """The tiny ladder trained once through the local executor (in-process): its output folder
    and ``--json`` payload, shared by the end-to-end and the Ray test."""
    sweep = parse(tiny_ladder(corpus), "tiny.toml")
    out = tmp_path_factory.mktemp("tiny-ladder")
    return sweep, out, run(sweep, out, workers=1)


def test_tiny_ladder_end_to_end(tiny_run: tuple[Sweep, Path, dict[str, Any]]) -> None:
    """The test-sized ladder: 3 levels x 3 sizes, its law, the checks and the backtest."""
    sweep, tmp_path, payload = tiny_run
    lad = payload["ladder"]
    assert payload["n_runs"] == 9
    assert lad["law"] == ("data-constrained" if lad["max_epochs"] > 1 else "chinchilla")
    lo, hi = lad["E_bounds"]
    assert lo == pytest.approx(0.01 * hi)  # under 1% of the lowest loss counts as the bound
    assert lad["E_inside_bounds"] == (lo < lad["E"] < hi)
    assert 0 <= lad["bootstrap_converged"] <= lad["bootstrap_replicates"] == 20
    a2 = lad["approach2"]  # 3 tiny levels: a parabola each, or a stated reason for none
    assert lad["seeds_per_run"] == 1 and (len(a2["levels"]) == 3 or a2["reason"])
    bt = lad["backtest"]
    assert bt["n_held_out"] == 3 and bt["n_train"] == 6  # the largest compute level held out
    top = max(r["C"] for r in bt["rows"])
    assert all(r["C"] >= 0.9 * top for r in bt["rows"])
    for r in bt["rows"]:
        assert r["relative_error"] == pytest.approx(r["predicted"] / r["observed"] - 1)
    stored = json.loads((tmp_path / "ladder.json").read_text())
    assert stored["design"] == "isoflop" and stored["design_settings"]["min_steps"] == 0
    assert stored["design_settings"]["sizes_per_level"] == 3  # the sweep's own, defaults beside
    assert stored["design_settings"]["target_steps"] == 1000
    html = render_lm(tmp_path, [])  # the report's own-LM section lists the checks and rules
    assert "design settings: kind isoflop" in html
    assert "Ladder checks" in html and "Porian et al. 2024" in html and "refits converged" in html
    assert "Specification curve of the ladder" in html  # its spec curve, with the spread table
    curve = pd.read_csv(tmp_path / "ladder_spec_curve.csv")
    assert len(curve) == len(lad["spec_curve"]) == 4 * lad["spec_curve_summary"]["specs"]
    fitted = curve[curve["quantity"] != "backtest_error"]  # 5 refits each, from [analysis]
    assert (fitted["replicates"] == 5).all() and (fitted["failed_replicates"] <= 3 * 5).all()
    ci = fitted.dropna(subset=["lo", "hi"])  # a tied beta has no interval of its own
    assert len(ci) >= len(fitted) * 5 // 6 and (ci["lo"] <= ci["hi"]).all()
    figs = make_figures(tmp_path, [(".", {k: BUILDERS[k] for k in LADDER_FIGURES})])
    assert [f.name for f in figs] == list(LADDER_FIGURES)
    html = render_lm(tmp_path, figs)
    assert all(f'id="fig-{k}"' in html for k in LADDER_FIGURES)
    assert "bootstrap percentile intervals over 5 bootstrap refits" in html
    # --resume keeps every finished run: nothing is retrained and the table is the same
    finals = {p: p.stat().st_mtime_ns for p in (tmp_path / "runs").glob("*/final.json")}
    table = (tmp_path / "runs.csv").read_text()
    again = run(sweep, tmp_path, resume=True, workers=1)
    assert again["ladder"]["backtest"] == lad["backtest"]
    assert {p: p.stat().st_mtime_ns for p in finals} == finals and len(finals) == 9
    assert (tmp_path / "runs.csv").read_text() == table


def final_losses(out: Path) -> dict[str, float]:
    """Each stored run's held-out loss at full precision, by run id."""
    return {p.parent.name: json.loads(p.read_text())["loss"] for p in out.glob("runs/*/final.json")}


def test_ray_gives_the_local_ladder(
    tiny_run: tuple[Sweep, Path, dict[str, Any]], tmp_path: Path
) -> None:
    """The tiny ladder through a real local Ray: the same runs, losses equal to the last bit
    (batches are a pure function of seed and step), hence the same table and ladder fits."""
    ray = pytest.importorskip("ray")
    sweep, local_out, local = tiny_run
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    try:
        remote = run(sweep, tmp_path, executor="ray")
    finally:
        ray.shutdown()
    losses = final_losses(tmp_path)
    assert len(losses) == 9 and losses == final_losses(local_out)
    tables = [
        pd.read_csv(p / "runs.csv").drop(columns=list(TIMING_COLUMNS))
        for p in (local_out, tmp_path)
    ]
    pd.testing.assert_frame_equal(*tables, check_exact=True)
    assert remote["fit"] == local["fit"] and remote["ladder"] == local["ladder"]


def test_cli_design_and_budget_override(corpus: Path, tmp_path: Path) -> None:
    sweep = parse(tiny_ladder(corpus), "tiny.toml")
    assert with_design(sweep, "chinchilla", 1e10).design["kind"] == "chinchilla"
    res = CliRunner().invoke(app, ["sweep", "--design", "isoflop", "--budget", "1", "-q"])
    assert res.exit_code == 2 and "raise the budget" in res.stderr
    assert "Traceback" not in res.stderr


def law_table(epochs: float = 1.0) -> pd.DataFrame:
    """The ladder-cpu design's (N, D, C) with losses from a known Chinchilla law, noise-free."""
    runs = design_runs(BASE, {"kind": "isoflop", "budget": 3e13}, V)
    N = np.array([non_embedding_params(c.n_layer, c.d_model) for _, c in runs], dtype=float)
    D = np.array([c.tokens for _, c in runs], dtype=float)
    C = np.array([cost(c) for _, c in runs])
    loss = 1.5 + 30 * N**-0.35 + 100 * D**-0.35
    return pd.DataFrame(
        {
            "run_id": [f"r{i}" for i in range(len(N))],
            "N": N,
            "D": D,
            "C": C,
            "loss": loss,
            "unique_tokens": D / epochs,
            "epochs": epochs,
        }
    )


def test_law_data_recovered_backtested_and_inside_the_envelope() -> None:
    """Noise-free runs of a known law: E found inside its bounds, the top level predicted to
    0.1%, and the frontier through the best run of each level (the law is exact, so any gap
    comes from the +-5% spread of C within a level)."""
    _, lad = analyse(law_table(), "isoflop", bootstrap=50, seed=0, level=0.95)
    assert lad["law"] == "chinchilla" and lad["E_inside_bounds"]
    assert lad["repetition_check"] is None  # fresh data: nothing pinned, nothing to check
    assert lad["E"] == pytest.approx(1.5, rel=0.01)
    assert lad["bootstrap_converged"] >= 45  # at least 90% of refits
    assert lad["backtest"]["n_held_out"] == 5
    assert lad["backtest"]["max_abs_relative_error"] < 1e-3
    env = lad["envelope"]
    assert env["checked"] and env["inside"] and len(env["levels"]) == 4
    assert all(abs(r["gap"]) < 0.01 for r in env["levels"])


@pytest.mark.parametrize("r_d_star", [MUENNIGHOFF_2023["R_D_star"], 2.0])
def test_repetition_check_tells_whether_the_data_allow_the_pinned_decay(r_d_star: float) -> None:
    """Runs on one 0.4M-token corpus whose loss follows the data-constrained law with a known
    R_D* (0.3% noise, fixed seed): the main fit pins the published 15.4, and the free refit says
    whether the data place it inside their interval: yes when the truth is 15.4, no at 2."""
    table = law_table().assign(unique_tokens=4e5)
    table["epochs"] = table["D"] / table["unique_tokens"]
    truth = {"E": 1.5, "A": 30.0, "B": 100.0, "alpha": 0.35, "beta": 0.35}
    law = DataConstrained(base={"R_N_star": NO_EXCESS_DECAY, "R_D_star": r_d_star})
    loss = law.predict_params(inputs_of(law, table), truth)
    noise = np.random.default_rng(0).normal(0, 0.003, len(table))
    _, lad = analyse(table.assign(loss=loss * np.exp(noise)), "isoflop", 100, 0, 0.95, 0)
    assert lad["law"] == "data-constrained" and "R_D* at the published 15.39" in lad["law_reason"]
    rc = lad["repetition_check"]
    assert rc["pinned_R_D_star"] == MUENNIGHOFF_2023["R_D_star"]
    lo, hi = rc["free_R_D_star_ci"]
    assert lo <= r_d_star <= hi
    assert rc["pinned_inside_free_ci"] is (r_d_star > 10)
    assert rc["objective_free"] <= rc["objective_pinned"] + 1e-12  # the free fit nests the pin
    assert any(line.startswith("R_D* pinned at 15.39") for line in summary_lines(lad))


def test_a_repetition_arm_frees_R_D_star_and_the_fit_recovers_it() -> None:
    """Runs of the data-constrained law with R_D* = 8 on a 0.4M-token corpus, 1% noise, fixed
    seed, plus level 1 again on the first half and eighth of it: the ladder fits R_D* (no pin,
    no repetition_check), its interval holds the truth, and Approach 2 sees only the isoFLOP
    runs (one vertex per level)."""
    table = law_table().assign(unique_tokens=4e5)
    rank = np.round(np.log(table["C"] / table["C"].min()) / np.log(3))  # levels 3x apart
    level = table[rank == 1]
    copies = [
        level.assign(unique_tokens=f * 4e5, run_id=level["run_id"] + f"-{f}") for f in (0.5, 0.125)
    ]
    table = pd.concat([table, *copies], ignore_index=True)
    table["unique_tokens"] = np.minimum(table["unique_tokens"], table["D"])
    table["epochs"] = table["D"] / table["unique_tokens"]
    truth = {"E": 1.5, "A": 30.0, "B": 100.0, "alpha": 0.35, "beta": 0.35, "R_D_star": 8.0}
    law = DataConstrained(base={"R_N_star": NO_EXCESS_DECAY})
    loss = law.predict_params(inputs_of(law, table), truth)
    noise = np.random.default_rng(0).normal(0, 0.01, len(table))
    res, lad = analyse(table.assign(loss=loss * np.exp(noise)), "isoflop", 100, 0, 0.95, 0)
    assert lad["repetition_arm_runs"] == 10 and "R_D* fitted: 10 runs" in lad["law_reason"]
    assert lad["repetition_check"] is None and "R_D_star" in res.ci
    lo, hi = res.ci["R_D_star"]
    assert lo <= 8.0 <= hi and hi < 100  # identified, not running to the search bound
    assert lad["bootstrap_converged"] >= 90
    assert len(lad["approach2"]["levels"]) == rank.nunique() == 4


def test_repeated_runs_switch_to_the_data_constrained_law() -> None:
    law, why = ladder_law(law_table(epochs=4.0))
    assert law.name == "data-constrained" and "4.0 epochs" in why
    assert ladder_law(law_table())[0].name == "chinchilla"


def test_short_runs_get_smaller_batches_and_long_runs_keep_theirs() -> None:
    """The step rule: a run under ``target_steps`` steps at the base batch halves its batch
    (never below MIN_BATCH); a long run keeps the base batch; tokens stay whole steps."""
    runs = [c for _, c in design_runs(BASE, {"kind": "isoflop", "budget": 3e13}, V)]
    for c in runs:
        assert MIN_BATCH <= c.batch_size <= BASE.batch_size
        assert c.tokens % c.tokens_per_step == 0
        if c.batch_size < BASE.batch_size:  # halved: at the base batch it fell short
            assert c.tokens < 1000 * 2 * c.batch_size * c.context
            assert c.batch_size == MIN_BATCH or c.steps >= 1000
        assert "halved" in c.rules
    assert min(c.batch_size for c in runs) < BASE.batch_size == max(c.batch_size for c in runs)


def test_the_budget_covers_every_seed() -> None:
    """Three seeds share the ladder's budget: each seed's copy is the one-seed ladder at a third
    of it, so the FLOPs, seeds included, stay within the budget."""
    sweep = dataclasses.replace(load(preset="ladder-cpu"), seeds=[0, 1, 2])
    configs = sweep.configs()
    assert {c.seed for c in configs} == {0, 1, 2}
    assert sum(cost(c) for c in configs) <= sweep.design["budget"]
    third = {**sweep.design, "budget": sweep.design["budget"] / 3}
    one = design_runs(sweep.base, third, V, train_tokens=len(prepare(sweep.base).train))
    assert [c for _, c in one] == [c for c in configs if c.seed == 0]
    assert len(configs) == 3 * len(one)


def test_approach2_cross_check_recovers_the_allocation_exponent() -> None:
    """Noise-free runs of a law with alpha = beta: Approach 2's N* ~ C^a comes out at the
    closed form beta / (alpha + beta) = 0.5, up to the approach's own grid bias (Czech 2026),
    which here is under 0.01; every level of the ladder gives a vertex."""
    a2 = approach2(law_table(), bootstrap=0, seed=0, level=0.95)
    assert a2["a"] == pytest.approx(0.5, abs=0.01)
    lo, hi = a2["a_ci"]
    assert lo < a2["a"] < hi and hi - lo < 0.05
    assert [lv["status"] for lv in a2["levels"]] == ["ok"] * 4
    n_opt = [lv["N_opt"] for lv in a2["levels"]]
    assert n_opt == sorted(n_opt) and len(set(n_opt)) == 4
