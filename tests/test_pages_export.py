"""AppTest for the Export page on the demo project: a prepared file (the coded segments, the
.qdpx, the study report) is offered only while the project's data is as it was read; after a
change it is withdrawn with a word to prepare it again, in the UI language."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from qualcode.db import unit_of_work
from qualcode.i18n import t
from qualcode.models import Project
from qualcode.services import analysis as analysis_service
from qualcode.services import projects
from qualcode.ui.state import LANG_KEY
from tests import apptest
from tests.apptest import ok

ROOT = Path(__file__).resolve().parent.parent
EXPORT = "app_pages/export.py"


def open_page(lang: str = "id") -> AppTest:
    return apptest.open_page(EXPORT, timeout=120, **{LANG_KEY: lang})


def downloads(at: AppTest) -> set[str]:
    """The keys of the download buttons on the page (AppTest lists them as unknown elements)."""
    return {str(getattr(e, "key", None) or e.proto.id) for e in at.get("download_button")}


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def add_conclusion(engine: Engine, statement: str) -> None:
    with unit_of_work(engine) as session:
        pid = session.scalars(select(Project.id)).one()
        owner = projects.get_user_by_login(session, "peneliti")
        assert owner is not None
        analysis_service.add_conclusion(session, pid, statement, actor_id=owner.id)


def test_a_prepared_report_is_withdrawn_once_the_data_changes(demo):
    at = open_page()
    ok(at.button(key="ex_prepare_report").click().run())
    assert not warnings(at)
    offered = downloads(at)
    assert any("ex_dl_report_docx" in k for k in offered) and any("ex_dl_report_html" in k for k in offered), offered
    ok(at.run())
    assert any("ex_dl_report_docx" in k for k in downloads(at)), "a rerun alone changes nothing"

    add_conclusion(demo, "Kepercayaan tumbuh dari rapat rutin.")  # as on the Conclusions page
    ok(at.run())
    assert warnings(at) == [t("export.stale_report", "id")]
    assert not any("ex_dl_report" in k for k in downloads(at)), "no out-of-date report to download"
    assert not [s for s in at.subheader if s.value == "Pratinjau"], "nor its preview"

    ok(at.button(key="ex_prepare_report").click().run())  # prepared again: current, offered
    assert not warnings(at)
    assert any("ex_dl_report_docx" in k for k in downloads(at))
    assert "Kepercayaan tumbuh dari rapat rutin." in at.session_state["ex_report"][1]


def test_prepared_segments_and_project_files_are_withdrawn_once_the_data_changes(demo):
    at = open_page("en")
    ok(at.button(key="ex_prepare_segments").click().run())
    ok(at.button(key="ex_prepare_qdpx").click().run())
    offered = downloads(at)
    assert all(any(name in k for k in offered) for name in ("ex_dl_csv", "ex_dl_xlsx", "ex_dl_qdpx")), offered
    assert not warnings(at)

    add_conclusion(demo, "Trust grows from regular meetings.")
    ok(at.run())
    assert warnings(at) == [t("export.stale_files", "en")] * 2, "the segments' files and the .qdpx alike"
    assert not any(name in k for k in downloads(at) for name in ("ex_dl_csv", "ex_dl_xlsx", "ex_dl_qdpx"))
