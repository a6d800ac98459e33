"""qualcode on a team server: Streamlit's own server (``st.App``) with qualcode's session route,
so a sign-in survives reloads and browser restarts. Run: ``streamlit run qualcode/ui/serve.py``."""

from pathlib import Path

import streamlit as st

from qualcode.ui.session_routes import routes

app = st.App(str(Path(__file__).resolve().parents[2] / "app.py"), routes=routes())
