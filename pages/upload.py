"""Upload: data staff sign in, preview what the parser read from new releases (files or
pasted text), import them, and undo an import. Reading the dashboard needs no sign-in;
every change is checked again in db.management."""

import hashlib
import time

import streamlit as st

from dashboard import data
from dashboard.frame import page_frame
from dashboard.page_data.upload import (
    PASTE_NAME,
    RELEASES_SHOWN,
    DatabaseFailure,
    NotSignedIn,
    SignInError,
    diagnostics_table,
    load_imports_log,
    preview_table,
    published_totals_table,
    reports_table,
    result_table,
    totals_table,
    undoable_imports,
)
from dashboard.record import plain

page_frame()
desk = data.staff_desk()
settings = desk.settings
st.session_state.setdefault("upload_staff", None)
st.session_state.setdefault("upload_last_seen", 0.0)
st.title("Upload releases")

staff = st.session_state["upload_staff"]
if staff and time.time() - st.session_state["upload_last_seen"] > settings.session_idle_minutes * 60:
    desk.sign_out(staff)
    st.session_state["upload_staff"] = staff = None
    st.info("Your session ended after a period of inactivity. Sign in again.")

if staff is None:
    st.write("Reading the dashboard is open to all. Adding or changing data needs a staff account.")
    with st.form("upload_sign_in"):
        name = st.text_input("User name", key="upload_user")
        password = st.text_input("Password", type="password", key="upload_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        try:
            st.session_state["upload_staff"] = desk.sign_in(name, password)
            st.session_state["upload_last_seen"] = time.time()
            st.rerun()
        except SignInError as error:
            st.error(plain(str(error)))
    st.caption("Accounts are created by an administrator: `python3 manage.py users add NAME`.")
    st.stop()

st.session_state["upload_last_seen"] = time.time()
top = st.columns([4, 1])
top[0].caption(f"Signed in as **{staff.user_name}**. Sessions end after {settings.session_idle_minutes} idle minutes.")
if top[1].button("Sign out", key="upload_sign_out"):
    desk.sign_out(staff)
    st.session_state["upload_staff"] = None
    st.rerun()

uploaded = st.file_uploader(
    f"Release files (.txt, .html, .pdf, line-archive .csv) or published totals (.csv); "
    f"up to {settings.max_upload_bytes // (1024 * 1024)} MB each",
    type=["txt", "html", "htm", "pdf", "csv"], accept_multiple_files=True, key="upload_files",
)
pasted = st.text_area("Or paste the text of a release", key="upload_paste", height=160)
files = [(item.name, item.getvalue()) for item in uploaded or []]
if pasted.strip():
    files.append((PASTE_NAME, pasted.encode("utf-8")))
if not files:
    st.info("Choose files or paste a release to see a preview.")
else:
    # parsed once per set of files: every click on the page reruns it, and a parse is the costly part
    digest = hashlib.sha256(b"".join(hashlib.sha256(name.encode() + b"\0" + data).digest() for name, data in files)).hexdigest()
    cached = st.session_state.get("upload_preview")
    if cached and cached[0] == digest and cached[1] == data.data_version():
        previews = cached[2]
    else:
        previews = desk.preview(files)
        st.session_state["upload_preview"] = (digest, data.data_version(), previews)
    st.subheader("Preview: nothing is saved yet")
    st.dataframe(preview_table(previews), hide_index=True, width="stretch", key="upload_preview_table")
    for item in previews:
        with st.expander(f"{plain(item.name)}: {item.outcome}", expanded=len(previews) == 1):
            if item.reason:
                st.error(plain(item.reason))
            for excess in item.above_published:
                st.warning(f"Importing this file: {plain(excess)}. A release rarely adds so many; check it against "
                           "its source before importing.", icon=":material/warning:")
            if item.published_totals:
                st.caption("Totals the coalition published, kept as reference beside the data's own totals; "
                           "a total stored already is skipped.")
                st.dataframe(published_totals_table(item), hide_index=True, width="stretch",
                             key=f"upload_published_{item.name}")
            for release in item.releases[:RELEASES_SHOWN]:
                key = f"{item.name}_{release.content_hash[:8]}"
                st.markdown(f"**{plain(release.title or release.source)}** · published {release.published or 'date unknown'}")
                st.dataframe(totals_table(release), hide_index=True, key=f"upload_totals_{key}")
                st.dataframe(reports_table(release), hide_index=True, width="stretch", key=f"upload_reports_{key}")
                if release.diagnostics:
                    st.dataframe(diagnostics_table(release), hide_index=True, width="stretch", key=f"upload_diag_{key}")
            if len(item.releases) > RELEASES_SHOWN:
                st.caption(f"... and {len(item.releases) - RELEASES_SHOWN} more releases in this file")
    importable = [f for f, p in zip(files, previews, strict=True) if p.outcome != "failed"]
    if st.button(f"Import {len(importable)} file(s)", type="primary", disabled=not importable, key="upload_confirm"):
        bar = st.progress(0.0, text="Importing ...")
        done = []

        def progress(outcome):
            done.append(outcome)
            bar.progress(len(done) / len(importable), text=f"Imported {len(done)} of {len(importable)}")

        try:
            result = desk.import_files(staff, importable, on_progress=progress)
        except NotSignedIn as error:
            st.session_state["upload_staff"] = None
            st.error(plain(str(error)))
            st.stop()
        except DatabaseFailure as error:
            st.error(f"The import stopped: {error}")
            st.stop()
        st.session_state["data_version"] = data.data_version()
        st.success(f"Import {result.import_id} finished.")
        st.dataframe(result_table(result), hide_index=True, width="stretch", key="upload_result_table")

st.subheader("Import log")
log = data.fresh(load_imports_log)
st.dataframe(log, hide_index=True, width="stretch", key="upload_log")
undoable = undoable_imports(log)  # the newest first, and chosen unless staff pick another
if undoable:
    cols = st.columns([2, 1], vertical_alignment="bottom")
    # a new widget once a newer import exists: the old one would keep offering the import it showed
    chosen = cols[0].selectbox("Undo an import", undoable, index=0, key=f"upload_undo_choice_{undoable[0]}",
                               format_func=lambda import_id: f"import {import_id}"
                               + (" (the newest)" if import_id == undoable[0] else ""))
    if cols[1].button("Undo …", key="upload_undo"):
        st.session_state["upload_undo_pending"] = chosen
    pending = st.session_state.get("upload_undo_pending")
    if pending in undoable:
        try:
            what = desk.undo_preview(staff, pending)
        except (NotSignedIn, ValueError, DatabaseFailure) as error:
            st.error(plain(str(error)))
            st.session_state.pop("upload_undo_pending", None)
            st.stop()
        files = ", ".join(plain(source) for source in what.sources) + (" …" if what.releases > len(what.sources) else "")
        st.warning(
            f"Undo import {what.import_id} ({what.origin}, by {plain(what.who)})? It removes {what.releases:,} "
            f"release{'s' * (what.releases != 1)} ({files or 'none'}), {what.strikes:,} strikes from the charts"
            + (f" and {what.published_totals:,} published totals" if what.published_totals else "")
            + (f"; {what.restores:,} earlier versions are counted again." if what.restores else ".")
            + (" These are the starter data: the dashboard then holds only what staff imported." if what.origin == "starter" else ""),
            icon=":material/warning:",
        )
        confirm, cancel = st.columns([1, 1])
        if confirm.button(f"Yes, undo import {pending}", key="upload_undo_confirm", type="primary"):
            st.session_state.pop("upload_undo_pending", None)
            try:
                outcome = desk.undo(staff, pending)
                st.session_state["data_version"] = data.data_version()
                totals = f", {outcome.published_totals} published totals removed" if outcome.published_totals else ""
                st.success(f"Import {pending} undone: {outcome.removed} releases removed, {outcome.restored} restored{totals}.")
            except NotSignedIn as error:
                st.session_state["upload_staff"] = None
                st.error(plain(str(error)))
            except (ValueError, DatabaseFailure) as error:
                st.error(plain(str(error)))
        if cancel.button("Cancel", key="upload_undo_cancel"):
            st.session_state.pop("upload_undo_pending", None)
            st.rerun()
