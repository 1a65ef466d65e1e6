"""Pieces shared by every part of the report: reading stored results, numbers as text, HTML.

Numbers are shown with the digits their interval supports (:func:`fmt_num`); tables take cells
that are already HTML (:func:`table`); figures are inlined as SVG data URIs (:func:`figure_html`),
so the page makes no network request.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from scalewall.claims import command_for as first_command
from scalewall.errors import input_error
from scalewall.storage import read_json


@dataclass(frozen=True)
class FigureFile:
    """A saved figure: ``name`` (file stem), ``title``, ``caption`` and its two files."""

    name: str
    title: str
    caption: str
    svg: Path
    png: Path


# -- reading stored results ----------------------------------------------------------------------
def read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise input_error(
            "not found", source=str(path), fix="is this a folder written by 'scalewall demo'?"
        )
    return pd.read_csv(path)


# -- number formatting ---------------------------------------------------------------------------
def _decimals(v: float, lo: float | None, hi: float | None) -> int:
    """Decimals shown: two significant digits of the interval half-width, and at least three
    significant digits of the estimate (the digits follow the interval, not the float)."""
    ds = []
    if lo is not None and hi is not None and math.isfinite(lo) and math.isfinite(hi) and hi > lo:
        ds.append(1 - math.floor(math.log10((hi - lo) / 2)))
    if v != 0:
        ds.append(2 - math.floor(math.log10(abs(v))))
    return min(max(max(ds, default=3), 0), 8)


def _finite(v: Any) -> bool:
    return isinstance(v, int | float) and math.isfinite(v)


def fmt_num(v: float | None, lo: float | None = None, hi: float | None = None) -> tuple[str, str]:
    """HTML text of an estimate and of its interval ``[lo, hi]`` ('' without one).

    Large and small numbers share one power of ten: ``7.32 ×10<sup>10</sup>`` and
    ``[5.35, 11.51] ×10<sup>10</sup>``.
    """
    if v is None or not _finite(v):
        return ("unreachable" if v is not None and v > 0 else "n/a"), ""
    scale, suffix = 1.0, ""
    if v != 0 and (abs(v) >= 1e5 or abs(v) < 1e-3):
        e = math.floor(math.log10(abs(v)))
        scale, suffix = 10.0**e, f"\u00a0\u00d710<sup>{e}</sup>"  # no-break: one token
    s_lo = lo / scale if lo is not None and _finite(lo) else None
    s_hi = hi / scale if hi is not None and _finite(hi) else None
    d = _decimals(v / scale, s_lo, s_hi)
    est = f"{v / scale:,.{d}f}{suffix}"
    if lo is None and hi is None:
        return est, ""

    def bound(x: float | None, sx: float | None) -> str:
        if sx is not None:
            return f"{sx:,.{d}f}"
        return "\u221e" if x is not None and x > 0 else "n/a"

    return est, f"[{bound(lo, s_lo)}, {bound(hi, s_hi)}]{suffix}"


def fmt_cell(v: float | None, lo: float | None = None, hi: float | None = None) -> str:
    """Estimate and interval in one cell: ``1.817 [1.770, 1.870]``."""
    est, iv = fmt_num(v, lo, hi)
    return f"{est} <span class=iv>{iv}</span>" if iv else est


def fmt_year(v: float | None, lo: float | None = None, hi: float | None = None) -> str:
    """A year and its interval as ``2030.4 [2028.1, 2033.2]``, in a ``year`` span.

    Years are labels on a calendar, not quantities: no thousands separator (2,030 reads as a
    count) and one decimal, the resolution of the mid-year grid the forecasts are drawn on.
    """
    if v is None or not _finite(v):
        return "n/a"
    if lo is None or hi is None or not (_finite(lo) and _finite(hi)):
        return f"<span class=year>{v:.1f}</span>"
    return f"<span class=year>{v:.1f} <span class=iv>[{lo:.1f}, {hi:.1f}]</span></span>"


def exp10(c: float) -> str:
    e = round(math.log10(c))
    if abs(c / 10.0**e - 1) < 1e-9:
        return f"10<sup>{e}</sup>"
    return f"{c:.3g}"


# -- HTML pieces ---------------------------------------------------------------------------------
def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Sequence[bool] | None = None,
    table_id: str = "",
    caption: str = "",
    row_attrs: Sequence[str] | None = None,
    header_html: str = "",
) -> str:
    """A table whose cells are already HTML; numeric columns are right-aligned.

    The table sits in a ``scroll`` box: a table wider than the page column scrolls inside it
    instead of pushing past the column's edge.
    """
    num = list(numeric) if numeric is not None else [False] * len(headers)
    tid = f' id="{table_id}"' if table_id else ""
    parts = [f"<div class=scroll><table{tid}>"]
    if caption:
        parts.append(f"<caption>{caption}</caption>")
    head = (
        header_html
        or "<tr>"
        + "".join(
            f'<th{" class=num" if n else ""} scope="col">{h}</th>'
            for h, n in zip(headers, num, strict=True)
        )
        + "</tr>"
    )
    parts.append(f"<thead>{head}</thead><tbody>")
    for i, r in enumerate(rows):
        attrs = f" {row_attrs[i]}" if row_attrs else ""
        cells = "".join(
            f"<td{' class=num' if n else ''}>{c}</td>" for c, n in zip(r, num, strict=True)
        )
        parts.append(f"<tr{attrs}>{cells}</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)


def figure_html(f: FigureFile) -> str:
    data = base64.b64encode(f.svg.read_bytes()).decode("ascii")
    return (
        f'<figure id="fig-{f.name}"><img src="data:image/svg+xml;base64,{data}" '
        f'alt="{escape(f.title)}"><figcaption><b>{escape(f.title)}.</b> {escape(f.caption)} '
        f"Files: <code>figures/{f.name}.svg</code>, <code>figures/{f.name}.png</code>."
        "</figcaption></figure>"
    )


def cmd(command: str) -> str:
    """A shell command as inline code."""
    return f"<code class=cmd>{escape(command)}</code>"


__all__ = [
    "FigureFile",
    "cmd",
    "exp10",
    "figure_html",
    "first_command",
    "fmt_cell",
    "fmt_num",
    "fmt_year",
    "read_csv",
    "read_json",
    "table",
]
