"""Common checks, generated from the registries rather than written per class (STYLE.md 1.7).

Every law form (``LawName``), collapse model (``MODELS``), mixer (``MIXERS``) and filter
(``FILTERS``) gets the same battery: the same seed gives the same numbers, NaN or negative input
raises ``InputError``, ``to_dict`` round-trips where it exists, and the repr rebuilds the object.
A new member of a registry is checked without a new test.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import pytest

from scalewall.collapse import policies
from scalewall.collapse.loop import run
from scalewall.collapse.models import MODELS, constructor, make_model, numeric_options
from scalewall.collapse.policies import (
    FILTERS,
    MIXERS,
    FilterContext,
    Pool,
    Samples,
    chain,
    make_mixer,
)
from scalewall.errors import InputError
from scalewall.laws import broken, data_constrained, forms
from scalewall.laws.api import fit
from scalewall.laws.catalog import LawName, make_law
from scalewall.laws.result import FitResult

BAD = [float("nan"), -1]


# -- law forms -----------------------------------------------------------------------------------
def law_table() -> pd.DataFrame:
    """36 runs on a Chinchilla surface with 1% noise; 1 to 32 epochs over the unique tokens."""
    rng = np.random.default_rng(7)
    N = np.repeat(np.geomspace(7e7, 1.6e10, 6), 6)
    D = np.tile(np.geomspace(1e9, 5e11, 6), 6)
    loss = (1.82 + 482.0 * N**-0.348 + 2085.0 * D**-0.366) * np.exp(rng.normal(0, 0.01, N.size))
    epochs = np.repeat(2.0 ** np.arange(6), 6)
    return pd.DataFrame({"N": N, "D": D, "C": 6 * N * D, "unique_tokens": D / epochs, "loss": loss})


def law_fit(law: str, table: pd.DataFrame, seed: int) -> FitResult:
    cols = [*make_law(law).inputs, "loss"]
    return fit(table[cols], law, bootstrap=6, seed=seed, source="law_table")


@pytest.mark.parametrize("law", [n.value for n in LawName])
def test_law_same_seed_same_numbers_and_to_dict_round_trips(law: str) -> None:
    a, b = law_fit(law, law_table(), 3), law_fit(law, law_table(), 3)
    assert a.params == b.params and a.ci == b.ci
    assert a.samples_ is not None and b.samples_ is not None
    np.testing.assert_array_equal(a.samples_, b.samples_)
    d = a.to_dict()
    assert FitResult.from_dict(d).to_dict() == d


@pytest.mark.parametrize("law", [n.value for n in LawName])
@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("where", ["input", "loss"])
def test_law_nan_or_negative_input_is_an_input_error(law: str, bad: float, where: str) -> None:
    table = law_table()
    column = make_law(law).inputs[0] if where == "input" else "loss"
    table.loc[4, column] = bad
    with pytest.raises(InputError):
        law_fit(law, table, 0)


@pytest.mark.parametrize("law", [n.value for n in LawName])
def test_law_repr_rebuilds_it(law: str) -> None:
    names = {**vars(forms), **vars(data_constrained), **vars(broken)}
    obj = make_law(law, pins={"E": 1.7})
    assert eval(repr(obj), {**names, "mappingproxy": MappingProxyType}) == obj


# -- collapse models -----------------------------------------------------------------------------
#: Small settings so that each model runs in well under a second.
SMALL: dict[str, dict[str, Any]] = {
    "kde": {"heldout": 50},
    "gmm": {"heldout": 50, "max_iter": 50},
    "categorical": {"size": 50},
    "char-ngram": {"heldout_tokens": 2000},
    "word-ngram": {"heldout_tokens": 2000},
}
#: Models built from data (a probability vector, a corpus): their repr shows the data, not a
#: recipe, so the repr check covers the others.
FROM_DATA = ("categorical", "char-ngram", "word-ngram")


@pytest.mark.parametrize("name", MODELS)
def test_model_same_seed_same_numbers(name: str, data_dir: Any) -> None:
    def once() -> pd.DataFrame:
        return run(make_model(name, **SMALL.get(name, {})), chain(n=20), 3, 2, seed=5)

    pd.testing.assert_frame_equal(once(), once())


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("bad", BAD)
def test_model_nan_or_negative_option_is_an_input_error(name: str, bad: float) -> None:
    options = numeric_options(name)
    assert options, f"{name} has no numeric option to check"
    for key in options:
        with pytest.raises(InputError, match=key):
            make_model(name, **{key: bad})


@pytest.mark.parametrize("name", [m for m in MODELS if m not in FROM_DATA])
def test_model_repr_rebuilds_it(name: str) -> None:
    model = make_model(name)
    cls = constructor(name)
    assert eval(repr(model), {cls.__name__: cls}) == model


# -- mixers and filters --------------------------------------------------------------------------
def pool(rng: np.random.Generator) -> Pool:
    """Real data (and fresh draws of it) and two synthetic generations, 3 seeds x 40 items."""
    empty = Pool(
        real=Samples.full(rng.normal(size=(3, 40, 1))),
        draw_real=lambda k, r: Samples.full(r.normal(size=(3, k, 1))),
    )
    return empty.add(Samples.full(rng.normal(size=(3, 40, 1)))).add(
        Samples.full(rng.normal(size=(3, 40, 1)))
    )


def context(rng: np.random.Generator) -> FilterContext:
    """A Gaussian fitted to real data, as the current model and the judge."""
    fitted = make_model("gaussian").fit(Samples.full(rng.normal(size=(3, 40, 1))), rng)
    return FilterContext(current=fitted, judge=fitted)


@pytest.mark.parametrize("name", list(MIXERS))
def test_mixer_same_seed_same_numbers(name: str) -> None:
    mixer = make_mixer(name, 0.25)
    p = pool(np.random.default_rng(0))
    a, b = (mixer(p, 30, np.random.default_rng(9)) for _ in range(2))
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.mask, b.mask)


@pytest.mark.parametrize("name", list(FILTERS))
def test_filter_same_seed_same_numbers(name: str) -> None:
    step = FILTERS[name](*([0.5] if numeric_args(name) else []))
    rng = np.random.default_rng(1)
    s, ctx = Samples.full(np.round(rng.normal(size=(3, 40, 1)), 1)), context(rng)
    a, b = (chain(step).curate(s, ctx, np.random.default_rng(9)) for _ in range(2))
    np.testing.assert_array_equal(a.mask, b.mask)
    assert a.counts().sum() < s.counts().sum()  # the filter did something


def numeric_args(name: str) -> bool:
    return name != "dedup"


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("name", list(MIXERS))
def test_mixer_nan_or_negative_fraction_is_an_input_error(name: str, bad: float) -> None:
    with pytest.raises(InputError):
        make_mixer(name, bad)


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("name", [f for f in FILTERS if numeric_args(f)])
def test_filter_nan_or_negative_setting_is_an_input_error(name: str, bad: float) -> None:
    with pytest.raises(InputError):
        FILTERS[name](bad)


@pytest.mark.parametrize(
    "step",
    [make_mixer(m, 0.25) for m in MIXERS] + [FILTERS[f](0.5) for f in FILTERS if f != "dedup"],
    ids=repr,
)
def test_step_repr_rebuilds_it_alone_and_chained(step: Any) -> None:
    names = vars(policies)
    assert eval(repr(step), names) == step
    policy = chain(step, policies.dedup(), n=30)
    assert eval(repr(policy), names) == policy
