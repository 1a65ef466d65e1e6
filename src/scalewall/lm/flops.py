"""Parameter and FLOP accounting for :mod:`scalewall.lm.model`, and MFU against cited peaks.

Counts follow nanoGPT's ``get_num_params`` / ``estimate_mfu`` (karpathy/nanoGPT@model.py), which
take the per-token training cost as ``6 N + 12 L d T`` after PaLM (Chowdhery et al. 2022,
arXiv 2204.02311, Appendix B): ``6 N`` for the weight matmuls forward and backward (Kaplan et al.
2020, arXiv 2001.08361, eq. 2.1) plus ``12 L d T`` for the attention scores and values.
"""

from __future__ import annotations

#: Peak dense bf16 tensor FLOP/s by device-name fragment, from the vendors' datasheets.
PEAK_FLOPS: tuple[tuple[str, float, str], ...] = (
    ("H200", 989.4e12, "NVIDIA H200 datasheet (dense BF16 989 TFLOPS, SXM)"),
    ("H100", 989.4e12, "NVIDIA H100 datasheet (dense BF16 989 TFLOPS, SXM)"),
    ("A100", 312e12, "NVIDIA A100 datasheet (dense BF16 312 TFLOPS)"),
    ("L4", 121e12, "NVIDIA L4 datasheet (BF16 242 TFLOPS with sparsity, 121 dense)"),
)


def block_params(d_model: int) -> int:
    """Weights of one pre-norm block without biases: attention 4 d², MLP 8 d², two LayerNorms."""
    return 12 * d_model * d_model + 2 * d_model


def non_embedding_params(n_layer: int, d_model: int) -> int:
    """Kaplan et al. 2020's N: every weight except the token and position embeddings.

    The output head is tied to the token embedding, so it is not counted here either.
    """
    return n_layer * block_params(d_model) + d_model  # + final LayerNorm


def total_params(n_layer: int, d_model: int, vocab_size: int, context: int) -> int:
    """All weights: non-embedding, token embedding (tied with the head) and positions."""
    return non_embedding_params(n_layer, d_model) + (vocab_size + context) * d_model


def flops_per_token(n_layer: int, d_model: int, vocab_size: int, context: int) -> int:
    """Training FLOPs per token: ``6 (N + V d) + 12 L d T`` (PaLM App. B; nanoGPT).

    ``N + V d`` is the non-embedding count plus the tied output head's matmul (the input lookup
    costs no FLOPs); ``12 L d T`` is attention over a full context of ``T`` tokens.
    """
    matmul = non_embedding_params(n_layer, d_model) + vocab_size * d_model
    return 6 * matmul + 12 * n_layer * d_model * context


def peak_flops(device_name: str) -> tuple[float, str] | None:
    """Peak FLOP/s and its source for a CUDA device name; None when the device is not listed."""
    for fragment, peak, source in PEAK_FLOPS:
        if fragment in device_name:
            return peak, source
    return None


def mfu(tokens_per_s: float, per_token: float, device_name: str) -> float | None:
    """Model FLOPs utilisation: achieved training FLOP/s over the device's peak (None on CPU)."""
    peak = peak_flops(device_name)
    return None if peak is None else tokens_per_s * per_token / peak[0]


__all__ = [
    "PEAK_FLOPS",
    "flops_per_token",
    "mfu",
    "non_embedding_params",
    "peak_flops",
    "total_params",
]
