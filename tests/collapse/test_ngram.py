"""Character n-gram model: exact smoothed probabilities, and collapse under replace."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from scalewall.collapse.corpus import Corpus
from scalewall.collapse.loop import run
from scalewall.collapse.models.ngram import JUDGE_EDGES, JUDGE_HIST, Ngram
from scalewall.collapse.policies import Accumulate, Policy, Samples, SamplingBias


def test_log_prob_is_add_alpha_and_bias_sampling_is_valid(tmp_path: Path) -> None:
    f = tmp_path / "c.txt"
    f.write_text("abab" * 30 + "abc" * 10)
    model = Ngram(Corpus.load(str(f)), order=2, alpha=0.5, seq_len=8)
    seq = np.array([[[0, 1, 0, 1, 0, 1, 0, 1]]])  # 'abababab'
    fitted = model.fit(Samples.full(seq), np.random.default_rng(0))
    # counts after 'a': b x4; after 'b': a x3; V = 3 ('a','b','c'); add-0.5 smoothing
    expect = 4 * np.log(4.5 / 5.5) + 3 * np.log(3.5 / 4.5)
    assert np.isclose(fitted.log_prob(seq)[0, 0], expect)
    s = fitted.sample(50, np.random.default_rng(1), SamplingBias(temperature=0.5, top_k=1))
    assert (s.values[0, :, 1:] != s.values[0, :, :-1]).all()  # greedy: a->b->a...


def test_replace_raises_heldout_perplexity_more_than_accumulate(data_dir: Path) -> None:
    model = Ngram(Corpus.load("tinyshakespeare"), order=3, alpha=1e-3)
    last = {}
    for name, pol in (("replace", Policy(n=150)), ("accumulate", Policy(Accumulate(), n=150))):
        df = run(model, pol, 5, 2, seed=41)
        ppl = df[df.metric == "heldout_ppl"].pivot(
            index="seed", columns="generation", values="value"
        )
        last[name] = ppl[5].to_numpy() / ppl[1].to_numpy()
    assert (last["replace"] > last["accumulate"]).all()
    assert (last["replace"] > 1.0).all()


def test_judge_perplexity_histogram_is_a_distribution_around_its_median(data_dir: Path) -> None:
    df = run(Ngram(Corpus.load("tinyshakespeare"), order=3, alpha=1e-3), Policy(n=200), 3, 2, 5)
    wide = df.pivot_table(index=["seed", "generation"], columns="metric", values="value")
    hist = wide[list(JUDGE_HIST)].to_numpy()
    assert np.allclose(hist.sum(axis=1), 1.0)
    # The median's bin is where the cumulative share first reaches one half.
    crossing = (hist.cumsum(axis=1) >= 0.5).argmax(axis=1)
    upper = np.append(JUDGE_EDGES, np.inf)[crossing]
    lower = np.concatenate([[1.0], JUDGE_EDGES])[crossing]
    median = wide["judge_ppl"].to_numpy()
    assert ((lower <= median) & (median <= upper)).all()
