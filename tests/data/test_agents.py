"""Tests for wfm.data.agents: reading and validating the agents file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from wfm.config import parse_centre
from wfm.data.agents import DEFAULT_TEAM, read_agents, validate_agents_frame
from wfm.data.schemas import AGENT_COLUMNS, Agent
from wfm.errors import InputError

HEADER = ",".join(AGENT_COLUMNS)


@pytest.fixture
def centre():
    return parse_centre(
        {
            "centre": {"timezone": "Europe/London"},
            "queues": [{"name": "sales"}, {"name": "support"}],
            "contracts": [{"name": "full_time"}, {"name": "part_time"}],
        }
    )


def write(tmp_path: Path, lines: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "agents.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def test_reads_agents_in_file_order(tmp_path, centre):
    path = write(
        tmp_path,
        [
            "007,Ada Lovelace,Team Ada,full_time,sales|support",
            "A2, Isambard Brunel ,Team Brunel,part_time, support ",
            "A3,Marie Curie,Team Curie,full_time,support; sales",
        ],
    )
    agents = read_agents(path, centre)
    assert agents == [
        Agent("007", "Ada Lovelace", "Team Ada", "full_time", ("sales", "support")),
        Agent("A2", "Isambard Brunel", "Team Brunel", "part_time", ("support",)),
        Agent("A3", "Marie Curie", "Team Curie", "full_time", ("support", "sales")),
    ]


def test_column_names_ignore_case_and_spaces(tmp_path):
    path = write(
        tmp_path, ["A1,Ada,T,full_time,sales"], header=" Agent_ID ,Name,TEAM,Contract,Queues "
    )
    assert read_agents(path)[0].agent_id == "A1"


def test_name_and_team_are_optional(tmp_path):
    path = write(
        tmp_path, ["A1,full_time,sales", "A2,part_time,support"], header="agent_id,contract,queues"
    )
    agents = read_agents(path)
    assert [agent.name for agent in agents] == ["A1", "A2"]
    assert {agent.team for agent in agents} == {DEFAULT_TEAM}


def test_repeated_queue_listed_once(tmp_path):
    path = write(tmp_path, ["A1,Ada,T,full_time,sales|sales|support|"])
    assert read_agents(path)[0].queues == ("sales", "support")


def test_missing_column(tmp_path):
    path = write(tmp_path, ["A1,Ada,T,sales"], header="agent_id,name,team,skills")
    with pytest.raises(InputError) as caught:
        read_agents(path)
    assert caught.value.column == "contract"
    assert "'skills'" in str(caught.value)


def test_duplicate_agent_id_names_both_lines(tmp_path):
    path = write(
        tmp_path, ["A1,Ada,T,full_time,sales", "A2,Bo,T,full_time,sales", "A1,Cy,T,full_time,sales"]
    )
    with pytest.raises(InputError, match="line 2") as caught:
        read_agents(path)
    assert caught.value.row == 4
    assert "A1" in str(caught.value)


def test_empty_agent_id(tmp_path):
    path = write(tmp_path, ["A1,Ada,T,full_time,sales", ",Bo,T,full_time,sales"])
    with pytest.raises(InputError, match="empty") as caught:
        read_agents(path)
    assert caught.value.row == 3 and caught.value.column == "agent_id"


@pytest.mark.parametrize("queues", ["", "|", " ; "])
def test_empty_queues(tmp_path, queues):
    path = write(tmp_path, ["A1,Ada,T,full_time,sales", f"A2,Bo,T,full_time,{queues}"])
    with pytest.raises(InputError, match="no queues") as caught:
        read_agents(path)
    assert caught.value.row == 3 and caught.value.column == "queues"


def test_unknown_contract_with_centre(tmp_path, centre):
    path = write(tmp_path, ["A1,Ada,T,full_time,sales", "A2,Bo,T,zero_hours,sales"])
    with pytest.raises(InputError, match="unknown contract") as caught:
        read_agents(path, centre)
    error = caught.value
    assert error.row == 3 and error.column == "contract" and error.value == "zero_hours"
    assert "full_time" in error.fix and "part_time" in error.fix


def test_unknown_queue_with_centre(tmp_path, centre):
    path = write(tmp_path, ["A1,Ada,T,full_time,sales", "A2,Bo,T,full_time,support|billing"])
    with pytest.raises(InputError, match="unknown queue") as caught:
        read_agents(path, centre)
    error = caught.value
    assert error.row == 3 and error.column == "queues" and error.value == "billing"
    assert "sales" in error.fix and "support" in error.fix


def test_without_centre_names_are_not_checked(tmp_path):
    path = write(tmp_path, ["A1,Ada,T,zero_hours,billing"])
    assert read_agents(path)[0].contract == "zero_hours"


def test_no_agents(tmp_path):
    with pytest.raises(InputError, match="no agent rows"):
        read_agents(write(tmp_path, []))


def test_validate_frame_from_upload(centre):
    raw = pd.DataFrame(
        {"agent_id": [1, 2], "contract": ["full_time", "part_time"], "queues": ["sales", "support"]}
    )
    agents = validate_agents_frame(raw, source="upload.csv", centre=centre)
    assert [agent.agent_id for agent in agents] == ["1", "2"]
