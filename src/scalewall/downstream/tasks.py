"""What is known about each benchmark: test-set size (for evaluation noise) and chance level.

The test-set sizes are those of the splits lm-evaluation-harness scores (the harness EleutherAI
used for Pythia's zero-shot evaluations); every Pythia score in the registry's
``pythia-zeroshot`` table times its size is an integer, which ``tests/downstream`` checks. Chance
is the accuracy of a uniform guess among the answer options (0 for open-ended word prediction).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TaskInfo:
    """``n_examples`` scored items (the binomial noise of a score), ``chance`` accuracy."""

    n_examples: int
    chance: float
    source: str


#: Task name (without the ``_acc`` suffix) -> size and chance level, each with its source.
KNOWN_TASKS: dict[str, TaskInfo] = {
    "lambada_openai": TaskInfo(
        5153, 0.0, "Paperno et al. 2016 (LAMBADA), OpenAI's test split: 5,153 passages; open-ended"
    ),
    "piqa": TaskInfo(1838, 0.5, "Bisk et al. 2020 (PIQA) validation: 1,838 items, 2 options"),
    "winogrande": TaskInfo(
        1267, 0.5, "Sakaguchi et al. 2020 (WinoGrande) dev: 1,267 items, 2 options"
    ),
    "wsc": TaskInfo(104, 0.5, "Wang et al. 2019 (SuperGLUE WSC) validation: 104 items, yes/no"),
    "arc_easy": TaskInfo(2376, 0.25, "Clark et al. 2018 (ARC-Easy) test: 2,376 items, 4 options"),
    "arc_challenge": TaskInfo(
        1172, 0.25, "Clark et al. 2018 (ARC-Challenge) test: 1,172 items, 4 options"
    ),
    "sciq": TaskInfo(1000, 0.25, "Welbl et al. 2017 (SciQ) test: 1,000 items, 4 options"),
    "logiqa": TaskInfo(651, 0.25, "Liu et al. 2020 (LogiQA) test: 651 items, 4 options"),
}


def task_info(task: str) -> TaskInfo | None:
    """Known size and chance of ``task`` (a trailing ``_acc`` is ignored), or None."""
    return KNOWN_TASKS.get(task.removesuffix("_acc"))


__all__ = ["KNOWN_TASKS", "TaskInfo", "task_info"]
