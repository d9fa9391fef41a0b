"""The progress bar of long work (issue 16, item 5): it is redrawn while a stage runs, lists
every stage, says when the time limit is passed and why, and hands errors back."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from helpers import live_progress
from helpers import rota_charts as rc


def test_elapsed_text_says_when_the_limit_is_passed():
    assert live_progress.elapsed_text(12.4, 30) == "12 s of the 30 s limit"
    assert live_progress.elapsed_text(7.0, None) == "7 s"
    late = live_progress.elapsed_text(41.0, 30)
    assert late.startswith("41 s: past the 30 s limit") and "stage" in late


def test_time_limit_note_explains_a_solve_longer_than_its_limit():
    class Summary:
        build_seconds, solve_seconds = 6.0, 30.5

    assert rc.time_limit_note(30.6, 30.0, Summary()) == ""
    note = rc.time_limit_note(44.0, 30.0, Summary())
    assert "44 s against the 30 s limit" in note
    assert "solver's (30 s)" in note and "building the model took 6 s" in note
    assert "the other 8 s" in note  # 44 - 30.5 - 6 = 7.5, shown whole


def script():
    import time

    import streamlit as st

    from helpers import live_progress

    redraws = []
    real = live_progress.st.progress

    class CountingBar:
        def __init__(self, bar):
            self.bar = bar

        def progress(self, value, text=None):
            redraws.append(text)
            self.bar.progress(value, text=text)

        def empty(self):
            self.bar.empty()

    live_progress.st.progress = lambda *a, **k: CountingBar(real(*a, **k))

    def work(progress):
        progress(0.1, "stage 1: no rota yet; searching")
        time.sleep(1.6)  # one long stage with no report, as inside HiGHS
        progress(0.7, "stage 2: rota within 0.8 % of the bound; searching all shifts")
        return 42

    try:
        result, seconds, stages = live_progress.run_with_progress(
            work, label="Generating the rota", limit_seconds=30
        )
    finally:
        live_progress.st.progress = real
    st.write(f"result={result}")
    st.write(f"stages={len(stages)}")
    st.write(f"redraws_during_stage_1={sum('stage 1' in (t or '') for t in redraws)}")

    def broken(progress):
        raise ValueError("the work failed")

    try:
        live_progress.run_with_progress(broken, label="x")
    except ValueError as error:
        st.write(f"error={error}")


def test_the_bar_is_redrawn_while_a_long_stage_runs_and_errors_come_back():
    app = AppTest.from_function(script, default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    written = " ".join(str(m.value) for m in app.markdown)
    assert "result=42" in written
    assert "stages=2" in written
    redraws = int(written.split("redraws_during_stage_1=")[1].split()[0])
    # 1.6 s at a redraw every 0.5 s: at least two redraws showed stage 1 (the old bar: none)
    assert redraws >= 2
    assert "error=the work failed" in written
