"""Every ``scalewall ...`` line of the README's ```sh blocks runs, in-process, on the registry's data.

Replicate counts are cut to small numbers (:data:`SMALL`) so the whole file stays fast; what is
checked is that each documented command is accepted and exits 0, not its numbers (those have their
own tests). A placeholder file named in an example (``runs.csv``) is generated in a temporary folder
with the odd column names the example maps; a new placeholder needs a generator in
:data:`PLACEHOLDERS`, and the test says so.
"""

from __future__ import annotations

import importlib.util
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
#: Examples that take several CPU seconds even so (dozens of fits), marked slow but still run.
SLOW = ("--scheme rolling", "--scheme logo")
#: Commands not run here, with the reason.
SKIP = {
    "demo": "the demo has its own test (tests/report/test_demo.py)",
    "report": "rebuilds a demo's stored results; tested with the demo",
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


PLACEHOLDERS: dict[str, Callable[[Path], None]] = {"runs.csv": _runs_csv}


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
    for i, a in enumerate(out[:-1]):
        if a in SMALL:
            out[i + 1] = str(min(int(float(out[i + 1])), SMALL[a]))
    options = {o for p in command_of(out).params for o in p.opts}
    if "--bootstrap" in options and "--bootstrap" not in out:
        out += ["--bootstrap", str(SMALL["--bootstrap"])]
    return out


def placeholders(args: list[str], folder: Path) -> None:
    """Write each input file the example names that is neither in the data folder nor output."""
    for prev, a in zip(["", *args], args, strict=False):
        if prev in OUTPUTS or not re.search(r"\.(csv|tsv|parquet|jsonl|toml)$", a):
            continue
        if a not in PLACEHOLDERS:
            pytest.fail(f"README example reads '{a}': add a generator for it to PLACEHOLDERS")
        PLACEHOLDERS[a](folder / a)


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
