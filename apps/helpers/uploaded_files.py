"""Uploaded files read by wfm's readers that take a path: a temporary copy, named by the
upload in every message."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

Result = TypeVar("Result")


def read_uploaded(
    name: str, content: bytes, reader: Callable[..., Result], *args, **options
) -> Result:
    """``reader(copy, *args, source=name, **options)`` on a temporary copy of an upload,
    deleted afterwards: its messages (and what it records as the source) name ``name``, the
    file the planner uploaded, never the copy's temporary path."""
    with tempfile.TemporaryDirectory(prefix="wfm-upload-") as folder:
        copy = Path(folder) / (Path(name).name or "upload")
        copy.write_bytes(content)
        return reader(copy, *args, source=name, **options)
