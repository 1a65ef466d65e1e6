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
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullFormatter
from matplotlib.transforms import Bbox
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

#: ``build(section_folder) -> (figure, title, caption)``, or None when the folder holds nothing
#: for this figure to draw (an optional result, such as a designed ladder's specification curve).
FigureBuilder = Callable[[Path], tuple[Figure, str, str] | None]

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
    "axes.formatter.useoffset": False,  # years read 2030, never 30 with an offset of +2e3
    "legend.loc": "best",  # the least crowded corner; figures with many series place it outside
    "svg.hashsalt": "scalewall",  # stable element ids: the same results give the same SVG
    "svg.fonttype": "path",  # glyphs as paths: the SVG renders the same without the fonts
}
DPI = 150


def year_ticks(axis: Any, whole: bool = True) -> None:
    """An axis of calendar years: at most five ticks, printed as 2030 (never 2,030 or an offset).

    ``whole`` puts ticks on whole years; without it half years may show (2027.5), for medians.
    """
    axis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=whole))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))


def plain_log_ticks(axis: Any, ticks: list[float]) -> None:
    """Log axis labelled with plain numbers (20, 50) instead of 2 x 10^1."""
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


#: Bands (intervals) are drawn under every curve and point, and never more opaque than this.
BAND_ALPHA = 0.3


def tidy(fig: Figure) -> None:
    """Make every figure readable the same way: bands never hide curves, legends never hide data.

    Interval bands go under lines and points (zorder) with at most :data:`BAND_ALPHA`. A legend
    that covers a curve, a point or a band where it was placed (``loc="best"`` included) moves
    outside the axes, to the right; figure-level legends are already outside. Background
    shading drawn at ``zorder <= 0`` (an "extrapolation" span) is not data and may sit under it.
    """
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)  # a renderer to measure with; saving still writes any format
    for ax in fig.axes:
        for coll in ax.collections:
            if isinstance(coll, PolyCollection):
                coll.set_zorder(min(coll.get_zorder(), 1.0))
                alpha = coll.get_alpha()
                coll.set_alpha(BAND_ALPHA if alpha is None else min(alpha, BAND_ALPHA))
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is not None and covers_data(ax, leg.get_window_extent(renderer)):
            pairs = [
                (h, t.get_text())
                for h, t in zip(leg.legend_handles, leg.get_texts(), strict=True)
                if h is not None
            ]
            title = leg.get_title().get_text() or None
            leg.remove()
            ax.legend(
                handles=[h for h, _ in pairs],
                labels=[label for _, label in pairs],
                title=title,
                loc="upper left",
                bbox_to_anchor=(1.02, 1.0),
                borderaxespad=0.0,
            )
            if not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
                fig.set_layout_engine("none")  # after tight_layout(): make room for the legend
                fig.set_layout_engine("constrained")


def covers_data(ax: Any, box: Bbox) -> bool:
    """Whether the display box ``box`` overlaps a line, a marker or a band drawn on ``ax``."""
    for line in ax.get_lines():
        xy = line.get_transform().transform(line.get_xydata())
        if _inside(box, xy).any():
            return True
        if line.get_linestyle() not in ("None", "none", "", " "):
            path = line.get_transform().transform_path(line.get_path())
            if path.intersects_bbox(box, filled=False):
                return True
    renderer = ax.figure.canvas.get_renderer()
    for patch in ax.patches:  # bars, and spans drawn as data
        if patch.get_zorder() > 0 and patch.get_window_extent(renderer).overlaps(box):
            return True
    for coll in ax.collections:
        offsets = coll.get_offsets()
        if len(offsets) and _inside(box, coll.get_offset_transform().transform(offsets)).any():
            return True
        if isinstance(coll, PolyCollection | LineCollection):
            filled = isinstance(coll, PolyCollection)
            for path in coll.get_paths():
                shown = coll.get_transform().transform_path(path)
                if shown.intersects_bbox(box, filled=filled):
                    return True
    return False


def _inside(box: Bbox, xy: np.ndarray) -> np.ndarray:
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    return (xy[:, 0] >= box.x0) & (xy[:, 0] <= box.x1) & (xy[:, 1] >= box.y0) & (xy[:, 1] <= box.y1)


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
    missing is skipped, and so is a builder that returns None.
    """
    root = Path(results_dir)
    out: list[FigureFile] = []
    with mpl.rc_context(STYLE):
        for section, builders in groups:
            if not (root / section).is_dir():
                continue
            for name, build in builders.items():
                built = build(root / section)
                if built is None:
                    continue
                fig, title, caption = built
                tidy(fig)
                svg, png = root / "figures" / f"{name}.svg", root / "figures" / f"{name}.png"
                _save(fig, svg, "svg")
                _save(fig, png, "png")
                out.append(FigureFile(name, title, caption, svg, png))
    return out


__all__ = [
    "OKABE_ITO",
    "REFERENCE",
    "STYLE",
    "FigureBuilder",
    "covers_data",
    "make_figures",
    "plain_log_ticks",
    "tidy",
    "year_ticks",
]
