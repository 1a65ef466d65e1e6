"""The 'repeated_data' demo section: its fit is the CLI's, its numbers match the published ones.

Published values: Muennighoff et al. 2023 (arXiv 2305.16264), huggingface/datablations README
("Parametric Fit": R_D* = 15.387756, R_N* = 5.309743) and utils/parametric_fit.ipynb (objective
0.015825936570763588 on the 182 runs); effective-data multiples 3.73x (4 epochs), 10.6x (16) and
the 16.39x cap from shared/research/scaling_laws.md (datablations section).
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from scalewall.claims import PARTLY
from scalewall.cli.app import app
from scalewall.errors import InputError
from scalewall.laws.catalog import make_law
from scalewall.laws.claims import measure_repeated
from scalewall.laws.data_constrained import DataConstrained
from scalewall.laws.repeated_section import SECTION, effective_table
from scalewall.report.common import read_json


@pytest.fixture(scope="module")
def run(
    tmp_path_factory: pytest.TempPathFactory, data_dir: Path
) -> tuple[Path, dict[str, list[str]]]:
    folder = tmp_path_factory.mktemp("demo") / SECTION.name
    out = SECTION.run(folder, True, lambda step, done, total: None)
    return folder, out.commands


def test_pins_route_to_base() -> None:
    law = make_law("data-constrained", tie=True, pins={"E": 1.8, "alpha": 0.35})
    assert isinstance(law, DataConstrained)
    assert dict(law.fixed) == {"E": 1.8} and dict(law.base) == {"alpha": 0.35}
    assert law.nonlinear == ("R_D_star", "R_N_star")
    with pytest.raises(InputError, match="cannot pin 'gamma'"):
        make_law("data-constrained", pins={"gamma": 1.0})


def test_published_reference_numbers(run: tuple[Path, dict[str, list[str]]]) -> None:
    s = read_json(run[0] / "summary.json")
    pub = s["published"]
    assert pub["R_D_star"] == 15.387756 and pub["R_N_star"] == 5.309743
    assert round(s["epochs"]["4"]["published_multiple"], 2) == 3.73
    assert round(s["epochs"]["16"]["published_multiple"], 1) == 10.6
    assert round(pub["cap"], 2) == 16.39
    assert s["objective_published"] == pytest.approx(0.015825936570763588, rel=1e-6)
    # the global refit finds the lower basin guarded in test_data_constrained.py
    assert s["objective_ours"] < s["objective_published"]
    assert s["R_D_star_ci"][0] < s["R_D_star"] < s["R_D_star_ci"][1]
    # a repeated token is never worth more than a fresh one
    for e, row in s["epochs"].items():
        assert row["multiple_ci"][1] <= float(e) and row["worth_vs_fresh_ci"][1] <= 1.0


def test_fit_json_is_what_the_recorded_command_writes(
    run: tuple[Path, dict[str, list[str]]], tmp_path: Path
) -> None:
    folder, commands = run
    args = shlex.split(commands["fit.json"][0])[1:]
    out = tmp_path / "fit.json"
    args[args.index("--json") + 1] = str(out)
    r = CliRunner().invoke(app, [*args, "--quiet"])
    assert r.exit_code == 0, r.output
    ours, cli = read_json(folder / "fit.json"), json.loads(out.read_text())
    assert cli["params"] == ours["params"]
    assert cli["ci"] == ours["ci"] and cli["derived_ci"] == ours["derived_ci"]


def test_effective_table_bands() -> None:
    draws = np.array([5.0, 15.0, 50.0, 500.0])
    t = effective_table(draws, 15.0, 0.95)
    assert (t["multiple_lo"] <= t["multiple"] + 1e-12).all()
    assert (t["multiple"] <= t["multiple_hi"] + 1e-12).all()
    assert (t["multiple_hi"] <= t["fresh"] + 1e-9).all()
    assert t["multiple"].iloc[0] == 1.0 and np.all(np.diff(t["multiple"]) >= 0)
    assert t["multiple"].iloc[-1] == pytest.approx(1 + 15.0)  # 1000 epochs: at the cap 1 + R_D*


def test_claim_17(run: tuple[Path, dict[str, list[str]]]) -> None:
    folder, commands = run
    c = measure_repeated(folder, commands)[17]
    s = read_json(folder / "summary.json")
    assert c.value == pytest.approx(100 * s["epochs"]["16"]["worth_vs_fresh"])
    # the worth of 16 epochs straddles 90% of fresh data (the non-inferiority margin): partly
    lo, hi = s["epochs"]["16"]["worth_vs_fresh_ci"]
    assert lo < 0.9 < hi and (c.lo, c.hi) == pytest.approx((100 * lo, 100 * hi))
    assert c.verdict == PARTLY and c.interval_kind == "bootstrap"
    assert c.command.startswith("scalewall fit datablations-fitset --law data-constrained --tie")
