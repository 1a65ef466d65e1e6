"""Published trend numbers reproduced on the registry's Epoch AI tables (issue 4 tolerances)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scalewall.forecast.tables import dataset_sizes, load_models
from scalewall.forecast.trends import Frontier, FrontierRule, fit_rate, growth_rate

TOP10 = FrontierRule(Frontier.top)


@pytest.fixture(scope="module")
def notable(data_dir: Path):  # type: ignore[no-untyped-def]
    return load_models("epoch-notable-models")


def test_frontier_compute_since_2018(notable) -> None:  # type: ignore[no-untyped-def]
    # Epoch AI 2024: 4-5x/yr; research note refit, top-10 at release 2018+: 4.76x (n=77).
    r = growth_rate(notable, "compute", TOP10, start=2018, replicates=500)
    assert r.per_year == pytest.approx(4.8, abs=0.2)
    assert r.n == 77
    assert r.lo < r.per_year < r.hi
    flag = growth_rate(notable, "compute", FrontierRule(Frontier.flag), start=2018, replicates=0)
    assert flag.per_year == pytest.approx(4.8, abs=0.2)  # Epoch's own flag: 4.79x
    assert (
        4.0
        <= growth_rate(
            notable, "compute", FrontierRule(Frontier.all), start=2010, replicates=0
        ).per_year
        <= 5.0
    )


def test_trailing_window_rule_moves_the_rate(notable) -> None:  # type: ignore[no-untyped-def]
    # Third-party refit (spiceoogway/ai-economy-timelines): 5.97x with top-10 in a 1-year window.
    r = growth_rate(notable, "compute", FrontierRule(Frontier.window), start=2018, replicates=0)
    assert r.per_year == pytest.approx(5.97, abs=0.1)


def test_amortized_cost_growth_2026_table(notable) -> None:  # type: ignore[no-untyped-def]
    # Research refit of 'Training compute cost (2023 USD)', top-10, 2016+: 2.97x (n=65).
    r = growth_rate(notable, "cost", TOP10, start=2016, replicates=500)
    assert r.per_year == pytest.approx(3.0, abs=0.2)


def test_amortized_cost_growth_cottier_snapshot(data_dir: Path) -> None:
    # Cottier et al. 2024 (arXiv 2405.21015): 2.4x/yr since 2016, 95% CI 2.0-3.1. The snapshot's
    # own cost column (all models with a cost, 2020 USD converted) gives 2.25x: inside their CI.
    t = load_models("epoch-ml-systems-2024")
    r = growth_rate(t, "cost", FrontierRule(Frontier.all), start=2016, replicates=500)
    assert r.per_year == pytest.approx(2.4, abs=0.3)
    assert 2.0 <= r.per_year <= 3.1
    assert any("2020 to 2023 USD" in n for n in t.notes)


def test_language_dataset_growth(notable) -> None:  # type: ignore[no-untyped-def]
    # Epoch AI: LM datasets ~3x/yr; research refit, language models 2010+: 3.31x (n=301).
    r = growth_rate(
        notable, "dataset", FrontierRule(Frontier.all), start=2010, domain="Language", replicates=0
    )
    assert r.per_year == pytest.approx(3.3, abs=0.2)
    assert r.n == 301


def test_realised_cost_per_flop(notable) -> None:  # type: ignore[no-untyped-def]
    # Research refit: realised frontier USD/FLOP 0.67x/yr since 2016 (-33%/yr).
    r = growth_rate(notable, "cost_per_flop", TOP10, start=2016, replicates=0)
    assert 100 * (1 - r.per_year) == pytest.approx(33.0, abs=3.0)


def test_grok4_amortized_cost(notable) -> None:  # type: ignore[no-untyped-def]
    # Epoch AI amortized cost of Grok 4 (Jul 2025, 5e26 FLOP): $388M (2023 USD).
    r = growth_rate(notable, "cost", TOP10, start=2016, replicates=0)
    top = r.top[0]
    assert top["model"] == "Grok 4"
    assert top["value"] == pytest.approx(388e6, rel=0.02)


def test_villalobos_dataset_growth_prior(data_dir: Path) -> None:
    # Villalobos et al. 2024 bootstrap of data/dataset_sizes.csv: 2.35x (95% 1.85-3.06), which
    # the epoch-2024 preset's demand.dataset_growth uses.
    d = dataset_sizes()
    r, lo, hi, _ = fit_rate(
        d["year"].to_numpy(), d["tokens"].to_numpy(), replicates=4000, level=0.95
    )
    assert r == pytest.approx(2.35, abs=0.02)
    assert lo == pytest.approx(1.85, abs=0.1)
    assert hi == pytest.approx(3.06, abs=0.15)


def test_bootstrap_is_seeded(notable) -> None:  # type: ignore[no-untyped-def]
    a = growth_rate(notable, "compute", TOP10, start=2018, replicates=200, seed=3)
    b = growth_rate(notable, "compute", TOP10, start=2018, replicates=200, seed=3)
    assert (a.lo, a.hi) == (b.lo, b.hi)
    assert np.isfinite(a.lo)
