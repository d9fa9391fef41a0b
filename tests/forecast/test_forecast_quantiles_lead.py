"""Quantile bands calibrated per lead: coverage on held-out draws, monotone in the lead."""

from __future__ import annotations

import numpy as np
import pytest

from wfm.forecast.quantiles import band_coverage, calibrate_dispersion, dispersion_by_lead


def gamma_poisson(rng, mean: float, dispersion: float, size: int) -> np.ndarray:
    rate = mean * rng.gamma(1 / dispersion, dispersion, size) if dispersion else np.full(size, mean)
    return rng.poisson(rate).astype(float)


@pytest.mark.parametrize("dispersion", [0.0, 0.005, 0.02, 0.05])
def test_calibrated_band_covers_80_percent_of_new_draws(dispersion) -> None:
    rng = np.random.default_rng(7)
    forecast = np.full(5000, 80.0)
    phi = calibrate_dispersion(gamma_poisson(rng, 80.0, dispersion, 5000), forecast)
    fresh = gamma_poisson(rng, 80.0, dispersion, 20000)
    # Discrete counts: the band holds at least 80 % and not much more.
    assert 0.78 <= band_coverage(fresh, np.full(20000, 80.0), phi) <= 0.86


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
    assert by_lead[4] == by_lead[2]  # running maximum
    assert by_lead[0] == by_lead[1]
