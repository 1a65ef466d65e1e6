"""``RunConfig``: every setting of one training run, as plain values hashed into the run id.

Odd defaults carry their reason. ``from_mapping`` is the one place a user's TOML table becomes a
config, so unknown keys and impossible shapes fail there with one line naming the key.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from scalewall.errors import input_error
from scalewall.lm.tokenize import KINDS
from scalewall.validate import check_keys


@dataclass(frozen=True)
class RunConfig:
    """One training run.

    ``tokens`` is the training budget D; the run takes ``ceil(tokens / (batch_size * context))``
    steps. ``unique_tokens`` > 0 restricts training to the first that many tokens of the training
    split, so ``tokens / unique_tokens`` is the number of epochs (repeated-data runs).
    """

    corpus: str = "tinyshakespeare"
    column: str = "text"
    tokenizer: str = "char"
    vocab_size: int = 512  # BPE only: a few hundred merges suit a 1 MB corpus
    val_fraction: float = 0.1  # the last 10% of the corpus is held out, as in nanoGPT's prepare.py
    n_layer: int = 2
    n_head: int = 2
    d_model: int = 64
    context: int = 64
    batch_size: int = 16
    tokens: int = 200_000
    unique_tokens: int = 0
    lr: float = 3e-3  # small models tolerate large steps (nanoGPT shakespeare-char: 1e-3)
    min_lr_frac: float = 0.1  # cosine decays to lr/10 (Hoffmann et al. 2022, section 3)
    warmup_frac: float = 0.05
    weight_decay: float = 0.1
    beta2: float = 0.99  # nanoGPT shakespeare-char: few tokens per step
    grad_clip: float = 1.0
    eval_tokens: int = 16_384
    eval_every: int = 0  # steps between held-out evaluations (0: only at the end)
    seed: int = 0
    device: str = "cpu"  # cpu, cuda or auto
    compile: bool = False  # torch.compile on CUDA only
    rules: str = ""  # the per-size rules that set lr, warmup and beta2 (ladder designs)

    @property
    def tokens_per_step(self) -> int:
        return self.batch_size * self.context

    @property
    def steps(self) -> int:
        return -(-self.tokens // self.tokens_per_step)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the run-id hash; an empty ``rules`` is left out, so configs from
        before the field existed keep their ids."""
        d = asdict(self)
        if not d["rules"]:
            del d["rules"]
        return d


FIELDS = {f.name: f for f in fields(RunConfig)}


def _coerce(key: str, value: Any, source: str) -> Any:
    kind = type(getattr(RunConfig(), key))
    if kind is bool:
        if not isinstance(value, bool):
            raise input_error(f"key '{key}' must be true or false", source=source, got=value)
        return value
    if kind is int and isinstance(value, float) and value.is_integer():
        value = int(value)  # 2e5 in TOML is a float
    if kind in (int, float) and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise input_error(f"key '{key}' must be a number", source=source, got=value)
    if kind is int and not isinstance(value, int):
        raise input_error(f"key '{key}' must be a whole number", source=source, got=value)
    if kind is str and not isinstance(value, str):
        raise input_error(f"key '{key}' must be a string", source=source, got=value)
    return kind(value)


def from_mapping(
    values: Mapping[str, Any], source: str = "config", base: RunConfig | None = None
) -> RunConfig:
    """A checked config from ``values`` over ``base``; unknown keys name the allowed ones."""
    check_keys(values, FIELDS, source)
    cfg = dataclasses.replace(
        base or RunConfig(), **{k: _coerce(k, v, source) for k, v in values.items()}
    )
    check(cfg, source)
    return cfg


def check(cfg: RunConfig, source: str = "config") -> None:
    """Shape and range checks that need no data (the corpus checks are in :mod:`.data`)."""
    positive = ("n_layer", "n_head", "d_model", "context", "batch_size", "tokens", "eval_tokens")
    for key in positive:
        if getattr(cfg, key) <= 0:
            raise input_error(f"key '{key}' must be > 0", source=source, got=getattr(cfg, key))
    if cfg.d_model % cfg.n_head:
        raise input_error(
            f"d_model {cfg.d_model} is not divisible by n_head {cfg.n_head}",
            fix="pick a width that is a multiple of the head count",
            source=source,
        )
    if cfg.tokenizer not in KINDS:
        raise input_error(f"tokenizer must be one of {', '.join(KINDS)}", source=source)
    if not 0 < cfg.val_fraction < 1:
        raise input_error("val_fraction must be in (0, 1)", source=source, got=cfg.val_fraction)
    if cfg.unique_tokens < 0 or cfg.lr <= 0 or not 0 <= cfg.warmup_frac < 1:
        raise input_error(
            "unique_tokens >= 0, lr > 0 and 0 <= warmup_frac < 1 needed", source=source
        )
    if cfg.device not in ("cpu", "cuda", "auto"):
        raise input_error("device must be cpu, cuda or auto", source=source, got=cfg.device)


__all__ = ["FIELDS", "RunConfig", "check", "from_mapping"]
