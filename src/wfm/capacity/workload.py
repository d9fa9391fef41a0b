"""The workload a history row records: handle seconds and the contacts they belong to.

The capacity plan measures AHT as total handle seconds over handled contacts, so a row
whose handle time is unknown must leave out both (not count its contacts at zero seconds).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def known_workload(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Handle seconds [s] and handled contacts of each row of a history frame.

    Parameters
    ----------
    frame
        History rows (:class:`wfm.data.schemas.History` ``frame``): ``offered``, and
        ``handled`` (default: ``offered``), with ``total_handle_seconds`` or else
        ``aht_seconds``.

    Returns
    -------
    tuple of numpy.ndarray
        ``(handle_seconds, handled)`` as floats, both 0 where the handle time is unknown,
        so that their sums over any rows give the AHT of the rows that have one.

    Examples
    --------
    >>> rows = pd.DataFrame({"offered": [10, 4], "aht_seconds": [180.0, None]})
    >>> [values.tolist() for values in known_workload(rows)]
    [[1800.0, 0.0], [10.0, 0.0]]
    """
    handled = frame["handled"] if "handled" in frame else frame["offered"]
    if "total_handle_seconds" in frame:
        handle_seconds = frame["total_handle_seconds"]
    else:
        handle_seconds = frame["aht_seconds"] * handled
    known = handle_seconds.notna()
    return (
        handle_seconds.where(known, 0.0).to_numpy(dtype=float),
        handled.where(known, 0.0).to_numpy(dtype=float),
    )
