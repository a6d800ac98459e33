"""qualcode's server: Streamlit's own server (``st.App``) with qualcode's session route, so a
sign-in survives reloads and browser restarts, and with the libraries the pages need loaded
before the first browser session (``qualcode.ui.preload``). ``make run`` serves it; by hand:
``streamlit run qualcode/ui/serve.py``."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import streamlit as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `streamlit run` puts this file's folder on the path, not the project's
    sys.path.insert(0, str(ROOT))

from qualcode.ui import preload  # noqa: E402
from qualcode.ui.session_routes import routes  # noqa: E402

_LOG = logging.getLogger("qualcode")


@asynccontextmanager
async def _loaded(_app: Any) -> AsyncIterator[None]:
    """Load the pages' libraries during the server's start-up, which the server finishes before it
    takes connections."""
    seconds = preload.load()
    _LOG.warning("qualcode: the pages' libraries and the pipeline are loaded (%.1f s)", seconds)
    yield


app = st.App(str(ROOT / "app.py"), routes=routes(), lifespan=_loaded)
