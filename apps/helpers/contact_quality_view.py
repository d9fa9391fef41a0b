"""The Review page's quality-of-service section: first-contact resolution, repeats,
satisfaction and contact categories from an uploaded per-contact export.

Presentation only: reading (customer ids pseudonymised with the store's salt as they are
read) is :func:`wfm.data.contacts.read_contacts`; the measures are
:mod:`wfm.review.contact_quality`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from helpers import ui
from wfm.data.io import frame_to_csv_text


def contact_quality_section(ws, centre) -> None:
    """Upload contacts, choose N, show FCR, repeats, satisfaction and categories."""
    from wfm.data.contacts import read_contacts
    from wfm.data.vendors import contact_layout, contact_layouts
    from wfm.review.contact_quality import DEFAULT_FCR_DAYS, contact_details, contact_quality
    from wfm.store.privacy import store_salt

    st.subheader("Quality of service from contacts")
    st.caption(
        "First-contact resolution (no further contact from the same customer within N days), "
        "repeat contacts, satisfaction and contact categories, from a per-contact export. "
        "Customer ids are pseudonymised as the file is read; no raw customer id is kept."
    )
    left, right = st.columns(2)
    layout = left.selectbox("Layout", list(contact_layouts()), key="review_contacts_layout")
    fcr_days = right.number_input(
        "N [days]",
        min_value=1.0,
        max_value=90.0,
        value=float(DEFAULT_FCR_DAYS),
        step=1.0,
        key="review_fcr_days",
    )
    upload = st.file_uploader(
        "Contacts CSV for quality of service", type=["csv", "txt"], key="review_contacts"
    )
    if upload is None:
        return
    with ui.friendly_errors():
        with tempfile.TemporaryDirectory(prefix="wfm-contacts-") as folder:
            path = Path(folder) / upload.name
            path.write_bytes(upload.getvalue())
            contacts, problems = read_contacts(
                path,
                contact_layout(layout),
                timezone=centre.timezone,
                extras=True,
                salt=store_salt(ws.url),
            )
        for line in problems.lines():
            st.warning(line, icon=":material/warning:")
        teams = {agent.agent_id: agent.team for agent in ws.agents()}
        quality = contact_quality(contact_details(contacts), fcr_days=fcr_days, teams=teams)
        st.markdown("**Per queue**")
        st.dataframe(quality.by_queue, hide_index=True)
        for title, table in (("Per team", quality.by_team), ("Per agent", quality.by_agent)):
            if table is not None:
                st.markdown(f"**{title}**")
                st.dataframe(table, hide_index=True)
        st.markdown("**Per day**")
        st.line_chart(quality.by_day.pivot_table(index="day", columns="queue", values="fcr"))
        if quality.categories_by_day is not None:
            st.markdown("**Contact categories per day**")
            st.line_chart(
                quality.categories_by_day.pivot_table(
                    index="day", columns="category", values="contacts", fill_value=0
                )
            )
            st.dataframe(
                quality.categories_by_day.groupby("category")["contacts"]
                .sum()
                .sort_values(ascending=False)
                .rename("contacts")
                .reset_index(),
                hide_index=True,
            )
        st.download_button(
            "Download quality per queue (CSV)",
            frame_to_csv_text(quality.by_queue),
            "contact_quality_by_queue.csv",
            "text/csv",
            key="download_contact_quality",
        )
