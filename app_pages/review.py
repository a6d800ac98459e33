"""Review: supervision and agreement between coders (issue 7)."""

import streamlit as st

from qualcode.ui import state
from qualcode.ui.state import tr

st.title(tr("nav.review"))
state.require_project()
st.info(tr("placeholder.review"))
