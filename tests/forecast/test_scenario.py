"""Scenario files: every preset loads, bad keys and intervals fail with one line naming the key."""

from __future__ import annotations

import tomllib

import pytest

from scalewall.errors import InputError
from scalewall.forecast.scenario import PRESETS, load_scenario, parse, preset_text


@pytest.mark.parametrize("name", PRESETS)
def test_presets_load_and_cite_everything(name: str) -> None:
    s = load_scenario(name)
    assert all(p.cite.strip() for p in s.params.values())


def _doc() -> dict:  # type: ignore[type-arg]
    return tomllib.loads(preset_text("epoch-2024"))


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (lambda d: d["data"].__setitem__("pagez", {"value": 1, "cite": "x"}), "data.pagez"),
        (lambda d: d.__setitem__("extra", {}), "extra"),
        (lambda d: d["data"]["pages"].__setitem__("lo", -5.0), "data.pages"),
        (lambda d: d["data"]["pages"].update(lo=2e12, hi=1e12), "data.pages"),
        (lambda d: d["years"].__setitem__("end", 2300), "years.end"),
        (lambda d: d["years"].update(start=2030, end=2028), "years.end"),
        (lambda d: d["cost"]["gdp_share"].__setitem__("value", 3.0), "cost.gdp_share"),
        (lambda d: d["latency"]["max_flop"].pop("cite"), "latency.max_flop"),
        (lambda d: d["compute"].pop("growth"), "compute.growth"),
        (lambda d: d["data"].__setitem__("repetition", "lots"), "data.repetition"),
    ],
)
def test_bad_scenarios_name_the_key(edit, key: str) -> None:  # type: ignore[no-untyped-def]
    d = _doc()
    edit(d)
    with pytest.raises(InputError, match=f"key '{key}'") as e:
        parse(d, "my.toml")
    assert "\n" not in str(e.value)


def test_correlation_matrix_must_be_valid() -> None:
    d = _doc()
    d["correlations"] = [
        {"a": "compute.growth", "b": "chips.stock_growth", "rho": 0.99, "cite": "x"},
        {"a": "compute.growth", "b": "power.available_growth", "rho": 0.99, "cite": "x"},
        {"a": "chips.stock_growth", "b": "power.available_growth", "rho": -0.99, "cite": "x"},
    ]
    import numpy as np

    from scalewall.forecast.scenario import draw

    with pytest.raises(InputError, match="positive definite"):
        draw(parse(d), 10, np.random.default_rng(0))
