"""Sweeps: a TOML file (or a shipped preset) -> runs in the store -> runs table -> analysis.

A sweep file has top-level ``name``, ``kind`` (``scaling``, ``repeat`` or ``collapse``) and
``seeds``, and the tables ``[base]`` (:class:`~scalewall.lm.config.RunConfig` keys shared by all
runs), ``[[models]]`` (one table of RunConfig keys per model size), ``[grid]`` (``tokens`` for
scaling; ``unique_tokens``, ``epochs`` and ``fresh`` for repeat), ``[analysis]`` (``bootstrap``,
``seed``, ``concept_frequency``, ``level``, ``spec_bootstrap``) and ``[collapse]`` (see :mod:`scalewall.lm.collapse`). A scaling
sweep may instead give a ``[design]`` table (``kind = "isoflop"`` or ``"chinchilla"``, ``budget``
in FLOPs; see :mod:`scalewall.lm.ladder`), which lays out the models and token counts itself.
Unknown keys fail with one line naming the key.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from scalewall.errors import input_error
from scalewall.lm.config import RunConfig, from_mapping
from scalewall.validate import check_keys, did_you_mean, parse_toml, read_text

KINDS = ("scaling", "repeat", "collapse")
TOP_KEYS = (
    "name",
    "kind",
    "description",
    "seeds",
    "base",
    "models",
    "grid",
    "analysis",
    "collapse",
    "design",
)
GRID_KEYS = {"scaling": ("tokens",), "repeat": ("unique_tokens", "epochs", "fresh"), "collapse": ()}
ANALYSIS_KEYS = ("bootstrap", "seed", "concept_frequency", "level", "spec_bootstrap")
TRAIN_JOB = "scalewall.lm.train:job"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Sweep:
    """A parsed sweep file; :meth:`configs` expands it into run configs."""

    name: str
    kind: str
    source: str
    seeds: tuple[int, ...] = (0,)
    base: RunConfig = field(default_factory=RunConfig)
    models: tuple[RunConfig, ...] = ()
    grid: Mapping[str, Any] = field(default_factory=dict)
    analysis: Mapping[str, Any] = field(default_factory=dict)
    collapse: Mapping[str, Any] = field(default_factory=dict)
    design: Mapping[str, Any] = field(default_factory=dict)

    def configs(self) -> list[RunConfig]:
        """Every training run: models x token budgets (x unique budgets) x seeds."""
        out: list[RunConfig] = []
        if self.design:
            from scalewall.lm.data import prepare
            from scalewall.lm.ladder import design_runs

            data = prepare(self.base, self.source)
            where = f"{self.source} [design]"
            # the budget is the whole ladder's: each seed's copy gets its share
            share = {**self.design, "budget": float(self.design["budget"]) / len(self.seeds)}
            runs = design_runs(self.base, share, data.tokenizer.vocab_size, where, len(data.train))
            ladder = [cfg for _, cfg in runs]
            seeded = [dataclasses.replace(c, seed=s) for c in ladder for s in self.seeds]
            return list(dict.fromkeys(seeded))
        for model in self.models:
            for seed in self.seeds:
                m = dataclasses.replace(model, seed=seed)
                if self.kind == "scaling":
                    out += [dataclasses.replace(m, tokens=int(t)) for t in self.grid["tokens"]]
                elif self.kind == "repeat":
                    for u in self.grid["unique_tokens"]:
                        for e in self.grid["epochs"]:
                            d = round(e * u)
                            out.append(dataclasses.replace(m, tokens=d, unique_tokens=int(u)))
                            if self.grid.get("fresh", True) and e > 1:
                                out.append(dataclasses.replace(m, tokens=d, unique_tokens=d))
                else:
                    out.append(m)
        return list(dict.fromkeys(out))


def _table(raw: Mapping[str, Any], key: str, src: str) -> dict[str, Any]:
    v = raw.get(key, {})
    if not isinstance(v, dict):
        raise input_error(f"'{key}' must be a table ([{key}])", source=src)
    return v


def parse(raw: Mapping[str, Any], source: str) -> Sweep:
    """A :class:`Sweep` from a parsed TOML document, checked key by key."""
    check_keys(raw, TOP_KEYS, source)
    kind = raw.get("kind")
    if kind not in KINDS:
        raise input_error(f"'kind' must be one of {', '.join(KINDS)}", source=source, got=kind)
    base = from_mapping(_table(raw, "base", source), f"{source} [base]")
    models_raw = raw.get("models", [{}])
    if not isinstance(models_raw, list) or not all(isinstance(m, dict) for m in models_raw):
        raise input_error("'models' must be an array of tables ([[models]])", source=source)
    models = tuple(
        from_mapping(m, f"{source} [[models]] {i + 1}", base) for i, m in enumerate(models_raw)
    )
    grid = _table(raw, "grid", source)
    check_keys(grid, GRID_KEYS[kind], f"{source} [grid]")
    design = _table(raw, "design", source)
    if design:
        from scalewall.lm.ladder import check_design

        if kind != "scaling" or "models" in raw or grid:
            raise input_error(
                "[design] lays out a scaling sweep's models and tokens itself",
                fix="use kind = 'scaling' and drop [[models]] and [grid]",
                source=source,
            )
        check_design(design, source)
    for k in (
        ("tokens",)
        if kind == "scaling" and not design
        else ("unique_tokens", "epochs")
        if kind == "repeat"
        else ()
    ):
        vals = grid.get(k)
        if (
            not isinstance(vals, list)
            or not vals
            or any(isinstance(v, bool) or not isinstance(v, int | float) or v <= 0 for v in vals)
        ):
            raise input_error(
                f"'{k}' must be a non-empty list of numbers > 0", source=f"{source} [grid]"
            )
    analysis = _table(raw, "analysis", source)
    check_keys(analysis, ANALYSIS_KEYS, f"{source} [analysis]")
    collapse = _table(raw, "collapse", source)
    if kind == "collapse":
        from scalewall.lm.collapse import check_settings

        check_settings(collapse, f"{source} [collapse]")
    elif collapse:
        raise input_error("[collapse] applies to kind = 'collapse' only", source=source)
    seeds = raw.get("seeds", [0])
    if not isinstance(seeds, list) or not seeds or not all(isinstance(s, int) for s in seeds):
        raise input_error("'seeds' must be a non-empty list of integers", source=source)
    return Sweep(
        name=str(raw.get("name", Path(source).stem)),
        kind=kind,
        source=source,
        seeds=tuple(seeds),
        base=base,
        models=models,
        grid=grid,
        analysis=analysis,
        collapse=collapse,
        design=design,
    )


def with_design(sweep: Sweep, kind: str | None, budget: float | None) -> Sweep:
    """``sweep`` with its ``[design]`` kind and budget replaced (the CLI's --design, --budget)."""
    if kind is None and budget is None:
        return sweep
    design = {**sweep.design}
    design.update({k: v for k, v in (("kind", kind), ("budget", budget)) if v is not None})
    if "kind" not in design or "budget" not in design:
        raise input_error("--design and --budget go together unless the sweep has a [design]")
    name = f"{sweep.name}-{design['kind']}-{float(design['budget']):.3g}"
    raw: dict[str, Any] = {"name": name, "kind": "scaling", "seeds": list(sweep.seeds)}
    raw |= {"base": {**sweep.base.to_dict()}, "analysis": dict(sweep.analysis), "design": design}
    return parse(raw, sweep.source)


def presets() -> list[str]:
    """Names of the shipped presets (``src/scalewall/lm/presets/*.toml``)."""
    folder = resources.files("scalewall.lm") / "presets"
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def load(path: str | Path | None = None, preset: str | None = None) -> Sweep:
    """A sweep from a TOML file or a preset name (exactly one of the two)."""
    if (path is None) == (preset is None):
        raise input_error("give a sweep file or --preset NAME (one of the two)")
    if preset is not None:
        if preset not in presets():
            hint = did_you_mean(preset, presets())
            fix = (f"{hint} " if hint else "") + f"choose one of: {', '.join(presets())}"
            raise input_error("unknown preset", source="--preset", got=preset, fix=fix)
        text = (resources.files("scalewall.lm") / "presets" / f"{preset}.toml").read_text()
        source = f"preset {preset}"
    else:
        p = Path(str(path))
        if not p.is_file():
            raise input_error("sweep file not found", source=str(p), fix="check the path")
        text, source = read_text(p), str(p)
    return parse(parse_toml(text, source), source)


def runs_table(configs: Sequence[RunConfig], finals: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The tidy runs table: one row per run, config columns then measured columns.

    ``N`` is the non-embedding parameter count, ``D`` the tokens trained, ``C`` the exact
    training FLOPs (``C_method`` says which count), ``loss`` the held-out nats per token,
    ``unique_tokens`` the distinct training tokens and ``epochs = D / unique_tokens``.
    """
    from scalewall.lm.data import prepare
    from scalewall.runs.store import run_id

    rows = []
    for cfg, fin in zip(configs, finals, strict=True):
        unique = cfg.unique_tokens or len(prepare(cfg).train)
        rows.append(
            {
                "run_id": run_id(TRAIN_JOB, cfg.to_dict()),
                "seed": cfg.seed,
                "n_layer": cfg.n_layer,
                "n_head": cfg.n_head,
                "d_model": cfg.d_model,
                "context": cfg.context,
                "tokenizer": cfg.tokenizer,
                **{k: fin[k] for k in ("N", "N_total", "D", "C", "C_6ND", "loss", "train_loss")},
                "C_method": "6(N+Vd)D+12LdTD",
                "unique_tokens": min(unique, fin["D"]),
                "epochs": fin["D"] / min(unique, fin["D"]),
                "steps": fin["steps"],
                "tokens_per_s": fin["tokens_per_s"],
                "mfu": fin["mfu"],
                "rules": cfg.rules,
            }
        )
    return pd.DataFrame(rows)


#: Columns that depend on the machine's speed, not on the config and seed.
TIMING_COLUMNS = ("tokens_per_s", "mfu")
SCHEMA_VERSION = 1
#: A training step's fixed cost in FLOP-equivalents for :func:`run_cost`: on one core a step
#: took about 3.5 ms more than its FLOPs at the 85 GFLOP/s the same shapes reached (3 x 64 at 4
#: and 16 sequences per step, 7.2 and 18.4 ms; measured 2026-11-30), the Python, optimizer and
#: kernel-launch overhead that dominates the smallest models.
STEP_OVERHEAD_FLOPS = 3e8


def jobs(sweep: Sweep) -> list[tuple[str, dict[str, Any]]]:
    """The sweep's executor jobs: training runs, or one collapse chain per policy and seed."""
    if sweep.kind == "collapse":
        from scalewall.lm.collapse import chain_configs

        return chain_configs(sweep)
    return [(TRAIN_JOB, c.to_dict()) for c in sweep.configs()]


def run_cost(config: Mapping[str, Any]) -> float:
    """A training run's expected cost in FLOPs, to start the longest first: its FLOPs plus
    :data:`STEP_OVERHEAD_FLOPS` per step."""
    from scalewall.lm.flops import flops_per_token

    cfg = RunConfig(**config)
    per_token = flops_per_token(cfg.n_layer, cfg.d_model, cfg.vocab_size, cfg.context)
    return float(per_token * cfg.tokens + STEP_OVERHEAD_FLOPS * cfg.steps)


def check_data(sweep: Sweep) -> None:
    """Corpus checks for every distinct data setting, before any run starts (one-line errors)."""
    from scalewall.lm.data import prepare

    for cfg in dict.fromkeys([*sweep.configs(), sweep.base]):
        prepare(cfg, sweep.source)


def run(
    sweep: Sweep,
    out: Path,
    *,
    resume: bool = False,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
    progress: Progress | None = None,
    note: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Train every run of ``sweep`` into ``out/runs`` and write the tables and fits under ``out``.

    Without ``resume`` the sweep's runs are retrained from scratch; with it, finished runs are
    read back and interrupted ones continue from their last checkpoint. ``note`` receives one
    line saying what happens to the runs already stored (library code never prints).

    Returns the ``--json`` payload: ``runs_table`` (path), ``fit`` (``FitResult.to_dict``
    schema, or None), ``repeat``, ``concept_frequency`` and, for collapse sweeps, ``summary``.
    """
    from scalewall.lm.train import resolve_device
    from scalewall.runs.executors import run_jobs
    from scalewall.runs.store import RunStore

    resolve_device(sweep.base.device)  # a CUDA sweep on a CPU-only machine stops before any run
    check_data(sweep)
    todo = jobs(sweep)
    store = RunStore(out / "runs")
    message = store.prepare(todo, resume)
    if message and note is not None:
        note(message)
    finals = run_jobs(
        todo,
        out / "runs",
        executor=executor,
        workers=workers,
        address=address,
        progress=progress,
        cost=None if sweep.kind == "collapse" else [run_cost(c) for _, c in todo],
    )
    if sweep.kind == "collapse":
        from scalewall.lm.collapse import analyse

        return analyse(sweep, todo, finals, out)
    return _analyse_runs(sweep, [RunConfig(**c) for _, c in todo], finals, out, store)


def _analyse_runs(
    sweep: Sweep,
    configs: list[RunConfig],
    finals: list[dict[str, Any]],
    out: Path,
    store: Any,
) -> dict[str, Any]:
    from scalewall.lm import experiments as ex
    from scalewall.storage import write_csv, write_json

    table = runs_table(configs, finals)
    write_csv(out / "runs.csv", table)
    a = sweep.analysis
    boot, seed, level = (
        int(a.get("bootstrap", 1000)),
        int(a.get("seed", 0)),
        float(a.get("level", 0.95)),
    )
    payload: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "name": sweep.name,
        "kind": sweep.kind,
        "runs_table": str(out / "runs.csv"),
        "n_runs": len(table),
        "fit": None,
        "repeat": None,
        "concept_frequency": None,
        "ladder": None,
    }
    if sweep.design:
        from scalewall.lm.ladder import settings
        from scalewall.lm.ladder_fit import analyse

        res, payload["ladder"] = analyse(
            table, sweep.design["kind"], boot, seed, level, a.get("spec_bootstrap")
        )
        payload["ladder"]["design_settings"] = settings(sweep.design)
        payload["fit"] = res.to_dict()
        write_json(out / "ladder.json", payload["ladder"])
        write_csv(out / "ladder_spec_curve.csv", pd.DataFrame(payload["ladder"]["spec_curve"]))
    elif sweep.kind == "scaling":
        res = ex.scaling_fit(table, boot, seed, level)
        if boot > 0:
            write_csv(out / "frontier.csv", ex.frontier(res, table))
        payload["fit"] = res.to_dict()
    else:
        res = ex.repeat_fit(table, boot, seed, level)
        payload["fit"] = res.to_dict()
        payload["repeat"] = ex.repeat_summary(res)
    write_json(out / "fit.json", payload["fit"])
    if a.get("concept_frequency", True):
        i = int(table["C"].to_numpy().argmax())
        ckpt = store.run(TRAIN_JOB, configs[i].to_dict()).checkpoint()
        types = ex.per_type_losses(configs[i], ckpt)
        write_csv(out / "concept_frequency.csv", types)
        cf = ex.frequency_slope(types, seed=seed, level=level)
        payload["concept_frequency"] = {"run_id": table["run_id"].iloc[i], **cf}
        write_json(out / "concept_frequency.json", payload["concept_frequency"])
    write_json(out / "sweep.json", payload)
    return payload


__all__ = [
    "KINDS",
    "TIMING_COLUMNS",
    "TRAIN_JOB",
    "Sweep",
    "jobs",
    "load",
    "parse",
    "presets",
    "run",
    "runs_table",
]
