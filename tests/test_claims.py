"""The claim record and the verdict rules: every rule driven into each of its verdicts."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scalewall.claims import (
    CLAIMS,
    NOT_MEASURED,
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    UNTESTABLE,
    Check,
    ClaimRecord,
    claim,
    equivalence_verdict,
    from_record,
    markdown_table,
    range_verdict,
    stability,
    to_record,
)
from scalewall.collapse.claims import median_interval, schedule_verdict
from scalewall.data.runs import load_runs
from scalewall.downstream.claims import equivalence_share, inverse_scaling_verdict
from scalewall.forecast.claims import claim9, claim11, price_performance
from scalewall.forecast.tables import load_chips
from scalewall.laws.claims import (
    benchmark_gain_claim,
    envelope_decades,
    envelope_ratio,
    matched_excess,
    mean_excess,
    wall_test,
)
from scalewall.tts.claims import compute_matched_claim

INF = math.inf


@pytest.mark.parametrize(
    ("lo", "hi", "claimed", "verdict"),
    [
        (4.2, 4.8, (4.0, 5.0), SUPPORTED),  # inside
        (4.0, 5.0, (4.0, 5.0), SUPPORTED),  # the ends belong to the range
        (5.1, 6.0, (4.0, 5.0), NOT_SUPPORTED),  # above
        (1.0, 3.9, (4.0, 5.0), NOT_SUPPORTED),  # below
        (4.3, 5.3, (4.0, 5.0), PARTLY),  # straddles the upper end
        (3.0, 6.0, (4.0, 5.0), PARTLY),  # contains the range
        (2027.0, 2030.9, (-INF, 2031.0), SUPPORTED),  # an open end
        (2029.0, 2032.0, (-INF, 2031.0), PARTLY),
        (2032.0, 2040.0, (-INF, 2031.0), NOT_SUPPORTED),
        (None, 3.0, (0.0, 1.0), UNTESTABLE),  # no interval
        (0.1, INF, (0.0, 1.0), UNTESTABLE),  # an unbounded interval
    ],
)
def test_range_verdict(
    lo: float | None, hi: float | None, claimed: tuple[float, float], verdict: str
) -> None:
    assert range_verdict(lo, hi, claimed) == verdict


@pytest.mark.parametrize(
    ("lo", "hi", "margin", "verdict"),
    [
        (-1.5, 1.5, 2.0, SUPPORTED),  # TOST: the 90% interval inside (-margin, margin)
        (-2.0, 1.0, 2.0, PARTLY),  # touching a margin is not inside it
        (2.0, 5.0, 2.0, NOT_SUPPORTED),  # a difference of at least the margin
        (-9.0, -2.5, 2.0, NOT_SUPPORTED),
        (0.5, 3.0, 2.0, PARTLY),  # straddles the upper margin, narrower than the margin
        (-5.0, 6.0, 2.0, UNTESTABLE),  # wider than the margin: non-significance is no evidence
        (None, None, 2.0, UNTESTABLE),
    ],
)
def test_equivalence_verdict(
    lo: float | None, hi: float | None, margin: float, verdict: str
) -> None:
    assert equivalence_verdict(lo, hi, margin) == verdict


def test_stability_lists_the_specifications_that_flip() -> None:
    same = Check("frontier: all models", 4.5, 4.1, 4.9, SUPPORTED)
    flip = Check("'4-5x' read as 4.5-5x", 4.5, 4.1, 4.9, PARTLY)
    assert stability(SUPPORTED, [same]) == "robust"
    assert stability(SUPPORTED, [same, flip]) == "fragile (flipped by: '4-5x' read as 4.5-5x)"
    assert stability(SUPPORTED, []) == ""
    assert stability(NOT_MEASURED, [flip]) == ""


@pytest.mark.parametrize(
    "kind", ["digitisation band", "scenario range", "prior", "spread of seeds", ""]
)
@pytest.mark.parametrize("verdict", [SUPPORTED, PARTLY, NOT_SUPPORTED])
def test_a_band_never_decides(kind: str, verdict: str) -> None:
    with pytest.raises(ValueError, match="cannot decide"):
        ClaimRecord(
            1, "c", "m", "s", value=1.0, lo=0.5, hi=1.5, interval_kind=kind, verdict=verdict
        )
    # the same band may be shown under 'cannot be tested with this data'
    rec = ClaimRecord(
        1, "c", "m", "s", value=1.0, lo=0.5, hi=1.5, interval_kind=kind, verdict=UNTESTABLE
    )
    assert rec.verdict == UNTESTABLE


def test_an_unknown_interval_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown interval kind"):
        ClaimRecord(1, "c", "m", "s", interval_kind="vibes", verdict=UNTESTABLE)


def test_records_round_trip_through_json() -> None:
    rec = ClaimRecord(
        11,
        "High-quality text runs out this decade.",
        "m",
        "forecasts",
        claimed_range=(-INF, 2031.0),
        reading="'this decade' read as before 2031",
        value=2028.9,
        lo=2027.2,
        hi=2030.9,
        interval_kind="Monte Carlo",
        verdict=SUPPORTED,
        robustness=(Check("before 2030", 2028.9, 2027.2, 2030.9, PARTLY),),
        extrapolation="4 years beyond the last data (2025)",
    )
    d = to_record(rec)
    assert d["claimed_range"] == [None, 2031.0] and d["stability"].startswith("fragile")
    back = from_record(json.loads(json.dumps(d, allow_nan=False)))
    assert back == rec and to_record(back) == d


def test_the_twenty_claims_and_the_markdown_table() -> None:
    assert [c.id for c in CLAIMS] == list(range(1, 21))
    assert all(c.verdict == NOT_MEASURED and c.value is None for c in CLAIMS)
    md = markdown_table([to_record(c) for c in CLAIMS])
    lines = md.strip().splitlines()
    assert len(lines) == 22 and lines[0].startswith("| # | claim | reading")
    assert claim(3).claim in md


# -- the pillars' primary readings, on plain inputs (the future hub, grid and persuasion results)
def test_equivalence_share_counts_only_intervals_inside_the_margin() -> None:
    rows = pd.DataFrame(
        {
            "estimate": [0.1, 0.5, 4.0, 0.0],
            "lo90": [-1.0, -0.5, 3.0, -6.0],
            "hi90": [1.2, 1.9, 5.0, 6.0],
        }
    )
    k, n, share, lo, hi = equivalence_share(rows, 2.0)
    assert (k, n, share) == (2, 4, 50.0)  # the wide interval (-6, 6) does not count
    assert 0 < lo < 50 < hi < 100


@pytest.mark.parametrize(
    ("p_holm", "lo", "verdict"),
    [
        ([0.01, 0.9], [-3.0, 1.0], SUPPORTED),  # one Holm-significant fall
        ([0.4, 0.9], [-1.0, 0.5], NOT_SUPPORTED),  # every task excludes a fall of 2 points
        ([0.4, 0.9], [-5.0, 0.5], UNTESTABLE),  # one task cannot exclude it: no power
    ],
)
def test_inverse_scaling_verdict(p_holm: list[float], lo: list[float], verdict: str) -> None:
    assert inverse_scaling_verdict(pd.DataFrame({"p_holm": p_holm, "lo": lo}), 2.0) == verdict


@pytest.mark.parametrize(
    ("lin", "pw", "verdict"),
    [
        ((1.3, 1.2, 1.4), (1.02, 0.98, 1.05), SUPPORTED),  # linear grows, superlinear bounded
        ((1.01, 0.97, 1.04), (1.0, 0.98, 1.02), NOT_SUPPORTED),  # linear already bounded
        ((1.3, 1.2, 1.4), (1.2, 1.15, 1.25), PARTLY),  # neither schedule bounds it
    ],
)
def test_schedule_verdict(
    lin: tuple[float, float, float], pw: tuple[float, float, float], verdict: str
) -> None:
    assert schedule_verdict(lin, pw, 0.1) == verdict


def test_benchmark_and_compute_matched_claims_take_plain_tables() -> None:
    hub = pd.DataFrame(
        {
            "benchmark": ["a", "b", "c"],
            "estimate": [8.0, 12.0, 30.0],
            "lo": [6.0, 9.0, 25.0],
            "hi": [10.0, 15.0, 35.0],
            "n": [40, 35, 20],
        }
    )
    c2 = benchmark_gain_claim(hub, "Epoch AI's Benchmarking Hub")
    assert c2.value == 12.0 and c2.verdict == SUPPORTED  # the median benchmark, inside 5-20%
    assert c2.stability.startswith("fragile") and "benchmark c" in c2.stability
    grid = pd.DataFrame(
        {"comparison": ["160M vs 1B"], "estimate": [0.6], "lo": [0.4], "hi": [1.2], "n": [128]}
    )
    c19 = compute_matched_claim(grid, "Pythia grid")
    assert c19.verdict == PARTLY and c19.interval_kind == "bootstrap"


def test_envelope_gain_per_decade() -> None:
    # a frontier falling 1.0 over the first decade and 0.25 over the last
    c = [1.0, 10.0, 100.0, 1000.0]
    loss = [4.0, 3.0, 2.5, 2.25]
    g = envelope_decades(np.array(c), np.array(loss), np.ones((1, 4)))
    assert g[0].tolist() == [1.0, 0.25]
    # without the run at 10 FLOPs the frontier stays at 4.0 over the first decade
    g = envelope_decades(np.array(c), np.array(loss), np.array([[1, 0, 1, 1]]))
    assert g[0].tolist() == [0.0, 0.25]


def test_median_interval_covers_the_median_at_its_level() -> None:
    # order-statistic interval of the median of an exponential (median ln 2): over 400 samples
    # of size 101 the coverage's Monte Carlo SE is sqrt(.95 x .05 / 400) = 0.011; the interval
    # is conservative (binomial quantiles), so allow 3 SE below 95% and none needed above
    rng = np.random.default_rng(np.random.SeedSequence(12))
    x = rng.exponential(size=(400, 101))
    hits = 0
    for row in x:
        _, lo, hi = median_interval(row)
        hits += lo <= math.log(2) <= hi
    assert hits / 400 > 0.95 - 3 * 0.011


def test_no_wall_on_chinchillas_frontier(data_dir: Path) -> None:
    # Epoch AI's extraction of Chinchilla's runs (Besiroglu et al. 2024): fitted on the
    # frontier's first three decades, the power law with a floor predicts the last decade to
    # within 1% (RMS of log residuals) and a one-break BNSL does not beat it
    runs = load_runs("chinchilla-epoch")
    w = wall_test(runs)
    assert w["n_test"] >= 5 and w["power"] < 0.01 and w["power"] < w["broken"]
    # the runs' own frontier gains less over its last decade than its first
    v, lo, hi = envelope_ratio(runs, 500, 1)
    assert lo <= v <= hi < 1


def test_gpu_price_performance_falls_slower_than_35_percent(data_dir: Path) -> None:
    # Epoch AI's chip table (release price over peak FP32 FLOP/s, GPUs since 2006): about 16%
    # a year in nominal prices, 90% bootstrap interval inside 10-25% (Hobbhahn & Besiroglu 2022,
    # Epoch AI: 0.122 orders of magnitude a year, ~24.5%, inflation-adjusted, on 470 GPUs of
    # 2006-2021); the claim's 30-40% is out of reach of hardware price-performance alone
    chips = load_chips()
    v, lo, hi, n = price_performance(chips, chips["type"] == "GPU", "fp32")
    assert n > 150 and 10 < lo < v < hi < 25
    assert range_verdict(lo, hi, (30.0, 40.0)) == NOT_SUPPORTED


def test_repeated_data_costs_loss_at_equal_size_and_tokens(data_dir: Path) -> None:
    # Muennighoff et al. 2023's runs, model-free: against the single-epoch run with the same
    # parameters and total tokens, 1.5-5 epochs cost ~0.01 nats and 20+ epochs ~0.5 nats
    # (95% bootstrap intervals over matched pairs, 2,000 replicates)
    pairs = matched_excess(load_runs("datablations-fitset"))
    few = mean_excess(pairs, (1.5, 5.0))
    many = mean_excess(pairs, (20.0, math.inf))
    assert few[3] >= 10 and many[3] >= 10
    assert 0 < few[1] <= few[0] <= few[2] < 0.03
    assert many[1] > 0.2 and many[1] > few[2]


def test_forecast_year_claims_read_the_interval_and_the_distance() -> None:
    wall = {"median_year": 2028.9, "p10_year": 2027.2, "p90_year": 2030.9}
    c11 = claim11({"data_wall": wall, "scenario": "epoch-2024"})
    # the Monte Carlo interval ends before 2031, but Villalobos et al. 2024's published 80%
    # interval (2026-2032) straddles the decade's end: supported, and fragile
    assert c11.verdict == SUPPORTED and c11.extrapolation.startswith("4 years beyond")
    assert "published 80% interval" in c11.stability
    # a $1T run not reached in every draw: no interval, so no verdict and no crash
    milestone = {"usd": 1e12, "median_year": 2033.0, "p10_year": 2031.0, "p90_year": None}
    c9 = claim9({"cost_milestones": [milestone], "scenario": "epoch-2024", "draws": 1000})
    assert c9.verdict == UNTESTABLE and c9.extrapolation == ""
