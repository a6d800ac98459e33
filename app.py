"""qualcode: the Streamlit entry point. A router: page config, navigation, the shared sidebar."""

import streamlit as st

from qualcode.ui import shell, state

st.set_page_config(page_title="qualcode", page_icon=":material/edit_note:", layout="wide")
state.lang()  # settle the UI language before titles are built
navigation = st.navigation(shell.pages())
shell.sidebar()
navigation.run()
