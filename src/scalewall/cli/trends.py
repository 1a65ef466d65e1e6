"""``scalewall trends``: growth per year of compute, cost, data, power and size, with intervals."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from scalewall.cli.common import Table, emit, out, progress_bar, text, user_errors
from scalewall.cli.options import Debug, JsonOut, Quiet, Seed
from scalewall.errors import input_error
from scalewall.forecast.tables import QUANTITIES, UNITS, load_models
from scalewall.forecast.trends import Frontier, FrontierRule, compare_frontier, growth_rate
from scalewall.laws.result import fmt
from scalewall.validate import check_choice, check_count, check_finite, check_options

SEL, UNC = "Selection", "Uncertainty"


def trends(
    source: Annotated[
        str,
        typer.Argument(help="Registry name of an Epoch model table, or a CSV with its columns."),
    ] = "epoch-notable-models",
    quantity: Annotated[
        list[str] | None,
        typer.Option(help=f"Quantity (repeatable): {', '.join(QUANTITIES)} [default: all]."),
    ] = None,
    frontier: Annotated[
        Frontier, typer.Option(help="Which models count as frontier.", rich_help_panel=SEL)
    ] = Frontier.top,
    top_n: Annotated[
        int, typer.Option(help="n of --frontier top / window.", rich_help_panel=SEL)
    ] = 10,
    flop_threshold: Annotated[
        float, typer.Option(help="FLOP cut of --frontier threshold.", rich_help_panel=SEL)
    ] = 1e23,
    window_years: Annotated[
        float, typer.Option(help="Window of --frontier window (years).", rich_help_panel=SEL)
    ] = 1.0,
    since: Annotated[
        float, typer.Option(help="First year (decimal).", rich_help_panel=SEL)
    ] = 2018.0,
    until: Annotated[
        float, typer.Option(help="End year, exclusive.", rich_help_panel=SEL)
    ] = 2100.0,
    domain: Annotated[
        str | None, typer.Option(help="Only this domain, e.g. Language.", rich_help_panel=SEL)
    ] = None,
    bootstrap: Annotated[
        int, typer.Option(help="Bootstrap replicates.", rich_help_panel=UNC)
    ] = 2000,
    level: Annotated[float, typer.Option(help="Interval level.", rich_help_panel=UNC)] = 0.9,
    seed: Seed = 0,
    compare: Annotated[
        bool,
        typer.Option("--compare-frontier", help="Refit under every frontier rule and show spread."),
    ] = False,
    json_out: JsonOut = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Yearly growth factors (4.8 = 4.8x per year) with bootstrap intervals.

    Example: scalewall trends epoch-notable-models --since 2018 --compare-frontier --json t.json
    """
    with user_errors(debug):
        qs = [check_choice(q, QUANTITIES, "--quantity") for q in quantity or QUANTITIES]
        if since >= until:
            raise input_error(f"must be before --until {until:g}", source="--since", got=since)
        check_options(level=level, seed=seed, json_out=json_out, bootstrap=bootstrap)
        check_count(top_n, "--top-n", minimum=1)
        check_finite(window_years, "--window-years", positive=True)
        check_finite(flop_threshold, "--flop-threshold", positive=True)
        table = load_models(source)
        rule = FrontierRule(frontier, top_n, flop_threshold, window_years)
        kw: dict[str, Any] = dict(
            start=since, end=until, domain=domain, replicates=bootstrap, level=level, seed=seed
        )
        rates = [growth_rate(table, q, rule, **kw) for q in qs]
        payload: dict[str, Any] = {
            "source": table.source,
            "frontier": rule.label(),
            "since": since,
            "until": until,
            "domain": domain,
            "level": level,
            "bootstrap": bootstrap,
            "seed": seed,
            "notes": table.notes,
            "units": {q: UNITS[q] for q in qs},
            "rates": [r.to_dict() for r in rates],
        }
        if compare:
            with progress_bar("frontier rules", not quiet) as update:
                payload["compare_frontier"] = compare_frontier(table, qs, progress=update, **kw)

        def show() -> None:
            render(payload)

        emit(payload, json_out, quiet, show)


def render(p: dict[str, Any]) -> None:
    lvl = f"{round(100 * p['level'])}%"
    t = Table(
        title=f"growth per year, {p['source']}, {p['frontier']}, from {p['since']:g}"
        + (f", domain {p['domain']}" if p["domain"] else ""),
        title_justify="left",
    )
    for c in ("quantity", "x per year", f"{lvl} interval", "n", "dropped"):
        t.add_column(c, justify="left" if c in ("quantity", "dropped") else "right")
    for r in p["rates"]:
        drops = ", ".join(f"{v} {k}" for k, v in r["dropped"].items())
        t.add_row(
            r["quantity"],
            fmt(r["per_year"]),
            f"[{fmt(r['lo'])}, {fmt(r['hi'])}]",
            str(r["n"]),
            drops,
        )
    out.print(t)
    for n in p["notes"]:
        out.print(f"note: {text(n)}")
    for c in p.get("compare_frontier", []):
        ct = Table(title=f"{c['quantity']}: rate under each frontier rule", title_justify="left")
        for col in ("rule", "x per year", f"{lvl} interval", "n"):
            ct.add_column(col, justify="left" if col == "rule" else "right")
        for r in c["rates"]:
            ct.add_row(
                r["frontier"], fmt(r["per_year"]), f"[{fmt(r['lo'])}, {fmt(r['hi'])}]", str(r["n"])
            )
        out.print(ct)
        if c["spread"] is not None:
            out.print(
                f"the rule moves the rate from {fmt(c['min'])} to {fmt(c['max'])} (x{c['spread']:.2f})"
            )
