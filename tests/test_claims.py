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
    median_interval,
    range_verdict,
    stability,
    to_record,
)
from scalewall.collapse.claims import schedule_verdict
from scalewall.data.runs import load_runs
from scalewall.downstream.claims import (
    claim3_persuasion,
    claim4_search,
    equivalence_share,
    inverse_scaling_verdict,
    search_rows,
)
from scalewall.downstream.trends import wilson
from scalewall.forecast.claims import claim9, claim11, price_performance
from scalewall.forecast.tables import load_chips
from scalewall.laws.claims import (
    benchmark_gain_claim,
    envelope_decades,
    envelope_ratio,
    hub_readings,
    matched_excess,
    mean_excess,
    wall_test,
)
from scalewall.tts.claims import compute_matched_claim, grid_match_rows

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
    # the upper end counts the inconclusive one as possibly equivalent, never the one beyond
    assert lo == pytest.approx(100 * wilson(2, 4)[0])
    assert hi == pytest.approx(100 * wilson(3, 4)[1])


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


def _hub_row(name: str, top: float, low: float, **flags: object) -> dict[str, object]:
    """A hub benchmark whose logit fit runs from ``low`` to ``top`` over one decade."""
    return {
        "benchmark": name,
        "bounded": True,
        "verdict": "gain",
        "gain_span_decades": 1.0,
        "gain_per_10x": 100 * (top - low),
        "rel_error_reduction": 1 - (1 - top) / (1 - low),
        "slope_per_decade": 100 * (top - low),
        "slope_adj_year": 100 * (top - low),
        "at_chance": False,
        "near_ceiling": False,
        "contamination_prone": False,
        **flags,
    }


def _hub(gains: list[float]) -> dict[str, object]:
    rows = [_hub_row(f"b{i}", 0.3 + g / 100, 0.3) for i, g in enumerate(gains)]
    rows.append(_hub_row("saturated", 0.99, 0.5, near_ceiling=True))  # left out and counted
    return {"settings": {"min_models": 8}, "summary": {}, "benchmarks": rows}


def test_hub_readings_recover_the_relative_score_gain() -> None:
    # a score rising from 40 to 50 points over 2 decades: 5 points and 11.8% per decade
    top, low, span = 0.5, 0.4, 2.0
    row = _hub_row("a", top, low) | {
        "gain_span_decades": span,
        "gain_per_10x": 100 * (top - low) / span,
        "rel_error_reduction": 1 - ((1 - top) / (1 - low)) ** (1 / span),
    }
    r = hub_readings([row]).iloc[0]
    assert r["points"] == pytest.approx(5.0)
    assert r["rel_score"] == pytest.approx(100 * ((top / low) ** 0.5 - 1))


@pytest.mark.parametrize(
    ("gains", "verdict"),
    [
        ([9.0, 10.0, 11.0, 10.5, 9.5, 10.2, 9.8, 10.1, 9.9], SUPPORTED),  # median inside 5-20
        ([30.0, 32.0, 34.0, 31.0, 33.0, 35.0, 36.0, 30.5, 31.5], NOT_SUPPORTED),  # all above
        ([2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 25.0, 30.0], PARTLY),  # interval crosses 20
    ],
)
def test_benchmark_gain_claim_reads_the_median_benchmark(gains: list[float], verdict: str) -> None:
    c = benchmark_gain_claim({"best": _hub(gains)})
    assert c.verdict == verdict and c.interval_kind == "analytic"
    assert c.value == pytest.approx(float(np.median(gains)))
    assert "saturated" in c.data and "9 bounded" in c.data
    specs = [r.specification for r in c.robustness]
    assert "saturated and at-chance benchmarks included" in specs
    assert any(s.startswith("relative error reduction") for s in specs)


def _equivalence(d: float, lo: float, hi: float) -> dict[str, object]:
    test = {"difference": d, "ci90_lo": lo, "ci90_hi": hi}
    return {
        "claim": "no more persuasive",
        "frontier_models": ["A", "B"],
        "frontier_params_b": 300.0,
        "comparison_models": ["c", "d"],
        "comparison_rule": "open models 10-100B",
        "margin": 1.0,
        "unadjusted": test,
        "adjusted_task_completion": test,
    }


@pytest.mark.parametrize(
    ("ci", "verdict"),
    [
        ((0.1, -0.4, 0.6), SUPPORTED),  # inside +-1: equivalent
        ((3.0, 2.0, 4.0), NOT_SUPPORTED),  # a difference beyond the margin
        ((0.8, 0.2, 1.4), PARTLY),  # straddles the margin
        ((1.5, -0.5, 3.6), UNTESTABLE),  # wider than the whole margin: never 'no effect'
    ],
)
def test_persuasion_claim_is_an_equivalence_test(
    ci: tuple[float, float, float], verdict: str
) -> None:
    reach = Check("generalisation: hub", 0.0, 0.0, 40.0, PARTLY)
    c = claim3_persuasion(_equivalence(*ci), [reach])
    assert c.verdict == verdict and c.claimed_range == (-1.0, 1.0)
    assert c.section == "persuasion" and c.robustness[-1] == reach


def _trend(name: str, p: float, est: float, lo: float) -> dict[str, object]:
    return {
        "benchmark": name,
        "bounded": True,
        "verdict": "gain",
        "at_chance": False,
        "slope_p_negative": p,
        "slope_per_decade": est,
        "slope_lo": lo,
        "slope_hi": est + (est - lo),
        "powered_for_fall": True,
    }


@pytest.mark.parametrize(
    ("p", "lo", "verdict"),
    [
        ([0.001, 0.9, 0.9], [-9.0, 1.0, 1.0], SUPPORTED),  # 3 x 0.001 < 0.05 after Holm
        ([0.02, 0.9, 0.9], [-9.0, 1.0, 1.0], UNTESTABLE),  # 3 x 0.02 > 0.05: no power left
        ([0.4, 0.9, 0.9], [-1.0, 1.0, 1.0], NOT_SUPPORTED),  # every one excludes a 2-pt fall
    ],
)
def test_inverse_scaling_search_holms_over_every_benchmark(
    p: list[float], lo: list[float], verdict: str
) -> None:
    hub = {
        "settings": {"inverse_effect_points": 2.0},
        "benchmarks": [
            _trend(f"b{i}", pi, li + 1, li) for i, (pi, li) in enumerate(zip(p, lo, strict=True))
        ],
    }
    c = claim4_search(hub, None, "hub")
    assert c.verdict == verdict and c.section == "benchmark-scaling"
    assert search_rows(hub, None)["p_holm"].max() <= 1.0


def _match(target: float, small: float, reached: bool, lo: float, hi: float | None) -> dict:
    return {
        "target_model": f"m{target:g}",
        "target_params": target,
        "target_k": 1,
        "model": f"m{small:g}",
        "params": small,
        "reached": reached,
        "reached_share": 1.0 if reached else 0.0,
        "k": 100.0 if reached else None,
        "total": [{"queries": 1e9, "ratio": (lo + (hi or lo)) / 2, "lo": lo, "hi": hi}],
    }


@pytest.mark.parametrize(
    ("far", "verdict"),
    [
        ((True, 0.2, 0.6), SUPPORTED),  # a model 100x smaller reaches it at less compute
        ((True, 1.2, 3.0), NOT_SUPPORTED),  # it reaches it, at more compute
        ((True, 0.5, None), PARTLY),  # unbounded upper end: missed in some resamples
        ((False, 0.0, None), NOT_SUPPORTED),  # never reached within the samples drawn
    ],
)
def test_compute_matching_reads_the_model_ten_times_smaller(
    far: tuple[bool, float, float | None], verdict: str
) -> None:
    payload = {
        "cells": [{"n_problems": 128}],
        "queries": [1e9],
        "matches": [
            _match(1e10, 1e8, *far),  # 100x smaller: the reading
            _match(1e10, 5e9, True, 0.1, 0.2),  # 2x smaller: not 'much larger', never read
        ],
    }
    rows = grid_match_rows({"MATH": payload})
    assert len(rows) == 1
    c = compute_matched_claim(rows, "grid")
    assert c.verdict == verdict and c.interval_kind == "bootstrap"
    assert "oracle-verifier upper bound" in c.reading


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
