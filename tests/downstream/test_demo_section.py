"""The 'downstream' demo section on Pythia, and claims 3 and 4 read back from its files."""

from __future__ import annotations

from pathlib import Path

import pytest

from scalewall.claims import NOT_SUPPORTED, PARTLY
from scalewall.downstream.claims import measure_downstream
from scalewall.downstream.demo_section import SECTION
from scalewall.report.common import read_json


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
    # no above-chance task's last-10x gain is shown equivalent to zero within +-2 pp (TOST);
    # Wilson 95% of 0 of 6 is [0%, 39%], which straddles the 25% 'many' threshold
    assert c3.value == 0.0 and c3.unit.startswith("% of 6 tasks")
    assert c3.lo == 0.0 and c3.hi is not None and 25.0 < c3.hi < 50.0
    assert c3.verdict == PARTLY and "logiqa" in c3.detail
    # the same search as with the hub, over Pythia alone: tasks at chance (logiqa) cannot fall
    # below it and are left out; no Holm-significant fall, and every other task excludes a fall
    # of 2 pp per 10x (the lowest trend, winogrande, rises about 6 pp per 10x)
    assert c4.verdict == NOT_SUPPORTED and c4.unit.endswith("(Pythia: winogrande)")
    assert c4.lo is not None and c4.lo > 0 and c4.section == "downstream-scaling"
    assert c3.command == "scalewall downstream pythia-zeroshot"
