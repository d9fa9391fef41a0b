"""Unsaved manual edits of a rota draft, and clock times read against a shift.

A planner makes several edits (:mod:`wfm.scheduling.edits`) before saving them as one change
of a draft. :class:`PendingEdits` holds the edited rota and one note per edit; it belongs to
one stored version as it was when the first edit was made (its id and ``updated_at``), so
edits made on a version that has since changed (saved by someone else, published) are set
aside instead of being saved over it.

Example
-------
>>> import pandas as pd
>>> empty = pd.DataFrame()
>>> edits = PendingEdits.start(7, "2026-11-22T10:00:00+00:00")
>>> edits = edits.add(empty, "moved A1's shift").add(empty, "moved A1's break")
>>> edits.note
"moved A1's shift; moved A1's break"
>>> edits.applies_to(7, "2026-11-22T10:00:00+00:00"), edits.applies_to(8, "x")
(True, False)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd

from wfm.scheduling.rota_shifts import Shift


@dataclass(frozen=True)
class PendingEdits:
    """Edits of one rota version not saved yet.

    Parameters
    ----------
    version_id
        The stored rota version edited.
    updated_at
        That version's ``updated_at`` when editing started (UTC ISO 8601 text).
    rota
        The rota with every edit so far applied (``None`` before the first edit).
    notes
        One plain-words note per edit, in the order made.
    """

    version_id: int
    updated_at: str
    rota: pd.DataFrame | None = None
    notes: tuple[str, ...] = field(default=())

    @classmethod
    def start(cls, version_id: int, updated_at: str) -> PendingEdits:
        """No edits yet of version ``version_id`` as saved at ``updated_at``."""
        return cls(int(version_id), str(updated_at))

    def add(self, edited: pd.DataFrame, note: str) -> PendingEdits:
        """These edits and one more: ``edited`` is the rota after it, ``note`` says what it did."""
        return replace(self, rota=edited, notes=(*self.notes, note))

    def applies_to(self, version_id: int, updated_at: str) -> bool:
        """Whether these edits were made on version ``version_id`` as it is now."""
        return self.version_id == int(version_id) and self.updated_at == str(updated_at)

    @property
    def count(self) -> int:
        """Number of edits."""
        return len(self.notes)

    @property
    def note(self) -> str:
        """The audit note of the edits: every edit's note, in order."""
        return "; ".join(self.notes)


def time_in_shift(shift: Shift, clock: dt.time) -> pd.Timestamp:
    """The moment inside (or nearest after the start of) ``shift`` at local clock time ``clock``.

    A shift that runs past midnight has its late breaks on the next calendar day: a clock
    time earlier than the shift's start is read as that next day (a break at 00:30 in a
    20:00–04:00 shift is at 00:30 the day after the shift's date).

    Parameters
    ----------
    shift
        The shift (tz-aware ``start``).
    clock
        Local wall-clock time.

    Returns
    -------
    pandas.Timestamp
        Tz-aware, in the shift's time zone.
    """
    timezone = shift.start.tz
    moment = pd.Timestamp(dt.datetime.combine(shift.start.date(), clock)).tz_localize(
        timezone, ambiguous=True, nonexistent="shift_forward"
    )
    if moment < shift.start:
        moment = pd.Timestamp(
            dt.datetime.combine(shift.start.date() + dt.timedelta(days=1), clock)
        ).tz_localize(timezone, ambiguous=True, nonexistent="shift_forward")
    return moment
