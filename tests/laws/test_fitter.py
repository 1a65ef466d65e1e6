"""The fitter's parts against exact answers: NNLS, the batched solver, global search, bootstrap."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import nnls

from scalewall.errors import InputError
from scalewall.laws import Chinchilla, FitResult, Objective, ObjectiveName, PowerLaw, fit
from scalewall.laws.fitter import fit_raw, unpack
from scalewall.laws.solvers import nnls_small
from scalewall.resampling import resample_weights

TRUE = {"E": 1.82, "A": 482.0, "B": 2085.0, "alpha": 0.348, "beta": 0.366}


def test_nnls_small_matches_scipy():
    rng = np.random.default_rng(0)
    B = rng.normal(size=(50, 30, 3))
    y = rng.normal(size=(50, 30))
    got = nnls_small(B, y)
    for i in range(50):
        ref, _ = nnls(B[i], y[i])
        f_got = np.sum((B[i] @ got[i] - y[i]) ** 2)
        f_ref = np.sum((B[i] @ ref - y[i]) ** 2)
        assert np.all(got[i] >= 0)
        assert f_got == pytest.approx(f_ref, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("name", list(ObjectiveName))
def test_noise_free_chinchilla_is_recovered_under_every_objective(synthetic_runs, name):
    df = synthetic_runs.copy()
    df["loss"] = Chinchilla().predict(df["N"], df["D"], TRUE)
    r = fit(df, objective=name, bootstrap=0)
    for k, v in TRUE.items():
        # Exact data: the optimum is the truth; 1e-4 relative is the optimiser's tolerance.
        assert r.params[k] == pytest.approx(v, rel=1e-4), k


def test_psi_is_the_derivative_of_rho():
    r = np.linspace(-0.05, 0.05, 101)
    for name in ObjectiveName:
        obj = Objective(name, delta=0.01, weight=5.0)
        h = 1e-7
        num = (obj.rho(r + h) - obj.rho(r - h)) / (2 * h)
        np.testing.assert_allclose(obj.psi(r), num, atol=1e-6)


def test_global_search_beats_a_bad_local_start(synthetic_runs):
    # A start far from the optimum (alpha = beta = 2) is what trips single-start fitters.
    X = {"N": synthetic_runs["N"].to_numpy(), "D": synthetic_runs["D"].to_numpy()}
    y = synthetic_runs["loss"].to_numpy()
    g = fit_raw(Chinchilla(), X, y, Objective())
    single = fit_raw(Chinchilla(), X, y, Objective(), grid=np.array([[2.0, 2.0]]), n_starts=1)
    assert g.value <= single.value * (1 + 1e-9)
    assert unpack(Chinchilla(), g.phi)["alpha"] == pytest.approx(0.348, abs=0.03)


def test_pinned_asymptote_and_tied_exponents(synthetic_runs):
    r = fit(synthetic_runs, pins={"E": 1.9}, bootstrap=0)
    assert r.params["E"] == 1.9 and "E" in r.pinned
    t = fit(synthetic_runs, tie=True, bootstrap=0)
    assert t.params["beta"] == t.params["alpha"] and "alpha = beta" not in t.formula
    assert t.formula.endswith("B/D^alpha")
    assert t.derived["a"] == pytest.approx(0.5)


def test_power_law_in_compute():
    C = np.geomspace(1e18, 1e22, 30)
    df = pd.DataFrame({"C": C, "loss": 1.7 + 30.0 * C**-0.05})
    r = fit(df, law=PowerLaw(variable="C"), bootstrap=0)
    assert r.params["alpha"] == pytest.approx(0.05, rel=1e-3)
    assert r.params["E"] == pytest.approx(1.7, rel=1e-3)


def test_unidentified_exponents_are_refused_with_a_remedy():
    N = np.repeat([1e8, 1.5e8, 2e8], 5)
    D = np.tile(np.geomspace(1e9, 1e11, 5), 3)
    df = pd.DataFrame({"N": N, "D": D, "loss": Chinchilla().predict(N, D, TRUE)})
    with pytest.raises(InputError, match="--tie"):
        fit(df, bootstrap=0)
    assert fit(df, tie=True, bootstrap=0).params["alpha"] > 0


def test_group_resampling_draws_whole_groups():
    rng = np.random.default_rng(1)
    groups = np.repeat(np.arange(5), 4)
    W = resample_weights(20, 200, rng, groups)
    assert np.all(W.sum(axis=1) == 20)
    blocks = W.reshape(200, 5, 4)
    assert np.all(blocks == blocks[:, :, :1])  # every row of a group has its group's count


def test_bootstrap_interval_covers_truth_and_is_seeded(synthetic_runs):
    a = fit(synthetic_runs, bootstrap=200, seed=3)
    b = fit(synthetic_runs, bootstrap=200, seed=3)
    assert a.ci == b.ci
    for k in ("alpha", "beta"):
        assert a.ci[k][0] <= a.params[k] <= a.ci[k][1]
    assert a.bootstrap["not_converged"] == 0


def test_result_round_trips_through_json(synthetic_runs):
    r = fit(synthetic_runs, bootstrap=50, seed=0, target_loss=1.0)
    d = r.to_dict()
    text = json.dumps(d, allow_nan=False)  # plain JSON; 'unreachable' (inf) becomes null
    again = FitResult.from_dict(json.loads(text)).to_dict()
    assert again == d
    assert d["derived"]["compute_for_loss_1"] is None  # 1.0 < E: unreachable
    assert {"law", "objective", "n_points", "objective_value", "params", "ci", "derived"} <= set(d)


def test_outliers_are_flagged_with_a_reason(synthetic_runs):
    df = synthetic_runs.copy()
    df.loc[5, "loss"] *= 1.3
    r = fit(df, bootstrap=0)
    rows = [o["row"] for o in r.outliers]
    assert 6 in rows
    assert "above the fit" in r.outliers[rows.index(6)]["reason"]


# --- one result shape ---------------------------------------------------------------------------


def test_every_law_form_predicts_allocates_and_round_trips():
    """power-c used to raise KeyError: 'B' in predict; now every form predicts through its law."""
    C = np.geomspace(1e18, 1e22, 12)
    df = pd.DataFrame({"C": C, "loss": 1.7 + 60.0 * C**-0.12})
    r = fit(df, "power-c", bootstrap=0)
    assert r.predict(C=1e23) == pytest.approx(1.7 + 60.0 * 1e23**-0.12, rel=1e-6)
    back = FitResult.from_dict(json.loads(json.dumps(r.to_dict())))
    assert back.predict(C=[1e20, 1e23]) == pytest.approx(r.predict(C=[1e20, 1e23]), rel=1e-12)
    with pytest.raises(InputError, match="has no B"):  # a law in C alone cannot split C
        r.allocate(1e24)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.params = {}  # type: ignore[misc]


def test_chinchilla_result_read_back_allocates_like_the_original(synthetic_runs):
    r = fit(synthetic_runs, tie=True, pins={"E": 1.9}, bootstrap=0)
    back = FitResult.from_dict(json.loads(json.dumps(r.to_dict())))
    assert back.law_spec == {"name": "chinchilla", "tie": True, "pins": {"E": 1.9}, "breaks": 1}
    assert back.predict(7e10, 1.4e12) == pytest.approx(r.predict(7e10, 1.4e12), rel=1e-12)
    assert back.allocate(1e24)["N"] == pytest.approx(r.allocate(1e24)["N"], rel=1e-12)


def test_python_default_bootstrap_is_the_cli_default(synthetic_runs):
    from scalewall.laws.api import DEFAULT_BOOTSTRAP

    r = fit(synthetic_runs.iloc[::2], tie=True)  # 18 runs keep the default bootstrap quick
    assert DEFAULT_BOOTSTRAP == 1000 and r.bootstrap["replicates"] == DEFAULT_BOOTSTRAP


def test_five_parameters_on_five_points_is_warned_about(synthetic_runs):
    df = synthetic_runs.iloc[[0, 7, 14, 21, 28]]  # the diagonal: 5 sizes, 5 token counts
    r = fit(df, bootstrap=0, force=True)
    assert any("5 points for 5 parameters" in w for w in r.warnings)
    assert not any("per parameter" in w for w in fit(synthetic_runs, bootstrap=0).warnings)
