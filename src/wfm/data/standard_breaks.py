"""The standard break pattern of a new centre: a paid break, an unpaid lunch, a paid break.

Both a centre proposed from a history (:mod:`wfm.plan.proposal`, ``wfm init``) and the
synthetic sample centre (:mod:`wfm.data.synthetic.centre`) start from it; planners edit the
``[[break_rules]]`` of their centre file afterwards.
"""

from __future__ import annotations


def standard_break_rules(break_minutes: int = 15, lunch_minutes: int = 30) -> list[dict]:
    """``[[break_rules]]`` entries of the standard pattern, as centre-file data.

    Parameters
    ----------
    break_minutes
        Length of each paid break [minutes].
    lunch_minutes
        Length of the unpaid lunch [minutes].

    Returns
    -------
    list of dict
        A morning break (paid) in shifts of 4 h or more, starting 1.5 to 2.5 h in; a lunch
        (unpaid) in shifts of 6 h or more, starting 3 to 5 h in; an afternoon break (paid)
        in shifts of 8 h or more, starting 6 to 7 h in. The windows of one shift do not
        overlap: each break ends before the next opens.

    Examples
    --------
    >>> [(rule["name"], rule["duration_minutes"]) for rule in standard_break_rules(15, 45)]
    [('morning break', 15), ('lunch', 45), ('afternoon break', 15)]
    """
    return [
        {
            "name": "morning break",
            "activity": "break",
            "duration_minutes": break_minutes,
            "paid": True,
            "min_shift_minutes": 240,
            "earliest_start_after_minutes": 90,
            "latest_start_after_minutes": 150,
        },
        {
            "name": "lunch",
            "activity": "lunch",
            "duration_minutes": lunch_minutes,
            "paid": False,
            "min_shift_minutes": 360,
            "earliest_start_after_minutes": 180,
            "latest_start_after_minutes": 300,
        },
        {
            "name": "afternoon break",
            "activity": "break",
            "duration_minutes": break_minutes,
            "paid": True,
            "min_shift_minutes": 480,
            "earliest_start_after_minutes": 360,
            "latest_start_after_minutes": 420,
        },
    ]
