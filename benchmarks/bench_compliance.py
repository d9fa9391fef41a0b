"""Benchmark: the CPU time of the rota compliance check at 2,000 agents over 4 weeks.

The rolling horizon (:mod:`wfm.scheduling.rolling`) checks its rota with
:func:`wfm.scheduling.check_rota`; callers used to check it again (``bench_horizon.py`` did,
with the law, after the horizon's contract-only check). This times the two ways on one
rota: the contract rules alone (``rules=None``, the horizon's old check) and the law with the
contracts (the check the horizon now makes once and returns as ``RotaResult.violations``).

The rota is a sample plan's ``rota.csv`` copied to ``--agents`` agents (each copy renamed)
and to ``--weeks`` weeks (each copy a week later), with the sample's agents file copied alike,
so that the check sees realistic shifts at the size of issue 17's 2,000 × 4 target without a
20-minute solve first.

    python -m wfm.cli plan --centre data/sample/centre.toml -o /tmp/sample_plan
    python benchmarks/bench_compliance.py /tmp/sample_plan/rota.csv
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]


def scaled_rota(rota: pd.DataFrame, agents: list, n_agents: int, weeks: int):
    """``rota`` and ``agents`` copied to at least ``n_agents`` agents and ``weeks`` weeks."""
    copies = -(-n_agents // len(agents))
    frames, people = [], []
    for copy in range(copies):
        for week in range(weeks):
            shift = pd.Timedelta(days=7 * week)
            frames.append(
                rota.assign(
                    agent_id=rota["agent_id"] + f"_{copy}",
                    start=rota["start"] + shift,
                    end=rota["end"] + shift,
                    date=[d + shift.to_pytimedelta() for d in rota["date"]],
                )
            )
        people += [dataclasses.replace(a, agent_id=f"{a.agent_id}_{copy}") for a in agents]
    frame = pd.concat(frames, ignore_index=True).sort_values(["agent_id", "start"])
    return frame.reset_index(drop=True), people


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rota", type=Path, help="a sample plan's rota.csv")
    parser.add_argument("--centre", type=Path, default=REPO / "data/sample/centre.toml")
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--weeks", type=int, default=4)
    args = parser.parse_args(argv)

    from wfm.config import load_centre
    from wfm.data.agents import read_agents
    from wfm.data.output_files import read_rota
    from wfm.scheduling import check_rota
    from wfm.scheduling.site import rota_site

    centre = load_centre(args.centre)
    people = read_agents(args.centre.parent / "agents.csv", centre)
    rota, agents = scaled_rota(
        read_rota(args.rota, centre.timezone), people, args.agents, args.weeks
    )
    site = rota_site(centre)
    week_start = rota["start"].min().tz_convert(centre.timezone).date()
    figures: dict = {"agents": len(agents), "weeks": args.weeks, "rota_rows": len(rota)}
    figures["load_before"] = " ".join(f"{v:.2f}" for v in os.getloadavg())
    for label, options in (("contracts_only", {"rules": None}), ("law_and_contracts", {})):
        cpu = time.process_time()
        found = check_rota(rota, site=site, agents=agents, week_start=week_start, **options)
        figures[f"{label}_cpu_seconds"] = round(time.process_time() - cpu, 2)
        figures[f"{label}_violations"] = len(found)
    figures["load_after"] = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
