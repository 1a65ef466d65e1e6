"""The PNAS persuasion study reproduced: message effects against size, and "no more effective".

Hackenburg, Tappin, Röttger, Hale, Bright & Margetts 2025, 'Scaling language model size yields
diminishing returns for single-message political persuasion', PNAS 122(10) e2413443122
(arXiv 2406.14508). 720 AI-written messages (24 models x 10 issues x 3) and 10 human ones; each
message's effect is a covariate-adjusted difference from the issue's control group in percentage
points of policy support.

What the authors fitted (their analysis scripts, read for the choices, not copied): human messages
dropped; the two frontier models' unknown sizes set to 300B parameters; ``x`` = natural log of the
parameter count, centred on its mean over the messages; a multilevel meta-analysis (metafor
``rma.mv``, REML) with random effects for message, model and issue, the issue term carrying an
intercept and a slope on ``x`` with their correlation; Wald z intervals. Their sampling
covariance is block-diagonal (messages of one issue share its control group); the per-message
standard errors, which are all the released data hold, make ours diagonal. That is the one
structural difference, and the reproduction reports how far it lands.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from scalewall.data.runs import read_source
from scalewall.downstream.equivalence import Equivalence, check_tost, tost
from scalewall.downstream.persuasion_forms import nonlinear_forms
from scalewall.downstream.persuasion_published import reproduction
from scalewall.downstream.reml import RandomTerm, RemlFit, fit_reml
from scalewall.errors import input_error
from scalewall.storage import records
from scalewall.validate import check_level, finite_numbers, reject_rows, require_columns

Array = NDArray[np.float64]

SCHEMA_VERSION = 1
MESSAGES = "hackenburg2025-message-estimates"
MODEL_ATES = "hackenburg2025-model-ates"
CITATION = (
    "Hackenburg et al. 2025, 'Scaling language model size yields diminishing returns for "
    "single-message political persuasion', PNAS 122(10) e2413443122"
)
#: The frontier models, whose parameter counts are not public.
FRONTIER = ("Claude-3-Opus", "GPT-4-Turbo")
#: Size the authors assume for both frontier models, billions (their primary analysis; they
#: vary it from 300 to 1000B in table_robust_frontier.csv).
FRONTIER_PARAMS_B = 300.0
#: "An order of magnitude smaller": open models between 1/30 and 1/3 of the frontier size, a
#: half-decade either side of 1/10 (10-100B at 300B).
WINDOW = (1 / 30, 1 / 3)
#: Equivalence margin, percentage points of policy support: about a tenth of the frontier
#: models' effect (9.1-9.6 points, model_ates.csv), the size the claim's "no more" can absorb.
MARGIN = 1.0
HUMAN = "human"
NUMERIC = ("estimate", "std.error", "task_completion_mod_lvl")


def _check_numeric(df: pd.DataFrame, col: str, src: str, positive: bool = False) -> None:
    rule = "must be a finite number" + (" > 0" if positive else "")
    df[col] = finite_numbers(df[col], rule, column=col, source=src, positive=positive)


def _require(df: pd.DataFrame, cols: tuple[str, ...], src: str) -> None:
    fix = f"the table needs the columns {', '.join(cols)}"
    require_columns(df.columns, cols, source=src, fix=fix)


def _parameters(df: pd.DataFrame, src: str, frontier_params_b: float) -> pd.Series:
    """Parameters (billions), the frontier models' set to ``frontier_params_b``."""
    par = pd.to_numeric(df["parameters"], errors="coerce")
    text = par.isna() & df["parameters"].notna()
    unknown = par.isna() & ~df["model"].isin(FRONTIER)
    bad = text | unknown | (par <= 0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise input_error(
            "parameters (billions) must be a number > 0 (only the frontier models may be empty)",
            source=src,
            row=int(df.index[i]) + 1,  # the file's row: ``df`` keeps the table's index
            column="parameters",
            got=str(df["parameters"].iloc[i]),
        )
    return par.fillna(frontier_params_b)


def load_messages(
    source: str | Path = MESSAGES, frontier_params_b: float = FRONTIER_PARAMS_B
) -> pd.DataFrame:
    """The AI-written messages, one row each: model, issue, estimate, se, size, task completion.

    Human-written messages are dropped (they have no size); the frontier models get
    ``frontier_params_b``. Rows are numbered from 1 in errors, as the file's data rows.
    """
    if not frontier_params_b > 0:
        raise input_error("must be > 0", column="frontier_params_b", got=frontier_params_b)
    raw, _ = read_source(source)
    src = str(source)
    _require(raw, ("model", "issue", "parameters", *NUMERIC), src)
    df = raw.copy()
    for col in NUMERIC:
        _check_numeric(df, col, src, positive=col == "std.error")
    for col in ("model", "issue"):
        reject_rows(df[col].isna(), "must not be empty", source=src, column=col)
    ai = df[df["model"] != HUMAN].copy()
    ai["parameters_b"] = _parameters(ai, src, frontier_params_b)
    if ai["model"].nunique() < 3 or ai["issue"].nunique() < 2:
        raise input_error(
            "needs messages from at least 3 models and 2 issues",
            source=src,
            got=f"{ai['model'].nunique()} models, {ai['issue'].nunique()} issues",
        )
    out = ai.rename(columns={"std.error": "se", "task_completion_mod_lvl": "task_completion_model"})
    cols = ["model", "issue", "estimate", "se", "parameters_b", "task_completion_model"]
    return out[cols].reset_index(drop=True)


def load_model_effects(
    source: str | Path = MODEL_ATES, frontier_params_b: float = FRONTIER_PARAMS_B
) -> pd.DataFrame:
    """Each model's average treatment effect (points) with its standard error, humans dropped."""
    raw, _ = read_source(source)
    src = str(source)
    _require(raw, ("model", "estimate", "std.error", "parameters"), src)
    df = raw.copy()
    _check_numeric(df, "estimate", src)
    _check_numeric(df, "std.error", src, positive=True)
    ai = df[df["model"] != HUMAN].copy()
    ai["parameters_b"] = _parameters(ai, src, frontier_params_b)
    ai["frontier"] = ai["model"].isin(FRONTIER)
    ai = ai.rename(columns={"std.error": "se"}).sort_values("parameters_b")
    return ai[["model", "estimate", "se", "parameters_b", "frontier"]].reset_index(drop=True)


# -- the meta-regression ---------------------------------------------------------------------------
@dataclass
class MetaRegression:
    """A REML fit of message effects on centred log parameters, with its centring."""

    fit: RemlFit
    center: float  # mean of ln(parameter count) over the messages fitted

    def terms(self, level: float = 0.95) -> list[dict[str, Any]]:
        out = []
        for j, name in enumerate(self.fit.names):
            b, lo, hi, p = self.fit.wald(j, level)
            out.append(
                {
                    "term": name,
                    "estimate": b,
                    "se": float(self.fit.se[j]),
                    "lo": lo,
                    "hi": hi,
                    "p": p,
                }
            )
        return out

    def to_dict(self, level: float = 0.95) -> dict[str, Any]:
        sd = self.fit.sd("issue")
        return {
            "terms": self.terms(level),
            "tau_message": math.sqrt(self.fit.tau2),
            "tau_model": float(self.fit.sd("model")[0]),
            "tau_issue": float(sd[0]),
            "tau_issue_slope": float(sd[1]),
            "rho_issue": self.fit.rho("issue"),
            "center_ln_params": self.center,
            "loglik": self.fit.loglik,
            "converged": self.fit.converged,
            "interval": f"{round(100 * level)}% Wald z from the REML fit (analytic)",
        }

    def band(self, params_b: Array, level: float = 0.95) -> pd.DataFrame:
        """Fitted effect and its analytic (Wald) confidence band at the given sizes."""
        x = np.log(params_b * 1e9) - self.center
        design = np.column_stack([np.ones_like(x), x])
        mean = design @ self.fit.coef[:2]
        var = np.einsum("ij,jk,ik->i", design, self.fit.cov[:2, :2], design)
        half = float(stats.norm.ppf(0.5 + level / 2)) * np.sqrt(var)
        return pd.DataFrame(
            {"parameters_b": params_b, "fitted": mean, "lo": mean - half, "hi": mean + half}
        )


def _codes(s: pd.Series) -> NDArray[np.int64]:
    return pd.factorize(s)[0].astype(np.int64)


def meta_regression(msgs: pd.DataFrame, adjust_task_completion: bool = False) -> MetaRegression:
    """Message effects on centred ln(parameters): the authors' primary model, or with task
    completion (model-level mean, linear and quadratic, as theirs) as covariates."""
    lx = np.log(msgs["parameters_b"].to_numpy() * 1e9)
    center = float(lx.mean())
    x = lx - center
    one = np.ones_like(x)
    cols, names = [one, x], ["intercept", "log_params"]
    if adjust_task_completion:
        tc = msgs["task_completion_model"].to_numpy()
        cols += [tc, tc**2]
        names += ["task_completion", "task_completion_sq"]
    terms = [
        RandomTerm("model", _codes(msgs["model"]), one[:, None]),
        RandomTerm("issue", _codes(msgs["issue"]), np.column_stack([one, x])),
    ]
    fit = fit_reml(
        msgs["estimate"].to_numpy(), msgs["se"].to_numpy() ** 2, np.column_stack(cols), terms, names
    )
    return MetaRegression(fit=fit, center=center)


# -- "no more effective" -------------------------------------------------------------------------
def comparison_models(
    msgs: pd.DataFrame, frontier_params_b: float, window: tuple[float, float] = WINDOW
) -> list[str]:
    """Open models whose size is within ``window`` (fractions) of the frontier models' size."""
    lo, hi = window[0] * frontier_params_b, window[1] * frontier_params_b
    open_ = msgs[~msgs["model"].isin(FRONTIER)]
    sizes = open_.groupby("model")["parameters_b"].first().sort_values()
    return [str(m) for m, v in sizes.items() if lo <= v <= hi]


def frontier_difference(
    msgs: pd.DataFrame,
    comparison: list[str],
    margin: float = MARGIN,
    alpha: float = 0.05,
    adjust_task_completion: bool = False,
) -> Equivalence:
    """Frontier minus comparison models' mean message effect, tested for equivalence (TOST).

    A meta-regression on the messages of those models only: intercept and a frontier indicator
    (plus model-level task completion minus its maximum 3, linear only: these models' mean
    task completion spans only 2.83-3.0 in a few distinct values, too few for the authors'
    quadratic), random intercepts for message, model and issue. The model term makes the
    interval reflect that two frontier models and a handful of open ones are a sample of
    models, not only of messages.
    """
    if not comparison:
        raise input_error(
            "no open model is an order of magnitude smaller than the frontier models",
            column="window",
            fix="widen the window or change the frontier size",
        )
    sub = msgs[msgs["model"].isin([*FRONTIER, *comparison])].reset_index(drop=True)
    one = np.ones(len(sub))
    cols = [one, sub["model"].isin(FRONTIER).to_numpy(float)]
    if adjust_task_completion:
        cols.append(sub["task_completion_model"].to_numpy() - 3.0)
    terms = [
        RandomTerm("model", _codes(sub["model"]), one[:, None]),
        RandomTerm("issue", _codes(sub["issue"]), one[:, None]),
    ]
    fit = fit_reml(
        sub["estimate"].to_numpy(), sub["se"].to_numpy() ** 2, np.column_stack(cols), terms
    )
    return tost(float(fit.coef[1]), float(fit.se[1]), margin, alpha)


# -- the whole analysis --------------------------------------------------------------------------
@dataclass
class PersuasionResult:
    """Everything ``scalewall persuasion`` reports; :meth:`to_dict` is the JSON schema."""

    settings: dict[str, Any]
    data: dict[str, Any]
    primary: MetaRegression
    adjusted: MetaRegression
    forms: pd.DataFrame
    reproduction: pd.DataFrame
    models: pd.DataFrame
    comparison: list[str]
    unadjusted_test: Equivalence
    adjusted_test: Equivalence

    def band(self, n: int = 60) -> pd.DataFrame:
        """The primary fit's line and its analytic 95% band over the sizes studied."""
        p = self.models["parameters_b"]
        grid = np.exp(np.linspace(np.log(p.min()), np.log(p.max()), n))
        return self.primary.band(grid, self.settings["level"])

    def equivalence(self) -> dict[str, Any]:
        """The stable record the claims check reads (documented in README.md)."""
        f = self.models[self.models["frontier"]]
        return {
            "claim": "frontier models, often ten times larger, were no more persuasive",
            "frontier_models": list(FRONTIER),
            "frontier_params_b": self.settings["frontier_params_b"],
            "comparison_models": self.comparison,
            "comparison_rule": (
                f"open models with {self.settings['window'][0]:.4g} to "
                f"{self.settings['window'][1]:.4g} of the frontier size "
                f"({self.settings['window'][0] * self.settings['frontier_params_b']:.4g}-"
                f"{self.settings['window'][1] * self.settings['frontier_params_b']:.4g}B)"
            ),
            "difference": "frontier minus comparison models, mean message effect, points",
            "frontier_effect_mean": float(f["estimate"].mean()),
            "margin": self.settings["margin"],
            "alpha": self.settings["alpha"],
            "test": "two one-sided z tests (TOST) on a REML meta-regression with message, model "
            "and issue random intercepts; intervals analytic (Wald)",
            "unadjusted": self.unadjusted_test.to_dict(),
            "adjusted_task_completion": self.adjusted_test.to_dict(),
        }

    def to_dict(self) -> dict[str, Any]:
        lvl = self.settings["level"]
        return {
            "schema_version": SCHEMA_VERSION,
            "settings": self.settings,
            "data": self.data,
            "meta_regression": {
                "primary": self.primary.to_dict(lvl),
                "adjusted_task_completion": self.adjusted.to_dict(lvl),
            },
            "nonlinear": records(self.forms),
            "reproduction": records(self.reproduction),
            "models": records(self.models),
            "equivalence": self.equivalence(),
        }


def analyze(
    messages: str | Path = MESSAGES,
    model_effects: str | Path = MODEL_ATES,
    *,
    margin: float = MARGIN,
    alpha: float = 0.05,
    frontier_params_b: float = FRONTIER_PARAMS_B,
    window: tuple[float, float] = WINDOW,
    level: float = 0.95,
) -> PersuasionResult:
    """Reproduce the primary and adjusted meta-regressions and the non-linear forms, and test
    the frontier models against open models an order of magnitude smaller for equivalence."""
    if not 0 < window[0] < window[1]:
        raise input_error(
            "the window must be two fractions lo < hi", column="window", got=str(window)
        )
    check_level(level, "level")
    check_tost(margin, alpha)
    msgs = load_messages(messages, frontier_params_b)
    effects = load_model_effects(model_effects, frontier_params_b)
    primary = meta_regression(msgs)
    adjusted = meta_regression(msgs, adjust_task_completion=True)
    forms = nonlinear_forms(effects)
    comparison = comparison_models(msgs, frontier_params_b, window)
    effects["comparison"] = effects["model"].isin(comparison)
    return PersuasionResult(
        settings={
            "messages": str(messages),
            "model_effects": str(model_effects),
            "margin": margin,
            "alpha": alpha,
            "frontier_params_b": frontier_params_b,
            "window": list(window),
            "level": level,
            "citation": CITATION,
        },
        data={
            "n_messages": len(msgs),
            "n_models": int(msgs["model"].nunique()),
            "n_issues": int(msgs["issue"].nunique()),
        },
        primary=primary,
        adjusted=adjusted,
        forms=forms,
        reproduction=reproduction(primary.to_dict(level), adjusted.to_dict(level), forms),
        models=effects,
        comparison=comparison,
        unadjusted_test=frontier_difference(msgs, comparison, margin, alpha),
        adjusted_test=frontier_difference(
            msgs, comparison, margin, alpha, adjust_task_completion=True
        ),
    )


__all__ = [
    "FRONTIER",
    "FRONTIER_PARAMS_B",
    "MARGIN",
    "WINDOW",
    "MetaRegression",
    "PersuasionResult",
    "analyze",
    "comparison_models",
    "frontier_difference",
    "load_messages",
    "load_model_effects",
    "meta_regression",
]
