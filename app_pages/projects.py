"""Projects: list, create, open, load the demo."""

import streamlit as st

from qualcode import queries
from qualcode.config import get_settings
from qualcode.demo import load_demo
from qualcode.models import ROLES, User
from qualcode.services import accounts
from qualcode.services import projects as project_service
from qualcode.ui import state
from qualcode.ui.markup import inline, literal
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
            left.markdown(f"**{inline(row.name)}**" + (f"  \n{literal(row.description)}" if row.description else ""))
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
        accounts_on = get_settings().accounts
        owner_login = "" if accounts_on else st.text_input(tr("projects.owner_login"), value="peneliti",
                                                            help=tr("ui.login_help"))
        if st.form_submit_button(tr("projects.create"), type="primary"):
            try:
                with state.action() as session:
                    owner = (session.get(User, state.user_id()) if accounts_on
                             else project_service.ensure_user(session, owner_login))
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

if get_settings().accounts:
    with state.reading() as session:
        me = session.get(User, state.user_id())
        users = [(u.id, u.login, u.display_name) for u in project_service.list_users(session)]
    if me is not None and me.is_admin:
        with st.expander(tr("auth.users")):
            with st.form("new_account", clear_on_submit=True):
                st.markdown(f"**{tr('auth.new_user')}**")
                login = st.text_input(tr("auth.login"), help=tr("ui.login_help"))
                name = st.text_input(tr("ui.display_name"))
                password = st.text_input(tr("auth.password"), type="password")
                admin = st.checkbox(tr("auth.is_admin"))
                if st.form_submit_button(tr("auth.create")):
                    try:
                        with state.action() as session:
                            accounts.create_account(session, login, password, display_name=name, is_admin=admin,
                                                    actor_id=me.id)
                        st.success(tr("auth.created", login=login))
                    except state.ActionFailed:
                        pass
            labels = {uid: f"{name} ({login})" for uid, login, name in users}
            who = st.selectbox(tr("ui.login"), list(labels), format_func=labels.get, key="admin_user")
            pid = state.project_id()
            if pid is not None:
                role = st.selectbox(tr("auth.role_in_project"), ROLES, format_func=lambda r: tr(f"role.{r}"),
                                    key="admin_role")
                if st.button(tr("auth.set_role"), key="admin_set_role"):
                    try:
                        with state.action() as session:
                            project_service.set_member(session, pid, who, role, actor_id=me.id)
                        st.success(tr("auth.role_set", login=labels[who], role=tr(f"role.{role}")))
                    except state.ActionFailed:
                        pass
            new_password = st.text_input(tr("auth.new_password"), type="password", key="admin_new_password")
            if st.button(tr("auth.reset_password"), key="admin_reset"):
                try:
                    with state.action() as session:
                        accounts.set_password(session, who, new_password, actor_id=me.id)
                    st.success(tr("auth.password_changed"))
                except state.ActionFailed:
                    pass
