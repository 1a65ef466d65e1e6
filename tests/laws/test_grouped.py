"""Tables of several datasets: never pooled silently; the joint law recovers shared exponents."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from scalewall.errors import InputError, ScalewallWarning
from scalewall.laws import FitResult, fit
from scalewall.laws.catalog import make_law
from scalewall.laws.grouped import Grouped
from scalewall.laws.pooling import compare_pooling

ALPHA, BETA = 0.34, 0.28
COEF = {"c4": (1.80, 480.0, 2000.0), "code": (1.20, 300.0, 2600.0)}  # different E, A and B


def two_datasets(sigma: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """6 sizes x 6 token counts per dataset, Chinchilla law with shared exponents."""
    rng = np.random.default_rng(seed)
    N = np.repeat(np.geomspace(7e7, 1.6e10, 6), 6)
    D = np.tile(np.geomspace(1e9, 5e11, 6), 6)
    parts = []
    for g, (E, A, B) in COEF.items():
        loss = (E + A * N**-ALPHA + B * D**-BETA) * np.exp(rng.normal(0, sigma, N.size))
        parts.append(pd.DataFrame({"N": N, "D": D, "loss": loss, "dataset": g}))
    out = pd.concat(parts, ignore_index=True)
    out.attrs["columns"] = {"group": "dataset"}  # as load_runs records a mapped column
    return out.rename(columns={"dataset": "group"})


def test_two_datasets_are_not_pooled_silently_and_the_joint_fit_is_exact() -> None:
    df = two_datasets()
    with pytest.warns(ScalewallWarning, match="column 'dataset' holds 2 datasets"):
        r = fit(df, bootstrap=0)
    assert r.groups == {"column": "dataset", "labels": ["c4", "code"], "structure": "joint"}
    # noise-free data: the optimum is the truth; 1e-4 relative is the optimiser's tolerance
    assert r.params["alpha"] == pytest.approx(ALPHA, rel=1e-4)
    assert r.params["beta"] == pytest.approx(BETA, rel=1e-4)
    for g, (E, A, B) in COEF.items():
        assert r.params[f"E[{g}]"] == pytest.approx(E, rel=1e-4)
        assert r.params[f"A[{g}]"] == pytest.approx(A, rel=1e-3)  # A, B: looser, flat directions
        assert r.params[f"B[{g}]"] == pytest.approx(B, rel=1e-3)
    assert r.predict(1e9, 2e10, group="code") == pytest.approx(
        1.20 + 300.0 * 1e9**-ALPHA + 2600.0 * 2e10**-BETA, rel=1e-6
    )
    assert r.allocate(1e24, group="c4")["tokens_per_param"] > 0
    back = FitResult.from_dict(json.loads(json.dumps(r.to_dict())))
    assert isinstance(back.form, Grouped) and back.form.labels == ("c4", "code")
    assert back.predict([1e9], [2e10], group=["c4"]) == pytest.approx(
        r.predict(1e9, 2e10, group="c4")
    )
    with pytest.raises(InputError, match="name one of c4, code"):
        r.allocate(1e24)


def test_pool_keeps_one_law_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScalewallWarning)
        r = fit(two_datasets(), bootstrap=0, pool=True)
    assert r.groups["structure"] == "pooled" and "E" in r.params
    # one E for two asymptotes 0.6 apart: the pooled fit is visibly worse than the joint one
    with pytest.warns(ScalewallWarning):
        joint = fit(two_datasets(), bootstrap=0)
    assert r.objective_value > 100 * joint.objective_value


def test_joint_bootstrap_covers_the_shared_exponents() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScalewallWarning)
        r = fit(two_datasets(sigma=0.01, seed=3), bootstrap=200, seed=0)
    assert r.bootstrap["not_converged"] == 0
    for k, v in (("alpha", ALPHA), ("beta", BETA)):
        assert r.ci[k][0] < v < r.ci[k][1]  # one seeded draw; the 95% interval holds the truth


def test_comparison_prefers_the_joint_law_when_exponents_are_shared() -> None:
    cmp = compare_pooling(two_datasets(sigma=0.01, seed=1), make_law("chinchilla"))
    s = cmp["structures"]
    assert [s[k]["n_params"] for k in ("pooled", "separate", "joint")] == [5, 10, 8]
    # shared exponents and different E: BIC's penalty picks joint over separate; pooling misfits
    assert cmp["preferred"]["bic"] == "joint"
    assert s["pooled"]["heldout_rmsle"] > 3 * s["joint"]["heldout_rmsle"]


def test_resampling_whole_datasets_is_refused() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScalewallWarning)
        with pytest.raises(InputError, match="--resample run"):
            fit(two_datasets(), bootstrap=10, resample="group")


def test_tied_joint_law_reports_beta_with_its_interval() -> None:
    df = two_datasets(sigma=0.01, seed=4)
    with pytest.warns(ScalewallWarning):
        r = fit(df, tie=True, bootstrap=50, seed=0)
    assert r.params["beta"] == r.params["alpha"] and r.ci["beta"] == r.ci["alpha"]
    assert r.bootstrap["resample"] == "run"  # datasets are never drawn whole
