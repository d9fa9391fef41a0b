"""Pseudonyms of personal identifiers (agent ids, customer ids): a keyed hash.

HMAC-SHA256 keyed with the per-install salt (kept in the store's ``settings`` table, see
:mod:`wfm.store.privacy`), truncated to :data:`PSEUDONYM_HEX_CHARS` hex characters: the same
id gives the same pseudonym within one install, so analyses can join on it, and it cannot be
reversed or linked across installs without the salt.
"""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd

#: Hex characters kept of the HMAC-SHA256 digest (64 bits: collisions negligible for a centre).
PSEUDONYM_HEX_CHARS = 16


def pseudonym(identifier: str, salt: bytes) -> str:
    """The pseudonym of one identifier: HMAC-SHA256(salt, id), first 16 hex characters.

    >>> pseudonym("A001", b"salt")
    'b4654f3403a6accd'
    """
    digest = hmac.new(salt, str(identifier).encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_HEX_CHARS]


def pseudonymise_values(values: pd.Series, salt: bytes) -> pd.Series:
    """Every identifier in ``values`` replaced by its pseudonym (missing stays missing);
    each distinct value is hashed once."""
    text = values.astype("str").str.strip().where(values.notna())
    text = text.where(text != "")
    mapping = {value: pseudonym(value, salt) for value in text.dropna().unique()}
    return text.map(mapping).astype(object)


__all__ = ["PSEUDONYM_HEX_CHARS", "pseudonym", "pseudonymise_values"]
