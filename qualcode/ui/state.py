"""Shared page state: the engine, the language, the current project and coder."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

import qualcode.schema  # noqa: F401  (every table mapped before the first query)
from qualcode.config import get_settings
from qualcode.db import make_engine, read_session, unit_of_work
from qualcode.errors import QualcodeError
from qualcode.i18n import LANGUAGES, t
from qualcode.migrate import upgrade
from qualcode.ui.markup import escape_params, message

if TYPE_CHECKING:
    from streamlit.elements.lib.mutable_tab_container import TabContainer

LANG_KEY = "lang"
LANG_PARAM = "lang"  # the address names the UI language (?lang=en), as it names the project
PROJECT_KEY = "project_id"
USER_KEY = "user_id"


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    upgrade(url)  # backs up the SQLite file first when a migration is due
    return make_engine(url)


def engine() -> Engine:
    return _engine(get_settings().database_url)


def lang() -> str:
    """The UI language: this browser session's choice; in a new session (a reload, a bookmark) the
    one the address names (``?lang=``, written by the sidebar's switch), else the configured one."""
    value = st.session_state.get(LANG_KEY)
    if value not in LANGUAGES:
        value = st.query_params.get(LANG_PARAM)
        if value not in LANGUAGES:
            value = get_settings().language
        st.session_state[LANG_KEY] = value
    return value


def tr(key: str, **params: object) -> str:
    """A UI string as Markdown: parameters (names, titles, file names) are made literal."""
    return t(key, lang(), **escape_params(params))


def tr_plain(key: str, **params: object) -> str:
    """A UI string shown as plain text (``st.text``, a component's ``textContent``): nothing is
    Markdown there, so parameters stay as they are."""
    return t(key, lang(), **params)


def label_of(names: Mapping[Any, str], missing: str = "—") -> Callable[[Any], str]:
    """A ``format_func`` for a widget whose options are the keys of ``names``."""
    return lambda key: names.get(key, missing)


def form_key(form: str, field: str) -> str:
    """The key of one field of a form that is emptied once what it adds is stored: the key carries
    the form's generation, so a new generation is a new, empty widget in the browser too
    (``clear_on_submit`` would also empty a form whose input was refused)."""
    return f"{form}_{field}_{st.session_state.get(f'qc_form_{form}', 0)}"


def clear_form(form: str) -> None:
    """Empty the form's fields on the next run (see :func:`form_key`)."""
    st.session_state[f"qc_form_{form}"] = st.session_state.get(f"qc_form_{form}", 0) + 1


def lang_key(key: str) -> str:
    """The key of a choice widget whose option labels are translated (code labels, "the project"):
    one widget per UI language, carrying the choice over. With one key for every language the
    browser keeps showing the label it had (Indonesian) beside options in English, since Streamlit
    keeps a keyed widget's identity and its shown value when only the labels change; a new key is a
    new widget, drawn with the labels of the language now chosen."""
    current = f"{key}@{lang()}"
    if current not in st.session_state:
        for other in LANGUAGES:
            if f"{key}@{other}" in st.session_state:
                st.session_state[current] = st.session_state[f"{key}@{other}"]
                break
    return current


def tabs(key: str, labels: Sequence[str]) -> Sequence[TabContainer]:
    """``st.tabs`` that stay on the open tab when the UI language changes.

    Keyed tabs remember the open tab by its label; a label in another language is no tab of this
    run, so Streamlit would open the first tab. The open tab's place is kept beside the key
    (``<key>#open``), and a remembered label that is no longer shown is replaced by the label at
    that place before the tabs are drawn. The tabs rerun the page when another is chosen (so the
    server knows which is open): ``tab.open`` says whether a tab's body is shown."""
    place_key = f"{key}#open"
    shown = st.session_state.get(key)
    place = st.session_state.get(place_key)
    if shown is not None and shown not in labels and isinstance(place, int) and 0 <= place < len(labels):
        st.session_state[key] = labels[place]
    containers = st.tabs(list(labels), key=key, on_change="rerun")
    st.session_state[place_key] = next((i for i, tab in enumerate(containers) if tab.open), 0)
    return containers


def project_id() -> int | None:
    return st.session_state.get(PROJECT_KEY)


def user_id() -> int | None:
    return st.session_state.get(USER_KEY)


def set_project(pid: int | None) -> None:
    st.session_state[PROJECT_KEY] = pid


@contextmanager
def action(*, show: bool = True) -> Iterator[Session]:
    """One transaction per user action; a QualcodeError is shown (unless ``show`` is False, when
    the caller shows it its own way), in the UI language, and nothing of the action is stored."""
    try:
        with unit_of_work(engine()) as session:
            yield session
    except QualcodeError as exc:
        if show:
            st.error(message(exc, lang()))
        raise ActionFailed from exc


class SessionStep(Protocol):
    """Work a page runs with the session of :func:`action`. A Protocol rather than
    ``Callable[[Session], object]``: mypy cannot infer a lambda that binds loop variables through
    defaults (``lambda s, t=thread_id: ...``) against a Callable."""

    def __call__(self, session: Session, /) -> object: ...


class ActionFailed(Exception):
    """Raised after an action's error has been shown; pages catch it to stop the action."""


@contextmanager
def reading() -> Iterator[Session]:
    with read_session(engine()) as session:
        yield session


def require_project() -> int:
    """The current project id, or a friendly stop telling the user to pick one."""
    pid = project_id()
    if pid is None:
        st.info(tr("ui.no_project"))
        st.page_link("app_pages/projects.py", label=tr("nav.projects"), icon=":material/folder_open:")
        st.stop()
    return pid
