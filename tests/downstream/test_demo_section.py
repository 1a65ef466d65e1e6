"""The 'downstream' demo section on Pythia, and claims 3 and 4 read back from its files."""

from __future__ import annotations

from pathlib import Path

import pytest

from scalewall.downstream.demo_section import SECTION
from scalewall.report.claims import NOT_SUPPORTED, PARTLY, SUPPORTED
from scalewall.report.common import read_json
from scalewall.report.downstream import measure_downstream


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("demo") / SECTION.name
    res = SECTION.run(out, True, lambda step, done, total: None)
    assert sorted(res.files) == sorted(f"downstream/{f}" for f in res.commands)
    return out


def test_pythia_findings(folder: Path) -> None:
    d = read_json(folder / "summary.json")
    tasks = {t["task"]: t for t in d["tasks"]}
    # WSC (104 items) and LogiQA stay at chance from 70M to 12B; the others keep improving
    assert sorted(d["summary"]["not_distinguishable"]) == ["logiqa", "wsc"]
    assert tasks["logiqa"]["at_chance"] and tasks["wsc"]["at_chance"]
    for t in ("lambada_openai", "arc_easy", "arc_challenge", "piqa", "sciq", "winogrande"):
        assert tasks[t]["status"] == "improving", t
    assert d["summary"]["inverse_scaling"] == []


def test_claims_read_back(folder: Path) -> None:
    c = measure_downstream(folder, {"summary.json": ["scalewall downstream pythia-zeroshot"]})
    c3, c4 = c[3], c[4]
    assert c3.value == pytest.approx(25.0)  # 2 of 8
    assert c3.lo is not None and c3.hi is not None and c3.lo < 25.0 < c3.hi
    # Wilson [7%, 59%] straddles the 25% 'many' threshold
    assert c3.verdict == PARTLY and "logiqa" in c3.detail
    assert c4.verdict in (NOT_SUPPORTED, PARTLY, SUPPORTED) and c4.value == 0.0
    assert c4.verdict == NOT_SUPPORTED
    assert c3.command == "scalewall downstream pythia-zeroshot"
