"""Give memory freed after reading a large file back to the operating system.

Reading a large history parses text into temporaries (Arrow buffers, NumPy arrays, Python
objects) that are freed once the checked frame is built, but the allocators keep the freed
pages for reuse: the process's resident memory stays near the reading peak for the rest of
the run (716 MB after reading a 216 MB history whose frame is 270 MB; see
docs/benchmarks.md, "Memory on a large history"). :func:`release_free_memory` asks Arrow's
memory pool and glibc's ``malloc_trim(3)`` to return free pages; it changes no data.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

#: The garbage collector's youngest generations, where a read's temporaries are: a full
#: collection walks every object of the process (tenths of a second in a large one, on every
#: read) and finds no more of them.
YOUNG_GENERATIONS = 1


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, looked up once (``find_library`` runs ``ldconfig``), or
    ``None`` where the C library has none."""
    name = ctypes.util.find_library("c")
    if not name:  # pragma: no cover - not Linux/glibc
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # pragma: no cover - musl, macOS, Windows
        return None


def release_free_memory() -> None:
    """Return free heap pages to the operating system (Arrow's pool, then glibc's heap).

    Harmless where unsupported (another C library, no pyarrow): it does nothing there.
    """
    gc.collect(YOUNG_GENERATIONS)
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except (ImportError, AttributeError):  # pragma: no cover - pyarrow is a dependency
        pass
    trim = _malloc_trim()
    if trim is None:  # pragma: no cover - not glibc
        return
    trim(0)
    logger.debug("freed heap pages returned to the operating system")


__all__ = ["release_free_memory"]
