"""A file of one export layout read with another named: refused before it is read, with the
layout it looks like (wfm.data.layout_guess), for per-contact exports and agent states.

Before, a generic contact file read as ``--layout genesys-cloud`` was read silently: Genesys
has no ``outcome`` column and counts a contact without ``Abandoned``/``Total Handle`` as not
offered, so the abandoned contact vanished (1 offered instead of 2); the other pairs were
refused with a missing column and no word on the layout the file is.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from wfm.data.contact_history import import_contacts
from wfm.data.mapping import read_states_upload
from wfm.data.state_vendors import STATE_SIGNATURES, to_amazon_connect, to_injixo
from wfm.data.states import read_agent_states, states_to_frame
from wfm.data.vendors import contact_layouts
from wfm.errors import InputError

ROOT = Path(__file__).resolve().parents[3]
LONDON = "Europe/London"


def contact_files() -> dict[str, str]:
    """One small file per layout, from the examples and the layouts' own tests."""
    genesys = re.search(
        r'GENESYS = """\n(.*?)"""', (ROOT / "tests/data/test_contacts.py").read_text(), re.S
    ).group(1)
    twilio = (ROOT / "tests/data/test_contacts_twilio.py").read_text()
    header = re.search(r"HEADER = \(\n(.*?)\n\)", twilio, re.S).group(1)
    header = "".join(re.findall(r'"([^"]*)"', header))
    events = re.search(r'EVENTS = textwrap.dedent\(\n    """\\\n(.*?)"""', twilio, re.S).group(1)
    events = "\n".join(line.strip() for line in events.splitlines())
    return {
        "generic": "arrival_time,queue,outcome,wait_seconds,handle_seconds\n"
        "2026-03-02T08:00:00Z,sales,answered,4,100\n"
        "2026-03-02T08:05:00Z,sales,abandoned,30,\n",
        "amazon-connect": (ROOT / "data/examples/amazon_connect_contacts.csv").read_text(),
        "genesys-cloud": genesys,
        "twilio-taskrouter": header + "\n" + events + "\n",
    }


FILES = contact_files()


def test_every_layout_has_a_file_here_and_reads_it():
    assert set(FILES) == set(contact_layouts())
    for layout, text in FILES.items():
        assert text.count("\n") >= 3, layout


@pytest.mark.parametrize(
    ("written", "named"),
    [pair for pair in itertools.permutations(FILES, 2)],
    ids=lambda v: v,
)
def test_a_file_read_with_another_layout_says_which_it_looks_like(written, named, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(FILES[written])
    import_contacts(path, layout=written, timezone="America/New_York")  # its own layout reads
    with pytest.raises(InputError) as caught:
        import_contacts(path, layout=named, timezone="America/New_York")
    error = caught.value
    assert error.source == str(path) and error.option == "--layout" and error.value == named
    assert f"it looks like {'an' if written == 'amazon-connect' else 'a'} " in error.problem
    assert contact_layouts()[written].title in error.problem
    assert error.fix == f"read it with the {written} layout (--layout {written})"


def test_a_mapped_column_counts_for_the_signature(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(FILES["generic"].replace("arrival_time", "Start Time", 1))
    result = import_contacts(
        path, layout="generic", column_map={"Start Time": "arrival_time"}, timezone=LONDON
    )
    assert result.history.frame["offered"].sum() == 2


def test_a_file_like_no_layout_keeps_the_readers_own_message(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("when,queue\n2026-03-02T08:00:00Z,sales\n")
    with pytest.raises(InputError, match="required column 'arrival_time' not found"):
        import_contacts(path, layout="generic", timezone=LONDON)


@pytest.fixture(scope="module")
def state_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("states")
    log = read_agent_states(ROOT / "data/sample/agent_states.csv", timezone=LONDON)
    events = log.frame.head(200)
    files = {
        "generic": folder / "generic.csv",
        "amazon-connect": folder / "connect.csv",
        "injixo": folder / "injixo.csv",
    }
    states_to_frame(log).head(200).to_csv(files["generic"], index=False)
    to_amazon_connect(events).to_csv(files["amazon-connect"], index=False)
    to_injixo(events, LONDON).to_csv(files["injixo"], index=False, sep=";")
    return files


def vendor(name: str) -> str | None:
    return None if name == "generic" else name


@pytest.mark.parametrize(
    ("written", "named"), list(itertools.permutations(STATE_SIGNATURES, 2)), ids=lambda v: v
)
def test_an_agent_state_file_read_as_another_vendor_says_which(written, named, state_files):
    path = state_files[written]
    own = read_agent_states(path, timezone=LONDON, vendor=vendor(written))
    assert len(own.frame) >= 199  # its own layout reads (Connect has no ends: the last is open)
    with pytest.raises(InputError) as caught:
        read_agent_states(path, timezone=LONDON, vendor=vendor(named))
    error = caught.value
    assert "it looks like" in error.problem
    assert error.fix == f"read it with the {written} layout (--vendor {written})"
    # the default layout was not named by the user: no option quoted then
    assert (error.option, error.value) == (
        (None, None) if named == "generic" else ("--vendor", named)
    )
    # the app's upload goes through the same check
    with pytest.raises(InputError, match="it looks like"):
        read_states_upload(path.read_bytes(), path.name, timezone=LONDON, vendor=vendor(named))
