"""What a forecast tells beside its rows, as sentences: the model choice, the holidays, the
intraday update (said by `wfm forecast` and shown on the app's Forecast page).

Pure text from the records :func:`wfm.forecast.forecast_history` leaves in its result's
``attrs`` (``model_choice``, ``holiday_effects``, ``intraday_update``); no domain logic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

#: Day types listed per queue and kind of source before the rest are counted.
MAX_HOLIDAYS_LISTED = 8


def _leads(first: int, last: int) -> str:
    if first == last == 1:
        return "day-ahead"
    return f"lead {first} day" if first == last else f"leads {first}–{last} days"


def model_choice_lines(records: Sequence[Mapping]) -> list[str]:
    """One line per queue and lead band: the model used, its backtest WAPE and why.

    ``records``: rows of :data:`~wfm.forecast.selection.SELECTION_COLUMNS`.

    >>> rows = [
    ...     dict(queue="q", first_lead_days=1, last_lead_days=1, rank=1, model="a",
    ...          wape=0.07, bias=-0.01, origins=10, chosen=True),
    ...     dict(queue="q", first_lead_days=1, last_lead_days=1, rank=2, model="b",
    ...          wape=0.08, bias=0.0, origins=10, chosen=False)]
    >>> model_choice_lines(rows)
    ['queue q, day-ahead: a, WAPE 7.00 % (bias -1.0 %) over 10 days, the lowest of 2 models']
    """
    bands: dict[tuple, list[Mapping]] = {}
    for row in records:
        key = (str(row["queue"]), int(row["first_lead_days"]), int(row["last_lead_days"]))
        bands.setdefault(key, []).append(row)
    lines = []
    for (queue, first, last), rows in bands.items():
        rows = sorted(rows, key=lambda row: int(row["rank"]))
        chosen = next((row for row in rows if bool(row["chosen"])), None)
        if chosen is None:
            continue
        text = (
            f"queue {queue}, {_leads(first, last)}: {chosen['model']}, "
            f"WAPE {100 * float(chosen['wape']):.2f} % (bias {100 * float(chosen['bias']):+.1f} %) "
            f"over {int(chosen['origins'])} days"
        )
        best = rows[0]
        if len(rows) == 1:
            text += " (the model asked for; backtest only)"
        elif best is chosen:
            text += f", the lowest of {len(rows)} models"
        elif str(chosen["model"]).startswith("combination"):
            from wfm.forecast.selection import COMBINATION_PREFERENCE

            text += (
                f", ranked {int(chosen['rank'])} of {len(rows)}: within "
                f"{100 * COMBINATION_PREFERENCE:.0f} % of the lowest ({best['model']}, "
                f"{100 * float(best['wape']):.2f} %), and a combination's error varies less "
                "out of sample, so it is preferred"
            )
        else:
            text += f", ranked {int(chosen['rank'])} of {len(rows)}"
        lines.append(text)
    return lines


def _holiday_kind(source: str) -> str:
    if source.startswith("learned"):
        return "learned from the history"
    if source.startswith("borrowed"):
        return "borrowed (never seen in the history)"
    return "ordinary day (no past holiday to learn from)"


def holiday_lines(records: Iterable[Mapping], calendar_source: str) -> list[str]:
    """Per queue and kind of source (learned, borrowed, ordinary), the holiday days forecast.

    ``records``: ``attrs["holiday_effects"]`` of the forecast.

    >>> holiday_lines([dict(queue="q", date="2003-11-11", day_type="Veterans Day",
    ...     day_ratio=0.0, occurrences=0,
    ...     source="borrowed: closed on 3 past holiday day type(s)")], "country US")
    ['holidays (country US), queue q, borrowed (never seen in the history): 2003-11-11 Veterans Day x0.00 closed (borrowed: closed on 3 past holiday day type(s))']
    """
    groups: dict[tuple[str, str], list[Mapping]] = {}
    for row in records:
        groups.setdefault((str(row["queue"]), _holiday_kind(str(row["source"]))), []).append(row)
    lines = []
    for (queue, kind), rows in groups.items():
        listed = [
            f"{row['date']} {row['day_type']} x{float(row['day_ratio']):.2f}"
            + (" closed" if float(row["day_ratio"]) <= 0 else "")
            + f" ({row['source']})"
            for row in rows[:MAX_HOLIDAYS_LISTED]
        ]
        more = len(rows) - len(listed)
        lines.append(
            f"holidays ({calendar_source}), queue {queue}, {kind}: "
            + "; ".join(listed)
            + (f"; and {more} more (the forecast's model column names each)" if more else "")
        )
    return lines


def local_clock(moment: dt.datetime, timezone: str) -> str:
    """A time as ``'2003-10-20 10:00 EDT'`` on the clock of ``timezone`` (IANA name).

    >>> local_clock(dt.datetime(2003, 10, 20, 14, tzinfo=dt.UTC), "America/New_York")
    '2003-10-20 10:00 EDT'
    """
    from zoneinfo import ZoneInfo

    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def intraday_lines(records: Iterable[Mapping], timezone: str) -> tuple[list, list]:
    """``(lines, warnings)`` on the intraday update of each queue.

    ``records``: ``attrs["intraday_update"]`` of the forecast; ``timezone``: the centre's.

    >>> lines, warnings = intraday_lines([dict(queue="q", as_of="2003-10-20T10:00:00-04:00",
    ...     observed_intervals=36, observed_contacts=9000.0, forecast_so_far=10000.0,
    ...     rest_intervals=132, rest_before=20000.0, rest_after=19000.0, factor=0.95)],
    ...     "America/New_York")
    >>> lines
    ['intraday update at 2003-10-20 10:00 EDT, queue q: 9,000 contacts in the 36 intervals observed (the model expected 10,000: -10.0 %); the rest of the day (132 intervals) x0.950: 20,000 -> 19,000 contacts']
    >>> warnings
    []
    """
    lines, warnings = [], []
    for row in records:
        when = local_clock(dt.datetime.fromisoformat(str(row["as_of"])), timezone)
        queue = row["queue"]
        observed, expected = float(row["observed_contacts"]), float(row["forecast_so_far"])
        if int(row.get("day_intervals", 1)) == 0:
            warnings.append(
                f"queue {queue}: the centre is closed on the day of the update ({when}): "
                "nothing to update; the forecast starts on the next open day"
            )
            continue
        if int(row["rest_intervals"]) == 0:
            warnings.append(
                f"queue {queue}: the update time {when} is after the day's last open interval: "
                "nothing is left to update; the rows are the model's forecast of that day"
            )
            continue
        if int(row["observed_intervals"]) == 0:
            if expected > 0:
                warnings.append(
                    f"queue {queue}: the history holds no interval of that day before the "
                    f"update time {when}: nothing to update from (the forecast is the "
                    "model's); give a history that runs up to the update time"
                )
            else:
                lines.append(
                    f"intraday update at {when}, queue {queue}: before the first open interval, "
                    "nothing observed yet; the day is the model's forecast"
                )
            continue
        change = f": {100 * (observed / expected - 1):+.1f} %" if expected > 0 else ""
        lines.append(
            f"intraday update at {when}, queue {queue}: {observed:,.0f} contacts in the "
            f"{int(row['observed_intervals'])} intervals observed (the model expected "
            f"{expected:,.0f}{change}); the rest of the day ({int(row['rest_intervals'])} "
            f"intervals) x{float(row['factor']):.3f}: {float(row['rest_before']):,.0f} -> "
            f"{float(row['rest_after']):,.0f} contacts"
        )
    return lines, warnings
