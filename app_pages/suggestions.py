"""Suggestions: spaCy-assisted code suggestions (issue 5)."""

import streamlit as st

from qualcode.ui import state
from qualcode.ui.state import tr

st.title(tr("nav.suggestions"))
state.require_project()
st.info(tr("placeholder.suggestions"))
