"""Side-by-side fit timings on Epoch's 240 Chinchilla points (issue 2, "Performance").

One run measures, on the same 240 points (``chinchilla-epoch`` minus the 5 highest losses):

1. scalewall's single global fit (``fit_raw`` with the default ``Objective()``: Huber, delta 1e-3,
   on log loss, summed): median of ``--repeats`` runs after one warm-up;
2. the plain scipy baseline as Besiroglu et al. 2024 ran it: L-BFGS-B, no bounds, from each of
   the 4,500 starts of their grid, with finite-difference gradients, then again with an analytic
   gradient (the objective below is written here with numpy/scipy.special);
3. the ``chinchilla`` package (PyPI 0.2.0), its README's default 5^5 grid fit, in a subprocess
   (it needs the fork start method and reconfigures logging and warnings on import);
4. scalewall's full 4,000-replicate bootstrap, ``fit(df, bootstrap=4000, seed=0)`` end to end;
5. the demo's specification curve (``laws.spec_curve``: every specification of this table, 40
   bootstrap refits each), end to end; it has no peer, so it is reported as a time only.

The last line is ``speedup_vs_scipy_grid=X speedup_vs_chinchilla_pkg=Y
bootstrap4000_over_chinchilla_fit=Z`` (``nan`` for a part skipped with ``--skip-peer``).
Exit status 1 if scalewall's objective is worse than the scipy grid's best.

Usage::

    SCALEWALL_DATA_DIR=/path/to/data python benchmarks/bench_fit.py
    python benchmarks/bench_fit.py --starts-stride 45 --skip-peer   # smoke test, 100 starts
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import huber

Array = NDArray[np.float64]

DELTA = 1e-3
EXCLUDE_TOP = 5
BOOTSTRAP = 4000
SPEC_REPLICATES = 40  # bootstrap refits per specification, as the demo's section
PARAM_KEYS = ("E", "A", "B", "alpha", "beta")

# Besiroglu et al. 2024, "replicate exactly" grid: 5 * 5 * 5 * 6 * 6 = 4,500 starts.
EPOCH_GRID = {
    "alpha": np.arange(0.0, 2.5, 0.5),
    "beta": np.arange(0.0, 2.5, 0.5),
    "e": np.arange(-1.0, 1.5, 0.5),
    "a": np.arange(0.0, 30.0, 5.0),
    "b": np.arange(0.0, 30.0, 5.0),
}


# --------------------------------------------------------------------------------------------
# Data


def load_points() -> Any:
    """The 240 points: ``chinchilla-epoch`` without its 5 highest losses (columns N, D, C, loss)."""
    from scalewall.data import load_runs
    from scalewall.laws.api import exclude_top_loss

    return exclude_top_loss(load_runs("chinchilla-epoch"), EXCLUDE_TOP)


# --------------------------------------------------------------------------------------------
# The scipy baseline: x = [a, b, e, alpha, beta], log L = LSE(a - alpha log N, b - beta log D, e)


class EpochObjective:
    """Sum of Huber(delta) of ``log L_obs - log L_model`` (Besiroglu et al. 2024), with gradient."""

    def __init__(self, N: Array, D: Array, loss: Array, delta: float = DELTA) -> None:
        self.logN = np.log(N)
        self.logD = np.log(D)
        self.logy = np.log(loss)
        self.delta = delta

    def _terms(self, x: Array) -> tuple[Array, Array, Array]:
        a, b, e, alpha, beta = x
        t = np.empty((3, self.logN.size))
        t[0] = a - alpha * self.logN
        t[1] = b - beta * self.logD
        t[2] = e
        m = t.max(axis=0)
        ex = np.exp(t - m)
        s = ex.sum(axis=0)
        return m + np.log(s), ex, s  # stable logsumexp over the three terms

    def value(self, x: Array) -> float:
        with np.errstate(all="ignore"):
            pred, _, _ = self._terms(x)
            return float(np.sum(huber(self.delta, self.logy - pred)))

    def value_and_grad(self, x: Array) -> tuple[float, Array]:
        with np.errstate(all="ignore"):
            pred, ex, s = self._terms(x)
            r = self.logy - pred
            f = float(np.sum(huber(self.delta, r)))
            w = ex / s  # softmax weights: d pred / d (a, b, e)
            g = -np.clip(r, -self.delta, self.delta)  # d f / d pred
            gw = w @ g
            grad = np.array(
                [
                    gw[0],
                    gw[1],
                    gw[2],
                    -np.dot(g * w[0], self.logN),
                    -np.dot(g * w[1], self.logD),
                ]
            )
            return f, grad


def epoch_starts(stride: int) -> Array:
    """The 4,500 starts as rows [a, b, e, alpha, beta], every ``stride``-th one."""
    g = EPOCH_GRID
    rows = [
        (a, b, e, al, be)
        for al, be, e, a, b in itertools.product(g["alpha"], g["beta"], g["e"], g["a"], g["b"])
    ]
    out: Array = np.array(rows, dtype=float)[::stride]
    return out


def scipy_grid(obj: EpochObjective, starts: Array, analytic: bool) -> dict[str, Any]:
    """L-BFGS-B from every start, no bounds; keep a result only if ``success`` and better."""
    best_f, best_x, n_success = np.inf, None, 0
    t0 = time.perf_counter()
    for x0 in starts:
        if analytic:
            res = minimize(obj.value_and_grad, x0, jac=True, method="L-BFGS-B")
        else:
            res = minimize(obj.value, x0, method="L-BFGS-B")
        if res.success:
            n_success += 1
            if res.fun < best_f:
                best_f, best_x = float(res.fun), np.asarray(res.x, dtype=float)
    wall = time.perf_counter() - t0
    return {
        "wall_s": wall,
        "objective": best_f,
        "params": epoch_to_params(best_x) if best_x is not None else {},
        "starts": len(starts),
        "succeeded": n_success,
    }


def epoch_to_params(x: Array) -> dict[str, float]:
    a, b, e, alpha, beta = (float(v) for v in x)
    return {"E": np.exp(e), "A": np.exp(a), "B": np.exp(b), "alpha": alpha, "beta": beta}


def params_to_epoch(p: dict[str, float]) -> Array:
    return np.array([np.log(p["A"]), np.log(p["B"]), np.log(p["E"]), p["alpha"], p["beta"]])


# --------------------------------------------------------------------------------------------
# scalewall


def scalewall_single(df: Any, repeats: int) -> dict[str, Any]:
    from scalewall.laws.api import inputs_of
    from scalewall.laws.catalog import make_law
    from scalewall.laws.fitter import fit_raw, unpack
    from scalewall.laws.objectives import Objective

    law = make_law("chinchilla")
    X = inputs_of(law, df)
    y = df["loss"].to_numpy(dtype=float)
    obj = Objective()
    raw = fit_raw(law, X, y, obj)  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        raw = fit_raw(law, X, y, obj)
        times.append(time.perf_counter() - t0)
    return {
        "wall_s": statistics.median(times),
        "times_s": times,
        "objective": float(raw.value),
        "params": law.full_params(unpack(law, raw.phi)),
    }


def scalewall_bootstrap(df: Any) -> dict[str, Any]:
    from scalewall.laws.api import fit

    t0 = time.perf_counter()
    res = fit(df, bootstrap=BOOTSTRAP, seed=0)
    wall = time.perf_counter() - t0
    return {
        "wall_s": wall,
        "objective": float(res.objective_value),
        "params": dict(res.params),
        "not_converged": res.bootstrap.get("not_converged") if res.bootstrap else None,
    }


def scalewall_spec_curve(df: Any) -> dict[str, Any]:
    """The demo's specification curve: every specification of this table, SPEC_REPLICATES each."""
    from scalewall.laws.spec_curve import spec_curve

    t0 = time.perf_counter()
    table = spec_curve(df, d_from_c=True, bootstrap=SPEC_REPLICATES, seed=0)
    wall = time.perf_counter() - t0
    per_spec = table.drop_duplicates(subset=["law", "objective", "flops", "subset"])
    return {
        "wall_s": wall,
        "objective": None,
        "params": {},
        "specifications": len(per_spec),
        "replicates": SPEC_REPLICATES,
    }


# --------------------------------------------------------------------------------------------
# The chinchilla package, run in a child process (this same file with --peer-worker DIR)


def peer_worker(project_dir: str) -> None:
    """Child process: the package's README default fit on ``project_dir/df.csv``; JSON on stdout."""
    import multiprocessing

    import matplotlib

    matplotlib.use("Agg")
    multiprocessing.set_start_method("fork", force=True)
    # Imported late: it reconfigures logging and warnings on import.
    from chinchilla import Chinchilla  # type: ignore[import-untyped]

    grid = dict(
        E=np.linspace(1, 2, 5),
        a=np.linspace(1, 10, 5),
        b=np.linspace(1, 10, 5),
        alpha=np.linspace(0.1, 0.7, 5),
        beta=np.linspace(0.1, 0.7, 5),
    )
    cc = Chinchilla(project_dir, param_grid=grid, log_level=40)
    t0 = time.perf_counter()
    cc.fit()
    wall = time.perf_counter() - t0
    n_starts = int(np.prod([len(v) for v in grid.values()]))
    out = {
        "wall_s": wall,
        "params": {k: float(v) for k, v in cc.params.items()},
        "starts": n_starts,
        "n_points": len(cc.database.df),
        "cpu_count": os.cpu_count(),
    }
    print("PEER_JSON " + json.dumps(out), flush=True)


def chinchilla_pkg(df: Any) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench_chinchilla_") as tmp:
        df[["C", "N", "D", "loss"]].to_csv(Path(tmp) / "df.csv", index=False)
        env = dict(os.environ, MPLBACKEND="Agg")
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--peer-worker", tmp],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("PEER_JSON ")]
    if proc.returncode != 0 or not lines:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise RuntimeError(f"chinchilla package run failed (exit {proc.returncode})")
    out: dict[str, Any] = json.loads(lines[-1][len("PEER_JSON ") :])
    return out


# --------------------------------------------------------------------------------------------
# Report


def version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def fmt_params(p: dict[str, float]) -> str:
    if not p:
        return "-"
    return " ".join(f"{k}={p[k]:.5g}" for k in PARAM_KEYS if k in p)


def ratio(num: float, den: float) -> float:
    return num / den if den > 0 and np.isfinite(num) and np.isfinite(den) else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--starts-stride",
        type=int,
        default=1,
        metavar="K",
        help="use every K-th of the 4,500 scipy grid starts (smoke test; ratios not extrapolated)",
    )
    ap.add_argument("--skip-peer", action="store_true", help="skip the chinchilla package")
    ap.add_argument("--repeats", type=int, default=5, help="timed scalewall single fits (>= 5)")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    ap.add_argument("--peer-worker", metavar="DIR", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.peer_worker:
        peer_worker(args.peer_worker)
        return 0
    if args.starts_stride < 1 or args.repeats < 1:
        ap.error("--starts-stride and --repeats must be >= 1")

    import scipy

    df = load_points()
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    env = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": affinity,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "chinchilla": version("chinchilla"),
        "scalewall": version("scalewall"),
        "n_points": len(df),
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "unset"),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "unset"),
    }
    print("# bench_fit: " + " ".join(f"{k}={v}" for k, v in env.items()), flush=True)

    y = df["loss"].to_numpy(dtype=float)
    eobj = EpochObjective(df["N"].to_numpy(float), df["D"].to_numpy(float), y)
    starts = epoch_starts(args.starts_stride)
    strided = args.starts_stride > 1
    total = 1
    for v in EPOCH_GRID.values():
        total *= len(v)
    print(
        f"# scipy grid: {len(starts)} of {total} starts"
        + (f" (--starts-stride {args.starts_stride})" if strided else ""),
        flush=True,
    )

    results: dict[str, dict[str, Any]] = {}
    print("... scalewall single fit", flush=True)
    results["scalewall"] = sw = scalewall_single(df, args.repeats)
    print("... scipy grid, finite differences", flush=True)
    results["scipy_fd"] = fd = scipy_grid(eobj, starts, analytic=False)
    print("... scipy grid, analytic gradient", flush=True)
    results["scipy_analytic"] = an = scipy_grid(eobj, starts, analytic=True)
    pk: dict[str, Any] = {}
    if not args.skip_peer:
        print("... chinchilla package (subprocess)", flush=True)
        results["chinchilla_pkg"] = pk = chinchilla_pkg(df)
    print(f"... scalewall bootstrap ({BOOTSTRAP} replicates)", flush=True)
    results["bootstrap"] = bs = scalewall_bootstrap(df)
    print("... scalewall specification curve", flush=True)
    results["spec_curve"] = sc = scalewall_spec_curve(df)

    # The same Huber objective (written here) evaluated at every method's parameters.
    for r in results.values():
        r["huber_at_params"] = eobj.value(params_to_epoch(r["params"])) if r["params"] else None

    stride_note = f", {len(starts)}/{total} starts" + (" STRIDED" if strided else "")
    rows = [
        (f"scalewall fit_raw (median of {args.repeats})", sw, sw["objective"]),
        (f"scipy L-BFGS-B grid, finite diff{stride_note}", fd, fd["objective"]),
        (f"scipy L-BFGS-B grid, analytic grad{stride_note}", an, an["objective"]),
    ]
    if pk:
        rows.append((f"chinchilla {env['chinchilla']} default ({pk['starts']} BFGS)", pk, None))
    rows.append((f"scalewall fit(bootstrap={BOOTSTRAP}) end to end", bs, bs["objective"]))
    spec_name = f"scalewall spec_curve, {sc['specifications']} specs x {SPEC_REPLICATES} refits"
    rows.append((spec_name, sc, None))
    print()
    print(f"{'method':<64} {'wall s':>9} {'objective':>12} {'huber@params':>12}  params")
    for name, r, objv in rows:
        o = f"{objv:.8f}" if objv is not None and np.isfinite(objv) else "n/a"
        h = r.get("huber_at_params")
        hs = f"{h:.8f}" if h is not None else "-"
        print(f"{name:<64} {r['wall_s']:>9.4f} {o:>12} {hs:>12}  {fmt_params(r['params'])}")
    print(
        "(objective: the method's own Huber(1e-3) log-loss sum; the chinchilla package minimises "
        "asymmetric MAE (w=10), so only huber@params, this script's objective at its parameters, "
        "is shown for it)"
    )
    print(f"scalewall single-fit times (s): {', '.join(f'{t:.4f}' for t in sw['times_s'])}")
    print(
        f"scipy grid successes: finite diff {fd['succeeded']}/{fd['starts']}, "
        f"analytic {an['succeeded']}/{an['starts']}"
    )
    if bs.get("not_converged") is not None:
        print(f"bootstrap refits not converged: {bs['not_converged']} of {BOOTSTRAP}")

    ok = sw["objective"] <= fd["objective"] * (1 + 1e-9)
    ok_an = sw["objective"] <= an["objective"] * (1 + 1e-9)
    print(
        f"objective_check: scalewall {sw['objective']:.10f} <= scipy grid (finite diff) best "
        f"{fd['objective']:.10f} * (1 + 1e-9): {'PASS' if ok else 'FAIL'}; "
        f"vs analytic grid {an['objective']:.10f}: {'PASS' if ok_an else 'FAIL'}"
    )
    x = ratio(fd["wall_s"], sw["wall_s"])
    x_an = ratio(an["wall_s"], sw["wall_s"])
    y_ = ratio(pk["wall_s"], sw["wall_s"]) if pk else float("nan")
    z = ratio(bs["wall_s"], pk["wall_s"]) if pk else float("nan")
    if strided:
        print(
            f"NOTE: scipy grid STRIDED (--starts-stride {args.starts_stride}): "
            f"{len(starts)} of {total} starts; the scipy speedups below are for those "
            "starts only, not extrapolated to the full grid"
        )
    if not pk:
        print("NOTE: chinchilla package skipped (--skip-peer); its ratios are nan")
    if args.json:
        payload = {"env": env, "args": {k: str(v) for k, v in vars(args).items()}}
        payload["results"] = results
        payload["ratios"] = {
            "speedup_vs_scipy_grid": x,
            "speedup_vs_scipy_grid_analytic": x_an,
            "speedup_vs_chinchilla_pkg": y_,
            "bootstrap4000_over_chinchilla_fit": z,
            "objective_no_worse_than_scipy_grid": ok,
            "scipy_grid_starts": len(starts),
            "spec_curve_s": sc["wall_s"],
        }
        args.json.write_text(json.dumps(payload, indent=2, default=float))
    print(f"spec_curve_s={sc['wall_s']:.3g} ({sc['specifications']} specifications)")
    print(f"speedup_vs_scipy_grid_analytic={x_an:.4g}")
    print(
        f"speedup_vs_scipy_grid={x:.4g} speedup_vs_chinchilla_pkg={y_:.4g} "
        f"bootstrap4000_over_chinchilla_fit={z:.4g}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
