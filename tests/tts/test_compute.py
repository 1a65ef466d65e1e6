"""FLOP accounting and the Llama-3 compute-matched comparison (Brown et al. 2024, Fig. 7)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scalewall.tts.compute import (
    LLAMA3_PARAMS,
    Curve,
    compare_curves,
    cost_per_solved,
    hardware_rates,
    inference_flops,
)
from scalewall.tts.io import load_curve


def test_flops_share_the_prompt_and_charge_the_verifier() -> None:
    shared = inference_flops(1e9, 500, 100, [1, 10])
    separate = inference_flops(1e9, 500, 100, [1, 10], shared_prompt=False)
    np.testing.assert_allclose(shared, [2e9 * 600, 2e9 * (500 + 1000)])
    np.testing.assert_allclose(separate, [2e9 * 600, 2e9 * 6000])
    with_verifier = inference_flops(1e9, 500, 100, 10, verifier_params=2e9)
    assert float(with_verifier - shared[1]) == pytest.approx(10 * 2 * 2e9 * 600)
    # attention adds 4 L d per token per earlier token (Brown et al. 2024, section 2.3)
    attn = inference_flops(1e9, 2, 1, 1, layers=2, d_model=4) - inference_flops(1e9, 2, 1, 1)
    assert float(attn) == pytest.approx(4 * 2 * 4 * (1 + 2 + 3))


def test_cost_per_solved() -> None:
    rates = hardware_rates(1e15, 500.0, 3.6, 1.0)
    out = cost_per_solved([1e15, 1e15], [0.5, 0.0], rates)
    assert out["usd_per_solved"][0] == pytest.approx(2 * 1e15 * 3.6 / 3600 / 1e15)
    assert out["joules_per_solved"][0] == pytest.approx(1000.0) and np.isinf(
        out["flops_per_solved"][1]
    )


def _curves(rule: str) -> tuple[Curve, Curve]:
    return tuple(  # type: ignore[return-value]
        Curve.from_points(
            s, rule, *load_curve(f"brown2024-llama3-{s}-math-{rule}"), LLAMA3_PARAMS[s]
        )
        for s in ("8b", "70b")
    )


def test_llama3_8b_matches_70b_only_with_a_perfect_verifier(data_dir: Path) -> None:
    """Brown et al. 2024 Fig. 7 (digitised): with coverage 8B reaches 70B's single-sample 0.477
    at about 4.1 samples, 0.47x the FLOPs; under majority vote it plateaus near 0.415 and never
    does (research note section 5)."""
    cov = compare_curves(*_curves("coverage"), accuracy_error=0.02)
    assert cov["reached"] and cov["small_samples"] == pytest.approx(4.1, abs=0.2)
    assert cov["compute_ratio"] == pytest.approx(0.47, abs=0.02)
    assert cov["compute_ratio_lo"] < cov["compute_ratio"] < cov["compute_ratio_hi"] < 1
    maj = compare_curves(*_curves("majority"), accuracy_error=0.02)
    assert not maj["reached"] and maj["compute_ratio"] is None
    assert maj["small_max_accuracy"] == pytest.approx(0.415, abs=0.01)
    assert maj["crossover_large_samples"] is None
