"""Epoch AI model tables as one tidy frame, with units made explicit and every drop counted.

The tables mix units (costs as ``$1,234.00`` strings in 2020 USD in the 2024 snapshot, plain
floats in 2023 USD in 2026; dataset sizes in each domain's own datapoints) and leave most cells
empty. :func:`load_models` maps them onto the columns of :data:`COLUMNS` and :func:`usable`
says, for one quantity, how many rows were used and why the others were not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from scalewall.data.registry import fetch
from scalewall.data.runs import read_table
from scalewall.errors import input_error

#: Tidy columns: name, decimal publication year, domain list, and the numeric quantities.
COLUMNS = (
    "model",
    "year",
    "domain",
    "compute",
    "cost",
    "cost_cloud",
    "cost_upfront",
    "dataset",
    "power",
    "params",
    "flag",
)
#: Epoch AI's other cost methods (Cottier et al. 2024, arXiv 2405.21015, Sec. 2): renting the
#: hardware in the cloud, and buying it up front; optional columns of the 2026 table.
COST_METHODS = {
    "cost": "amortized",
    "cost_cloud": "cloud rental",
    "cost_upfront": "hardware acquisition",
}

#: Quantities a trend can be fitted to (``cost_per_flop`` is ``cost / compute``).
QUANTITIES = ("compute", "cost", "dataset", "cost_per_flop", "power", "params")
UNITS = {
    "compute": "FLOP",
    "cost": "2023 USD (amortized hardware + energy)",
    "dataset": "datapoints (tokens for language models)",
    "cost_per_flop": "2023 USD per FLOP",
    "power": "W",
    "params": "parameters",
}

#: Source columns per schema; the first name found is used. ``None`` marks an optional quantity.
_SCHEMA: dict[str, tuple[str, ...]] = {
    "model": ("Model", "System"),
    "year": ("Publication date",),
    "domain": ("Domain",),
    "compute": ("Training compute (FLOP)",),
    "cost": ("Training compute cost (2023 USD)", "Training compute cost (2020 USD)"),
    "cost_cloud": ("Training compute cost (cloud)",),
    "cost_upfront": ("Training compute cost (upfront)",),
    "dataset": ("Training dataset size (total)", "Training dataset size (datapoints)"),
    "power": ("Training power draw (W)",),
    "params": ("Parameters",),
    "flag": ("Frontier model",),
}
REQUIRED = ("model", "year", "compute")
PRICE_INDEX = "fred-cloud-price-index"
#: Epoch's cost tables are in 2023 USD (Cottier et al. 2024, arXiv 2405.21015, Sec. 2.4), deflated
#: with FRED PCU518210518210; 2020 USD are converted with the same series' annual means.
COST_YEAR = 2023


@dataclass
class ModelTable:
    """Tidy model table: ``frame`` has :data:`COLUMNS`; ``notes`` records unit conversions."""

    source: str
    frame: pd.DataFrame
    dropped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def numbers(s: pd.Series) -> pd.Series:
    """Cells such as ``$1,620,000.00``, ``3.8e25`` or ``''`` as floats (NaN when unparseable)."""
    text = s.astype("string").str.replace(r"[$,\s]", "", regex=True)
    return pd.to_numeric(text, errors="coerce").astype(float)


def decimal_year(s: pd.Series) -> pd.Series:
    """ISO dates as decimal years (2025-07-09 -> 2025.52); NaN when unparseable."""
    d = pd.to_datetime(s, errors="coerce")
    return (d.dt.year + (d.dt.day_of_year - 1) / 365.25).astype(float)


def deflator(from_year: int, to_year: int = COST_YEAR) -> float:
    """Ratio of FRED PCU518210518210 annual means, ``to_year / from_year``."""
    idx = read_table(fetch(PRICE_INDEX))
    date, value = idx.columns[0], idx.columns[1]
    yearly = numbers(idx[value]).groupby(pd.to_datetime(idx[date]).dt.year).mean()
    return float(yearly[to_year] / yearly[from_year])


def _pick(raw: pd.DataFrame, key: str) -> str | None:
    return next((c for c in _SCHEMA[key] if c in raw.columns), None)


def load_models(source: str | Path) -> ModelTable:
    """Read an Epoch model table (a registry name or a CSV) into a :class:`ModelTable`.

    Rows without a parseable publication date are dropped and counted; numbers are parsed
    column by column (non-numeric cells become missing); costs in 2020 USD are converted to
    2023 USD. A table without a model name, publication date or compute column raises
    :class:`InputError` naming the column.
    """
    name = str(source)
    path = Path(source) if Path(source).suffix else fetch(name)
    raw = read_table(path)
    cols = {k: _pick(raw, k) for k in _SCHEMA}
    for k in REQUIRED:
        if cols[k] is None:
            raise input_error(
                f"the table has no column '{_SCHEMA[k][0]}'",
                source=name,
                fix="give an Epoch AI model table (scalewall data list: epoch-notable-models)",
            )
    frame = pd.DataFrame(
        {
            "model": raw[cols["model"]].astype("string").str.strip(),
            "year": decimal_year(raw[cols["year"]]),
        }
    )
    dom = cols["domain"]
    frame["domain"] = raw[dom].astype("string").fillna("") if dom else ""
    notes: list[str] = []
    for k in ("compute", "cost", "dataset", "power", "params"):
        c = cols[k]
        frame[k] = numbers(raw[c]) if c else np.nan
        if c is None:
            notes.append(f"no {k} column: {k} trends unavailable")
    for k in ("cost_cloud", "cost_upfront"):
        c = cols[k]
        frame[k] = numbers(raw[c]) if c else np.nan
    if cols["cost"] and "2020 USD" in str(cols["cost"]):
        f = deflator(2020)
        frame["cost"] *= f
        notes.append(f"costs converted from 2020 to 2023 USD (x{f:.4f}, FRED PCU518210518210)")
    flag = cols["flag"]
    frame["flag"] = (
        raw[flag].astype("string").str.lower().eq("true").fillna(False) if flag else False
    )
    bad_date = frame["year"].isna()
    table = ModelTable(name, frame[~bad_date].reset_index(drop=True), notes=notes)
    table.dropped["no parseable publication date"] = int(bad_date.sum())
    table.frame.attrs["has_flag"] = flag is not None
    return table


def values(frame: pd.DataFrame, quantity: str) -> pd.Series:
    """The column of ``quantity``; ``cost_per_flop`` is computed from cost and compute."""
    if quantity == "cost_per_flop":
        return frame["cost"] / frame["compute"]
    if quantity not in QUANTITIES:
        raise input_error(f"unknown quantity '{quantity}'; use one of {', '.join(QUANTITIES)}")
    return frame[quantity]


def usable(
    frame: pd.DataFrame,
    quantity: str,
    start: float,
    end: float,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Rows in ``[start, end)`` with a finite positive ``quantity``, and why the others went.

    Returns the rows (with a ``value`` column) and ``{reason: count}`` over the rows given.
    """
    v = values(frame, quantity)
    in_window = frame["year"].between(start, end, inclusive="left")
    missing = v.isna()
    nonpos = ~missing & ~(v > 0)
    keep = in_window & ~missing & ~nonpos
    drops = {
        "outside the date window": int((~in_window).sum()),
        f"no {quantity} value": int((in_window & missing).sum()),
        f"{quantity} not > 0": int((in_window & nonpos).sum()),
    }
    return frame[keep].assign(value=v[keep]), drops


def in_domain(frame: pd.DataFrame, domain: str | None) -> pd.DataFrame:
    """Rows whose comma-separated domain list contains ``domain`` (case-insensitive)."""
    if not domain:
        return frame
    doms = frame["domain"].astype("string").str.lower().str.split(",")
    hit = doms.apply(lambda d: isinstance(d, list) and domain.lower() in [x.strip() for x in d])
    return frame[hit.astype(bool)]


def dataset_sizes(source: str = "epoch-dataset-sizes-2023") -> pd.DataFrame:
    """Villalobos et al. 2024's language-model dataset sizes, in tokens (``year``, ``tokens``).

    The authors' code multiplies the column by 0.8 'to convert to tokens' (epoch-research/
    data-stock @ 83da8ed, src/dataset_size_projections.py).
    """
    raw = read_table(fetch(source))
    for c in ("date", "dataset"):
        if c not in raw.columns:
            raise input_error(f"the table has no column '{c}'", source=source)
    df = pd.DataFrame({"year": decimal_year(raw["date"]), "tokens": 0.8 * numbers(raw["dataset"])})
    return df[df["year"].notna() & (df["tokens"] > 0)].reset_index(drop=True)


#: Chip table columns kept for hardware price-performance (claim 6).
CHIP_COLUMNS = {
    "name": "Hardware name",
    "type": "Type",
    "ml": "ML hardware",
    "year": "Release date",
    "price": "Release price (USD)",
    "fp32": "FP32 (single precision) performance (FLOP/s)",
    "tensor16": "Tensor-FP16/BF16 performance (FLOP/s)",
}


def load_chips(source: str = "epoch-chip-specs-2025") -> pd.DataFrame:
    """Epoch AI's chip table as ``name, type, ml, year, price, fp32, tensor16`` (release price in
    nominal USD, peak FLOP/s), rows with a release date and a positive release price only."""
    raw = read_table(fetch(source))
    for c in CHIP_COLUMNS.values():
        if c not in raw.columns:
            raise input_error(f"the table has no column '{c}'", source=source)
    df = pd.DataFrame(
        {
            "name": raw[CHIP_COLUMNS["name"]].astype("string"),
            "type": raw[CHIP_COLUMNS["type"]].astype("string"),
            "ml": raw[CHIP_COLUMNS["ml"]].astype("string").eq("checked").fillna(False),
            "year": decimal_year(raw[CHIP_COLUMNS["year"]]),
            **{k: numbers(raw[CHIP_COLUMNS[k]]) for k in ("price", "fp32", "tensor16")},
        }
    )
    return df[df["year"].notna() & (df["price"] > 0)].reset_index(drop=True)
