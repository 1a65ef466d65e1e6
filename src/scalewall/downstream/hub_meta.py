"""What each Benchmarking Hub score means: its scale, chance floor, ceiling and contamination risk.

The registry knows which column holds the score (``epoch-hub-<key>``, ``columns['score']``); this
table says how to read it. A bounded score is mapped to [0, 1] by dividing by ``scale`` (1 or
100) and fitted between ``floor`` (chance) and ``ceiling``; an unbounded score (``scale=None``:
the ECI, Elo ratings, minutes, points) stays in its native units and gets only the linear fit.
Every floor carries its reason: the answer format with the paper that defines it, or "0 as a
lower bound" where the format has no single guessing rate. Ceilings are 1 (an upper bound)
unless a published label-error rate says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Reason used for formats where guessing gives (almost) nothing.
OPEN_ANSWER = "free-form or executed answers: guessing scores about 0"
#: Reason for mixed or graded formats with no single chance rate.
LOWER_BOUND = "mixed or graded format with no single chance rate: 0 as a lower bound"
#: Static test sets on the open web since before most models' training cut-off. Deng et al.
#: 2024, 'Investigating Data Contamination in Modern Benchmarks for Large Language Models'
#: (NAACL, arXiv 2311.09783) recover MMLU answers from models; Zhang et al. 2024, 'A Careful
#: Examination of Large Language Model Performance on Grade School Arithmetic' (arXiv 2405.00332)
#: find up to 13-point drops from GSM8K to a fresh look-alike (GSM1k).
STATIC_WEB = "static test set public on the web before most training cut-offs (Deng et al. 2024)"


@dataclass(frozen=True)
class HubBenchmark:
    """How to read one hub benchmark's score.

    Attributes
    ----------
    title : str
        Display name.
    scale : float or None
        Divide the raw score by this to get [0, 1]; None for unbounded native units.
    floor, ceiling : float
        Chance score and highest reachable score, in [0, 1] (ignored when ``scale`` is None).
    floor_reason : str
        Why this floor (answer format and source).
    contamination : str or None
        Why the benchmark is contamination-prone, or None.
    unit : str
        Unit of the score as analysed ('fraction' for bounded scores).
    """

    title: str
    scale: float | None = 1.0
    floor: float = 0.0
    floor_reason: str = OPEN_ANSWER
    ceiling: float = 1.0
    ceiling_reason: str = "no published label-error rate: 1 as an upper bound"
    contamination: str | None = None
    unit: str = "fraction"

    @property
    def bounded(self) -> bool:
        return self.scale is not None


def _native(title: str, unit: str, reason: str) -> HubBenchmark:
    return HubBenchmark(title, scale=None, floor=float("nan"), floor_reason=reason, unit=unit)


#: Registry key (``epoch-hub-<key>``) -> how to read its score.
HUB_BENCHMARKS: dict[str, HubBenchmark] = {
    "adversarial-nli": HubBenchmark(
        "Adversarial NLI", floor=1 / 3, floor_reason="3 classes (Nie et al. 2020, arXiv 1910.14599)"
    ),
    "aider-polyglot": HubBenchmark("Aider Polyglot", scale=100.0),
    "arc-agi": HubBenchmark("ARC-AGI"),
    "arc-ai2": HubBenchmark(
        "ARC (AI2) Challenge",
        floor=0.25,
        floor_reason="4 options (Clark et al. 2018, arXiv 1803.05457)",
        contamination=STATIC_WEB,
    ),
    "balrog": HubBenchmark("BALROG", floor_reason=LOWER_BOUND),
    "bbh": HubBenchmark("BIG-Bench Hard", floor_reason=LOWER_BOUND, contamination=STATIC_WEB),
    "bool-q": HubBenchmark(
        "BoolQ",
        floor=0.5,
        floor_reason="yes/no (Clark et al. 2019, arXiv 1905.10044)",
        contamination=STATIC_WEB,
    ),
    "cad-eval": HubBenchmark("CadEval"),
    "common-sense-qa-2": HubBenchmark(
        "CommonsenseQA 2.0", floor=0.5, floor_reason="yes/no (Talmor et al. 2021, arXiv 2201.05320)"
    ),
    "cybench": HubBenchmark("Cybench"),
    "deepresearchbench": HubBenchmark("DeepResearch Bench", floor_reason=LOWER_BOUND),
    "eci": _native("Epoch Capabilities Index", "ECI points", "composite index: no floor"),
    "factorio-learning-environment": _native(
        "Factorio Learning Environment", "production score", "unbounded score"
    ),
    "fictionlivebench": HubBenchmark("Fiction.LiveBench (120k)", floor_reason=LOWER_BOUND),
    "frontiermath": HubBenchmark(
        "FrontierMath", floor_reason="exact answers (Glazer et al. 2024, arXiv 2411.04872)"
    ),
    "frontiermath-tier-4": HubBenchmark(
        "FrontierMath Tier 4", floor_reason="exact answers (Glazer et al. 2024, arXiv 2411.04872)"
    ),
    "geobench": _native("GeoBench", "GeoGuessr points", "points, not a proportion"),
    "gpqa-diamond": HubBenchmark(
        "GPQA Diamond", floor=0.25, floor_reason="4 options (Rein et al. 2023, arXiv 2311.12022)"
    ),
    "gsm8k": HubBenchmark(
        "GSM8K",
        floor_reason="numeric answers (Cobbe et al. 2021, arXiv 2110.14168)",
        contamination="GSM1k drops of up to 13 points (Zhang et al. 2024, arXiv 2405.00332)",
    ),
    "gso": HubBenchmark("GSO"),
    "hella-swag": HubBenchmark(
        "HellaSwag",
        floor=0.25,
        floor_reason="4 endings (Zellers et al. 2019, arXiv 1905.07830)",
        contamination=STATIC_WEB,
    ),
    "lambada": HubBenchmark(
        "LAMBADA",
        floor_reason="open-vocabulary last word (Paperno et al. 2016, arXiv 1606.06031)",
        contamination=STATIC_WEB,
    ),
    "lech-mazur-writing": _native("Lech Mazur Writing", "grade (1-10)", "LLM-graded 1-10 rating"),
    "live-bench": HubBenchmark(
        "LiveBench", scale=100.0, floor_reason="mostly open answers, refreshed monthly; 0"
    ),
    "math-level-5": HubBenchmark(
        "MATH Level 5",
        floor_reason="free-form answers (Hendrycks et al. 2021, arXiv 2103.03874)",
        contamination=STATIC_WEB,
    ),
    "metr-time-horizons": _native("METR time horizon", "minutes", "task length, unbounded"),
    "mmlu": HubBenchmark(
        "MMLU",
        floor=0.25,
        floor_reason="4 options (Hendrycks et al. 2021, arXiv 2009.03300)",
        # Gema et al. 2024, 'Are We Done with MMLU?' (arXiv 2406.04127): 6.49% of a re-annotated
        # sample of questions contain errors.
        ceiling=1 - 0.0649,
        ceiling_reason="6.49% erroneous questions (Gema et al. 2024, arXiv 2406.04127)",
        contamination="answers recoverable from models (Deng et al. 2024, arXiv 2311.09783)",
    ),
    "open-book-qa": HubBenchmark(
        "OpenBookQA",
        floor=0.25,
        floor_reason="4 options (Mihaylov et al. 2018, arXiv 1809.02789)",
        contamination=STATIC_WEB,
    ),
    "os-universe": HubBenchmark("OSUniverse", floor_reason=LOWER_BOUND),
    "os-world": HubBenchmark("OSWorld", scale=100.0),
    "otis-mock-aime-2024-2025": HubBenchmark(
        "OTIS Mock AIME", floor=0.001, floor_reason="integer answers 0-999: chance 0.001"
    ),
    "piqa": HubBenchmark(
        "PIQA",
        floor=0.5,
        floor_reason="2 solutions (Bisk et al. 2020, arXiv 1911.11641)",
        contamination=STATIC_WEB,
    ),
    "science-qa": HubBenchmark(
        "ScienceQA",
        # Lu et al. 2022 (arXiv 2209.09513), Table 3: random chance 39.83% overall.
        floor=0.3983,
        floor_reason="2-5 options, random chance 39.83% (Lu et al. 2022, arXiv 2209.09513)",
    ),
    "simplebench": HubBenchmark(
        "SimpleBench",
        floor=1 / 6,
        floor_reason="213 questions, 6 options each (simple-bench.com; epoch.ai/benchmarks)",
    ),
    "superglue": HubBenchmark("SuperGLUE", floor_reason=LOWER_BOUND, contamination=STATIC_WEB),
    "swe-bench-verified": HubBenchmark("SWE-bench Verified"),
    "terminalbench": HubBenchmark("Terminal-Bench"),
    "the-agent-company": HubBenchmark("TheAgentCompany", floor_reason=LOWER_BOUND),
    "trivia-qa": HubBenchmark(
        "TriviaQA",
        floor_reason="open-domain answers (Joshi et al. 2017, arXiv 1705.03551)",
        contamination=STATIC_WEB,
    ),
    "vpct": HubBenchmark("VPCT", floor_reason=LOWER_BOUND),
    "webdev-arena": _native("WebDev Arena", "Elo", "pairwise rating, no floor"),
    "weirdml": HubBenchmark("WeirdML", floor_reason=LOWER_BOUND),
    "wino-grande": HubBenchmark(
        "WinoGrande",
        floor=0.5,
        floor_reason="2 options (Sakaguchi et al. 2019, arXiv 1907.10641)",
        contamination=STATIC_WEB,
    ),
}

#: Metadata for a hub-style file given by path: a [0, 1] score with floor 0 and ceiling 1.
GENERIC = HubBenchmark("table", floor_reason=LOWER_BOUND)

__all__ = ["GENERIC", "HUB_BENCHMARKS", "HubBenchmark"]
