"""Helpers of ``bench_update_variants.py score-shape`` against definitions and theory.

Ledoit–Wolf and oracle-approximating shrinkage (``benchmarks/shape_covariance.py``) and the
Gaussian conditional mean of the rest of the day, checked against the precision-matrix
form. The update they serve was not adopted (docs/benchmarks.md, branch rodshape); the
tests keep the benchmark's figures reproducible.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from shape_covariance import (  # noqa: E402
    conditional_rest,
    ledoit_wolf,
    oracle_approximating,
    root_residuals,
)


def _ledoit_wolf_by_definition(x: np.ndarray) -> float:
    """Intensity of Ledoit & Wolf (2004), Lemma 3.2–3.3, by explicit loops (centred)."""
    x = x - x.mean(axis=0)
    n, p = x.shape
    s = sum(np.outer(row, row) for row in x) / n
    mu = np.trace(s) / p
    delta = np.trace((s - mu * np.eye(p)) @ (s - mu * np.eye(p)).T) / p
    beta = 0.0
    for row in x:
        gap = np.outer(row, row) - s
        beta += np.trace(gap @ gap.T) / p
    beta /= n**2
    return min(beta, delta) / delta


def _ar1(p: int, r: float) -> np.ndarray:
    index = np.arange(p)
    return r ** np.abs(index[:, None] - index[None, :])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ledoit_wolf_intensity_matches_its_definition(seed):
    x = np.random.default_rng(seed).normal(size=(12, 7)) @ np.diag(np.arange(1.0, 8.0))
    cov, rho = ledoit_wolf(x)
    assert rho == pytest.approx(_ledoit_wolf_by_definition(x), rel=1e-10)
    centred = x - x.mean(axis=0)
    s = centred.T @ centred / len(x)
    mu = np.trace(s) / 7
    assert np.allclose(cov, (1 - rho) * s + rho * mu * np.eye(7))


def test_shrinkage_intensity_follows_the_evidence():
    rng = np.random.default_rng(3)
    white = rng.normal(size=(20, 40))
    # truth mu I: nearly everything goes to the target
    assert ledoit_wolf(white)[1] > 0.8
    assert oracle_approximating(white)[1] > 0.8
    # one strong common factor, many samples: the sample covariance is kept
    factor = rng.normal(size=(2000, 1)) * 3.0 + rng.normal(size=(2000, 10)) * 0.3
    assert ledoit_wolf(factor)[1] < 0.05
    assert oracle_approximating(factor)[1] < 0.05


def test_shrunk_covariances_beat_the_sample_covariance_with_few_samples():
    """Chen et al. (2010), Fig. 1 setting: AR(1) covariance r = 0.5, p = 100, n = 20."""
    truth = _ar1(100, 0.5)
    root = np.linalg.cholesky(truth)
    losses = {"sample": 0.0, "lw": 0.0, "oas": 0.0}
    for seed in range(20):
        x = np.random.default_rng(seed).normal(size=(20, 100)) @ root.T
        centred = x - x.mean(axis=0)
        losses["sample"] += np.sum((centred.T @ centred / 20 - truth) ** 2)
        losses["lw"] += np.sum((ledoit_wolf(x)[0] - truth) ** 2)
        losses["oas"] += np.sum((oracle_approximating(x)[0] - truth) ** 2)
    assert losses["lw"] < 0.5 * losses["sample"]
    assert losses["oas"] < losses["lw"]


def test_about_zero_and_bad_input():
    x = np.random.default_rng(4).normal(1.0, 1.0, size=(30, 5))
    _, rho_zero = ledoit_wolf(x, centred=False)
    moment = x.T @ x / 30
    cov, rho = ledoit_wolf(x, centred=False)
    assert np.allclose(np.trace(cov), np.trace(moment))  # shrinkage keeps the trace
    assert rho == rho_zero
    with pytest.raises(ValueError, match="finite"):
        ledoit_wolf(np.array([[1.0, np.nan]]))
    with pytest.raises(ValueError, match="finite"):
        oracle_approximating(np.zeros(3))


def _by_precision(joint: np.ndarray, observed: np.ndarray, values: np.ndarray) -> np.ndarray:
    """E[x_A | x_M] = -Q_AA^{-1} Q_AM x_M with Q the inverse of the joint covariance."""
    q = np.linalg.inv(joint)
    a = np.flatnonzero(~observed)
    m = np.flatnonzero(observed)
    return -np.linalg.solve(q[np.ix_(a, a)], q[np.ix_(a, m)] @ values)


@pytest.mark.parametrize("seed", [0, 1])
def test_conditional_mean_matches_the_precision_form(seed):
    rng = np.random.default_rng(seed)
    loadings = rng.normal(size=(12, 3))
    signal = loadings @ loadings.T + 0.1 * np.eye(12)
    seen = np.arange(12) < 5
    values = rng.normal(size=5)
    joint = signal + np.diag(np.where(seen, 0.25, 0.0))
    expected = _by_precision(joint, seen, values)
    got = conditional_rest(signal, seen, values)
    assert np.allclose(got[~seen], expected)
    assert (got[seen] == 0).all()


def test_block_sums_condition_on_the_sums():
    rng = np.random.default_rng(2)
    loadings = rng.normal(size=(10, 2))
    signal = loadings @ loadings.T + 0.2 * np.eye(10)
    seen = np.arange(10) < 6
    values = rng.normal(size=6)
    # joint covariance of (x_A, s1, s2) with s the sums of 3 seen intervals each
    transform = np.zeros((6, 10))
    transform[:4, 6:] = np.eye(4)
    transform[4, 0:3] = 1.0
    transform[5, 3:6] = 1.0
    noisy = signal + np.diag(np.where(seen, 0.25, 0.0))
    joint = transform @ noisy @ transform.T
    sums = np.array([values[:3].sum(), values[3:].sum()])
    expected = _by_precision(joint, np.arange(6) >= 4, sums)
    got = conditional_rest(signal, seen, values, block_size=3)
    assert np.allclose(got[~seen], expected)


def test_nothing_seen_or_nothing_left_changes_nothing():
    signal = np.ones((4, 4))
    assert (conditional_rest(signal, np.zeros(4, bool), np.array([])) == 0).all()
    assert (conditional_rest(signal, np.ones(4, bool), np.ones(4)) == 0).all()


def test_pure_noise_morning_predicts_nothing():
    """Noise only (no systematic covariance): the morning says nothing about the rest."""
    got = conditional_rest(np.zeros((6, 6)), np.arange(6) < 3, np.array([2.0, -1.0, 3.0]))
    assert np.allclose(got, 0.0)


def test_root_residuals_of_a_poisson_day_have_variance_a_quarter():
    rng = np.random.default_rng(5)
    rate = np.full(200_000, 60.0)
    residual = root_residuals(rng.poisson(rate), rate)
    assert residual.var() == pytest.approx(0.25, rel=0.02)
    assert abs(residual.mean()) < 0.01
