"""The Review page's quality-of-service section: first-contact resolution, repeats,
satisfaction and contact categories from an uploaded per-contact export.

Presentation only: reading (customer ids pseudonymised with the store's salt as they are
read) is :func:`wfm.data.contacts.read_contacts`; the measures are
:mod:`wfm.review.contact_quality`.
"""

from __future__ import annotations

import streamlit as st

from helpers import ui
from helpers.uploaded_files import read_uploaded
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
        contacts, problems = read_uploaded(
            upload.name,
            upload.getvalue(),
            read_contacts,
            contact_layout(layout),
            timezone=centre.timezone,
            extras=True,
            salt=store_salt(ws.url),
        )
        for line in problems.lines():
            st.warning(line, icon=":material/warning:")
        teams = {agent.agent_id: agent.team for agent in ws.agents()}
        quality = contact_quality(contact_details(contacts), fcr_days=fcr_days, teams=teams)
        _headline(quality, upload.name)
        st.markdown("**Per queue**")
        st.dataframe(_pretty(quality.by_queue), hide_index=True)
        for title, table in (("Per team", quality.by_team), ("Per agent", quality.by_agent)):
            if table is not None:
                st.markdown(f"**{title}**")
                st.dataframe(_pretty(table), hide_index=True)
        st.markdown("**Per day**")
        st.caption("First-contact resolution per day of the first contact.")
        st.bar_chart(
            quality.by_day.pivot_table(index="day", columns="queue", values="fcr"),
            stack=False,
            y_label="FCR",
        )
        if quality.categories_by_day is not None:
            st.markdown("**Contact categories per day**")
            st.bar_chart(
                quality.categories_by_day.pivot_table(
                    index="day", columns="category", values="contacts", fill_value=0
                ),
                y_label="Contacts",
            )
            st.dataframe(
                quality.categories_by_day.groupby("category")["contacts"]
                .sum()
                .sort_values(ascending=False)
                .rename("Contacts")
                .reset_index()
                .rename(columns={"category": "Category"}),
                hide_index=True,
            )
        st.download_button(
            "Download quality per queue (CSV)",
            frame_to_csv_text(quality.by_queue),
            "contact_quality_by_queue.csv",
            "text/csv",
            key="download_contact_quality",
        )


#: Column headings of the quality tables, in the planner's words.
HEADINGS = {
    "queue": "Queue",
    "team": "Team",
    "agent_id": "Agent",
    "contacts": "Contacts",
    "fcr_judged": "Judged for FCR",
    "fcr_resolved": "Resolved first time",
    "fcr": "FCR",
    "repeat_contacts": "Repeat contacts",
    "satisfaction_responses": "Satisfaction responses",
    "satisfaction_mean": "Mean satisfaction",
}


def _pretty(table):
    """A quality table with headings in words and FCR as a percentage."""
    shown = table.copy()
    if "fcr" in shown:
        shown["fcr"] = shown["fcr"].map(ui.percent)
    if "satisfaction_mean" in shown:
        shown["satisfaction_mean"] = shown["satisfaction_mean"].map(lambda v: ui.number(v, 2))
    return shown.rename(columns=HEADINGS)


def _headline(quality, file_name: str) -> None:
    """Every contact of the file: contacts, FCR, repeats, satisfaction, top category."""
    total = quality.overall.iloc[0]
    judged = int(total["fcr_judged"])
    n_days = f"{quality.fcr_days:g}"
    figures = [
        ("Contacts", ui.number(total["contacts"], 0), None),
        (
            "First-contact resolution",
            ui.percent(total["fcr"]),
            f"Of {judged:,} contacts judged, {int(total['fcr_resolved']):,} had no further contact "
            f"from the same customer within {n_days} days (contacts in the last {n_days} days of "
            "the file cannot be judged yet).",
        ),
        (
            "Repeat contacts",
            ui.number(total["repeat_contacts"], 0),
            f"Contacts from a customer who had contacted the centre in the {n_days} days before.",
        ),
    ]
    if "satisfaction_mean" in total:
        figures.append(
            (
                "Mean satisfaction",
                ui.number(total["satisfaction_mean"], 2),
                f"{int(total['satisfaction_responses']):,} responses.",
            )
        )
    if quality.categories_by_day is not None:
        counts = quality.categories_by_day.groupby("category")["contacts"].sum()
        figures.append(
            ("Top category", str(counts.idxmax()), f"{int(counts.max()):,} contacts in the file.")
        )
    st.caption(f"`{file_name}`, all queues:")
    for column, (label, value, text) in zip(st.columns(len(figures)), figures, strict=True):
        column.metric(label, value, help=text)
