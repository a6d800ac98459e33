"""Projects: list, create, open, load the demo."""

import streamlit as st

from qualcode import queries
from qualcode.demo import load_demo
from qualcode.services import projects as project_service
from qualcode.ui import state
from qualcode.ui.state import tr

st.title(tr("nav.projects"))

with state.reading() as session:
    overview = queries.project_overview(session)

if overview.empty:
    st.info(tr("projects.empty"))
else:
    current = state.project_id()
    for row in overview.itertuples():
        with st.container(border=True):
            left, right = st.columns([4, 1])
            left.markdown(f"**{row.name}**" + (f"  \n{row.description}" if row.description else ""))
            left.caption(tr("projects.counts", documents=row.documents, codes=row.codes, codings=row.codings))
            if row.id == current:
                right.button(tr("projects.is_open"), key=f"open_{row.id}", disabled=True)
            elif right.button(tr("projects.open"), key=f"open_{row.id}"):
                state.set_project(int(row.id))
                st.rerun()

left, right = st.columns(2)
with left:
    st.subheader(tr("projects.new"))
    with st.form("new_project", clear_on_submit=True):
        name = st.text_input(tr("projects.name"))
        description = st.text_area(tr("projects.description"), height=80)
        owner_login = st.text_input(tr("projects.owner_login"), value="peneliti", help=tr("ui.login_help"))
        if st.form_submit_button(tr("projects.create"), type="primary"):
            try:
                with state.action() as session:
                    owner = project_service.ensure_user(session, owner_login)
                    project = project_service.create_project(
                        session, name, owner_id=owner.id, description=description
                    )
                    new_id, user = project.id, owner.id
                state.set_project(new_id)
                st.session_state[state.USER_KEY] = user
                st.rerun()
            except state.ActionFailed:
                pass
with right:
    st.subheader(tr("projects.demo"))
    st.write(tr("projects.demo_help"))
    if st.button(tr("projects.load_demo")):
        try:
            with st.spinner(tr("projects.loading_demo")), state.action() as session:
                report = load_demo(session)
            state.set_project(report.project_id)
            st.success(tr("projects.demo_loaded", documents=len(report.documents_added),
                          codebooks=len(report.codebooks)))
            st.rerun()
        except state.ActionFailed:
            pass
