"""Quantile bands calibrated per lead: coverage on held-out draws, monotone in the lead."""

from __future__ import annotations

import numpy as np
import pytest

from wfm.forecast.quantiles import (
    band_coverage,
    calibrate_dispersion,
    dispersion_by_lead,
    isotonic_increasing,
    poisson_gamma_quantile,
)


def gamma_poisson(rng, mean: float, dispersion: float, size: int) -> np.ndarray:
    rate = mean * rng.gamma(1 / dispersion, dispersion, size) if dispersion else np.full(size, mean)
    return rng.poisson(rate).astype(float)


@pytest.mark.parametrize("dispersion", [0.0, 0.005, 0.02, 0.05])
def test_calibrated_band_covers_80_percent_of_new_draws(dispersion) -> None:
    rng = np.random.default_rng(7)
    forecast = np.full(5000, 80.0)
    phi = calibrate_dispersion(gamma_poisson(rng, 80.0, dispersion, 5000), forecast)
    fresh = gamma_poisson(rng, 80.0, dispersion, 20000)
    # Mid-quantile band: 80 % within the noise of 5000 calibration draws (the integer
    # quantiles' band held up to 0.86 here).
    assert 0.78 <= band_coverage(fresh, np.full(20000, 80.0), phi) <= 0.83


def test_dispersion_grows_with_the_lead_and_fills_gaps() -> None:
    rng = np.random.default_rng(3)
    leads = np.repeat([1, 2, 4], 4000)
    truth = {
        1: 0.005,
        2: 0.02,
        4: 0.01,
    }  # lead 4 noisier than lead 2 would be odd: kept at lead 2's
    actual = np.concatenate([gamma_poisson(rng, 50.0, truth[h], 4000) for h in (1, 2, 4)])
    by_lead = dispersion_by_lead(leads, actual, np.full(len(actual), 50.0))
    assert len(by_lead) == 5
    assert by_lead[1] < by_lead[2]
    assert by_lead[3] == by_lead[2]  # no pairs at lead 3: the previous lead's value
    assert by_lead[4] == by_lead[2]  # pooled: lead 4 may not be below lead 2
    assert by_lead[0] == by_lead[1]
    # Pooled to the mean of the two leads' own calibrations (equal pair counts), not
    # raised to the larger one: a running maximum would over-cover at lead 4.
    own = {h: calibrate_dispersion(actual[leads == h], np.full(4000, 50.0)) for h in (2, 4)}
    assert by_lead[2] == pytest.approx((own[2] + own[4]) / 2)
    assert own[4] < by_lead[4] < own[2]


def test_isotonic_pooling_by_hand() -> None:
    # 3, 1, 2 with weights 1, 1, 2: pool (3, 1) -> 2 (weight 2); then 2 <= 2, done.
    assert isotonic_increasing([3.0, 1.0, 2.0], [1, 1, 2]).tolist() == [2.0, 2.0, 2.0]
    # 1, 4, 2, 3 with weights 1, 3, 1, 1: pool (4, 2) -> 3.5 (weight 4), then
    # (3.5, 3) -> (14 + 3) / 5 = 3.4.
    assert np.allclose(isotonic_increasing([1.0, 4.0, 2.0, 3.0], [1, 3, 1, 1]), [1, 3.4, 3.4, 3.4])
    already = np.array([0.0, 0.01, 0.01, 0.2])
    assert isotonic_increasing(already, np.ones(4)).tolist() == already.tolist()


@pytest.mark.slow  # over 3 s of CPU (the fast loop's limit, pyproject.toml)
def test_isotonic_matches_brute_force_least_squares() -> None:
    """Against an independent method: the best non-decreasing fit on a fine grid."""
    rng = np.random.default_rng(11)
    for _ in range(20):
        values = rng.normal(size=3)
        weights = rng.uniform(0.5, 2.0, size=3)
        grid = np.linspace(-3, 3, 241)
        a, b, c = np.meshgrid(grid, grid, grid, indexing="ij")
        ok = (a <= b) & (b <= c)
        loss = (
            weights[0] * (a - values[0]) ** 2
            + weights[1] * (b - values[1]) ** 2
            + weights[2] * (c - values[2]) ** 2
        )
        loss = np.where(ok, loss, np.inf)
        best = np.unravel_index(np.argmin(loss), loss.shape)
        brute = grid[list(best)]
        assert np.allclose(isotonic_increasing(values, weights), brute, atol=0.03)


@pytest.mark.parametrize("dispersion", [0.0, 0.003, 0.05, 1.0])
def test_band_coverage_from_the_cdf_equals_the_quantile_band(dispersion) -> None:
    # Independent method: the band drawn from the quantiles themselves, with zero
    # means, means under one contact and fractional actuals among the pairs.
    rng = np.random.default_rng(4)
    forecast = np.concatenate([rng.gamma(2.0, 20.0, 2000), np.zeros(40), rng.uniform(0, 2, 200)])
    actual = rng.poisson(forecast * rng.gamma(10.0, 0.1, forecast.size)).astype(float)
    actual[:100] += 0.5
    lower = poisson_gamma_quantile(forecast, dispersion, 0.1)
    upper = poisson_gamma_quantile(forecast, dispersion, 0.9)
    expected = ((actual >= lower) & (actual <= upper)).mean()
    assert band_coverage(actual, forecast, dispersion) == pytest.approx(expected, abs=1e-12)
    assert 0.3 < expected < 1.0  # the band neither empty nor everything
