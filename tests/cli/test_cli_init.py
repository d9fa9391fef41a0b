"""`wfm init`: a centre proposed from a history, through `main([...])`."""

from __future__ import annotations

from wfm.cli import main
from wfm.config import load_centre


def test_init_from_the_bank_data_writes_a_loadable_centre(tmp_path, bank_calls_path, capsys):
    out = tmp_path / "bank"
    args = [
        "init",
        "--history",
        str(bank_calls_path),
        "--map",
        "datetime=interval_start",
        "--map",
        "calls=offered",
        "--timezone",
        "America/New_York",
        "--queue",
        "retail",
        "-o",
        str(out),
    ]
    assert main(args) == 2  # no handle time: the AHT is asked for
    assert "no handle time for queue(s) 'retail'" in capsys.readouterr().err
    assert not (out / "centre.toml").exists()
    assert main([*args, "--aht-seconds", "240", "--name", "US bank"]) == 0
    text = capsys.readouterr().out
    assert "opening hours" in text and "full-time agents" in text
    centre = load_centre(out / "centre.toml")
    assert centre.name == "US bank" and centre.queue("retail").aht_seconds == 240
    assert centre.opening_hours["sat"] == "closed"
    assert (out / "agents.csv").read_text().count("\n") > 100
