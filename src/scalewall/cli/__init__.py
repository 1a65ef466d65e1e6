"""The command line. ``main`` is the console script."""

from __future__ import annotations

import os


def main() -> None:
    """Run the ``scalewall`` command.

    Before numpy loads, BLAS is kept to one thread unless the user chose otherwise: the fits
    solve thousands of tiny batched problems, where BLAS threads only compete for the cores
    (10x slower seen on 2 cores).
    """
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    from scalewall.cli.app import app

    app(prog_name="scalewall")
