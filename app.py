"""qualcode: the Streamlit entry point. A router: page config, navigation, the shared sidebar."""

import streamlit as st

from qualcode.ui import auth, session_cookie, shell, state
from qualcode.ui.markup import FAVICON

st.set_page_config(page_title="qualcode", page_icon=FAVICON, layout="wide")
state.lang()  # settle the UI language before titles are built
if auth.enabled() and not auth.signed_in() and not session_cookie.restore():
    # Accounts on (a shared server) and nobody signed in: the sign-in page is the only page.
    st.navigation([st.Page(session_cookie.sign_in_page, title=state.tr("auth.sign_in"), url_path="signin")]).run()
    st.stop()
session_cookie.keep()  # the cookie that keeps this sign-in across reloads (accounts on)
navigation = st.navigation(shell.pages())
shell.sidebar()
navigation.run()
