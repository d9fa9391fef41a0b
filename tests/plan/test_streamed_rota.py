"""A centre's rota written group by group as the staffing groups' rotas arrive: the file is
byte for byte the one written from the merged rota, the rows are on disk (hidden) before the
last group is solved, and a run that fails part-way leaves no rota file behind."""

from __future__ import annotations

import pytest

from wfm.cli import main
from wfm.config import load_centre
from wfm.data.io import frame_to_csv_text
from wfm.data.synthetic.sites import generate_multi_site_centre
from wfm.errors import ConfigError
from wfm.plan import centre_rota
from wfm.plan.centre_rota import StreamedRota
from wfm.plan.chain import run_plan, write_plan


@pytest.fixture(scope="module")
def centre_path(tmp_path_factory):
    """Four sites: two London sites sharing a queue (one group), one in Berlin and one in
    New York (a group each): three staffing groups."""
    return generate_multi_site_centre(
        tmp_path_factory.mktemp("streamed_rota") / "centre",
        sites=4,
        agents_per_site=3,
        history_weeks=3,
        forecast_model="seasonal_naive",
    )


def hidden(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


@pytest.fixture(scope="module")
def streamed_plan(centre_path, tmp_path_factory):
    """The centre's plan, its rota written group by group; what was on disk as each group
    arrived (its number, the spilled parts, whether rota.csv existed)."""
    centre = load_centre(centre_path)
    out = tmp_path_factory.mktemp("streamed_plan") / "plan"
    on_disk = []
    with StreamedRota(out / "rota.csv", centre.timezone) as streamed:

        def arrived(number, result):
            streamed.add(number, result)
            spills = [name for name in hidden(out) if name.startswith(".rota.csv.")]
            parts = sorted(p.name for name in spills for p in (out / name).iterdir())
            on_disk.append((number, parts, (out / "rota.csv").exists()))

        result = run_plan(centre, on_group=arrived)
        write_plan(result, out, streamed_rota=streamed)
    return result, out, on_disk


def test_the_streamed_rota_is_byte_identical_and_written_as_the_groups_arrive(
    streamed_plan, tmp_path
):
    result, out, on_disk = streamed_plan
    assert len(result.groups) == 3
    # each group's rows were on disk as soon as it arrived, before rota.csv existed
    assert on_disk == [
        (0, ["0.csv"], False),
        (1, ["0.csv", "1.csv"], False),
        (2, ["0.csv", "1.csv", "2.csv"], False),
    ]
    # today's writer: the merged rota as one frame
    write_plan(result, tmp_path / "whole")
    assert (out / "rota.csv").read_bytes() == (tmp_path / "whole" / "rota.csv").read_bytes()
    assert (out / "rota.csv").read_text() == frame_to_csv_text(result.rota.rota)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        p.name for p in (tmp_path / "whole").iterdir()
    )
    assert hidden(out) == []  # no spill and no temporary left


@pytest.mark.parametrize(
    ("error", "code", "older"),
    [(ConfigError("no rota for this group"), 2, False), (RuntimeError("worker lost"), 1, True)],
)
def test_a_plan_failing_midway_leaves_no_rota_file(
    centre_path, streamed_plan, tmp_path, monkeypatch, error, code, older
):
    """The second group fails after the first group's rows were written: `wfm plan` exits
    with an error (2 for wfm's own, 1 for a fault), leaves no rota file or spill, makes no
    folder, and an older output folder stays as it was."""
    solved = []

    def second_fails(*task):
        if solved:
            raise error
        solved.append(task)
        return streamed_plan[0].rota  # a rota for the first group (rows to write)

    monkeypatch.setattr(centre_rota, "schedule_one_model", second_fails)
    out = tmp_path / "plan"
    if older:
        out.mkdir()
        (out / "rota.csv").write_text("the published rota\n")
    assert main(["plan", "--centre", str(centre_path), "-o", str(out), "-q"]) == code
    assert len(solved) == 1  # the first group's rows were written, then the second failed
    if older:
        assert [p.name for p in out.iterdir()] == ["rota.csv"]
        assert (out / "rota.csv").read_text() == "the published rota\n"
    else:
        assert not out.exists()  # not even an empty folder
