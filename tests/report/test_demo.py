"""``scalewall demo --quick`` and ``scalewall report``: stored files, their consistency, the HTML."""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from scalewall.cli.app import app
from scalewall.data.registry import entry
from scalewall.demo import SECTIONS
from scalewall.laws.envelope import frontier_outside_runs
from scalewall.report.html import NOT_MEASURED, VERDICTS, fmt_num

#: Besiroglu et al. 2024's optimum of the summed Huber(1e-3) log-loss objective on the 240 runs
#: left after dropping the 5 highest losses; the global fit must reach it (or go below).
EPOCH_OBJECTIVE = 0.00101827402401235
SECTION_FILES = (
    "fit_global.json",
    "fit_epoch2024.json",
    "compare_objectives.json",
    "diminishing_returns.csv",
    "frontier.csv",
    "runs.csv",
)
FIGURES = ("loss_vs_compute", "frontier_extrapolation", "tokens_per_parameter", "objective_forest")
CLAIM_KEYS = {"id", "claim", "measurement", "value", "lo", "hi", "verdict", "section"}
NEW_KEYS = {
    "quantity",
    "claimed_range",
    "reading",
    "data",
    "interval_kind",
    "test",
    "robustness",
    "extrapolation",
    "stability",
}


def load(folder: Path, name: str) -> Any:
    return json.loads((folder / name).read_text())


@pytest.fixture(scope="module")
def run(quick_demo: Any) -> Any:
    """The session's quick demo (tests/report/conftest.py), which must have succeeded."""
    assert quick_demo.exit_code == 0, quick_demo.stderr
    return quick_demo


def test_results_folder_layout(run: Any) -> None:
    f = run.folder
    for name in ("manifest.json", "report.html", "claims.json", "claims.csv"):
        assert (f / name).is_file(), name
    for name in SECTION_FILES:
        assert (f / "scaling_laws" / name).stat().st_size > 0, name
    for stem in FIGURES:
        assert (f / "figures" / f"{stem}.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
        assert (f / "figures" / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # atomic writes leave no temporary files behind
    assert not [p for p in f.rglob("*.tmp")]


def test_progress_per_section_and_summary(run: Any) -> None:
    """stderr shows each step (one line per step when not a terminal); stdout the summary."""
    assert "scaling laws: global fit, 400 bootstrap refits" in run.stderr
    assert "report: figures, claims and HTML" in run.stderr
    assert "claims check" in run.stdout
    assert f"report: {(run.folder / 'report.html').resolve()}" in run.stdout.replace("\n", "")


def test_manifest(run: Any) -> None:
    m = load(run.folder, "manifest.json")
    assert m["quick"] is True and m["scalewall_version"]
    assert [s["name"] for s in m["sections"]] == [s.name for s in SECTIONS]
    assert m["timings"]["total"] >= m["timings"]["scaling_laws"] > 0
    sec = m["sections"][0]
    assert sorted(sec["files"]) == sorted(f"scaling_laws/{n}" for n in SECTION_FILES)
    assert "--exclude-top-loss 5 --bootstrap 400" in sec["commands"]["fit_global.json"][0]
    (src,) = [d for d in m["data_sources"] if d["name"] == "chinchilla-epoch"]
    e = entry("chinchilla-epoch")
    assert (src["name"], src["license"], src["citation"]) == (
        "chinchilla-epoch",
        e.license,
        e.citation,
    )


def test_fits_reach_the_epoch_optimum(run: Any) -> None:
    g = load(run.folder, "scaling_laws/fit_global.json")
    ep = load(run.folder, "scaling_laws/fit_epoch2024.json")
    # the global optimiser must do at least as well as Epoch's 4,500-start grid
    assert g["objective_value"] <= EPOCH_OBJECTIVE * (1 + 1e-9)
    assert g["n_points"] == ep["n_points"] == 240
    assert g["bootstrap"]["replicates"] == ep["bootstrap"]["replicates"] == 400
    assert (g["procedure"], ep["procedure"]) == ("global", "epoch2024")
    # the likelihood estimate is not the Huber optimum, so its summed Huber value is higher
    assert ep["objective_value"] >= g["objective_value"]
    for d in (g, ep):
        for k, (lo, hi) in d["ci"].items():
            assert lo <= d["params"][k] <= hi, k


def test_runs_table_reproduces_the_objective(run: Any) -> None:
    """The stored residuals of the fitted runs give back the stored objective value."""
    runs = pd.read_csv(run.folder / "scaling_laws/runs.csv")
    g = load(run.folder, "scaling_laws/fit_global.json")
    assert len(runs) == 245 and runs["fitted"].sum() == 240
    # the runs left out are exactly the 5 highest losses
    assert runs.loc[~runs["fitted"], "loss"].min() >= runs.loc[runs["fitted"], "loss"].max()
    r = runs.loc[runs["fitted"], "log_residual_global"].to_numpy()
    delta = 1e-3
    huber = np.where(np.abs(r) <= delta, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta))
    # the CSV keeps 10 significant digits of each residual (~1e-2): 1e-6 relative is ample
    assert huber.sum() == pytest.approx(g["objective_value"], rel=1e-6)
    predicted = runs["predicted_global"].to_numpy()
    assert np.allclose(np.log(runs["loss"]) - np.log(predicted), runs["log_residual_global"])


def test_frontier_bands_contain_the_estimate(run: Any) -> None:
    fr = pd.read_csv(run.folder / "scaling_laws/frontier.csv")
    assert set(fr["procedure"]) == {"global", "epoch2024"}
    cols = ("loss", "N_opt", "D_opt", "tokens_per_param", "rel_gain_next_10x")
    for proc, df in fr.groupby("procedure"):
        c = df["compute"].to_numpy()
        assert c[0] == pytest.approx(1e18) and c[-1] == pytest.approx(1e28)
        assert np.all(np.diff(np.log10(c)) > 0)
        for k in cols:
            v, lo, hi = (df[x].to_numpy() for x in (k, f"{k}_lo", f"{k}_hi"))
            # percentile bands of the bootstrap draws; 1e-9 relative absorbs CSV rounding
            assert np.all(lo <= v * (1 + 1e-9)) and np.all(v <= hi * (1 + 1e-9)), (proc, k)
        fit = load(run.folder, f"scaling_laws/fit_{proc}.json")
        loss = df["loss"].to_numpy()
        assert np.all(np.diff(loss) < 0) and np.all(loss > fit["params"]["E"])
        at = df[np.isclose(df["compute"], 1e25)].iloc[0]
        assert at["loss"] == pytest.approx(fit["derived"]["loss_opt_at_1e+25"], rel=1e-9)
        rel = fit["derived"]["gain_next_10x_at_1e+25"] / fit["derived"]["loss_opt_at_1e+25"]
        assert at["rel_gain_next_10x"] == pytest.approx(rel, rel=1e-9)


def test_diminishing_returns_match_the_fits(run: Any) -> None:
    dr = pd.read_csv(run.folder / "scaling_laws/diminishing_returns.csv")
    for proc in ("global", "epoch2024"):
        rows = load(run.folder, f"scaling_laws/fit_{proc}.json")["diminishing_returns"]
        sub = dr[dr["procedure"] == proc].reset_index(drop=True)
        assert len(sub) == len(rows) == 11  # decades 1e18 .. 1e28
        for i, row in enumerate(rows):
            for k in ("compute", "loss", "loss_lo", "loss_hi", "gain_next_10x"):
                assert sub.loc[i, k] == pytest.approx(row[k], rel=1e-9)
        # each 10x of compute removes less loss than the one before
        assert np.all(np.diff(sub["gain_next_10x"]) < 0)


def test_compare_objectives(run: Any) -> None:
    c = load(run.folder, "scaling_laws/compare_objectives.json")
    assert c["objectives"] == ["huber-log", "mse-log", "mse", "asymmetric"]
    g = load(run.folder, "scaling_laws/fit_global.json")
    for k in ("E", "A", "B", "alpha", "beta"):
        assert c["quantities"][k]["values"]["huber-log"] == pytest.approx(g["params"][k])
        assert set(c["ci"]["mse-log"]) >= {k}
    assert c["bootstrap"]["replicates"] == 100


def test_claims_json(run: Any) -> None:
    claims = load(run.folder, "claims.json")
    assert [c["id"] for c in claims] == list(range(1, 21))
    g = load(run.folder, "scaling_laws/fit_global.json")
    for c in claims:
        assert set(c) >= CLAIM_KEYS and c["verdict"] in VERDICTS
        if c["id"] in (1, 2, 3, 4, 19):
            assert c["verdict"] != NOT_MEASURED and c["lo"] <= c["value"] <= c["hi"]
        if c["verdict"] == NOT_MEASURED:  # never a placeholder number
            assert c["value"] is c["lo"] is c["hi"] is None
        elif None not in (c["value"], c["lo"], c["hi"]):
            assert c["lo"] <= c["value"] <= c["hi"]
    one, two = claims[0], claims[1]
    # the runs' own frontier: the last decade of compute removes well under half the loss the
    # first one did (0.39 on Epoch's extraction), and both fitted laws agree: robust
    assert one["verdict"] == "supported" and one["hi"] < 1 and one["stability"] == "robust"
    key = "reducible_factor_per_10x"
    law = next(r for r in one["robustness"] if r["specification"].startswith("Chinchilla law"))
    assert law["value"] == pytest.approx(g["derived"][key])
    assert [law["lo"], law["hi"]] == pytest.approx(g["derived_ci"][key])
    # claims 2-4 and 19 read the data their sentence names (the hub, the persuasion study, the
    # Pythia grid); the old readings are labelled secondary ones
    assert one["section"] == "scaling-laws" and two["section"] == "benchmark-scaling"
    assert "Benchmarking Hub" in two["data"] and two["claimed_range"] == [5.0, 20.0]
    specs = [r["specification"] for r in two["robustness"]]
    assert any(x.startswith("secondary: compute-optimal loss") for x in specs)
    assert "variant rule 'all'" in specs and "variant rule 'fixed:high'" in specs
    assert claims[2]["section"] == "persuasion" and claims[2]["claimed_range"] == [-1.0, 1.0]
    assert "Pythia" in claims[3]["data"] and "Hub" in claims[3]["data"]
    assert claims[18]["interval_kind"] == "bootstrap" and "grid" in claims[18]["data"]
    for c in claims:
        assert set(c) >= NEW_KEYS
        if c["verdict"] in ("supported", "partly supported", "not supported"):
            assert c["interval_kind"] in ("bootstrap", "analytic", "Monte Carlo"), c["id"]


def test_report_html_is_self_contained(run: Any) -> None:
    html = (run.folder / "report.html").read_text()
    assert '<table id="claims">' in html
    rows = re.findall(r'<tr data-verdict="([^"]+)"', html)
    assert len(rows) == 20 and set(rows) <= set(VERDICTS)
    for sec in ("claims-check", "scaling-laws", "data-sources", "reproduce"):
        assert f'<section id="{sec}">' in html
    assert "<script" not in html and '<link rel="stylesheet"' not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing to fetch
    n_figures = len(list((run.folder / "figures").glob("*.svg")))
    assert n_figures >= len(FIGURES)
    assert html.count('src="data:image/svg+xml;base64,') == n_figures
    assert "scalewall fit chinchilla-epoch --exclude-top-loss 5 --bootstrap 400" in html
    assert entry("chinchilla-epoch").citation.split(",")[0] in html


def test_report_command_rebuilds_from_stored_files(run: Any, tmp_path: Path) -> None:
    copy = tmp_path / "results"
    shutil.copytree(run.folder, copy)
    for stale in ("report.html", "claims.json", "claims.csv"):
        (copy / stale).unlink()
    shutil.rmtree(copy / "figures")
    md = tmp_path / "claims.md"
    res = CliRunner().invoke(app, ["report", str(copy), "--claims-markdown", str(md)])
    assert res.exit_code == 0, res.stderr
    assert (copy / "report.html").read_text() == (run.folder / "report.html").read_text()
    assert load(copy, "claims.json") == load(run.folder, "claims.json")
    # the README's claims table: one row per claim, with its reading, verdict and robustness
    rows = md.read_text().splitlines()[2:]
    assert len(rows) == 20
    for row, c in zip(rows, load(copy, "claims.json"), strict=True):
        assert row.startswith(f"| {c['id']} | ") and f"| {c['verdict']} |" in row
    assert all((copy / "figures" / f"{s}.svg").is_file() for s in FIGURES)


def test_report_on_a_folder_without_results_is_one_line(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "manifest.json" in lines[0]


@pytest.mark.parametrize(
    ("v", "lo", "hi", "est", "iv"),
    [
        (1.8172, 1.7702, 1.8701, "1.817", "[1.770, 1.870]"),  # digits follow the interval
        (477.8, 280.1, 718.7, "478", "[280, 719]"),  # but keep 3 significant digits
        (
            7.319e10,
            5.349e10,
            1.151e11,
            "7.32\u00a0×10<sup>10</sup>",
            "[5.35, 11.51]\u00a0×10<sup>10</sup>",
        ),
        (518.0, 83.0, math.inf, "518", "[83, ∞]"),
    ],
)
def test_numbers_are_rounded_to_their_interval(
    v: float, lo: float, hi: float, est: str, iv: str
) -> None:
    assert fmt_num(v, lo, hi) == (est, iv)


def test_unreachable_and_missing_numbers() -> None:
    assert fmt_num(math.inf) == ("unreachable", "")
    assert fmt_num(None) == ("n/a", "")


def test_own_lm_frontier_outside_its_runs_is_said(run: Any) -> None:
    # the quick sweep's runs are too small to pin the law: its frontier sits below every run
    html = (run.folder / "report.html").read_text()
    section = html[html.index('id="own-lm-runs"') :]
    assert section.count("The fitted frontier lies outside the observed runs") == 2  # caption, note
    assert "warning: own LM runs: The fitted frontier lies outside" in run.stderr
    # the Chinchilla frontier stays with its runs over their compute range
    runs = pd.read_csv(run.folder / "scaling_laws" / "runs.csv")
    front = pd.read_csv(run.folder / "scaling_laws" / "frontier.csv")
    reasons = frontier_outside_runs(runs, front[front["procedure"] == "global"])
    assert not [r for r in reasons if "below the lowest loss" in r or "sizes trained" in r]
