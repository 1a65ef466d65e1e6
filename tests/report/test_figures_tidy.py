"""Figures read like a paper's: legends off the data, bands under curves, plain years, and a
fitted frontier outside its runs said out loud."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from scalewall.laws.envelope import frontier_outside_runs
from scalewall.report.figures import BAND_ALPHA, covers_data, tidy, year_ticks


def _legend_box(fig: Figure) -> Any:
    fig.draw_without_rendering()
    return fig.axes[0].get_legend().get_window_extent(fig.canvas.get_renderer())  # type: ignore[attr-defined]


def test_a_legend_on_the_data_moves_outside_and_bands_go_under() -> None:
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    x = np.linspace(0, 1, 50)
    ax.fill_between(x, x - 0.1, x + 0.1, alpha=0.8, zorder=5, label="band")
    ax.plot(x, x, label="curve")  # runs through the upper right corner
    ax.legend(loc="upper right")
    tidy(fig)
    band = ax.collections[0]
    assert band.get_alpha() == BAND_ALPHA and band.get_zorder() < ax.get_lines()[0].get_zorder()
    box = _legend_box(fig)
    assert not covers_data(ax, box)
    assert box.x0 >= ax.get_window_extent().x1  # to the right of the axes, inside the figure
    assert box.x1 <= fig.bbox.x1 + 1


def test_a_legend_clear_of_the_data_stays_put() -> None:
    fig = Figure(figsize=(4, 3), layout="constrained")
    ax = fig.add_subplot()
    x = np.linspace(0, 1, 50)
    ax.plot(x, x, label="curve")  # the upper left corner is empty
    ax.legend(loc="upper left")
    tidy(fig)
    box = _legend_box(fig)
    assert box.x1 < ax.get_window_extent().x1 and not covers_data(ax, box)


def test_year_axes_print_plain_years() -> None:
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([2024.3, 2040.7], [0, 1])
    year_ticks(ax.xaxis)
    fig.draw_without_rendering()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and all(len(s) == 4 and s.startswith("20") for s in labels), labels
    assert ax.xaxis.get_offset_text().get_text() == ""


@pytest.mark.parametrize("shift", [0.0, -0.3])
def test_frontier_outside_runs(shift: float) -> None:
    # runs of three sizes on L = 1.7 + 400/N^0.34 + 410/D^0.28 (Hoffmann et al. 2022's form),
    # the frontier evaluated from the same law at the runs' own sizes: inside; shifted down by
    # 0.3 nats and pushed 3 decades further in compute, it is reported as outside
    n = np.repeat([1e7, 3e7, 1e8], 4)
    d = np.tile([2e8, 6e8, 2e9, 6e9], 3)
    runs = pd.DataFrame({"N": n, "C": 6 * n * d, "loss": 1.7 + 400 / n**0.34 + 410 / d**0.28})
    grid = runs.sort_values("C").groupby("C", as_index=False)["loss"].min()
    frontier = pd.DataFrame(
        {
            "compute": grid["C"],
            "loss": grid["loss"] + shift,
            "loss_hi": grid["loss"] + shift + 0.01,
            "N_opt": 3e7,
        }
    )
    if shift:
        far = frontier.iloc[[-1]].assign(compute=frontier["compute"].max() * 1e3)
        frontier = pd.concat([frontier, far], ignore_index=True)
    reasons = frontier_outside_runs(runs, frontier)
    if not shift:
        assert reasons == []
    else:
        assert len(reasons) == 2
        assert "below the lowest loss any run reached" in reasons[0]
        assert reasons[1] == "it runs 3.0 decades of compute past the largest run"
