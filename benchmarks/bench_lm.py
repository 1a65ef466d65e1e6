"""Side-by-side LM timings (issue 6, "Performance"), all measured in one run.

1. Training tokens per second of ``scalewall.lm.train.train`` against a plain PyTorch loop over
   the same model, the same batches and the same number of steps (default ``torch.optim.AdamW``,
   no clipping, no schedule): ``ratio = ours / plain`` (should be >= 1.0 on CPU: our trainer uses
   the fused AdamW and foreach clipping). Median of ``--repeats`` after a warm-up, one thread.
2. Sweep wall time of the local executor with 2 processes against the same runs one after another
   (``workers=1``): ``speedup = sequential / parallel``.
3. MFU on CUDA where available (reported, never required).

Usage::

    SCALEWALL_DATA_DIR=/path/to/data python benchmarks/bench_lm.py
    python benchmarks/bench_lm.py --repeats 1 --tokens 50000   # smoke test
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from scalewall.lm.config import RunConfig
from scalewall.lm.data import batch, prepare
from scalewall.lm.model import build
from scalewall.lm.sweep import TRAIN_JOB
from scalewall.lm.train import SETTLE_STEPS, shape_of, train
from scalewall.runs.executors import run_jobs


def plain_loop(cfg: RunConfig) -> float:
    """Tokens/s of a textbook loop: forward, loss, backward, step, zero_grad.

    Timed like the trainer's own ``tokens_per_s``: from step ``SETTLE_STEPS`` to the last step.
    """
    data = prepare(cfg)
    model = build(shape_of(cfg, data), cfg.seed)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    t0 = time.perf_counter()
    for step in range(cfg.steps):
        if step == SETTLE_STEPS:
            t0 = time.perf_counter()
        x, y = batch(data.train, cfg, step)
        logits = model(torch.from_numpy(x))
        loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), torch.from_numpy(y).reshape(-1))
        loss.backward()
        opt.step()
        opt.zero_grad()
    return (cfg.steps - SETTLE_STEPS) * cfg.tokens_per_step / (time.perf_counter() - t0)


def ours(cfg: RunConfig) -> float:
    """The trainer's steady-state tokens/s (schedule, clipping and checks included)."""
    return float(train(cfg)["tokens_per_s"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--tokens", type=int, default=200_000)
    args = ap.parse_args()
    torch.set_num_threads(1)
    cfg = RunConfig(n_layer=2, n_head=2, d_model=64, context=64, batch_size=16, tokens=args.tokens)
    ours(dataclasses.replace(cfg, tokens=5000)), plain_loop(dataclasses.replace(cfg, tokens=5000))
    a = statistics.median(ours(cfg) for _ in range(args.repeats))
    b = statistics.median(plain_loop(cfg) for _ in range(args.repeats))
    print(f"model: {cfg.n_layer} x {cfg.d_model}, context {cfg.context}, batch {cfg.batch_size}")
    print(f"tokens/s  scalewall trainer: {a:,.0f}   plain PyTorch loop: {b:,.0f}")

    jobs = [
        (TRAIN_JOB, dataclasses.replace(cfg, tokens=args.tokens * 2, seed=s).to_dict())
        for s in range(4)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        run_jobs(jobs, Path(tmp) / "seq", workers=1)
        seq = time.perf_counter() - t0
        t0 = time.perf_counter()
        run_jobs(jobs, Path(tmp) / "par", workers=2)
        par = time.perf_counter() - t0
    print(f"sweep of 4 runs: sequential {seq:.1f} s, local executor (2 processes) {par:.1f} s")
    if torch.cuda.is_available():
        big = dataclasses.replace(
            cfg, n_layer=6, d_model=384, n_head=6, context=256, batch_size=64, device="cuda"
        )
        res = train(dataclasses.replace(big, tokens=2_000_000))
        print(f"GPU {res['device']}: {res['tokens_per_s']:,.0f} tokens/s, MFU {res['mfu']}")
    else:
        print("GPU: none visible; MFU not measured")
    print(f"trainer_over_plain={a / b:.3f} sweep_speedup_2proc={seq / par:.2f}")


if __name__ == "__main__":
    main()
