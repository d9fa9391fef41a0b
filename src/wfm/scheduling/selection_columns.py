"""The shifts a shift selection may start: shift types, an explicit catalogue, and the columns
of the set-covering model.

:class:`ShiftType` (a length, optionally a cost) and :class:`CatalogueShift` (one given
shift: a start and a type) describe the shifts; :func:`shift_columns` and
:func:`catalogue_columns` turn them into the columns of the model of
:mod:`wfm.scheduling.selection` (one row per startable shift), :func:`coverage_matrix` and
:func:`covering_rows` say which intervals each column covers (modulo the horizon when it is
cyclic), and :func:`check_selection_inputs` rejects inputs the model cannot use.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sparse

from wfm.errors import InputError


@dataclass(frozen=True)
class ShiftType:
    """One kind of shift: its length and, optionally, its cost.

    Parameters
    ----------
    length_minutes
        Length of the shift [minutes]; a multiple of the interval length.
    cost
        Cost of one shift [cost units]; default its length in hours (agent-hours).
    name
        Label in the result; default e.g. ``"8h"`` or ``"7h30"``.
    """

    length_minutes: int
    cost: float | None = None
    name: str | None = None

    @property
    def label(self) -> str:
        """The name, or the length as e.g. ``8h`` / ``7h30``."""
        if self.name:
            return self.name
        hours, minutes = divmod(self.length_minutes, 60)
        return f"{hours}h" if minutes == 0 else f"{hours}h{minutes:02d}"

    def cost_of(self) -> float:
        """Cost of one shift [cost units]."""
        return self.length_minutes / 60.0 if self.cost is None else float(self.cost)


#: The usual contact-centre shift types: 8, 6 and 4 hours, cost in agent-hours.
DEFAULT_SHIFT_TYPES = (ShiftType(480), ShiftType(360), ShiftType(240))


@dataclass(frozen=True)
class CatalogueShift:
    """One shift of an explicit catalogue: a fixed start, a length and a cost.

    Parameters
    ----------
    start_minute
        Start [minutes after the horizon start]; on the interval grid.
    length_minutes
        Length [minutes]; a multiple of the interval length.
    cost
        Cost of one such shift [cost units]; default its length in hours (agent-hours).
    name
        Label in the result; default the start and length, e.g. ``"Mon 07:00 8h"``.
    """

    start_minute: int
    length_minutes: int
    cost: float | None = None
    name: str | None = None

    @property
    def shift_type(self) -> ShiftType:
        """The shift as a :class:`ShiftType` (its length, cost and label)."""
        return ShiftType(self.length_minutes, self.cost, self.label)

    @property
    def label(self) -> str:
        """The name, or e.g. ``Mon 07:00 8h`` (day of a week from Monday)."""
        if self.name:
            return self.name
        day, minute = divmod(self.start_minute, 24 * 60)
        days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        length = ShiftType(self.length_minutes).label
        return f"{days[day % 7]} {minute // 60:02d}:{minute % 60:02d} {length}"


def shift_columns(
    n_intervals: int,
    interval_minutes: int,
    shift_types: Sequence[ShiftType],
    start_step_minutes: int,
    *,
    cyclic: bool = True,
) -> pd.DataFrame:
    """Every shift that may be started: one row per (start, shift type).

    Parameters
    ----------
    n_intervals
        Intervals in the horizon.
    interval_minutes
        Interval length [minutes].
    shift_types
        The shift types.
    start_step_minutes
        A shift may start every this many minutes from the horizon start [minutes].
    cyclic
        Whether shifts may run past the horizon end into its start; otherwise they must
        end by the horizon end.

    Returns
    -------
    pandas.DataFrame
        Columns ``start_interval``, ``type`` (index into ``shift_types``),
        ``n_intervals`` (intervals covered) and ``cost`` [cost units].
    """
    step = start_step_minutes // interval_minutes
    rows = []
    for k, shift_type in enumerate(shift_types):
        length = shift_type.length_minutes // interval_minutes
        last_start = n_intervals - 1 if cyclic else n_intervals - length
        for start in range(0, last_start + 1, step):
            rows.append((start, k, length, shift_type.cost_of()))
    frame = pd.DataFrame(rows, columns=["start_interval", "type", "n_intervals", "cost"])
    return frame.sort_values(["start_interval", "type"], ignore_index=True)


def covering_rows(columns: pd.DataFrame, n_intervals: int) -> list[list[int]]:
    """For each interval, the column indices (rows of ``columns``) whose shift covers it
    (modulo ``n_intervals``)."""
    rows: list[list[int]] = [[] for _ in range(n_intervals)]
    for j, (start, length) in enumerate(
        zip(columns["start_interval"], columns["n_intervals"], strict=True)
    ):
        for t in range(int(start), int(start) + int(length)):
            rows[t % n_intervals].append(j)
    return rows


def check_selection_inputs(
    demand: np.ndarray,
    interval_minutes: int,
    shift_types: Sequence[ShiftType],
    start_step_minutes: int,
    cyclic: bool,
) -> None:
    """Raise :class:`~wfm.errors.InputError` for inputs the model cannot use."""
    if interval_minutes <= 0:
        raise InputError(
            "the interval length must be positive",
            column="interval_minutes",
            value=interval_minutes,
            fix="use e.g. 15 or 30",
        )
    if demand.ndim != 1 or demand.size == 0:
        raise InputError(
            "the requirement must be one number per interval",
            column="demand",
            value=f"shape {demand.shape}",
            fix="pass a 1-dimensional array with one value per interval",
        )
    bad = np.flatnonzero(~np.isfinite(demand) | (demand < 0))
    if bad.size:
        raise InputError(
            f"the requirement of interval {bad[0]} is negative or not a number",
            column="demand",
            value=float(demand[bad[0]]),
            fix="give every interval a finite requirement >= 0 [agents]",
        )
    if not shift_types:
        raise InputError(
            "no shift types were given", column="shift_types", fix="give at least one ShiftType"
        )
    horizon_minutes = demand.size * interval_minutes
    for shift_type in shift_types:
        length = shift_type.length_minutes
        if length <= 0 or length % interval_minutes:
            raise InputError(
                f"shift type '{shift_type.label}' is not a positive multiple of the {interval_minutes}-minute "
                "interval",
                column="length_minutes",
                value=length,
                fix=f"use a length that is a multiple of {interval_minutes} minutes",
            )
        if length > horizon_minutes:
            raise InputError(
                f"shift type '{shift_type.label}' is longer than the horizon of {horizon_minutes} minutes",
                column="length_minutes",
                value=length,
                fix="shorten the shift or lengthen the horizon",
            )
        if shift_type.cost is not None and (
            not math.isfinite(shift_type.cost) or shift_type.cost < 0
        ):
            raise InputError(
                f"shift type '{shift_type.label}' has a negative or infinite cost",
                column="cost",
                value=shift_type.cost,
                fix="give a finite cost >= 0, or none for agent-hours",
            )
    if start_step_minutes <= 0 or start_step_minutes % interval_minutes:
        raise InputError(
            f"shifts must start on the {interval_minutes}-minute interval grid",
            column="start_step_minutes",
            value=start_step_minutes,
            fix=f"use a positive multiple of {interval_minutes} minutes",
        )
    if cyclic and horizon_minutes % start_step_minutes:
        raise InputError(
            "in a cyclic horizon the start step must divide the horizon, or the starts would not repeat",
            column="start_step_minutes",
            value=start_step_minutes,
            fix=f"use a step that divides {horizon_minutes} minutes",
        )


def catalogue_columns(
    catalogue: Sequence[CatalogueShift], n_intervals: int, interval_minutes: int, cyclic: bool
) -> pd.DataFrame:
    """The columns of an explicit catalogue, as :func:`shift_columns` gives them (``type`` is
    the index into ``catalogue``); raise :class:`~wfm.errors.InputError` for a shift off the
    grid or outside the horizon."""
    horizon_minutes = n_intervals * interval_minutes
    rows = []
    for k, shift in enumerate(catalogue):
        where = f"catalogue shift {k + 1} ('{shift.label}')"
        if shift.start_minute % interval_minutes or not 0 <= shift.start_minute < horizon_minutes:
            raise InputError(
                f"{where} does not start on the {interval_minutes}-minute grid of the horizon",
                column="start_minute",
                value=shift.start_minute,
                fix=f"start at a multiple of {interval_minutes} minutes below {horizon_minutes}",
            )
        if not cyclic and shift.start_minute + shift.length_minutes > horizon_minutes:
            raise InputError(
                f"{where} runs past the end of a horizon that does not wrap round",
                column="length_minutes",
                value=shift.length_minutes,
                fix="shorten or move the shift, or use a cyclic horizon",
            )
        rows.append(
            (
                shift.start_minute // interval_minutes,
                k,
                shift.length_minutes // interval_minutes,
                shift.shift_type.cost_of(),
            )
        )
    frame = pd.DataFrame(rows, columns=["start_interval", "type", "n_intervals", "cost"])
    return frame.sort_values(["start_interval", "type"], ignore_index=True)


def coverage_matrix(columns: pd.DataFrame, n_intervals: int) -> sparse.csr_matrix:
    """:math:`A = (a_{t,j})`: 1 where column ``j`` covers interval ``t`` (modulo
    ``n_intervals``), shape (intervals, columns), built from arrays."""
    lengths = columns["n_intervals"].to_numpy(dtype=np.int64)
    starts = columns["start_interval"].to_numpy(dtype=np.int64)
    column_of = np.repeat(np.arange(len(columns)), lengths)
    offset = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    row_of = (np.repeat(starts, lengths) + offset) % n_intervals
    return sparse.csr_matrix(
        (np.ones(row_of.size), (row_of, column_of)), shape=(n_intervals, len(columns))
    )
