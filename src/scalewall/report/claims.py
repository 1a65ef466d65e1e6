"""The twenty popular claims the report checks, their verdicts, and the claims-table records.

Each pillar's report part (:mod:`scalewall.report.parts`) measures some of these claims from its
stored results and returns them with ``value``, ``lo``, ``hi`` and a verdict filled in (through
:func:`dataclasses.replace` of :func:`claim`); the others stay ``not measured yet``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

# -- the claims ----------------------------------------------------------------------------------
SUPPORTED = "supported"
PARTLY = "partly supported"
NOT_SUPPORTED = "not supported"
UNTESTABLE = "cannot be tested with this data"
NOT_MEASURED = "not measured yet"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, UNTESTABLE, NOT_MEASURED)

#: Section anchors of the report, in order; claims link to these.
SECTION_TITLES = {
    "claims-check": "Claims check",
    "scaling-laws": "Scaling laws",
    "robustness": "Robustness of the fits",
    "repeated-data": "Repeated data",
    "downstream-scaling": "Downstream scaling",
    "persuasion": "Persuasion and model size",
    "benchmark-scaling": "Benchmark scaling",
    "model-collapse": "Model collapse",
    "forecasts": "Forecasts",
    "test-time-compute": "Test-time compute",
    "own-lm-runs": "Own LM runs",
    "data-sources": "Data sources",
    "reproduce": "How to reproduce",
}


@dataclass(frozen=True)
class Claim:
    """One popular claim, the measurement that tests it, and what the numbers say.

    ``value``, ``lo`` and ``hi`` are in ``unit``; all three are None until a stored result
    measures the claim (never a placeholder).
    """

    id: int
    claim: str
    measurement: str
    section: str
    value: float | None = None
    lo: float | None = None
    hi: float | None = None
    verdict: str = NOT_MEASURED
    unit: str = ""
    #: What ``lo`` and ``hi`` are: a 95% interval unless the measurement says otherwise (the
    #: forecasts keep their sources' 80% and 90% levels; claim 8 shows a range of runs).
    interval: str = "95% interval"
    detail: str = ""
    rule: str = ""
    source: str = ""
    command: str = ""


CLAIMS: tuple[Claim, ...] = (
    Claim(
        1,
        "Returns to compute are diminishing: each 10x of compute buys less.",
        "Factor by which each 10x of compute multiplies the reducible loss on the "
        "compute-optimal frontier, 10^(-\u03b1\u03b2/(\u03b1+\u03b2)), from the fitted law.",
        "scaling-laws",
    ),
    Claim(
        2,
        "Ten times the compute buys about a 10% improvement.",
        "Relative fall of the compute-optimal loss L* from 1e25 to 1e26 FLOPs (total loss; "
        "the reducible part in the detail).",
        "scaling-laws",
    ),
    Claim(
        3,
        "Models ten times larger are no more effective on many tasks.",
        "Share of tasks whose accuracy gain over the last 10x of model size is not "
        "distinguishable from zero (Pythia zero-shot evaluations).",
        "downstream-scaling",
    ),
    Claim(
        4,
        "Some capabilities get worse with scale.",
        "Tasks with a significantly negative trend of accuracy in model size (inverse scaling).",
        "downstream-scaling",
    ),
    Claim(
        5,
        "Training compute grows 4-5x per year.",
        "Yearly growth factor of frontier training compute, refitted on Epoch AI's model table.",
        "forecasts",
    ),
    Claim(
        6,
        "Hardware cost per FLOP falls about 35% per year.",
        "Yearly change of the realised cost per FLOP of frontier training runs (amortized "
        "hardware and energy cost over training compute), refitted on Epoch AI's model table.",
        "forecasts",
    ),
    Claim(
        7,
        "Training costs roughly triple every year.",
        "Yearly growth factor of frontier training cost, refitted on Epoch AI's cost data.",
        "forecasts",
    ),
    Claim(
        8,
        "Frontier training runs cost $100M-$500M.",
        "Cost in USD of the most expensive recent training runs (Epoch AI's cost data).",
        "forecasts",
    ),
    Claim(
        9,
        "At current growth, training runs would soon cost a noticeable share of global wealth "
        "(about $100 trillion of assets under management).",
        "Year in which the extrapolated cost of the largest run reaches 1% of $100 trillion "
        "(Monte Carlo over the fitted trends).",
        "forecasts",
    ),
    Claim(
        10,
        "The internet holds 400 trillion to 20 quadrillion tokens.",
        "Stock of text tokens from the data-stock model, with its interval.",
        "forecasts",
    ),
    Claim(
        11,
        "High-quality text runs out this decade.",
        "Year in which the largest run's training tokens reach the stock of high-quality text "
        "(Monte Carlo).",
        "forecasts",
    ),
    Claim(
        12,
        "Training on model-generated data collapses models, losing tails and diversity.",
        "Tail mass and diversity over generations when each model trains on the previous one's "
        "samples only (collapse simulator).",
        "model-collapse",
    ),
    Claim(
        13,
        "Even refitting a normal distribution with unbiased estimators collapses.",
        "Variance of a Gaussian refitted on its own samples over generations, against the "
        "closed form.",
        "model-collapse",
    ),
    Claim(
        14,
        "Accumulating synthetic data alongside real data avoids collapse.",
        "Held-out error over generations, accumulating versus replacing the training data.",
        "model-collapse",
    ),
    Claim(
        15,
        "Mixing in verified real data at a controlled ratio prevents collapse.",
        "Held-out error after many generations against the fraction of real data mixed in.",
        "model-collapse",
    ),
    Claim(
        16,
        "Avoiding collapse needs sample sizes that grow faster than linearly.",
        "Growth of the per-generation sample size needed to keep the error bounded.",
        "model-collapse",
    ),
    Claim(
        17,
        "Repeating data cannot replace fresh data.",
        "Effective value of extra epochs under the data-constrained law (R_D*).",
        "repeated-data",
    ),
    Claim(
        18,
        "Performance is log-linear in a concept's frequency in the training data.",
        "Slope and fit quality of accuracy against the log of concept frequency.",
        "downstream-scaling",
    ),
    Claim(
        19,
        "A small model with more inference compute matches a much larger one.",
        "Compute-matched comparison of accuracy across model sizes with repeated sampling.",
        "test-time-compute",
    ),
    Claim(
        20,
        "Best-of-N and majority vote turn extra samples into accuracy, up to a ceiling.",
        "Fitted coverage law of pass@k and majority vote against samples, with its ceiling.",
        "test-time-compute",
    ),
)


def claim(i: int) -> Claim:
    """Claim ``i`` (1-20) as stated, not yet measured."""
    return next(c for c in CLAIMS if c.id == i)


def claims_records(claims: Sequence[Claim]) -> list[dict[str, Any]]:
    """``claims.json``: plain records, non-finite numbers as null."""
    out = []
    for c in claims:
        d = asdict(c)
        for k in ("value", "lo", "hi"):
            v = d[k]
            d[k] = None if v is None or not math.isfinite(v) else float(v)
        out.append(d)
    return out


__all__ = [
    "CLAIMS",
    "NOT_MEASURED",
    "NOT_SUPPORTED",
    "PARTLY",
    "SECTION_TITLES",
    "SUPPORTED",
    "UNTESTABLE",
    "VERDICTS",
    "Claim",
    "claim",
    "claims_records",
]
