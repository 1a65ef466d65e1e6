"""Scenario presets: cited priors for every input of the wall Monte Carlo, read from TOML.

A scenario file has the sections of :data:`SCHEMA`. Each parameter is a table with a ``cite``
string and either ``value`` (fixed) or ``lo``/``hi`` (a lognormal with that central interval,
``level`` 0.9 unless given; ``subtract_from = K`` draws ``K - X`` instead, as Villalobos et al.
do for bytes per token, clipped below at ``min``). ``[[correlations]]`` entries ``{a, b, rho}`` couple the normal scores of
two uncertain parameters (a Gaussian copula). Copy a preset (``scalewall forecast
--write-preset epoch-2024 my.toml``), edit it and pass ``--scenario my.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import norm

from scalewall.errors import InputError, input_error
from scalewall.validate import did_you_mean, parse_toml, read_text

Array = NDArray[np.float64]
PRESETS = ("epoch-2024", "aggressive", "conservative")
#: Years a forecast may cover: after the data (2010s) and before the priors mean nothing.
YEAR_RANGE = (2015, 2100)

#: Section -> parameter -> (unit, whether it may exceed 1 only if False means a fraction).
SCHEMA: dict[str, dict[str, str]] = {
    "data": {
        "stock_year": "year the stock priors refer to",
        "pages": "unique indexed web pages",
        "bytes_per_page": "bytes of text per page",
        "bytes_per_token": "bytes per token",
        "page_growth": "yearly growth factor of the page count",
        "page_size_growth": "yearly growth factor of bytes per page",
        "quality_fraction": "share of tokens usable after quality filtering",
        "repetition_multiplier": "effective tokens per unique token (repetition = 'multiplier')",
        "epochs": "passes over the unique data (repetition = 'epochs')",
        "max_epochs": "largest number of epochs allowed",
        "R_D_star": "decay constant of repeated data (data-constrained law)",
        "synthetic_share": "share of each training set that is synthetic",
        "collapse_penalty": "share of a synthetic token's worth lost to model collapse",
    },
    "demand": {
        "historical_weight": "share of draws on the historical dataset-size projection",
        "dataset_year": "year of the largest-dataset prior",
        "largest_dataset": "largest training set in dataset_year (tokens)",
        "dataset_growth": "yearly growth factor of the largest training set",
        "tokens_per_param": "compute-optimal tokens per parameter",
        "overtraining": "multiple of the compute-optimal tokens per parameter",
    },
    "compute": {
        "start_year": "year of the starting run",
        "start_flop": "largest training run in start_year (FLOP)",
        "growth": "yearly growth factor of the largest run",
    },
    "cost": {
        "cost_per_flop": "amortized USD per FLOP in compute.start_year",
        "cost_per_flop_change": "yearly factor of USD per FLOP",
        "capex": "one hyperscaler's yearly capex in compute.start_year (USD)",
        "capex_growth": "yearly growth factor of that capex",
        "capex_share": "share of that capex one run may cost",
        "gdp": "world GDP in compute.start_year (USD)",
        "gdp_growth": "yearly growth factor of world GDP",
        "gdp_share": "share of world GDP one run may cost",
        "aum": "global assets under management (USD)",
        "aum_share": "share of global AUM one run may cost",
    },
    "power": {
        "reference_year": "year of the available-power prior",
        "available_watts": "power one training run can get in reference_year (W)",
        "available_growth": "yearly growth factor of that power",
        "flop_per_joule": "realised training FLOP per joule (all-in) in compute.start_year",
        "flop_per_joule_growth": "yearly growth factor of FLOP per joule",
        "run_days": "length of the largest training run (days)",
    },
    "chips": {
        "reference_year": "year of the chip-stock prior",
        "h100e_stock": "installed H100-equivalents in reference_year",
        "stock_growth": "yearly growth factor of the H100e stock",
        "run_share": "share of the stock one run can use",
        "chip_flops": "peak dense BF16 FLOP/s of one H100",
        "mfu": "model FLOP utilisation",
    },
    "latency": {"max_flop": "largest run latency allows (FLOP)"},
}
SETTINGS = {
    "meta": {"name", "description"},
    "years": {"start", "end"},
    "data": {"repetition"},
    "cost": {"cap"},
}
REPETITION = ("multiplier", "epochs")
CAPS = ("capex", "gdp", "aum")
_PARAM_KEYS = {"value", "lo", "hi", "level", "subtract_from", "min", "cite"}


@dataclass(frozen=True)
class Param:
    """One input: fixed ``value``, or lognormal with central ``level`` interval ``[lo, hi]``."""

    key: str
    cite: str
    value: float | None = None
    lo: float | None = None
    hi: float | None = None
    level: float = 0.9
    subtract_from: float | None = None
    min: float | None = None

    @property
    def uncertain(self) -> bool:
        return self.value is None

    def lognormal(self) -> tuple[float, float]:
        """``(mu, sigma)`` of the log, from the interval."""
        assert self.lo is not None and self.hi is not None
        z = float(norm.ppf(0.5 + self.level / 2))
        return 0.5 * (np.log(self.lo) + np.log(self.hi)), (np.log(self.hi) - np.log(self.lo)) / (
            2 * z
        )

    def from_scores(self, z: Array) -> Array:
        """Draws from standard-normal scores ``z``."""
        if self.value is not None:
            return np.full(z.shape, self.value)
        mu, s = self.lognormal()
        x: Array = np.exp(mu + s * z)
        if self.subtract_from is not None:
            x = self.subtract_from - x
        return np.maximum(x, self.min) if self.min is not None else x

    def median(self) -> float:
        return float(self.from_scores(np.zeros(1))[0])


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: settings, parameters by ``section.key`` and correlations."""

    name: str
    description: str
    start: int
    end: int
    repetition: str
    cap: str
    params: Mapping[str, Param]
    correlations: tuple[tuple[str, str, float], ...] = ()
    source: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Param:
        return self.params[key]

    @property
    def years(self) -> Array:
        return np.arange(self.start, self.end + 1, dtype=float)

    def with_values(self, **values: float) -> Scenario:
        """A copy with some parameters fixed, e.g. ``with_values(**{"demand.overtraining": 5})``."""
        params = dict(self.params)
        for k, v in values.items():
            if k not in params:
                raise input_error("unknown scenario parameter", source=self.source, got=k)
            params[k] = Param(k, f"set to {v:g} by the caller", value=float(v))
        return Scenario(**{**self.__dict__, "params": params})


def _err(source: str, key: str, msg: str, got: object = None) -> InputError:
    """A scenario file's error, located by its key (``data.growth.lo``)."""
    return input_error(msg, source=f"{source}: key '{key}'", got=got)


def _param(source: str, key: str, spec: Any) -> Param:
    if not isinstance(spec, dict):
        raise _err(source, key, "must be a table such as {lo = 1, hi = 2, cite = '...'}")
    unknown = set(spec) - _PARAM_KEYS
    if unknown:
        raise _err(source, key, f"unknown field '{sorted(unknown)[0]}'; use {sorted(_PARAM_KEYS)}")
    cite = spec.get("cite")
    if not isinstance(cite, str) or not cite.strip():
        raise _err(source, key, "needs a 'cite' string saying where the number comes from")
    nums = {k: spec[k] for k in ("value", "lo", "hi", "level", "subtract_from", "min") if k in spec}
    for k, v in nums.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or not np.isfinite(v):
            raise _err(source, f"{key}.{k}", "must be a finite number", got=v)
    if "value" in nums:
        if {"lo", "hi"} & set(nums):
            raise _err(source, key, "give either value or lo/hi, not both")
        if nums["value"] < 0:
            raise _err(source, key, "must be >= 0", got=nums["value"])
        return Param(key, cite, value=float(nums["value"]))
    if "lo" not in nums or "hi" not in nums:
        raise _err(source, key, "needs value, or both lo and hi")
    lo, hi, level = float(nums["lo"]), float(nums["hi"]), float(nums.get("level", 0.9))
    if lo <= 0:
        raise _err(source, key, "lo must be > 0 (lognormal)", got=lo)
    if hi <= lo:
        raise _err(source, key, f"interval is inverted or empty: lo {lo} >= hi {hi}")
    if not 0 < level < 1:
        raise _err(source, key, "level must be in (0, 1)", got=level)
    sub = nums.get("subtract_from")
    if sub is not None and hi >= sub:
        raise _err(source, key, f"hi {hi} must be below subtract_from {sub}")
    low = nums.get("min")
    if sub is not None and (low is None or low <= 0):
        raise _err(source, key, "subtract_from needs a 'min' > 0 to keep draws positive")
    return Param(key, cite, lo=lo, hi=hi, level=level, subtract_from=sub, min=low)


def _fractions(source: str, params: Mapping[str, Param]) -> None:
    for key in (
        "data.quality_fraction",
        "data.synthetic_share",
        "data.collapse_penalty",
        "cost.capex_share",
        "cost.gdp_share",
        "cost.aum_share",
        "chips.run_share",
        "chips.mfu",
        "demand.historical_weight",
    ):
        p = params[key]
        top = p.value if p.value is not None else p.hi
        if top is not None and top > 1:
            raise _err(source, key, "is a share and must be <= 1", got=top)
    if params["data.synthetic_share"].median() >= 1:
        raise _err(source, "data.synthetic_share", "must be below 1")


def parse(doc: Mapping[str, Any], source: str = "scenario") -> Scenario:
    """Validate a scenario document (the parsed TOML); every error names its key."""
    allowed = set(SCHEMA) | set(SETTINGS) | {"correlations"}
    for sec in doc:
        if sec not in allowed:
            raise _err(source, sec, f"unknown section; use {', '.join(sorted(allowed))}")
    params: dict[str, Param] = {}
    for sec, keys in SCHEMA.items():
        body = doc.get(sec)
        if not isinstance(body, dict):
            raise _err(source, sec, "missing section")
        for k in body:
            if k not in keys and k not in SETTINGS.get(sec, set()):
                raise _err(source, f"{sec}.{k}", "unknown key")
        for k in keys:
            if k not in body:
                raise _err(source, f"{sec}.{k}", "missing")
            params[f"{sec}.{k}"] = _param(source, f"{sec}.{k}", body[k])
    _fractions(source, params)
    years = doc.get("years", {})
    for k in years:
        if k not in SETTINGS["years"]:
            raise _err(source, f"years.{k}", "unknown key")
    start, end = years.get("start", 2025), years.get("end", 2040)
    for k, v in (("start", start), ("end", end)):
        if not isinstance(v, int) or not YEAR_RANGE[0] <= v <= YEAR_RANGE[1]:
            raise _err(source, f"years.{k}", f"must be a year in {YEAR_RANGE}", got=v)
    if end <= start:
        raise _err(source, "years.end", f"must be after years.start {start}", got=end)
    for k in (
        "data.stock_year",
        "demand.dataset_year",
        "compute.start_year",
        "power.reference_year",
        "chips.reference_year",
    ):
        v = params[k]
        if v.value is None or not YEAR_RANGE[0] <= v.value <= YEAR_RANGE[1]:
            raise _err(source, k, f"must be a fixed year in {YEAR_RANGE}")
    meta = doc.get("meta", {})
    for k in meta:
        if k not in SETTINGS["meta"]:
            raise _err(source, f"meta.{k}", "unknown key")
    rep = doc["data"].get("repetition", "epochs")
    if rep not in REPETITION:
        raise _err(source, "data.repetition", f"use one of {REPETITION}", got=rep)
    cap = doc["cost"].get("cap", "capex")
    if cap not in CAPS:
        raise _err(source, "cost.cap", f"use one of {CAPS}", got=cap)
    corr = []
    for i, c in enumerate(doc.get("correlations", [])):
        key = f"correlations[{i}]"
        if not isinstance(c, dict) or set(c) - {"a", "b", "rho", "cite"}:
            raise _err(source, key, "must be a table {a, b, rho, cite}")
        a, b, rho = c.get("a"), c.get("b"), c.get("rho")
        for name in (a, b):
            if name not in params or not params[name].uncertain:
                raise _err(source, key, f"'{name}' is not an uncertain parameter")
        if not isinstance(rho, int | float) or not -1 < rho < 1:
            raise _err(source, f"{key}.rho", "must be in (-1, 1)", got=rho)
        corr.append((str(a), str(b), float(rho)))
    return Scenario(
        name=str(meta.get("name", Path(source).stem)),
        description=str(meta.get("description", "")),
        start=start,
        end=end,
        repetition=rep,
        cap=cap,
        params=params,
        correlations=tuple(corr),
        source=source,
        raw=doc,
    )


def preset_text(name: str) -> str:
    """The TOML text of a built-in preset."""
    if name not in PRESETS:
        raise input_error(
            "unknown preset", got=name, fix=f"use one of {', '.join(PRESETS)} or a .toml file"
        )
    return (resources.files("scalewall.forecast") / "presets" / f"{name}.toml").read_text("utf-8")


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A preset by name (``epoch-2024``, ``aggressive``, ``conservative``) or a TOML file."""
    s = str(name_or_path)
    if s in PRESETS:
        text, source = preset_text(s), f"preset {s}"
    else:
        p = Path(s)
        if not p.is_file():
            hint = did_you_mean(s, PRESETS)
            fix = f"{hint} " if hint else ""
            raise input_error(
                "not a preset nor a TOML file",
                source=s,
                fix=f"{fix}presets: {', '.join(PRESETS)}",
            )
        text, source = read_text(p), s
    return parse(parse_toml(text, source), source)


def correlation_matrix(scenario: Scenario) -> tuple[list[str], Array]:
    """Uncertain parameter names and the correlation matrix of their normal scores."""
    names = [k for k, p in scenario.params.items() if p.uncertain]
    pos = {k: i for i, k in enumerate(names)}
    R = np.eye(len(names))
    for a, b, rho in scenario.correlations:
        R[pos[a], pos[b]] = R[pos[b], pos[a]] = rho
    return names, R


def draw(scenario: Scenario, n: int, rng: np.random.Generator) -> dict[str, Array]:
    """``n`` joint draws of every parameter (fixed ones repeated), by ``section.key``."""
    names, R = correlation_matrix(scenario)
    try:
        L = np.linalg.cholesky(R)
    except np.linalg.LinAlgError:
        raise input_error(
            "the matrix is not positive definite",
            source=f"{scenario.source}: correlations",
            fix="lower some rho",
        ) from None
    z = rng.standard_normal((n, len(names))) @ L.T
    out = {k: scenario.params[k].from_scores(z[:, i]) for i, k in enumerate(names)}
    for k, p in scenario.params.items():
        if not p.uncertain:
            out[k] = np.full(n, float(p.value))  # type: ignore[arg-type]
    return out
