"""The column-mapping widgets of the Data page's uploads: which file column holds each of
wfm's columns, pre-filled with a guess (presentation only; the guesses and the mapping
are :mod:`wfm.data.mapping` and :mod:`wfm.data.upload_history`)."""

from __future__ import annotations

import streamlit as st

from wfm.data import mapping

#: Shown in a selectbox for "no column of the file".
NONE = "(none)"


def column_choices(
    kind: str,
    suggested: dict[str, str | None],
    columns: list[str],
    key: str,
    *,
    caption: str,
    expanded: bool,
) -> dict[str, str | None]:
    """Selectboxes (three a row, in an expander) mapping each wfm column of ``kind`` to a
    file column, pre-selected from ``suggested``; returns wfm column -> file column or None."""
    required, _ = mapping.wfm_columns(kind)
    options = [NONE, *columns]
    choices = {}
    with st.expander("Column mapping", expanded=expanded):
        st.caption(caption)
        grid = st.columns(3)
        for index, (target, column) in enumerate(suggested.items()):
            label = f"{target} (required)" if target in required else target
            chosen = grid[index % 3].selectbox(
                label,
                options,
                index=options.index(column) if column in options else 0,
                key=f"{key}_map_{target}",
            )
            choices[target] = None if chosen == NONE else chosen
    return choices
