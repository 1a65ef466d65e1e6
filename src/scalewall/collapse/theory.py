"""Closed forms for recursive training; the statistical tests hold the simulator to them.

Section numbers refer to ``research/model_collapse.md`` (section 5), which derives each result
and checks it by Monte Carlo. ``t`` counts fits, ``t = 1`` being the fit on the real data;
sigma_0^2 = 1, mu_0 = 0.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import digamma, gammaln
from scipy.stats import norm

F = NDArray[np.float64]


def _t(t: ArrayLike) -> F:
    return np.asarray(t, dtype=float)


def replace_variance(n: int, t: ArrayLike) -> F:
    """E[sigma_t^2] = (1 - 1/n)^t under replace with the MLE (5.1; also E tr ratio in d dims)."""
    return (1.0 - 1.0 / n) ** _t(t)


def replace_log_variance(n: int, t: ArrayLike, ddof: int = 0) -> F:
    """E[ln sigma_t^2] = t [psi((n-1)/2) + ln(2/(n - ddof))] (5.1, 5.2): the median decays
    about twice as fast as the mean."""
    return _t(t) * (digamma((n - 1) / 2) + np.log(2.0 / (n - ddof)))


def replace_det_ratio(n: int, d: int, t: ArrayLike) -> F:
    """E[det Sigma_t / det Sigma_0] = (prod_{i=1}^d (1 - i/n))^t under the MLE (5.1)."""
    return np.asarray(float(np.prod(1.0 - np.arange(1, d + 1) / n)) ** _t(t), dtype=float)


def replace_mean_sq(n: int, t: ArrayLike, ddof: int = 0) -> F:
    """E[mu_t^2]: 1 - (1 - 1/n)^t with the MLE (5.1); t/n with the unbiased estimator (5.2)."""
    return _t(t) / n if ddof == 1 else 1.0 - replace_variance(n, t)


def unbiased_sd(n: int, t: ArrayLike) -> F:
    """E[sigma_t] = c_n^t with c_n = sqrt(2) Gamma(n/2) / (Gamma((n-1)/2) sqrt(n-1)) (5.2)."""
    c = np.sqrt(2.0 / (n - 1)) * np.exp(gammaln(n / 2) - gammaln((n - 1) / 2))
    return c ** _t(t)


def accumulate_variance(n: int, t: int) -> F:
    """E[sigma_k^2] for k = 1..t under accumulate: prod_{k<=t} (1 - 1/(n k^2)) (5.3)."""
    k = np.arange(1, t + 1, dtype=float)
    return np.asarray(np.cumprod(1.0 - 1.0 / (n * k**2)), dtype=float)


def accumulate_variance_limit(n: int) -> float:
    """lim_t prod (1 - 1/(n k^2)) = sin(pi/sqrt n) / (pi/sqrt n) (5.3)."""
    x = np.pi / np.sqrt(n)
    return float(np.sin(x) / x)


def accumulate_mean_sq(n: int, t: int) -> F:
    """E[mu_k^2] = sum_{j<=k} E[sigma_{j-1}^2] / (n j^2) for k = 1..t (5.3)."""
    v_prev = np.concatenate([[1.0], accumulate_variance(n, t)[:-1]])
    j = np.arange(1, t + 1, dtype=float)
    return np.asarray(np.cumsum(v_prev / (n * j**2)), dtype=float)


def fresh_fraction(n: int, alpha: float, t: int) -> tuple[F, F]:
    """E[sigma_k^2], E[mu_k^2] for k = 1..t with a share alpha of fresh real data (5.4)."""
    v, m = np.empty(t), np.empty(t)
    v[0], m[0] = 1.0 - 1.0 / n, 1.0 / n
    for k in range(1, t):
        v[k] = (1 - 1 / n) * (alpha + (1 - alpha) * v[k - 1]) + alpha * (1 - alpha) * m[k - 1]
        m[k] = (1 - alpha) ** 2 * m[k - 1] + (alpha + (1 - alpha) * v[k - 1]) / n
    return v, m


def kde_variance(n: int, h2: float, t: int, v0: float = 1.0) -> F:
    """Per-dimension variance of a Gaussian KDE with absolute bandwidth^2 ``h2``, fits 1..t:
    v_{k+1} = (1 - 1/n) v_k + h^2, fixed point n h^2 (5.5)."""
    v = np.empty(t)
    v[0] = (1 - 1 / n) * v0 + h2
    for k in range(1, t):
        v[k] = (1 - 1 / n) * v[k - 1] + h2
    return v


def scipy_kde_growth(n: int, d: int) -> float:
    """Per-generation variance factor of SciPy's data-scaled (Scott) KDE: 1 - 1/n + n^(-2/(d+4))
    (5.5; n=100, d=1: 1.1485)."""
    return 1.0 - 1.0 / n + n ** (-2.0 / (d + 4))


def gini_simpson(h0: float, n: int, t: ArrayLike) -> F:
    """E[1 - sum p^2] = H_0 (1 - 1/n)^t under replace (5.8; Seddik et al. 2024)."""
    return h0 * (1.0 - 1.0 / n) ** _t(t)


def collapse_time(p0: ArrayLike, n: int) -> float:
    """Mean generations to a point mass, -2n sum (1-p) ln(1-p) (5.8, diffusion approximation)."""
    p = np.asarray(p0, dtype=float)
    return float(-2 * n * np.sum((1 - p) * np.log1p(-p)))


def type_survival(p0: ArrayLike, n: int, k: int) -> F:
    """Expected surviving share of types after fits 1..k: sum 1 - exp(-n p g_j) (5.9; Suresh
    et al. 2024, Cor. 1, essentially tight); g_1 = 1, g_{j+1} = 1 - exp(-g_j)."""
    p = np.asarray(p0, dtype=float)
    g = np.empty(k)
    g[0] = 1.0
    for j in range(1, k):
        g[j] = 1.0 - np.exp(-g[j - 1])
    return (1.0 - np.exp(-n * p[None] * g[:, None])).sum(axis=1) / p.size


def regression_error(d: int, T: int, t: ArrayLike, accumulate: bool, sigma2: float = 1.0) -> F:
    """E||w_t - w*||^2 with a fixed T x d design: replace t d/(T-d-1); accumulate
    d/(T-d-1) sum_{k<=t} 1/k^2 (5.7; Gerstgrasser et al. 2024)."""
    unit = sigma2 * d / (T - d - 1)
    tt = _t(t)
    if not accumulate:
        return unit * tt
    return unit * np.array([np.sum(1.0 / np.arange(1, int(k) + 1) ** 2) for k in np.atleast_1d(tt)])


def truncation_factor(k: float) -> float:
    """Variance factor per generation of keeping |x - mu| <= k sigma: 1 - 2k phi(k)/(2Phi(k)-1)
    (5.10; k=2: 0.7737)."""
    return float(1.0 - 2 * k * norm.pdf(k) / (2 * norm.cdf(k) - 1))
