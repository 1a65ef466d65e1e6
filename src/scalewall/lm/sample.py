"""Sampling from the LM with temperature and nucleus (top-p) truncation.

Top-p keeps the smallest set of most likely tokens whose probability reaches ``top_p``
(Holtzman et al. 2020, arXiv 1904.09751), renormalised; the same rule as
:class:`scalewall.collapse.policies.SamplingBias`. Draws come from a seeded
:class:`torch.Generator`, so the same seed gives the same text.
"""

from __future__ import annotations

import numpy as np
import torch
from numpy.typing import NDArray

from scalewall.lm.model import GPT


def nucleus(probs: torch.Tensor, top_p: float) -> torch.Tensor:
    """Zero all but the smallest prefix of sorted tokens whose mass reaches ``top_p``."""
    if top_p >= 1.0:
        return probs
    sorted_p, order = probs.sort(dim=-1, descending=True)
    before = sorted_p.cumsum(-1) - sorted_p
    sorted_p = torch.where(before < top_p, sorted_p, torch.zeros_like(sorted_p))
    out = torch.zeros_like(probs).scatter(-1, order, sorted_p)
    return out / out.sum(-1, keepdim=True)


@torch.no_grad()
def sample(
    model: GPT,
    prompts: NDArray[np.int64],
    length: int,
    *,
    temperature: float = 1.0,
    top_p: float = 1.0,
    seed: int = 0,
) -> NDArray[np.int64]:
    """Continue each prompt row by ``length`` tokens; returns prompts and continuations.

    The window slides over the last ``context`` tokens, as in nanoGPT's ``generate``.
    """
    model.eval()
    device = next(model.parameters()).device
    gen = torch.Generator(device=device).manual_seed(seed)
    idx = torch.from_numpy(np.ascontiguousarray(prompts)).to(device)
    for _ in range(length):
        logits = model(idx[:, -model.shape.context :])[:, -1, :].float()
        probs = nucleus(torch.softmax(logits / temperature, dim=-1), top_p)
        idx = torch.cat([idx, torch.multinomial(probs, 1, generator=gen)], dim=1)
    model.train()
    out: NDArray[np.int64] = idx.cpu().numpy()
    return out


__all__ = ["nucleus", "sample"]
