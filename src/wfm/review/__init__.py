"""Review: how a rota and a day went, or would go (layer 2).

- :mod:`wfm.review.projection`: projected service level, ASA and occupancy of a rota per
  interval (Erlang C on the rota's coverage), and its summary per queue.
- :mod:`wfm.review.kpi`: actual KPIs against the plan, and forecast accuracy;
  :mod:`wfm.review.kpi_report` writes them as an HTML report.
- :mod:`wfm.review.adherence`: adherence and conformance of agent states to a rota.
- :mod:`wfm.review.scenarios`: what-if scenarios and sensitivity of a rota's service.
- :mod:`wfm.review.daily_totals`: daily totals of a forecast and of requirements.

Import from the module that holds a name; this package re-exports nothing.
"""
