r"""Helpers of ``bench_update_variants.py score-shape`` (issue 18, branch rodshape).

Not part of the library: the within-day update they serve was measured and not adopted
(docs/benchmarks.md, "Rest-of-day shape from a full residual covariance"). Two parts:

**Covariance from few samples.** With :math:`n` samples of a :math:`p`-vector and :math:`n < p` (a few dozen past days of
a day's 5-minute intervals) the sample covariance :math:`S` is singular and its extreme
eigenvalues are badly biased. Both estimators here shrink it towards a scaled identity,

.. math:: \hat\Sigma = (1 - \rho)\,S + \rho\,\mu I, \qquad \mu = \operatorname{tr}(S)/p,

with the intensity :math:`\rho \in [0, 1]` in closed form:

- **Ledoit & Wolf (2004)**, the consistent estimate of the intensity minimising the
  expected Frobenius loss: with the :math:`p`-normalised Frobenius norm
  :math:`\|A\|^2 = \operatorname{tr}(AA^\top)/p`,
  :math:`\delta^2 = \|S - \mu I\|^2`,
  :math:`\bar\beta^2 = n^{-2}\sum_k \|x_k x_k^\top - S\|^2`,
  :math:`\rho = \min(\bar\beta^2, \delta^2)/\delta^2`;
- **oracle-approximating shrinkage** (Chen, Wiesel, Eldar & Hero 2010, eq. 23) for
  Gaussian samples:
  :math:`\rho = \min\Bigl(1, \dfrac{(1 - 2/p)\operatorname{tr}(S^2) + \operatorname{tr}^2(S)}
  {(n + 1 - 2/p)\,(\operatorname{tr}(S^2) - \operatorname{tr}^2(S)/p)}\Bigr)`.

:math:`S` is the second moment about the sample mean (``centred=True``, divided by
:math:`n`) or about zero (``centred=False``: residuals whose expected value is zero by
construction, such as a forecast's errors).

**The rest of the day given the morning.** Weinberg, Brown & Stroud (2007) model arrivals on the root scale,
:math:`y_t = \sqrt{n_t + 1/4}`, where Poisson noise has variance :math:`1/4` whatever
the rate. Here the day's residual vector :math:`r = y - \sqrt{f}` from a forecast
:math:`f` is taken as Gaussian, :math:`r \sim N(0, \Sigma + \tfrac14 I)`, with the
covariance :math:`\Sigma` of its systematic part (level, tilt, bursts) estimated from past
days' residual vectors and shrunk (above). The expected
residuals of the intervals still to come (:math:`A`) given those seen (:math:`M`) are
the Schur-complement mean

.. math:: \hat r_A = \Sigma_{AM}\,(\Sigma_{MM} + \tfrac14 I)^{-1}\, r_M,

where the :math:`\tfrac14` on the diagonal keeps the morning's Poisson noise from being
propagated. Conditioning on block sums :math:`B r_M` (e.g. half-hours) instead,
:math:`\hat r_A = \Sigma_{AM}B^\top (B(\Sigma_{MM} + \tfrac14 I)B^\top)^{-1} B r_M`.

References
----------
.. [1] O. Ledoit and M. Wolf (2004), "A well-conditioned estimator for large-dimensional
   covariance matrices", Journal of Multivariate Analysis 88(2), 365–411.
.. [2] Y. Chen, A. Wiesel, Y. C. Eldar and A. O. Hero (2010), "Shrinkage algorithms for
   MMSE covariance estimation", IEEE Transactions on Signal Processing 58(10), 5016–5029.
.. [3] J. Weinberg, L. D. Brown and J. R. Stroud (2007), "Bayesian forecasting of an
   inhomogeneous Poisson process with applications to call center data", JASA 102(480),
   1185–1198.
.. [4] T. W. Anderson (2003), *An Introduction to Multivariate Statistical Analysis*, 3rd
   ed., Wiley, Theorem 2.5.1 (the conditional normal distribution).
"""

from __future__ import annotations

import numpy as np


def _second_moment(samples: np.ndarray, centred: bool) -> tuple[np.ndarray, np.ndarray]:
    """``(x, S)``: the samples (centred if asked) and their second moment over ``n``."""
    x = np.asarray(samples, dtype=float)
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 1 or not np.isfinite(x).all():
        raise ValueError(
            f"covariance shrinkage: samples must be a finite (n, p) array with n, p >= 1, "
            f"got shape {getattr(x, 'shape', None)}"
        )
    if centred:
        x = x - x.mean(axis=0)
    return x, x.T @ x / len(x)


def ledoit_wolf(samples: np.ndarray, *, centred: bool = True) -> tuple[np.ndarray, float]:
    """Ledoit–Wolf shrunk covariance and its intensity (module docstring).

    Parameters
    ----------
    samples
        ``(n, p)`` array, one sample a row.
    centred
        Subtract the sample mean first (``False``: second moment about zero).

    Returns
    -------
    covariance : numpy.ndarray
        ``(p, p)`` shrunk covariance.
    intensity : float
        :math:`\\rho` in [0, 1] (1: all the weight on :math:`\\mu I`).

    Examples
    --------
    Two samples of a 2-vector about zero whose :math:`S` is already :math:`\\mu I`: nothing to shrink.

    >>> cov, rho = ledoit_wolf(np.array([[1.0, 0.0], [0.0, 1.0]]) * np.sqrt(2), centred=False)
    >>> np.round(cov, 6).tolist(), rho
    ([[1.0, 0.0], [0.0, 1.0]], 0.0)
    """
    x, s = _second_moment(samples, centred)
    n, p = x.shape
    mu = np.trace(s) / p
    delta = np.sum((s - mu * np.eye(p)) ** 2) / p
    if delta <= 0:
        return s, 0.0
    # sum_k ||x_k x_k' - S||^2 = sum_k ||x_k||^4 - n ||S||^2 (the cross term is n ||S||^2)
    norms = np.sum(x**2, axis=1)
    beta = (np.sum(norms**2) - n * np.sum(s**2)) / p / n**2
    rho = float(min(max(beta, 0.0), delta) / delta)
    return (1.0 - rho) * s + rho * mu * np.eye(p), rho


def oracle_approximating(samples: np.ndarray, *, centred: bool = True) -> tuple[np.ndarray, float]:
    """Oracle-approximating shrunk covariance and its intensity (module docstring).

    Parameters and returns as :func:`ledoit_wolf`.

    Examples
    --------
    One sample says nothing about correlation: all the weight goes to :math:`\\mu I`.

    >>> cov, rho = oracle_approximating(np.array([[3.0, 1.0]]), centred=False)
    >>> np.round(cov, 6).tolist(), rho
    ([[5.0, 0.0], [0.0, 5.0]], 1.0)
    """
    x, s = _second_moment(samples, centred)
    n, p = x.shape
    trace = np.trace(s)
    trace_squared = np.sum(s**2)
    mu = trace / p
    denominator = (n + 1.0 - 2.0 / p) * (trace_squared - trace**2 / p)
    if denominator <= 0:
        rho = 1.0
    else:
        rho = float(min(1.0, ((1.0 - 2.0 / p) * trace_squared + trace**2) / denominator))
    return (1.0 - rho) * s + rho * mu * np.eye(p), rho


#: Variance of :math:`\sqrt{n + 1/4}` for Poisson :math:`n` (Anscombe 1948), [root contacts²].
ROOT_POISSON_VARIANCE = 0.25


def root_residuals(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    """Residuals on the root scale, :math:`\\sqrt{n + 1/4} - \\sqrt{f}` (NaN stays NaN).

    Examples
    --------
    >>> root_residuals(np.array([99.75, np.nan]), np.array([100.0, 4.0])).tolist()
    [0.0, nan]
    """
    forecast = np.maximum(np.asarray(forecast, dtype=float), 0.0)
    return np.sqrt(np.asarray(actual, dtype=float) + 0.25) - np.sqrt(forecast)


def conditional_rest(
    covariance: np.ndarray,
    seen: np.ndarray,
    residuals_seen: np.ndarray,
    *,
    block_size: int = 1,
    noise_variance: float = ROOT_POISSON_VARIANCE,
) -> np.ndarray:
    """Expected residuals of the unseen intervals given the seen ones (module docstring).

    Parameters
    ----------
    covariance
        ``(p, p)`` covariance :math:`\\Sigma` of the systematic part of a day's root-scale
        residuals (without the Poisson noise) [root contacts²].
    seen
        ``(p,)`` boolean: the intervals observed so far.
    residuals_seen
        Root-scale residuals of the seen intervals, in order.
    block_size
        Condition on sums over consecutive blocks of this many seen intervals (1: each).
    noise_variance
        Noise variance added to the seen intervals' diagonal [root contacts²].

    Returns
    -------
    numpy.ndarray
        ``(p,)`` expected residuals: of the unseen intervals the conditional mean, 0 on the
        seen ones; all 0 when nothing is seen.

    Examples
    --------
    A day level shared by two intervals (variance 1) and noise 1/4: seeing +1 on the first
    predicts 1 / 1.25 = 0.8 on the second.

    >>> conditional_rest(np.ones((2, 2)), np.array([True, False]), np.array([1.0])).tolist()
    [0.0, 0.8]
    """
    covariance = np.asarray(covariance, dtype=float)
    seen = np.asarray(seen, dtype=bool)
    values = np.asarray(residuals_seen, dtype=float)
    result = np.zeros(len(seen))
    m = np.flatnonzero(seen)
    a = np.flatnonzero(~seen)
    if not len(m) or not len(a):
        return result
    blocks = np.arange(len(m)) // max(int(block_size), 1)
    summing = np.zeros((blocks[-1] + 1, len(m)))
    summing[blocks, np.arange(len(m))] = 1.0
    within = covariance[np.ix_(m, m)] + noise_variance * np.eye(len(m))
    gram = summing @ within @ summing.T
    cross = covariance[np.ix_(a, m)] @ summing.T
    result[a] = cross @ np.linalg.solve(gram, summing @ values)
    return result
