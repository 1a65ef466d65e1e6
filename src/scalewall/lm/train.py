"""The trainer: one function whose body is nanoGPT's loop, read top to bottom.

Learning rate from a pure :func:`get_lr` (linear warmup, cosine decay to a floor) -> batch of
step ``t`` (a pure function of seed and step, :func:`scalewall.lm.data.batch`) -> forward under
bf16 autocast on CUDA -> backward -> clip -> AdamW step -> ``zero_grad(set_to_none=True)`` ->
periodic held-out evaluation on fixed windows -> periodic checkpoint. Model, optimizer, step and
history are checkpointed, and batches need no sampler state, so a resumed run continues exactly
where it stopped: on CPU with one thread its numbers equal an uninterrupted run's.
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import NDArray

from scalewall.errors import ScalewallError
from scalewall.lm import flops
from scalewall.lm.config import RunConfig
from scalewall.lm.data import TokenData, batch, eval_windows, prepare
from scalewall.lm.model import GPT, ModelShape, build
from scalewall.runs.store import Checkpoints, Run

#: Steps left out of the tokens/s and MFU clock while the first iterations settle (nanoGPT).
SETTLE_STEPS = 3
#: Windows per forward pass during evaluation.
EVAL_BATCH = 64
Progress = Callable[[int, int], None]


def get_lr(step: int, cfg: RunConfig) -> float:
    """Linear warmup over ``warmup_frac`` of the steps, then cosine decay to ``min_lr_frac``."""
    warm = int(cfg.warmup_frac * cfg.steps)
    if step < warm:
        return cfg.lr * (step + 1) / warm
    progress = (step - warm) / max(cfg.steps - warm, 1)
    floor = cfg.lr * cfg.min_lr_frac
    return floor + 0.5 * (cfg.lr - floor) * (1 + math.cos(math.pi * progress))


def resolve_device(device: str) -> torch.device:
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ScalewallError("device 'cuda' asked for but no CUDA device is visible; use cpu")
    return torch.device(device)


def shape_of(cfg: RunConfig, data: TokenData) -> ModelShape:
    return ModelShape(cfg.n_layer, cfg.n_head, cfg.d_model, cfg.context, data.tokenizer.vocab_size)


def autocast(device: torch.device) -> Any:
    """bf16 autocast on CUDA; full fp32 on CPU (deterministic and exact across resumes)."""
    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return nullcontext()


@torch.no_grad()
def token_losses(
    model: GPT, windows: NDArray[np.int64], device: torch.device
) -> NDArray[np.float64]:
    """Cross-entropy (nats) of every next-token prediction in ``windows``, shape ``(n, T)``."""
    model.eval()
    out = []
    for i in range(0, len(windows), EVAL_BATCH):
        w = torch.from_numpy(windows[i : i + EVAL_BATCH]).to(device)
        with autocast(device):
            logits = model(w[:, :-1])
        ce = F.cross_entropy(logits.float().transpose(1, 2), w[:, 1:], reduction="none")
        out.append(ce.cpu().numpy())
    model.train()
    return np.concatenate(out).astype(np.float64)


def evaluate(model: GPT, windows: NDArray[np.int64], device: torch.device) -> float:
    """Mean held-out cross-entropy in nats per token."""
    return float(token_losses(model, windows, device).mean())


def _optimizer(model: GPT, cfg: RunConfig, device: torch.device) -> torch.optim.AdamW:
    """AdamW with weight decay on matrices only (nanoGPT's grouping); fused kernels."""
    decay = [p for p in model.parameters() if p.dim() >= 2]
    rest = [p for p in model.parameters() if p.dim() < 2]
    groups = [
        {"params": decay, "weight_decay": cfg.weight_decay},
        {"params": rest, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=cfg.lr, betas=(0.9, cfg.beta2), fused=True)


def _pack(model: GPT, opt: torch.optim.Optimizer, cfg: RunConfig, state: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    torch.save(
        {"model": model.state_dict(), "optim": opt.state_dict(), "config": cfg.to_dict(), **state},
        buf,
    )
    return buf.getvalue()


def load_model(cfg: RunConfig, checkpoint: bytes, device: str = "cpu") -> GPT:
    """The model stored in a checkpoint of a run of ``cfg``."""
    ckpt = torch.load(io.BytesIO(checkpoint), map_location=device, weights_only=True)
    model = GPT(shape_of(cfg, prepare(cfg)))
    model.load_state_dict(ckpt["model"])
    return model.to(device)


def train(
    cfg: RunConfig,
    run: Checkpoints | None = None,
    *,
    data: TokenData | None = None,
    checkpoint_every: int = 0,
    progress: Progress | None = None,
    stop_after: int | None = None,
) -> dict[str, Any]:
    """Train one model and return its final metrics.

    Parameters
    ----------
    cfg : RunConfig
    run : Run, optional
        Where checkpoints, history and final metrics go; a checkpoint already there is resumed.
    data : TokenData, optional
        Token data to train on instead of ``cfg``'s corpus (the collapse loop's synthetic sets).
    checkpoint_every : int, default 0
        Steps between checkpoints (0: a tenth of the run).
    stop_after : int, optional
        Stop (after checkpointing) once this step is reached: simulates an interrupted run.

    Returns
    -------
    dict
        ``loss`` (held-out nats/token), ``train_loss``, ``N`` (non-embedding parameters),
        ``N_total``, ``D`` (tokens trained), ``C`` (6(N + Vd)D + 12LdTD FLOPs), ``C_6ND``,
        ``steps``, ``tokens_per_s``, ``mfu`` (None off CUDA or on unlisted devices), ``device``.
    """
    data = data or prepare(cfg)
    device = resolve_device(cfg.device)
    model = build(shape_of(cfg, data), cfg.seed).to(device)
    opt = _optimizer(model, cfg, device)
    # The last 10 training losses (the reported train_loss) travel with the checkpoint, so a
    # resumed run reports what an uninterrupted one does.
    step, history, recent = 0, [], list[float]()
    saved = run.checkpoint() if run is not None else None
    if saved is not None:
        ckpt = torch.load(io.BytesIO(saved), map_location=device, weights_only=True)
        if ckpt["config"] != cfg.to_dict():
            raise ScalewallError(f"run {run.id if run else ''}: checkpoint is of another config")
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optim"])
        step, history = int(ckpt["step"]), list(ckpt["history"])
        recent = [float(x) for x in ckpt["recent"]]
    fwd = torch.compile(model) if cfg.compile and device.type == "cuda" else model
    # Listed once: model.parameters() walks every module, a per-step cost at these sizes.
    params = list(model.parameters())
    windows = eval_windows(data.val, cfg.context, cfg.eval_tokens)
    every = checkpoint_every or max(cfg.steps // 10, 1)
    last = stop_after if stop_after is not None else cfg.steps
    # The clock restarts once, SETTLE_STEPS after the (re)start, and runs to the last step.
    clock, clock_step, settled = time.perf_counter(), step, step + SETTLE_STEPS
    model.train()
    while step < min(last, cfg.steps):
        lr = get_lr(step, cfg)
        for group in opt.param_groups:
            group["lr"] = lr
        x, y = batch(data.train, cfg, step)
        xb, yb = torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)
        with autocast(device):
            logits = fwd(xb)
            loss = F.cross_entropy(logits.float().view(-1, logits.shape[-1]), yb.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, cfg.grad_clip, foreach=True)
        opt.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        recent = [*recent[-9:], float(loss.item())]
        if step == settled:
            clock, clock_step = time.perf_counter(), step
        if cfg.eval_every and step % cfg.eval_every == 0 and step < cfg.steps:
            history.append(
                {
                    "step": step,
                    "tokens": step * cfg.tokens_per_step,
                    "lr": lr,
                    "train_loss": recent[-1],
                    "val_loss": evaluate(model, windows, device),
                }
            )
        if run is not None and (step % every == 0 or step == last) and step < cfg.steps:
            run.save(
                _pack(model, opt, cfg, {"step": step, "history": history, "recent": recent}),
                history,
            )
        if progress is not None:
            progress(step, cfg.steps)
    if step < cfg.steps:
        return {"interrupted_at": step}
    elapsed = time.perf_counter() - clock
    timed = (step - clock_step) * cfg.tokens_per_step
    tps = timed / elapsed if timed > 0 and elapsed > 0 else None
    per_token = model.flops_per_token()
    D = cfg.steps * cfg.tokens_per_step
    N = model.num_params(non_embedding=True)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    final: dict[str, Any] = {
        "loss": evaluate(model, windows, device),
        "train_loss": float(np.mean(recent)),
        "N": N,
        "N_total": model.num_params(non_embedding=False),
        "D": D,
        "C": float(per_token * D),
        "C_6ND": float(6 * N * D),
        "steps": cfg.steps,
        "vocab_size": data.tokenizer.vocab_size,
        "eval_tokens": int(windows.shape[0] * cfg.context),
        "tokens_per_s": tps,
        "mfu": flops.mfu(tps, per_token, name) if tps else None,
        "device": name,
    }
    history.append(
        {
            "step": step,
            "tokens": D,
            "lr": get_lr(step - 1, cfg),
            "train_loss": recent[-1],
            "val_loss": final["loss"],
        }
    )
    if run is not None:
        run.save(
            _pack(model, opt, cfg, {"step": step, "history": history, "recent": recent}), history
        )
        run.finish(final, history)
    return final


def job(config: Mapping[str, Any], run: Run) -> dict[str, Any]:
    """Executor entry point (``scalewall.lm.train:job``): train the config into ``run``."""
    return train(RunConfig(**config), run)


__all__ = ["evaluate", "get_lr", "job", "load_model", "token_losses", "train"]
