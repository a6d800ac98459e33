"""The app shell: navigation, language switch, project picker and the "who am I" coder picker."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import select

from qualcode.config import get_settings
from qualcode.errors import QualcodeError
from qualcode.i18n import LANGUAGES
from qualcode.models import ProjectMember, User
from qualcode.services import projects as project_service
from qualcode.ui import state
from qualcode.ui.state import tr

PAGES = (
    ("projects", "app_pages/projects.py", ":material/folder_open:"),
    ("documents", "app_pages/documents.py", ":material/description:"),
    ("codebook", "app_pages/codebook.py", ":material/account_tree:"),
    ("coding", "app_pages/coding.py", ":material/edit_note:"),
    ("suggestions", "app_pages/suggestions.py", ":material/lightbulb:"),
    ("analysis", "app_pages/analysis.py", ":material/grid_on:"),
    ("review", "app_pages/review.py", ":material/fact_check:"),
    ("export", "app_pages/export.py", ":material/download:"),
)

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def pages() -> list[st.Page]:
    return [
        st.Page(path, title=tr(f"nav.{name}"), icon=icon, url_path=name, default=(name == "projects"))
        for name, path, icon in PAGES
    ]


def sidebar() -> None:
    with st.sidebar:
        st.selectbox(
            tr("ui.language"),
            LANGUAGES,
            format_func=LANGUAGE_NAMES.get,
            key=state.LANG_KEY,
        )
        _project_picker()
        if get_settings().accounts:
            _signed_in_box()
        else:
            _coder_picker()


def _signed_in_box() -> None:
    with state.reading() as session:
        user = session.get(User, state.user_id())
        name = user.display_name if user else "?"
    st.markdown(tr("auth.signed_in_as", name=name))
    if st.button(tr("auth.sign_out"), key="sign_out", icon=":material/logout:"):
        from qualcode.ui import auth

        auth.sign_out()
        st.rerun()


def _project_picker() -> None:
    with state.reading() as session:
        projects = [(p.id, p.name) for p in project_service.list_projects(session)]
        if get_settings().accounts:  # with accounts, a user sees the projects they belong to
            user = session.get(User, state.user_id())
            if user is not None and not user.is_admin:
                mine = set(session.scalars(select(ProjectMember.project_id).where(ProjectMember.user_id == user.id)))
                projects = [(pid, name) for pid, name in projects if pid in mine]
    ids = [pid for pid, _ in projects]
    names = dict(projects)
    current = state.project_id()
    if current not in names:
        current = ids[0] if ids else None
        state.set_project(current)
    if not ids:
        st.caption(tr("ui.no_projects_yet"))
        return
    # The widget follows the current project (set by this picker, "create" or "open" on the
    # Projects page); only the user's own change of the widget moves the current project.
    st.session_state["sidebar_project"] = current
    st.selectbox(
        tr("ui.project"),
        ids,
        format_func=lambda pid: names[pid],
        key="sidebar_project",
        on_change=lambda: state.set_project(st.session_state["sidebar_project"]),
    )


def _coder_picker() -> None:
    pid = state.project_id()
    if pid is None:
        return
    with state.reading() as session:
        members = [(u.id, u.display_name, role) for u, role in project_service.members(session, pid)]
    if not members:
        st.caption(tr("ui.no_members"))
    else:
        ids = [m[0] for m in members]
        labels = {m[0]: f"{m[1]} ({tr('role.' + m[2])})" for m in members}
        current = state.user_id()
        if current not in labels:  # default to the project's owner, the usual person at the keyboard
            current = next((m[0] for m in members if m[2] == "owner"), ids[0])
            st.session_state[state.USER_KEY] = current
        # The widget follows the current coder (a new coder becomes current at once); only the
        # user's own change of the widget switches coder.
        st.session_state["sidebar_user"] = current
        st.selectbox(
            tr("ui.who_am_i"), ids, format_func=labels.get, key="sidebar_user",
            on_change=lambda: st.session_state.__setitem__(state.USER_KEY, st.session_state["sidebar_user"]),
        )
    with st.expander(tr("ui.add_coder")):
        with st.form("add_coder", clear_on_submit=True):
            login = st.text_input(tr("ui.login"), help=tr("ui.login_help"))
            name = st.text_input(tr("ui.display_name"))
            if st.form_submit_button(tr("ui.add")):
                _add_coder(pid, login, name)


def _add_coder(pid: int, login: str, name: str) -> None:
    try:
        with state.action() as session:
            user = project_service.get_user_by_login(session, login) or project_service.create_user(
                session, login, name
            )
            # In single-user mode the person at the keyboard is trusted to add coders; the owner acts.
            owner = project_service.project_owner(session, pid)
            project_service.set_member(session, pid, user.id, "researcher", actor_id=owner.id if owner else None)
            new_id = user.id
    except (state.ActionFailed, QualcodeError):
        return
    st.session_state[state.USER_KEY] = new_id
    st.rerun()
