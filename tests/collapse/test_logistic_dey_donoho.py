"""Logistic regression with a fixed real design against Dey & Donoho 2024's logs
("Universality of the pi^2/6 pathway", arXiv 2410.22812; apd1995/model_collapse_universality,
logistic_ML_data/diabetes_*.log): scikit-learn's bundled diabetes data, their 70/30 split."""

from __future__ import annotations

from pathlib import Path

import pytest
from collapse_mc import per_gen

from scalewall.collapse.loop import run
from scalewall.collapse.models.logistic import LogisticRegression
from scalewall.collapse.policies import Accumulate, Policy
from scalewall.collapse.reference import dey_donoho, parse_dey_donoho
from scalewall.errors import InputError


def test_discard_grows_and_augment_stays_bounded_as_in_their_logs(data_dir: Path) -> None:
    model = LogisticRegression("diabetes")
    n, gens = len(model.x_train), 30
    disc = per_gen(run(model, Policy(n=n), gens, 40, seed=51), "test_loss")
    aug = per_gen(run(model, Policy(Accumulate(), n=n), gens, 8, seed=52), "test_loss")
    log_d, log_a = (
        dey_donoho("diabetes", m).set_index("iteration") for m in ("discard", "augment")
    )
    # generation 1 is the fit on the real labels: their lbfgs stop 0.4285, our MLE 0.4305
    assert abs(disc[1].mean() - log_d.test_loss[1]) < 5e-3
    # discard ('replace') grows steadily; augment ('accumulate') stays within 5% of the start
    means = disc.mean().to_numpy()
    assert means[4] < means[14] < means[29] and means[29] > 2 * means[0]
    assert aug.mean().max() < 1.05 * aug[1].mean()
    # their single run lies inside our seeds' spread (95% band of 40 discard chains, range of
    # 8 augment chains); later discard values exceed it: their unpenalised lbfgs lets weights
    # grow further once the labels become separable than our l2 = 1e-4 does
    for t in (5, 10):
        assert disc[t].quantile(0.025) <= log_d.test_loss[t] <= disc[t].quantile(0.975), t
    for t in (5, 10, 30):
        assert aug[t].quantile(0.0) <= log_a.test_loss[t] <= aug[t].quantile(1.0), t


def test_malformed_log_names_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "x.log"
    f.write_text("2024 - INFO - Iteration 1\n2024 - INFO - Test Loss: abc, Test Accuracy: 1\n")
    with pytest.raises(InputError, match=r"x\.log line 2: 'Test Loss' is not a number"):
        parse_dey_donoho(f)
    f.write_text("2024 - INFO - Train Loss: 0.1, Train Accuracy: 1\n")
    with pytest.raises(InputError, match="line 1"):
        parse_dey_donoho(f)
    f.write_text("no records here\n")
    with pytest.raises(InputError, match="no complete"):
        parse_dey_donoho(f)
