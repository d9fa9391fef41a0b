"""Intraday: the day itself (layer 2).

- :mod:`wfm.intraday.feed`: today's agent-state feed with open events, and its freshness.
- :mod:`wfm.intraday.position`: today's position per queue and interval at a time of day.
- :mod:`wfm.intraday.adherence_now`: who is out of adherence at this moment.
- :mod:`wfm.intraday.sample_day`: a day of the sample centre played up to a time.

Import from the module that holds a name; this package re-exports nothing.
"""
