"""``scalewall persuasion``: the PNAS persuasion study reproduced; "no more effective" tested."""

from __future__ import annotations

import math
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from scalewall.cli.common import emit, out, user_errors
from scalewall.cli.options import INPUT, Debug, JsonOut, Quiet
from scalewall.downstream import persuasion as ps
from scalewall.downstream.persuasion_published import published

TEST = "Equivalence test"


def persuasion(
    messages: Annotated[
        str,
        typer.Option(help="Per-message effects: registry name or file.", rich_help_panel=INPUT),
    ] = ps.MESSAGES,
    model_effects: Annotated[
        str,
        typer.Option(help="Per-model effects: registry name or file.", rich_help_panel=INPUT),
    ] = ps.MODEL_ATES,
    margin: Annotated[
        float,
        typer.Option(
            help="Equivalence margin, percentage points of support.", rich_help_panel=TEST
        ),
    ] = ps.MARGIN,
    alpha: Annotated[float, typer.Option(help="Test level.", rich_help_panel=TEST)] = 0.05,
    frontier_params: Annotated[
        float,
        typer.Option(
            help="Assumed size of Claude-3-Opus and GPT-4-Turbo, billions (the authors' 300).",
            rich_help_panel=TEST,
        ),
    ] = ps.FRONTIER_PARAMS_B,
    window_low: Annotated[
        float,
        typer.Option(
            help="Comparison models: smallest size, fraction of frontier.", rich_help_panel=TEST
        ),
    ] = ps.WINDOW[0],
    window_high: Annotated[
        float,
        typer.Option(
            help="Comparison models: largest size, fraction of frontier.", rich_help_panel=TEST
        ),
    ] = ps.WINDOW[1],
    level: Annotated[float, typer.Option(help="Interval level of the fits.")] = 0.95,
    json_out: JsonOut = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Hackenburg et al. 2025 (PNAS): persuasion against model size, ours next to theirs.

    Example: scalewall persuasion --margin 1.0 --json persuasion.json
    """
    with user_errors(debug):
        res = ps.analyze(
            messages,
            model_effects,
            margin=margin,
            alpha=alpha,
            frontier_params_b=frontier_params,
            window=(window_low, window_high),
            level=level,
        )
        emit(res.to_dict(), json_out, quiet, lambda: render(res))


def _num(v: float) -> str:
    return "-" if v is None or math.isnan(v) else f"{v:.3g}"


def _iv(v: float, lo: float, hi: float) -> str:
    if lo is None or math.isnan(lo):
        return _num(v)
    return f"{v:.3g} [{lo:.3g}, {hi:.3g}]"


def render(res: ps.PersuasionResult) -> None:
    """Ours against published per quantity, the forms, and the equivalence verdicts."""
    t = Table(
        title="Hackenburg et al. 2025 reproduced (points of policy support; Wald "
        f"{round(100 * res.settings['level'])}% intervals; published: 95%)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for c in ("quantity", "ours", "published"):
        t.add_column(c, justify="left" if c == "quantity" else "right", no_wrap=True)
    for r in res.reproduction.to_dict(orient="records"):
        t.add_row(
            r["quantity"],
            _iv(r["ours"], r["ours_lo"], r["ours_hi"]),
            _iv(r["published"], r["published_lo"], r["published_hi"]),
        )
    out.print(t)
    sources = dict.fromkeys(res.reproduction["source"])
    out.print(f"published: the authors' tables {', '.join(sources)}")
    pub = published()["forms"]
    f = Table(
        title="Forms: ours on per-model effects (weighted), theirs on participants",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for c in ("form", "dAIC", "CV error", "published dAIC", "published CV error"):
        f.add_column(c, justify="left" if c == "form" else "right", no_wrap=True)
    best = res.forms["aic"].min()
    pub_best = min(p["aic"] for p in pub.values())
    for r in res.forms.to_dict(orient="records"):
        p = pub.get(r["form"], {"aic": math.nan, "cv_error": math.nan})
        f.add_row(
            r["form"],
            f"{r['aic'] - best:.1f}",
            f"{r['cv_error']:.2f}",
            f"{p['aic'] - pub_best:.1f}",
            f"{p['cv_error']:.2f}",
        )
    out.print(f)
    e = res.equivalence()
    out.print(
        f"frontier ({', '.join(e['frontier_models'])}, assumed {e['frontier_params_b']:g}B) minus "
        f"{e['comparison_rule']}: {', '.join(e['comparison_models'])}; "
        f"margin ±{e['margin']:g} points"
    )
    tost_pct = f"{100 * (1 - 2 * e['alpha']):.3g}%"  # TOST at alpha reads the 1 - 2 alpha interval
    for key, label in (("unadjusted", "as measured"), ("adjusted_task_completion", "adjusted")):
        q = e[key]
        out.print(
            f"  {label}: {q['difference']:+.2f} points, {tost_pct} [{q['ci90_lo']:+.2f}, "
            f"{q['ci90_hi']:+.2f}], TOST p = {q['p_tost']:.3g}, p(diff = 0) = "
            f"{q['p_difference']:.3g}: {q['verdict']}"
        )
