"""Benchmark: the intraday re-plan and the Today page's refresh for 60 and 500 agents.

The sample centre's played day (20 Oct 2026 at 11:00: a volume spike, agents absent;
``wfm intraday sample``) is scaled: the agents are copied (``A001`` → ``A001``, ``A001.1``,
…, same team, contract, queues, rota and states) up to ``--agents``, and the forecast and
arrivals are multiplied by agents ÷ 60, so the centre keeps its shape. Times, per size:

- **re-plan**: :func:`wfm.intraday.day_replan.replan_today` with default settings (the value
  of a service-level point scales with the day's workload,
  :func:`wfm.intraday.replan_settings.point_value`): position, value curves, the MILP, and
  each suggestion's own gains (also without the gains);
- **page refresh**: what the Today page's live fragment does each minute: read the feed
  files (arrivals, states, forecast, rota), the position, and who is out of adherence now
  (the Streamlit drawing is not included).

Prints the median wall time, the median CPU time of this process and the load average.

    python benchmarks/bench_intraday.py [--agents 60 500] [--repeats 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from wfm.config import load_centre
from wfm.data.agents import read_agents
from wfm.data.history import read_history
from wfm.data.io import write_files_atomic
from wfm.data.output_files import read_forecast, read_rota
from wfm.intraday.centre_day import day_now
from wfm.intraday.day_replan import replan_today
from wfm.intraday.feed import parse_as_of, read_states_today
from wfm.intraday.replan_settings import ReplanSettings
from wfm.intraday.sample_day import play_day, write_played_day

DAY = dt.date(2026, 10, 20)


def scaled_day(centre, agents: int, folder: Path):
    """Write the played day scaled to ``agents`` agents into ``folder``; return the agents."""
    as_of = parse_as_of("11:00", DAY, centre.timezone)
    played = play_day(centre, DAY, as_of, rota_path=centre.base_dir / "published_rota.csv")
    write_played_day(played, folder)
    base = read_agents(centre.resolve(centre.agents), centre)
    copies = -(-agents // len(base))
    people, rotas, states = [], [], []
    rota = pd.read_csv(folder / "rota.csv")
    events = pd.read_csv(folder / "states.csv", keep_default_na=False)
    for k in range(copies):
        suffix = "" if k == 0 else f".{k}"
        people += [replace(a, agent_id=a.agent_id + suffix) for a in base]
        rotas.append(rota.assign(agent_id=rota["agent_id"] + suffix))
        states.append(events.assign(agent_id=events["agent_id"] + suffix))
    people = people[:agents]
    keep = {a.agent_id for a in people}
    factor = agents / len(base)
    forecast = pd.read_csv(folder / "forecast.csv")
    forecast["offered"] = forecast["offered"] * factor
    arrivals = pd.read_csv(folder / "arrivals.csv")
    for column in ("offered", "handled", "abandoned", "answered_within_threshold"):
        if column in arrivals:
            arrivals[column] = (arrivals[column] * factor).round()
    rota_all = pd.concat(rotas)
    states_all = pd.concat(states)
    write_files_atomic(
        {
            folder / "forecast.csv": forecast,
            folder / "arrivals.csv": arrivals,
            folder / "rota.csv": rota_all[rota_all["agent_id"].isin(keep)],
            folder / "states.csv": states_all[states_all["agent_id"].isin(keep)],
        }
    )
    return people, as_of


def refresh(centre, folder: Path, agents, as_of):
    """The live fragment's work: read the feed, the position, out of adherence now."""
    forecast = read_forecast(folder / "forecast.csv", centre.timezone)
    rota = read_rota(folder / "rota.csv", centre.timezone)
    rota_today = rota[rota["date"] == DAY]
    arrivals = read_history(
        folder / "arrivals.csv", timezone=centre.timezone, interval_minutes=centre.interval_minutes
    ).frame
    states = read_states_today(folder / "states.csv", timezone=centre.timezone, as_of=as_of)
    now = day_now(
        centre,
        agents,
        forecast=forecast,
        rota_day=rota_today,
        states=states,
        arrivals=arrivals,
        as_of=as_of,
    )
    return forecast, rota, arrivals, states, now.position, now.out_of_adherence


def timed(function, repeats: int):
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, nargs="+", default=[60, 500])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    centre = load_centre("data/sample/centre.toml")
    for agents in args.agents:
        folder = Path(tempfile.mkdtemp(prefix=f"wfm-bench-intraday-{agents}-"))
        people, as_of = scaled_day(centre, agents, folder)
        wall, cpu, feed = timed(
            lambda folder=folder, people=people, as_of=as_of: refresh(
                centre, folder, people, as_of
            ),
            args.repeats,
        )
        load = os.getloadavg()[0]
        print(
            f"{agents} agents: page refresh median {wall:.2f} s wall, {cpu:.2f} s CPU "
            f"(load {load:.1f})"
        )
        forecast, rota, arrivals, states, _, _ = feed

        def run(
            forecast=forecast,
            rota=rota,
            arrivals=arrivals,
            states=states,
            people=people,
            as_of=as_of,
            measure_each=True,
        ):
            return replan_today(
                centre,
                forecast=forecast,
                rota_day=rota[rota["date"] == DAY],
                whole_rota=rota,
                states=states,
                arrivals=arrivals,
                as_of=as_of,
                agents=people,
                day=DAY,
                measure_each=measure_each,
                # The default value of a point scales with the day's workload (point_value).
                settings=ReplanSettings(),
            )

        wall, cpu, _ = timed(lambda: run(measure_each=False), args.repeats)
        load = os.getloadavg()[0]
        print(
            f"{agents} agents: re-plan without each change's own gains median {wall:.2f} s "
            f"wall, {cpu:.2f} s CPU (load {load:.1f})"
        )
        wall, cpu, done = timed(run, args.repeats)
        load = os.getloadavg()[0]
        print(
            f"{agents} agents: re-plan median {wall:.2f} s wall, {cpu:.2f} s CPU (load {load:.1f}); "
            f"{len(done.replan.changes)} changes ({done.agent_activities_changed} "
            f"agent-activities), {done.service_level_before:.1%} -> "
            f"{done.service_level_after:.1%}, {done.recovered:.0%} of the shortfall, "
            f"{done.replan.status}"
        )


if __name__ == "__main__":
    main()
