"""Quality of service from per-contact records: first-contact resolution, repeats,
satisfaction and contact categories, per queue, team, agent and day.

Definitions (DOMAIN.md §11):

- A contact is **resolved at first contact** when the same customer does not contact the
  centre again within N days (``fcr_days``, 7 by default) after its arrival; otherwise it is
  followed by a **repeat contact**. FCR = resolved / contacts judged. A contact less than N
  days before the last arrival in the data cannot be judged yet (its window is not over):
  it is left out of FCR (``fcr_judged`` counts those that are in), never counted as resolved.
  Contacts without a customer id are not judged either.
- A **repeat contact** is one that follows an earlier contact of the same customer within N
  days (``repeat_contacts``).
- **Satisfaction**: the mean score of the contacts that have one, and how many have one.
- **Categories** (disposition, wrap-up code): contacts per category and day.

Customer ids are pseudonyms by the time they reach this module (see
:func:`wfm.data.contacts.read_contacts` with ``extras``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

#: Days within which a further contact from the same customer makes a contact unresolved.
DEFAULT_FCR_DAYS = 7


def contact_details(contacts) -> pd.DataFrame:
    """One row per offered contact: ``arrival`` (tz-aware, local), ``queue``, ``outcome``
    (answered/abandoned) and the kept details (:class:`~wfm.data.contact_schema.ContactArrays`)."""
    from wfm.data.contact_schema import ABANDONED

    arrival = (
        pd.DatetimeIndex(contacts.arrival_ms.astype("datetime64[ms]"))
        .tz_localize("UTC")
        .tz_convert(contacts.timezone)
    )
    frame = pd.DataFrame(
        {
            "arrival": arrival,
            "queue": np.asarray(contacts.queues, dtype=object)[contacts.queue_code],
            "outcome": np.where(contacts.outcome == ABANDONED, "abandoned", "answered"),
        }
    )
    if contacts.extras is not None:
        frame = pd.concat([frame, contacts.extras.reset_index(drop=True)], axis=1)
    return frame


def first_contact_resolution(
    details: pd.DataFrame, fcr_days: float = DEFAULT_FCR_DAYS
) -> pd.DataFrame:
    """Per contact: ``resolved`` (True/False, or missing when it cannot be judged) and
    ``repeat`` (it follows a contact of the same customer within ``fcr_days``).

    Parameters
    ----------
    details
        ``arrival`` (tz-aware) and ``customer_id`` (pseudonyms; missing for unknown).
    fcr_days
        N [days].

    Examples
    --------
    >>> t = pd.to_datetime(["2026-03-01", "2026-03-03", "2026-03-20", "2026-03-30"], utc=True)
    >>> d = pd.DataFrame({"arrival": t, "customer_id": ["a", "a", "a", "b"]})
    >>> first_contact_resolution(d, 7)[["resolved", "repeat"]].values.tolist()
    [[False, False], [True, True], [True, False], [<NA>, False]]
    """
    window = pd.Timedelta(days=float(fcr_days))
    result = pd.DataFrame(index=details.index)
    if "customer_id" not in details:
        result["resolved"] = pd.array([pd.NA] * len(details), dtype="boolean")
        result["repeat"] = pd.array([pd.NA] * len(details), dtype="boolean")
        return result
    known = details["customer_id"].notna()
    ordered = details.loc[known, ["customer_id", "arrival"]].sort_values(
        ["customer_id", "arrival"], kind="stable"
    )
    same_next = ordered["customer_id"].eq(ordered["customer_id"].shift(-1))
    same_previous = ordered["customer_id"].eq(ordered["customer_id"].shift(1))
    next_gap = ordered["arrival"].shift(-1) - ordered["arrival"]
    previous_gap = ordered["arrival"] - ordered["arrival"].shift(1)
    followed = same_next & (next_gap <= window)
    judged = followed | (ordered["arrival"] <= details["arrival"].max() - window)
    resolved = pd.Series(pd.NA, index=details.index, dtype="boolean")
    resolved.loc[ordered.index] = (~followed).where(judged, pd.NA).astype("boolean")
    repeat = pd.Series(pd.NA, index=details.index, dtype="boolean")
    repeat.loc[ordered.index] = (same_previous & (previous_gap <= window)).astype("boolean")
    result["resolved"], result["repeat"] = resolved, repeat
    return result


@dataclass(frozen=True)
class ContactQuality:
    """Tables of :func:`contact_quality`, each with ``contacts, fcr_judged, fcr_resolved,
    fcr, repeat_contacts, satisfaction_responses, satisfaction_mean`` per group."""

    by_queue: pd.DataFrame
    by_team: pd.DataFrame | None
    by_agent: pd.DataFrame | None
    by_day: pd.DataFrame
    categories_by_day: pd.DataFrame | None
    fcr_days: float
    #: The same measures over every contact (one row, ``scope`` = ``"all"``).
    overall: pd.DataFrame | None = None


def _summary(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    grouped = frame.groupby(list(by), dropna=False, sort=True)
    table = pd.DataFrame(
        {
            "contacts": grouped.size(),
            "fcr_judged": grouped["resolved"].count(),
            "fcr_resolved": grouped["resolved"].sum(),
            "repeat_contacts": grouped["repeat"].sum(),
        }
    )
    table["fcr"] = table["fcr_resolved"] / table["fcr_judged"].where(table["fcr_judged"] > 0)
    if "satisfaction_score" in frame:
        table["satisfaction_responses"] = grouped["satisfaction_score"].count()
        table["satisfaction_mean"] = grouped["satisfaction_score"].mean()
    return table.reset_index()


def contact_quality(
    details: pd.DataFrame,
    *,
    fcr_days: float = DEFAULT_FCR_DAYS,
    teams: Mapping[str, str] | None = None,
) -> ContactQuality:
    """FCR, repeats, satisfaction and categories per queue, team, agent and day.

    Parameters
    ----------
    details
        From :func:`contact_details`.
    fcr_days
        N of the FCR definition [days].
    teams
        Agent id -> team, for the per-team table.
    """
    frame = pd.concat([details, first_contact_resolution(details, fcr_days)], axis=1)
    frame["day"] = frame["arrival"].dt.date
    by_agent = by_team = None
    if "agent_id" in frame and frame["agent_id"].notna().any():
        by_agent = _summary(frame.loc[frame["agent_id"].notna()], ["agent_id"])
        if teams:
            frame["team"] = frame["agent_id"].map(dict(teams))
            by_team = _summary(frame.loc[frame["team"].notna()], ["team"])
    categories = None
    if "category" in frame and frame["category"].notna().any():
        categories = (
            frame.loc[frame["category"].notna()]
            .groupby(["day", "category"])
            .size()
            .rename("contacts")
            .reset_index()
        )
    return ContactQuality(
        by_queue=_summary(frame, ["queue"]),
        by_team=by_team,
        by_agent=by_agent,
        by_day=_summary(frame, ["day", "queue"]),
        categories_by_day=categories,
        fcr_days=float(fcr_days),
        overall=_summary(frame.assign(scope="all"), ["scope"]),
    )


def quality_files(quality: ContactQuality, folder: Path) -> dict[Path, pd.DataFrame]:
    """The tables as files in ``folder`` (``contact_quality_by_*.csv``, ``contact_categories_by_day.csv``)."""
    files = {
        folder / "contact_quality_by_queue.csv": quality.by_queue,
        folder / "contact_quality_by_day.csv": quality.by_day,
    }
    if quality.by_team is not None:
        files[folder / "contact_quality_by_team.csv"] = quality.by_team
    if quality.by_agent is not None:
        files[folder / "contact_quality_by_agent.csv"] = quality.by_agent
    if quality.categories_by_day is not None:
        files[folder / "contact_categories_by_day.csv"] = quality.categories_by_day
    return files


__all__ = [
    "DEFAULT_FCR_DAYS",
    "ContactQuality",
    "contact_details",
    "contact_quality",
    "first_contact_resolution",
    "quality_files",
]
