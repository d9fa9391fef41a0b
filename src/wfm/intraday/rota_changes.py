"""Changes to today's rota: what a re-plan suggests, and the rota with the changes applied.

A change (one row of :data:`CHANGE_COLUMNS`) moves, postpones or cancels a break or an
off-phone activity, extends a shift (``overtime``, ``early_start``), adds one (``call_in``) or
shortens one (``vto``). :func:`apply_changes` is the one place changes become rota pieces:
the re-plan (:mod:`wfm.intraday.replan`), the gains of each change
(:mod:`wfm.intraday.change_gains`) and publishing (:mod:`wfm.intraday.accept`) all use it.
"""

from __future__ import annotations

import pandas as pd

#: Columns of :attr:`wfm.intraday.replan.Replan.changes`. ``agent_id`` lists a session's attendees joined by "|".
CHANGE_COLUMNS = (
    "change_id",
    "agent_id",
    "kind",
    "activity",
    "old_start",
    "old_end",
    "new_start",
    "new_end",
    "agent_activities",
    "cost",
    "service_level_gain",
    "service_level_gain_in_plan",
)
#: Kinds of change.
CHANGE_KINDS = ("move", "postpone", "cancel", "overtime", "early_start", "call_in", "vto")
#: Separator of a session's attendees in ``agent_id``.
ATTENDEE_SEPARATOR = "|"


def day_shifts(rota: pd.DataFrame) -> pd.DataFrame:
    """Each agent's shift today: ``start`` (first piece) and ``end`` (last), indexed by agent."""
    grouped = rota.groupby("agent_id")
    return pd.DataFrame({"start": grouped["start"].min(), "end": grouped["end"].max()})


def apply_changes(rota: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """The rota with ``changes`` (rows of :attr:`Replan.changes`) applied.

    A moved (or postponed) break or activity is cut out of the work around its new place and
    the work closes over its old place; a cancelled activity becomes work; overtime extends
    the shift's end, an early start its start; a call-in adds a shift of work; VTO cuts the
    shift's end.
    """
    touched = {
        agent
        for names in changes["agent_id"].astype(str)
        for agent in names.split(ATTENDEE_SEPARATOR)
    }
    # Each change touches only its own agents' pieces: work on those rows alone.
    mine = rota["agent_id"].isin(touched)
    rows = rota[mine]
    for change in changes.itertuples(index=False):
        for agent in str(change.agent_id).split(ATTENDEE_SEPARATOR):
            rows = _apply_one(rows, agent, change)
    rows = pd.concat([rota[~mine], rows], ignore_index=True) if (~mine).any() else rows
    return _merge_work(rows).sort_values(["agent_id", "start"], ignore_index=True)


def _apply_one(rows: pd.DataFrame, agent: str, change) -> pd.DataFrame:
    if change.kind in ("move", "postpone", "cancel"):
        own = rows["agent_id"] == agent
        piece = own & (rows["activity"] == change.activity) & (rows["start"] == change.old_start)
        rows = rows[~piece]
        rows = _set_activity(rows, agent, change.old_start, change.old_end, "work")
        if change.kind != "cancel":
            rows = _set_activity(rows, agent, change.new_start, change.new_end, change.activity)
    elif change.kind in ("overtime", "early_start", "call_in"):
        rows = _set_activity(rows, agent, change.new_start, change.new_end, "work")
    elif change.kind == "vto":
        rows = _cut(rows, agent, change.new_start, change.old_end)
    return rows


def _cut(rows: pd.DataFrame, agent: str, start, end) -> pd.DataFrame:
    """Remove [start, end) from an agent's pieces."""
    out = []
    for row in rows.itertuples(index=False):
        piece = row._asdict()
        if piece["agent_id"] != agent or piece["end"] <= start or piece["start"] >= end:
            out.append(piece)
            continue
        if piece["start"] < start:
            out.append(dict(piece, end=start))
        if piece["end"] > end:
            out.append(dict(piece, start=end))
    return pd.DataFrame(out, columns=rows.columns)


def _set_activity(rows: pd.DataFrame, agent: str, start, end, activity: str) -> pd.DataFrame:
    return place_piece(rows, agent, start, end, activity)


def place_piece(rows: pd.DataFrame, agent: str, start, end, activity: str) -> pd.DataFrame:
    """``rows`` with [start, end) of ``agent`` cut out of their pieces and a piece of
    ``activity`` put there; its ``date`` (and other columns) are those of the agent's piece
    that held ``start`` (else of their first piece, else ``start``'s date)."""
    own = rows[rows["agent_id"] == agent]
    holding = own[(own["start"] <= start) & (own["end"] > start)]
    model = holding if len(holding) else own
    rows = _cut(rows, agent, start, end)
    date = model["date"].iloc[0] if len(model) and "date" in rows else start.date()
    extra = {
        c: model[c].iloc[0]
        for c in rows.columns
        if c not in ("agent_id", "date", "activity", "start", "end") and len(model)
    }
    piece = {
        "agent_id": agent,
        "date": date,
        "activity": activity,
        "start": start,
        "end": end,
    } | extra
    return pd.concat([rows, pd.DataFrame([piece])], ignore_index=True)


def _merge_work(rows: pd.DataFrame) -> pd.DataFrame:
    """Join touching work pieces of an agent into one."""
    rows = rows.sort_values(["agent_id", "start"], ignore_index=True)
    merged = []
    for piece in rows.to_dict("records"):
        last = merged[-1] if merged else None
        if (
            last is not None
            and last["agent_id"] == piece["agent_id"]
            and last["activity"] == "work" == piece["activity"]
            and last["end"] == piece["start"]
        ):
            last["end"] = piece["end"]
        else:
            merged.append(piece)
    return pd.DataFrame(merged, columns=rows.columns)


def shift_minutes(rota: pd.DataFrame) -> pd.Series:
    """Length of each agent's shift today [minutes] (for checks)."""
    shifts = day_shifts(rota)
    return (shifts["end"] - shifts["start"]).dt.total_seconds() / 60
