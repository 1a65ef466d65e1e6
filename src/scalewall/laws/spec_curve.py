"""Specification curve: one scaling-law question refitted under every defensible choice.

A fit answers "how many tokens per parameter at 5.76e23 FLOPs?" only for one set of choices that
papers rarely state together. Li, Kudugunta & Zettlemoyer 2025 ('(Mis)Fitting: A Survey of Scaling
Laws', arXiv 2502.18969) list them: functional form, objective, how parameters are counted, how
FLOPs are counted, and which runs enter the fit (learning-rate selection, under-trained runs, the
range of scales). Following Simonsohn, Simmons & Nelson 2020 ('Specification curve analysis',
Nature Human Behaviour 4:1208), :func:`spec_curve` enumerates those choices, refits under each
and returns one tidy row per specification and derived quantity, each with its bootstrap
percentile interval and how many bootstrap refits failed; :func:`spread` says how far each
quantity moves and which choice moves it most.

The choices (fields of :class:`Spec`):

``law``
    ``chinchilla`` (free exponents) or ``chinchilla-tied`` (alpha = beta, Muennighoff et al. 2023);
    with another two-exponent form passed as ``law`` (the data-constrained law of a designed
    ladder), its name and its name with ``-tied``.
``objective``
    ``huber-log``, ``mse-log``, ``mse``, ``asymmetric`` (:mod:`scalewall.laws.objectives`).
``params``
    ``total`` or ``non-embedding`` parameters (when the table has both; Pearce & Song 2024,
    arXiv 2406.12907, trace most of the Kaplan-Chinchilla gap to this choice).
``flops``
    ``6ND`` or ``8ND`` (with activation recomputation, Chowdhery et al. 2022, App. B): the FLOPs
    per parameter-token behind the compute-optimal allocation and, where the table gives only
    C, behind the tokens D = C / (k N); ``given``, when the table has C and D, uses the table's
    own median C / (N D).
``subset``
    ``all``; ``drop-smallest`` (the smallest quarter of the distinct model sizes); or
    ``drop-undertrained`` (runs with fewer than :data:`UNDERTRAINED_TOKENS_PER_PARAM` tokens
    per parameter, a quarter of the compute-optimal 20 of Hoffmann et al. 2022, Table 3); a
    caller may add named subsets of its own (``subsets``: a designed ladder drops its smallest
    compute level, or its shortest runs).
``select``
    When several runs share (N, D) (a learning-rate sweep): ``best`` (lowest loss, Li et al.'s
    default) or ``mean``; ``all`` when every (N, D) is unique.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import numpy as np
import pandas as pd

from scalewall.data.runs import OPTIONAL, load_runs, read_source, select_runs
from scalewall.errors import InputError, ScalewallError, input_error
from scalewall.laws.api import CHINCHILLA_COMPUTE, fit
from scalewall.laws.catalog import make_law
from scalewall.laws.data_constrained import DataConstrained
from scalewall.laws.forms import Chinchilla, Law
from scalewall.laws.objectives import ObjectiveName
from scalewall.laws.result import FitResult

#: Runs below this many tokens per parameter count as under-trained (20 / 4; Hoffmann et al.
#: 2022, Table 3: 1B parameters on 20.2B tokens is compute-optimal).
UNDERTRAINED_TOKENS_PER_PARAM = 5.0
#: Share of the distinct model sizes that ``drop-smallest`` removes (at least one size).
SMALLEST_SHARE = 0.25
#: Optional runs-table columns the curve reads besides N, D, C, loss and group.
NONEMBEDDING_COLUMN = "N_nonembedding"
HPARAM_COLUMN = "hparam"
#: File columns recognised without a flag (Li et al. 2025's table names them N_no_emb, peak_lr).
NONEMBEDDING_NAMES = ("N_no_emb", "N_nonembedding", "non_embedding_params")
HPARAM_NAMES = ("peak_lr", "lr", "learning_rate")

#: Quantities reported for every specification, with what each means.
QUANTITIES = {
    "alpha": "exponent of N",
    "beta": "exponent of D",
    "E": "irreducible loss (nats)",
    "tokens_per_param": f"compute-optimal D*/N* at {CHINCHILLA_COMPUTE:.3g} FLOPs",
    "loss_10x_beyond": "compute-optimal loss at 10x the largest run's FLOPs (nats)",
    "gain_per_10x": "loss removed by the next 10x of compute from there (nats)",
}
INTERVAL = "bootstrap percentile"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Spec:
    """One combination of analysis choices (see the module docstring)."""

    law: str = "chinchilla"
    objective: str = "huber-log"
    params: str = "total"
    flops: str = "6ND"
    subset: str = "all"
    select: str = "all"


SPEC_FIELDS = tuple(f.name for f in fields(Spec))
#: A named subset of runs: the runs table in, a boolean mask of the rows to keep out.
RowFilter = Callable[[pd.DataFrame], "np.ndarray | pd.Series"]


def param_column(spec: Spec) -> str:
    """The runs-table column that counts parameters under ``spec``."""
    return NONEMBEDDING_COLUMN if spec.params == "non-embedding" else "N"


def law_for(spec: Spec, form: Law | None = None) -> Law:
    """The law ``spec`` fits: ``form`` (default Chinchilla's) with free exponents, or with
    alpha = beta for ``<name>-tied`` (whether ``form`` itself was tied or not)."""
    base = form if form is not None else make_law("chinchilla")
    if spec.law not in (base.name, f"{base.name}-tied"):
        raise input_error(
            f"specification law '{spec.law}' is not a variant of '{base.name}'",
            fix=f"use '{base.name}' or '{base.name}-tied'",
        )
    tied = spec.law != base.name
    if isinstance(base, Chinchilla | DataConstrained):
        return replace(base, tied=tied)
    if tied:
        raise input_error(f"law '{base.name}' has no exponents to tie")
    return base


def choices(runs: pd.DataFrame, *, d_from_c: bool = False) -> dict[str, tuple[str, ...]]:
    """The options for each choice that this table supports."""
    has_dups = bool(runs.duplicated(subset=["N", "D"]).any())
    return {
        "law": ("chinchilla", "chinchilla-tied"),
        "objective": tuple(o.value for o in ObjectiveName),
        "params": ("total", "non-embedding") if NONEMBEDDING_COLUMN in runs else ("total",),
        "flops": ("6ND", "8ND") + (("given",) if "C" in runs and not d_from_c else ()),
        "subset": ("all", "drop-smallest", "drop-undertrained"),
        "select": ("best", "mean") if has_dups else ("all",),
    }


def all_specs(runs: pd.DataFrame, *, d_from_c: bool = False, **only: Sequence[str]) -> list[Spec]:
    """Every combination of :func:`choices`; keyword arguments restrict a choice's options."""
    opts = choices(runs, d_from_c=d_from_c)
    for k, v in only.items():
        if k not in opts:
            raise input_error("unknown choice", got=k, fix=f"choices are {', '.join(opts)}")
        bad = [x for x in v if x not in opts[k]]
        if bad:
            raise input_error(
                f"{k} has no option {', '.join(bad)} for this table",
                fix=f"options: {', '.join(opts[k])}",
            )
        opts[k] = tuple(v)
    return [Spec(*combo) for combo in itertools.product(*(opts[f] for f in SPEC_FIELDS))]


def load_for_curve(
    source: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    nonembedding_col: str | None = None,
    hparam_col: str | None = None,
) -> tuple[pd.DataFrame, bool]:
    """A runs table with the extra columns the curve can vary, and whether D came from C.

    Rows repeated in every column the curve reads are dropped first (they carry no choice). A C
    column appears only when the table gives one (then ``given`` FLOP accounting is offered).
    The non-embedding and hyperparameter columns are found by name when not given; the
    hyperparameter keeps the runs of a sweep apart (runs equal in every other column would
    otherwise be dropped as repeats), and ``select`` then chooses among them.
    """
    raw, e = read_source(source)
    mapping = {
        **(e.columns if e is not None else {}),
        **{k: v for k, v in (columns or {}).items() if v},
    }
    extra: dict[str, str] = {}
    for target, given, names in (
        (NONEMBEDDING_COLUMN, nonembedding_col, NONEMBEDDING_NAMES),
        (HPARAM_COLUMN, hparam_col, HPARAM_NAMES),
    ):
        if given and given not in raw.columns:
            raise input_error(
                f"column '{given}' not found",
                source=str(source),
                fix=f"columns are: {', '.join(map(str, raw.columns[:20]))}",
            )
        found = given or next((c for c in names if c in raw.columns), None)
        if found:
            extra[target] = found
    d_from_c = mapping.get("D", "D") not in raw.columns
    used = [mapping.get(t, t) for t in ("N", "D", "C", "loss", *OPTIONAL)]
    keep = [c for c in (*used, *extra.values()) if c in raw.columns]
    sub = raw[list(dict.fromkeys(keep))].drop_duplicates().reset_index(drop=True)
    runs = load_runs(sub, columns=mapping, source_name=str(source))
    if mapping.get("C", "C") not in raw.columns:  # filled in as 6ND: no FLOP count of its own
        runs = runs.drop(columns="C")
    for target, col in extra.items():
        runs[target] = sub[col].to_numpy()
    if NONEMBEDDING_COLUMN in runs:
        runs[NONEMBEDDING_COLUMN] = pd.to_numeric(runs[NONEMBEDDING_COLUMN], errors="coerce")
        if not (runs[NONEMBEDDING_COLUMN] > 0).all():
            raise input_error(
                "non-embedding parameters must be numbers > 0",
                source=str(source),
                column=extra[NONEMBEDDING_COLUMN],
            )
    return runs, d_from_c


def _flop_factor(runs: pd.DataFrame, spec: Spec, N: pd.Series) -> float:
    if spec.flops == "given":
        return float(np.median(runs["C"] / (N * runs["D"])))
    return 6.0 if spec.flops == "6ND" else 8.0


def table_for(
    runs: pd.DataFrame,
    spec: Spec,
    *,
    d_from_c: bool = False,
    law: Law | None = None,
    subsets: Mapping[str, RowFilter] | None = None,
) -> tuple[pd.DataFrame, float]:
    """The runs one specification fits (the law's inputs, loss[, group]) and its FLOPs per
    parameter-token; ``subsets`` adds named row filters to the built-in ones."""
    df = runs.copy()
    n_col = param_column(spec)
    k = _flop_factor(df, spec, df[n_col])
    if d_from_c:  # tokens were derived from C with 6ND: rederive them with this accounting
        df["D"] = df["C"] / (k * df["N"])
    extra = subsets or {}
    if spec.subset in extra:
        df = df[np.asarray(extra[spec.subset](df), dtype=bool)]
    elif spec.subset == "drop-smallest":
        sizes = np.sort(df["N"].unique())
        cut = sizes[max(1, int(SMALLEST_SHARE * sizes.size)) - 1]
        df = df[df["N"] > cut]
    elif spec.subset == "drop-undertrained":
        df = df[df["D"] / df["N"] >= UNDERTRAINED_TOKENS_PER_PARAM]
    elif spec.subset != "all":
        raise input_error(
            f"unknown subset '{spec.subset}'",
            fix=", ".join(["all", "drop-smallest", "drop-undertrained", *extra]),
        )
    df = df.assign(N=df[n_col])
    inputs = law.inputs if law is not None else ("N", "D")
    keys = [*(c for c in inputs if c != "group"), *(["group"] if "group" in df else [])]
    df, _ = select_runs(df[[*keys, "loss"]], spec.select)
    return df.reset_index(drop=True), k


def _rows(spec: Spec, res: FitResult, far: float) -> list[dict[str, object]]:
    key = {
        "alpha": ("alpha", False),
        "beta": ("beta", False),
        "E": ("E", False),
        "tokens_per_param": ("tokens_per_param_at_5.76e23", True),  # laws.api._derived
        "loss_10x_beyond": (f"loss_opt_at_{far:.3g}", True),
        "gain_per_10x": (f"gain_next_10x_at_{far:.3g}", True),
    }
    boot = res.bootstrap
    out = []
    for q, (name, derived) in key.items():
        value = (res.derived if derived else res.params).get(name, np.nan)
        ci = (res.derived_ci if derived else res.ci).get(name, [np.nan, np.nan])
        out.append(
            {
                **asdict(spec),
                "quantity": q,
                "value": value,
                "lo": ci[0],
                "hi": ci[1],
                "converged": bool(res.diagnostics.get("converged", False)),
                "n_points": res.n_points,
                "replicates": boot.get("replicates", 0),
                "failed_replicates": sum(
                    boot.get(k, 0) for k in ("not_converged", "non_finite", "at_bound")
                ),
                "status": "ok",
            }
        )
    return out


def spec_curve(
    runs: pd.DataFrame,
    *,
    specs: Sequence[Spec] | None = None,
    d_from_c: bool = False,
    bootstrap: int = 100,
    seed: int = 0,
    level: float = 0.95,
    source: str = "table",
    law: Law | None = None,
    subsets: Mapping[str, RowFilter] | None = None,
    force: bool = False,
) -> pd.DataFrame:
    """Refit under every specification; one row per specification x quantity.

    Parameters
    ----------
    runs : DataFrame
        A validated runs table (:func:`scalewall.data.load_runs`), optionally with the columns
        ``N_nonembedding`` (non-embedding parameters) and ``hparam`` (the swept hyperparameter).
    specs : sequence of Spec, optional
        Default: :func:`all_specs` of the table.
    d_from_c : bool
        The table's D was derived from C as C / (6N); the FLOP choice then rederives it.
    bootstrap, seed, level
        Bootstrap refits per specification (0: no intervals), their seed and the interval level.
    law : Law, optional
        The form each specification refits (default Chinchilla's); a specification's ``law`` is
        its name, or its name with ``-tied`` (:func:`law_for`).
    subsets : mapping, optional
        Named row filters offered as further ``subset`` options (:func:`table_for`).
    force : bool
        Fit even where the data cannot identify the exponents (the fit's warnings say so), as
        the fit being checked did; otherwise such a specification is a row with its reason.

    Returns
    -------
    DataFrame
        Columns: the :class:`Spec` fields, ``quantity`` (a key of :data:`QUANTITIES`), ``value``,
        ``lo``, ``hi`` (bootstrap percentile interval; NaN without a bootstrap), ``converged``,
        ``n_points``, ``replicates``, ``failed_replicates`` (not converged or at a bound) and
        ``status`` (``ok``, or why the specification could not be fitted).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> N = np.repeat([1e8, 3e8, 1e9, 3e9, 1e10], 5); D = np.tile([2e9, 6e9, 2e10, 6e10, 2e11], 5)
    >>> df = pd.DataFrame({"N": N, "D": D, "loss": 1.8 + 400 * N**-0.34 + 2000 * D**-0.37})
    >>> t = spec_curve(df, specs=[Spec(), Spec(objective="mse")], bootstrap=0)
    >>> t[t["quantity"] == "alpha"]["value"].round(3).tolist()
    [0.34, 0.34]
    """
    todo = list(specs) if specs is not None else all_specs(runs, d_from_c=d_from_c)
    far = 10.0 * float((runs["C"] if "C" in runs else 6.0 * runs["N"] * runs["D"]).max())
    rows: list[dict[str, object]] = []
    for spec in todo:
        df, k = table_for(runs, spec, d_from_c=d_from_c, law=law, subsets=subsets)
        try:
            res = fit(
                df,
                law_for(spec, law),
                spec.objective,
                bootstrap=bootstrap,
                seed=seed,
                level=level,
                flop_factor=k,
                budgets=np.array([far]),
                source=source,
                select="all",  # table_for already applied this specification's selection
                pool=True,  # one law per specification; groups are a choice of their own
                force=force,
            )
        except (InputError, ScalewallError) as exc:
            rows += [
                {
                    **asdict(spec),
                    "quantity": q,
                    "converged": False,
                    "n_points": len(df),
                    "status": str(exc),
                }
                for q in QUANTITIES
            ]
            continue
        rows += _rows(spec, res, far)
    out = pd.DataFrame(rows).reindex(
        columns=[
            *SPEC_FIELDS,
            "quantity",
            "value",
            "lo",
            "hi",
            "converged",
            "n_points",
            "replicates",
            "failed_replicates",
            "status",
        ]
    )
    return out


def spread(table: pd.DataFrame, reference: Spec | None = None) -> pd.DataFrame:
    """Per quantity: the reference value, min / median / max over fitted specifications, and the
    choice whose options move the median most (with that shift).

    The reference is ``reference`` (default :class:`Spec`), with the table's first option for a
    choice whose default it does not offer (``best`` selection on a learning-rate sweep).
    """
    ok = table[table["status"] == "ok"]
    ref = asdict(reference or Spec())
    rows = []
    for q, g in ok.groupby("quantity", sort=False):
        mask = np.ones(len(g), dtype=bool)
        for f in SPEC_FIELDS:
            mask &= (g[f] == (ref[f] if ref[f] in set(g[f]) else g[f].iloc[0])).to_numpy()
        ref_rows = g[mask]
        shifts = {
            f: float(np.ptp(g.groupby(f)["value"].median().to_numpy()))
            for f in SPEC_FIELDS
            if g[f].nunique() > 1
        }
        top = max(shifts, key=lambda f: shifts[f]) if shifts else ""
        rows.append(
            {
                "quantity": q,
                "specs": len(g),
                "reference": float(ref_rows["value"].iloc[0]) if len(ref_rows) == 1 else np.nan,
                "min": float(g["value"].min()),
                "median": float(g["value"].median()),
                "max": float(g["value"].max()),
                "moved_most_by": top,
                "shift_of_medians": shifts.get(top, 0.0),
            }
        )
    return pd.DataFrame(rows)


def payload(
    table: pd.DataFrame, *, source: str, n_runs: int, replicates: int, seed: int, level: float
) -> dict[str, object]:
    """The JSON document of a curve (schema in the README, 'scalewall robustness')."""
    return {
        "schema_version": SCHEMA_VERSION,
        "source": source,
        "n_runs": n_runs,
        "level": level,
        "interval": INTERVAL,
        "replicates": replicates,
        "seed": seed,
        "quantities": QUANTITIES,
        "summary": _records(spread(table)),
        "rows": _records(table),
    }


def _records(df: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as plain JSON values: a missing number (no interval, a failed fit) becomes None."""
    clean = df.astype(object).where(df.notna(), None)
    return [{str(k): v for k, v in r.items()} for r in clean.to_dict("records")]


__all__ = [
    "QUANTITIES",
    "Spec",
    "all_specs",
    "choices",
    "law_for",
    "load_for_curve",
    "param_column",
    "payload",
    "spec_curve",
    "spread",
    "table_for",
]
