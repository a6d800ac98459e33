"""Staying signed in across reloads and browser restarts (accounts on), and single sign-on.

Streamlit cannot set a cookie from a script, so qualcode adds one route to Streamlit's own
server (``st.App``, see ``qualcode/ui/serve.py``): after a sign-in the page posts a one-time
code to ``/qualcode/session`` and the answer sets an HTTP-only, same-site (strict) cookie with a
signed token (``qualcode.services.sign_in_sessions``). A reload sends the cookie with the
WebSocket handshake, where ``st.context.cookies`` reads it and :func:`restore` signs the user
back in, unless it idled longer than ``QUALCODE_SESSION_MINUTES``, expired
(``QUALCODE_SESSION_DAYS``, 14) or was revoked by signing out.

Run with ``streamlit run qualcode/ui/serve.py`` for this; under plain ``streamlit run app.py``
the route is missing and a sign-in lasts as long as the browser tab, as before.

Single sign-on: with an ``[auth]`` section in ``.streamlit/secrets.toml`` (OpenID Connect, see
the README) the sign-in page offers ``st.login``; Streamlit keeps that identity in its own
HTTP-only cookie, and :func:`restore` maps it to the qualcode account with the same login.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import streamlit as st

from qualcode.config import get_settings
from qualcode.db import unit_of_work
from qualcode.services import sign_in_sessions as sessions
from qualcode.ui import auth, state
from qualcode.ui.session_routes import PATH
from qualcode.ui.state import tr

SESSION_KEY = "auth_session_id"
HANDOFF_KEY = "auth_handoff"
TOUCHED_KEY = "auth_touched"

_component = st.components.v2.component(
    "qualcode.session_cookie",
    js=(Path(__file__).parent / "assets" / "session_cookie.js").read_text(encoding="utf-8"),
)


def _key() -> bytes:
    return sessions.secret_key(get_settings().data_dir)


def _days() -> int:
    return int(os.environ.get("QUALCODE_SESSION_DAYS", "") or sessions.DEFAULT_DAYS)


def _sign_in_as(user_id: int, session_id: int | None) -> None:
    ss = st.session_state
    ss[state.USER_KEY] = user_id
    ss["auth_signed_in"] = True
    ss[auth.SEEN_KEY] = time.time()
    ss[TOUCHED_KEY] = time.time()
    if session_id is not None:
        ss[SESSION_KEY] = session_id


def sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def restore() -> bool:
    """Sign this browser tab in from the session cookie (or the single sign-on identity)."""
    st.session_state.pop(SESSION_KEY, None)  # a tab that idled out starts a new session at its next sign-in
    st.session_state.pop(HANDOFF_KEY, None)
    cookie = st.context.cookies.get(sessions.COOKIE)
    if cookie and not st.session_state.get("auth_cookie_refused"):
        with unit_of_work(state.engine()) as session:
            found = sessions.resume(session, cookie, _key(), idle_minutes=get_settings().session_minutes)
        if found is not None:
            _sign_in_as(found[1], found[0])
            return True
        st.session_state["auth_cookie_refused"] = True  # a dead cookie is tried once per tab
    if sso_configured() and st.user.is_logged_in:
        with unit_of_work(state.engine()) as session:
            user = sessions.user_for_identity(session, st.user.to_dict(),
                                              os.environ.get("QUALCODE_SSO_EMAIL_DOMAIN", ""))
            user_id = user.id if user is not None else None
        if user_id is None:
            st.session_state["auth_sso_unknown"] = True
            return False
        _sign_in_as(user_id, None)
        return True
    return False


def keep() -> None:
    """While signed in: after a fresh sign-in hand the browser its cookie; mark activity at most
    once a minute so the cookie idles out together with the tab."""
    user_id = state.user_id()
    if not auth.enabled() or user_id is None:
        return
    ss = st.session_state
    if SESSION_KEY not in ss:
        with unit_of_work(state.engine()) as session:
            ss[SESSION_KEY], ss[HANDOFF_KEY] = sessions.start_session(session, user_id, days=_days())
    if ss.get(HANDOFF_KEY):
        with unit_of_work(state.engine()) as session:
            pending = sessions.handoff_pending(session, ss[SESSION_KEY])
        if pending:  # rendered in the sidebar until the browser has its cookie, then never again
            with st.sidebar:
                _component(data={"code": ss[HANDOFF_KEY], "url": PATH}, key="qualcode_session_cookie")
        else:
            ss.pop(HANDOFF_KEY)
    if time.time() - ss.get(TOUCHED_KEY, 0.0) > sessions.TOUCH_SECONDS:
        with unit_of_work(state.engine()) as session:
            sessions.touch(session, ss[SESSION_KEY])
        ss[TOUCHED_KEY] = time.time()


def forget() -> None:
    """Sign out: revoke this tab's session, so its cookie signs nobody in again, and end the
    single sign-on identity too."""
    session_id = st.session_state.pop(SESSION_KEY, None)
    st.session_state.pop(HANDOFF_KEY, None)
    st.session_state["auth_cookie_refused"] = True
    if session_id is not None:
        with unit_of_work(state.engine()) as session:
            sessions.revoke(session, session_id)
    if sso_configured() and st.user.is_logged_in:
        st.logout()


def sign_in_page() -> None:
    """The sign-in form, and the single sign-on button when an OpenID Connect provider is set up."""
    auth.sign_in_page()
    if sso_configured():
        if st.session_state.pop("auth_sso_unknown", False):
            st.error(tr("auth.sso_unknown"))
        st.divider()
        if st.button(tr("auth.sso"), icon=":material/key:", key="sso_login"):
            st.login()
