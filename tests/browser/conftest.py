"""Real-browser fixtures: `streamlit run qualcode/ui/serve.py` (what `make run` serves) on a free
loopback port with a temporary database, and Debian's headless Chromium driven by Playwright
(never `playwright install`)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from google.protobuf.message import DecodeError
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from sqlalchemy import select
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from qualcode.db import make_engine, unit_of_work
from qualcode.demo import load_demo
from qualcode.models import Code, Document
from qualcode.services import projects
from qualcode.services.codings import code_span
from tests.conftest import CHROMIUM_ARGS, chromium_path  # noqa: F401 - the one browser and its fixtures live there

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "screenshots"
FAILURES = ROOT / "tests" / "artifacts" / "failures"  # a browser test's page when it failed
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


SERVE = "qualcode/ui/serve.py"  # what `make run` serves: app.py behind qualcode's start-up and session route


STREAMLIT = [sys.executable, "-m", "streamlit"]


def start_server(database_url: str, log: Path, script: str = SERVE, *, launcher: Sequence[str] = STREAMLIT,
                 cwd: Path = ROOT, **extra_env: str) -> Server:
    """``launcher run script`` (``python -m streamlit`` from the project folder unless told) on a
    free loopback port, once it answers its health check."""
    port = free_port()
    env = {**os.environ, "QUALCODE_DATABASE_URL": database_url, "QUALCODE_LANGUAGE": "id", **extra_env}
    cmd = [
        *launcher, "run", script,
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]
    process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    ready = threading.Event()
    threading.Thread(target=_copy_output, args=(process, log, ready), daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    # Wait on the server's own word that it listens (or its exit), then check its health once: the
    # answer waits for the server's start-up (serve.py loads the pages' libraries first, 3-4 s).
    if not ready.wait(60) or process.poll() is not None:
        process.kill()
        raise RuntimeError(f"streamlit did not come up in 60 s:\n{log.read_text()}")
    with urllib.request.urlopen(url + "/_stcore/health", timeout=60) as response:
        assert response.status == 200, f"streamlit is not healthy:\n{log.read_text()}"
    return Server(url, database_url, process, log)


def _copy_output(process: subprocess.Popen[bytes], log: Path, ready: threading.Event) -> None:
    """Copy the server's output into ``log``; set ``ready`` once it says where it listens, or
    when it ends (the caller then finds it exited)."""
    with open(log, "wb") as handle:
        for line in iter(process.stdout.readline, b""):  # type: ignore[union-attr]
            handle.write(line)
            handle.flush()
            if b"URL:" in line:
                ready.set()
    ready.set()


@contextmanager
def running_server(database_url: str, log: Path, script: str = SERVE, *, launcher: Sequence[str] = STREAMLIT,
                   cwd: Path = ROOT, **extra_env: str) -> Iterator[Server]:
    """``streamlit run qualcode/ui/serve.py`` (or ``script``) for the duration of the block, stopped afterwards."""
    server = start_server(database_url, log, script, launcher=launcher, cwd=cwd, **extra_env)
    try:
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()


@contextmanager
def demo_running(database_url: str, log: Path, codings: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
                 **extra_env: str) -> Iterator[Server]:
    """The demo study, with ``codings`` added by its owner (document title prefix -> phrase ->
    code keys: each phrase's first occurrence coded with each code), served for the block."""
    engine = make_engine(database_url)
    with unit_of_work(engine) as session:
        load_demo(session)
        owner = projects.get_user_by_login(session, "peneliti")
        code = {c.key: c.id for c in session.scalars(select(Code))}
        for prefix, phrases in (codings or {}).items():
            doc = session.scalar(select(Document).where(Document.title.like(prefix + "%")))
            for phrase, keys in phrases.items():
                start = doc.text.index(phrase)
                for key in keys:
                    code_span(session, doc.id, start, start + len(phrase), code[key], actor_id=owner.id)
    engine.dispose()
    with running_server(database_url, log, **extra_env) as server:
        yield server


@pytest.fixture
def demo_server(sqlite_url: str, tmp_path: Path) -> Iterator[Server]:
    with demo_running(sqlite_url, tmp_path / "streamlit.log") as server:
        yield server


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    report = yield
    if report.when == "call":
        item.qc_failed = report.failed
    return report


@pytest.fixture
def page(browser, request):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.on("websocket", lambda ws: SOCKETS.__setitem__(pg, ws))
    pg.set_default_timeout(30_000)
    yield pg
    if getattr(request.node, "qc_failed", False):  # what the page showed when the test failed
        FAILURES.mkdir(parents=True, exist_ok=True)
        try:
            pg.screenshot(path=str(FAILURES / f"{request.node.name}.png"), full_page=True)
        except Exception as error:  # noqa: BLE001 (a page that cannot be shot must not hide the failure)
            print(f"no failure screenshot: {error}")
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


def choose_option(page, box, text: str) -> None:  # type: ignore[no-untyped-def]
    """Pick the option containing ``text`` in the Streamlit selectbox ``box`` (a locator), once
    the page has settled: while a run is going, the box of the run before may still be on screen,
    and the run can reset the box as it is typed into. The input is filled with ``text``,
    replacing the choice it shows (typing would append to it). Outside a form, wait for the run
    the choice starts (read from the app's websocket on pages of the ``page`` fixture, else until
    the page settles); then check the box shows the choice.

    On a busy machine the list may close again before it is filled, or between showing the option
    and the click (a CI run timed out clicking an option it had just seen): then the box is opened
    and typed into again, up to three times."""
    in_form = box.locator("xpath=ancestor::*[@data-testid='stForm']").count() > 0
    combo = box.get_by_role("combobox")
    option = page.get_by_role("option").filter(has_text=text).first
    clicked = False
    for attempt in range(3):
        wait_settled(page)
        box.scroll_into_view_if_needed()  # a box at the window's edge may open its list out of sight
        combo.click()
        combo.fill(text)
        try:
            option.wait_for(timeout=10_000)
            if in_form:
                option.click(timeout=5_000)
            elif page in SOCKETS:
                with rerun(page):
                    option.click(timeout=5_000)
                    clicked = True
            else:
                option.click(timeout=5_000)
                clicked = True
                wait_settled(page)
            break
        except PlaywrightTimeout:
            if clicked or attempt == 2:  # a run that never ends is a failure, not a closed list
                raise
            if option.is_visible():
                combo.press("Escape")
    expect(combo).to_have_value(re.compile(re.escape(text)))


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
