"""How each generation's training set is built: mixers, curation filters, schedules, bias.

A recursive-training policy is a chain of small steps, composed like optax transformations
rather than one flag per combination: ``chain(mix_real(0.1), keep_top(0.5))`` is a
:class:`Policy`, and its ``repr`` is that recipe (what the report shows and the run id hashes).
Each step returns a new policy (``step.apply_to(policy)``); nothing is mutated in place. The
steps are of four kinds:

* a :class:`Mixer` assembles the training set of fit ``t`` from the :class:`Pool` (the original
  real data, every generation's synthetic samples and a way to draw fresh real data):
  :func:`replace`, :func:`accumulate`, :func:`accumulate_subsample`, :func:`mix_real`; a later
  mixer in a chain replaces an earlier one;
* :class:`Filter` s curate each generation's synthetic samples before they enter the pool, in
  chain order (:func:`truncate`, :func:`keep_top`, :func:`dedup`, :class:`Verifier`);
* a :class:`Schedule` gives the number of samples drawn per generation (:func:`schedule`:
  constant, linear, power, geometric);
* :class:`SamplingBias` (:func:`sampling`: temperature, top-p, top-k) reshapes the model's
  sampling distribution.

Interface for any model, including neural ones. Everything here operates on :class:`Samples`:
``values`` of shape ``(S, m, *item)`` (``S`` independent seeds, ``m`` items each; items may be
floats, token-id rows or, with ``dtype=object``, strings) and a boolean ``mask`` ``(S, m)`` marking
the items that are present (filters drop items by clearing the mask, so ragged sets stay
rectangular). A model that is not vectorised over seeds uses ``S = 1``: ``Samples.of(x)`` wraps an
array of ``m`` items. A neural LM loop needs only::

    pool = Pool(real=Samples.of(real_token_rows), history=policy.mix.history)
    for t in range(1, generations + 1):
        train = policy.training_set(pool, t, rng)      # fit t; t = 1 is the real data
        model = train_lm(train.valid(0))               # the items of seed 0, as an array
        synth = Samples.of(sample_lm(model, policy.size(t)))
        pool = pool.add(policy.curate(synth, FilterContext(current=..., judge=...), rng))

Filters that need a density (:class:`LikelihoodFilter`) call ``log_prob(values) -> (S, m)`` on the
``current`` or ``judge`` object of :class:`FilterContext`; nothing else about the model is assumed.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from scalewall.errors import input_error

Array = NDArray[Any]


# -- samples -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Samples:
    """A batch of ``S`` sample sets of up to ``m`` items each; ``mask`` marks present items."""

    values: Array
    mask: NDArray[np.bool_]

    def __post_init__(self) -> None:
        if self.values.shape[:2] != self.mask.shape:
            raise ValueError(f"values {self.values.shape} and mask {self.mask.shape} disagree")

    @classmethod
    def full(cls, values: Array) -> Samples:
        """Every item present; ``values`` has shape ``(S, m, *item)``."""
        return cls(values, np.ones(values.shape[:2], dtype=bool))

    @classmethod
    def of(cls, items: Array | Sequence[Any]) -> Samples:
        """One seed (``S = 1``) holding ``items`` (an array of ``m`` items or a list)."""
        arr = np.asarray(items) if not isinstance(items, list) else _object_array(items)
        return cls.full(arr[None])

    @property
    def seeds(self) -> int:
        return int(self.mask.shape[0])

    @property
    def size(self) -> int:
        """Slots per seed, present or not."""
        return int(self.mask.shape[1])

    def counts(self) -> NDArray[np.int64]:
        """Present items per seed, ``(S,)``."""
        return self.mask.sum(axis=1)

    def take(self, idx: NDArray[np.intp]) -> Samples:
        """Per-seed item selection: ``idx`` has shape ``(S, k)``."""
        vals = np.take_along_axis(
            self.values, idx.reshape(idx.shape + (1,) * (self.values.ndim - 2)), 1
        )
        return Samples(vals, np.take_along_axis(self.mask, idx, 1))

    def valid(self, seed: int = 0) -> Array:
        """The present items of one seed, as an array of shape ``(k, *item)``."""
        return self.values[seed][self.mask[seed]]

    def compact(self) -> Samples:
        """Present items first, trailing slots that no seed uses dropped (same content)."""
        order = np.argsort(~self.mask, axis=1, kind="stable")
        out = self.take(order)
        k = int(self.counts().max(initial=0))
        return Samples(out.values[:, :k], out.mask[:, :k])


def _object_array(items: Sequence[Any]) -> Array:
    arr = np.empty(len(items), dtype=object)
    arr[:] = list(items)
    return arr


def concat(parts: Sequence[Samples]) -> Samples:
    """Join sample sets item-wise (same seeds, same item shape)."""
    if len(parts) == 1:
        return parts[0]
    return Samples(
        np.concatenate([p.values for p in parts], axis=1),
        np.concatenate([p.mask for p in parts], axis=1),
    )


def subsample(s: Samples, k: int, rng: np.random.Generator) -> Samples:
    """``k`` present items per seed uniformly without replacement (all of them when fewer)."""
    if k >= s.size:
        return s
    keys = rng.random(s.mask.shape)
    keys[~s.mask] = np.inf
    idx = np.argpartition(keys, k - 1, axis=1)[:, :k] if k > 0 else np.zeros((s.seeds, 0), int)
    return s.take(idx)


# -- the pool ------------------------------------------------------------------------------------
#: ``draw_real(k, rng) -> Samples``: ``k`` fresh real items per seed.
RealDraw = Callable[[int, np.random.Generator], Samples]


@dataclass(frozen=True)
class Pool:
    """The original real data, the curated synthetic samples, and a way to draw fresh real data.

    With ``history=False`` only the latest synthetic generation is kept (replace and mixing
    policies need no more), so memory stays constant over generations. A pool is a value:
    :meth:`add` returns a new one.
    """

    real: Samples
    draw_real: RealDraw | None = None
    history: bool = True
    synthetic: tuple[Samples, ...] = ()
    _all: Samples | None = field(default=None, repr=False, compare=False)

    def add(self, synth: Samples) -> Pool:
        """This pool plus one generation's synthetic samples (after curation)."""
        if not self.history:
            return dataclasses.replace(self, synthetic=(synth,))
        everything = concat([self.everything(), synth])  # grown once per generation
        return dataclasses.replace(self, synthetic=(*self.synthetic, synth), _all=everything)

    def everything(self) -> Samples:
        """Real data and all synthetic samples so far."""
        if not self.history:
            raise ValueError("this pool keeps only the latest generation (history=False)")
        return self._all if self._all is not None else concat([self.real, *self.synthetic])

    def latest(self) -> Samples:
        return self.synthetic[-1] if self.synthetic else self.real


# -- mixers --------------------------------------------------------------------------------------
class Mixer(Protocol):
    """Builds the training set of fit ``t >= 2`` of size about ``n`` from the pool."""

    @property
    def name(self) -> str: ...

    @property
    def history(self) -> bool:
        """Whether the mixer reads earlier generations (the pool keeps them only then)."""
        ...

    def __call__(self, pool: Pool, n: int, rng: np.random.Generator) -> Samples: ...

    def apply_to(self, policy: Policy) -> Policy: ...


class _MixStep:
    """The chain step of a mixer: it becomes the policy's mixer."""

    def apply_to(self, policy: Policy) -> Policy:
        return dataclasses.replace(policy, mix=self)  # type: ignore[arg-type]


def _call(name: str, *args: Any, **kwargs: Any) -> str:
    """``name(arg, key=value)``: the recipe a step prints and the run id hashes."""
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


@dataclass(frozen=True, repr=False)
class Replace(_MixStep):
    """Fit on the latest generation's samples only (Shumailov et al. 2024; Kazdan et al. 2024)."""

    name: str = "replace"
    history: bool = False

    def __call__(self, pool: Pool, n: int, rng: np.random.Generator) -> Samples:
        return pool.latest()

    def __repr__(self) -> str:
        return _call("replace")


@dataclass(frozen=True, repr=False)
class Accumulate(_MixStep):
    """Fit on the real data and every synthetic generation so far (Gerstgrasser et al. 2024)."""

    name: str = "accumulate"
    history: bool = True

    def __call__(self, pool: Pool, n: int, rng: np.random.Generator) -> Samples:
        return pool.everything()

    def __repr__(self) -> str:
        return _call("accumulate")


@dataclass(frozen=True, repr=False)
class AccumulateSubsample(_MixStep):
    """Accumulate, but fit on ``n`` items drawn without replacement (Kazdan et al. 2024)."""

    name: str = "accumulate-subsample"
    history: bool = True

    def __call__(self, pool: Pool, n: int, rng: np.random.Generator) -> Samples:
        return subsample(pool.everything(), n, rng)

    def __repr__(self) -> str:
        return _call("accumulate_subsample")


@dataclass(frozen=True, repr=False)
class MixReal(_MixStep):
    """A share ``fraction`` of real data plus the latest synthetic samples, ``n`` in all.

    ``fresh=True`` draws new real data each generation (the "fresh data loop" of Alemohammad
    et al. 2023); ``fresh=False`` re-samples the original real data (Shumailov et al. 2024 keep a
    random 10% of it).
    """

    fraction: float
    fresh: bool = False
    history: bool = False

    def __post_init__(self) -> None:
        check_fraction("fraction", self.fraction)

    @property
    def name(self) -> str:
        return f"{'fresh' if self.fresh else 'keep-real'}-{self.fraction:g}"

    def __call__(self, pool: Pool, n: int, rng: np.random.Generator) -> Samples:
        k = round(self.fraction * n)
        if self.fresh:
            if pool.draw_real is None:
                raise input_error("fresh real data needs a model that can draw real data")
            real = pool.draw_real(k, rng)
        else:
            real = subsample(pool.real, k, rng)
        return concat([real, subsample(pool.latest(), n - k, rng)])

    def __repr__(self) -> str:
        return _call("mix_real", self.fraction, **({"fresh": True} if self.fresh else {}))


def check_fraction(name: str, value: float) -> None:
    """Fractions live in [0, 1]; anything else is a one-line input error naming ``name``."""
    if not 0.0 <= value <= 1.0:
        raise input_error(f"{name} must be in [0, 1]", got=value)


# -- filters -------------------------------------------------------------------------------------
class Density(Protocol):
    """What a likelihood filter needs of a model: per-item log-density, ``(S, m)``."""

    def log_prob(self, values: Array) -> NDArray[np.float64]: ...


@dataclass(frozen=True)
class FilterContext:
    """The current fitted model and the frozen judge (the fit on real data, generation 1)."""

    current: Density | None = None
    judge: Density | None = None


class Filter(Protocol):
    """Curates synthetic samples: returns the same items with some masked out."""

    @property
    def name(self) -> str: ...

    def __call__(self, s: Samples, ctx: FilterContext, rng: np.random.Generator) -> Samples: ...

    def apply_to(self, policy: Policy) -> Policy: ...


class _FilterStep:
    """The chain step of a filter: it runs after the policy's filters so far."""

    def apply_to(self, policy: Policy) -> Policy:
        return dataclasses.replace(policy, filters=(*policy.filters, self))  # type: ignore[arg-type]


@dataclass(frozen=True, repr=False)
class Truncate(_FilterStep):
    """Keep items within ``k`` standard deviations of the sample mean in every coordinate.

    For a Gaussian this shrinks the variance by ``1 - 2k phi(k)/(2 Phi(k) - 1)`` per generation
    (research note 5.10); it is the "quality over diversity" bias of Alemohammad et al. 2023.
    """

    k: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.k) and self.k > 0):
            raise input_error("truncate k (standard deviations) must be > 0", got=self.k)

    @property
    def name(self) -> str:
        return f"truncate-{self.k:g}"

    def __call__(self, s: Samples, ctx: FilterContext, rng: np.random.Generator) -> Samples:
        x = s.values.reshape(s.seeds, s.size, -1).astype(float)
        w = s.mask[..., None]
        cnt = np.maximum(w.sum(axis=1, keepdims=True), 1)
        mu = (x * w).sum(axis=1, keepdims=True) / cnt
        sd = np.sqrt((((x - mu) ** 2) * w).sum(axis=1, keepdims=True) / cnt)
        keep = (np.abs(x - mu) <= self.k * sd).all(axis=2)
        return Samples(s.values, s.mask & keep)

    def __repr__(self) -> str:
        return _call("truncate", self.k)


@dataclass(frozen=True, repr=False)
class LikelihoodFilter(_FilterStep):
    """Keep the ``keep`` most likely share of items under the current model or the frozen judge.

    The perplexity filters of Gambetta et al. 2024 and Feng et al. 2024 ("verification").
    """

    keep: float
    judge: Literal["current", "gen0"] = "gen0"

    def __post_init__(self) -> None:
        check_fraction("likelihood filter keep", self.keep)

    @property
    def name(self) -> str:
        return f"likelihood-{self.judge}-{self.keep:g}"

    def __call__(self, s: Samples, ctx: FilterContext, rng: np.random.Generator) -> Samples:
        model = ctx.judge if self.judge == "gen0" else ctx.current
        if model is None:
            raise input_error(f"the likelihood filter needs a {self.judge} model")
        lp = np.where(s.mask, model.log_prob(s.values), -np.inf)
        k = np.floor(self.keep * s.counts()).astype(int)
        rank = np.argsort(np.argsort(-lp, axis=1, kind="stable"), axis=1)
        return Samples(s.values, s.mask & (rank < k[:, None]))

    def __repr__(self) -> str:
        judge = {"judge": self.judge} if self.judge != "gen0" else {}
        return _call("keep_top", self.keep, **judge)


@dataclass(frozen=True, repr=False)
class Dedup(_FilterStep):
    """Drop repeated items within each seed (first occurrence kept)."""

    name: str = "dedup"

    def __call__(self, s: Samples, ctx: FilterContext, rng: np.random.Generator) -> Samples:
        keep = np.zeros_like(s.mask)
        for i in range(s.seeds):
            pos = np.flatnonzero(s.mask[i])
            items = s.values[i, pos]
            if items.dtype == object:
                seen: dict[Any, int] = {}
                first = [seen.setdefault(_key(v), j) == j for j, v in enumerate(items)]
                keep[i, pos[np.asarray(first, dtype=bool)]] = True
            else:
                _, idx = np.unique(items.reshape(len(pos), -1), axis=0, return_index=True)
                keep[i, pos[idx]] = True
        return Samples(s.values, keep)

    def __repr__(self) -> str:
        return _call("dedup")


def _key(v: Any) -> Any:
    return tuple(v) if isinstance(v, list | np.ndarray) else v


@dataclass(frozen=True, repr=False)
class Verifier(_FilterStep):
    """Keep items for which ``check(values) -> bool mask (S, m)`` holds (a task verifier).

    A callback has no recipe: the repr names it (``name``), and a run id that hashes it is only
    as specific as that name.
    """

    check: Callable[[Array], NDArray[np.bool_]]
    name: str = "verifier"

    def __call__(self, s: Samples, ctx: FilterContext, rng: np.random.Generator) -> Samples:
        return Samples(s.values, s.mask & np.asarray(self.check(s.values), dtype=bool))

    def __repr__(self) -> str:
        return f"Verifier(<{self.name}>)"


# -- schedules -----------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class Schedule:
    """Samples per generation: ``n_t = round(n * g(t))`` with ``g(1) = 1``.

    ``kind``: ``constant`` (g = 1), ``linear`` (g = t), ``power`` (g = t^rate) or ``geometric``
    (g = rate^(t-1)). Shumailov et al. 2024 (Thm 3.1) note that the Gaussian's error stays
    bounded only when the sample size grows superlinearly.
    """

    kind: Literal["constant", "linear", "power", "geometric"] = "constant"
    rate: float = 1.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.rate) and self.rate > 0):
            raise input_error("schedule rate must be > 0", got=self.rate)

    @property
    def name(self) -> str:
        return self.kind if self.kind in ("constant", "linear") else f"{self.kind}-{self.rate:g}"

    def __call__(self, n: int, t: int) -> int:
        g = {
            "constant": 1.0,
            "linear": float(t),
            "power": float(t) ** self.rate,
            "geometric": self.rate ** (t - 1),
        }[self.kind]
        return max(2, round(n * g))

    def apply_to(self, policy: Policy) -> Policy:
        return dataclasses.replace(policy, schedule=self)

    def __repr__(self) -> str:
        return _call("schedule", self.kind, *([self.rate] if self.rate != 1.0 else []))


# -- sampling bias -------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class SamplingBias:
    """Temperature, nucleus (top-p) and top-k truncation of a categorical sampling distribution."""

    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0

    def __post_init__(self) -> None:
        if not self.temperature > 0:
            raise input_error("temperature must be > 0", got=self.temperature)
        if not 0.0 < self.top_p <= 1.0:
            raise input_error("top-p must be in (0, 1]", got=self.top_p)
        if self.top_k < 0:
            raise input_error("top-k must be >= 0 (0: off)", got=self.top_k)

    @property
    def neutral(self) -> bool:
        return self.temperature == 1.0 and self.top_p == 1.0 and self.top_k == 0

    def apply(self, p: NDArray[np.float64]) -> NDArray[np.float64]:
        """Reshape probabilities along the last axis (rows sum to 1 again)."""
        if self.neutral:
            return p
        q = p ** (1.0 / self.temperature) if self.temperature != 1.0 else p.copy()
        q /= q.sum(axis=-1, keepdims=True)
        if self.top_k or self.top_p < 1.0:
            order = np.argsort(-q, axis=-1, kind="stable")
            sorted_q = np.take_along_axis(q, order, -1)
            keep = np.ones_like(sorted_q, dtype=bool)
            if self.top_k:
                keep[..., self.top_k :] = False
            if self.top_p < 1.0:  # smallest prefix whose mass reaches top_p
                before = np.cumsum(sorted_q, axis=-1) - sorted_q
                keep &= before < self.top_p
            mask = np.zeros_like(keep)
            np.put_along_axis(mask, order, keep, -1)
            q = np.where(mask, q, 0.0)
            q /= q.sum(axis=-1, keepdims=True)
        return q

    @property
    def name(self) -> str:
        parts = [f"T{self.temperature:g}"] if self.temperature != 1.0 else []
        parts += [f"top-p{self.top_p:g}"] if self.top_p < 1.0 else []
        parts += [f"top-k{self.top_k}"] if self.top_k else []
        return "-".join(parts)

    def apply_to(self, policy: Policy) -> Policy:
        return dataclasses.replace(policy, bias=self)

    def __repr__(self) -> str:
        default = SamplingBias()
        changed = {
            k: getattr(self, k)
            for k in ("temperature", "top_p", "top_k")
            if getattr(self, k) != getattr(default, k)
        }
        return _call("sampling", **changed)


# -- the policy ----------------------------------------------------------------------------------
class Step(Protocol):
    """One link of :func:`chain`: returns a new policy with this step applied."""

    def apply_to(self, policy: Policy) -> Policy: ...


@dataclass(frozen=True, repr=False)
class Policy:
    """A mixer, curation filters, a sample-size schedule and a sampling bias.

    Build one with :func:`chain`; its ``repr`` is that call.
    """

    mix: Mixer = field(default_factory=Replace)
    filters: tuple[Filter, ...] = ()
    schedule: Schedule = field(default_factory=Schedule)
    bias: SamplingBias = field(default_factory=SamplingBias)
    n: int = 100

    def __post_init__(self) -> None:
        if self.n < 2:
            raise input_error("n (samples per generation) must be >= 2", got=self.n)

    @property
    def name(self) -> str:
        parts = [self.mix.name, *(f.name for f in self.filters)]
        parts += [self.schedule.name] if self.schedule.kind != "constant" else []
        parts += [self.bias.name] if not self.bias.neutral else []
        return "+".join(parts)

    def size(self, t: int) -> int:
        """Items drawn at generation ``t`` (``t = 1``: the real data)."""
        return self.schedule(self.n, t)

    def training_set(self, pool: Pool, t: int, rng: np.random.Generator) -> Samples:
        """The data of fit ``t``: the real data at ``t = 1``, the mixer's choice after."""
        return pool.real if t == 1 else self.mix(pool, self.size(t), rng)

    def curate(self, synth: Samples, ctx: FilterContext, rng: np.random.Generator) -> Samples:
        """Apply the filters in order."""
        for f in self.filters:
            synth = f(synth, ctx, rng)
        return synth

    @property
    def steps(self) -> tuple[Step, ...]:
        """The chain that builds this policy (constant schedule and neutral bias left out)."""
        sched = (self.schedule,) if self.schedule != Schedule() else ()
        bias = (self.bias,) if not self.bias.neutral else ()
        return (self.mix, *self.filters, *sched, *bias)

    def __repr__(self) -> str:
        n = {"n": self.n} if self.n != Policy.n else {}
        return _call("chain", *self.steps, **n)


def chain(*steps: Step, n: int = 100) -> Policy:
    """Compose steps left to right into a policy of ``n`` samples per generation.

    Starts from :func:`replace`, no filters, a constant schedule and neutral sampling.
    Examples: ``chain(mix_real(0.1), keep_top(0.5))``; ``chain(accumulate(), schedule("linear"))``.
    """
    policy = Policy(n=n)
    for step in steps:
        policy = step.apply_to(policy)
    return policy


# -- the steps by their recipe names ------------------------------------------------------------
def replace() -> Replace:
    """Fit on the latest generation only."""
    return Replace()


def accumulate() -> Accumulate:
    """Fit on the real data and every generation so far."""
    return Accumulate()


def accumulate_subsample() -> AccumulateSubsample:
    """Accumulate, then draw ``n`` items."""
    return AccumulateSubsample()


def mix_real(fraction: float, fresh: bool = False) -> MixReal:
    """A ``fraction`` of real data (fresh draws with ``fresh``) plus the latest generation."""
    return MixReal(fraction, fresh)


def truncate(k: float) -> Truncate:
    """Keep items within ``k`` standard deviations."""
    return Truncate(k)


def keep_top(keep: float, judge: Literal["current", "gen0"] = "gen0") -> LikelihoodFilter:
    """Keep the ``keep`` most likely share under the judge."""
    return LikelihoodFilter(keep, judge)


def dedup() -> Dedup:
    """Drop repeated items."""
    return Dedup()


def schedule(
    kind: Literal["constant", "linear", "power", "geometric"], rate: float = 1.0
) -> Schedule:
    """Samples per generation."""
    return Schedule(kind, rate)


def sampling(temperature: float = 1.0, top_p: float = 1.0, top_k: int = 0) -> SamplingBias:
    """Temperature, top-p and top-k of the model's sampling."""
    return SamplingBias(temperature, top_p, top_k)


#: Named mixers for the CLI and config files; ``fraction`` is the real share where one applies.
MIXERS: dict[str, Callable[[float], Mixer]] = {
    "replace": lambda f: Replace(),
    "accumulate": lambda f: Accumulate(),
    "accumulate-subsample": lambda f: AccumulateSubsample(),
    "fresh": lambda f: MixReal(f, fresh=True),
    "keep-real": lambda f: MixReal(f, fresh=False),
}


#: Named filters (recipe name -> step); a :class:`Verifier` wraps a callback and has no name.
FILTERS: dict[str, Callable[..., Filter]] = {
    "truncate": truncate,
    "keep_top": keep_top,
    "dedup": dedup,
}


def make_mixer(name: str, fraction: float = 0.1) -> Mixer:
    """A mixer by name; unknown names list the valid ones."""
    if name not in MIXERS:
        raise input_error(f"unknown policy '{name}'; valid: {', '.join(MIXERS)}")
    check_fraction("fraction", fraction)
    return MIXERS[name](fraction)


__all__ = [
    "FILTERS",
    "MIXERS",
    "Accumulate",
    "AccumulateSubsample",
    "Dedup",
    "Filter",
    "FilterContext",
    "LikelihoodFilter",
    "MixReal",
    "Mixer",
    "Policy",
    "Pool",
    "Replace",
    "Samples",
    "SamplingBias",
    "Schedule",
    "Step",
    "Truncate",
    "Verifier",
    "accumulate",
    "accumulate_subsample",
    "chain",
    "check_fraction",
    "concat",
    "dedup",
    "keep_top",
    "make_mixer",
    "mix_real",
    "replace",
    "sampling",
    "schedule",
    "subsample",
    "truncate",
]
