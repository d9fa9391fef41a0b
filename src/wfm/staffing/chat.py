"""Chat with concurrency: agents who handle up to k chats at once, each more slowly.

Model (documented assumption)
-----------------------------
An agent works up to ``concurrency`` k chats at once. Handling several chats slows each one
down: the handle time of a chat worked alongside k − 1 others is

    AHT_k = AHT_1 · (1 + slowdown · (k − 1)),

with AHT_1 the handle time of a chat worked alone and ``slowdown_per_extra_chat`` the
relative slowdown each extra chat adds (0 = no slowdown, 1 = k chats take k times as long,
so concurrency gains nothing). The staffing treats each agent as k *slots*, each slot an
independent server with handle time AHT_k (as if busy agents were always at full
concurrency, which is conservative when they are not), staffs the slots with Erlang C to
the chat targets (wait for a slot), and divides by k:

    A_slots = chats × AHT_k / interval,   N_slots = Erlang C requirement,   agents = ⌈N_slots / k⌉.

The linear slowdown is an assumption to be fitted to the centre's own data (measured AHT
by concurrency); studies of chat centres find service slowing with concurrency in this way,
and the slot model is the usual first approximation.

References
----------
Tezcan, T., & Zhang, J. (2014). Routing and staffing in customer service chat systems with
impatient customers. Operations Research, 62(4), 943–956 (service rates that fall with the
number of concurrent chats).

Luo, J., & Zhang, J. (2013). Staffing and control of instant messaging contact centers.
Operations Research, 61(2), 328–343.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from wfm.errors import InputError
from wfm.staffing.forecast_rows import ShrinkageInput, forecast_rows
from wfm.staffing.requirements import scheduled_agents
from wfm.staffing.targets import (
    ServiceTarget,
    Staffing,
    check_workload,
    staff_to_target,
    traffic_erlangs,
)


@dataclass(frozen=True)
class ChatStaffing:
    """Chat staffing per interval.

    Attributes
    ----------
    agents_required : numpy.ndarray of int
        Agents needed, ⌈slots / concurrency⌉.
    slots_required : numpy.ndarray of int
        Chat slots needed (Erlang C on slots).
    chat_aht_seconds : numpy.ndarray
        Handle time of one chat at full concurrency, AHT_k [seconds].
    slot_traffic_erlangs : numpy.ndarray
        Offered load on the slots [Erlang].
    slots : Staffing
        The Erlang C result on slots (service level, ASA, occupancy of slots, binding target).
    """

    agents_required: np.ndarray
    slots_required: np.ndarray
    chat_aht_seconds: np.ndarray
    slot_traffic_erlangs: np.ndarray
    slots: Staffing


def chat_aht_seconds(
    aht_single_chat_seconds: npt.ArrayLike, concurrency: int, slowdown_per_extra_chat: float
) -> np.ndarray:
    """Handle time of a chat worked with ``concurrency`` − 1 others [seconds].

    AHT_k = AHT_1 · (1 + slowdown · (k − 1)).

    Examples
    --------
    >>> float(chat_aht_seconds(300.0, 3, 0.25))
    450.0
    """
    _check(concurrency, slowdown_per_extra_chat)
    return np.asarray(aht_single_chat_seconds, dtype=float) * (
        1.0 + slowdown_per_extra_chat * (concurrency - 1)
    )


def _check(concurrency: int, slowdown: float) -> None:
    if not (isinstance(concurrency, int | np.integer) and concurrency >= 1):
        raise InputError(
            "chat concurrency must be a whole number of chats, 1 or more",
            value=concurrency,
            fix="e.g. --chat-concurrency 3",
        )
    if not 0 <= slowdown <= 1:
        raise InputError(
            "chat slowdown per extra chat must be a fraction in [0, 1]",
            value=slowdown,
            fix="e.g. 0.25: each extra chat makes every chat 25 % slower",
        )


def staff_chat(
    chats_offered: npt.ArrayLike,
    aht_single_chat_seconds: npt.ArrayLike,
    interval_minutes: int,
    concurrency: int,
    target: ServiceTarget,
    *,
    slowdown_per_extra_chat: float = 0.25,
) -> ChatStaffing:
    """Agents per interval for chat with concurrency (slot model, see the module docstring).

    Parameters
    ----------
    chats_offered : array_like
        Chats arriving per interval.
    aht_single_chat_seconds : array_like
        Handle time of a chat worked alone, AHT_1 [seconds].
    interval_minutes : int
        Interval length [minutes].
    concurrency : int
        Maximum chats an agent works at once, k ≥ 1.
    target : ServiceTarget
        Targets on the wait for a slot (service level, ASA, occupancy of slots).
    slowdown_per_extra_chat : float
        Relative slowdown per extra concurrent chat, in [0, 1].

    Returns
    -------
    ChatStaffing

    Examples
    --------
    100 chats in 30 minutes, 300 s alone, 3 at once at 25 % slowdown per extra chat: the
    slots carry 25 Erlang.

    >>> r = staff_chat([100.0], [300.0], 30, 3, ServiceTarget(0.8, 60.0, None))
    >>> float(r.slot_traffic_erlangs[0]), int(r.slots_required[0]), int(r.agents_required[0])
    (25.0, 30, 10)
    """
    _check(concurrency, slowdown_per_extra_chat)
    chats = np.atleast_1d(np.asarray(chats_offered, dtype=float))
    aht = np.broadcast_to(
        chat_aht_seconds(aht_single_chat_seconds, concurrency, slowdown_per_extra_chat), chats.shape
    )
    check_workload(chats, aht, counts_text="chats offered", handle_text="chat handle time")
    load = traffic_erlangs(chats, np.where(chats > 0, aht, 0.0), interval_minutes)
    slots = staff_to_target(load, np.where(chats > 0, aht, 1.0), target)
    agents = -(-slots.agents_required // concurrency)  # exact integer ceiling
    return ChatStaffing(agents, slots.agents_required, np.asarray(aht, dtype=float), load, slots)


def compute_chat_requirements(
    forecast: pd.DataFrame,
    target: ServiceTarget,
    shrinkage_fraction: ShrinkageInput,
    interval_minutes: int,
    concurrency: int,
    *,
    slowdown_per_extra_chat: float = 0.25,
    source: str = "forecast",
) -> pd.DataFrame:
    """Requirements per interval and queue for chat (``offered`` = chats, ``aht_seconds`` = AHT_1).

    Returns the columns of :func:`wfm.staffing.compute_requirements` (``traffic_erlangs``,
    ``service_level``, ``asa_seconds``, ``occupancy`` and ``binding_target`` are those of
    the chat slots) plus ``slots_required``, ``chat_aht_seconds`` and ``concurrency``.
    """
    checked = forecast_rows(forecast, shrinkage_fraction, source=source)
    frame, queues, offered = checked.frame, checked.queues, checked.offered
    aht, shrinkage = checked.staffing_aht_seconds, checked.shrinkage_fraction
    columns = {
        name: np.zeros(len(frame))
        for name in (
            "traffic_erlangs",
            "service_level",
            "asa_seconds",
            "occupancy",
            "chat_aht_seconds",
        )
    }
    agents, slots = np.zeros(len(frame), dtype=np.int64), np.zeros(len(frame), dtype=np.int64)
    binding = np.full(len(frame), "none", dtype=object)
    for queue in pd.unique(queues):
        mask = queues == queue
        result = staff_chat(
            offered[mask],
            aht[mask],
            interval_minutes,
            concurrency,
            target,
            slowdown_per_extra_chat=slowdown_per_extra_chat,
        )
        agents[mask], slots[mask] = result.agents_required, result.slots_required
        columns["traffic_erlangs"][mask] = result.slot_traffic_erlangs
        columns["chat_aht_seconds"][mask] = result.chat_aht_seconds
        columns["service_level"][mask] = result.slots.service_level
        columns["asa_seconds"][mask] = result.slots.asa_seconds
        columns["occupancy"][mask] = result.slots.occupancy
        binding[mask] = result.slots.binding_target
    return pd.DataFrame(
        {
            "interval_start": frame["interval_start"],
            "queue": queues,
            "offered": offered,
            "aht_seconds": frame["aht_seconds"].to_numpy(dtype=float),
            "traffic_erlangs": columns["traffic_erlangs"],
            "agents_required": agents,
            "agents_scheduled_required": scheduled_agents(agents, shrinkage),
            "service_level": columns["service_level"],
            "asa_seconds": columns["asa_seconds"],
            "occupancy": columns["occupancy"],
            "binding_target": binding.astype(str),
            "shrinkage_fraction": shrinkage,
            "slots_required": slots,
            "chat_aht_seconds": columns["chat_aht_seconds"],
            "concurrency": concurrency,
        }
    )
