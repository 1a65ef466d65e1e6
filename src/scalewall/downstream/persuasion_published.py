"""The persuasion study's published numbers, and our reproduction set next to them.

The authors' own output tables (registry entries ``hackenburg2025-table-*`` and ``hackenburg2025-nonlinear-*``, verbatim from
their repository) are the targets: Hackenburg et al. 2025, PNAS 122(10) e2413443122. They are
rounded to two decimals.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from scalewall.data.runs import read_source


def _num(text: object) -> float:
    return float(str(text).strip())


def _ci(text: object) -> tuple[float, float]:
    lo, hi = str(text).strip().strip("[]").split(",")
    return float(lo), float(hi)


def published() -> dict[str, Any]:
    """The numbers of the authors' tables that the reproduction compares with."""
    prim, _ = read_source("hackenburg2025-table-primary-model")
    adj, _ = read_source("hackenburg2025-table-primary-adjust2")
    nl, _ = read_source("hackenburg2025-nonlinear-results")
    cmp_, _ = read_source("hackenburg2025-nonlinear-comparisons")
    fixed = prim[prim["effect"] == "fixed"].set_index("coef")
    tau = {(r["group"], r["coef"]): float(r["estimate"]) for _, r in prim.iterrows()}
    adj = adj.set_index(adj.columns[0])
    slope_row = next(i for i in adj.index if "log_param_count" in i)
    b = nl[(nl["Model"] == "log-linear") & (nl["term"] == "b")].iloc[0]
    return {
        "intercept": (_num(fixed.loc["intrcpt", "estimate"]), *_ci(fixed.loc["intrcpt", "95% CI"])),
        "log_params": (
            _num(fixed.loc["log(parameter count)", "estimate"]),
            *_ci(fixed.loc["log(parameter count)", "95% CI"]),
        ),
        "tau_message": tau[("message_id", "intrcpt")],
        "tau_model": tau[("model", "intrcpt")],
        "tau_issue": tau[("issue", "intrcpt")],
        "tau_issue_slope": tau[("issue", "log(parameter count)")],
        "rho_issue": tau[("issue", "[intrcpt, log(parameter count)]")],
        "adjusted_log_params": _num(adj.loc[slope_row, "estimate"]),
        "adjusted_log_params_se": _num(adj.loc[slope_row, "std.error"]),
        "adjusted_log_params_p": _num(adj.loc[slope_row, "p.value"]),
        "loglinear_b": _num(b["estimate"]),
        "loglinear_b_se": _num(b["std.error"]),
        "forms": {
            str(r["Model"]): {"aic": _num(r["AIC"]), "cv_error": _num(r["CV_error"])}
            for _, r in cmp_.iterrows()
        },
    }


def reproduction(
    primary: dict[str, Any], adjusted: dict[str, Any], forms: pd.DataFrame
) -> pd.DataFrame:
    """Ours next to theirs, one row per quantity.

    ``primary`` and ``adjusted`` are ``MetaRegression.to_dict()`` records; ``forms`` the table of
    ``nonlinear_forms``. Interval bounds are NaN where a side reports none.
    """
    pub = published()
    t = {r["term"]: r for r in primary["terms"]}["log_params"]
    i = {r["term"]: r for r in primary["terms"]}["intercept"]
    a = {r["term"]: r for r in adjusted["terms"]}["log_params"]
    ll = forms.set_index("form").loc["log-linear"]
    nan = float("nan")
    main, adj2 = "table_primary_model.csv", "table_primary_adjust2.csv"
    rows = [
        ("slope per ln(params)", (t["estimate"], t["lo"], t["hi"]), pub["log_params"], main),
        ("intercept (mean ln params)", (i["estimate"], i["lo"], i["hi"]), pub["intercept"], main),
        *(
            (label, (primary[key], nan, nan), (pub[key], nan, nan), main)
            for label, key in (
                ("tau message", "tau_message"),
                ("tau model", "tau_model"),
                ("tau issue (intercept)", "tau_issue"),
                ("tau issue (slope)", "tau_issue_slope"),
                ("rho issue", "rho_issue"),
            )
        ),
        (
            "slope, task-adjusted",
            (a["estimate"], a["lo"], a["hi"]),
            (pub["adjusted_log_params"], nan, nan),
            adj2,
        ),
        (
            "  its standard error",
            (a["se"], nan, nan),
            (pub["adjusted_log_params_se"], nan, nan),
            adj2,
        ),
        ("  its p-value", (a["p"], nan, nan), (pub["adjusted_log_params_p"], nan, nan), adj2),
        (
            "log-linear form: b",
            (_num(ll["b"]), nan, nan),
            (pub["loglinear_b"], nan, nan),
            "nonlinear_results.csv (individual-level fit)",
        ),
        (
            "log-linear form: CV error",
            (_num(ll["cv_error"]), nan, nan),
            (pub["forms"]["log-linear"]["cv_error"], nan, nan),
            "nonlinear_comparisons.csv",
        ),
    ]
    cols = ["quantity", "ours", "ours_lo", "ours_hi", "published", "published_lo", "published_hi"]
    return pd.DataFrame(
        [(q, *ours, *theirs, src) for q, ours, theirs, src in rows], columns=[*cols, "source"]
    )


__all__ = ["published", "reproduction"]
