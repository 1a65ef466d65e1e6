"""Character and word n-gram language models with add-alpha smoothing, fitted on a corpus.

All seeds share one count table: n-gram codes are offset by ``seed * V^k``, so fitting is one
``np.unique`` and sampling advances every sequence of every seed by one token per step with a
binary search (about 10^6-10^7 tokens a second on one core; see benchmarks/bench_collapse.py).
An item is a token-id row of length ``seq_len``; real items are random windows of the corpus's
training part, and a synthetic row starts from the first ``order - 1`` tokens of a training row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scalewall.collapse import metrics
from scalewall.collapse.corpus import Corpus
from scalewall.collapse.models.base import Metrics, draw_categorical, no_bias, seed_counts
from scalewall.collapse.policies import Samples, SamplingBias
from scalewall.errors import input_error

F = NDArray[np.float64]
I64 = NDArray[np.int64]

#: Samples scored by the text-diversity metrics that are quadratic in the sample count.
SELF_BLEU_SAMPLES = 32
COMPRESSION_SAMPLES = 200


def window_codes(x: I64, k: int, v: int) -> I64:
    """Codes of every length-``k`` window along the last axis of ``x``: ``(..., L - k + 1)``."""
    length = x.shape[-1]
    code = np.zeros((*x.shape[:-1], length - k + 1), dtype=np.int64)
    for i in range(k):
        code = code * v + x[..., i : length - k + 1 + i]
    return code


@dataclass(frozen=True)
class FittedNgram:
    """Counts of every seed's n-grams in one sorted table (codes offset by seed)."""

    model: Ngram
    keys: I64  # sorted: (seed * V^(k-1) + context) * V + next
    cum0: F  # 0, then cumulative counts along keys
    ctx_keys: I64  # sorted seed * V^(k-1) + context
    ctx_first: I64  # index in keys of each context's first entry
    ctx_total: F
    starts: I64  # (S, m, k-1) start contexts, present rows first
    n_starts: I64  # (S,)
    seen_types: F  # (S,) share of the corpus's training types present in the fit's data

    @property
    def seeds(self) -> int:
        return int(self.starts.shape[0])

    def _context(self, ctx: I64) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
        pos = np.minimum(np.searchsorted(self.ctx_keys, ctx), self.ctx_keys.size - 1)
        return pos, self.ctx_keys[pos] == ctx

    def _offsets(self) -> tuple[I64, np.int64]:
        k, v = self.model.order, self.model.v
        return np.arange(self.seeds, dtype=np.int64) * v ** (k - 1), np.int64(v ** (k - 1))

    def token_logp(self, x: I64) -> F:
        """Log-probability of each token after the first ``order - 1`` of rows ``x (S, ..., L)``."""
        k, v, a = self.model.order, self.model.v, self.model.alpha
        off, _ = self._offsets()
        shape = (self.seeds,) + (1,) * (x.ndim - 1)
        full = window_codes(x, k, v) + (off * v).reshape(shape)
        ctx = full // v
        pos, found = self._context(ctx)
        total = np.where(found, self.ctx_total[pos], 0.0)
        kpos = np.minimum(np.searchsorted(self.keys, full), self.keys.size - 1)
        cnt = np.where(self.keys[kpos] == full, np.diff(self.cum0)[kpos], 0.0)
        return np.log((cnt + a) / (total + a * v))

    def log_prob(self, values: NDArray[Any]) -> F:
        return self.token_logp(values.astype(np.int64)).sum(axis=-1)

    def _dense(self, ctx: I64) -> F:
        """Smoothed next-token probabilities ``(R, V)`` for context codes ``ctx (R,)``."""
        v, a = self.model.v, self.model.alpha
        pos, found = self._context(ctx)
        p = np.full((ctx.size, v), a)
        lo = np.where(found, self.ctx_first[pos], 0)
        hi = np.where(found, np.append(self.ctx_first[1:], self.keys.size)[pos], 0)
        lens = hi - lo
        rows = np.repeat(np.arange(ctx.size), lens)
        ent = np.repeat(lo - np.cumsum(lens) + lens, lens) + np.arange(lens.sum())
        np.add.at(p, (rows, self.keys[ent] % v), np.diff(self.cum0)[ent])
        return p / p.sum(axis=1, keepdims=True)

    def sample(self, n: int, rng: np.random.Generator, bias: SamplingBias) -> Samples:
        k, v, a, length = self.model.order, self.model.v, self.model.alpha, self.model.seq_len
        s = self.seeds
        pick = np.floor(rng.random((s, n)) * self.n_starts[:, None]).astype(np.intp)
        out = np.empty((s, n, length), dtype=np.int64)
        out[..., : k - 1] = np.take_along_axis(self.starts, pick[..., None], 1)
        off, vk1 = self._offsets()
        ctx = (
            window_codes(out[..., : k - 1], k - 1, v)[..., 0]
            if k > 1
            else np.zeros((s, n), np.int64)
        )
        ctx = (ctx + off[:, None]).ravel()
        base = np.repeat(off, n)
        chunk = max(1, 4_000_000 // v)
        for j in range(k - 1, length):
            if bias.neutral:
                pos, found = self._context(ctx)
                total = np.where(found, self.ctx_total[pos], 0.0)
                u = rng.random(ctx.size) * (total + a * v)
                before = self.cum0[np.where(found, self.ctx_first[pos], 0)]
                idx = np.minimum(
                    np.searchsorted(self.cum0, before + u, side="right") - 1, self.keys.size - 1
                )
                uniform = np.minimum(((u - total) / a).astype(np.int64), v - 1) if a > 0 else 0
                tok = np.where(u < total, self.keys[idx] % v, uniform)
            else:
                tok = np.concatenate(
                    [
                        draw_categorical(bias.apply(self._dense(ctx[i : i + chunk])), 1, rng)[:, 0]
                        for i in range(0, ctx.size, chunk)
                    ]
                )
            out[..., j] = tok.reshape(s, n)
            ctx = base + ((ctx - base) * v + tok) % vk1 if k > 1 else ctx
        return Samples.full(out)

    def score(self, samples: Samples, judge: Any) -> Metrics:
        heldout = self.model.heldout_rows()
        nll = -self.token_logp(np.broadcast_to(heldout, (self.seeds, *heldout.shape)))
        out: dict[str, list[float]] = {k: [] for k in TEXT_METRICS}
        judge_ppl = np.exp(-judge.token_logp(samples.values).mean(axis=-1))
        hist_n = len(JUDGE_HIST)
        v = self.model.v
        for i in range(self.seeds):
            rows = samples.valid(i)
            out["distinct_1"].append(metrics.distinct_n(rows, 1, v))
            out["distinct_2"].append(metrics.distinct_n(rows, 2, v))
            out["distinct_3"].append(metrics.distinct_n(rows, 3, v))
            out["type_token_ratio"].append(metrics.type_token_ratio(rows.ravel()))
            text = "\n".join(self.model.corpus.decode(r) for r in rows[:COMPRESSION_SAMPLES])
            out["compression_ratio"].append(metrics.compression_ratio(text))
            out["self_bleu"].append(metrics.self_bleu(rows[:SELF_BLEU_SAMPLES]))
            ppl = judge_ppl[i][samples.mask[i]]
            out["judge_ppl"].append(float(np.median(ppl)))
            out["judge_ppl_p90"].append(float(np.quantile(ppl, 0.9)))
            hist = np.bincount(np.searchsorted(JUDGE_EDGES, ppl, side="right"), minlength=hist_n)
            for name, share in zip(JUDGE_HIST, hist / max(ppl.size, 1), strict=True):
                out[name].append(float(share))
        res = {k: np.asarray(x) for k, x in out.items()}
        res["heldout_ppl"] = np.exp(nll.mean(axis=(1, 2)))
        res["vocab_survival"] = self.seen_types
        return res


#: Histogram of the samples' perplexity under the frozen generation-1 judge, in doubling bins:
#: ``judge_ppl_hist_<e>`` is the share of samples with perplexity in [e/2, e) (the first bin
#: starts at 1, the last, ``judge_ppl_hist_inf``, holds everything from 2^11 up).
JUDGE_EDGES = 2.0 ** np.arange(1, 12)
JUDGE_HIST = (*(f"judge_ppl_hist_{int(e)}" for e in JUDGE_EDGES), "judge_ppl_hist_inf")

#: Text metrics computed on each generation's samples (documented in the README).
TEXT_METRICS = (
    "distinct_1",
    "distinct_2",
    "distinct_3",
    "type_token_ratio",
    "compression_ratio",
    "self_bleu",
    "judge_ppl",
    "judge_ppl_p90",
    *JUDGE_HIST,
)


@dataclass(frozen=True)
class Ngram:
    """Order-``order`` n-gram LM with add-``alpha`` smoothing over the corpus vocabulary.

    ``seq_len`` tokens per item; ``heldout_tokens`` of the held-out part score perplexity.
    """

    corpus: Corpus
    order: int = 3
    alpha: float = 0.01
    seq_len: int = 64
    heldout_tokens: int = 20_000

    def __post_init__(self) -> None:
        if self.order < 1:
            raise input_error("n-gram order must be >= 1", got=self.order)
        if self.seq_len <= self.order:
            raise input_error(f"seq_len must exceed the order {self.order}", got=self.seq_len)
        if not self.alpha > 0:
            raise input_error("smoothing alpha must be > 0", got=self.alpha)
        if float(self.v) ** self.order * 1e4 > 2.0**62:
            raise input_error(f"order {self.order} is too large for a vocabulary of {self.v}")

    @property
    def name(self) -> str:
        return f"{self.corpus.level}-ngram"

    @property
    def v(self) -> int:
        return len(self.corpus.vocab)

    def heldout_rows(self) -> I64:
        h = self.corpus.heldout[: self.heldout_tokens]
        rows = h.size // self.seq_len
        return h[: rows * self.seq_len].reshape(rows, self.seq_len)

    def real(self, seeds: int, n: int, rng: np.random.Generator) -> Samples:
        train = self.corpus.train
        if train.size <= self.seq_len:
            raise input_error(f"the corpus has {train.size} training tokens; need > {self.seq_len}")
        start = rng.integers(0, train.size - self.seq_len, (seeds, n))
        return Samples.full(train[start[..., None] + np.arange(self.seq_len)])

    def fit(self, data: Samples, rng: np.random.Generator) -> FittedNgram:
        k, v = self.order, self.v
        s = data.compact()
        x = s.values.astype(np.int64)
        off = np.arange(s.seeds, dtype=np.int64) * v**k
        full = (window_codes(x, k, v) + off[:, None, None])[s.mask]
        keys, counts = np.unique(full.ravel(), return_counts=True)
        ctx_keys, first = np.unique(keys // v, return_index=True)
        cum0 = np.concatenate([[0.0], np.cumsum(counts, dtype=float)])
        types = seed_counts(x.reshape(s.seeds, -1), np.repeat(s.mask, x.shape[2], axis=1), v) > 0
        real_types = max(1, np.unique(self.corpus.train).size)
        return FittedNgram(
            model=self,
            keys=keys,
            cum0=cum0,
            ctx_keys=ctx_keys,
            ctx_first=first.astype(np.int64),
            ctx_total=np.add.reduceat(counts, first).astype(float),
            starts=x[..., : k - 1],
            n_starts=s.counts(),
            seen_types=types.sum(axis=1) / real_types,
        )


def no_ngram_bias(bias: SamplingBias) -> None:
    """N-gram models take every sampling bias; kept for symmetry with the other models."""
    no_bias(bias, "ngram", allowed=("temperature", "top_p", "top_k"))
