"""One resample serves a trend's rate (fit_rate) and its level (claim 8's trend_level)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scalewall.forecast.claims import trend_level
from scalewall.forecast.tables import load_models
from scalewall.forecast.trends import Frontier, FrontierRule, bootstrap_trends, select_frontier


def test_each_replicate_is_the_ols_line_of_its_resample() -> None:
    # The draws must be the least-squares line of the rows the seed picks: refit three
    # replicates one by one with numpy's polyfit and compare (exact up to rounding).
    rng = np.random.default_rng(1)
    t = np.sort(rng.uniform(2010, 2025, 30))
    y = 0.6 * t + rng.normal(0, 0.5, t.size)
    draws = bootstrap_trends(t, y, 200, seed=4)
    idx = np.random.default_rng(np.random.SeedSequence(4)).integers(0, t.size, (200, t.size))
    for r in (0, 57, 199):
        slope, icpt = np.polyfit(t[idx[r]], y[idx[r]], 1)
        assert draws.slope[r] == pytest.approx(slope, rel=1e-9)
        assert draws.at(2030.0)[r] == pytest.approx(slope * 2030.0 + icpt, rel=1e-9)


def test_claim_8_levels_unchanged_by_the_shared_resample(data_dir: Path) -> None:
    # trend_level's numbers before it used bootstrap_trends (its own index draw, LEVEL_SEED=8,
    # 2000 replicates) on epoch-notable-models, top-10 at release: the same seed must give the
    # same interval, so only rounding-level differences are allowed.
    models = load_models("epoch-notable-models").frame
    front = select_frontier(models, FrontierRule(Frontier.top)).index
    top = models.assign(top10=models.index.isin(front))
    got = trend_level(top, 2025.5, 2020.0)
    want = (154033746.1239269, 88843360.46896851, 266929651.20176744, 42)
    assert got == pytest.approx(want, rel=1e-12)
    got = trend_level(top, 2025.5, 2016.0, "cost_cloud")
    want = (501816465.2755628, 276503015.01812905, 900899446.0252075, 24)
    assert got == pytest.approx(want, rel=1e-12)
