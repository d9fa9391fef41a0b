"""Working-time compliance of a centre's rota, each site's agents under their site's rules.

A centre with ``[[sites]]`` may have sites in different time zones and countries sharing a
queue (:mod:`wfm.scheduling.site_clocks`). Its rota is stored on one clock (the centre's),
but an agent's working days, weeks, night time and rest are those of its site's local clock,
and the law and contracts that bind it are its site's (:meth:`wfm.config.Centre.site_centre`:
the site's zone, country and contracts). :func:`check_rota_by_site` therefore checks each
site's agents on their own with :func:`wfm.scheduling.compliance.check_rota`, as
``wfm check-rota --centre`` checks a rota against one site's centre. The violations' times
are in the site's zone.

A centre without sites is checked in one piece, exactly as :func:`check_rota` does.

A plan's own check (:func:`plan_checks`): ``wfm plan`` and ``wfm schedule`` check the rota of
a centre with sites this way and write the breaches beside it (``violations.csv``, a section
of ``report.md``), so that a staffing group joining sites in different zones (one model on
the group's reference clock, :mod:`wfm.scheduling.site_clocks`) is judged on each agent's
own clock and law, never on the reference zone's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from wfm.config import Centre
from wfm.data.schemas import Agent
from wfm.scheduling.compliance import check_rota, rule_set_text
from wfm.scheduling.rota_view import Violation
from wfm.scheduling.site import rota_site
from wfm.scheduling.week import RotaResult
from wfm.scheduling.working_time_law import WorkingTimeRules, working_time_law_for


@dataclass(frozen=True)
class SiteCheck:
    """The check of one site's agents (or of a whole centre without sites).

    Attributes
    ----------
    site
        The site's name; ``None`` for the centre's own rules (a centre without sites, or
        agents of the rota who are in none of the sites' files).
    timezone
        IANA zone the agents' days, weeks and night time are read on, and the violations'
        times are in.
    country
        The country whose law was applied (``None``: none given, the UK default).
    law
        The working-time law checked, or ``None`` when wfm has no table for ``country``
        (the contract rules alone are checked).
    agent_ids
        The agents of the rota checked here, sorted.
    violations
        :func:`~wfm.scheduling.compliance.check_rota`'s breaches, sorted by agent, start, rule.
    """

    site: str | None
    timezone: str
    country: str | None
    law: WorkingTimeRules | None
    agent_ids: tuple[str, ...]
    violations: tuple[Violation, ...]

    @property
    def label(self) -> str:
        """``"site (zone)"``, or ``"centre (zone)"`` for the centre's own rules."""
        return f"{self.site or 'centre'} ({self.timezone})"

    def rule_set(self) -> str:
        """What was checked, in plain words (:func:`~wfm.scheduling.compliance.rule_set_text`)."""
        return rule_set_text(self.law, self.country)

    def rules_checked(self) -> str:
        """The rules named short: the law's name and the contracts, else :meth:`rule_set`."""
        return f"{self.law.name} and the contracts" if self.law else self.rule_set()

    def summary(self) -> dict[str, object]:
        """The check in JSON-ready values, as a plan's store keeps it beside the violations
        (:meth:`wfm.plan.workspace.Workspace.site_checks`): ``site`` (``None`` for the
        centre's own rules), ``label``, ``timezone``, ``country``, ``checked`` (the rules,
        :meth:`rules_checked`), ``agents`` (agents checked), ``violations`` and
        ``agents_in_violation`` (counts)."""
        return {
            "site": self.site,
            "label": self.label,
            "timezone": self.timezone,
            "country": self.country,
            "checked": self.rules_checked(),
            "agents": len(self.agent_ids),
            "violations": len(self.violations),
            "agents_in_violation": len({v.agent_id for v in self.violations}),
        }


def check_rota_by_site(
    rota: pd.DataFrame,
    centre: Centre,
    agents: Sequence[Agent],
    *,
    site_of: Mapping[str, str] | None = None,
    week_start: dt.date | None = None,
    opted_out: Collection[str] = (),
) -> list[SiteCheck]:
    """Check ``rota`` with each agent's site's zone, law and contracts.

    Parameters
    ----------
    rota
        Columns ``agent_id``, ``activity``, ``start`` and ``end`` (tz-aware, any zone), as
        :func:`~wfm.scheduling.compliance.check_rota` takes it; not modified.
    centre
        The centre, with or without ``[[sites]]``.
    agents
        The agents, for their contracts (each site's contracts are looked up by name in its
        site's centre, :meth:`wfm.config.Centre.site_centre`).
    site_of
        Agent id -> site name; default read from the sites' agents files
        (:func:`wfm.plan.site_agents.site_agents`). Agents of the rota in no site are
        checked under the centre's own rules, on its clock.
    week_start
        First local date of the rota's first week, in each site's own zone (a week runs
        from the site's local midnight); default as :func:`check_rota`.
    opted_out
        Agents who opted out of the 48-hour average week.

    Returns
    -------
    list of SiteCheck
        One per site with agents in the rota, in the centre file's order, then the centre's
        own rules for agents in no site (if any); one for a centre without sites.
    """
    if not centre.sites:
        return [_check(rota, centre, None, agents, week_start, opted_out)]
    if site_of is None:
        from wfm.plan.site_agents import site_agents

        site_of = {
            agent.agent_id: place.name
            for place, members in site_agents(centre)
            for agent in members
        }
    ids = rota["agent_id"].astype(str)
    sites = ids.map(site_of)
    checks = []
    for site in centre.sites:
        mine = (sites == site.name).to_numpy()
        if mine.any():
            checks.append(
                _check(
                    rota[mine],
                    centre.site_centre(site.name),
                    site.name,
                    agents,
                    week_start,
                    opted_out,
                )
            )
    rest = sites.isna().to_numpy()
    if rest.any():
        checks.append(_check(rota[rest], centre, None, agents, week_start, opted_out))
    return checks


def _check(
    rota: pd.DataFrame,
    centre: Centre,
    site: str | None,
    agents: Sequence[Agent],
    week_start: dt.date | None,
    opted_out: Collection[str],
) -> SiteCheck:
    ids = set(rota["agent_id"].astype(str))
    mine = [agent for agent in agents if agent.agent_id in ids]
    violations = check_rota(
        rota,
        site=rota_site(centre),
        agents=mine,
        opted_out=opted_out,
        week_start=week_start,
    )
    return SiteCheck(
        site,
        centre.timezone,
        centre.country,
        working_time_law_for(centre.country),
        tuple(sorted(ids)),
        tuple(violations),
    )


def plan_checks(
    centre: Centre,
    rota: pd.DataFrame,
    agents: Sequence[Agent],
    start_date: dt.date,
) -> tuple[SiteCheck, ...]:
    """The compliance checks that go out with a planned rota of ``centre``.

    A centre with ``[[sites]]``: :func:`check_rota_by_site` from ``start_date`` (each site's
    agents on their site's clock, law and contracts, weeks from each site's local midnight).
    A centre without sites: none (empty), so its plan's files stay as they were
    (``wfm check-rota`` checks such a rota on the centre's clock).

    Parameters
    ----------
    centre
        The centre planned.
    rota
        The planned rota's rows (:data:`wfm.data.schemas.ROTA_COLUMNS`, any zone).
    agents
        The planned agents (their contracts).
    start_date
        First local date of the plan.
    """
    if not centre.sites:
        return ()
    return tuple(check_rota_by_site(rota, centre, agents, week_start=start_date))


def merged_rota_checks(
    centre: Centre,
    results: Sequence[RotaResult],
    agents: Sequence[Agent],
    start_date: dt.date,
    *,
    site_of: Mapping[str, str] | None = None,
) -> tuple[SiteCheck, ...]:
    """:func:`plan_checks` of the rota merged from staffing groups' ``results``, each site's
    check made once.

    A group's rota rolled week by week was checked already, each site's agents on their
    own site's clock, law and contracts (``RotaResult.violations``,
    :func:`wfm.scheduling.rolling.schedule_rolling`): its sites take their agents' share of
    those violations. The other groups' rotas are checked here
    (:func:`check_rota_by_site`). Either way a site's check is what
    :func:`check_rota_by_site` finds on the merged rota, with the site's zone, country and
    law, from ``start_date``.

    Parameters
    ----------
    centre
        The centre (empty result without ``[[sites]]``, as :func:`plan_checks`).
    results
        The staffing groups' rotas (each site's agents in one of them).
    agents
        Every group's agents (their contracts).
    start_date
        First local date of the rota.
    site_of
        Agent id -> site name; default read from the sites' agents files.

    Returns
    -------
    tuple of SiteCheck
        One per site with agents in the rota, in the centre file's order.
    """
    if not centre.sites:
        return ()
    if site_of is None:
        from wfm.plan.site_agents import site_agents

        site_of = {
            a.agent_id: place.name for place, members in site_agents(centre) for a in members
        }
    checked: dict[str | None, SiteCheck] = {}
    for result in results:
        if result.violations is None:  # not checked yet: each of its sites now
            checked.update(
                (check.site, check)
                for check in check_rota_by_site(
                    result.rota, centre, agents, site_of=site_of, week_start=start_date
                )
            )
    rolled: dict[str, list[Violation]] = {}
    ids: dict[str, set[str]] = {}
    for result in results:
        if result.violations is None:
            continue
        for agent_id in result.rota["agent_id"].astype(str).unique():
            ids.setdefault(site_of[agent_id], set()).add(agent_id)
        for violation in result.violations:
            rolled.setdefault(site_of[str(violation.agent_id)], []).append(violation)
    checks = []
    for site in centre.sites:
        if site.name in checked:
            checks.append(checked[site.name])
        elif site.name in ids:
            local = centre.site_centre(site.name)
            found = sorted(rolled.get(site.name, []), key=lambda v: (v.agent_id, v.start, v.rule))
            checks.append(
                SiteCheck(
                    site.name,
                    local.timezone,
                    local.country,
                    working_time_law_for(local.country),
                    tuple(sorted(ids[site.name])),
                    tuple(found),
                )
            )
    return tuple(checks)


def checks_text(checks: Sequence[SiteCheck] | Sequence[Mapping[str, object]]) -> str:
    """Each check's violations counted, in one line; checks or their :meth:`SiteCheck.summary`.

    >>> check = SiteCheck("york", "America/New_York", "US", None, ("n1",), ())
    >>> checks_text([check]) == checks_text([check.summary()]) == "york (America/New_York): no violations"
    True
    """
    summaries = [c.summary() if isinstance(c, SiteCheck) else c for c in checks]
    return "; ".join(
        f"{summary['label']}: "
        + (
            f"{summary['violations']} violation{'s' * (summary['violations'] != 1)}"
            if summary["violations"]
            else "no violations"
        )
        for summary in summaries
    )


def site_violations_frame(checks: Sequence[SiteCheck]) -> pd.DataFrame:
    """The checks' violations as one table (:data:`wfm.scheduling.rota_view.VIOLATION_COLUMNS`
    and ``site``, the :attr:`SiteCheck.label`), times as text in each site's zone with its
    UTC offset (ISO 8601), so that rows of different zones sit in one column."""
    from wfm.scheduling.rota_view import violations_frame

    parts = []
    for check in checks:
        frame = violations_frame(check.violations)
        for column in ("start", "end"):
            frame[column] = [
                value.isoformat() if isinstance(value, pd.Timestamp) else value
                for value in frame[column]
            ]
        frame.insert(1, "site", check.label)
        parts.append(frame)
    if not parts:
        frame = violations_frame(())
        frame.insert(1, "site", pd.Series(dtype=str))
        return frame
    return pd.concat(parts, ignore_index=True)


__all__ = [
    "SiteCheck",
    "check_rota_by_site",
    "checks_text",
    "merged_rota_checks",
    "plan_checks",
    "site_violations_frame",
]
