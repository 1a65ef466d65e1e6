"""One law for several datasets or experiments: shared exponents, coefficients per group.

Runs on different training sets differ in their irreducible loss and their scale (E, A, B), and
may or may not share how loss falls with size and data (the exponents). :class:`Grouped` wraps
any form so that its linear coefficients are fitted once per group while its nonlinear parameters
are shared: ``L_g = E_g + A_g / N**alpha + B_g / D**beta`` for Chinchilla. Gadre et al. 2024
(arXiv 2403.08540, Sec. 3) fit such laws per training set; the joint form is the middle ground
between pooling every group into one law and fitting each alone.

For fixed exponents the groups' coefficients are separate least-squares problems, so the fitter
profiles each group with the base form and sums the profiles (see
:func:`scalewall.laws.fitter.profile`); polishing and bootstrap refits run on the full vector.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from scalewall.errors import input_error
from scalewall.laws.forms import Chinchilla, Inputs, Law

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Grouped(Law):
    """``base`` with its fitted linear coefficients per group and its nonlinear ones shared.

    Coefficients are named ``"<name>[<group>]"`` (``E[c4_original]``); a coefficient pinned in
    ``base`` is pinned for every group. The inputs carry integer group codes under ``group``
    (:meth:`inputs_from` encodes the labels).
    """

    base: Law = field(default_factory=Chinchilla)
    labels: tuple[str, ...] = ()

    name: ClassVar[str] = "grouped"

    @property
    def all_linear(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(f"{c}[{g}]" for g in self.labels for c in self.base.linear)

    @property
    def nonlinear(self) -> tuple[str, ...]:  # type: ignore[override]
        return self.base.nonlinear

    @property
    def inputs(self) -> tuple[str, ...]:  # type: ignore[override]
        return (*self.base.inputs, "group")

    @property
    def formula(self) -> str:  # type: ignore[override]
        shared = ", ".join(self.base.nonlinear)
        per = ", ".join(self.base.linear)
        return f"{self.base.describe()} per group; {per} per group, {shared} shared"

    @property
    def reference(self) -> str:  # type: ignore[override]
        return self.base.reference

    def describe(self) -> str:
        return self.formula

    def check_fixed(self) -> None:
        self.base.check_fixed()

    def theta_bounds(self) -> list[tuple[float | None, float | None]]:
        return self.base.theta_bounds()

    def grid(self, X: Inputs) -> Array:
        return self.base.grid(X)

    # -- groups ------------------------------------------------------------------------------
    def codes(self, values: object) -> NDArray[np.int_]:
        """Integer code of each row's group label; unknown labels are an InputError."""
        arr = np.asarray(values).astype(str)
        index = {g: i for i, g in enumerate(self.labels)}
        unknown = sorted(set(arr.tolist()) - set(index))
        if unknown:
            raise input_error(
                f"group(s) {', '.join(unknown)} were not in the fitted table",
                fix=f"name one of {', '.join(self.labels)}",
            )
        return np.array([index[v] for v in arr.tolist()], dtype=int)

    def inputs_from(self, df: Any) -> Inputs:
        X = dict(self.base.inputs_from(df))
        if "group" not in df:
            raise input_error(f"law '{self.name}' needs a group column; map it with --group-col")
        X["group"] = self.codes(df["group"]).astype(float)
        return X

    def masks(self, X: Inputs) -> list[NDArray[np.bool_]]:
        """Row mask of each group, in label order."""
        codes = np.asarray(X["group"])
        return [codes == i for i in range(len(self.labels))]

    def group_params(self, params: Mapping[str, float], group: str) -> dict[str, float]:
        """The base form's parameters for one group (pinned ones included)."""
        out = {c: float(params[f"{c}[{group}]"]) for c in self.base.linear}
        return self.base.full_params({**out, **{k: params[k] for k in self.nonlinear}})

    # -- evaluation --------------------------------------------------------------------------
    def _spread(self, cols: Array, X: Inputs) -> Array:
        """Put each row's base columns in its group's block: ``(..., n, p) -> (..., n, G*p)``."""
        onehot = np.stack(self.masks(X), axis=-1).astype(float)  # (n, G)
        out = cols[..., :, None, :] * onehot[:, :, None]
        return out.reshape(*cols.shape[:-1], len(self.labels) * cols.shape[-1])

    def basis(self, X: Inputs, theta: Array) -> tuple[Array, Array]:
        B, off = self.base.basis(X, theta)
        return self._spread(B, X), off

    def basis_and_d(self, X: Inputs, theta: Array) -> tuple[Array, Array, Array, Array]:
        B, off, dB, doff = self.base.basis_and_d(X, theta)
        onehot = np.stack(self.masks(X), axis=-1).astype(float)
        d = dB[..., :, None, :, :] * onehot[:, :, None, None]
        shape = (*dB.shape[:-3], dB.shape[-3], len(self.labels) * dB.shape[-2], dB.shape[-1])
        return self._spread(B, X), off, d.reshape(shape), doff

    def predict_params(self, X: Inputs, params: Mapping[str, float]) -> Array:
        theta = np.array([params[k] for k in self.nonlinear], dtype=float)
        B, off = self.basis(X, theta)
        coef = np.array([params[k] for k in self.linear], dtype=float)
        out: Array = B @ coef + off
        return out

    def full_params(self, params: Mapping[str, float]) -> dict[str, float]:
        out = {k: float(params[k]) for k in self.linear}
        for g in self.labels:
            out.update({f"{k}[{g}]": float(v) for k, v in self.base.fixed.items()})
        shared = self.base.full_params(
            {**{c: np.nan for c in self.base.linear}, **{k: params[k] for k in self.nonlinear}}
        )
        out.update({k: v for k, v in shared.items() if k not in self.base.all_linear})
        return out
