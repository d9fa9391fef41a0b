"""The sample centre's agents: invented names, teams, contracts and queue skills."""

from __future__ import annotations

import numpy as np
import pandas as pd

_FIRST_NAMES = (
    "Aisha", "Alfie", "Amelia", "Arjun", "Beatrice", "Ben", "Bethany", "Callum", "Chloe",
    "Chidi", "Daniel", "Deborah", "Ellie", "Emeka", "Fatima", "Finn", "Freya", "Gareth",
    "Grace", "Hannah", "Harry", "Imran", "Isla", "Jack", "Jasmine", "Kai", "Kirsty", "Leah",
    "Liam", "Lucy", "Mared", "Marek", "Maya", "Mohammed", "Nadia", "Niamh", "Oliver", "Oluwaseun",
    "Owen", "Priya", "Rhys", "Rosa", "Ruby", "Sam", "Sana", "Siobhan", "Tariq", "Tom", "Wei",
    "Yusuf", "Zara", "Zofia",
)  # fmt: skip
_LAST_NAMES = (
    "Adeyemi", "Ahmed", "Bailey", "Begum", "Bennett", "Brown", "Campbell", "Chen", "Clarke",
    "Davies", "Doherty", "Evans", "Fletcher", "Green", "Hall", "Hughes", "Hussain", "Jones",
    "Kaur", "Kowalski", "Lewis", "Macdonald", "Mensah", "Mitchell", "Morgan", "Murphy", "Nowak",
    "Okafor", "Osei", "Patel", "Price", "Quinn", "Rahman", "Roberts", "Robinson", "Shah",
    "Singh", "Smith", "Taylor", "Thomas", "Turner", "Walker", "Ward", "Williams", "Wilson",
    "Wright", "Young", "Zhang",
)  # fmt: skip
_TEAMS = ("Team Ada", "Team Brunel", "Team Curie", "Team Darwin")

#: (contract, number of agents).
_CONTRACT_COUNTS = (("full_time", 40), ("part_time", 20))
#: (queues as written in agents.csv, number of agents).
_SKILL_COUNTS = (("sales", 25), ("support", 20), ("sales|support", 15))


def agents_frame(rng: np.random.Generator) -> pd.DataFrame:
    """About 60 invented agents with a team, a contract and queue skills.

    Returns
    -------
    pandas.DataFrame
        Columns ``agent_id`` (A001 ..), ``name``, ``team``, ``contract`` and ``queues``
        (``|``-separated).
    """
    contracts = np.repeat([name for name, _ in _CONTRACT_COUNTS], [n for _, n in _CONTRACT_COUNTS])
    count = len(contracts)
    skills = np.repeat([name for name, _ in _SKILL_COUNTS], [n for _, n in _SKILL_COUNTS])
    if len(skills) != count:
        raise AssertionError("contract and skill counts disagree")
    name_codes = rng.choice(len(_FIRST_NAMES) * len(_LAST_NAMES), size=count, replace=False)
    names = [
        f"{_FIRST_NAMES[code // len(_LAST_NAMES)]} {_LAST_NAMES[code % len(_LAST_NAMES)]}"
        for code in name_codes
    ]
    teams = np.resize(np.asarray(_TEAMS), count)
    return pd.DataFrame(
        {
            "agent_id": [f"A{number:03d}" for number in range(1, count + 1)],
            "name": names,
            "team": rng.permutation(teams),
            "contract": rng.permutation(contracts),
            "queues": rng.permutation(skills),
        }
    )
