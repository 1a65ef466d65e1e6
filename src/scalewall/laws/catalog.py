"""Law names usable on the command line, and how each is built."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from scalewall.errors import input_error
from scalewall.laws.forms import Chinchilla, Law, PowerLaw


class LawName(str, enum.Enum):
    """Forms that can be named with ``--law``."""

    chinchilla = "chinchilla"
    power_n = "power-n"
    power_d = "power-d"
    power_c = "power-c"
    data_constrained = "data-constrained"
    broken = "broken"


def make_law(
    name: LawName | str,
    *,
    tie: bool = False,
    pins: Mapping[str, float] | None = None,
    breaks: int = 1,
) -> Law:
    """Build a law from its command-line name and options."""
    n = LawName(name)
    fixed = dict(pins or {})
    if tie and n not in (LawName.chinchilla, LawName.data_constrained):
        raise input_error(f"--tie applies to laws with two exponents, not '{n.value}'")
    if n is LawName.chinchilla:
        return Chinchilla(fixed=fixed, tied=tie)
    if n in (LawName.power_n, LawName.power_d, LawName.power_c):
        return PowerLaw(fixed=fixed, variable=n.value[-1].upper())
    if n is LawName.data_constrained:
        from scalewall.laws.data_constrained import DataConstrained

        # Exponents and R* pins go to `base`: `--pin alpha=...` gives the authors' second stage.
        lin = {k: v for k, v in fixed.items() if k in DataConstrained.all_linear}
        return DataConstrained(
            fixed=lin, tied=tie, base={k: v for k, v in fixed.items() if k not in lin}
        )
    from scalewall.laws.broken import BrokenPowerLaw

    return BrokenPowerLaw(fixed=fixed, breaks=breaks)


def law_spec(law: Law) -> dict[str, Any]:
    """The :func:`make_law` arguments that rebuild ``law`` (stored in JSON by ``FitResult``).

    ``groups`` lists the group labels of a :class:`~scalewall.laws.grouped.Grouped` law. Options
    the command line does not expose (a data-constrained law's own allocation mapping, a broken
    law in another variable than D) are not recorded.
    """
    from scalewall.laws.broken import BrokenPowerLaw
    from scalewall.laws.data_constrained import DataConstrained
    from scalewall.laws.grouped import Grouped

    if isinstance(law, Grouped):
        return {**law_spec(law.base), "groups": list(law.labels)}
    pins = dict(law.fixed)
    spec: dict[str, Any] = {"tie": bool(getattr(law, "tied", False)), "breaks": 1}
    if isinstance(law, Chinchilla):
        spec["name"] = LawName.chinchilla.value
    elif isinstance(law, PowerLaw):
        spec["name"] = f"power-{law.variable.lower()}"
    elif isinstance(law, DataConstrained):
        spec["name"] = LawName.data_constrained.value
        pins.update(law.base)
    elif isinstance(law, BrokenPowerLaw):
        spec["name"] = LawName.broken.value
        spec["breaks"] = law.breaks
    else:
        raise input_error(f"law '{law.name}' has no command-line name")
    spec["pins"] = pins
    return spec


def law_from_spec(spec: Mapping[str, Any]) -> Law:
    """Inverse of :func:`law_spec`."""
    law = make_law(
        spec["name"],
        tie=spec.get("tie", False),
        pins=spec.get("pins"),
        breaks=spec.get("breaks", 1),
    )
    if spec.get("groups"):
        from scalewall.laws.grouped import Grouped

        return Grouped(base=law, labels=tuple(str(g) for g in spec["groups"]))
    return law
