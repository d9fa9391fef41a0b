"""wfm: workforce management for contact centres.

Forecast contacts and handle times, turn them into agents required (Erlang C), build rotas
for named agents (a MILP solved by HiGHS) and review the plan.
"""

__version__ = "0.1.0"
