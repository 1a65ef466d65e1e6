"""Every class of bad option a user types fails the same way: exit 2, one ``error:`` line naming
the option, no traceback, no work done. ``--debug`` keeps exit 2 and adds the traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_run import one_line_error
from typer.testing import CliRunner

from scalewall.cli.app import app
from scalewall.validate import check_level, check_options

runner = CliRunner()
# bootstrap 0 and tiny settings: the checks run before any work, so these stay fast
FIT = ["fit", "chinchilla-epoch", "--bootstrap", "0", "-q"]
PASSK = ["passk", "monkeys-pythia-math-counts", "--bootstrap", "0", "-q"]
TINY_COLLAPSE = ["collapse", "--seeds", "2", "--generations", "2", "-q"]


@pytest.fixture(autouse=True)
def in_a_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A command that fails late would write its default output folder here, not in the checkout."""
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([*FIT, "--level", "1.5"], "error: --level: must be in (0, 1); got 1.5"),
        ([*FIT, "--level", "0"], "error: --level: must be in (0, 1); got 0.0"),
        ([*FIT, "--level", "-0.9"], "error: --level: must be in (0, 1); got -0.9"),
        ([*FIT, "--level", "95"], "write 95% as 0.95"),
        ([*PASSK, "--level", "1.5"], "error: --level: must be in (0, 1); got 1.5"),
        (["tts", "vote", "x.jsonl", "--level", "0"], "error: --level: must be in (0, 1)"),
        ([*FIT, "--seed", "-1"], "error: --seed: a seed must be >= 0; got -1"),
        ([*PASSK, "--seed", "-3"], "error: --seed: a seed must be >= 0; got -3"),
        ([*FIT, "--bootstrap", "-5"], "error: --bootstrap: must be >= 0; got -5"),
        ([*PASSK, "--bootstrap", "-1"], "error: --bootstrap: must be >= 0; got -1"),
        ([*FIT, "--exclude-top-loss", "-5"], "error: --exclude-top-loss: must be >= 0; got -5"),
        (["backtest", "chinchilla-epoch", "--k", "-3"], "error: --k: must be >= 0; got -3"),
        (["forecast", "--draws", "10"], "error: --draws: must be >= 1000; got 10"),
        ([*FIT, "--delta", "nan"], "error: --delta: must be a finite number; got nan"),
        ([*FIT, "--at", "-5"], "error: --at: must be > 0; got -5.0"),
        ([*FIT, "--resample", "rows"], "error: --resample: unknown value; got 'rows'"),
        (["forecast", "--overtraining", "nan"], "error: --overtraining: out of range; got nan"),
        (["trends", "--quantity", "compte"], "did you mean 'compute'?"),
        ([*FIT, "--envelope", "-1"], "error: --envelope: must be >= 0; got -1"),
        (["hardware", "--chips", "gpus"], "error: --chips: unknown value; got 'gpus'"),
        (["hardware", "--precision", "fp16"], "error: --precision: unknown value; got 'fp16'"),
        (["hardware", "--bootstrap", "0"], "error: --bootstrap: must be >= 1; got 0"),
        (["hardware", "--since", "2030"], "a trend needs at least 3 models spread over time"),
    ],
)
def test_out_of_range_options(args: list[str], expected: str) -> None:
    assert expected in one_line_error(args)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([*FIT, "--level", "abc"], "error: Invalid value for '--level': "),
        (["fit"], "error: Missing argument 'source'. (see '"),
        ([*FIT, "--levle", "0.9"], "error: No such option: --levle"),
        (["fitt"], "error: No such command 'fitt'."),
    ],
)
def test_usage_errors_are_one_line_too(args: list[str], expected: str) -> None:
    # Typer's own parse errors used to print a usage block and a framed message
    assert one_line_error(args).startswith(expected)


def test_help_still_shows() -> None:
    assert runner.invoke(app, ["fit", "--help"]).exit_code == 0
    res = runner.invoke(app, ["tts"])  # a group without a command: its help, as before
    assert "vote" in res.stdout and res.stderr == ""


def test_json_pointing_at_a_folder_or_nowhere(tmp_path: Path) -> None:
    assert "--json: is a folder; give a file name" in one_line_error(
        [*FIT, "--json", str(tmp_path)]
    )
    a_file = tmp_path / "a.txt"
    a_file.write_text("x")
    line = one_line_error([*PASSK, "--json", str(a_file / "out.json")])
    assert line.startswith("error: --json: cannot write there") and "not a writable folder" in line
    assert "--write-preset: is a folder" in one_line_error(
        ["forecast", "--write-preset", str(tmp_path)]
    )


@pytest.mark.parametrize(
    "command",
    [TINY_COLLAPSE, ["sweep", "--preset", "scaling-quick"], ["demo", "--quick"]],
    ids=["collapse", "sweep", "demo"],
)
def test_out_pointing_at_a_file(tmp_path: Path, command: list[str]) -> None:
    a_file = tmp_path / "results"
    a_file.write_text("not a folder")
    line = one_line_error([*command, "--out", str(a_file)])
    assert line == f"error: --out: is a file, not a folder; got '{a_file}'. give a folder name"
    assert a_file.read_text() == "not a folder"  # untouched


def test_non_utf8_preset_files(tmp_path: Path) -> None:
    bad = tmp_path / "scenario.toml"
    # a Latin-1 e-acute at byte offset 12, as an old editor saves it
    bad.write_bytes(b"[data]\n# caf\xe9\n")
    expected = f"error: {bad}: not UTF-8 text (byte 12). save the file as UTF-8"
    assert one_line_error(["forecast", "--scenario", str(bad)]) == expected
    assert one_line_error(["sweep", str(bad)]) == expected
    assert one_line_error(["collapse", "--config", str(bad)]) == expected


def test_constant_loss_table_is_refused_not_fitted(tmp_path: Path) -> None:
    # a fit of a flat table printed L* = 3 and "compute x for next 1%: inf" with exit 0
    path = tmp_path / "runs.csv"
    path.write_text("N,D,loss\n1e8,1e9,3\n1e9,1e10,3\n1e10,1e11,3\n3e8,3e9,3\n3e9,3e10,3\n")
    line = one_line_error(["fit", str(path), "--bootstrap", "0"])
    assert line.startswith(f"error: {path} column 'loss': the loss is the same in every row")


def test_option_of_the_wrong_kind_names_the_option() -> None:
    # '-o d=abc' reached the model as a string: "'str' object cannot be interpreted as an integer"
    line = one_line_error([*TINY_COLLAPSE, "--model", "gmm", "-o", "d=abc"])
    assert line == "error: model 'gmm': option 'd' must be a whole number; got 'abc'"
    assert "unknown option; got 'depth'" in one_line_error(
        [*TINY_COLLAPSE, "--model", "gmm", "-o", "depth=3"]
    )


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        (["fit", "chinchila-epoch"], "did you mean 'chinchilla-epoch'?"),
        (["data", "fetch", "chinchila-epoch"], "did you mean 'chinchilla-epoch'?"),
        (["forecast", "--scenario", "epoch-2O24"], "did you mean 'epoch-2024'?"),
        (["collapse", "--model", "gausian"], "did you mean 'gaussian'?"),
    ],
)
def test_name_typos_get_a_suggestion(args: list[str], suggestion: str) -> None:
    assert suggestion in one_line_error(args)


def test_debug_keeps_exit_2_and_shows_the_traceback() -> None:
    res = runner.invoke(app, [*FIT, "--level", "2", "--debug"])
    assert res.exit_code == 2
    assert "Traceback" in res.stderr
    assert res.stderr.rstrip().splitlines()[-1].startswith("error: --level: must be in (0, 1)")


def test_library_checks_raise_the_same_message() -> None:
    with pytest.raises(ValueError, match=r"^--level: must be in \(0, 1\); got 1\.5"):
        check_level(1.5)
    with pytest.raises(ValueError, match=r"^--top-n: must be >= 0; got -1$"):
        check_options(top_n=-1)
    check_options(level=0.5, seed=0, bootstrap=0, json_out=None)  # valid: no error
