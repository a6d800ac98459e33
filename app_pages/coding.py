"""Coding: select text and apply codes (issue 4)."""

import streamlit as st

from qualcode.ui import state
from qualcode.ui.state import tr

st.title(tr("nav.coding"))
state.require_project()
st.info(tr("placeholder.coding"))
