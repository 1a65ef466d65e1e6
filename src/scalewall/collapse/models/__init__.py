"""Collapse models behind one interface (:mod:`.base`), built by name for the CLI and configs."""

from __future__ import annotations

import functools
import inspect
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


def make_model(name: str, **opts: Any) -> Model:
    """A model by name; ``opts`` are its constructor options, checked against its signature.

    An unknown option lists the valid ones; a value of the wrong kind (``-o d=abc``) is an
    :class:`InputError` naming the option, not a Python ``TypeError`` from deep inside the model.
    """
    opts = dict(opts)
    build = _constructor(name, opts)
    params = inspect.signature(build).parameters
    src = f"model '{name}'"
    for key, value in opts.items():
        if key not in params:
            valid = ", ".join(k for k in params if k != "self")
            raise input_error("unknown option", source=src, got=key, fix=f"options are: {valid}")
        default = params[key].default
        if isinstance(default, bool):
            continue
        if isinstance(default, int) and not isinstance(value, int):
            raise input_error(f"option '{key}' must be a whole number", source=src, got=value)
        if isinstance(default, float) and not isinstance(value, int | float):
            raise input_error(f"option '{key}' must be a number", source=src, got=value)
    return cast(Model, build(**opts))


def _constructor(name: str, opts: dict[str, Any]) -> Callable[..., Any]:
    """The class (or factory) behind ``name``; the n-gram models take their corpus from ``opts``."""
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
        from scalewall.collapse.corpus import Corpus
        from scalewall.collapse.models.ngram import Ngram

        level: Literal["char", "word"] = "char" if name == "char-ngram" else "word"
        corpus = Corpus.load(
            opts.pop("corpus", "tinyshakespeare"), level, opts.pop("column", "text")
        )
        return functools.partial(Ngram, corpus)
    if name == "linear-regression":
        from scalewall.collapse.models.regression import LinearRegression

        return LinearRegression
    if name == "logistic-regression":
        from scalewall.collapse.models.logistic import LogisticRegression as Logistic

        return Logistic
    hint = did_you_mean(name, MODELS)
    fix = f"{hint} " if hint else ""
    raise input_error("unknown model", got=name, fix=f"{fix}valid: {', '.join(MODELS)}")


__all__ = ["MODELS", "Fitted", "Model", "make_model"]
