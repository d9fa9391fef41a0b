"""Per-contact export layouts: each vendor's columns mapped to wfm's canonical contact.

A :class:`ContactLayout` says which file columns to read and turns a chunk of them into the
canonical columns of :data:`wfm.data.contact_schema.CONTACT_COLUMNS` (text cells; durations may be
float seconds). Layouts: ``generic`` (wfm's own column names, any ``--map``),
``amazon-connect`` (:mod:`.amazon_connect`), ``genesys-cloud`` (:mod:`.genesys_cloud`) and
``twilio-taskrouter`` (:mod:`.twilio_taskrouter`, an events export reduced per task).
See ``docs/data-formats.md``, "Per-contact records".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from wfm.data.column_matching import match_columns, normalise_name
from wfm.data.contact_schema import CONTACT_COLUMNS, EXTRA_COLUMNS
from wfm.errors import InputError


@dataclass(frozen=True)
class ContactLayout:
    """How one export maps onto the canonical contact.

    Parameters
    ----------
    name
        Name used with ``--layout``.
    description
        One line for help texts.
    file_columns
        Canonical column -> the vendor's column name (empty for the generic layout).
    convert
        ``(frame with the vendor's columns under canonical-or-vendor names, source) ->
        canonical frame``; ``None`` when renaming is enough.
    duration_scale
        Seconds per unit of a numeric duration cell (0.001 for milliseconds).
    reduce_events
        For an export with one row per *event* (several per contact):
        ``(raw chunk with a file_line column, is_last_chunk, source) -> (canonical contacts
        with file_line, events to carry into the next chunk or None)``; ``None`` for one row
        per contact.
    message_names
        Canonical column -> how messages name it, where no file column of that name is read
        (``reduce_events`` layouts; an outcome derived from a vendor's flag column).
    title
        What a file of the layout is called in messages ("Genesys Cloud export").
    signature
        File columns the layout cannot do without, as groups of alternatives: a file
        without them is refused before it is read, with the layout it looks like
        (:func:`wfm.data.layout_guess.check_layout`); a column mapped with ``--map`` onto
        the same canonical column counts.
    """

    name: str
    description: str
    file_columns: Mapping[str, str]
    convert: Callable[[pd.DataFrame, str], pd.DataFrame] | None = None
    duration_scale: float = 1.0
    reduce_events: (
        Callable[[pd.DataFrame, bool, str], tuple[pd.DataFrame, pd.DataFrame | None]] | None
    ) = None
    message_names: Mapping[str, str] | None = None
    title: str = "contact file"
    signature: tuple[tuple[str, ...], ...] = (("arrival_time",),)

    def check_header(
        self, header: list[str], column_map: Mapping[str, str] | None, source: str
    ) -> None:
        """Refuse a file whose header lacks this layout's :attr:`signature`, naming the
        layout it looks like (:func:`wfm.data.layout_guess.check_layout`)."""
        from wfm.data.layout_guess import check_layout, mapped_groups

        canonical_of = {normalise_name(v): k for k, v in self.file_columns.items()}
        satisfied = mapped_groups(header, column_map, self.signature, canonical_of)
        names = " or ".join(f"'{c}'" for group in self.signature for c in group[:1])
        layouts = contact_layouts()
        check_layout(
            header,
            self.name,
            {name: layout.signature for name, layout in layouts.items()},
            titles={name: layout.title for name, layout in layouts.items()},
            source=source,
            option="--layout",
            what=self.title,
            satisfied=satisfied,
            # the generic reader's own message lists the file's columns and the --map fix
            otherwise=None
            if not self.file_columns
            else f"export the file with its {names} columns, or read it with "
            "--layout generic and --map FILE_COLUMN=arrival_time",
        )

    def columns(
        self, header: list[str], column_map: Mapping[str, str] | None, extras: bool = False
    ) -> list[str]:
        """The file columns to read: those the layout or the mapping uses; the optional
        per-contact details (:data:`~wfm.data.contact_schema.EXTRA_COLUMNS`) only when ``extras``."""
        skip = set() if extras else set(EXTRA_COLUMNS)
        keys = {normalise_name(v) for k, v in self.file_columns.items() if k not in skip}
        keys |= {normalise_name(name) for name in CONTACT_COLUMNS if name not in skip}
        keys |= {
            normalise_name(key)
            for key, value in (column_map or {}).items()
            if normalise_name(value) not in skip
        }
        return [column for column in header if normalise_name(column) in keys]

    def file_name(
        self, column: str, header: list[str], column_map: Mapping[str, str] | None
    ) -> str:
        """The file's name of a canonical column, for messages."""
        for key, target in (column_map or {}).items():
            if normalise_name(target) == column:
                return key
        return self.file_columns.get(column, column)

    def to_canonical(
        self, raw: pd.DataFrame, column_map: Mapping[str, str] | None, source: str
    ) -> tuple[pd.DataFrame, dict[str, str]]:
        """A raw chunk -> (canonical frame, canonical name -> file column name)."""
        mapping = dict(column_map or {})
        targets = {normalise_name(value) for value in mapping.values()}
        for canonical, vendor in self.file_columns.items():
            if canonical in CONTACT_COLUMNS and canonical not in targets:
                mapping.setdefault(vendor, canonical)
        present = {normalise_name(column) for column in raw.columns}
        mapping = {key: value for key, value in mapping.items() if normalise_name(key) in present}
        required = ("arrival_time",) if self.convert is None else ()
        matched = match_columns(
            raw,
            required,
            CONTACT_COLUMNS,
            source=source,
            column_map=mapping,
            keep_extra=self.convert is not None,
        )
        frame, names = matched.frame, {**(self.message_names or {}), **matched.file_names}
        if self.convert is not None:
            frame = self.convert(frame, source)
            if "arrival_time" not in frame:
                raise InputError(
                    f"not a {self.name} export: its arrival column is missing",
                    source=source,
                    column=self.file_columns.get("arrival_time"),
                    fix=f"the {self.name} layout needs the columns "
                    f"{', '.join(repr(v) for v in self.file_columns.values())}; "
                    "or use --layout generic with --map",
                )
        return frame, names


def _generic() -> ContactLayout:
    return ContactLayout(
        "generic",
        "wfm's canonical column names (map others with --map FILE=WFM)",
        {},
        title="wfm contact file",
    )


def contact_layouts() -> dict[str, ContactLayout]:
    """Every layout by name."""
    from wfm.data.vendors.amazon_connect import LAYOUT as connect
    from wfm.data.vendors.genesys_cloud import LAYOUT as genesys
    from wfm.data.vendors.twilio_taskrouter import LAYOUT as twilio

    return {layout.name: layout for layout in (_generic(), connect, genesys, twilio)}


def contact_layout(name: str) -> ContactLayout:
    """The layout called ``name``; an :class:`InputError` listing the known ones otherwise."""
    layouts = contact_layouts()
    if name not in layouts:
        raise InputError(
            "unknown contact layout",
            option="--layout",
            value=name,
            fix=f"use one of {', '.join(layouts)}",
        )
    return layouts[name]


__all__ = ["ContactLayout", "contact_layout", "contact_layouts"]
