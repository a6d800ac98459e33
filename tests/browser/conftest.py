"""Real-browser fixtures: `streamlit run app.py` on a free loopback port with a temporary
database, and Debian's headless Chromium driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from google.protobuf.message import DecodeError
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from qualcode.db import make_engine, unit_of_work
from qualcode.demo import load_demo
from tests.conftest import CHROMIUM_ARGS, chromium_path  # noqa: F401 - the one browser and its fixtures live there

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "screenshots"
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    database_url: str
    process: subprocess.Popen[bytes]
    log: Path


def start_server(database_url: str, log: Path, script: str = "app.py", **extra_env: str) -> Server:
    port = free_port()
    env = {**os.environ, "QUALCODE_DATABASE_URL": database_url, "QUALCODE_LANGUAGE": "id", **extra_env}
    cmd = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]
    handle = open(log, "wb")
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return Server(url, database_url, process, log)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not come up in 60 s:\n{log.read_text()}")


@contextmanager
def running_server(database_url: str, log: Path, script: str = "app.py", **extra_env: str) -> Iterator[Server]:
    """``streamlit run app.py`` (or ``script``) for the duration of the block, stopped afterwards."""
    server = start_server(database_url, log, script, **extra_env)
    try:
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()


@pytest.fixture
def demo_server(sqlite_url: str, tmp_path: Path) -> Iterator[Server]:
    engine = make_engine(sqlite_url)
    with unit_of_work(engine) as session:
        load_demo(session)
    engine.dispose()
    with running_server(sqlite_url, tmp_path / "streamlit.log") as server:
        yield server


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.on("websocket", lambda ws: SOCKETS.__setitem__(pg, ws))
    pg.set_default_timeout(30_000)
    yield pg
    SOCKETS.pop(pg, None)
    context.close()


def wait_for_app(page, title: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has rendered the page (its title shows and the script is done)."""
    page.wait_for_selector("[data-testid='stApp']")
    if title:
        page.get_by_role("heading", name=title).first.wait_for()
    else:
        page.wait_for_selector("h1")
    wait_idle(page)


def wait_idle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit's script run is over (``data-test-script-state`` on the app root)."""
    page.wait_for_function("() => document.querySelector('[data-testid=stApp]')"
                           "?.getAttribute('data-test-script-state') === 'notRunning'")


def run_finished(payload: str | bytes) -> bool:
    """Whether a websocket frame from the app ends a script run: Streamlit's ``script_finished``
    message, except the stop of a run for a rerun (``st.rerun``: another run follows)."""
    if isinstance(payload, str):
        return False
    message = ForwardMsg()
    try:
        message.ParseFromString(payload)
    except DecodeError:
        return False
    return message.WhichOneof("type") == "script_finished" and message.script_finished in RUN_ENDS


RUN_ENDS = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
            ForwardMsg.FINISHED_WITH_COMPILE_ERROR}
SOCKETS: dict[object, object] = {}  # page -> its current websocket to the app


def wait_settled(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until no script run is going and no element of an earlier run is left on screen."""
    page.wait_for_function("() => document.querySelector('[data-testid=stApp]')"
                           "?.getAttribute('data-test-script-state') === 'notRunning'"
                           " && !document.querySelector('[data-stale=true]')")


@contextmanager
def rerun(page) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Wait, after the block's action, for the script run it started to end (read from the app's
    websocket: right after a click the page may still show the run before as finished, and an
    action that reruns the page runs the script twice) and for the page to settle."""
    wait_settled(page)
    with SOCKETS[page].expect_event("framereceived", predicate=run_finished):  # type: ignore[attr-defined]
        yield
    wait_settled(page)


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
