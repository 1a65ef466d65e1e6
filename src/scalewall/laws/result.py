"""FitResult: one fitted law with its intervals, derived quantities and diagnostics.

One object, three views (as lmfit's ModelResult): :meth:`FitResult.report` for people,
:meth:`FitResult.to_dict` (plain JSON types, ``schema_version``) for programs and the HTML report,
and :meth:`FitResult.from_dict` to read stored results back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from scalewall.errors import input_error
from scalewall.laws import allocation
from scalewall.laws.bootstrap import health_note
from scalewall.laws.forms import Law

Array = NDArray[np.float64]
SCHEMA_VERSION = 1


def _clean(v: Any) -> Any:
    """Plain JSON types: numpy scalars to Python, non-finite floats to None."""
    if isinstance(v, Mapping):
        return {str(k): _clean(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_clean(x) for x in v]
    if isinstance(v, np.ndarray):
        return [_clean(x) for x in v.tolist()]
    if isinstance(v, np.bool_ | bool):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        f = float(v)
        return f if math.isfinite(f) else None
    return v


@dataclass(frozen=True)
class FitResult:
    """A fitted scaling law.

    Attributes
    ----------
    law : str
        Form name (``chinchilla``, ``power``, ``data-constrained``, ``broken``).
    formula : str
        The form in words, with pinned coefficients.
    objective : str
        Objective name; ``objective_detail`` says the threshold, weight and reduction.
    n_points : int
        Rows fitted (after ``exclude_top_loss``).
    objective_value : float
        The objective at the optimum (a sum over points, not a mean).
    params : dict
        Point estimates, pinned ones included.
    ci : dict
        ``[lo, hi]`` percentile bootstrap interval at ``level`` for each fitted parameter; empty
        when no bootstrap was run (an interval that was not computed is absent, never guessed).
    profile_ci : dict
        With ``fit(..., profile=True)``: parameter -> ``{"lo", "hi", "open"}``, the
        profile-likelihood interval at ``level`` (``None`` for an end the data cannot close,
        listed in ``open``); empty otherwise.
    derived : dict
        Quantities computed from the parameters (``a``, ``b``, ``reducible_factor_per_10x``,
        compute-optimal allocation...); ``derived_ci`` holds their intervals, from the same
        bootstrap draws.
    diminishing_returns : list of dict
        One row per compute decade: L*, gain from the next 10x, share of the loss that is
        reducible, compute multiplier for the next 1 % of loss, each with ``_lo``/``_hi``.
    diagnostics : dict
        Converged, restarts agreeing, parameters at a bound, bootstrap failures.
    law_spec : dict
        How to rebuild the law (``name``, ``tie``, ``pins``, ``breaks``, ``groups``): what
        :attr:`form`, :meth:`predict` and :meth:`allocate` use after :meth:`from_dict`.
    selection : dict
        What :func:`scalewall.data.runs.select_runs` did with rows that repeat a configuration
        (``method``, ``rows_in``, ``rows_dropped``, ...).
    groups : dict
        For a table whose group column holds several datasets or experiments: ``column``,
        ``labels`` and ``structure`` (``joint``: shared exponents, coefficients per group;
        ``pooled``: one law for all rows, with ``--pool``). Empty otherwise.
    """

    law: str
    formula: str
    objective: str
    objective_detail: str
    n_points: int
    objective_value: float
    params: dict[str, float]
    ci: dict[str, list[float]] = field(default_factory=dict)
    level: float = 0.95
    profile_ci: dict[str, dict[str, Any]] = field(default_factory=dict)
    derived: dict[str, float] = field(default_factory=dict)
    derived_ci: dict[str, list[float]] = field(default_factory=dict)
    diminishing_returns: list[dict[str, float]] = field(default_factory=list)
    bootstrap: dict[str, Any] = field(default_factory=dict)
    diagnostics: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    outliers: list[dict[str, Any]] = field(default_factory=list)
    procedure: str = "global"
    source: str = ""
    flop_factor: float = 6.0
    pinned: dict[str, float] = field(default_factory=dict)
    aic: float | None = None
    bic: float | None = None
    law_spec: dict[str, Any] = field(default_factory=dict)
    selection: dict[str, Any] = field(default_factory=dict)
    groups: dict[str, Any] = field(default_factory=dict)
    samples_: Array | None = field(default=None, repr=False)  # bootstrap draws, params order
    law_form_: Law | None = field(default=None, repr=False, compare=False)

    # -- use --------------------------------------------------------------------------------
    @property
    def form(self) -> Law:
        """The fitted law object (rebuilt from ``law_spec`` when read back from JSON)."""
        if self.law_form_ is not None:
            return self.law_form_
        from scalewall.laws.catalog import law_from_spec

        return law_from_spec(self.law_spec)

    def predict(
        self, N: ArrayLike | None = None, D: ArrayLike | None = None, **inputs: Any
    ) -> Array:
        """Predicted loss at the given inputs, for any law form.

        ``N`` and ``D`` may be given by position (``predict(7e10, 1.4e12)``); other inputs by
        their runs-table names: ``predict(C=1e21)`` for ``power-c``, ``unique_tokens=`` for the
        data-constrained law, ``group=`` (labels) for a joint law over groups.
        """
        given = {"N": N, "D": D, **inputs}
        frame = {k: np.atleast_1d(np.asarray(v)) for k, v in given.items() if v is not None}
        if frame:
            n = max(v.size for v in frame.values())
            frame = {k: np.broadcast_to(v, (n,)) for k, v in frame.items()}
        law = self.form
        out: Array = law.predict_params(law.inputs_from(frame), self.params)
        return out

    def group_params(self, group: str | None = None) -> dict[str, float]:
        """Parameters of the base form, for one group of a joint law (else all of them)."""
        from scalewall.laws.grouped import Grouped

        law = self.form
        if isinstance(law, Grouped):
            if group is None:
                raise input_error(
                    f"this law has coefficients per group; name one of {', '.join(law.labels)}"
                )
            law.codes([group])  # an unknown label is an InputError
            return law.group_params(self.params, group)
        return dict(self.params)

    def allocate(self, C: Array | float, group: str | None = None) -> dict[str, Array]:
        """Compute-optimal N, D, D/N and loss for budget(s) C in FLOPs.

        Needs a law in both N and D (chinchilla, data-constrained with unlimited unique data, or
        a joint law over groups with ``group`` named); a one-variable law raises InputError.
        """
        p = self.group_params(group)
        p.setdefault("beta", p.get("alpha", np.nan))
        missing = [k for k in ("E", "A", "B", "alpha") if k not in p]
        if missing:
            raise input_error(
                f"allocation splits compute between N and D; a '{self.law}' fit "
                f"({self.formula}) has no {', '.join(missing)}"
            )
        return allocation.optimal_allocation(p, C, self.flop_factor)

    # -- views --------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view; the schema is documented in the README."""
        from scalewall import __version__

        d = {
            "schema_version": SCHEMA_VERSION,
            "scalewall_version": __version__,
            "law": self.law,
            "formula": self.formula,
            "objective": self.objective,
            "objective_detail": self.objective_detail,
            "procedure": self.procedure,
            "source": self.source,
            "n_points": self.n_points,
            "objective_value": self.objective_value,
            "params": self.params,
            "ci": self.ci,
            "level": self.level,
            "profile_ci": self.profile_ci,
            "pinned": self.pinned,
            "derived": self.derived,
            "derived_ci": self.derived_ci,
            "diminishing_returns": self.diminishing_returns,
            "bootstrap": self.bootstrap,
            "diagnostics": self.diagnostics,
            "warnings": self.warnings,
            "outliers": self.outliers,
            "flop_factor": self.flop_factor,
            "aic": self.aic,
            "bic": self.bic,
            "law_spec": self.law_spec,
            "selection": self.selection,
            "groups": self.groups,
        }
        out: dict[str, Any] = _clean(d)
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FitResult:
        """Rebuild from :meth:`to_dict` output (non-finite values come back as None)."""
        keys = {f for f in cls.__dataclass_fields__ if not f.endswith("_")}
        kw = {k: d[k] for k in keys if k in d}
        kw.setdefault("law_spec", _spec_from_name(d))
        return cls(**kw)

    def report(self) -> str:
        """Fixed-section text report (golden-file friendly)."""
        lines = [f"[[Law]] {self.law}: {self.formula}", f"[[Objective]] {self.objective_detail}"]
        lines.append(
            f"[[Fit]] n={self.n_points} objective={self.objective_value:.10g} "
            f"procedure={self.procedure}"
        )
        note = health_note(self.bootstrap)
        lines.append("[[Parameters]]" + (f" intervals: {note}" if note else ""))
        if self.profile_ci:
            lines.append("  (second interval: profile likelihood)")
        for k, v in self.params.items():
            ci = self.ci.get(k)
            pin = " (pinned)" if k in self.pinned else ""
            iv = f" [{fmt(ci[0])}, {fmt(ci[1])}]" if ci else ""
            if k in self.profile_ci:
                iv += f" {profile_text(self.profile_ci[k])}"
            lines.append(f"  {k:>10} = {fmt(v)}{iv}{pin}")
        if self.derived:
            lines.append("[[Derived]]" + (f" intervals: {note}" if note else ""))
            for k, v in self.derived.items():
                ci = self.derived_ci.get(k)
                iv = f" [{fmt(ci[0])}, {fmt(ci[1])}]" if ci else ""
                lines.append(f"  {k:>28} = {fmt(v)}{iv}")
        for w in self.warnings:
            lines.append(f"[[Warning]] {w}")
        return "\n".join(lines)


def _spec_from_name(d: Mapping[str, Any]) -> dict[str, Any]:
    """The law spec of JSON written before ``law_spec`` was stored, read from name and formula."""
    name, formula = str(d.get("law", "")), str(d.get("formula", ""))
    if name == "power":
        name = "power-" + formula.split("/")[1][0].lower()  # 'L = E + A/C^alpha' -> power-c
    name = {"bnsl": "broken"}.get(name, name)
    tie = "B/D^alpha" in formula
    return {"name": name, "tie": tie, "pins": dict(d.get("pinned") or {}), "breaks": 1}


def profile_text(entry: Mapping[str, Any]) -> str:
    """A profile interval for people: ``[lo, hi]``, an end the data cannot close shown as open."""
    lo, hi = entry.get("lo"), entry.get("hi")
    return f"[{'open' if lo is None else fmt(lo)}, {'open' if hi is None else fmt(hi)}]"


def fmt(v: Any, digits: int = 4) -> str:
    """Format a number for people (any real: a float, a numpy or pandas scalar): 4 significant
    digits, 'inf' and 'n/a' spelled out."""
    if v is None:
        return "n/a"
    v = float(v)
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1e5 or a < 1e-3:
        return f"{v:.{digits - 1}e}"
    return f"{v:.{digits}g}"
