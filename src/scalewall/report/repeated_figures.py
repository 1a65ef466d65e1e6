"""Figure of the 'Repeated data' part, drawn from ``repeated_data/`` (see :mod:`.figures`)."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from scalewall.report.common import read_csv, read_json
from scalewall.report.figures import OKABE_ITO, REFERENCE, FigureBuilder, plain_log_ticks

OURS, PUBLISHED = OKABE_ITO[0], OKABE_ITO[1]


def effective_data(folder: Path) -> tuple[Figure, str, str]:
    """Effective unique data against epochs: ours with its band, the published curve, fresh data."""
    t = read_csv(folder / "effective_data.csv")
    s = read_json(folder / "summary.json")
    pub = s["published"]
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(t["epochs"], t["fresh"], color=REFERENCE, lw=1, ls=":", label="fresh data (D' = D)")
    lvl = round(100 * s["level"])
    ax.fill_between(
        t["epochs"],
        t["multiple_lo"],
        t["multiple_hi"],
        color=OURS,
        alpha=0.2,
        lw=0,
        label=f"{lvl}% bootstrap band ({s['replicates']} refits)",
    )
    ax.plot(
        t["epochs"],
        t["multiple"],
        color=OURS,
        lw=1.8,
        label=f"refit on the 182 runs: R_D* = {s['R_D_star']:.1f}",
    )
    ax.plot(
        t["epochs"],
        t["published"],
        color=PUBLISHED,
        lw=1.6,
        ls="--",
        label=f"Muennighoff et al. 2023: R_D* = {pub['R_D_star']:.2f}",
    )
    for e, row in s["epochs"].items():
        ax.scatter([float(e)], [row["published_multiple"]], color=PUBLISHED, s=16, zorder=3)
    ax.set_xscale("log")
    ax.set_yscale("log")
    plain_log_ticks(ax.xaxis, [1, 2, 4, 16, 64, 256, 1000])
    plain_log_ticks(ax.yaxis, [1, 2, 4, 8, 16, 32, 64, 128, 256, 1000])
    ax.set_xlabel("epochs over the unique data (D / U)")
    ax.set_ylabel("effective data D' / U (multiples of the unique data)")
    ax.legend(loc="upper left")
    title = "What repeated epochs are worth: effective data against epochs"
    caption = (
        "Effective data D' = U(1 + R_D*(1 - exp(-(epochs - 1)/R_D*))) in units of the unique "
        "data U. Dotted: fresh data, worth one epoch each. Blue: our refit of R_D* on the "
        "authors' 182 runs with the base law pinned, with a percentile band over bootstrap "
        "refits; dashed: the published R_D* (datablations README), dots at 4, 16 and 64 epochs."
    )
    return fig, title, caption


BUILDERS: dict[str, FigureBuilder] = {"repeated_effective_data": effective_data}
