"""Benchmark: an 18-month capacity plan with the hiring optimiser, and a scenario change.

The centre is the sample (2 queues) widened to 5 queues: the sample history's two queues
copied with volumes scaled by 1.0, 0.8, 0.6, 1.2 and 0.5 and renamed q1..q5 (agents and
contracts as in the sample, every agent skilled for every queue). Times, as medians over
``--repeats`` runs:

- ``prepare``: the long-range forecast and the week shapes (:func:`prepare_capacity`);
- ``plan``: requirement, supply and the hiring optimiser (:func:`plan_capacity`);
- ``scenario``: a +10 % volume scenario on the base plan's classes (what a slider move in
  the app computes).

Targets (issue 21): prepare + plan ≤ 5 s for 5 queues; a scenario change ≤ 0.5 s.

    python benchmarks/bench_capacity.py [--repeats 5] [--months 18]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import replace

import pandas as pd

from wfm.capacity.inputs import prepare_capacity
from wfm.capacity.planner import Scenario, plan_capacity
from wfm.capacity.settings import load_capacity_settings
from wfm.config import QueueConfig, load_centre
from wfm.plan.chain import load_agents, load_history

SCALES = {"q1": 1.0, "q2": 0.8, "q3": 0.6, "q4": 1.2, "q5": 0.5}


def five_queue_centre():
    centre = load_centre("data/sample/centre.toml")
    history = load_history(centre)
    frame = history.frame
    copies = []
    sources = ["sales", "support", "sales", "support", "sales"]
    for (queue, scale), source in zip(SCALES.items(), sources, strict=True):
        part = frame[frame["queue"] == source].copy()
        part["queue"] = queue
        for column in ("offered", "handled", "abandoned", "answered_within_threshold"):
            if column in part:
                part[column] = (part[column] * scale).round()
        if "total_wait_seconds" in part:
            part["total_wait_seconds"] = part["total_wait_seconds"] * scale
        copies.append(part)
    wide = replace(history, frame=pd.concat(copies, ignore_index=True))
    queues = tuple(
        QueueConfig(name=q, service_level_target=0.8, answer_threshold_seconds=20.0 + 5 * i)
        for i, q in enumerate(SCALES)
    )
    centre = centre.model_copy(update={"queues": queues})
    agents = [
        replace(agent, queues=tuple(SCALES))
        for agent in load_agents(load_centre("data/sample/centre.toml"))
    ]
    return centre, wide, agents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--months", type=int, default=18)
    args = parser.parse_args()
    centre, history, agents = five_queue_centre()
    settings = load_capacity_settings("data/sample/capacity.toml").model_copy(update={"events": ()})
    prepare_s, plan_s, scenario_s, scenario_cpu_s = [], [], [], []
    for _ in range(args.repeats):
        start = time.perf_counter()
        inputs = prepare_capacity(centre, history, agents, settings, months=args.months)
        prepare_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        base = plan_capacity(inputs)
        plan_s.append(time.perf_counter() - start)
        classes = base.classes[base.classes["source"] == "proposed"]
        start, cpu = time.perf_counter(), time.process_time()
        plan_capacity(
            inputs,
            Scenario("growth", volume_change=0.1),
            new_classes=list(zip(classes["start"], classes["size"], strict=True)),
        )
        scenario_s.append(time.perf_counter() - start)
        scenario_cpu_s.append(time.process_time() - cpu)
    load = os.getloadavg()[0]
    print(f"5 queues, {inputs.weeks} weeks, {len(agents)} agents; load average {load:.2f}")
    print(
        f"  prepare   median {statistics.median(prepare_s):.2f} s  {[round(x, 2) for x in prepare_s]}"
    )
    print(f"  plan      median {statistics.median(plan_s):.2f} s  {[round(x, 2) for x in plan_s]}")
    print(
        f"  total     median {statistics.median([a + b for a, b in zip(prepare_s, plan_s, strict=True)]):.2f} s (target ≤ 5 s)"
    )
    print(
        f"  scenario  median {statistics.median(scenario_s):.3f} s wall, "
        f"{statistics.median(scenario_cpu_s):.3f} s CPU (target ≤ 0.5 s)"
    )
    print(
        f"  base plan: {base.summary['hires']} hires in {base.summary['proposed_classes']} classes, "
        f"optimiser {base.summary['optimiser_status']}, gap {base.summary['optimiser_gap']}"
    )


if __name__ == "__main__":
    main()
