"""Analysis: Miles-Huberman displays and conclusions (issue 6)."""

import streamlit as st

from qualcode.ui import state
from qualcode.ui.state import tr

st.title(tr("nav.analysis"))
state.require_project()
st.info(tr("placeholder.analysis"))
