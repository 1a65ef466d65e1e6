"""Every ``scalewall ...`` line of the README's ```sh blocks runs, in-process, on the registry's data.

Replicate counts are cut to small numbers (:data:`SMALL`) so the whole file stays fast; what is
checked is that each documented command is accepted and exits 0, not its numbers (those have their
own tests). A placeholder file named in an example (``runs.csv``) is generated in a temporary folder
with the odd column names the example maps; a new placeholder needs a generator in
:data:`PLACEHOLDERS`, and the test says so.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import typer.main
from typer.testing import CliRunner

from scalewall.cli.app import app
from scalewall.data.registry import ENV_VAR

README = Path(__file__).resolve().parents[1] / "README.md"
runner = CliRunner()

#: Replicate options and the value each is cut to (only ever lowered).
SMALL = {"--bootstrap": 5, "--draws": 2000, "--seeds": 20, "--repeats": 5}
#: Commands that refuse fewer replicates than this (their intervals need them).
FLOOR = {"benchmarks": {"--bootstrap": 50}}
#: Examples that take several CPU seconds even so (dozens of fits), marked slow but still run.
SLOW = ("--scheme rolling", "--scheme logo")
#: Commands not run here, with the reason.
SKIP = {
    "demo": "the demo has its own test (tests/report/test_demo.py)",
    "report": "rebuilds a demo's stored results; tested with the demo",
    "sweep": "trains small language models for minutes (the README gives 1-15 min per preset); "
    "the sweep machinery has its own fast tests (tests/lm)",
}
#: Commands that need an optional extra.
NEEDS = {"sweep": "torch", "lm": "torch"}
#: Options whose value is a file the command writes (never a placeholder to generate).
OUTPUTS = {"--json", "--out", "-o", "--write-preset", "--csv", "--figure", "--claims-markdown"}


def _runs_csv(path: Path) -> None:
    """A Chinchilla grid (Besiroglu et al. 2024's fit, 1% noise) with a user's column names."""
    rng = np.random.default_rng(0)
    N = np.repeat(np.geomspace(7e7, 1.6e10, 6), 6)
    D = np.tile(np.geomspace(1e9, 5e11, 6), 6)
    val = (1.82 + 482.0 * N**-0.348 + 2085.0 * D**-0.366) * np.exp(rng.normal(0, 0.01, N.size))
    table = {"params": N, "tokens": D, "flops": 6 * N * D, "val_loss": val, "loss": val}
    pd.DataFrame(table).to_csv(path, index=False)


def _scores_csv(path: Path) -> None:
    """A long downstream table: 8 models, 2 tasks, accuracy rising with log size."""
    sizes = np.geomspace(7e7, 1.2e10, 8)
    rows = [
        {"name": f"m{i}", "n_params": n, "benchmark": t, "acc": 0.3 + s * np.log10(n / 7e7)}
        for i, n in enumerate(sizes)
        for t, s in (("qa", 0.08), ("cloze", 0.05))
    ]
    pd.DataFrame(rows).to_csv(path, index=False)


def _evals_parquet(path: Path) -> None:
    """A wide downstream table: 6 sizes x 2 checkpoints, one ``*_accuracy`` column per task."""
    sizes = np.repeat(np.geomspace(1e8, 1e10, 6), 2)
    step = np.tile([1000, 2000], 6)
    x = np.log10(sizes / 1e8) + step / 4000
    table = {"params": sizes, "step": step, "qa_accuracy": 0.3 + 0.1 * x}
    pd.DataFrame({**table, "cloze_accuracy": 0.4 + 0.05 * x}).to_parquet(path)


def _hub(score: str, scale: float, names: dict[str, str] | None = None) -> Callable[[Path], None]:
    """A benchmark file in the hub's layout (or with a user's column ``names``): 30 models over
    six years of releases and five decades of compute, scores rising with log compute."""

    def write(path: Path) -> None:
        rng = np.random.default_rng(1)
        log_c = np.linspace(21, 26, 30)
        table = {
            "Model version": [f"model-{i}" for i in range(30)],
            "Release date": pd.date_range("2019-01-01", periods=30, freq="70D").strftime(
                "%Y-%m-%d"
            ),
            "Training compute (FLOP)": 10**log_c,
            "Organization": ["lab"] * 30,
            score: scale * np.clip(0.1 + 0.15 * (log_c - 21) + rng.normal(0, 0.03, 30), 0, 1),
        }
        pd.DataFrame(table).rename(columns=names or {}).to_csv(path, index=False)

    return write


def _passk_csv(path: Path) -> None:
    """Per-problem sample counts of two checkpoints (``ckpt``, ``total``, ``solved``)."""
    rng = np.random.default_rng(2)
    rows = [
        {"ckpt": ck, "problem": f"p{i}", "total": 10, "solved": int(rng.binomial(10, p))}
        for ck, p in (("early", 0.2), ("late", 0.5))
        for i in range(20)
    ]
    pd.DataFrame(rows).to_csv(path, index=False)


def _samples_jsonl(path: Path) -> None:
    """Per-sample records (answer, correctness, a reward) of one model on 10 problems."""
    rng = np.random.default_rng(3)
    recs = []
    for q in range(10):
        for _ in range(64):
            a = int(rng.integers(0, 4))
            recs.append({"model": "m", "problem": f"q{q}", "answer": str(a), "correct": a == 0})
            recs[-1]["reward"] = float(rng.random() + (a == 0))
    path.write_text("\n".join(json.dumps(r) for r in recs) + "\n")


def _grid_csv(path: Path) -> None:
    """Coverage counts on a grid of model sizes (``N``) and training tokens (``D``)."""
    rng = np.random.default_rng(4)
    rows = [
        {"model": f"m{n:.0e}", "N": n, "D": d, "problem": f"p{i}", "n": 1024, "c": c}
        for n, d, p in ((1e8, 1e9, 0.02), (1e8, 1e10, 0.05), (1e9, 1e10, 0.2))
        for i, c in enumerate(rng.binomial(1024, p, 30))
    ]
    pd.DataFrame(rows).to_csv(path, index=False)


def _collapse_toml(path: Path) -> None:
    """A small collapse sweep: one model, two policies, three generations."""
    path.write_text(
        'models = ["categorical"]\npolicies = ["replace", "fresh"]\nfractions = [0.5]\n'
        'generations = 3\nseeds = 5\nn = [50]\n[options.categorical]\nvocab = "uniform"\n'
        "size = 10\n"
    )


def _forecast_preset(path: Path) -> None:
    """The preset the README's previous example writes (``--write-preset``)."""
    res = runner.invoke(app, ["forecast", "--scenario", "aggressive", "--write-preset", str(path)])
    assert res.exit_code == 0, res.output


#: Input files the examples name, by file name or, where two examples share a name for different
#: tables, by "command file".
PLACEHOLDERS: dict[str, Callable[[Path], None]] = {
    "runs.csv": _runs_csv,
    "passk runs.csv": _passk_csv,
    "scores.csv": _scores_csv,
    "evals.parquet": _evals_parquet,
    "my_hub_export.csv": _hub("Accuracy", 1.0),
    "mine.csv": _hub(
        "acc (%)",
        100.0,
        {
            "Model version": "name",
            "Release date": "released",
            "Training compute (FLOP)": "flop",
        },
    ),
    "samples.jsonl": _samples_jsonl,
    "my_grid.csv": _grid_csv,
    "sweep.toml": _collapse_toml,
    "my.toml": _forecast_preset,
}


def examples(text: str) -> list[str]:
    """``scalewall`` command lines of the ```sh blocks, continuation lines joined."""
    out = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip().startswith("scalewall "):
                out.append(line.strip())
    return out


def command_of(args: list[str]) -> Any:
    """The command ``args`` names, walking command groups (Typer's own click, hence duck-typed)."""
    cmd: Any = typer.main.get_command(app)
    for a in args:
        sub = getattr(cmd, "commands", {}).get(a)
        if sub is None:
            break
        cmd = sub
    return cmd


def small(args: list[str]) -> list[str]:
    """``args`` with replicate counts lowered, and ``--bootstrap`` added where it defaults high."""
    out = list(args)
    cut = {**SMALL, **FLOOR.get(args[0], {})}
    for i, a in enumerate(out[:-1]):
        if a in cut:
            out[i + 1] = str(min(int(float(out[i + 1])), cut[a]))
    options = {o for p in command_of(out).params for o in p.opts}
    if "--bootstrap" in options and "--bootstrap" not in out:
        out += ["--bootstrap", str(cut["--bootstrap"])]
    return out


def placeholders(args: list[str], folder: Path) -> None:
    """Write each input file the example names that is neither in the data folder nor output."""
    for prev, a in zip(["", *args], args, strict=False):
        if prev in OUTPUTS or not re.search(r"\.(csv|tsv|parquet|jsonl|toml)$", a):
            continue
        make = PLACEHOLDERS.get(f"{args[0]} {a}") or PLACEHOLDERS.get(a)
        if make is None:
            pytest.fail(f"README example reads '{a}': add a generator for it to PLACEHOLDERS")
        make(folder / a)


EXAMPLES = examples(README.read_text())
CASES = [
    pytest.param(e, marks=pytest.mark.slow) if any(s in e for s in SLOW) else e for e in EXAMPLES
]


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 10 and any(e.startswith("scalewall fit ") for e in EXAMPLES)


@pytest.mark.parametrize("line", CASES)
def test_readme_example_runs(
    line: str, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = shlex.split(line, comments=True)[1:]
    if args[0] in SKIP:
        pytest.skip(SKIP[args[0]])
    extra = NEEDS.get(args[0])
    if extra and importlib.util.find_spec(extra) is None:
        pytest.skip(f"'{args[0]}' needs {extra}, which is not installed")
    monkeypatch.setenv(ENV_VAR, str(data_dir))
    monkeypatch.chdir(tmp_path)
    placeholders(args, tmp_path)
    res = runner.invoke(app, small(args))
    assert res.exit_code == 0, f"{line}\n{res.stdout}\n{res.stderr}"
