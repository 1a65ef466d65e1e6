"""The own-LM pillar's claim (18), from ``lm/concept_frequency.*`` of ``scalewall demo``.

The claim is about concepts and downstream accuracy; a tiny character model's per-token loss
cannot reach it, so the record says so and shows the token-level reading, counted as evidence
only if the model beats a frequency-only (unigram) baseline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from scalewall.claims import UNTESTABLE, ClaimRecord, claim, command_for
from scalewall.storage import read_json


def baseline_gap(cf: pd.DataFrame) -> float:
    """Held-out loss of the model minus that of the unigram baseline -ln(train frequency),
    weighted by held-out counts (nats per token; negative when the model beats it)."""
    w = cf["held_out_count"].to_numpy(float)
    model = np.average(cf["mean_loss"].to_numpy(float), weights=w)
    base = np.average(-np.log(cf["train_frequency"].to_numpy(float)), weights=w)
    return float(model - base)


def measure_lm(folder: Path, commands: Mapping[str, Sequence[str]]) -> dict[int, ClaimRecord]:
    """Claim 18 (cannot be tested with this data), with the token-level reading shown."""
    if not (folder / "concept_frequency.json").is_file():
        return {}
    s = read_json(folder / "concept_frequency.json")
    gap = baseline_gap(pd.read_csv(folder / "concept_frequency.csv"))
    v, (lo, hi) = s["slope_per_decade"], s["slope_ci"]
    beats = "beats" if gap < 0 else "does not beat"
    return {
        18: replace(
            claim(18),
            section="own-lm-runs",
            quantity="accuracy on a concept against the log of its frequency in the training data",
            reading="'log-linear' read as accuracy rising linearly in log frequency across "
            "concepts, with most of the variance explained",
            data=f"secondary reading: a tiny character LM on Tiny Shakespeare, held-out loss of "
            f"{s['n_types']} token types against log10 training frequency",
            value=v,
            lo=lo,
            hi=hi,
            unit="nats per 10x frequency",
            interval="95% bootstrap interval",
            interval_kind="bootstrap",
            test="none: per-token loss of a character model is not concept accuracy",
            verdict=UNTESTABLE,
            detail=(
                f"Loss falls {-v:.2f} [{-hi:.2f}, {-lo:.2f}] nats per 10x of frequency (R\u00b2 "
                f"{s['r2']:.2f}); the model {beats} the frequency-only baseline by "
                f"{abs(gap):.2f} nats per token, and a unigram model alone would give a slope "
                "of -ln 10 = -2.30 with R\u00b2 = 1. Concept frequencies in pretraining data "
                "with zero-shot accuracy per concept (Udandarao et al. 2024) would test it."
            ),
            rule="cannot be tested with this data; with concept-level data, supported when the "
            "slope's interval excludes zero and a frequency-only baseline is beaten.",
            source="lm/concept_frequency.json: slope_per_decade, slope_ci; concept_frequency.csv",
            command=command_for(commands, "concept_frequency.json"),
        )
    }


__all__ = ["baseline_gap", "measure_lm"]
