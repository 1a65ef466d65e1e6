"""Shared fixtures: the public-data folder, a small synthetic runs table, leaked processes."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The public-data folder (CI sets SCALEWALL_DATA_DIR to ../shared/data); skip without it."""
    d = os.environ.get("SCALEWALL_DATA_DIR")
    if not d or not Path(d).is_dir():
        pytest.skip("SCALEWALL_DATA_DIR is not set to the public-data folder")
    return Path(d)


@pytest.fixture
def synthetic_runs() -> pd.DataFrame:
    """A Chinchilla-law grid with 1% multiplicative noise (seeded), 6 sizes x 6 token counts."""
    rng = np.random.default_rng(7)
    N = np.repeat(np.geomspace(7e7, 1.6e10, 6), 6)
    D = np.tile(np.geomspace(1e9, 5e11, 6), 6)
    loss = (1.82 + 482.0 * N**-0.348 + 2085.0 * D**-0.366) * np.exp(rng.normal(0, 0.01, N.size))
    return pd.DataFrame({"N": N, "D": D, "loss": loss})


def session_processes(sid: int) -> list[int]:
    """Live processes (zombies excepted) of session ``sid``, read from /proc (Linux only)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):  # the process ended while we looked
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids


@pytest.fixture
def survivors() -> Callable[[int], list[int]]:
    """``survivors(sid)``: the processes of a killed command's session still alive after 15 s.

    The command must be started with ``start_new_session=True`` (its pid is then the session
    id) and killed alone, not with its group, so only its own cleanup can end its workers.
    """
    if not Path("/proc/self/stat").is_file():
        pytest.skip("needs /proc (Linux)")

    def alive_after_grace(sid: int) -> list[int]:
        deadline = time.monotonic() + 15
        while (left := session_processes(sid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid in left:  # do not leave them to the next test
            os.kill(pid, signal.SIGKILL)
        return left

    return alive_after_grace
