"""Settings of the committed sample centre: seed, dates, grid and time zone."""

from __future__ import annotations

import datetime as dt

#: Seed of the committed sample centre.
DEFAULT_SEED = 2026
#: Last local date of the committed history (a Sunday; the centre is closed on Sundays, so the
#: last interval is on Saturday 2026-11-14 and planning starts on Monday 2026-11-16).
DEFAULT_END_DATE = dt.date(2026, 11, 15)
#: Years of history in the committed sample.
DEFAULT_YEARS = 2
#: Weeks of rota and agent state events (the last full Monday-to-Sunday weeks of history).
STATE_WEEKS = 4

#: Planning interval of the sample centre [minutes].
INTERVAL_MINUTES = 15
#: IANA time zone of the sample centre.
TIMEZONE = "Europe/London"
