"""Signing in when accounts are on (QUALCODE_ACCOUNTS=1): the sign-in page, idle expiry, sign-out."""

from __future__ import annotations

import time

import streamlit as st

from qualcode.config import get_settings
from qualcode.errors import QualcodeError
from qualcode.services import accounts
from qualcode.ui import state
from qualcode.ui.markup import message
from qualcode.ui.state import tr

SEEN_KEY = "auth_last_seen"


def enabled() -> bool:
    return get_settings().accounts


def signed_in() -> bool:
    """True when a user is signed in and has not been idle longer than the session allows."""
    if state.user_id() is None or not st.session_state.get("auth_signed_in"):
        return False
    seen = st.session_state.get(SEEN_KEY, 0.0)
    if time.time() - seen > get_settings().session_minutes * 60:
        sign_out()
        st.session_state["auth_expired"] = True
        return False
    st.session_state[SEEN_KEY] = time.time()
    return True


def client_address() -> str:
    """Where the attempt comes from, for the per-client limit. Behind a reverse proxy every
    browser shares the proxy's address unless it passes the browser's on (X-Forwarded-For, taken
    only from a proxy on this machine)."""
    address = st.context.ip_address
    address = address if isinstance(address, str) and address else "local"
    forwarded = st.context.headers.get("X-Forwarded-For", "")
    if isinstance(forwarded, str) and forwarded and address in ("local", "127.0.0.1", "::1"):
        address = forwarded.split(",")[-1].strip() or address
    return address[:100]


def sign_out() -> None:
    for key in ("auth_signed_in", state.USER_KEY, SEEN_KEY, state.PROJECT_KEY):
        st.session_state.pop(key, None)


def sign_in_page() -> None:
    st.title(tr("auth.title"))
    if st.session_state.pop("auth_expired", False):
        st.warning(tr("auth.expired"))
    with st.form("sign_in"):
        login = st.text_input(tr("auth.login"))
        password = st.text_input(tr("auth.password"), type="password")
        if st.form_submit_button(tr("auth.sign_in"), type="primary"):
            try:
                user_id = accounts.sign_in(state.engine(), login, password, client=client_address())
                st.session_state[state.USER_KEY] = user_id
                st.session_state["auth_signed_in"] = True
                st.session_state[SEEN_KEY] = time.time()
                st.rerun()
            except QualcodeError as exc:
                st.error(message(exc, state.lang()))
