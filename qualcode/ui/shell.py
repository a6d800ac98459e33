"""The app shell: navigation, language switch, project picker and the "who am I" coder picker."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlalchemy.orm import Session

from qualcode.config import get_settings
from qualcode.errors import PermissionDenied
from qualcode.i18n import LANGUAGES
from qualcode.read import entities as read_entities
from qualcode.read.views import shell as sidebar_view
from qualcode.services import projects as project_service
from qualcode.ui import runner, state
from qualcode.ui.state import tr

# The navigation: (section label key or None, [(url path, title key, file, icon)]).
# The Analysis section is the Miles–Huberman workflow, one page per activity; its first page keeps
# the old /analysis address so bookmarks and links to the single Analysis page still land there.
NAVIGATION: tuple[tuple[str | None, tuple[tuple[str, str, str, str], ...]], ...] = (
    (None, (
        ("projects", "nav.projects", "app_pages/projects.py", ":material/folder_open:"),
        ("documents", "nav.documents", "app_pages/documents.py", ":material/description:"),
        ("codebook", "nav.codebook", "app_pages/codebook.py", ":material/account_tree:"),
        ("coding", "nav.coding", "app_pages/coding.py", ":material/edit_note:"),
        ("suggestions", "nav.suggestions", "app_pages/suggestions.py", ":material/lightbulb:"),
        ("review", "nav.review", "app_pages/review.py", ":material/fact_check:"),
    )),
    ("nav.analysis", (
        ("analysis", "nav.condensation", "app_pages/condensation.py", ":material/compress:"),
        ("display", "nav.display", "app_pages/display.py", ":material/grid_on:"),
        ("conclusions", "nav.conclusions", "app_pages/conclusions.py", ":material/verified:"),
    )),
    ("nav.output", (
        ("export", "nav.export", "app_pages/export.py", ":material/download:"),
    )),
)
PAGES = tuple((url, path, icon) for _, entries in NAVIGATION for url, _, path, icon in entries)

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


@dataclass(frozen=True)
class PageContext:
    """What every project page starts from: the open project, the person acting, the UI language."""

    project_id: int
    user_id: int | None
    lang: str

    @property
    def actor(self) -> int:
        """The acting user for a service call; called inside an action, so "pick who you are"
        is shown like any other refusal."""
        if self.user_id is None:
            raise PermissionDenied("error.no_user")
        return self.user_id


def page_header(title_key: str, *, caption_key: str | None = None) -> str:
    """The page preamble: the title in the UI language and the last action's confirmation.
    Returns the UI language."""
    st.title(tr(title_key))
    if caption_key:
        st.caption(tr(caption_key))
    runner.show_flash()
    return state.lang()


def project_page(title_key: str, *, caption_key: str | None = None) -> PageContext:
    """The preamble of a page about one project: as :func:`page_header`, then stop with a link to
    the Projects page when no project is open."""
    lang = page_header(title_key, caption_key=caption_key)
    pid = state.require_project()
    return PageContext(pid, state.user_id(), lang)


HOME = "projects"  # the first page, served at the root of the address (/)
# The url_path given to the root page; Streamlit serves nothing at it ("Page not found"), so it is
# a name nobody types. The addresses people do type for the first page open the root instead.
HOME_RESERVED = "qualcode-root"
HOME_ALIASES = (HOME, "home")


def pages() -> dict[str, list[st.Page]]:
    """The navigation for ``st.navigation``: sections of pages, titles in the UI language.

    Streamlit serves the default page at the root only: its own address (``/projects``, bookmarked
    or typed) would be "Page not found". So the Projects page reserves another name, and hidden
    pages at ``/projects`` and ``/home`` open the root, keeping the address's parameters
    (``?project=``, ``?lang=``)."""
    sections = {
        (tr(section) if section else ""): [
            st.Page(path, title=tr(title), icon=icon, url_path=HOME_RESERVED if url == HOME else url,
                    default=(url == HOME))
            for url, title, path, icon in entries
        ]
        for section, entries in NAVIGATION
    }
    home = next(page for entries in sections.values() for page in entries if page.url_path == "")

    def open_home() -> None:
        st.switch_page(home, query_params=st.query_params.to_dict())

    next(iter(sections.values())).extend(
        st.Page(open_home, title=home.title, icon=home.icon, url_path=alias, visibility="hidden")
        for alias in HOME_ALIASES)
    return sections


def sidebar() -> None:
    with st.sidebar:
        st.selectbox(
            tr("ui.language"),
            LANGUAGES,
            format_func=state.label_of(LANGUAGE_NAMES),
            key=state.LANG_KEY,
        )
        # The address names the language, so a reload or a bookmark keeps it (state.lang reads it).
        if st.query_params.get(state.LANG_PARAM) != state.lang():
            st.query_params[state.LANG_PARAM] = state.lang()
        _project_picker()
        if get_settings().accounts:
            _signed_in_box()
        else:
            _coder_picker()


def _signed_in_box() -> None:
    with state.reading() as session:
        name = sidebar_view.display_name(session, state.user_id())
    st.markdown(tr("auth.signed_in_as", name=name))
    if st.button(tr("auth.sign_out"), key="sign_out", icon=":material/logout:"):
        from qualcode.ui import auth, session_cookie

        session_cookie.forget()
        auth.sign_out()
        st.rerun()


PROJECT_PARAM = "project"


def _project_in_address() -> int | None:
    value = st.query_params.get(PROJECT_PARAM, "")
    return int(value) if value.isdigit() else None


def _project_picker() -> None:
    with state.reading() as session:
        names = sidebar_view.visible_projects(session, state.user_id(), accounts=get_settings().accounts)
    ids = list(names)
    current = state.project_id()
    asked = None
    if current is None:  # a new browser session (a reload): the project the address names
        current = _project_in_address()
        asked = st.query_params.get(PROJECT_PARAM) if current not in names else None
    if current not in names:
        current = ids[0] if ids else None
    state.set_project(current)
    if asked:  # a bookmark to a project that is gone (or not this user's) says so, not silently another
        st.toast(tr("ui.project_not_found", asked=asked, opened=names.get(current, "—") if current is not None else "—"),
                 icon=":material/warning:")
    if not ids or current is None:
        st.caption(tr("ui.no_projects_yet"))
        return
    # The address names the open project, so a reload (or a bookmark) opens it again rather than
    # silently the first one; only projects this user may see are opened from it.
    if st.query_params.get(PROJECT_PARAM) != str(current):
        st.query_params[PROJECT_PARAM] = str(current)
    # The widget follows the current project (set by this picker, "create" or "open" on the
    # Projects page); only the user's own change of the widget moves the current project.
    st.session_state["sidebar_project"] = current
    st.selectbox(
        tr("ui.project"),
        ids,
        format_func=state.label_of(names),
        key="sidebar_project",
        on_change=lambda: state.set_project(st.session_state["sidebar_project"]),
    )


def _coder_picker() -> None:
    pid = state.project_id()
    if pid is None:
        return
    with state.reading() as session:
        members = [(m.id, m.name, m.role) for m in sidebar_view.members(session, pid)]
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
            tr("ui.who_am_i"), ids, format_func=state.label_of(labels), key="sidebar_user",
            on_change=lambda: st.session_state.__setitem__(state.USER_KEY, st.session_state["sidebar_user"]),
        )
    with st.expander(tr("ui.add_coder")):
        with st.form("add_coder", clear_on_submit=True):
            login = st.text_input(tr("ui.login"), help=tr("ui.login_help"))
            name = st.text_input(tr("ui.display_name"))
            if st.form_submit_button(tr("ui.add")):
                _add_coder(pid, login, name)


def _add_coder(pid: int, login: str, name: str) -> None:
    def add(session: Session) -> int:
        user = project_service.get_user_by_login(session, login) or project_service.create_user(session, login, name)
        # In single-user mode the person at the keyboard is trusted to add coders; the owner acts.
        owner = read_entities.project_owner(session, pid)
        project_service.set_member(session, pid, user.id, "researcher", actor_id=(owner or user).id)
        return user.id

    runner.run(add, then=lambda new_id: st.session_state.__setitem__(state.USER_KEY, new_id))
