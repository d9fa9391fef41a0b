"""Seeded generator of the sample contact centre ("Northwind Contact Centre (sample)").

The sample centre is realistic enough to plan with and small enough to commit: two queues
(sales and support) with two years of 15-minute interval history, about 60 named agents on
full-time and part-time contracts, a centre TOML file with shift templates, break rules and
contracts, a four-week synthetic rota and the agent state events that follow it. Every
file is a pure function of ``seed`` and ``end_date``: regenerating gives byte-identical
files.

One module per part: :mod:`~wfm.data.synthetic.demand` (expected demand and the noisy
history, with the demand model in its docstring), :mod:`~wfm.data.synthetic.agents`,
:mod:`~wfm.data.synthetic.rota`, :mod:`~wfm.data.synthetic.behaviour` (agent state events),
:mod:`~wfm.data.synthetic.centre` (the settings and their TOML file) and
:mod:`~wfm.data.synthetic.generate`, which writes them all with the library's writers.
``python -m wfm.data.synthetic OUT_DIR`` (or ``wfm sample -o OUT_DIR``) writes a centre.
"""

from wfm.data.synthetic.behaviour import AGENT_STATES
from wfm.data.synthetic.defaults import DEFAULT_END_DATE, DEFAULT_SEED, DEFAULT_YEARS
from wfm.data.synthetic.demand import expected_demand
from wfm.data.synthetic.generate import generate_sample_centre, main

__all__ = [
    "AGENT_STATES",
    "DEFAULT_END_DATE",
    "DEFAULT_SEED",
    "DEFAULT_YEARS",
    "expected_demand",
    "generate_sample_centre",
    "main",
]
