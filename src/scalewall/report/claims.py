"""The claims the report checks, and the report's section anchors.

The claim records and verdict rules live in :mod:`scalewall.claims`; each pillar's
``<pillar>/claims.py`` measures its claims from stored results, and the report only renders them.
"""

from __future__ import annotations

from scalewall.claims import (
    CLAIMS,
    NOT_MEASURED,
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    UNTESTABLE,
    VERDICTS,
    ClaimRecord,
    claim,
    to_record,
)

#: The record the report renders (one type for the whole project).
Claim = ClaimRecord

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


def claims_records(claims: list[ClaimRecord] | tuple[ClaimRecord, ...]) -> list[dict[str, object]]:
    """``claims.json``: one plain record per claim (:func:`scalewall.claims.to_record`)."""
    return [to_record(c) for c in claims]


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
