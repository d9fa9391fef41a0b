"""Repeated contact ids found among millions without a hash table of strings.

:func:`id_hashes` gives each text id a 64-bit hash computed over its bytes with numpy (a few
bytes per id instead of a Python string); :func:`repeated_ids` marks the ids equal to an
earlier one by a stable sort of the hashes.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

#: Multiplier of the polynomial string hash (an odd 64-bit constant, from SplitMix64).
_HASH_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


def id_hashes(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """64-bit hashes of text ids, vectorised over the string bytes; 0 where empty.

    h = (Σ bᵢ · Mⁱ + length · M^64) mod 2⁶⁴ over the UTF-8 bytes bᵢ, with M odd, then a
    SplitMix64 finaliser. Two different ids share a hash with probability ~2⁻⁶⁴ per pair
    (about 3 in a million for 10 million ids): a repeat is reported with its line, so a
    collision would show as one wrongly excluded contact, never silently.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    values = values.cast(pa.large_string())
    n = len(values)
    valid = values.is_valid().to_numpy(zero_copy_only=False)
    offsets_buffer, data_buffer = values.buffers()[1], values.buffers()[2]
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[values.offset : values.offset + n + 1]
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)
        if data_buffer is not None
        else np.zeros(0, np.uint8)
    )
    starts, lengths = offsets[:-1], np.diff(offsets)
    used = data[offsets[0] : offsets[-1]].astype(np.uint64)
    position = np.arange(len(used), dtype=np.int64) - np.repeat(starts - offsets[0], lengths)
    longest = int(lengths.max()) if n else 0
    powers = np.ones(max(longest, 1) + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(1, len(powers)):
            powers[i] = powers[i - 1] * _HASH_MULTIPLIER
        weighted = used * powers[position]
        nonempty = lengths > 0
        sums = np.zeros(n, dtype=np.uint64)
        if nonempty.any():
            sums[nonempty] = np.add.reduceat(weighted, (starts - offsets[0])[nonempty])
        h = sums + lengths.astype(np.uint64) * np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
    h[~valid | ~nonempty] = 0
    h[(h == 0) & valid & nonempty] = 1
    return h


def repeated_ids(hashes: np.ndarray) -> np.ndarray:
    """Mask of the ids (by hash, in order) equal to an earlier one; empty ids (0) never repeat."""
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    repeat = np.zeros(len(hashes), dtype=bool)
    repeat[order[1:]] = (ordered[1:] == ordered[:-1]) & (ordered[1:] != 0)
    return repeat


__all__ = ["id_hashes", "repeated_ids"]
