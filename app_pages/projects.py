"""Projects: list, create, open, load the demo."""

import streamlit as st

from qualcode import limits
from qualcode.config import get_settings
from qualcode.demo import load_demo
from qualcode.read.views.projects import projects_view
from qualcode.services import accounts
from qualcode.services import projects as project_service
from qualcode.ui import runner, shell, state
from qualcode.ui.markup import inline, literal
from qualcode.ui.state import tr

shell.page_header("nav.projects")
accounts_on = get_settings().accounts
with state.reading() as session:
    view = projects_view(session, state.user_id(), accounts=accounts_on, project_id=state.project_id())


def open_project(project_id: int, user_id: int | None = None) -> None:
    state.set_project(project_id)
    if user_id is not None:
        st.session_state[state.USER_KEY] = user_id


if view.overview.empty:
    st.info(tr("projects.empty"))
else:
    current = state.project_id()
    for row in view.overview.itertuples():
        with st.container(border=True):
            left, right = st.columns([4, 1])
            left.markdown(f"**{inline(row.name)}**" + (f"  \n{literal(row.description)}" if row.description else ""))
            left.caption(tr("projects.counts", documents=row.documents, codes=row.codes, codings=row.codings))
            if row.id == current:
                right.button(tr("projects.is_open"), key=f"open_{row.id}", disabled=True)
            elif right.button(tr("projects.open"), key=f"open_{row.id}"):
                open_project(int(row.id))
                st.rerun()

@st.dialog(tr("projects.delete_title"))
def confirm_delete(project_id: int) -> None:
    """A project goes with everything in it: the owner types its name first."""
    st.markdown(tr("projects.delete_question", project=view.open_name, **view.open_contents))
    typed = st.text_input(tr("projects.delete_type"), key="project_delete_name")
    left, right = st.columns(2)
    if left.button(tr("projects.delete_confirm"), type="primary", key="project_delete_yes"):
        actor = state.user_id() or 0
        runner.run(lambda s: project_service.delete_project(s, project_id, actor_id=actor, confirm_name=typed),
                   then=lambda _: state.set_project(None), done=tr("projects.deleted", project=view.open_name))
    if right.button(tr("projects.cancel"), key="project_delete_no"):
        st.rerun()


open_id = state.project_id()
if open_id is not None and view.open_name:
    with st.expander(tr("projects.manage")):
        with st.form("rename_project"):
            new_name = st.text_input(tr("projects.rename"), view.open_name, max_chars=limits.MAX_PROJECT_NAME_CHARS,
                                     key=f"project_rename_{open_id}")
            if st.form_submit_button(tr("projects.rename_save")):
                renamed, actor = open_id, state.user_id() or 0
                runner.run(lambda s: project_service.rename_project(s, renamed, new_name, actor_id=actor),
                           done=tr("projects.renamed", project=new_name.strip()))
        if st.button(tr("projects.delete"), key="project_delete"):
            confirm_delete(open_id)
if open_id is not None and view.open_groups:
    with st.expander(tr("projects.groups_of_open")):
        edited_groups = st.text_area(tr("projects.groups"), "\n".join(view.open_groups), height=140,
                                     help=tr("projects.groups_help"), key=f"groups_{open_id}")
        if st.button(tr("projects.save_groups"), key=f"save_groups_{open_id}"):
            pid_open, actor = open_id, state.user_id() or 0
            runner.run(lambda s: project_service.set_stakeholder_groups(s, pid_open, edited_groups.splitlines(),
                                                                        actor_id=actor),
                       done=tr("projects.groups_saved"))

left, right = st.columns([3, 2])
with left:
    st.subheader(tr("projects.new"))
    # The form keeps what was typed when the study is refused (no name, a name taken ...); it is
    # emptied once the study is made.
    with st.form("new_project"):
        name = st.text_input(tr("projects.name"), max_chars=limits.MAX_PROJECT_NAME_CHARS,
                             key=state.form_key("new_project", "name"))
        description = st.text_area(tr("projects.description"), height=80,
                                   key=state.form_key("new_project", "description"))
        st.markdown(f"**{tr('projects.frameworks')}**", help=tr("projects.frameworks_help"))
        ticked: dict[str, bool] = {}
        for framework in view.frameworks:
            ticked[framework.id] = st.checkbox(inline(framework.name),
                                               key=state.form_key("new_project", f"fw_{framework.id}"))
            st.caption(tr("projects.framework_codes", codes=framework.codes, source=framework.source)
                       + ("  \n" + literal(framework.description) if framework.description else ""))
        groups_text = st.text_area(tr("projects.groups"), "\n".join(view.default_groups), height=140,
                                   help=tr("projects.groups_help"),
                                   key=state.form_key("new_project", "groups"))
        owner_login = "" if accounts_on else st.text_input(tr("projects.owner_login"), value="peneliti",
                                                            help=tr("ui.login_help"))
        if st.form_submit_button(tr("projects.create"), type="primary"):
            chosen = [fid for fid, on in ticked.items() if on]
            groups = groups_text.splitlines()

            def create(session):  # the page may not name the database layer's types
                owner = state.user_id() if accounts_on else project_service.ensure_user(session, owner_login).id
                project = project_service.create_study(session, name, owner_id=owner or 0, description=description,
                                                       frameworks=chosen, groups=groups)
                return project.id, owner or 0

            runner.run(create, then=lambda made: open_project(*made),
                       done=tr("projects.created", project=name.strip(), codebooks=len(chosen)),
                       clear="new_project")
with right:
    st.subheader(tr("projects.demo"))
    st.write(tr("projects.demo_help"))
    if st.button(tr("projects.load_demo")):
        with st.spinner(tr("projects.loading_demo")):
            runner.run(load_demo, then=lambda report: open_project(report.project_id),
                       done=lambda report: tr("projects.demo_loaded", documents=len(report.documents_added),
                                              codebooks=len(report.codebooks)))

me = view.me
if me is not None and me.is_admin:
    admin_id = me.id
    with st.expander(tr("auth.users")):
        with st.form("new_account", clear_on_submit=True):
            st.markdown(f"**{tr('auth.new_user')}**")
            login = st.text_input(tr("auth.login"), help=tr("ui.login_help"))
            display_name = st.text_input(tr("ui.display_name"))
            password = st.text_input(tr("auth.password"), type="password")
            admin = st.checkbox(tr("auth.is_admin"))
            if st.form_submit_button(tr("auth.create")):
                runner.run(lambda s: accounts.create_account(s, login, password, display_name=display_name,
                                                             is_admin=admin, actor_id=admin_id),
                           done=tr("auth.created", login=login), rerun=False)
        labels = {u.id: f"{u.name} ({u.login})" for u in view.users}
        who = st.selectbox(tr("ui.login"), list(labels), format_func=state.label_of(labels), key="admin_user")
        pid = state.project_id()
        if pid is not None and who is not None:
            member, project = int(who), int(pid)
            role = st.selectbox(tr("auth.role_in_project"), view.roles, format_func=lambda r: tr(f"role.{r}"),
                                key="admin_role")
            if st.button(tr("auth.set_role"), key="admin_set_role"):
                runner.run(lambda s: project_service.set_member(s, project, member, role, actor_id=admin_id),
                           done=tr("auth.role_set", login=labels[who], role=tr(f"role.{role}")), rerun=False)
        new_password = st.text_input(tr("auth.new_password"), type="password", key="admin_new_password")
        if st.button(tr("auth.reset_password"), key="admin_reset") and who is not None:
            runner.run(lambda s: accounts.set_password(s, who, new_password, actor_id=admin_id),
                       done=tr("auth.password_changed"), rerun=False)
