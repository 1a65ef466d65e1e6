"""The specification curve: choices enumerated from the table, exact relations between
specifications on noise-free data, failures kept as rows, the CLI and the report part."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scalewall.errors import InputError
from scalewall.laws.data_constrained import DataConstrained
from scalewall.laws.forms import Chinchilla
from scalewall.laws.spec_curve import (
    NONEMBEDDING_COLUMN,
    SPEC_FIELDS,
    Spec,
    all_specs,
    choices,
    law_for,
    load_for_curve,
    payload,
    spec_curve,
    spread,
    table_for,
)
from scalewall.report.spec_curve import PART, curve_figure

sys.path.insert(0, str(Path(__file__).parents[1] / "cli"))
from cli_run import one_line_error, run_json

# Besiroglu et al. 2024 (arXiv 2404.10102), Table 1: their refit of Chinchilla Approach 3.
TRUE = {"E": 1.8172, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3659}


@pytest.fixture
def exact() -> pd.DataFrame:
    N, D = (
        a.ravel() for a in np.meshgrid(np.geomspace(7e7, 1.6e10, 6), np.geomspace(1e9, 5e11, 6))
    )
    return pd.DataFrame({"N": N, "D": D, "loss": Chinchilla().predict(N, D, TRUE)})


def _value(t: pd.DataFrame, q: str, **spec: str) -> float:
    m = t["quantity"] == q
    for k, v in spec.items():
        m &= t[k] == v
    assert m.sum() == 1
    return float(t.loc[m, "value"].iloc[0])


def test_choices_follow_the_table(exact):
    assert choices(exact)["select"] == ("all",)
    assert choices(exact)["params"] == ("total",)
    dup = pd.concat([exact, exact.assign(loss=exact["loss"] * 1.01)], ignore_index=True)
    assert choices(dup)["select"] == ("best", "mean")
    assert choices(exact.assign(**{NONEMBEDDING_COLUMN: exact["N"] / 2}))["params"] == (
        "total",
        "non-embedding",
    )
    assert len(all_specs(exact)) == 2 * 4 * 1 * 2 * 3 * 1  # law x objective x flops x subset


def test_flop_accounting_moves_only_the_allocation_by_the_exact_factor(exact):
    t = spec_curve(exact, specs=[Spec(), Spec(flops="8ND")], bootstrap=0)
    for q in ("alpha", "beta", "E"):  # the fit itself does not see the FLOP convention
        assert _value(t, q, flops="8ND") == pytest.approx(_value(t, q, flops="6ND"), rel=1e-9)
    # D*/N* = (C/k)^(b-a) / G^2 with a = beta/(alpha+beta), b = alpha/(alpha+beta): 8ND instead
    # of 6ND at the same C multiplies it by (6/8)^(b-a).
    al, be = TRUE["alpha"], TRUE["beta"]
    ratio = (6 / 8) ** ((al - be) / (al + be))
    got = _value(t, "tokens_per_param", flops="8ND") / _value(t, "tokens_per_param", flops="6ND")
    assert got == pytest.approx(ratio, rel=1e-6)
    # Noise-free data: the reference specification recovers the truth (optimiser tolerance).
    assert _value(t, "alpha", flops="6ND") == pytest.approx(TRUE["alpha"], rel=1e-4)


def test_tokens_derived_from_flops_are_rederived_under_8nd(exact):
    runs = exact.assign(C=6 * exact["N"] * exact["D"])
    df6, k6 = table_for(runs, Spec(), d_from_c=True)
    df8, k8 = table_for(runs, Spec(flops="8ND"), d_from_c=True)
    assert (k6, k8) == (6.0, 8.0)
    assert np.allclose(df8["D"], 0.75 * df6["D"])


def test_subsets_and_selection(exact):
    dup = pd.concat([exact, exact.assign(loss=exact["loss"] + 0.1)], ignore_index=True)
    best, _ = table_for(dup, Spec(select="best"))
    mean, _ = table_for(dup, Spec(select="mean"))
    assert len(best) == len(exact) and np.allclose(np.sort(best["loss"]), np.sort(exact["loss"]))
    assert np.allclose(np.sort(mean["loss"]), np.sort(exact["loss"] + 0.05))
    small, _ = table_for(exact, Spec(subset="drop-smallest"))
    assert small["N"].min() > exact["N"].min() and small["N"].nunique() == 5
    under, _ = table_for(exact, Spec(subset="drop-undertrained"))
    assert (under["D"] / under["N"]).min() >= 5 and len(under) < len(exact)


def test_another_law_and_a_caller_subset(exact):
    """A two-exponent form other than Chinchilla's (the data-constrained law, every run on
    fresh data, so it reduces to Chinchilla's) and a named subset of the caller's."""
    runs = exact.assign(unique_tokens=exact["D"])
    law = DataConstrained(base={"R_D_star": 15.4, "R_N_star": 1e4})  # pinned: no repeats to fit
    keep_large = {"large": lambda df: df["N"] >= np.median(df["N"])}
    specs = [Spec(law="data-constrained"), Spec(law="data-constrained-tied", subset="large")]
    t = spec_curve(runs, specs=specs, bootstrap=0, law=law, subsets=keep_large)
    assert (t["status"] == "ok").all()
    assert _value(t, "alpha", law="data-constrained") == pytest.approx(TRUE["alpha"], rel=1e-3)
    tied = t[t["law"] == "data-constrained-tied"]
    assert (tied["n_points"] == len(exact) // 2).all()
    assert _value(t, "beta", law="data-constrained-tied") == _value(
        t, "alpha", law="data-constrained-tied"
    )
    assert law_for(Spec(law="data-constrained-tied"), law).tied
    with pytest.raises(InputError, match="not a variant"):
        law_for(Spec(), law)
    with pytest.raises(InputError, match="unknown subset"):
        table_for(exact, Spec(subset="largest"))


def test_a_specification_that_cannot_be_fitted_stays_as_a_row(exact):
    few = exact[exact["N"] <= exact["N"].unique()[1]]  # 2 sizes: alpha is not identified
    t = spec_curve(few, specs=[Spec()], bootstrap=0)
    assert len(t) == 6 and t["value"].isna().all() and not t["converged"].any()
    assert "not identified" in t["status"].iloc[0]


def test_intervals_come_with_their_failure_counts(synthetic_runs):
    t = spec_curve(synthetic_runs, specs=[Spec()], bootstrap=60, seed=1)
    a = t[t["quantity"] == "alpha"].iloc[0]
    assert a["lo"] < a["value"] < a["hi"] and a["replicates"] == 60
    assert a["failed_replicates"] >= 0


def test_li_et_al_runs_span_decades_of_tokens_per_parameter(data_dir):
    # Issue 13: on Li et al. 2025's runs (hadasah/scaling_laws) tokens per parameter at 5.76e23
    # FLOPs range from about 0.01 to 64 across choices; law form and parameter counting alone
    # reproduce that spread (reference: free exponents, total parameters, best learning rate).
    runs, _ = load_for_curve("misfitting-li2025")
    specs = all_specs(runs, objective=["huber-log"], flops=["6ND"], subset=["all"], select=["best"])
    t = spec_curve(runs, specs=specs, bootstrap=0)
    tpp = t[t["quantity"] == "tokens_per_param"]
    assert len(tpp) == 4 and (tpp["status"] == "ok").all()
    assert tpp["value"].min() < 0.05 and tpp["value"].max() > 20
    s = spread(t).set_index("quantity")
    assert 0.005 < s.loc["tokens_per_param", "reference"] < 0.02  # the "0.01"


def test_cli_writes_the_documented_json_and_rejects_a_bad_quantity(tmp_path, exact):
    src = tmp_path / "runs.csv"
    exact.to_csv(src, index=False)
    doc = run_json(
        [
            "robustness",
            str(src),
            "--objective",
            "mse",
            "--bootstrap",
            "0",
            "--csv",
            str(tmp_path / "t.csv"),
        ],
        tmp_path / "c.json",
    )
    assert {"schema_version", "summary", "rows", "interval", "replicates", "level"} <= set(doc)
    row = doc["rows"][0]
    assert {*SPEC_FIELDS, "quantity", "value", "lo", "hi", "converged", "failed_replicates"} <= set(
        row
    )
    assert len(pd.read_csv(tmp_path / "t.csv")) == len(doc["rows"]) == 2 * 2 * 3 * 6
    line = one_line_error(["robustness", str(src), "--quantity", "nope"])
    assert "--quantity" in line
    line = one_line_error(["robustness", str(src), "--objective", "nope"])
    assert "objective has no option nope" in line


def test_report_part_renders_the_curve_and_the_counts(tmp_path, exact):
    t = spec_curve(
        exact, specs=all_specs(exact, objective=["mse"], law=["chinchilla"]), bootstrap=0
    )
    from scalewall.storage import write_csv, write_json

    write_csv(tmp_path / "spec_curve.csv", t)
    write_json(
        tmp_path / "spec_curve.json",
        payload(t, source="runs.csv", n_runs=len(exact), replicates=0, seed=0, level=0.95),
    )
    html = PART.render(tmp_path, [])
    assert "6 specifications" in html and "0 specifications could not be fitted" in html
    fig = curve_figure(t, "tokens_per_param", 0.95)
    assert len(fig.axes) == 2
    # the indicator panel has one row per option of each varied choice (flops 2, subset 3)
    assert len(fig.axes[1].get_yticks()) == 5
    fig, title, caption = PART.figures["spec_curve_tokens"](tmp_path)
    assert "tokens per parameter" in title and "0 bootstrap refits" in caption
