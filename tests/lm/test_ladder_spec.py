"""The specification curve of a designed ladder's fit: its rows, its reference equal to the main
fit, the subsets it drops, and exact recovery of a known law under every choice that counts N
the way the law was written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scalewall.errors import InputError
from scalewall.lm.flops import flops_per_token, non_embedding_params, total_params
from scalewall.lm.ladder_fit import analyse, ladder_law
from scalewall.lm.ladder_spec import SHORT_RUN_STEPS, payload
from scalewall.report.figures import make_figures
from scalewall.report.lm_figures import BUILDERS
from scalewall.storage import write_json

V, T, BATCH = 512, 64, 16  # vocabulary, context and sequences per step of the ladder-cpu base
SHAPES = [(1, 16), (1, 24), (1, 32), (2, 32), (2, 48), (3, 64), (4, 96), (4, 128)]
SPEC = ("law", "objective", "params", "flops", "subset", "select")


def ladder_table(epochs_cap: float | None = None, noise: float = 0.0) -> pd.DataFrame:
    """An isoFLOP ladder, 4 levels (3x apart) x 5 real shapes, losses from a known Chinchilla
    law in non-embedding N (E 1.5, alpha = beta = 0.35), optionally noisy (seeded) and with
    repeated data (unique tokens capped so the longest runs see ``epochs_cap`` epochs)."""
    rows = []
    for k in range(4):
        C = 1e11 * 3.0**k
        for n_layer, d in SHAPES[k : k + 5]:
            D = C / flops_per_token(n_layer, d, V, T)
            rows.append(
                {
                    "run_id": f"r{len(rows)}",
                    "N": non_embedding_params(n_layer, d),
                    "N_total": total_params(n_layer, d, V, T),
                    "D": D,
                    "C": C,
                    "steps": int(D // (BATCH * T)),
                }
            )
    t = pd.DataFrame(rows)
    rng = np.random.default_rng(np.random.SeedSequence(15))
    t["loss"] = (1.5 + 30 * t["N"] ** -0.35 + 100 * t["D"] ** -0.35) * np.exp(
        noise * rng.standard_normal(len(t))
    )
    U = t["D"].max() / epochs_cap if epochs_cap else t["D"].max()
    t["unique_tokens"] = np.minimum(t["D"], U)
    t["epochs"] = t["D"] / t["unique_tokens"]
    return t


def _row(rows: pd.DataFrame, quantity: str, **spec: str) -> pd.Series:
    m = rows["quantity"] == quantity
    for k, v in spec.items():
        m &= rows[k] == v
    assert m.sum() == 1
    return rows[m].iloc[0]


def test_the_reference_spec_is_the_main_fit_and_every_choice_has_rows() -> None:
    table = ladder_table(epochs_cap=4.0, noise=0.01)
    short = int((table["steps"] < SHORT_RUN_STEPS).sum())
    assert 0 < short < len(table)  # so the curve offers drop-short
    res, lad = analyse(table, "isoflop", bootstrap=0, seed=0, level=0.95, spec_bootstrap=0)
    assert lad["law"] == "data-constrained"
    rows = pd.DataFrame(lad["spec_curve"])
    s = lad["spec_curve_summary"]
    # law (free, tied) x objective (huber-log, mse-log) x params (non-embedding, total) x subset
    assert s["varied"] == {
        "law": ["data-constrained", "data-constrained-tied"],
        "objective": ["huber-log", "mse-log"],
        "params": ["non-embedding", "total"],
        "subset": ["all", "drop-short", "drop-smallest-level"],
    }
    assert s["specs"] == 24 and len(rows) == 24 * 4 and s["replicates"] == 0
    assert rows.groupby(list(SPEC))["quantity"].apply(sorted).map(tuple).nunique() == 1
    ref = s["reference"]
    assert ref["params"] == "non-embedding" and ref["subset"] == "all"
    main = {"E": lad["E"], "alpha": res.params["alpha"], "beta": res.params["beta"]}
    for q, v in main.items():  # the same table, law and objective: the same optimum
        assert _row(rows, q, **ref)["value"] == pytest.approx(v, rel=1e-9, abs=1e-12)
    bt = _row(rows, "backtest_error", **ref)
    assert bt["value"] == pytest.approx(lad["backtest"]["largest_run_relative_error"], rel=1e-9)
    assert bt["n_points"] == lad["backtest"]["n_train"] == 15
    # subsets drop what they say: the smallest level's 5 runs, the short runs
    for subset, n in (("all", 20), ("drop-smallest-level", 15), ("drop-short", 20 - short)):
        assert _row(rows, "E", **{**ref, "subset": subset})["n_points"] == n
    spread = {r["quantity"]: r for r in s["spread"]}
    for q in ("E", "alpha"):
        r = spread[q]
        assert r["min"] <= r["reference"] <= r["max"] and r["moved_most_by"] in s["varied"]


def test_every_spec_in_the_law_own_count_recovers_it() -> None:
    """Noise-free runs of a known law: every specification that counts N as the law does (non-
    embedding) finds E and alpha to 1% and predicts the top level's largest run to 0.1%,
    whatever the objective, tying (the law has alpha = beta) or subset; counting embeddings too
    bends the law, so those specifications must not all land there."""
    table = ladder_table()
    law, _ = ladder_law(table)
    assert law.name == "chinchilla"
    rows = pd.DataFrame(payload(table, law, "isoflop", 0, 0, 0.95)["spec_curve"])
    assert (rows["status"] == "ok").all()
    own = rows[rows["params"] == "non-embedding"]
    assert own[["objective", "law", "subset"]].drop_duplicates().shape[0] == 12
    for q, want, tol in (("E", 1.5, 0.01), ("alpha", 0.35, 0.01), ("backtest_error", 0, 1e-3)):
        v = own.loc[own["quantity"] == q, "value"].to_numpy(dtype=float)
        assert np.allclose(v, want, rtol=tol, atol=tol if want == 0 else 0), (q, v)
    total = rows[(rows["params"] == "total") & (rows["quantity"] == "alpha")]
    assert not np.allclose(total["value"].to_numpy(dtype=float), 0.35, rtol=0.01)


def test_tables_without_total_counts_or_short_runs_vary_less() -> None:
    table = ladder_table().drop(columns="N_total").assign(steps=SHORT_RUN_STEPS)
    law, _ = ladder_law(table)
    s = payload(table, law, "isoflop", 0, 0, 0.95)["spec_curve_summary"]
    assert s["specs"] == 2 * 2 * 2  # law x objective x subset (all, drop-smallest-level)
    assert "params" not in s["varied"] and s["subsets"].keys() == {"all", "drop-smallest-level"}


def test_bad_spec_bootstrap_is_an_input_error() -> None:
    table = ladder_table()
    with pytest.raises(InputError, match="spec_bootstrap"):
        payload(table, ladder_law(table)[0], "isoflop", -1, 0, 0.95)


def test_no_ladder_no_spec_curve_figure(tmp_path: Path) -> None:
    """A sweep that is not a designed ladder (the demo's) draws no ladder figure."""
    (tmp_path / "lm").mkdir()
    write_json(tmp_path / "lm" / "sweep.json", {"name": "demo-lm-quick", "ladder": None})
    ladder_only = {k: b for k, b in BUILDERS.items() if k.startswith("lm_ladder_spec_")}
    assert len(ladder_only) == 2 and make_figures(tmp_path, [("lm", ladder_only)]) == []
