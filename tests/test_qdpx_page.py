"""The .qdpx import report where the import happens: the Export page's import tab (AppTest cannot
upload files, so the page is opened with a real import's result in its state, as after the click)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from qualcode.db import unit_of_work
from qualcode.services import projects as project_service
from qualcode.services.exchange import import_project
from tests.conformance.builder import Project as Qdpx
from tests.conformance.builder import Sel, Source

ROOT = Path(__file__).resolve().parent.parent


def test_the_export_page_shows_the_import_report(demo):
    project = Qdpx(origin="ATLAS.ti for Windows 26.0.1", name="Trial", qde_name="Trial.qde")
    project.user("Ani")
    project.code("Kendala")
    project.source(Source("Ada", "Anggaran terbatas sekali.", [Sel("Anggaran", ["Kendala"], "Ani"),
                                                               Sel("nol", ["Kendala"], "Ani", raw=(4, 4))]))
    project.source(Source("Luar", "teks", [Sel("teks", ["Kendala"], "Ani")], where="relative"))
    project.source(Source("Foto", kind="PictureSource", media_codings=2))
    project.source(Source("![x](http://e.vil/a.png)", kind="VideoSource"))  # a name is text, never markup
    with unit_of_work(demo) as session:
        owner = project_service.get_user_by_login(session, "peneliti")
        result = import_project(session, project.build(), "Trial.qdpx", actor_id=owner.id, accounts=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/export.py")
    at.session_state["ex_imported"] = result
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Diimpor ke proyek baru 'Trial' dari Trial\\.qdpx" in at.success[0].value
    assert any(r"\!\[x\]\(http\://e\.vil/a\.png\)" in w.value for w in at.warning)
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any("'Luar'" in w and "di luar .qdpx" in w and "1 pengodean" in w for w in warnings), warnings
    assert any("'Foto' (gambar)" in w and "2 pengodean" in w for w in warnings), warnings
    assert any("seleksi kosong" in w and "4-4" in w for w in warnings), warnings
    assert any("Trial.qde" in c.value.replace("\\", "") for c in at.caption), [c.value for c in at.caption]


def test_each_profile_downloads_under_its_own_name_and_a_file_for_another_tool_is_not_offered(demo, monkeypatch):
    import streamlit as st

    names: list[str | None] = []
    real = st.download_button

    def recording(label, data, file_name=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("key") == "ex_dl_qdpx":
            names.append(file_name)
        return real(label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/export.py").run()
    for profile in ("nvivo", "standard"):
        at.selectbox(key="ex_profile").set_value(profile).run()
        next(b for b in at.button if b.key == "ex_prepare_qdpx").click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert names[-1] == f"Demo__SIGAP_112__sintetis_{profile}.qdpx"
    count = len(names)
    at.selectbox(key="ex_profile").set_value("maxqda").run()  # prepared for "standard": not offered as MAXQDA's
    assert len(names) == count
