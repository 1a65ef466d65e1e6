"""Downstream scaling: does accuracy on each task keep rising with model size?

:func:`load_scores` reads any table of (model, size, task, score); :func:`analyze` fits each
task's trend in log size, the gain of the last 10x, inverse scaling and saturation.
"""

from scalewall.downstream.table import load_scores
from scalewall.downstream.tasks import KNOWN_TASKS, TaskInfo
from scalewall.downstream.trends import DownstreamResult, analyze, holm, line_fit, wilson

__all__ = [
    "KNOWN_TASKS",
    "DownstreamResult",
    "TaskInfo",
    "analyze",
    "holm",
    "line_fit",
    "load_scores",
    "wilson",
]
