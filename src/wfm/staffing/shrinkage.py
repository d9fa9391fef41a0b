"""Shrinkage from its components, per interval.

Shrinkage is the share of paid time not available for contacts. Its components (planned:
holidays, training, meetings, breaks not placed in the rota; unplanned: sickness, lateness)
each take a share of the time *left* by the others, so they compound rather than add:

    s = 1 − Π (1 − sᵢ)

e.g. 10 % holidays and 20 % everything else make 28 %, not 30 %. Each component may vary by
weekday and time of day (a table), and the result is one shrinkage per interval for
:func:`wfm.staffing.compute_requirements`, which divides: scheduled = required / (1 − s).

References
----------
DOMAIN.md §5. Cleveland, B. (2019). Call Center Management on Fast Forward, 4th ed., ICMI
Press (shrinkage components and their compounding).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from wfm.errors import InputError


def _check_fraction(value: float, what: str) -> None:
    if not (isinstance(value, int | float | np.floating) and 0 <= value < 1):
        hint = (
            " (it looks like a percentage: divide by 100)"
            if isinstance(value, int | float) and 1 <= value < 100
            else ""
        )
        raise InputError(
            f"{what} must be a fraction in [0, 1){hint}", value=value, fix="e.g. 0.1 for 10 %"
        )


@dataclass(frozen=True)
class ShrinkageComponent:
    """One cause of shrinkage.

    Parameters
    ----------
    name
        What it is ("holidays", "sickness", ...).
    shrinkage_fraction
        Share of paid time lost to it, in [0, 1), where the profile has no value.
    planned
        Planned (holidays, training, meetings) or unplanned (sickness, lateness).
    weekday_time_profile
        Optional table of shrinkage fractions: index weekday (0 = Monday … 6 = Sunday),
        columns local time of day ``"HH:MM"`` (interval starts). Cells that are missing or
        NaN fall back to ``shrinkage_fraction``. A table with a single column ``"all"``
        varies by weekday only.
    """

    name: str
    shrinkage_fraction: float
    planned: bool = True
    weekday_time_profile: pd.DataFrame | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        _check_fraction(self.shrinkage_fraction, f"shrinkage component '{self.name}'")
        if self.weekday_time_profile is not None:
            values = self.weekday_time_profile.to_numpy(dtype=float)
            bad = ~np.isnan(values) & ~((values >= 0) & (values < 1))
            if bad.any():
                raise InputError(
                    f"shrinkage profile of '{self.name}' must hold fractions in [0, 1)",
                    value=float(values[bad][0]),
                )
            if not set(self.weekday_time_profile.index) <= set(range(7)):
                raise InputError(
                    f"shrinkage profile of '{self.name}' must be indexed by weekday 0–6 (Monday = 0)",
                    value=sorted(self.weekday_time_profile.index),
                )

    def by_interval(self, interval_start: pd.Series) -> np.ndarray:
        """This component's shrinkage for each interval start (tz-aware local times)."""
        times = pd.Series(pd.to_datetime(interval_start)).reset_index(drop=True)
        result = np.full(len(times), float(self.shrinkage_fraction))
        profile = self.weekday_time_profile
        if profile is None or not len(times):
            return result
        weekday = times.dt.day_of_week.to_numpy()
        if list(profile.columns) == ["all"]:
            looked_up = pd.Series(weekday).map(profile["all"]).to_numpy(dtype=float)
        else:  # a weekday x minute-of-day table, read with one fancy index
            table = np.full((7, 24 * 60), np.nan)
            for column in profile.columns:
                minute = _minute_of_day(column, self.name)
                table[profile.index.to_numpy(dtype=int), minute] = profile[column].to_numpy(
                    dtype=float
                )
            minute_of_day = (times.dt.hour * 60 + times.dt.minute).to_numpy()
            looked_up = table[weekday, minute_of_day]
        return np.where(np.isnan(looked_up), result, looked_up)


def _minute_of_day(text: str, name: str) -> int:
    """``"HH:MM"`` -> minutes after midnight."""
    hours, _, minutes = str(text).partition(":")
    try:
        value = int(hours) * 60 + int(minutes)
    except ValueError:
        value = -1
    if not 0 <= value < 24 * 60:
        raise InputError(
            f"shrinkage profile of '{name}' has a column that is not a time of day",
            value=text,
            fix="write HH:MM, e.g. 09:15",
        )
    return value


def compound_shrinkage(
    fractions: Sequence[npt.ArrayLike] | Mapping[str, npt.ArrayLike],
) -> np.ndarray:
    """Total shrinkage of components that compound: s = 1 − Π(1 − sᵢ).

    Parameters
    ----------
    fractions : sequence or mapping of array_like
        Each component's shrinkage [fraction, 0 ≤ sᵢ < 1], scalars or arrays that broadcast.

    Returns
    -------
    numpy.ndarray
        Total shrinkage in [0, 1).

    Examples
    --------
    >>> round(float(compound_shrinkage([0.10, 0.20])), 10)
    0.28
    >>> round(float(compound_shrinkage({"breaks": 0.0833, "holidays": 0.11, "sickness": 0.05, "training": 0.04})), 4)
    0.2559
    """
    values = list(fractions.values()) if isinstance(fractions, Mapping) else list(fractions)
    available = np.ones(())
    for value in values:
        array = np.asarray(value, dtype=float)
        if ((array < 0) | (array >= 1) | np.isnan(array)).any():
            raise InputError(
                "shrinkage components must be fractions in [0, 1)",
                value=value,
                fix="e.g. 0.1 for 10 %",
            )
        available = available * (1.0 - array)
    return 1.0 - available


def shrinkage_by_interval(
    interval_start: pd.Series, components: Sequence[ShrinkageComponent]
) -> np.ndarray:
    """Compounded shrinkage for each interval, from components with optional profiles.

    Parameters
    ----------
    interval_start : pandas.Series
        Interval starts, tz-aware in the centre's time zone (weekday and time of day are
        read in that zone).
    components : sequence of ShrinkageComponent

    Returns
    -------
    numpy.ndarray
        Shrinkage fraction per interval, ready for ``compute_requirements``.

    Examples
    --------
    >>> starts = pd.Series(pd.date_range("2026-03-02 09:00", periods=2, freq="15min", tz="Europe/London"))
    >>> training = pd.DataFrame({"09:15": [0.3]}, index=[0])  # Monday 09:15 team training
    >>> parts = [ShrinkageComponent("sickness", 0.05, planned=False), ShrinkageComponent("training", 0.0, weekday_time_profile=training)]
    >>> shrinkage_by_interval(starts, parts).round(3).tolist()
    [0.05, 0.335]
    """
    if not components:
        return np.zeros(len(interval_start))
    return compound_shrinkage([component.by_interval(interval_start) for component in components])


def parse_components(pairs: Sequence[str]) -> list[ShrinkageComponent]:
    """Components from ``NAME=FRACTION`` texts (the CLI's ``--shrinkage-component``).

    Examples
    --------
    >>> [c.shrinkage_fraction for c in parse_components(["holidays=0.1", "sickness=0.05"])]
    [0.1, 0.05]
    >>> parse_components(["training=-0.5"])
    Traceback (most recent call last):
    ...
    wfm.errors.InputError: option --shrinkage-component: shrinkage component 'training' must be a fraction in [0, 1) (value: 'training=-0.5'). Fix: give a fraction from 0 to below 1, e.g. --shrinkage-component holidays=0.1
    """
    components = []
    for pair in pairs:
        name, sep, text = pair.partition("=")
        try:
            value = float(text)
        except ValueError:
            value = None
        if not sep or not name.strip() or value is None:
            raise InputError(
                "a shrinkage component must be NAME=FRACTION",
                option="--shrinkage-component",
                value=pair,
                fix="e.g. --shrinkage-component holidays=0.1",
            )
        try:
            components.append(ShrinkageComponent(name.strip(), value))
        except InputError as error:  # the component's own check names the quantity only
            raise InputError(
                error.problem,
                option="--shrinkage-component",
                value=pair,
                fix="give a fraction from 0 to below 1, e.g. --shrinkage-component holidays=0.1",
            ) from None
    return components
