"""Collapse models behind one interface (:mod:`.base`), built by name for the CLI and configs."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any, Literal, cast

from scalewall.collapse.models.base import Fitted, Model
from scalewall.errors import InputError, input_error

#: Model names the CLI and config files accept.
MODELS = (
    "gaussian",
    "kde",
    "gmm",
    "categorical",
    "char-ngram",
    "word-ngram",
    "linear-regression",
    "logistic-regression",
)


def make_model(name: str, **opts: Any) -> Model:
    """A model by name; ``opts`` are its constructor options (unknown names list the valid).

    Numeric options (sizes, counts, scales, tolerances) must be finite and >= 0, and whole where
    the default is an integer; the model checks its own tighter bounds when it is built.
    """
    ctor = constructor(name)
    defaults = numeric_options(name)
    for key, value in opts.items():
        if key not in defaults or isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if not math.isfinite(value) or value < 0:
            raise input_error(
                "must be a finite number >= 0", source=f"model '{name}' option '{key}'", got=value
            )
        if isinstance(defaults[key], int) and not float(value).is_integer():
            raise input_error(
                "must be a whole number", source=f"model '{name}' option '{key}'", got=value
            )
    try:
        return _build(name, ctor, dict(opts))
    except TypeError as e:
        raise InputError(
            f"model '{name}': bad option ({e}); see the README for its options"
        ) from None


def constructor(name: str) -> Callable[..., Any]:
    """The class (or factory) whose keyword options the model ``name`` takes, imported on use."""
    if name == "gaussian":
        from scalewall.collapse.models.gaussian import Gaussian

        return Gaussian
    if name == "kde":
        from scalewall.collapse.models.kde import KDE

        return KDE
    if name == "gmm":
        from scalewall.collapse.models.gmm import GMM

        return GMM
    if name == "categorical":
        from scalewall.collapse.models.categorical import Categorical

        return Categorical.vocabulary
    if name in ("char-ngram", "word-ngram"):
        from scalewall.collapse.models.ngram import Ngram

        return Ngram
    if name == "linear-regression":
        from scalewall.collapse.models.regression import LinearRegression

        return LinearRegression
    if name == "logistic-regression":
        from scalewall.collapse.models.logistic import LogisticRegression

        return LogisticRegression
    raise InputError(f"unknown model '{name}'; valid: {', '.join(MODELS)}")


def numeric_options(name: str) -> dict[str, int | float]:
    """The model's numeric options with their defaults (checked by :func:`make_model`)."""
    params = inspect.signature(constructor(name)).parameters.values()
    return {
        p.name: p.default
        for p in params
        if isinstance(p.default, int | float) and not isinstance(p.default, bool)
    }


def _build(name: str, ctor: Callable[..., Any], opts: dict[str, Any]) -> Model:
    if name in ("char-ngram", "word-ngram"):
        from scalewall.collapse.corpus import Corpus

        level: Literal["char", "word"] = "char" if name == "char-ngram" else "word"
        corpus = Corpus.load(
            opts.pop("corpus", "tinyshakespeare"), level, opts.pop("column", "text")
        )
        return cast(Model, ctor(corpus, **opts))
    return cast(Model, ctor(**opts))


__all__ = ["MODELS", "Fitted", "Model", "constructor", "make_model", "numeric_options"]
