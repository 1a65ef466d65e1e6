"""Side-by-side LM timings (issues 6 and 15, "Performance"), all measured in one run.

1. Training tokens per second of ``scalewall.lm.train.train`` against a plain PyTorch loop over
   the same model, the same batches and the same number of steps (default ``torch.optim.AdamW``,
   no clipping, no schedule): ``ratio = ours / plain``, at two sizes side by side: the 2 x 64
   character model, and the largest model of the ``ladder-cpu`` design, read from the preset
   (its corpus, BPE vocabulary, context, batch and per-size learning rate), so a change of the
   design moves this row with it. Median of ``--repeats`` after a warm-up, ours and plain
   alternating so that load from other jobs hits both alike; one thread. On a shared machine
   ``--cpu-clock`` times these CPU rows in this process's CPU seconds instead of wall seconds.
2. Sweep wall time of the local executor with 2 processes against the same runs one after another
   (``workers=1``): ``speedup = sequential / parallel``.
3. On CUDA only, the largest ``ladder-gpu`` model under bf16 autocast, ours against plain, and
   the MFU of each against the device's dense bf16 peak (``scalewall.lm.flops.PEAK_FLOPS``,
   named by device). Without CUDA these rows are skipped and the script says so.

Usage::

    SCALEWALL_DATA_DIR=/path/to/data python benchmarks/bench_lm.py --json bench_lm.json
    SCALEWALL_DATA_DIR=/path/to/data python benchmarks/bench_lm.py --quick   # smoke, no sweep
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from scalewall.lm import flops
from scalewall.lm.config import RunConfig
from scalewall.lm.data import batch, prepare
from scalewall.lm.model import build
from scalewall.lm.sweep import TRAIN_JOB, load
from scalewall.lm.train import SETTLE_STEPS, autocast, resolve_device, shape_of, train
from scalewall.runs.executors import run_jobs
from scalewall.storage import write_json

SMALL = RunConfig(n_layer=2, n_head=2, d_model=64, context=64, batch_size=16)


def _sync(device: torch.device) -> None:
    """Wait for queued CUDA work, so the clock measures it (a no-op on CPU)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


@contextmanager
def cpu_clock(on: bool) -> Iterator[None]:
    """Time with this process's CPU seconds instead of wall seconds while ``on``.

    The trainer reads ``time.perf_counter``; swapping in ``time.process_time`` makes both loops
    count only this single-threaded process's own work, so other jobs on a shared machine leave
    the ratio alone. For CPU rows only: CUDA kernels do not run on the process's CPU clock.
    """
    wall = time.perf_counter
    if on:
        time.perf_counter = time.process_time
    try:
        yield
    finally:
        time.perf_counter = wall


def plain_loop(cfg: RunConfig) -> float:
    """Tokens/s of a textbook loop: forward (bf16 autocast on CUDA), loss, backward, step.

    Timed like the trainer's own ``tokens_per_s``: from step ``SETTLE_STEPS`` to the last step.
    """
    data = prepare(cfg)
    device = resolve_device(cfg.device)
    model = build(shape_of(cfg, data), cfg.seed).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    t0 = time.perf_counter()
    for step in range(cfg.steps):
        if step == SETTLE_STEPS:
            _sync(device)
            t0 = time.perf_counter()
        x, y = batch(data.train, cfg, step)
        xb, yb = torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)
        with autocast(device):
            logits = model(xb)
            loss = F.cross_entropy(logits.float().view(-1, logits.shape[-1]), yb.reshape(-1))
        loss.backward()
        opt.step()
        opt.zero_grad()
    _sync(device)
    return (cfg.steps - SETTLE_STEPS) * cfg.tokens_per_step / (time.perf_counter() - t0)


def ours(cfg: RunConfig) -> float:
    """The trainer's steady-state tokens/s (schedule, clipping and checks included)."""
    return float(train(cfg)["tokens_per_s"])


def ladder_largest(preset: str) -> RunConfig:
    """The preset's largest model (most non-embedding parameters), as its design lays it out."""
    runs = load(preset=preset).configs()
    return max(runs, key=lambda c: flops.non_embedding_params(c.n_layer, c.d_model))


def compare(name: str, cfg: RunConfig, repeats: int) -> dict[str, Any]:
    """Median tokens/s of ours and plain on ``cfg``, their ratio and (on CUDA) their MFU."""
    warm = dataclasses.replace(
        cfg, tokens=min(cfg.tokens, (SETTLE_STEPS + 3) * cfg.tokens_per_step)
    )
    ours(warm), plain_loop(warm)
    a, b = [], []
    for _ in range(repeats):
        a.append(ours(cfg))
        b.append(plain_loop(cfg))
    device = resolve_device(cfg.device)
    device_name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    vocab = prepare(cfg).tokenizer.vocab_size
    per_token = flops.flops_per_token(cfg.n_layer, cfg.d_model, vocab, cfg.context)
    peak = flops.peak_flops(device_name)  # None on CPU and on unlisted devices
    ours_tps, plain_tps = statistics.median(a), statistics.median(b)
    return {
        "name": name,
        "device": device_name,
        "bf16_autocast": device.type == "cuda",
        "shape": f"{cfg.n_layer} x {cfg.d_model}",
        "n_head": cfg.n_head,
        "corpus": cfg.corpus,
        "tokenizer": cfg.tokenizer,
        "vocab_size": vocab,
        "context": cfg.context,
        "batch_size": cfg.batch_size,
        "N": flops.non_embedding_params(cfg.n_layer, cfg.d_model),
        "flops_per_token": per_token,
        "steps": cfg.steps,
        "repeats": repeats,
        "ours_tokens_per_s": ours_tps,
        "plain_tokens_per_s": plain_tps,
        "ratio": ours_tps / plain_tps,
        "mfu_ours": flops.mfu(ours_tps, per_token, device_name),
        "mfu_plain": flops.mfu(plain_tps, per_token, device_name),
        "peak_flops": None if peak is None else peak[0],
        "peak_source": None if peak is None else peak[1],
    }


def show(row: dict[str, Any]) -> None:
    print(
        f"{row['name']:<26} {row['shape']:>7} ({row['N']:,} params, {row['tokenizer']} "
        f"{row['vocab_size']}, ctx {row['context']}, batch {row['batch_size']}, {row['steps']} "
        f"steps, {row['device']})  ours {row['ours_tokens_per_s']:,.0f}  plain "
        f"{row['plain_tokens_per_s']:,.0f}  ratio {row['ratio']:.3f}"
    )
    if row["peak_source"] is not None:
        print(
            f"{'':<26} MFU on {row['device']}: ours {row['mfu_ours']:.1%}, plain "
            f"{row['mfu_plain']:.1%} of {row['peak_flops'] / 1e12:.0f} TFLOP/s "
            f"({row['peak_source']})"
        )
    elif row["device"] != "cpu":
        print(f"{'':<26} MFU: {row['device']} has no peak listed in lm/flops.py PEAK_FLOPS")


def sweep_timing(tokens: int) -> dict[str, float]:
    """Wall time of 4 small runs, one after another and on the local executor's 2 processes."""
    jobs = [
        (TRAIN_JOB, dataclasses.replace(SMALL, tokens=tokens, seed=s).to_dict()) for s in range(4)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        run_jobs(jobs, Path(tmp) / "seq", workers=1)
        seq = time.perf_counter() - t0
        t0 = time.perf_counter()
        run_jobs(jobs, Path(tmp) / "par", workers=2)
        par = time.perf_counter() - t0
    return {
        "runs": 4,
        "tokens": tokens,
        "sequential_s": seq,
        "parallel_s": par,
        "speedup": seq / par,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--tokens", type=int, default=200_000, help="2 x 64 row (sweep: 2x)")
    ap.add_argument("--ladder-tokens", type=int, default=204_800, help="ladder-cpu row")
    ap.add_argument("--gpu-tokens", type=int, default=4_194_304, help="ladder-gpu row (CUDA)")
    ap.add_argument("--quick", action="store_true", help="smoke test: 1 repeat, 8 steps, no sweep")
    ap.add_argument("--cpu-clock", action="store_true", help="CPU rows in CPU seconds (shared box)")
    ap.add_argument("--json", type=Path, help="write the rows and the sweep timing here")
    args = ap.parse_args()
    if args.quick:
        args.repeats, args.tokens, args.ladder_tokens, args.gpu_tokens = 1, 8192, 8192, 262_144
    torch.set_num_threads(1)
    cuda = torch.cuda.is_available()
    print(
        f"{os.cpu_count()} CPUs, torch {torch.__version__}, 1 thread; "
        f"CUDA: {torch.cuda.get_device_name() if cuda else 'none'}; median of {args.repeats}; "
        f"CPU rows timed in {'CPU' if args.cpu_clock else 'wall'} seconds"
    )
    with cpu_clock(args.cpu_clock):
        rows = [
            compare(
                "2 x 64 character model",
                dataclasses.replace(SMALL, tokens=args.tokens),
                args.repeats,
            ),
            compare(
                "ladder-cpu largest",
                dataclasses.replace(ladder_largest("ladder-cpu"), tokens=args.ladder_tokens),
                args.repeats,
            ),
        ]
    gpu = ladder_largest("ladder-gpu")
    skipped = None
    if cuda:
        rows.append(
            compare(
                "ladder-gpu largest, bf16",
                dataclasses.replace(gpu, tokens=args.gpu_tokens),
                args.repeats,
            )
        )
    else:
        skipped = "no CUDA device visible"
    for row in rows:
        show(row)
    if skipped:
        print(
            f"ladder-gpu largest ({gpu.n_layer} x {gpu.d_model}, bf16) and its MFU: skipped, "
            f"{skipped} (the GPU rows need one)"
        )
    # --quick leaves the sweep out: at a few steps per run the process start-up is all it times.
    sweep = None if args.quick else sweep_timing(args.tokens * 2)
    if sweep is not None:
        print(
            f"sweep of 4 runs: sequential {sweep['sequential_s']:.1f} s, local executor "
            f"(2 processes) {sweep['parallel_s']:.1f} s"
        )
    print(
        f"trainer_over_plain={rows[0]['ratio']:.3f} ladder_trainer_over_plain={rows[1]['ratio']:.3f}"
        + (f" sweep_speedup_2proc={sweep['speedup']:.2f}" if sweep else "")
    )
    if args.json:
        write_json(
            args.json,
            {
                "schema_version": 1,
                "cpu_rows_clock": "cpu" if args.cpu_clock else "wall",
                "cpus": os.cpu_count(),
                "torch": torch.__version__,
                "rows": rows,
                "gpu_skipped": skipped,
                "sweep": sweep,
            },
        )


if __name__ == "__main__":
    main()
