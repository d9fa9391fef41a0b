"""The Data page's history import: an interval-history upload and a per-contact upload.

Presentation only: the guesses, validation, AHT filling and contact counting are in
:mod:`wfm.data.upload_history`, :mod:`wfm.data.handle_time` and
:mod:`wfm.data.contact_history`. Nothing is saved until the mapped result has been shown and
is valid; a file that cannot become a history says why, never a green box over nothing.
"""

from __future__ import annotations

import json

import streamlit as st

from helpers import ui
from helpers.uploaded_files import read_uploaded
from wfm.data import mapping, upload_history
from wfm.data.handle_time import MAX_AHT_SECONDS, AhtAssumption, aht_profile_from_frame
from wfm.data.history import no_queue_column_note
from wfm.data.schemas import DEFAULT_QUEUE
from wfm.errors import WfmError

#: Session key of the per-file results kept between reruns.
CACHE = "history_import_cache"
#: Session key of the history file whose column choices the widgets hold.
FILE_KEY = "history_import_file"
ONE_VALUE, PER_QUEUE, PROFILE = (
    "one value for every queue",
    "one value per queue",
    "a weekday × time-of-day file",
)


def _cache() -> dict:
    return st.session_state.setdefault(CACHE, {})


def _remember(key: str, work):
    """Run ``work()`` once per key (per file and options); keep its value or its error."""
    cache = _cache()
    if key not in cache:
        try:
            cache[key] = ("ok", work())
        except Exception as error:  # noqa: BLE001 - an upload must never crash the page
            cache[key] = ("error", error)
    return cache[key]


def column_mapping(
    kind: str,
    suggested: dict[str, str | None],
    columns: list[str],
    key: str,
    *,
    caption: str,
    expanded: bool,
) -> dict[str, str | None]:
    """Selectboxes mapping each wfm column of ``kind`` to a file column, pre-filled with
    ``suggested``; ``{wfm column: file column or None}``."""
    required, _ = mapping.wfm_columns(kind)
    options = ["(none)", *columns]
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
            choices[target] = None if chosen == "(none)" else chosen
    return choices


def _aht_input(label: str, key: str) -> float | None:
    """An AHT typed by the planner [s]: empty until given, at most four hours."""
    return st.number_input(
        label,
        min_value=0.0,
        max_value=MAX_AHT_SECONDS,
        value=None,
        step=10.0,
        key=key,
        placeholder="e.g. 300",
    )


def _aht_inputs(queues: list[str], key: str) -> AhtAssumption | None:
    """Ask for the AHT of queues without handle time; ``None`` until it is given."""
    st.warning(
        f"This history has no handle time for queue{'s' if len(queues) > 1 else ''} "
        f"{', '.join(repr(q) for q in queues)}. What is the average handle "
        "time (talk + hold + after-contact work)? Staffing needs it; it is saved with the "
        "centre's queues.",
        icon=":material/help:",
    )
    shape = st.radio("AHT given as", [ONE_VALUE, PER_QUEUE, PROFILE], key=f"{key}_aht_shape")
    try:
        if shape == ONE_VALUE:
            value = _aht_input("AHT [seconds]", f"{key}_aht_value")
            return None if not value else AhtAssumption(aht_seconds=float(value))
        if shape == PER_QUEUE:
            values = {}
            for queue in queues:
                value = _aht_input(f"AHT of {queue} [seconds]", f"{key}_aht_{queue}")
                if value:
                    values[queue] = float(value)
            return AhtAssumption(by_queue=values) if len(values) == len(queues) else None
        upload = st.file_uploader(
            "AHT profile CSV (weekday, time, aht_seconds[, queue])",
            type=["csv"],
            key=f"{key}_aht_profile",
        )
        if upload is None:
            return None
        raw = mapping.read_upload(upload.getvalue(), upload.name, text_columns=("queue",))
        return AhtAssumption(profile=aht_profile_from_frame(raw, upload.name))
    except WfmError as error:
        ui.show_error(error)
        return None


def history_upload_section(ws, centre, timezone: str) -> None:
    """Upload an interval history: mapping, queue, AHT, preview, then save."""
    upload = st.file_uploader(
        "History CSV",
        type=["csv", "txt", "xlsx"],
        key="upload_history",
        help="One row per interval (and queue): a start time, contacts offered and, when the "
        "export has it, handle time. Other column names are mapped below.",
    )
    if upload is None:
        return
    content = upload.getvalue()
    if st.session_state.get(FILE_KEY) != upload.file_id:  # a new file: guess afresh
        for name in [k for k in st.session_state if str(k).startswith("upload_history_")]:
            if name != "upload_history":
                del st.session_state[name]
        st.session_state[FILE_KEY] = upload.file_id
    status, sample = _remember(
        json.dumps(["preview", upload.file_id]),
        lambda: mapping.read_upload(content, upload.name).head(200),
    )
    if status == "error":
        ui.show_error(sample)
        st.caption("Nothing was saved from this file.")
        return
    st.caption(f"`{upload.name}`: the first rows of the file")
    st.dataframe(sample.head(upload_history.PREVIEW_ROWS).astype("str"), hide_index=True)
    columns = [str(c) for c in sample.columns]
    choices = column_mapping(
        "history",
        upload_history.suggest_history_columns(sample),
        columns,
        "upload_history",
        caption="Which column of the file holds each of wfm's columns (guessed from the names and "
        "the content: a column with a full date and time is preferred over a clock time alone).",
        expanded=True,
    )
    try:
        column_map = mapping.column_map_from_choices(choices, "history", source=upload.name)
    except WfmError as error:
        ui.show_error(error)
        st.caption("Choose the columns above; nothing is saved until the file is valid.")
        return
    queue = DEFAULT_QUEUE
    if not choices.get("queue"):
        queue = st.selectbox(
            "Queue of every row (the file has no queue column)",
            upload_history.queue_choices([q.name for q in centre.queues]),
            key="upload_history_queue",
            accept_new_options=True,
            help=f"'{DEFAULT_QUEUE}' unless you choose one of the centre's queues or type "
            "another name to add a queue (the command line's --queue does the same).",
        )
    date_format = (
        st.text_input(
            "Date format (only when asked)",
            key="upload_history_date_format",
            placeholder="e.g. %d/%m/%Y %H:%M",
            help="Needed only when every date fits both day-first and month-first order.",
        ).strip()
        or None
    )
    key = json.dumps([upload.file_id, column_map, timezone, queue, date_format])
    status, history = _remember(
        key,
        lambda: upload_history.read_history_upload_with(
            content,
            upload.name,
            timezone=timezone,
            column_map=column_map,
            queue=queue,
            date_format=date_format,
        ),
    )
    if status == "error":
        ui.show_error(history)
        st.caption("Nothing was saved from this file.")
        return
    note = no_queue_column_note(history)
    if note:
        st.info(f"{note}. Choose another queue above to put them elsewhere.")
    missing = upload_history.needs_aht(history)
    assumption = None
    if missing:
        assumption = _aht_inputs(missing, "upload_history")
        if assumption is None:
            st.caption("Nothing is saved until the AHT is given.")
            return
        from wfm.data.handle_time import fill_missing_aht

        try:
            history = fill_missing_aht(history, assumption)
        except WfmError as error:
            ui.show_error(error)
            return
    summary = mapping.history_summary(history, centre.interval_minutes)
    st.caption("What wfm will save (first rows):")
    st.dataframe(upload_history.mapped_preview(history), hide_index=True)
    st.dataframe(summary.table(), hide_index=True, width="stretch")
    unknown_queues = sorted(set(history.queues) - {q.name for q in centre.queues})
    for warning in summary.warnings:
        st.warning(warning, icon=":material/warning:")
    if history.interval_minutes != centre.interval_minutes:
        st.info(
            f"This history has {history.interval_minutes}-minute intervals and the current centre "
            f"(“{centre.name}”) plans in {centre.interval_minutes}-minute ones. To plan this "
            "data, save it, then use **Propose a centre** under “New centre from the history” "
            "below: it plans in the history's intervals.",
            icon=":material/lightbulb:",
        )
    if unknown_queues:
        st.warning(
            f"Queue(s) {', '.join(unknown_queues)} are not among the centre's queues: they are "
            "added to the centre's settings with the default service target (80 % in 20 s) when "
            "you save.",
            icon=":material/warning:",
        )
    saved_key = json.dumps(["saved", key, repr(assumption)])
    if saved_key in _cache():
        st.success(
            f"Saved {len(history.frame):,} history rows into the workspace.",
            icon=":material/check_circle:",
        )
        return
    if st.button("Save history", key="save_history", icon=":material/save:", type="primary"):
        with ui.friendly_errors():
            save_history(ws, centre, history, assumption)
            _cache()[saved_key] = True
            st.success(
                f"Saved {len(history.frame):,} history rows into the workspace.",
                icon=":material/check_circle:",
            )


def save_history(ws, centre, history, assumption: AhtAssumption | None) -> None:
    """Save the history and, in the centre's settings, its new queues and the AHT given."""
    updated = upload_history.centre_for_history(centre, history.queues, assumption)
    if updated != centre:
        ws.save_centre(updated)
    ws.save_history(history)


def contacts_upload_section(ws, centre, timezone: str) -> None:
    """Upload one row per contact: counted into an interval history, then saved."""
    from wfm.data.contact_history import import_contacts
    from wfm.data.vendors import contact_layouts

    layouts = contact_layouts()
    layout = st.selectbox(
        "Layout",
        list(layouts),
        format_func=lambda name: f"{name}: {layouts[name].description}",
        key="upload_contacts_layout",
    )
    upload = st.file_uploader(
        "Contacts CSV (one row per contact)",
        type=["csv", "txt"],
        key="upload_contacts",
        help="Contact-detail records: arrival at the queue, queue, outcome, wait and handle "
        "times (see docs/data-formats.md, Per-contact records). Counted in the interval of "
        "each contact's arrival at the queue.",
    )
    if upload is None:
        return
    content = upload.getvalue()
    thresholds = {q.name: q.answer_threshold_seconds for q in centre.queues}

    def work():
        bar = st.progress(0.0, text="Counting contacts")
        result = read_uploaded(
            upload.name,
            content,
            import_contacts,
            layout=layout,
            timezone=timezone,
            interval_minutes=centre.interval_minutes,
            answer_threshold_seconds=thresholds or 20.0,
            progress=lambda done, text: bar.progress(min(done, 1.0), text=text),
        )
        bar.empty()
        return result

    key = json.dumps(["contacts", upload.file_id, layout, timezone])
    status, result = _remember(key, work)
    if status == "error":
        ui.show_error(result)
        st.caption("Nothing was saved from this file.")
        return
    for line in result.problems.lines():
        st.warning(line, icon=":material/warning:")
    if result.problems.total:
        st.dataframe(result.problems.table(), hide_index=True)
    st.write("\n".join(f"- {line}" for line in result.summary_lines()))
    st.caption("What wfm will save (first rows):")
    st.dataframe(upload_history.mapped_preview(result.history), hide_index=True)
    st.dataframe(result.patience, hide_index=True)
    saved_key = json.dumps(["saved", key])
    if saved_key in _cache():
        st.success(
            f"Saved {len(result.history.frame):,} history rows.", icon=":material/check_circle:"
        )
        return
    if st.button("Save as history", key="save_contacts", icon=":material/save:", type="primary"):
        with ui.friendly_errors():
            save_history(ws, centre, result.history, None)
            _cache()[saved_key] = True
            st.success(
                f"Saved {len(result.history.frame):,} history rows.", icon=":material/check_circle:"
            )


__all__ = ["contacts_upload_section", "history_upload_section", "save_history"]


#: Session key of the centre proposed from the saved history.
PROPOSAL = "history_import_proposal"


def proposal_section(ws, centre, timezone: str) -> None:
    """Propose a centre from the saved history (queues, hours, shifts, a placeholder team)
    and use it: a first rota without writing TOML or CSV by hand."""
    from wfm.data.handle_time import aht_assumption
    from wfm.plan.proposal import propose_centre

    history = ws.latest_history()
    if history is None:
        st.caption("Save a history above first; wfm then proposes a centre from it.")
        return
    st.write(
        f"From the saved history (queues {', '.join(history.queues)}, "
        f"{history.interval_minutes}-minute intervals), wfm proposes the queues, opening hours, "
        f"shifts and a placeholder team, in the time zone chosen above ({timezone}). Every "
        "default is listed; edit them later on Settings and the Rota builder."
    )
    name = st.text_input("Centre name", value="My contact centre", key="proposal_name")
    if st.button("Propose a centre", key="propose_centre", icon=":material/auto_awesome:"):
        with ui.friendly_errors():
            st.session_state[PROPOSAL] = propose_centre(
                history, timezone=timezone, name=name, aht=aht_assumption(centre)
            )
    proposal = st.session_state.get(PROPOSAL)
    if proposal is None:
        return
    st.markdown("\n".join(f"- {note}" for note in proposal.notes))
    team = st.number_input(
        "Full-time agents in the placeholder team",
        min_value=1,
        value=len(proposal.agents),
        step=1,
        key="proposal_team",
    )
    if st.button("Use this centre", key="use_proposal", icon=":material/check:", type="primary"):
        with ui.friendly_errors():
            from wfm.plan.proposal import with_team_size

            chosen = with_team_size(proposal, int(team))
            ws.save_centre(chosen.centre.model_copy(update={"history": None, "agents": None}))
            ws.save_history(chosen.history)
            ws.save_agents(chosen.agents)
            st.session_state.pop(PROPOSAL, None)
            st.success(
                f"Centre '{chosen.centre.name}' saved with {len(chosen.agents)} agents: go to "
                "Forecast, Staffing and the Rota builder.",
                icon=":material/check_circle:",
            )
