"""Mid-quantiles of a count (Parzen 2004; Ma, Genton and Parzen 2011): equal to a brute-force
inversion of the mid-distribution built from the pmf, monotone in the level, and a P10-P90
band that holds 80 % of counts drawn from the true distribution (the integer quantiles'
band holds about 85 % at 15-minute counts)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from wfm.forecast.quantiles import (
    _poisson_ppf,
    band_coverage,
    calibrate_dispersion,
    count_mid_cdf,
    poisson_gamma_quantile,
)

MEANS = (0.01, 0.3, 1.0, 2.5, 5.0, 12.0, 20.0, 33.0, 80.0, 250.0, 1000.0, 5e4)
DISPERSIONS = (0.0, 1e-4, 0.01, 0.05, 0.3, 1.0)
LEVELS = (0.01, 0.1, 0.25, 0.5, 0.8, 0.9, 0.99)


def brute_force_mid_quantile(mean: float, dispersion: float, q: float) -> float:
    """Mid-distribution F(k-1) + p(k)/2 on every count from the pmf, inverted by interpolation."""
    spread = np.sqrt(mean * (1 + dispersion * mean))
    counts = np.arange(0, int(mean + 60 * spread + 60))
    if dispersion == 0:
        pmf = stats.poisson.pmf(counts, mean)
    else:
        n = 1 / dispersion
        pmf = stats.nbinom.pmf(counts, n, n / (n + mean))
    mid = np.cumsum(pmf) - pmf / 2
    return float(np.interp(q, mid, counts, left=0.0))


@pytest.mark.parametrize("dispersion", DISPERSIONS)
def test_mid_quantile_equals_brute_force_inversion_of_the_pmf(dispersion) -> None:
    for q in LEVELS:
        expected = [brute_force_mid_quantile(mean, dispersion, q) for mean in MEANS]
        got = poisson_gamma_quantile(np.array(MEANS), dispersion, q)
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


def test_poisson_20_by_hand() -> None:
    # Poisson(20): F(14) = 0.1049, p(14) = 0.0387, p(15) = 0.0516, so F_mid(14) = 0.0856 and
    # F_mid(15) = 0.1307; P10 = 14 + (0.1 - 0.0856) / 0.0452 = 14.32.
    f13, f14 = special.pdtr(13, 20.0), special.pdtr(14, 20.0)
    p15 = special.pdtr(15, 20.0) - f14
    mid14, mid15 = (f13 + f14) / 2, f14 + p15 / 2
    assert mid14 <= 0.1 < mid15
    expected = 14 + (0.1 - mid14) / (mid15 - mid14)
    assert poisson_gamma_quantile([20.0], 0.0, 0.1)[0] == pytest.approx(expected, abs=1e-9)
    assert expected == pytest.approx(14.32, abs=0.01)
    # Below half the probability of zero: zero (Poisson(0.1): p(0) / 2 = 0.452).
    assert poisson_gamma_quantile([0.1], 0.0, 0.4)[0] == 0.0
    assert poisson_gamma_quantile([0.1], 0.0, 0.5)[0] > 0.0


@pytest.mark.parametrize("dispersion", [0.0, 0.02, 0.5])
def test_mid_quantile_increases_with_the_level_and_inverts_the_mid_cdf(dispersion) -> None:
    means = np.array([0.2, 3.0, 17.0, 140.0, 2000.0])
    levels = np.linspace(0.01, 0.99, 99)
    quantiles = np.array([poisson_gamma_quantile(means, dispersion, q) for q in levels])
    assert (np.diff(quantiles, axis=0) >= 0).all()
    above_zero = quantiles > 0
    np.testing.assert_allclose(
        np.broadcast_to(levels[:, None], quantiles.shape)[above_zero],
        count_mid_cdf(quantiles, means, dispersion)[above_zero],
        atol=1e-9,
    )


def test_large_means_move_by_less_than_one_contact() -> None:
    means = np.array([100.0, 400.0, 3000.0])
    for q in (0.1, 0.5, 0.8, 0.9):
        integer = _poisson_ppf(q, means)
        assert (np.abs(poisson_gamma_quantile(means, 0.0, q) - integer) <= 1.0).all()


@pytest.mark.parametrize("dispersion", [0.0, 0.03])
def test_band_around_the_true_mean_holds_80_percent_of_small_counts(dispersion) -> None:
    """Counts of 15-minute queues (means 3..40) drawn from their known distribution."""
    rng = np.random.default_rng(11)
    mean = rng.uniform(3.0, 40.0, 200_000)
    rate = mean * rng.gamma(1 / dispersion, dispersion, mean.size) if dispersion else mean
    actual = rng.poisson(rate).astype(float)
    low = poisson_gamma_quantile(mean, dispersion, 0.1)
    high = poisson_gamma_quantile(mean, dispersion, 0.9)
    inside = ((actual >= low) & (actual <= high)).mean()
    assert inside == pytest.approx(0.80, abs=0.01)
    assert band_coverage(actual, mean, dispersion) == pytest.approx(inside, abs=1e-12)
    # The integer quantiles' band over-covers the same draws: the reason for mid-quantiles.
    n = 1 / dispersion if dispersion else None
    integer_low = (
        stats.poisson.ppf(0.1, mean) if n is None else stats.nbinom.ppf(0.1, n, n / (n + mean))
    )
    integer_high = (
        stats.poisson.ppf(0.9, mean) if n is None else stats.nbinom.ppf(0.9, n, n / (n + mean))
    )
    assert ((actual >= integer_low) & (actual <= integer_high)).mean() > 0.83


def test_calibration_on_poisson_counts_finds_no_extra_dispersion() -> None:
    rng = np.random.default_rng(12)
    mean = rng.uniform(3.0, 40.0, 20_000)
    phi = calibrate_dispersion(rng.poisson(mean), mean)
    assert phi < 0.01
    fresh = rng.poisson(mean)
    assert band_coverage(fresh, mean, phi) == pytest.approx(0.80, abs=0.015)
