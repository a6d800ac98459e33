"""AppTest for the Projects page: the owner renames the open project, and is asked before deleting
it, with what goes named."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from qualcode.db import make_engine, read_session
from qualcode.models import Project

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def empty_db(sqlite_url, monkeypatch):
    monkeypatch.setenv("QUALCODE_DATABASE_URL", sqlite_url)
    return sqlite_url


def names(url: str) -> list[str]:
    with read_session(make_engine(url)) as session:
        return list(session.scalars(select(Project.name).order_by(Project.id)))


def create(at: AppTest, name: str) -> None:
    next(ti for ti in at.text_input if ti.label == "Nama proyek").input(name)
    next(b for b in at.button if b.label == "Buat proyek").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]


def test_the_owner_renames_and_deletes_the_open_project(empty_db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    create(at, "Tesis Lama")
    create(at, "Tesis Baru")
    pid = next(sb for sb in at.sidebar.selectbox if sb.label == "Proyek").value
    at.text_input(key=f"project_rename_{pid}").input("tesis lama")
    next(b for b in at.button if b.label == "Ganti nama").click().run()
    assert any("sudah ada" in e.value for e in at.error), "a name taken in another letter case is refused"
    at.text_input(key=f"project_rename_{pid}").input("Tesis Kedua")
    next(b for b in at.button if b.label == "Ganti nama").click().run()
    assert names(empty_db) == ["Tesis Lama", "Tesis Kedua"]

    at.button(key="project_delete").click().run()
    question = next(m.value for m in at.markdown if "menghapus seluruh isinya" in m.value)
    assert "**Tesis Kedua**" in question and "0 dokumen" in question
    assert {b.key for b in at.button} >= {"project_delete_yes", "project_delete_no"}
    assert names(empty_db) == ["Tesis Lama", "Tesis Kedua"], "asking deletes nothing"
    # The answer, inside the dialog, is given in tests/browser/test_new_study.py.


def test_a_project_name_too_long_for_its_column_is_refused(empty_db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    box = next(ti for ti in at.text_input if ti.label == "Nama proyek")
    assert box.max_chars == 200


def test_an_address_naming_a_missing_project_says_so(demo):
    """A bookmark to a project that is gone opens another one, and says so rather than silently."""
    from qualcode.demo import DEMO_PROJECT

    for asked in ("999", "abc"):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params["project"] = asked
        at.run()
        assert not at.exception
        toasts = [t.value for t in at.toast]
        assert any(f"proyek {asked}, yang tidak ada" in t and DEMO_PROJECT in t for t in toasts), toasts
        assert at.query_params.get("project") != asked
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["project"] = next(iter(names_of(demo)))
    at.run()
    assert not [t.value for t in at.toast], "the project the address names is opened without a word"


def names_of(engine) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with read_session(engine) as session:
        return {str(i): n for i, n in session.execute(select(Project.id, Project.name))}
