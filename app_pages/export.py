"""Export: coded segments, REFI-QDA and reports (issue 8)."""

import streamlit as st

from qualcode.ui import state
from qualcode.ui.state import tr

st.title(tr("nav.export"))
state.require_project()
st.info(tr("placeholder.export"))
