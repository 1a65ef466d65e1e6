"""Inference compute accounting and compute-matched comparisons of models.

FLOPs follow Brown et al. 2024 (arXiv 2407.21787, section 2.3): a forward pass costs about
``2 N`` FLOPs per token plus ``4 L d ctx`` for attention over ``ctx`` earlier tokens; the prompt is
prefilled once and shared by all samples, the completions are paid per sample. A verifier (reward
model) that reads prompt and answer of every sample is charged explicitly (Snell et al. 2024,
arXiv 2408.03314, leave it out; this is the knob).

A compute-matched comparison puts each model's accuracy-vs-samples curve on one axis of total
compute, ``k x FLOPs per sample``, and asks how many samples of the smaller model reach the larger
model's accuracy, and at what fraction of its compute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from scalewall.errors import input_error

Array = NDArray[np.float64]

#: Parameters of Llama-3 8B and 70B (Meta, Llama 3 model card, 2024): 8.03e9 and 70.6e9.
LLAMA3_PARAMS = {"8b": 8.03e9, "70b": 70.6e9}
#: NVIDIA H100 SXM datasheet: 989 TFLOP/s dense BF16, 700 W board power.
H100_PEAK_FLOPS = 989e12
H100_WATTS = 700.0


def inference_flops(
    params: float,
    prompt_tokens: float,
    output_tokens: float,
    samples: ArrayLike,
    *,
    shared_prompt: bool = True,
    layers: int = 0,
    d_model: int = 0,
    verifier_params: float = 0.0,
) -> Array:
    """Total inference FLOPs for one problem answered with ``samples`` completions.

    ``2 N`` per token (Kaplan et al. 2020), plus ``4 L d ctx`` per token for attention when
    ``layers`` and ``d_model`` are given (Brown et al. 2024's FLOPsPerToken); the prompt counted
    once when ``shared_prompt``; a verifier of ``verifier_params`` reading prompt + completion
    of every sample.
    """
    k = np.asarray(samples, dtype=float)
    if params <= 0 or prompt_tokens < 0 or output_tokens < 0 or np.any(k < 1):
        raise input_error(
            "need params > 0, token counts >= 0 and samples >= 1",
            got=f"params={params}, prompt={prompt_tokens}, output={output_tokens}",
        )
    p, o = float(prompt_tokens), float(output_tokens)
    attn = 4.0 * layers * d_model
    prompt = 2 * params * p + attn * p * (p + 1) / 2
    decode = 2 * params * o + attn * (o * p + o * (o + 1) / 2)
    verify = 2 * verifier_params * (p + o)
    out: Array = prompt * (1 if shared_prompt else k) + (decode + verify) * k
    return out


def hardware_rates(
    peak_flops: float = H100_PEAK_FLOPS,
    watts: float = H100_WATTS,
    usd_per_hour: float = 2.0,
    utilization: float = 0.4,
) -> dict[str, float]:
    """Dollars and joules per FLOP of one accelerator at a given utilisation.

    The defaults are an H100 (datasheet) at 40% utilisation and an assumed $2 per GPU-hour:
    assumptions to override, not measurements.
    """
    if not (peak_flops > 0 and watts > 0 and usd_per_hour >= 0 and 0 < utilization <= 1):
        raise input_error("need peak FLOP/s > 0, watts > 0, price >= 0 and 0 < utilization <= 1")
    rate = peak_flops * utilization
    return {"usd_per_flop": usd_per_hour / 3600.0 / rate, "joules_per_flop": watts / rate}


def cost_per_solved(
    flops_per_problem: ArrayLike, accuracy: ArrayLike, rates: Mapping[str, float]
) -> dict[str, Array]:
    """FLOPs, dollars and joules per solved problem (infinite where accuracy is 0)."""
    f, acc = np.asarray(flops_per_problem, float), np.asarray(accuracy, float)
    with np.errstate(divide="ignore"):
        per = np.where(acc > 0, f / np.where(acc > 0, acc, 1.0), np.inf)
    return {
        "flops_per_solved": per,
        "usd_per_solved": per * rates["usd_per_flop"],
        "joules_per_solved": per * rates["joules_per_flop"],
    }


@dataclass(frozen=True)
class Curve:
    """Accuracy against samples k for one model and one selection rule (sorted by k)."""

    model: str
    rule: str
    k: Array
    accuracy: Array
    flops_per_sample: float

    @classmethod
    def from_points(
        cls, model: str, rule: str, k: ArrayLike, acc: ArrayLike, flops_per_sample: float
    ) -> Curve:
        kk, aa = np.asarray(k, float), np.asarray(acc, float)
        if kk.size < 2 or np.any(kk <= 0) or not np.all(np.isfinite(aa)):
            raise input_error(f"curve '{model}' needs >= 2 points with k > 0 and finite accuracy")
        order = np.argsort(kk, kind="stable")
        return cls(model, rule, kk[order], aa[order], float(flops_per_sample))

    def at(self, k: ArrayLike, slack: float = 1.1) -> Array:
        """Accuracy at k, linear in log k between points; NaN outside the measured range.

        k within a factor ``slack`` beyond either end reads the end value: points digitised
        from a figure start at k = 1.02 or 1.05 where the paper sampled k = 1.
        """
        kk = np.asarray(k, float)
        out: Array = np.interp(np.log(kk), np.log(self.k), self.accuracy)
        inside = (kk >= self.k[0] / slack) & (kk <= self.k[-1] * slack)
        res: Array = np.where(inside, out, np.nan)
        return res

    def samples_to_reach(self, target: float) -> float:
        """Smallest k at which the curve first reaches ``target`` (interpolated in log k); inf
        when it never does within the measured range."""
        above = np.flatnonzero(self.accuracy >= target)
        if above.size == 0:
            return float("inf")
        i = int(above[0])
        if i == 0:
            return float(self.k[0])
        y0, y1 = self.accuracy[i - 1], self.accuracy[i]
        t = (target - y0) / (y1 - y0)
        return float(np.exp(np.log(self.k[i - 1]) + t * np.log(self.k[i] / self.k[i - 1])))


def match(small: Curve, large: Curve, large_k: float = 1.0) -> dict[str, Any]:
    """How many samples of ``small`` reach ``large``'s accuracy at ``large_k`` samples, and the
    compute that takes relative to ``large``'s (< 1: the small model is cheaper)."""
    target = float(large.at(large_k))
    k = small.samples_to_reach(target)
    ratio = k * small.flops_per_sample / (large_k * large.flops_per_sample)
    return {
        "small": small.model,
        "large": large.model,
        "rule": small.rule,
        "large_k": large_k,
        "target_accuracy": target,
        "small_samples": k,
        "compute_ratio": ratio,
        "small_max_accuracy": float(small.accuracy.max()),
        "reached": bool(np.isfinite(k)),
    }


def matched_budgets(
    small: Curve, large: Curve, multiples: ArrayLike = (1, 10, 100, 1000)
) -> pd.DataFrame:
    """Accuracy of both models at equal compute: budgets of ``m`` large-model samples."""
    m = np.asarray(multiples, float)
    ks = m * large.flops_per_sample / small.flops_per_sample
    return pd.DataFrame(
        {
            "rule": small.rule,
            "budget_large_samples": m,
            "large_accuracy": large.at(m),
            "small_samples": ks,
            "small_accuracy": small.at(ks),
        }
    )


def crossover(small: Curve, large: Curve, points: int = 400) -> float:
    """Smallest compute (in large-model samples) from which ``small`` is at least as accurate as
    ``large`` at equal compute, on a log grid over the shared range; inf if never, and the grid's
    start if ``small`` leads from the start."""
    lo = max(small.k[0] * small.flops_per_sample, large.k[0] * large.flops_per_sample)
    hi = min(small.k[-1] * small.flops_per_sample, large.k[-1] * large.flops_per_sample)
    if hi <= lo:
        return float("inf")
    c = np.geomspace(lo, hi, points)
    ahead = small.at(c / small.flops_per_sample) >= large.at(c / large.flops_per_sample)
    if not ahead.any():
        return float("inf")
    # the last switch from behind to ahead, so that it stays ahead afterwards
    behind = np.flatnonzero(~ahead)
    start = 0 if behind.size == 0 else int(behind[-1]) + 1
    if start >= c.size:
        return float("inf")
    return float(c[start] / large.flops_per_sample)


__all__ = [
    "H100_PEAK_FLOPS",
    "H100_WATTS",
    "LLAMA3_PARAMS",
    "Curve",
    "compare_curves",
    "cost_per_solved",
    "crossover",
    "hardware_rates",
    "inference_flops",
    "match",
    "matched_budgets",
]


def _num(v: float) -> float | None:
    """JSON-safe: None for an infinite or undefined number."""
    return float(v) if np.isfinite(v) else None


def compare_curves(
    small: Curve,
    large: Curve,
    *,
    accuracy_error: float = 0.0,
    multiples: ArrayLike = (1, 10, 100, 1000),
) -> dict[str, Any]:
    """The compute-matched comparison as one JSON payload.

    ``accuracy_error`` (e.g. the +-2 points of digitised curves) shifts the small model's curve
    up and down; the match is recomputed for each shift, giving ``compute_ratio_lo/hi``.
    """
    m = match(small, large)
    shifted = [
        match(
            Curve(small.model, small.rule, small.k, small.accuracy + d, small.flops_per_sample),
            large,
        )
        for d in (accuracy_error, -accuracy_error)
    ]
    budgets = matched_budgets(small, large, multiples)
    return {
        "rule": small.rule,
        "small": {"model": small.model, "flops_per_sample": small.flops_per_sample},
        "large": {"model": large.model, "flops_per_sample": large.flops_per_sample},
        "target_accuracy": m["target_accuracy"],
        "reached": m["reached"],
        "small_samples": _num(m["small_samples"]),
        "small_samples_lo": _num(shifted[0]["small_samples"]),
        "small_samples_hi": _num(shifted[1]["small_samples"]),
        "compute_ratio": _num(m["compute_ratio"]),
        "compute_ratio_lo": _num(shifted[0]["compute_ratio"]),
        "compute_ratio_hi": _num(shifted[1]["compute_ratio"]),
        "accuracy_error": accuracy_error,
        "small_max_accuracy": m["small_max_accuracy"],
        "crossover_large_samples": _num(crossover(small, large)),
        "budgets": [
            {k: (_num(v) if isinstance(v, float) else v) for k, v in row.items()}
            for row in budgets.to_dict(orient="records")
        ],
    }
