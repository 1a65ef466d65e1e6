"""The claim record, the verdict rules and the robustness check, shared by every pillar.

A pillar reads its stored results and returns :class:`ClaimRecord` objects; the report only
renders them. The module holds no pillar logic: it turns an estimate with its interval and the
range read from the claim's words into a verdict, the same way for every claim, so two claims
with the same evidence cannot get different verdicts.

Verdicts (research note ``claims_and_capability.md``, "Verdicts that a referee signs"):

* range claims ("grows 4-5x per year"): *supported* when the sampling interval lies inside the
  claimed range, *not supported* when they are disjoint, *partly supported* when they overlap;
* "no difference" claims ("no more effective", "a ceiling"): two one-sided tests (TOST,
  Schuirmann 1987, J. Pharmacokinet. Biopharm. 15:657; Lakens 2017, Soc. Psychol. Personal. Sci.
  8:355): the 90% interval of the difference inside (-margin, +margin) is TOST at alpha = 0.05;
  an interval wider than the whole margin cannot tell equivalence from a difference, and says
  *cannot be tested with this data* rather than reading support into non-significance;
* a band that is not a sampling interval (digitisation tolerance, scenario range, spread of
  seeds or runs) is shown but never decides: such a record says *cannot be tested with this
  data* and which data would.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy import stats

SUPPORTED = "supported"
PARTLY = "partly supported"
NOT_SUPPORTED = "not supported"
UNTESTABLE = "cannot be tested with this data"
NOT_MEASURED = "not measured yet"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, UNTESTABLE, NOT_MEASURED)

#: Interval kinds that reflect the sampling uncertainty of the estimate; only these decide.
#: "Monte Carlo" propagates fitted (bootstrap) trend uncertainty through a forecast.
SAMPLING_KINDS = ("bootstrap", "analytic", "Monte Carlo")
#: Bands shown for context that never decide a verdict.
BAND_KINDS = ("digitisation band", "scenario range", "range of runs", "spread of seeds", "prior")

ROBUST = "robust"
FRAGILE = "fragile"


@dataclass(frozen=True)
class Check:
    """One alternative specification of a claim and the verdict it gives."""

    specification: str
    value: float | None
    lo: float | None
    hi: float | None
    verdict: str


@dataclass(frozen=True)
class ClaimRecord:
    """One popular claim, the measurement that tests it, and what the numbers say.

    ``value``, ``lo`` and ``hi`` are in ``unit`` and all None until a stored result measures
    the claim (never a placeholder). ``claimed_range`` is the range read from the words
    (``reading`` says how; an open end is infinite). ``interval_kind`` is one of
    :data:`SAMPLING_KINDS` or :data:`BAND_KINDS`; ``interval`` is its label with the level.
    ``robustness`` holds the verdict under each alternative specification; ``extrapolation``
    says how far beyond the data a claim about the future is read ('' inside the data).
    """

    id: int
    claim: str
    measurement: str
    section: str
    quantity: str = ""
    claimed_range: tuple[float, float] | None = None
    reading: str = ""
    data: str = ""
    value: float | None = None
    lo: float | None = None
    hi: float | None = None
    unit: str = ""
    interval: str = ""
    interval_kind: str = ""
    test: str = ""
    verdict: str = NOT_MEASURED
    robustness: tuple[Check, ...] = field(default_factory=tuple)
    extrapolation: str = ""
    detail: str = ""
    rule: str = ""
    source: str = ""
    command: str = ""

    def __post_init__(self) -> None:
        if self.interval_kind not in ("", *SAMPLING_KINDS, *BAND_KINDS):
            raise ValueError(f"claim {self.id}: unknown interval kind '{self.interval_kind}'")
        if self.verdict in (SUPPORTED, PARTLY, NOT_SUPPORTED) and not decides(self.interval_kind):
            raise ValueError(
                f"claim {self.id}: a {self.interval_kind or 'missing'} interval cannot decide "
                f"the verdict '{self.verdict}'; only {', '.join(SAMPLING_KINDS)} intervals do"
            )

    @property
    def stability(self) -> str:
        """'robust', 'fragile (flipped by: ...)', or '' when no alternative was checked."""
        return stability(self.verdict, self.robustness)


# -- verdict rules ---------------------------------------------------------------------------------
def _finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def range_verdict(lo: float | None, hi: float | None, claimed: tuple[float, float]) -> str:
    """Interval ``[lo, hi]`` against the claimed range: inside, disjoint, or overlapping.

    An open end of the claimed range is infinite (``(-inf, 0)`` reads "below zero").
    """
    if not (_finite(lo) and _finite(hi)):
        return UNTESTABLE
    assert lo is not None and hi is not None
    a, b = claimed
    if a <= lo and hi <= b:
        return SUPPORTED
    if hi < a or lo > b:
        return NOT_SUPPORTED
    return PARTLY


def within_margin(lo: float, hi: float, margin: float) -> bool:
    """TOST at alpha (Schuirmann 1987): the ``1 - 2 alpha`` interval ``[lo, hi]`` of a difference
    lies inside ``(-margin, margin)``. The one definition of "equivalent" for every verdict."""
    return -margin < lo and hi < margin


def equivalence_verdict(lo: float | None, hi: float | None, margin: float) -> str:
    """TOST on a difference whose 90% interval is ``[lo, hi]``, equivalence margin ``margin``.

    Supported: inside (-margin, margin) (equivalence at alpha = 0.05). Not supported: the
    interval lies wholly beyond one margin (a difference larger than the margin). Cannot be
    tested: the interval is wider than the whole margin, so neither can be shown. Partly
    supported: otherwise (the interval straddles a margin).
    """
    if not (_finite(lo) and _finite(hi)):
        return UNTESTABLE
    assert lo is not None and hi is not None
    if within_margin(lo, hi, margin):
        return SUPPORTED
    if lo >= margin or hi <= -margin:
        return NOT_SUPPORTED
    if hi - lo > 2 * margin:
        return UNTESTABLE
    return PARTLY


def range_check(
    specification: str,
    value: float | None,
    lo: float | None,
    hi: float | None,
    claimed: tuple[float, float],
) -> Check:
    """A robustness check whose verdict is its interval against ``claimed``
    (:func:`range_verdict`), so a check cannot be read by a different rule than its claim."""
    return Check(specification, value, lo, hi, range_verdict(lo, hi, claimed))


def equivalence_check(
    specification: str, value: float | None, lo: float | None, hi: float | None, margin: float
) -> Check:
    """A robustness check whose verdict is TOST of its interval at ``margin``
    (:func:`equivalence_verdict`)."""
    return Check(specification, value, lo, hi, equivalence_verdict(lo, hi, margin))


def median_interval(x: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Median with its distribution-free order-statistic interval (binomial, analytic).

    Used wherever a claim is read from the median of independent units (seeds, benchmarks), so
    the interval needs no assumption on their distribution.
    """
    s = np.sort(np.asarray(x, dtype=float))
    n = s.size
    j = max(int(stats.binom.ppf((1 - level) / 2, n, 0.5)) - 1, 0)
    k = min(int(stats.binom.isf((1 - level) / 2, n, 0.5)), n - 1)
    return float(np.median(s)), float(s[j]), float(s[k])


def decides(kind: str) -> bool:
    """Whether an interval of this kind may decide a verdict (a sampling interval)."""
    return kind in SAMPLING_KINDS


def stability(verdict: str, checks: Sequence[Check]) -> str:
    """'robust' when every alternative specification gives ``verdict``, else 'fragile' with
    the specifications that flip it; '' when there is nothing to compare."""
    if not checks or verdict == NOT_MEASURED:
        return ""
    flips = [c.specification for c in checks if c.verdict != verdict]
    return ROBUST if not flips else f"{FRAGILE} (flipped by: {'; '.join(flips)})"


# -- the twenty claims -----------------------------------------------------------------------------
def _c(i: int, words: str, measurement: str, section: str) -> ClaimRecord:
    return ClaimRecord(i, words, measurement, section)


CLAIMS: tuple[ClaimRecord, ...] = (
    _c(
        1,
        "Returns to compute are diminishing: each 10x of compute buys less.",
        "Loss removed per 10x of compute on the compute frontier of the runs, first decade "
        "against last, next to the fitted law's factor 10^(-\u03b1\u03b2/(\u03b1+\u03b2)).",
        "scaling-laws",
    ),
    _c(
        2,
        "Ten times the compute buys about a 10% improvement.",
        "Median benchmark's score gain per 10x of training compute on Epoch AI's "
        "Benchmarking Hub, inside each benchmark's data; the other readings of '10%', variant "
        "rules and loss at the data's edge as robustness.",
        "scaling-laws",
    ),
    _c(
        3,
        "Models ten times larger are no more effective on many tasks.",
        "Equivalence test (TOST) of frontier models against models an order of magnitude "
        "smaller in the persuasion study the sentence paraphrases; per-benchmark and per-task "
        "equivalence shares (hub, Pythia) for how far it reaches.",
        "downstream-scaling",
    ),
    _c(
        4,
        "Some capabilities get worse with scale.",
        "Benchmarks and tasks with a significantly negative score trend in scale (inverse "
        "scaling, Holm over the hub's benchmarks and Pythia's tasks), and the power to see one.",
        "downstream-scaling",
    ),
    _c(
        5,
        "Training compute grows 4-5x per year.",
        "Yearly growth factor of frontier training compute, refitted on Epoch AI's model table.",
        "forecasts",
    ),
    _c(
        6,
        "Hardware cost per FLOP falls about 35% per year.",
        "Yearly change of the realised cost per FLOP of frontier training runs (amortized "
        "hardware and energy cost over training compute), refitted on Epoch AI's model table.",
        "forecasts",
    ),
    _c(
        7,
        "Training costs roughly triple every year.",
        "Yearly growth factor of frontier training cost, refitted on Epoch AI's cost data.",
        "forecasts",
    ),
    _c(
        8,
        "Frontier training runs cost $100M-$500M.",
        "Cost in USD of a frontier training run today, from the trend of the top-10 runs in "
        "Epoch AI's cost data, under each cost method.",
        "forecasts",
    ),
    _c(
        9,
        "At current growth, training runs would soon cost a noticeable share of global wealth "
        "(about $100 trillion of assets under management).",
        "Year in which the extrapolated cost of the largest run reaches 1% of $100 trillion "
        "(Monte Carlo over the fitted trends).",
        "forecasts",
    ),
    _c(
        10,
        "The internet holds 400 trillion to 20 quadrillion tokens.",
        "Stock of text tokens from the data-stock model, with its interval.",
        "forecasts",
    ),
    _c(
        11,
        "High-quality text runs out this decade.",
        "Year in which the largest run's training tokens reach the stock of high-quality text "
        "(Monte Carlo).",
        "forecasts",
    ),
    _c(
        12,
        "Training on model-generated data collapses models, losing tails and diversity.",
        "Entropy, diversity and tail mass after many generations relative to the first, when each "
        "model trains on the previous one's samples only and the first sample covers the "
        "support (collapse simulator); type survival separately.",
        "model-collapse",
    ),
    _c(
        13,
        "Even refitting a normal distribution with unbiased estimators collapses.",
        "Median fitted/real variance of a Gaussian refitted on its own samples over "
        "generations, with its interval, against the closed form.",
        "model-collapse",
    ),
    _c(
        14,
        "Accumulating synthetic data alongside real data avoids collapse.",
        "Fitted/real variance after many generations relative to the first when synthetic data "
        "accumulates (equivalence test), with other metrics and collapse loops as robustness.",
        "model-collapse",
    ),
    _c(
        15,
        "Mixing in verified real data at a controlled ratio prevents collapse.",
        "Fitted/real variance after many generations relative to the first with 10% real data "
        "in every generation (equivalence test: prevents, not merely slows).",
        "model-collapse",
    ),
    _c(
        16,
        "Avoiding collapse needs sample sizes that grow faster than linearly.",
        "Growth of the error over the second half of the generations under linear and "
        "superlinear sample-size schedules.",
        "model-collapse",
    ),
    _c(
        17,
        "Repeating data cannot replace fresh data.",
        "Worth of repeated tokens relative to fresh ones under the data-constrained law (R_D*).",
        "repeated-data",
    ),
    _c(
        18,
        "Performance is log-linear in a concept's frequency in the training data.",
        "Slope and fit quality of accuracy against the log of concept frequency.",
        "downstream-scaling",
    ),
    _c(
        19,
        "A small model with more inference compute matches a much larger one.",
        "Total compute a model at least 10x smaller needs to reach a larger one's accuracy "
        "with more samples (Pythia sizes x checkpoints grid, bootstrap over problems).",
        "test-time-compute",
    ),
    _c(
        20,
        "Best-of-N and majority vote turn extra samples into accuracy, up to a ceiling.",
        "Gain of majority vote and coverage between sample counts; the ceiling as an "
        "equivalence test on the gain between the last two counts.",
        "test-time-compute",
    ),
)


def claim(i: int) -> ClaimRecord:
    """Claim ``i`` (1-20) as stated, not yet measured."""
    return next(c for c in CLAIMS if c.id == i)


def command_for(commands: Mapping[str, Sequence[str]], key: str) -> str:
    """The first command that reproduces stored file ``key`` ('' when none is recorded)."""
    cmds = commands.get(key) or [""]
    return cmds[0]


# -- plain records ---------------------------------------------------------------------------------
def _num(v: Any) -> float | None:
    return None if v is None or not math.isfinite(v) else float(v)


def to_record(c: ClaimRecord) -> dict[str, Any]:
    """One ``claims.json`` record: plain types, non-finite numbers (open range ends) as null."""
    d = asdict(c)
    for k in ("value", "lo", "hi"):
        d[k] = _num(d[k])
    d["claimed_range"] = None if c.claimed_range is None else [_num(x) for x in c.claimed_range]
    d["robustness"] = [
        {**r, "value": _num(r["value"]), "lo": _num(r["lo"]), "hi": _num(r["hi"])}
        for r in d["robustness"]
    ]
    d["stability"] = c.stability
    return d


def from_record(d: Mapping[str, Any]) -> ClaimRecord:
    """Inverse of :func:`to_record` (null range ends read back as infinite)."""
    fields = dict(d)
    fields.pop("stability", None)
    rng = fields.get("claimed_range")
    if rng is not None:
        fields["claimed_range"] = (
            -math.inf if rng[0] is None else rng[0],
            math.inf if rng[1] is None else rng[1],
        )
    fields["robustness"] = tuple(Check(**r) for r in fields.get("robustness", ()))
    return ClaimRecord(**fields)


def _short(v: float) -> str:
    """Three significant digits; years and other four-to-five digit numbers in full."""
    return f"{v:.1f}" if 1e3 <= abs(v) < 1e5 else f"{v:.3g}"


def _cell(c: Mapping[str, Any]) -> str:
    if c["value"] is None:
        return "\u2014"
    hi = "\u221e" if c["hi"] is None else _short(c["hi"])  # an unbounded upper end
    iv = f" [{_short(c['lo'])}, {hi}]" if c["lo"] is not None else ""
    return f"{_short(c['value'])}{iv} {c['unit']} ({c['interval']})"


def markdown_table(records: Sequence[Mapping[str, Any]]) -> str:
    """The claims table as Markdown (README), from ``claims.json`` records."""
    lines = [
        "| # | claim | reading of the words | measured [interval] | verdict | robustness |",
        "|---|---|---|---|---|---|",
    ]
    for c in records:
        ext = f"; extrapolated {c['extrapolation']}" if c.get("extrapolation") else ""
        row = [
            str(c["id"]),
            c["claim"],
            c.get("reading") or "\u2014",
            _cell(c) + ext,
            c["verdict"],
            c.get("stability") or "\u2014",
        ]
        lines.append("| " + " | ".join(x.replace("|", "/") for x in row) + " |")
    return "\n".join(lines) + "\n"


__all__ = [
    "BAND_KINDS",
    "CLAIMS",
    "FRAGILE",
    "NOT_MEASURED",
    "NOT_SUPPORTED",
    "PARTLY",
    "ROBUST",
    "SAMPLING_KINDS",
    "SUPPORTED",
    "UNTESTABLE",
    "VERDICTS",
    "Check",
    "ClaimRecord",
    "claim",
    "command_for",
    "decides",
    "equivalence_check",
    "equivalence_verdict",
    "from_record",
    "markdown_table",
    "median_interval",
    "range_check",
    "range_verdict",
    "stability",
    "to_record",
    "within_margin",
]
