"""Collapse models behind one interface (:mod:`.base`), built by name for the CLI and configs."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any, Literal, cast

from scalewall.collapse.models.base import Fitted, Model
from scalewall.errors import input_error
from scalewall.validate import did_you_mean

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
#: Options the n-gram models read before their constructor (the corpus, not the model).
_CORPUS_OPTIONS = ("corpus", "column")


def make_model(name: str, **opts: Any) -> Model:
    """A model by name; ``opts`` are its constructor options, checked against its signature.

    An unknown option lists the valid ones; a value of the wrong kind (``-o d=abc``) is an
    :class:`InputError` naming the option, not a Python ``TypeError`` from deep inside the model.
    Numeric options (sizes, counts, scales, tolerances) must be finite and >= 0, and whole where
    the default is an integer; the model checks its own tighter bounds when it is built.
    """
    ctor = constructor(name)
    params = inspect.signature(ctor).parameters
    src = f"model '{name}'"
    for key, value in opts.items():
        if key in _CORPUS_OPTIONS and name in ("char-ngram", "word-ngram"):
            continue
        if key not in params:
            valid = ", ".join(k for k in params if k not in ("self", "corpus"))
            raise input_error("unknown option", source=src, got=key, fix=f"options are: {valid}")
        default = params[key].default
        if isinstance(default, bool) or isinstance(value, bool):
            continue
        if isinstance(default, int | float) and not isinstance(value, int | float):
            kind = "a whole number" if isinstance(default, int) else "a number"
            raise input_error(f"option '{key}' must be {kind}", source=src, got=value)
        if not isinstance(value, int | float):
            continue
        where = f"{src} option '{key}'"
        if not math.isfinite(value) or value < 0:
            raise input_error("must be a finite number >= 0", source=where, got=value)
        if isinstance(default, int) and not float(value).is_integer():
            raise input_error("must be a whole number", source=where, got=value)
    return _build(name, ctor, dict(opts))


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
    hint = did_you_mean(name, MODELS)
    fix = f"{hint} " if hint else ""
    raise input_error("unknown model", got=name, fix=f"{fix}valid: {', '.join(MODELS)}")


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
