"""Drawing and saving the report's figures, for every part of the report.

Every figure is built on a bare :class:`matplotlib.figure.Figure` (no pyplot, no global backend
state) from stored results only (never from live fit objects), and saved as SVG and PNG under
``results_dir/figures/``. Conventions: axes carry units, quantities that span decades are on log
scales, intervals are shaded bands (95 % percentile bootstrap unless a caption says otherwise),
and each fit, policy or model keeps one colour across all figures (the Okabe-Ito colour-blind-safe
set, :data:`OKABE_ITO`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter
from matplotlib.typing import RcKeyType

from scalewall.report.common import FigureFile
from scalewall.storage import write_atomic

#: Okabe & Ito 2008: eight colours told apart with every common colour-vision deficiency.
OKABE_ITO = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#E69F00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
#: Grey for reference lines and published values.
REFERENCE = "#444444"

#: ``build(section_folder) -> (figure, title, caption)``.
FigureBuilder = Callable[[Path], tuple[Figure, str, str]]

STYLE: dict[RcKeyType, Any] = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e6e6e6",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "svg.hashsalt": "scalewall",  # stable element ids: the same results give the same SVG
    "svg.fonttype": "path",  # glyphs as paths: the SVG renders the same without the fonts
}
DPI = 150


def plain_log_ticks(axis: Any, ticks: list[float]) -> None:
    """Log axis labelled with plain numbers (20, 50) instead of 2 x 10^1."""
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def _save(fig: Figure, path: Path, fmt: str) -> None:
    buf = io.BytesIO()
    meta = {"Date": None} if fmt == "svg" else {"Software": None}
    fig.savefig(buf, format=fmt, dpi=DPI, metadata=meta)
    write_atomic(path, buf.getvalue())


def make_figures(
    results_dir: str | Path, groups: Sequence[tuple[str, Mapping[str, FigureBuilder]]]
) -> list[FigureFile]:
    """Draw each group's figures from its section folder; save them as SVG and PNG in ``figures/``.

    ``groups`` is a list of ``(section folder, {file stem: builder})``; a group whose folder is
    missing is skipped.
    """
    root = Path(results_dir)
    out: list[FigureFile] = []
    with mpl.rc_context(STYLE):
        for section, builders in groups:
            if not (root / section).is_dir():
                continue
            for name, build in builders.items():
                fig, title, caption = build(root / section)
                svg, png = root / "figures" / f"{name}.svg", root / "figures" / f"{name}.png"
                _save(fig, svg, "svg")
                _save(fig, png, "png")
                out.append(FigureFile(name, title, caption, svg, png))
    return out


__all__ = ["OKABE_ITO", "REFERENCE", "STYLE", "FigureBuilder", "make_figures", "plain_log_ticks"]
