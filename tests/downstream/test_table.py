"""Reading score tables: wide and long give the same scores; bad tables give one-line errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scalewall.downstream.table import load_scores
from scalewall.downstream.tasks import KNOWN_TASKS
from scalewall.downstream.trends import analyze
from scalewall.errors import InputError

WIDE = pd.DataFrame(
    {
        "model": ["a", "a", "b", "b", "c", "c"],
        "step": [1, 9, 1, 9, 1, 9],
        "params": [1e8, 1e8, 1e9, 1e9, 1e10, 1e10],
        "piqa_acc": [0.5, 0.6, 0.5, 0.7, 0.5, 0.8],
        "sciq_acc": [0.2, 0.5, 0.2, 0.6, 0.2, 0.9],
    }
)


def test_wide_keeps_last_step_and_names_tasks() -> None:
    s = load_scores(WIDE)
    assert sorted(s["task"].unique()) == ["piqa", "sciq"]
    assert s[s["task"] == "piqa"]["score"].tolist() == [0.6, 0.7, 0.8]
    assert s["size"].tolist()[:3] == [1e8, 1e9, 1e10]


def test_long_and_wide_agree() -> None:
    last = WIDE[WIDE["step"] == 9]
    long = last.melt(id_vars=["model", "params"], value_vars=["piqa_acc", "sciq_acc"])
    long = long.rename(columns={"variable": "task", "value": "score"})
    long["task"] = long["task"].str.removesuffix("_acc")
    a, b = analyze(load_scores(WIDE)), analyze(load_scores(long))
    pd.testing.assert_frame_equal(a.tasks, b.tasks)


@pytest.mark.parametrize(
    ("frame", "kw", "match"),
    [
        (WIDE.drop(columns="params"), {}, r"column 'params' \(model size\) not found.*--size-col"),
        (WIDE.assign(piqa_acc=WIDE["piqa_acc"] * 100), {}, r"row 1, column 'piqa_acc'.*\[0, 1\]"),
        (WIDE.assign(params=-1.0), {}, r"row 1, column 'params': model size"),
        (WIDE.assign(params="big"), {}, r"row 1, column 'params': expected a number"),
        (WIDE, {"score_col": "*_f1"}, r"no column matches '\*_f1'"),
        (WIDE.drop(columns="step"), {}, r"model 'a' has more than one score for task 'piqa'"),
        (WIDE, {"task_col": "benchmark"}, r"column 'benchmark' \(task\) not found"),
    ],
)
def test_bad_tables_raise_one_line(frame: pd.DataFrame, kw: dict[str, str], match: str) -> None:
    with pytest.raises(InputError, match=match) as e:
        load_scores(frame, **kw)
    assert "\n" not in str(e.value)


def test_too_few_models_per_task() -> None:
    two = WIDE[WIDE["model"] != "c"]
    with pytest.raises(InputError, match="task 'piqa' has 2 model"):
        analyze(load_scores(two))


def test_pythia_final_checkpoints_and_test_set_sizes(data_dir: Path) -> None:
    s = load_scores("pythia-zeroshot")
    # 8 sizes, deduped and standard each, but 1B only as deduped and bf16 (Pythia v1 evals)
    assert s["model"].nunique() == 16 and s["size"].nunique() == 8
    assert sorted(s["task"].unique()) == sorted(KNOWN_TASKS)
    raw = pd.read_csv(data_dir / "pythia_v1_zeroshot_evals_by_checkpoint.csv")
    row = s[(s["model"] == "pythia-12b/deduped") & (s["task"] == "lambada_openai")]
    final = raw[(raw["model"] == "pythia-12b") & (raw["variant"] == "deduped")]
    assert row["score"].item() == final.loc[final["step"].idxmax(), "lambada_openai_acc"]
    # every score of every checkpoint times its test-set size is a count of correct items,
    # which checks the sizes in KNOWN_TASKS
    for task, info in KNOWN_TASKS.items():
        k = raw[f"{task}_acc"].to_numpy() * info.n_examples
        assert np.abs(k - np.round(k)).max() < 1e-6, task
