"""The server's start-up (``qualcode/ui/serve.py``, what ``make run`` serves) loads the pages'
libraries and the pipeline before it takes a connection, so no first page waits for them and no
two page runs import spaCy at once."""

import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

from qualcode.ui.preload import ROOT, page_modules
from tests.browser.conftest import running_server


def test_the_modules_are_read_off_the_pages(tmp_path: Path) -> None:
    (tmp_path / "app_pages").mkdir()
    (tmp_path / "app.py").write_text("import streamlit as st\nfrom qualcode.ui import shell\n", encoding="utf-8")
    (tmp_path / "app_pages" / "a.py").write_text(textwrap.dedent("""\
        import json, csv
        from qualcode.read import suggestions as read_suggestions
        from . import nothing_relative
        def later():
            import sqlite3
        from qualcode.ui import shell
        """), encoding="utf-8")
    assert page_modules(tmp_path) == ["streamlit", "qualcode.ui", "qualcode.ui.shell", "json", "csv", "qualcode.read",
                                      "qualcode.read.suggestions"]


def test_the_real_pages_ask_for_the_suggestion_read_side() -> None:
    names = page_modules(ROOT)
    assert {"streamlit", "qualcode.read", "qualcode.read.suggestions", "qualcode.ui.state"} <= set(names)
    assert "qualcode.ui.state.tr" not in names, "a function is not a module"
    assert len(names) == len(set(names))


def test_load_in_a_fresh_process_imports_spacy_and_builds_the_pipeline(tmp_path: Path) -> None:
    probe = textwrap.dedent("""\
        import sys
        assert "spacy" not in sys.modules
        from qualcode.ui import preload
        from qualcode.nlp import pipeline
        seconds = preload.load()
        assert pipeline._NLP is not None, "pipeline not built"
        assert {"spacy", "sklearn", "qualcode.read.suggestions"} <= set(sys.modules), "not imported"
        print(f"ok {seconds:.2f}")
        """)
    env = {"QUALCODE_DATABASE_URL": f"sqlite:///{tmp_path / 'q.db'}", "QUALCODE_DATA_DIR": str(tmp_path),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok ")


def test_the_server_loads_them_at_its_start(sqlite_url: str, tmp_path: Path) -> None:
    log = tmp_path / "streamlit.log"
    with running_server(sqlite_url, log) as server:
        with urllib.request.urlopen(server.url + "/_stcore/health", timeout=60) as response:
            assert response.status == 200
        deadline = time.monotonic() + 30  # the log is copied from the server's output by a thread
        while "the pages' libraries and the pipeline are loaded" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)


def test_the_streamlit_command_serves_it_from_any_folder(sqlite_url: str, tmp_path: Path) -> None:
    """``streamlit run qualcode/ui/serve.py`` (what ``make run`` and the README run) puts the file's
    own folder on the path, not the project's: the file must still find the ``qualcode`` package
    (a fresh clone's ``make run`` failed with "No module named 'qualcode'")."""
    streamlit = str(Path(sys.executable).parent / "streamlit")
    with running_server(sqlite_url, tmp_path / "streamlit.log", str(ROOT / "qualcode" / "ui" / "serve.py"),
                        launcher=[streamlit], cwd=tmp_path, PYTHONPATH="") as server:
        with urllib.request.urlopen(server.url + "/_stcore/health", timeout=60) as response:
            assert response.status == 200
