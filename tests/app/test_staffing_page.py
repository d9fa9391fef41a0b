"""The staffing-curve page: its chart builders, and the page through the app's entry point.

The page needs a plan; like ``test_app.py``, the sample centre is planned once for this
module (module-scoped fixture, caches cleared first, short solver time limit).
"""

from __future__ import annotations

import sys
from pathlib import Path

import altair as alt
import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py"
sys.path.insert(0, str(APP.parent))

from views import charts, data, state  # noqa: E402
from wfm.staffing.curves import service_curve  # noqa: E402

SOLVER_TIME_LIMIT_SECONDS = 40  # the sample solves in about 15 s; room for a busy machine
PLAN_TIMEOUT_SECONDS = 180
PAGE_TIMEOUT_SECONDS = 30
PAGE = "views/staffing.py"


def test_curve_frame_and_chart():
    curve = service_curve(10.0, 180.0, 20.0, np.arange(8, 18))
    frame = charts.staffing_curve_frame(curve)
    assert set(frame["measure"]) == {"Service level", "Occupancy", "Abandoned", "ASA [s]"}
    asa = frame[frame["measure"] == "ASA [s]"]
    assert asa["agents"].min() == 11  # 8–10 agents cannot carry 10 Erlang: no finite ASA to draw
    level = frame[frame["measure"] == "Service level"].set_index("agents")["value"]
    assert level[14] == pytest.approx(0.8884, abs=5e-5)
    assert (np.diff(level.to_numpy()) >= 0).all()
    chart = charts.staffing_curve_chart(frame, agents_required=14, target=0.8)
    assert isinstance(chart, alt.VConcatChart)
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert len(spec["vconcat"]) == 2


def test_erlang_a_curve_has_abandonment():
    curve = service_curve(10.0, 180.0, 20.0, np.arange(6, 14), patience_seconds=60.0)
    assert (curve["abandon_probability"] > 0).all()
    assert np.isfinite(curve["asa_seconds"]).all()  # Erlang A is stable below the load


@pytest.fixture(scope="module")
def planned():
    if not data.DEFAULT_CENTRE.exists():
        pytest.skip("no sample centre: run `python -m wfm.data.sample data/sample`")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(data.CENTRE_ENV, raising=False)
        patch.setenv(data.TIME_LIMIT_ENV, str(SOLVER_TIME_LIMIT_SECONDS))
        st.cache_data.clear()
        st.cache_resource.clear()
        yield AppTest.from_file(APP, default_timeout=PLAN_TIMEOUT_SECONDS).run()


@pytest.mark.slow
def test_staffing_page_draws_the_curve_and_follows_the_patience(planned):
    at = AppTest.from_file(APP, default_timeout=PAGE_TIMEOUT_SECONDS).run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert len(at.get("vega_lite_chart")) == 1
    metrics = {m.label: m.value for m in at.metric}
    erlang_c_agents = int(metrics["Agents required"])
    at.number_input(key=state.STAFFING_PATIENCE_SECONDS).set_value(60).run()
    assert not at.exception and not at.error
    erlang_a_agents = int({m.label: m.value for m in at.metric}["Agents required"])
    assert 0 < erlang_a_agents <= erlang_c_agents  # at this centre's loads abandonment lowers the requirement
    at.selectbox(key=state.QUEUE).set_value("support").run()
    assert not at.exception and not at.error
