"""Benchmark and fingerprint: the sample centre's one-week rota models (exact and pooled).

Builds the exact and the pooled model of the sample's first planned week from a plan's
``requirements.csv`` and prints, for each, the number of constraint rows, a hash of every
row's text and of the objective (the same hash before and after a refactoring of the rules
means the same model, row for row and in order), and the median CPU time of the build; and
the exact model's LP bound.

    wfm plan --centre data/sample/centre.toml -o out/plan
    python benchmarks/bench_rule_models.py out/plan/requirements.csv [--repeats 3]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import time

import pandas as pd
import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory

from wfm.config import load_centre
from wfm.plan.chain import load_agents, load_availability, load_preferences
from wfm.scheduling.instance import prepare_week
from wfm.scheduling.model import build_rota_model
from wfm.scheduling.site import rota_site
from wfm.scheduling.workforce import pooled_workforce


def fingerprint(model: pyo.ConcreteModel) -> tuple[int, str]:
    """Rows and a hash of every active row's text (in order) and of the objective."""
    rows = [
        f"{c.name}: {c.lower} <= {c.body.to_string()} <= {c.upper}"
        for c in model.component_data_objects(pyo.Constraint, active=True)
    ]
    text = "\n".join(rows) + "\nOBJ " + model.cost.expr.to_string()
    return len(rows), hashlib.sha256(text.encode()).hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requirements", help="requirements.csv of a sample plan")
    parser.add_argument("--centre", default="data/sample/centre.toml")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    centre = load_centre(args.centre)
    requirements = pd.read_csv(args.requirements)
    requirements["interval_start"] = pd.to_datetime(
        requirements["interval_start"], utc=True
    ).dt.tz_convert(centre.timezone)
    agents = load_agents(centre)
    instance = prepare_week(
        requirements,
        rota_site(centre),
        agents,
        requirements["interval_start"].min().date(),
        days=7,
        availability=load_availability(centre, agents),
        preferences=load_preferences(centre, agents),
    )
    for name, workforce in (("exact", None), ("pooled", pooled_workforce(instance))):
        seconds = []
        for _ in range(args.repeats):
            started = time.process_time()
            model = build_rota_model(instance, centre.scheduling, workforce)
            seconds.append(time.process_time() - started)
        rows, digest = fingerprint(model)
        print(f"{name}: {rows} rows, hash {digest}, build {statistics.median(seconds):.2f} s CPU")
        if workforce is None:
            relaxed = pyo.TransformationFactory("core.relax_integer_vars").create_using(model)
            SolverFactory("highs").solve(relaxed)
            print(f"exact LP bound: {pyo.value(relaxed.cost):.6f}")


if __name__ == "__main__":
    main()
