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
import gc
import logging

logger = logging.getLogger(__name__)


def release_free_memory() -> None:
    """Return free heap pages to the operating system (Arrow's pool, then glibc's heap).

    Harmless where unsupported (another C library, no pyarrow): it does nothing there.
    """
    gc.collect()
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except (ImportError, AttributeError):  # pragma: no cover - pyarrow is a dependency
        pass
    name = ctypes.util.find_library("c")
    if not name:  # pragma: no cover - not Linux/glibc
        return
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # pragma: no cover - musl, macOS, Windows
        return
    trim(0)
    logger.debug("freed heap pages returned to the operating system")


__all__ = ["release_free_memory"]
