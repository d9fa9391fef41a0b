"""Vendor agent-state exports mapped to wfm's contract (``agent_id, state, start, end``).

Two layouts are supported; both are documented in ``docs/data-formats.md``.

``amazon-connect``
    Amazon Connect's agent event stream (Kinesis JSON records) flattened to CSV with
    dotted column names, one row per record::

        AgentARN,EventType,EventTimestamp,CurrentAgentSnapshot.Configuration.Username,CurrentAgentSnapshot.AgentStatus.Name

    ``agent_id`` is the ``...Username`` column (or ``AgentARN`` when there is none),
    ``start`` is ``EventTimestamp`` (ISO 8601 in UTC, ``Z``), ``state`` is the agent status
    name (``Available``, ``Offline`` or a custom status such as ``Lunch``); ``LOGOUT``
    events become ``offline``. ``HEART_BEAT`` records repeat the current state and are kept
    (they split an event in two without changing any total). There is no end column: each event ends at the agent's
    next one. An optional ``CurrentAgentSnapshot.Contacts.0.State`` column refines
    ``Available``: ``CONNECTED``/``CONNECTED_ONHOLD`` -> ``on_contact``, ``ENDED``
    (after-contact work) -> ``after_contact_work``. This is wfm's chosen flattening
    (``json_normalize`` of the record, first contact only), not an AWS file format.

``injixo``
    injixo / Genesys-style state report: semicolons, one row per state with local
    wall-clock times and no offset (the ``--timezone`` applies)::

        User;Status;Start;End
        A001;Available;2026-10-19 09:30:15;2026-10-19 09:33:22

Vendor state names are matched case-insensitively through :data:`VendorLayout.state_map`;
``--state-map`` entries are applied on top of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.data.column_matching import match_columns, normalise_name
from wfm.errors import InputError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VendorLayout:
    """How one vendor's export maps to wfm's agent-state contract.

    Parameters
    ----------
    name
        Name used with ``--vendor``.
    to_canonical
        ``(raw frame, source) -> (frame with agent_id, state, start[, end], file names)``;
        keeps the file's row order and index so that line numbers stay right.
    state_map
        Vendor state name (lower case) -> wfm state.
    text_columns
        File columns to read as text.
    """

    name: str
    to_canonical: Callable[[pd.DataFrame, str], tuple[pd.DataFrame, dict[str, str]]]
    state_map: dict[str, str]
    text_columns: tuple[str, ...]


_COMMON_NAMES = {
    "available": "available",
    "ready": "available",
    "idle": "available",
    "on queue": "available",
    "busy": "on_contact",
    "on call": "on_contact",
    "talk": "on_contact",
    "talking": "on_contact",
    "interacting": "on_contact",
    "on contact": "on_contact",
    "after call work": "after_contact_work",
    "after contact work": "after_contact_work",
    "acw": "after_contact_work",
    "wrap up": "after_contact_work",
    "wrap-up": "after_contact_work",
    "break": "break",
    "lunch": "lunch",
    "meal": "lunch",
    "meeting": "meeting",
    "training": "training",
    "offline": "offline",
    "logged off": "offline",
    "logged out": "offline",
    "logout": "offline",
}

_CONNECT_AGENT = "currentagentsnapshot.configuration.username"
_CONNECT_STATUS = "currentagentsnapshot.agentstatus.name"
_CONNECT_CONTACT = "currentagentsnapshot.contacts.0.state"
_CONNECT_CONTACT_STATES = {
    "CONNECTED": "on_contact",
    "CONNECTED_ONHOLD": "on_contact",
    "ENDED": "after_contact_work",
}


def _amazon_connect(raw: pd.DataFrame, source: str) -> tuple[pd.DataFrame, dict[str, str]]:
    columns = {normalise_name(c) for c in raw.columns}
    agent_column = _CONNECT_AGENT if _CONNECT_AGENT in columns else "agentarn"
    frame, names = match_columns(
        raw,
        (agent_column, "eventtype", "eventtimestamp", _CONNECT_STATUS),
        (_CONNECT_CONTACT,),
        source=source,
        map_hint="(rename the column)",
    )
    event_type = frame["eventtype"].astype("str").str.strip().str.upper()
    state = frame[_CONNECT_STATUS].astype("str").str.strip()
    state = state.where(frame[_CONNECT_STATUS].notna(), "")
    if _CONNECT_CONTACT in frame:
        contact = (
            frame[_CONNECT_CONTACT]
            .astype("str")
            .str.strip()
            .str.upper()
            .map(_CONNECT_CONTACT_STATES)
        )
        busy = contact.notna() & state.str.lower().eq("available")
        state = state.where(~busy, contact)
    state = state.where(~event_type.eq("LOGOUT").to_numpy(), "offline")
    # HEART_BEAT records repeat the current status: kept, they only split an event in two.
    canonical = pd.DataFrame(
        {"agent_id": frame[agent_column], "state": state, "start": frame["eventtimestamp"]},
        index=frame.index,
    )
    file_names = {
        "agent_id": names[agent_column],
        "state": names[_CONNECT_STATUS],
        "start": names["eventtimestamp"],
        "end": "(next event)",
    }
    return canonical, file_names


def _injixo(raw: pd.DataFrame, source: str) -> tuple[pd.DataFrame, dict[str, str]]:
    frame, names = match_columns(
        raw, ("user", "status", "start"), ("end",), source=source, map_hint="(rename the column)"
    )
    canonical = pd.DataFrame(
        {"agent_id": frame["user"], "state": frame["status"], "start": frame["start"]},
        index=frame.index,
    )
    if "end" in frame:
        canonical["end"] = frame["end"]
    file_names = {
        "agent_id": names["user"],
        "state": names["status"],
        "start": names["start"],
        "end": names.get("end", "end"),
    }
    return canonical, file_names


VENDORS: dict[str, VendorLayout] = {
    "amazon-connect": VendorLayout(
        "amazon-connect",
        _amazon_connect,
        dict(_COMMON_NAMES),
        (
            "AgentARN",
            "EventType",
            "EventTimestamp",
            "CurrentAgentSnapshot.Configuration.Username",
            "CurrentAgentSnapshot.AgentStatus.Name",
            "CurrentAgentSnapshot.Contacts.0.State",
        ),
    ),
    "injixo": VendorLayout(
        "injixo", _injixo, dict(_COMMON_NAMES), ("User", "Status", "Start", "End")
    ),
}


#: The columns each agent-state layout cannot do without (``generic``: wfm's contract), and
#: what its files are called: a file of one layout given as another is refused with the
#: layout it looks like (:func:`check_state_layout`).
STATE_SIGNATURES = {
    "generic": (("agent_id",), ("state",), ("start",)),
    "amazon-connect": (
        ("EventType",),
        ("EventTimestamp",),
        ("CurrentAgentSnapshot.AgentStatus.Name",),
    ),
    "injixo": (("User",), ("Status",), ("Start",)),
}
STATE_TITLES = {
    "generic": "wfm agent-state file (agent_id, state, start, end)",
    "amazon-connect": "Amazon Connect agent event stream",
    "injixo": "injixo state report",
}


def check_state_layout(
    columns: list[str],
    vendor: str | None,
    source: str,
    column_map: Mapping[str, str] | None = None,
) -> None:
    """Refuse an agent-state file whose columns lack those of ``vendor`` (``None``: wfm's
    contract) when they are another layout's, naming it
    (:func:`wfm.data.layout_guess.check_layout`); a column mapped with ``column_map``
    counts. Otherwise the reader's own message about the missing column follows."""
    from wfm.data.layout_guess import check_layout, mapped_groups

    layout = "generic" if vendor is None else vendor_layout(vendor).name
    satisfied = mapped_groups(columns, column_map, STATE_SIGNATURES[layout])
    check_layout(
        columns,
        layout,
        STATE_SIGNATURES,
        source=source,
        option="--vendor",
        what=STATE_TITLES[layout],
        satisfied=satisfied,
        otherwise=None,
        titles=STATE_TITLES,
        named=vendor is not None,
    )


def vendor_layout(name: str) -> VendorLayout:
    """The :class:`VendorLayout` called ``name`` (case-insensitive)."""
    key = str(name).strip().lower()
    if key not in VENDORS:
        raise InputError(
            "unknown agent-state vendor", value=name, fix=f"use one of {', '.join(VENDORS)}"
        )
    return VENDORS[key]


def to_amazon_connect(frame: pd.DataFrame) -> pd.DataFrame:
    """wfm events as a flattened Amazon Connect agent event stream (for tests and demos).

    Productive states are written as status ``Available`` with the contact state that
    refines them; other states as their capitalised name; ``offline`` as a ``LOGOUT``.
    Timestamps are UTC with ``Z``; ends are dropped (each event ends at the next).
    """
    state = frame["state"]
    status = state.str.replace("_", " ").str.title()
    status = status.where(~state.isin(["on_contact", "after_contact_work"]), "Available")
    contact = state.map({"on_contact": "CONNECTED", "after_contact_work": "ENDED"}).fillna("")
    stamps = pd.to_datetime(frame["start"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return pd.DataFrame(
        {
            "AgentARN": "arn:aws:connect:eu-west-2:000000000000:instance/demo/agent/"
            + frame["agent_id"],
            "EventType": np.where(state.eq("offline"), "LOGOUT", "STATE_CHANGE"),
            "EventTimestamp": stamps,
            "CurrentAgentSnapshot.Configuration.Username": frame["agent_id"],
            "CurrentAgentSnapshot.AgentStatus.Name": status.where(~state.eq("offline"), "Offline"),
            "CurrentAgentSnapshot.Contacts.0.State": contact,
        }
    )


def to_injixo(frame: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """wfm events as an injixo-style report (local times without offset; write with ``sep=';'``)."""
    names = {
        v: k
        for k, v in _COMMON_NAMES.items()
        if k
        in {
            "available",
            "on call",
            "after call work",
            "break",
            "lunch",
            "meeting",
            "training",
            "logged off",
        }
    }

    def local(values: pd.Series) -> pd.Series:
        stamps = pd.to_datetime(values, utc=True).dt.tz_convert(timezone)
        return stamps.dt.strftime("%Y-%m-%d %H:%M:%S").where(stamps.notna(), "")

    return pd.DataFrame(
        {
            "User": frame["agent_id"],
            "Status": frame["state"].map(names).fillna(frame["state"]).str.title(),
            "Start": local(frame["start"]),
            "End": local(frame["end"]),
        }
    )


__all__ = [
    "STATE_SIGNATURES",
    "STATE_TITLES",
    "VENDORS",
    "VendorLayout",
    "check_state_layout",
    "to_amazon_connect",
    "to_injixo",
    "vendor_layout",
]
