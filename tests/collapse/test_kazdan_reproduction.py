"""Kazdan et al. 2024 ('Collapse or Thrive?', arXiv 2410.16713): their 1-D Gaussian runs
(W&B sweep k3mipjqi, de-duplicated on run_id + iteration) against ours, within seed noise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from collapse_mc import Z, per_gen

from scalewall.collapse.loop import run
from scalewall.collapse.models.gaussian import Gaussian
from scalewall.collapse.policies import Accumulate, Policy, Replace
from scalewall.collapse.reference import kazdan_gaussian


def test_our_gaussian_runs_match_kazdan_within_seed_noise(data_dir: Path) -> None:
    ref = kazdan_gaussian()
    assert not ref.duplicated(["run_id", "generation"]).any()
    for policy, mix in (("replace", Replace()), ("accumulate", Accumulate())):
        for n in (10, 100):
            ours = run(Gaussian(), Policy(mix, n=n), 100, 2_000, seed=31)
            for metric in ("variance", "mean_sq_error"):
                mine = per_gen(ours, metric)
                for t in (1, 10, 50, 100):
                    theirs = ref[(ref.policy == policy) & (ref.n == n) & (ref.generation == t)]
                    a, b = theirs[metric].to_numpy(), mine[t].to_numpy()
                    se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
                    assert abs(a.mean() - b.mean()) < Z * se, (policy, n, metric, t)
