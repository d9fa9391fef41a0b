"""The Poisson and negative-binomial quantiles computed without importing scipy.stats
(issue 15: ~50 MB per forecast worker) equal scipy.stats' own, value for value."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from wfm.forecast.quantiles import _nbinom_ppf, _poisson_ppf, poisson_gamma_quantile

LEVELS = (1e-6, 0.01, 0.1, 0.2, 0.5, 0.8, 0.9, 0.975, 0.999999)


@pytest.mark.parametrize("q", LEVELS)
def test_poisson_quantile_equals_scipy_stats(q):
    rng = np.random.default_rng(1)
    mean = np.concatenate(
        [10.0 ** rng.uniform(-6, 6, 4000), [1e-9, 0.5, 1.0, 2.0, 100.0, 1e6, 1e8]]
    )
    np.testing.assert_array_equal(_poisson_ppf(q, mean), stats.poisson.ppf(q, mean))


@pytest.mark.parametrize("q", LEVELS)
def test_negative_binomial_quantile_equals_scipy_stats(q):
    rng = np.random.default_rng(2)
    mean = 10.0 ** rng.uniform(-4, 6, 4000)
    dispersion = 10.0 ** rng.uniform(-9, 2, 4000)
    n = 1.0 / dispersion
    p = n / (n + mean)
    np.testing.assert_array_equal(_nbinom_ppf(q, n, p), stats.nbinom.ppf(q, n, p))


def test_hand_checked_values():
    # Poisson(2): P(X <= 1) = 3 e^-2 = 0.406, P(X <= 2) = 5 e^-2 = 0.677, so the median is 2
    # and the 0.4-quantile is 1; a negative binomial with n = 1 is geometric: P(X <= k) =
    # 1 - (1 - p)^(k + 1); p = 0.5 gives 0.5, 0.75, 0.875: the 0.8-quantile is 2.
    assert _poisson_ppf(0.5, np.array([2.0])).tolist() == [2.0]
    assert _poisson_ppf(0.4, np.array([2.0])).tolist() == [1.0]
    assert _nbinom_ppf(0.8, np.array([1.0]), np.array([0.5])).tolist() == [2.0]
    # The mid-quantile of Poisson(2) at 0.5: F_mid(1) = e^-2 + e^-2 = 0.2707, F_mid(2) =
    # 3e^-2 + e^-2 = 0.5413, so 1 + (0.5 - 2e^-2) / (2e^-2) = 1.847.
    e = np.exp(-2.0)
    assert poisson_gamma_quantile([0.0, 2.0], 0.0, 0.5).tolist() == pytest.approx(
        [0.0, 1 + (0.5 - 2 * e) / (2 * e)], abs=1e-12
    )


def test_forecast_workers_import_neither_scipy_stats_nor_statsmodels():
    """A worker imports the engine and computes quantiles: neither heavy package is loaded."""
    code = (
        "import sys; import wfm.forecast.engine; "
        "from wfm.forecast.quantiles import poisson_gamma_quantile; "
        "poisson_gamma_quantile([5.0, 9.0], [0.0, 0.1], 0.9); "
        "print(sorted(m for m in sys.modules if m.startswith(('scipy.stats', 'statsmodels'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
