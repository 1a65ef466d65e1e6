"""Law names usable on the command line, and how each is built."""

from __future__ import annotations

import enum
from collections.abc import Mapping

from scalewall.errors import InputError
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
        raise InputError(f"--tie applies to laws with two exponents, not '{n.value}'")
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
