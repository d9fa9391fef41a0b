"""A seeded multi-site centre: several sites in their own time zones, one shared queue.

For trying and testing ``[[sites]]`` (:class:`wfm.config.Site`) and staffing groups
(:mod:`wfm.plan.groups`), and for the multi-site benchmark. Site ``siteNN`` serves its own
``siteNN_sales`` and ``siteNN_support`` queues; the first two sites (both in London) also
serve the virtual queue ``shared_billing`` together, so they form one staffing group and
every other site is a group of its own. Sites take their time zones in turn from
:data:`SITE_TIMEZONES` and their opening hours and contracts from the sample centre
(:func:`wfm.data.synthetic.centre.centre_settings`); the Manila sites open an hour earlier.

The history is a simple, seeded Poisson model (weekday and intraday shape scaled to the
site's agents), so that the files are small and quick to write; the sample centre
(:mod:`wfm.data.synthetic.generate`) is the realistic one.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from wfm.data.io import write_files_atomic
from wfm.data.synthetic.centre import centre_settings

logger = logging.getLogger(__name__)

#: Time zones given to sites in turn (the first two share London, and the shared queue).
SITE_TIMEZONES = (
    "Europe/London",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Manila",
)
#: The virtual queue served by the first two sites together.
SHARED_QUEUE = "shared_billing"
#: Offered contacts per 15-minute interval per agent of the site, at the daily peak.
CONTACTS_PER_AGENT_AT_PEAK = 0.45
AHT_SECONDS = 300.0


def _site_hours(timezone: str) -> dict[str, str]:
    hours = centre_settings()["opening_hours"]
    if timezone == "Asia/Manila":
        return {
            day: ("07:00-19:00" if span == "08:00-20:00" else span) for day, span in hours.items()
        }
    return dict(hours)


def _site_templates(timezone: str) -> list[dict[str, Any]]:
    templates = centre_settings()["shift_templates"]
    if timezone != "Asia/Manila":
        return []
    shifted = []
    for template in templates:
        earliest = int(template["earliest_start"][:2]) - 1
        latest = int(template["latest_start"][:2]) - 1
        shifted.append(
            template
            | {
                "earliest_start": f"{earliest:02d}{template['earliest_start'][2:]}",
                "latest_start": f"{latest:02d}{template['latest_start'][2:]}",
            }
        )
    return shifted


def multi_site_settings(
    sites: int, history_file: str, forecast_model: str = "auto"
) -> dict[str, Any]:
    """The multi-site centre file's sections (as :func:`wfm.config.parse_centre` reads them)."""
    base = centre_settings()
    queues = [{"name": SHARED_QUEUE, "answer_threshold_seconds": 30}] if sites >= 2 else []
    site_tables = []
    for number in range(sites):
        name = f"site{number + 1:02d}"
        timezone = SITE_TIMEZONES[number % len(SITE_TIMEZONES)]
        own = [f"{name}_sales", f"{name}_support"]
        queues += [
            {"name": own[0], "answer_threshold_seconds": 20},
            {"name": own[1], "answer_threshold_seconds": 30},
        ]
        table: dict[str, Any] = {
            "name": name,
            "timezone": timezone,
            "queues": own + ([SHARED_QUEUE] if number < 2 and sites >= 2 else []),
            "agents": f"{name}_agents.csv",
            "opening_hours": _site_hours(timezone),
        }
        templates = _site_templates(timezone)
        if templates:
            table["shift_templates"] = templates
        site_tables.append(table)
    return {
        "centre": {
            "name": f"Northwind group ({sites} sites, synthetic)",
            "timezone": "Europe/London",
            "interval_minutes": 15,
            "close_on_holidays": False,
            "history": history_file,
        },
        "opening_hours": base["opening_hours"],
        "queues": [q | {"service_level_target": 0.8, "max_occupancy": 0.85} for q in queues],
        "shift_templates": base["shift_templates"],
        "break_rules": base["break_rules"],
        "contracts": base["contracts"],
        "planning": {
            "horizon_days": 7,
            "forecast_model": forecast_model,
            "shrinkage_fraction": 0.3,
        },
        "scheduling": base["scheduling"],
        "sites": site_tables,
    }


def _site_agents(name: str, count: int, shared: bool, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for number in range(count):
        skills = [[f"{name}_sales"], [f"{name}_support"], [f"{name}_sales", f"{name}_support"]][
            number % 3
        ]
        if shared and number % 2 == 0:
            skills = [*skills, SHARED_QUEUE]
        rows.append(
            {
                "agent_id": f"{name}-{number + 1:04d}",
                "name": f"Agent {number + 1} of {name}",
                "team": f"{name} team {number // 12 + 1}",
                "contract": "full_time" if rng.random() < 0.7 else "part_time",
                "queues": "|".join(skills),
            }
        )
    return pd.DataFrame(rows)


def _queue_history(
    queue: str,
    timezone: str,
    hours: dict[str, str],
    peak_rate: float,
    first_day: dt.date,
    days: int,
    rng: np.random.Generator,
) -> pd.DataFrame:
    rows = []
    weekdays = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        span = hours.get(weekdays[day.weekday()], "closed")
        if span == "closed":
            continue
        opens, closes = (int(part[:2]) * 60 + int(part[3:]) for part in span.split("-"))
        starts = pd.date_range(
            pd.Timestamp(day) + pd.Timedelta(minutes=opens),
            pd.Timestamp(day) + pd.Timedelta(minutes=closes - 15),
            freq="15min",
        ).tz_localize(timezone)
        fraction = (np.arange(len(starts)) + 0.5) / len(starts)
        shape = 0.45 + 0.55 * np.sin(np.pi * fraction) ** 2
        rate = peak_rate * shape * (0.7 if day.weekday() == 5 else 1.0)
        offered = rng.poisson(rate)
        rows.append(
            pd.DataFrame(
                {
                    "interval_start": [stamp.isoformat() for stamp in starts],
                    "queue": queue,
                    "offered": offered,
                    "aht_seconds": AHT_SECONDS,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def generate_multi_site_centre(
    out_dir: str | Path,
    *,
    sites: int = 3,
    agents_per_site: int = 12,
    history_weeks: int = 8,
    end_date: dt.date = dt.date(2026, 11, 15),
    seed: int = 2026,
    forecast_model: str = "auto",
) -> Path:
    """Write a multi-site centre into ``out_dir``; returns its ``centre.toml``.

    Writes ``centre.toml``, ``history.csv`` (every queue, local time with offsets) and
    ``siteNN_agents.csv``, all together or not at all; the files are a pure function of
    the arguments.

    Parameters
    ----------
    sites
        Number of sites (1 to 99).
    agents_per_site
        Agents at each site; the volume scales with it.
    history_weeks
        Weeks of 15-minute history ending on ``end_date`` [weeks].
    end_date
        Last local date of the history; planning starts on the Monday after it.
    seed
        Seed of all random draws.
    forecast_model
        The centre's ``planning.forecast_model``.
    """
    if not 1 <= sites <= 99 or agents_per_site < 1 or history_weeks < 1:
        raise ValueError("sites must be 1-99, agents_per_site and history_weeks at least 1")
    out_dir = Path(out_dir)
    settings = multi_site_settings(sites, "history.csv", forecast_model)
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2 * sites)]
    days = 7 * history_weeks
    first_day = end_date - dt.timedelta(days=days - 1)
    files: dict[Path, object] = {}
    histories = []
    for number, site in enumerate(settings["sites"]):
        agents = _site_agents(
            site["name"], agents_per_site, SHARED_QUEUE in site["queues"], rngs[2 * number]
        )
        files[out_dir / site["agents"]] = agents
        # Spread the site's volume over its queues by how many agents serve each.
        served = {
            queue: agents["queues"].str.split("|").map(lambda q, queue=queue: queue in q).sum()
            for queue in site["queues"]
        }
        for queue in site["queues"]:
            share = served[queue] / sum(served.values())
            if queue == SHARED_QUEUE and number > 0:
                continue  # forecast from one history, served by both sites
            peak = (
                CONTACTS_PER_AGENT_AT_PEAK
                * agents_per_site
                * share
                * (2 if queue == SHARED_QUEUE else 1)
            )
            histories.append(
                _queue_history(
                    queue,
                    site["timezone"],
                    site["opening_hours"],
                    peak,
                    first_day,
                    days,
                    rngs[2 * number + 1],
                )
            )
    files[out_dir / "history.csv"] = pd.concat(histories, ignore_index=True)
    header = (
        f"# A synthetic multi-site centre: {sites} sites x {agents_per_site} agents, "
        f"{history_weeks} weeks of history to {end_date} (seed {seed}).\n"
        "# Written by wfm.data.synthetic.sites.generate_multi_site_centre; not real data.\n\n"
    )
    files[out_dir / "centre.toml"] = header + tomli_w.dumps(settings)
    write_files_atomic(files)
    logger.info("wrote a %d-site centre to %s", sites, out_dir)
    return out_dir / "centre.toml"
