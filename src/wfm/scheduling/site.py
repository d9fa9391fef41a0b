"""What the rota engine reads from the centre configuration, and nothing more.

The centre file holds far more than a rota needs (history and agent paths, forecasting,
staffing and privacy settings). :func:`rota_site` is the one place in the scheduling
package that reads a :class:`wfm.config.Centre`: the public entry points (``wfm.plan``, the
CLI commands, the app) call it at the top and hand the engine a :class:`RotaSite`. Inside
the engine, each function takes only the values it uses (shift templates, break rules,
interval length, ...), and the :class:`~wfm.scheduling.instance.RotaInstance` carries those
values rather than the configuration.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wfm.config import BreakRule, Contract, SchedulingSettings, ShiftTemplate, ShiftType
from wfm.errors import ConfigError
from wfm.timegrid import OpeningHours

if TYPE_CHECKING:  # the type of rota_site's argument only; nothing else reads the centre
    from wfm.config import Centre

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueueTarget:
    """A queue's service target and shrinkage as the centre file sets them.

    Parameters
    ----------
    answer_threshold_seconds
        Answer-time threshold of the service level [seconds].
    service_level_target
        Share of contacts to answer within the threshold [fraction, 0-1]; 0 without one.
    shrinkage_fraction
        Share of paid time not available for contacts [fraction, 0-1] (the queue's own, else
        the planning default).
    """

    answer_threshold_seconds: float
    service_level_target: float
    shrinkage_fraction: float


@dataclass(frozen=True, eq=False)
class SiteClock:
    """One site's local clock inside a rota model that joins sites in different time zones.

    A staffing group whose sites share a queue but not a time zone
    (:mod:`wfm.plan.groups`) is one model on one interval grid in a reference zone (the
    :class:`RotaSite`'s ``timezone``); each site's shifts are made on its own local clock,
    inside its own opening hours and holidays, and then placed on that grid by their
    instants (:mod:`wfm.scheduling.site_clocks`).

    Parameters
    ----------
    name
        Site name, for messages.
    timezone
        IANA time zone of the site.
    opening_hours_for
        The site's opening-hours calendar (its own holidays): ``opening_hours_for(years)``.
    shift_templates
        The site's shift templates (local start times).
    agent_ids
        The ids of the site's agents in the model.
    country
        The site's ISO country code (holidays; the working-time law of a rota check).
    """

    name: str
    timezone: str
    opening_hours_for: Callable[[Iterable[int]], OpeningHours]
    shift_templates: tuple[ShiftTemplate, ...]
    agent_ids: tuple[str, ...]
    country: str | None = None


@dataclass(frozen=True, eq=False)
class RotaSite:
    """The part of a centre's configuration that the rota engine uses.

    One rota model's place of work: a whole centre, or one staffing group of a centre with
    ``[[sites]]`` (:mod:`wfm.plan.groups`), which may join several of the centre file's sites
    (:class:`wfm.config.Site`) when they share a queue. Sites of one time zone are seen as
    one site (opening hours merged); sites in different time zones keep their own clocks
    (``clocks``).

    Parameters
    ----------
    timezone
        IANA time zone of the site.
    interval_minutes
        Planning interval [minutes].
    opening_hours
        Local opening hours per weekday as in the centre file (``'HH:MM-HH:MM'`` or
        ``'closed'``), for messages.
    opening_hours_for
        The opening-hours calendar for some years (holidays closed when the centre says so):
        ``opening_hours_for(years) -> OpeningHours``.
    queue_targets
        ``{queue name: QueueTarget}`` for the queues the centre file defines.
    shift_templates, break_rules, contracts, shift_types
        As in the centre file.
    scheduling
        Objective weights and solver controls (the centre's ``[scheduling]`` table).
    country
        ISO country code, which picks the working-time law; ``None`` for none given.
    clocks
        For a model joining sites in different time zones: one :class:`SiteClock` per site
        (``timezone`` is then the reference zone of the grid); empty for one local clock.
    """

    timezone: str
    interval_minutes: int
    opening_hours: Mapping[str, str]
    opening_hours_for: Callable[[Iterable[int]], OpeningHours]
    queue_targets: Mapping[str, QueueTarget]
    shift_templates: tuple[ShiftTemplate, ...]
    break_rules: tuple[BreakRule, ...]
    contracts: tuple[Contract, ...]
    shift_types: tuple[ShiftType, ...] = ()
    scheduling: SchedulingSettings = field(default_factory=SchedulingSettings)
    country: str | None = None
    clocks: tuple[SiteClock, ...] = ()

    @property
    def queue_names(self) -> tuple[str, ...]:
        """Names of the queues the centre file defines, in file order."""
        return tuple(self.queue_targets)

    def contract(self, name: str) -> Contract:
        """The contract called ``name``.

        Raises
        ------
        ConfigError
            If the centre file defines no such contract.
        """
        for contract in self.contracts:
            if contract.name == name:
                return contract
        raise ConfigError(
            f"no contract named '{name}'",
            column="contracts",
            fix=f"use one of {[contract.name for contract in self.contracts]}",
        )


def rota_site(centre: Centre) -> RotaSite:
    """The values of ``centre`` that the rota engine uses (see the module docstring)."""
    return RotaSite(
        timezone=centre.timezone,
        interval_minutes=centre.interval_minutes,
        opening_hours=dict(centre.opening_hours),
        opening_hours_for=centre.opening_hours_for,
        queue_targets={
            queue.name: QueueTarget(
                answer_threshold_seconds=float(queue.answer_threshold_seconds),
                service_level_target=float(queue.service_level_target or 0.0),
                shrinkage_fraction=float(centre.shrinkage_for(queue.name)),
            )
            for queue in centre.queues
        },
        shift_templates=tuple(centre.shift_templates),
        break_rules=tuple(centre.break_rules),
        contracts=tuple(centre.contracts),
        shift_types=tuple(centre.shift_types),
        scheduling=centre.scheduling,
        country=centre.country,
    )


__all__ = ["QueueTarget", "RotaSite", "SiteClock", "rota_site"]
