"""Measured service level: the counting variants of DOMAIN.md §4 as a named setting.

Contact-centre platforms count the same interval differently. From raw counts per interval
(answered, answered within the threshold T, abandoned, abandoned within T, short abandons)
the variants are

================================== ================================================================
``answered_and_abandoned_within``  (answered within T + abandoned within T) / (answered + abandoned)
``answered_only``                  answered within T / answered (abandons ignored)
``all_abandons_against``           answered within T / (answered + abandoned)
``abandons_after_threshold_against`` answered within T / (answered + abandoned after T)
``short_abandons_excluded``        answered within T / (answered + abandoned − short abandons)
================================== ================================================================

Short abandons are callers who hung up within a few seconds (5–10 s, the short-abandon
threshold of the platform that counted them): often misdials, so some centres leave them
out. ``all_abandons_against`` is also what the Erlang A service level and the simulator's
value estimate (answered within T over all offered).

Store the raw counts; choose the formula here; say which is in use.

Examples
--------
The same interval under the five definitions (DOMAIN.md §4 says "81 %, 83 % or 86 %"):

>>> counts = pd.DataFrame({"answered": [930], "answered_within_threshold": [800], "abandoned": [55],
...                        "abandoned_within_threshold": [25], "short_abandoned": [15]})
>>> {d.value: round(float(measured_service_level(counts, d).iloc[0]), 3) for d in ServiceLevelDefinition}
... # doctest: +NORMALIZE_WHITESPACE
{'answered_and_abandoned_within': 0.838, 'answered_only': 0.86, 'all_abandons_against': 0.812,
 'abandons_after_threshold_against': 0.833, 'short_abandons_excluded': 0.825}
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import pandas as pd

from wfm.errors import InputError


class ServiceLevelDefinition(StrEnum):
    """How a measured service level counts abandons (see the module docstring)."""

    ANSWERED_AND_ABANDONED_WITHIN = "answered_and_abandoned_within"
    ANSWERED_ONLY = "answered_only"
    ALL_ABANDONS_AGAINST = "all_abandons_against"
    ABANDONS_AFTER_THRESHOLD_AGAINST = "abandons_after_threshold_against"
    SHORT_ABANDONS_EXCLUDED = "short_abandons_excluded"


#: The definition used when none is named.
DEFAULT_DEFINITION = ServiceLevelDefinition.ALL_ABANDONS_AGAINST

#: Count columns each definition needs (``answered`` may be given as ``handled``).
REQUIRED_COUNTS = {
    ServiceLevelDefinition.ANSWERED_AND_ABANDONED_WITHIN: (
        "answered",
        "answered_within_threshold",
        "abandoned",
        "abandoned_within_threshold",
    ),
    ServiceLevelDefinition.ANSWERED_ONLY: ("answered", "answered_within_threshold"),
    ServiceLevelDefinition.ALL_ABANDONS_AGAINST: (
        "answered",
        "answered_within_threshold",
        "abandoned",
    ),
    ServiceLevelDefinition.ABANDONS_AFTER_THRESHOLD_AGAINST: (
        "answered",
        "answered_within_threshold",
        "abandoned",
        "abandoned_within_threshold",
    ),
    ServiceLevelDefinition.SHORT_ABANDONS_EXCLUDED: (
        "answered",
        "answered_within_threshold",
        "abandoned",
        "short_abandoned",
    ),
}


def parse_definition(value: str | ServiceLevelDefinition) -> ServiceLevelDefinition:
    """The definition named by ``value``; an :class:`InputError` listing the names otherwise."""
    try:
        return ServiceLevelDefinition(value)
    except ValueError:
        names = ", ".join(d.value for d in ServiceLevelDefinition)
        raise InputError(
            "unknown service-level definition", value=value, fix=f"use one of: {names}"
        ) from None


def service_level_parts(
    answered: np.ndarray,
    answered_within_threshold: np.ndarray,
    abandoned: np.ndarray | float = 0.0,
    abandoned_within_threshold: np.ndarray | float = 0.0,
    short_abandoned: np.ndarray | float = 0.0,
    definition: str | ServiceLevelDefinition = DEFAULT_DEFINITION,
) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and denominator [contacts] of the service level under ``definition``.

    Sums of numerators over sums of denominators give the service level of a day or a
    week (averages of interval service levels do not).

    Parameters
    ----------
    answered, answered_within_threshold, abandoned, abandoned_within_threshold, short_abandoned : array_like
        Raw counts per interval [contacts], ≥ 0.
    definition : ServiceLevelDefinition or str

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)

    Examples
    --------
    >>> [float(v[0]) for v in service_level_parts([90], [80], [10], definition="answered_only")]
    [80.0, 90.0]
    """
    rule = parse_definition(definition)
    a, aw, b, bw, s = (
        np.asarray(v, dtype=float)
        for v in (
            answered,
            answered_within_threshold,
            abandoned,
            abandoned_within_threshold,
            short_abandoned,
        )
    )
    for name, values in (
        ("answered", a),
        ("answered_within_threshold", aw),
        ("abandoned", b),
        ("abandoned_within_threshold", bw),
        ("short_abandoned", s),
    ):
        bad = ~(values >= 0)
        if bad.any():
            raise InputError(
                f"{name} must be a count, zero or more",
                column=name,
                value=float(np.broadcast_to(values, bad.shape)[bad][0]),
            )
    if (
        np.broadcast_to(aw, np.broadcast(a, aw).shape)
        > np.broadcast_to(a, np.broadcast(a, aw).shape)
    ).any():
        raise InputError(
            "answered_within_threshold exceeds answered",
            column="answered_within_threshold",
            fix="check the columns are mapped correctly",
        )
    if rule is ServiceLevelDefinition.ANSWERED_AND_ABANDONED_WITHIN:
        parts = aw + bw, a + b
    elif rule is ServiceLevelDefinition.ANSWERED_ONLY:
        parts = aw, a
    elif rule is ServiceLevelDefinition.ALL_ABANDONS_AGAINST:
        parts = aw, a + b
    elif rule is ServiceLevelDefinition.ABANDONS_AFTER_THRESHOLD_AGAINST:
        parts = aw, a + b - bw
    else:
        parts = aw, a + b - s
    numerator, denominator = np.broadcast_arrays(*parts)
    return numerator.astype(float), denominator.astype(float)


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where nothing was counted."""
    numerator, denominator = (
        np.asarray(numerator, dtype=float),
        np.asarray(denominator, dtype=float),
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(
            denominator > 0, numerator / np.where(denominator > 0, denominator, 1.0), np.nan
        )


def measured_service_level(
    history: pd.DataFrame,
    definition: str | ServiceLevelDefinition = DEFAULT_DEFINITION,
    *,
    by: str | list[str] | None = None,
    source: str = "history",
) -> pd.Series:
    """Service level measured from raw counts, per row or per group.

    Parameters
    ----------
    history : pandas.DataFrame
        Count columns ``answered`` (or ``handled``), ``answered_within_threshold`` and, as
        the definition needs them, ``abandoned``, ``abandoned_within_threshold``,
        ``short_abandoned`` [contacts].
    definition : ServiceLevelDefinition or str
        Counting variant (module docstring).
    by : str or list of str, optional
        Group columns (e.g. ``"queue"``): counts are summed per group before dividing.
    source : str
        Where the frame came from, for messages.

    Returns
    -------
    pandas.Series
        Service level (fraction) per row, or per group; NaN where nothing was counted.
    """
    rule = parse_definition(definition)
    frame = history
    if "answered" not in frame and "handled" in frame:
        frame = frame.rename(columns={"handled": "answered"})
    missing = [c for c in REQUIRED_COUNTS[rule] if c not in frame]
    if missing:
        raise InputError(
            f"the '{rule.value}' service level needs the count column(s) {missing}",
            source=source,
            fix="add them to the history, or choose a definition the data supports, e.g. --sl-definition answered_only",
        )
    columns = {
        c: pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float) if c in frame else 0.0
        for c in (
            "answered",
            "answered_within_threshold",
            "abandoned",
            "abandoned_within_threshold",
            "short_abandoned",
        )
    }
    numerator, denominator = service_level_parts(*columns.values(), definition=rule)
    if by is None:
        return pd.Series(
            ratio(numerator, denominator), index=history.index, name=f"service_level_{rule.value}"
        )
    parts = pd.DataFrame({"numerator": numerator, "denominator": denominator}, index=history.index)
    keys = [history[c] for c in ([by] if isinstance(by, str) else by)]
    sums = parts.groupby(keys, sort=True).sum()
    return pd.Series(
        ratio(sums["numerator"], sums["denominator"]),
        index=sums.index,
        name=f"service_level_{rule.value}",
    )
