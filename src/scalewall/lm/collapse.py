"""LM collapse: generations of models, each trained on text sampled from the previous one.

Generation 0 trains on real text (``sequences`` windows of ``context + 1`` tokens from the
training split). Each later generation trains, from scratch and for the same number of epochs (as Gerstgrasser et
al. 2024 do, so an accumulating set costs more compute), on
the set that the collapse engine's :class:`~scalewall.collapse.policies.Policy` builds from the
real windows and the synthetic samples so far (replace, accumulate, accumulate-subsample,
keep-real, fresh; ``fresh-F`` draws its real share from the training split beyond those
windows), with the policy's sampling bias (temperature, top-p). After each generation:

* ``real_ppl``: held-out real perplexity, ``exp`` of the held-out cross-entropy;
* ``judge_ppl``: mean per-sequence perplexity of the generation's samples under the frozen
  generation-0 model (Shumailov et al. 2024, Fig. 1b), with its histogram in the history;
* ``distinct_4``: distinct token 4-grams over all 4-grams of the samples (Li et al. 2016), through
  :func:`scalewall.collapse.metrics.distinct_n` (4-grams: character bigrams barely vary);
* ``vocab_survival``: share of the real windows' word types that appear in the samples;
* ``kept_judge_ppl``: ``judge_ppl`` of the samples that pass the curation filters.

Curation (``likelihood_keep``, ``judge``, ``dedup`` in ``[collapse]``) uses the collapse engine's
filters: the generation samples ``sequences / likelihood_keep`` texts, drops repeats, and keeps
the ``likelihood_keep`` share most likely under the frozen generation-0 model (``judge = "gen0"``)
or under the generation's own model (``"current"``), so every generation still adds about
``sequences`` texts.

A chain (one policy, one seed) is one job of the run store; it checkpoints after each generation
(the synthetic pool and the judge), so ``--resume`` continues at the next generation.
"""

from __future__ import annotations

import dataclasses
import io
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scalewall.collapse.metrics import distinct_n
from scalewall.collapse.policies import (
    Dedup,
    Filter,
    FilterContext,
    LikelihoodFilter,
    Policy,
    Pool,
    Samples,
    SamplingBias,
    make_mixer,
)
from scalewall.errors import input_error
from scalewall.lm.config import RunConfig
from scalewall.validate import check_keys

if TYPE_CHECKING:
    from scalewall.lm.sweep import Sweep
    from scalewall.runs.store import Run

JOB = "scalewall.lm.collapse:job"
SETTINGS = (
    "policies",
    "generations",
    "sequences",
    "temperature",
    "top_p",
    "epochs",
    "likelihood_keep",
    "judge",
    "dedup",
)
METRICS = ("real_ppl", "judge_ppl", "distinct_4", "vocab_survival", "kept_judge_ppl")
#: log10 bin edges of the judge-perplexity histogram (per-sequence perplexity 1 to 1e4).
JUDGE_BINS = np.linspace(0.0, 4.0, 41)


def parse_policy(name: str) -> Policy:
    """``replace``, ``accumulate``, ``accumulate-subsample``, ``keep-real-F`` or ``fresh-F``."""
    head, _, frac = name.rpartition("-")
    try:
        fraction = float(frac)
    except ValueError:
        return Policy(mix=make_mixer(name))
    return Policy(mix=make_mixer(head, fraction))


def check_settings(s: Mapping[str, Any], source: str) -> None:
    check_keys(s, SETTINGS, source)
    for p in s.get("policies", []):
        parse_policy(str(p))
    SamplingBias(float(s.get("temperature", 1.0)), float(s.get("top_p", 1.0)))
    curation_filters(s)
    if int(s.get("generations", 5)) < 2 or int(s.get("sequences", 600)) < 2:
        raise input_error("generations and sequences must be >= 2", source=source)


def curation_filters(s: Mapping[str, Any]) -> tuple[Filter, ...]:
    """The ``[collapse]`` table's curation as the collapse engine's filters (dedup first)."""
    keep, judge, dedup = (
        s.get("likelihood_keep", 0.0),
        s.get("judge", "gen0"),
        s.get("dedup", False),
    )
    if judge not in ("gen0", "current"):
        raise input_error("[collapse] judge must be gen0 or current", got=judge)
    if not isinstance(dedup, bool):
        raise input_error("[collapse] dedup must be true or false", got=dedup)
    if isinstance(keep, bool) or not isinstance(keep, int | float):
        raise input_error("[collapse] likelihood_keep must be a number in [0, 1]", got=keep)
    filters: list[Filter] = [Dedup()] if dedup else []
    if keep > 0:
        filters.append(LikelihoodFilter(float(keep), "gen0" if judge == "gen0" else "current"))
    return tuple(filters)


@dataclasses.dataclass(frozen=True)
class _TextDensity:
    """A trained LM as the likelihood filter sees it: log-probability of each sampled text."""

    model: Any

    def log_prob(self, values: NDArray[np.int64]) -> NDArray[np.float64]:
        import torch

        from scalewall.lm.train import token_losses

        s, m = values.shape[:2]
        nll = token_losses(self.model, values.reshape(s * m, -1), torch.device("cpu"))
        return -nll.sum(axis=1).reshape(s, m)


def chain_configs(sweep: Sweep) -> list[tuple[str, dict[str, Any]]]:
    """One job per (policy, seed)."""
    s = sweep.collapse
    out = []
    for policy in s.get("policies", ["replace", "accumulate", "keep-real-0.1"]):
        for seed in sweep.seeds:
            cfg = dataclasses.replace(sweep.base, seed=seed)
            out.append(
                (
                    JOB,
                    {
                        "run": cfg.to_dict(),
                        "policy": str(policy),
                        "generations": int(s.get("generations", 5)),
                        "sequences": int(s.get("sequences", 600)),
                        "temperature": float(s.get("temperature", 1.0)),
                        "top_p": float(s.get("top_p", 1.0)),
                        "epochs": float(s.get("epochs", 3.0)),
                        "curation": {
                            k: s[k] for k in ("likelihood_keep", "judge", "dedup") if k in s
                        },
                    },
                )
            )
    return out


def _words(texts: Sequence[str]) -> list[list[str]]:
    return [t.split() for t in texts]


def _pack(state: Mapping[str, Any]) -> bytes:
    import torch

    buf = io.BytesIO()
    torch.save(dict(state), buf)
    return buf.getvalue()


def job(config: Mapping[str, Any], run: Run) -> dict[str, Any]:
    """Executor entry point: one collapse chain into ``run`` (resumes at the next generation)."""
    import torch

    from scalewall.lm.data import TokenData, eval_windows, prepare
    from scalewall.lm.sample import sample
    from scalewall.lm.train import evaluate, load_model, token_losses, train

    cfg = RunConfig(**config["run"])
    policy = dataclasses.replace(
        parse_policy(config["policy"]),
        n=config["sequences"],
        bias=SamplingBias(config["temperature"], config["top_p"]),
        filters=curation_filters(config.get("curation", {})),
    )
    keep = float(config.get("curation", {}).get("likelihood_keep", 0.0)) or 1.0
    data = prepare(cfg)
    tok, T, n = data.tokenizer, cfg.context, config["sequences"]
    rows = data.train[: n * (T + 1)].reshape(-1, T + 1)
    if len(rows) < n:
        raise input_error(f"the corpus has {len(rows)} windows of context + 1 tokens; {n} asked")
    real_words = {w for ws in _words([tok.decode(r) for r in rows]) for w in ws}
    prompt = int(tok.encode("\n")[0]) if "\n" in tok.decode(list(range(tok.vocab_size))) else 0
    spare = data.train[n * (T + 1) :]
    spare = spare[: len(spare) // (T + 1) * (T + 1)].reshape(-1, T + 1)

    def draw_real(k: int, rng: np.random.Generator) -> Samples:
        """Fresh real windows for ``fresh-F``: unseen ones from the rest of the training split."""
        if k > len(spare):
            raise input_error(
                f"fresh real data: the corpus has {len(spare)} windows beyond the {n} real "
                f"ones and {k} are asked per generation",
                fix="use a larger corpus or fewer sequences",
            )
        return Samples.of(spare[rng.choice(len(spare), size=k, replace=False)])

    pool = Pool(real=Samples.of(rows), draw_real=draw_real, history=policy.mix.history)
    history: list[dict[str, Any]] = []
    start, judge_bytes = 0, None
    saved = run.checkpoint()
    if saved is not None:
        state = torch.load(io.BytesIO(saved), weights_only=False)
        for s in state["synthetic"]:
            pool = pool.add(Samples.of(s))
        start, history, judge_bytes = state["next"], state["history"], state["judge"]
    windows = eval_windows(data.val, T, cfg.eval_tokens)
    for g in range(start, config["generations"]):
        rng = np.random.default_rng([cfg.seed, g])
        train_rows = policy.training_set(pool, g + 1, rng).valid(0)
        tokens = round(config["epochs"] * train_rows.size)  # fixed epochs: accumulate trains longer
        gcfg = dataclasses.replace(cfg, tokens=tokens, seed=cfg.seed + 7919 * g)
        gdata = TokenData(tok, np.ascontiguousarray(train_rows.ravel()), data.val)
        model_run = _MemoryRun()
        train(gcfg, model_run, data=gdata)
        model = load_model(cfg, model_run.data, "cpu")
        if judge_bytes is None:
            judge_bytes = model_run.data
        judge = load_model(cfg, judge_bytes, "cpu")
        prompts = np.full((math.ceil(n / keep), 1), prompt, dtype=np.int64)
        synth = sample(
            model,
            prompts,
            T,
            temperature=policy.bias.temperature,
            top_p=policy.bias.top_p,
            seed=cfg.seed * 100_003 + g,
        )
        seq_ppl = np.exp(token_losses(judge, synth, torch.device("cpu")).mean(axis=1))
        ctx = FilterContext(current=_TextDensity(model), judge=_TextDensity(judge))
        curated = policy.curate(Samples.of(synth), ctx, rng)
        words = _words([tok.decode(r[1:]) for r in synth])
        seen = {w for ws in words for w in ws}
        hist, _ = np.histogram(np.log10(seq_ppl), bins=JUDGE_BINS)
        history.append(
            {
                "generation": g,
                "real_ppl": math.exp(evaluate(model, windows, torch.device("cpu"))),
                "judge_ppl": float(seq_ppl.mean()),
                "distinct_4": distinct_n(synth[:, 1:], 4, tok.vocab_size),
                "vocab_survival": len(seen & real_words) / len(real_words),
                "kept_judge_ppl": float(seq_ppl[curated.mask[0]].mean()),
                "train_items": len(train_rows),
                "judge_hist": hist.tolist(),
            }
        )
        pool = pool.add(curated)
        kept = [s.valid(0) for s in pool.synthetic]
        run.save(
            _pack({"next": g + 1, "history": history, "synthetic": kept, "judge": judge_bytes}),
            history,
        )
    final = {"policy": config["policy"], "seed": cfg.seed, "generations": history}
    run.finish(final, history)
    return final


@dataclasses.dataclass
class _MemoryRun:
    """Keeps a generation's final checkpoint in memory (the chain stores its own state)."""

    data: bytes = b""
    id: str = "generation"

    def checkpoint(self) -> None:
        return None

    def save(self, checkpoint: bytes, history: list[dict[str, Any]]) -> None:
        self.data = checkpoint

    def finish(self, final: Mapping[str, Any], history: list[dict[str, Any]]) -> None:
        return None


def tidy(finals: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """seed x policy x generation x metric, one value per row."""
    rows = [
        {
            "model": "tiny-lm",
            "policy": f["policy"],
            "seed": f["seed"],
            "generation": h["generation"],
            "metric": m,
            "value": h[m],
        }
        for f in finals
        for h in f["generations"]
        for m in METRICS
    ]
    return pd.DataFrame(rows)


def summarise(df: pd.DataFrame, level: float = 0.95) -> list[dict[str, Any]]:
    """Across seeds: mean, median and the percentile range (lo, hi) at ``level``."""
    q = (1 - level) / 2
    g = df.groupby(["model", "policy", "generation", "metric"], sort=False)["value"]
    s = g.agg(mean="mean", median="median", n_seeds="count")
    s["lo"], s["hi"] = g.quantile(q), g.quantile(1 - q)
    out = s.reset_index()[
        ["model", "policy", "generation", "metric", "mean", "median", "lo", "hi", "n_seeds"]
    ]
    return [{str(k): v for k, v in r.items()} for r in out.to_dict("records")]


def analyse(
    sweep: Sweep,
    jobs: Sequence[tuple[str, Mapping[str, Any]]],
    finals: Sequence[Mapping[str, Any]],
    out: Path,
) -> dict[str, Any]:
    """``collapse.csv`` (tidy), ``judge_hist.csv`` and the ``--json`` payload with ``summary``."""
    from scalewall.storage import write_csv, write_json

    df = tidy(finals)
    write_csv(out / "collapse.csv", df)
    hist = pd.DataFrame(
        [
            {
                "policy": f["policy"],
                "seed": f["seed"],
                "generation": h["generation"],
                "log10_ppl_lo": JUDGE_BINS[i],
                "log10_ppl_hi": JUDGE_BINS[i + 1],
                "count": c,
            }
            for f in finals
            for h in f["generations"]
            for i, c in enumerate(h["judge_hist"])
        ]
    )
    write_csv(out / "judge_hist.csv", hist)
    payload = {
        "schema_version": 1,
        "name": sweep.name,
        "kind": sweep.kind,
        "runs_table": str(out / "collapse.csv"),
        "n_runs": len(finals),
        "fit": None,
        "summary": summarise(df, float(sweep.analysis.get("level", 0.95))),
    }
    write_json(out / "sweep.json", payload)
    return payload


__all__ = [
    "METRICS",
    "analyse",
    "chain_configs",
    "check_settings",
    "job",
    "parse_policy",
    "summarise",
    "tidy",
]
