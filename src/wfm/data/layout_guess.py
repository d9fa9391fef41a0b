"""Which export layout a file's header looks like: the one check of "the wrong layout named".

wfm reads several export layouts of one kind of data (per-contact records:
:mod:`wfm.data.vendors`; agent states: :mod:`wfm.data.state_vendors`). A file of one layout
read with another named is either refused with a message about a missing column, or, worse,
read silently with the wrong meaning: a generic contact file (``arrival_time``, ``outcome``)
read as a Genesys Cloud export loses its abandons, because Genesys has no ``outcome`` column
and counts a contact without ``Abandoned`` and ``Total Handle`` as not offered.

Each layout therefore names the file columns it cannot do without (its **signature**, as
groups of alternatives: ``(("Timestamp", "TimestampMs"), ("TaskSid",))``). Before a file is
read, :func:`check_layout` makes sure the named layout's signature is in the header (a
column the user maps with ``--map`` counts), and when it is not, says which other layout's
signature the header has (:func:`guess_layout`), so the fix is one option.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from wfm.data.column_matching import normalise_name
from wfm.errors import InputError

#: Column groups: each group is satisfied by any one of its column names.
Signature = Sequence[Sequence[str]]


def missing_groups(header: Iterable[str], signature: Signature) -> list[Sequence[str]]:
    """The groups of ``signature`` none of whose columns is in ``header`` (names compared
    ignoring case and surrounding spaces).

    >>> missing_groups(["Date", "queue"], [["Date"], ["Abandoned"], ["Total Handle"]])
    [['Abandoned'], ['Total Handle']]
    """
    names = {normalise_name(str(column)) for column in header}
    return [group for group in signature if not any(normalise_name(c) in names for c in group)]


def mapped_groups(
    header: Iterable[str],
    column_map: Mapping[str, str] | None,
    signature: Signature,
    canonical: Mapping[str, str] | None = None,
) -> list[int]:
    """Indices of the ``signature`` groups a ``--map FILE_COLUMN=WFM_COLUMN`` of a column
    present in ``header`` stands in for (names compared normalised; ``canonical`` maps a
    layout's file column to the wfm name it is mapped to, when they differ)."""
    canonical = canonical or {}
    present = {normalise_name(c) for c in header}
    mapped = {
        normalise_name(target)
        for column, target in (column_map or {}).items()
        if normalise_name(column) in present
    }
    return [
        index
        for index, group in enumerate(signature)
        if any(canonical.get(normalise_name(c), normalise_name(c)) in mapped for c in group)
    ]


def guess_layout(
    header: Iterable[str], signatures: Mapping[str, Signature], *, besides: str
) -> str | None:
    """The layout other than ``besides`` whose whole signature is in ``header``; among
    several, the one with the most signature columns present (then the first listed);
    ``None`` when the header has no other layout's signature.

    >>> signatures = {"generic": [["arrival_time"]], "twilio": [["EventType"], ["TaskSid"]]}
    >>> guess_layout(["EventType", "TaskSid", "Timestamp"], signatures, besides="generic")
    'twilio'
    >>> guess_layout(["Date", "Queue"], signatures, besides="generic") is None
    True
    """
    header = list(header)
    names = {normalise_name(str(column)) for column in header}
    best, best_count = None, 0
    for name, signature in signatures.items():
        if name == besides or missing_groups(header, signature):
            continue
        count = sum(normalise_name(c) in names for group in signature for c in group)
        if count > best_count:
            best, best_count = name, count
    return best


def check_layout(
    header: Sequence[str],
    layout: str,
    signatures: Mapping[str, Signature],
    *,
    source: str,
    option: str,
    what: str,
    satisfied: Iterable[int] = (),
    otherwise: str | None,
    titles: Mapping[str, str] | None = None,
    named: bool = True,
) -> None:
    """Raise :class:`InputError` unless ``header`` has the signature of ``layout``.

    Parameters
    ----------
    header
        The file's column names.
    layout
        The layout named by the user.
    signatures
        Layout name -> its signature.
    source
        The file, for the message.
    option
        The option that names the layout (``--layout``, ``--vendor``).
    what
        What a file of the layout is, for the message ("Genesys Cloud export").
    satisfied
        Indexes of signature groups met another way (a column the user mapped).
    otherwise
        The fix when the header looks like no other layout; ``None``: no error then (the
        reader's own message about the missing column follows).
    titles
        Layout name -> what a file of it is called, for the layout the file looks like.
    named
        Whether the user named ``layout`` (else it is the default, and the message does not
        quote it as the option's value).
    """
    signature = signatures[layout]
    done = set(satisfied)
    missing = [
        group
        for index, group in enumerate(signature)
        if index not in done and group in missing_groups(header, [group])
    ]
    if not missing:
        return
    names = ", ".join(" or ".join(f"'{c}'" for c in group) for group in missing)
    lacks = (
        f"not {_article(what)} {what}: it lacks the column{'s' if len(missing) > 1 else ''} {names}"
    )
    other = guess_layout(header, signatures, besides=layout)
    if other is not None:
        looks = (titles or {}).get(other, f"{other} file")
        raise InputError(
            f"{lacks}, and it looks like {_article(looks)} {looks}",
            source=source,
            option=option if named else None,
            value=layout if named else None,
            fix=f"read it with the {other} layout ({option} {other})",
        )
    if otherwise is None:
        return
    raise InputError(
        lacks,
        source=source,
        option=option if named else None,
        value=layout if named else None,
        fix=otherwise,
    )


def _article(noun: str) -> str:
    """``a`` or ``an`` before ``noun`` (by its first letter).

    >>> _article("Amazon Connect export"), _article("Genesys Cloud export")
    ('an', 'a')
    """
    return "an" if noun[:1].lower() in "aeio" else "a"


__all__ = ["Signature", "check_layout", "guess_layout", "missing_groups"]
