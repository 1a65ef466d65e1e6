"""Ladder designer: lay out (N, D) runs on a compute grid for a total FLOP budget.

Two designs, both priced with the project's own FLOP count (:func:`scalewall.lm.flops.
flops_per_token`, which includes the tied output head and the attention term: at small scale
these are a large share of the cost, and leaving them out bends the fitted allocation: "last
layer computational cost" is the first factor of Porian et al. 2024, arXiv 2406.19146):

``isoflop``
    ``levels`` compute levels, each ``spread`` times the one below, the largest chosen so the
    whole ladder fits the budget. At each level ``sizes_per_level`` model sizes centred on the
    size whose compute-optimal run (``tokens_per_param`` tokens per parameter) costs that level,
    each trained for ``D = C / flops_per_token(N)`` tokens (Hoffmann et al. 2022, arXiv
    2203.15556, Approach 2's isoFLOP profiles).
``chinchilla``
    ``n_sizes`` consecutive model sizes x token-per-parameter ``ratios``: the largest such block
    of the size family whose summed cost fits the budget.

Sizes are real configurations from :func:`family`, so each run's parameter count is exact.
Token counts are rounded *down* to whole optimiser steps, so a run never costs more than its
target and the ladder never exceeds the budget; :data:`MIN_STEPS` steps keep the rounding under
5% of the target.

A ``repeat_fractions`` arm (isoFLOP only) trains the runs of one level, ``repeat_level`` (counted
from the lowest, default the middle one), again on the first fraction ``f`` of the training
split, so they see the same tokens ``1 / f`` times as often: every other run reads the whole
corpus, so epochs grow only with tokens, and the decay of repeated tokens (``R_D*`` of the
data-constrained law) trades off against the data exponent; runs that differ only in their
unique tokens separate the two (Muennighoff et al. 2023 vary the unique budget the same way).
The budget covers the arm.

Runs that would take fewer than ``min_steps`` optimiser steps even at the smallest batch (the
batch rule cuts it first, since ``min_steps`` may not exceed ``target_steps``) are left out of
either design (default 0: none): such a run ends in warmup and the first fast descent, where a
law in N and D does not describe the loss (see ``ladder-cpu``'s preset).

Per-size settings come from :func:`size_rules`, and the rules are written into each run's
config (``rules``), so they are part of the run id.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scalewall.errors import input_error
from scalewall.lm.config import RunConfig
from scalewall.lm.flops import flops_per_token, non_embedding_params
from scalewall.validate import check_keys

DESIGNS = ("isoflop", "chinchilla")
#: Fewest optimiser steps per run: flooring D to whole steps then costs under 1/20 = 5%.
MIN_STEPS = 20
#: The size family as (n_layer, d_model): each about 1.3-2.3x the parameters of the one before,
#: depth growing with width (width / depth 8-32) and never under 2 layers: Kaplan et al. 2020
#: (arXiv 2001.08361, figure 6) find that, counted without embeddings, models of every depth fall
#: on one trend "except very shallow" ones (1 layer), which a one-law fit cannot absorb; a
#: one-layer model also cannot form the two-layer induction circuits (Olsson et al. 2022).
SHAPES = (
    (2, 16), (2, 24), (2, 32), (2, 48), (3, 48), (3, 64), (4, 64), (4, 80), (5, 96),
    (6, 128), (8, 160), (8, 192), (10, 256), (12, 320), (16, 384), (16, 512),
)  # fmt: skip
#: Hoffmann et al. 2022 (arXiv 2203.15556, Table 3): about 20 tokens per parameter at the optimum.
CHINCHILLA_TOKENS_PER_PARAM = 20.0
#: Reference width and learning rate of the width rule, from an LR probe on the ladder-cpu corpus
#: (3e11 FLOPs per run, learning rates a factor 2 apart): 1 x 32 had its lowest held-out loss at
#: 6e-3 (3.643 nats; 3.734 at 3e-3, 3.664 at 1.2e-2) and 3 x 64 at 6e-3 too (3.933; 4.002 at
#: 3e-3, 4.132 at 1.2e-2), so the best rate falls with width more slowly than 1 / width.
LR_REF, D_REF = 6e-3, 64
#: Fewest sequences per batch of the step rule: below 4, one noisy window sets the update.
MIN_BATCH = 4
#: AdamW beta2 for batches of a few thousand tokens: Porian et al. 2024 (arXiv 2406.19146,
#: abstract: "tuning the AdamW beta2 parameter is essential at lower batch sizes") find the
#: common 0.95 worse at small batches, where 0.99 or higher does better.
SMALL_BATCH_BETA2 = 0.99
DESIGN_KEYS = (
    "kind",
    "budget",
    "levels",
    "spread",
    "sizes_per_level",
    "tokens_per_param",
    "ratios",
    "n_sizes",
    "target_steps",
    "min_steps",
    "repeat_fractions",
    "repeat_level",
)
DEFAULTS: Mapping[str, Any] = {
    "levels": 4,
    "spread": 3.0,
    "sizes_per_level": 5,
    "tokens_per_param": CHINCHILLA_TOKENS_PER_PARAM,
    "ratios": [5, 10, 20, 40],
    "n_sizes": 4,
    "target_steps": 1000,
    "min_steps": 0,
    "repeat_fractions": [],
}


@dataclass(frozen=True)
class Shape:
    """One member of the size family: depth, width and heads, with its exact parameter count."""

    n_layer: int
    d_model: int
    n_head: int

    @property
    def N(self) -> int:
        """Non-embedding parameters (Kaplan et al. 2020's N, the count the fits use)."""
        return non_embedding_params(self.n_layer, self.d_model)


def family() -> list[Shape]:
    """The size family, smallest first (:data:`SHAPES`), with heads 16 to 32 wide."""
    return [Shape(n, d, max(1, d // 32)) for n, d in SHAPES]


def size_rules(
    base: RunConfig, shape: Shape, tokens: float, target_steps: int = DEFAULTS["target_steps"]
) -> RunConfig:
    """``base`` at ``shape`` trained for about ``tokens``, with the per-size settings of the ladder.

    * batch: ``base.batch_size`` sequences, halved (down to :data:`MIN_BATCH`) while the run would
      take fewer than ``target_steps`` optimiser steps; the tokens are then rounded down to whole
      steps of that batch. A run of a few hundred steps ends while the loss still falls steeply
      and measures the optimiser, not the model: at 1e11 FLOPs, 2 x 48 reached 4.157 nats in 174
      steps of 16 sequences and 3.912 in 697 steps of 4, while small models with thousands of
      steps lost under 0.06 nats to the smaller batch (the ladder-cpu probe in the README). The
      batch so grows with the run's tokens, as the compute-optimal batch of DeepSeek-AI 2024
      (arXiv 2401.02954, eq. 1, B_opt = 0.292 C^0.3271 tokens) grows with compute;

    * learning rate ``LR_REF * sqrt(D_REF / d_model)``: under maximal-update parametrisation
      Adam's hidden-layer step shrinks as 1 / width (Yang et al. 2022, arXiv 2203.03466), but
      these models use the standard parametrisation, and the probe of :data:`LR_REF` found the
      best rate the same at widths 32 and 64 (the 1 / width rule halved it at 64, and with it the
      larger sizes of every level lost to the smallest); the square root keeps a gentler decay
      for the wider GPU shapes;
    * warmup of ``N`` tokens (capped at a quarter of the run): Porian et al. 2024 (arXiv
      2406.19146; warmup duration is one of the three factors their abstract names) show that
      Kaplan's long warmups hurt small models and set the warmup to the model's parameter count
      (this rule recalled from the paper's body, not re-read here);
    * AdamW beta2 :data:`SMALL_BATCH_BETA2` for small batches (see there);
    * the held-out loss on ``base.eval_tokens`` fixed windows, identical for every run.
    """
    batch = base.batch_size
    while batch > MIN_BATCH and tokens < target_steps * batch * base.context:
        batch //= 2
    tokens = int(tokens // (batch * base.context)) * batch * base.context
    lr = LR_REF * math.sqrt(D_REF / shape.d_model)
    warmup = min(shape.N / max(tokens, 1), 0.25)
    rules = (
        f"batch={base.batch_size} sequences, halved to at least {MIN_BATCH} while under "
        f"{target_steps} steps; "
        f"lr={LR_REF:g}*sqrt({D_REF}/d_model) (width rule from an LR probe); "
        "warmup=N tokens, at most 25% (Porian et al. 2024); "
        f"beta2={SMALL_BATCH_BETA2} (small batches, Porian et al. 2024); "
        f"eval on {base.eval_tokens} fixed held-out tokens"
    )
    return dataclasses.replace(
        base,
        n_layer=shape.n_layer,
        d_model=shape.d_model,
        n_head=shape.n_head,
        tokens=tokens,
        batch_size=batch,
        lr=lr,
        warmup_frac=warmup,
        beta2=SMALL_BATCH_BETA2,
        rules=rules,
    )


def run_flops(base: RunConfig, shape: Shape, tokens: int, vocab_size: int) -> float:
    """Training FLOPs of ``shape`` over ``tokens`` tokens (the project's exact count)."""
    return float(flops_per_token(shape.n_layer, shape.d_model, vocab_size, base.context) * tokens)


def _setting(design: Mapping[str, Any], key: str) -> Any:
    return design.get(key, DEFAULTS.get(key))


def check_design(design: Mapping[str, Any], source: str) -> None:
    """Key, kind and range checks of a ``[design]`` table (one-line errors)."""
    where = f"{source} [design]"
    check_keys(design, DESIGN_KEYS, where)
    if design.get("kind") not in DESIGNS:
        raise input_error(
            "'kind' must be isoflop or chinchilla", source=where, got=design.get("kind")
        )
    budget = design.get("budget")
    if isinstance(budget, bool) or not isinstance(budget, int | float) or budget <= 0:
        raise input_error("'budget' (total training FLOPs) must be a number > 0", source=where)
    for k in ("levels", "sizes_per_level", "n_sizes", "target_steps", "min_steps"):
        v = _setting(design, k)
        least = 0 if k == "min_steps" else 1
        if isinstance(v, bool) or not isinstance(v, int) or v < least:
            raise input_error(f"'{k}' must be a whole number >= {least}", source=where, got=v)
    fractions = _setting(design, "repeat_fractions")
    if not isinstance(fractions, list) or any(
        isinstance(f, bool) or not isinstance(f, int | float) or not 0 < f < 1 for f in fractions
    ):
        raise input_error(
            "'repeat_fractions' must be a list of fractions of the corpus, each in (0, 1)",
            source=where,
            got=fractions,
        )
    if fractions and design.get("kind") != "isoflop":
        raise input_error("'repeat_fractions' applies to isoflop designs", source=where)
    arm, levels = design.get("repeat_level"), _setting(design, "levels")
    if arm is not None and (
        isinstance(arm, bool) or not isinstance(arm, int) or not 0 <= arm < levels
    ):
        raise input_error(
            f"'repeat_level' must be a level index from 0 (the lowest) to {levels - 1}",
            source=where,
            got=arm,
        )
    if _setting(design, "min_steps") > _setting(design, "target_steps"):
        raise input_error(
            "'min_steps' must not exceed 'target_steps' (the batch is cut before a run is dropped)",
            source=where,
            got=_setting(design, "min_steps"),
        )
    for k in ("spread", "tokens_per_param"):
        v = _setting(design, k)
        if isinstance(v, bool) or not isinstance(v, int | float) or v <= 1:
            raise input_error(f"'{k}' must be a number > 1", source=where, got=v)
    ratios = _setting(design, "ratios")
    if (
        not isinstance(ratios, list)
        or not ratios
        or any(isinstance(r, bool) or not isinstance(r, int | float) or r <= 0 for r in ratios)
    ):
        raise input_error("'ratios' must be a non-empty list of numbers > 0", source=where)


def settings(design: Mapping[str, Any]) -> dict[str, Any]:
    """Every setting the design's ``kind`` uses, defaults filled in: what the ladder JSON, the
    summary and the report state, so a rule left at its default is stated too."""
    used = {
        "isoflop": (
            "levels",
            "spread",
            "sizes_per_level",
            "tokens_per_param",
            "repeat_fractions",
            "repeat_level",
        ),
        "chinchilla": ("n_sizes", "ratios"),
    }[design["kind"]]
    keys = ("kind", "budget", *used, "target_steps", "min_steps")
    return {k: _repeat_level(design) if k == "repeat_level" else _setting(design, k) for k in keys}


def _repeat_level(design: Mapping[str, Any]) -> int:
    """The level of the repetition arm, counted from the lowest (default the middle one)."""
    levels = int(_setting(design, "levels"))
    return int(design.get("repeat_level", levels // 2))


def _optimal_index(base: RunConfig, shapes: list[Shape], C: float, r: float, V: int) -> int:
    """The family member whose compute-optimal run costs nearest ``C``.

    "Compute-optimal" is ``r`` tokens per FLOP-bearing parameter, ``flops_per_token / 6`` (the
    non-embedding weights plus the output head and attention): at these sizes the head is a
    large share of the cost, and counting it moves the optimum (Porian et al. 2024).
    """
    per_token = [run_flops(base, s, 1, V) for s in shapes]
    gaps = [abs(math.log(r * f * f / 6 / C)) for f in per_token]
    return gaps.index(min(gaps))


def isoflop(
    base: RunConfig,
    design: Mapping[str, Any],
    vocab_size: int,
    source: str = "[design]",
    train_tokens: int = 0,
) -> list[tuple[float, RunConfig]]:
    """``(target FLOPs, config)`` of every run of an isoFLOP ladder (module docstring);
    ``train_tokens``: the corpus's training tokens, which the repetition arm's fractions divide."""
    shapes = family()
    levels, spread = int(_setting(design, "levels")), float(_setting(design, "spread"))
    k, r = int(_setting(design, "sizes_per_level")), float(_setting(design, "tokens_per_param"))
    steps, least = int(_setting(design, "target_steps")), int(_setting(design, "min_steps"))
    if k > len(shapes):
        raise input_error(f"sizes_per_level must be at most {len(shapes)}", source=source, got=k)
    fractions = [float(f) for f in _setting(design, "repeat_fractions")]
    arm = levels - 1 - _repeat_level(design)  # counted from the top, as j below
    if fractions and train_tokens <= 0:
        raise ValueError("a repetition arm needs the corpus's training tokens")
    shares = sum(spread**-j for j in range(levels)) + len(fractions) * spread**-arm
    top = float(design["budget"]) / (k * shares)
    out: list[tuple[float, RunConfig]] = []
    for j in reversed(range(levels)):
        C = top * spread**-j
        first = len(out)
        mid = _optimal_index(base, shapes, C, r, vocab_size)
        lo = min(max(mid - k // 2, 0), len(shapes) - k)
        for s in shapes[lo : lo + k]:
            cfg = size_rules(base, s, C / run_flops(base, s, 1, vocab_size), steps)
            if cfg.steps >= least:
                out.append((C, cfg))
        if j == arm:
            out += [
                (
                    C,
                    dataclasses.replace(
                        c, unique_tokens=max(round(f * train_tokens), c.context + 1)
                    ),
                )
                for f in fractions
                for _, c in out[first:]
            ]
    return out


def chinchilla(
    base: RunConfig, design: Mapping[str, Any], vocab_size: int, source: str = "[design]"
) -> list[tuple[float, RunConfig]]:
    """``(target FLOPs, config)`` of a sizes x tokens-per-parameter grid (module docstring)."""
    shapes = family()
    n, ratios = int(_setting(design, "n_sizes")), [float(x) for x in _setting(design, "ratios")]
    budget, steps = float(design["budget"]), int(_setting(design, "target_steps"))
    least = int(_setting(design, "min_steps"))

    def block(lo: int) -> list[tuple[float, RunConfig]]:
        runs = [
            (run_flops(base, s, round(q * s.N), vocab_size), size_rules(base, s, q * s.N, steps))
            for s in shapes[lo : lo + n]
            for q in ratios
        ]
        return [(c, cfg) for c, cfg in runs if cfg.steps >= least]

    fits = [lo for lo in range(len(shapes) - n + 1) if sum(c for c, _ in block(lo)) <= budget]
    if not fits:
        raise input_error(
            f"budget {budget:.3g} FLOPs is below the cheapest {n}-size chinchilla grid",
            source=source,
            fix="raise --budget or lower n_sizes / ratios",
        )
    return block(max(fits))


def design_runs(
    base: RunConfig,
    design: Mapping[str, Any],
    vocab_size: int,
    source: str = "[design]",
    train_tokens: int = 0,
) -> list[tuple[float, RunConfig]]:
    """The ladder's runs with their FLOP targets; checks that every run has enough steps.
    ``train_tokens``: the corpus's training tokens (needed by a repetition arm only)."""
    if design["kind"] == "isoflop":
        runs = isoflop(base, design, vocab_size, source, train_tokens)
    else:
        runs = chinchilla(base, design, vocab_size, source)
    if not runs:
        raise input_error(
            f"budget {float(design['budget']):.3g} FLOPs leaves no run with the "
            f"{_setting(design, 'min_steps')} optimiser steps that min_steps asks",
            source=source,
            fix="raise the budget, or lower min_steps",
        )
    for _, cfg in runs:
        if cfg.steps < MIN_STEPS:
            raise input_error(
                f"a {cfg.d_model}-wide run gets {cfg.tokens} tokens, fewer than {MIN_STEPS} steps "
                f"of {cfg.tokens_per_step} tokens even at the smallest batch",
                source=source,
                fix="raise the budget, or use fewer levels or sizes_per_level",
            )
    return runs


__all__ = [
    "DESIGNS",
    "DESIGN_KEYS",
    "MIN_STEPS",
    "Shape",
    "check_design",
    "design_runs",
    "family",
    "run_flops",
    "settings",
    "size_rules",
]
