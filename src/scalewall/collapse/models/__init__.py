"""Collapse models behind one interface (:mod:`.base`), built by name for the CLI and configs."""

from __future__ import annotations

from typing import Any, Literal

from scalewall.collapse.models.base import Fitted, Model
from scalewall.errors import InputError

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
    """A model by name; ``opts`` are its constructor options (unknown names list the valid)."""
    try:
        return _make(name, dict(opts))
    except TypeError as e:
        raise InputError(
            f"model '{name}': bad option ({e}); see the README for its options"
        ) from None


def _make(name: str, opts: dict[str, Any]) -> Model:
    if name == "gaussian":
        from scalewall.collapse.models.gaussian import Gaussian

        return Gaussian(**opts)
    if name == "kde":
        from scalewall.collapse.models.kde import KDE

        return KDE(**opts)
    if name == "gmm":
        from scalewall.collapse.models.gmm import GMM

        return GMM(**opts)
    if name == "categorical":
        from scalewall.collapse.models.categorical import Categorical

        return Categorical.vocabulary(**opts)
    if name in ("char-ngram", "word-ngram"):
        from scalewall.collapse.corpus import Corpus
        from scalewall.collapse.models.ngram import Ngram

        level: Literal["char", "word"] = "char" if name == "char-ngram" else "word"
        corpus = Corpus.load(
            opts.pop("corpus", "tinyshakespeare"), level, opts.pop("column", "text")
        )
        return Ngram(corpus, **opts)
    if name == "linear-regression":
        from scalewall.collapse.models.regression import LinearRegression

        return LinearRegression(**opts)
    if name == "logistic-regression":
        from scalewall.collapse.models.logistic import LogisticRegression as Logistic

        return Logistic(**opts)
    raise InputError(f"unknown model '{name}'; valid: {', '.join(MODELS)}")


__all__ = ["MODELS", "Fitted", "Model", "make_model"]
