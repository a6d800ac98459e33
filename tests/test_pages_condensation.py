"""AppTest for the Condensation page on the demo project: a memo refused without what it is on,
refused forms that keep what was typed, memos edited and deleted (offered to their author; the owner
may delete a colleague's, never rewrite it) and pattern codes deleted (each delete asked first), the
excerpt grid's code picker in the UI language, the editable column beside the excerpt, and what one
run of the page reads. (AppTest cannot click inside a st.dialog's fragment:
tests/browser/test_condensation.py answers the dialogs.)"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from qualcode.analysis.tables import PatternCode
from qualcode.db import read_session, unit_of_work
from qualcode.i18n import t
from qualcode.models import Code, Document, Memo, Project, Segment
from qualcode.services import analysis as analysis_service
from qualcode.services import memos as memo_service
from qualcode.services import projects
from tests import apptest
from tests.apptest import ok

ROOT = Path(__file__).resolve().parent.parent
CONDENSATION = "app_pages/condensation.py"


def open_page(**session_state: object) -> AppTest:
    return apptest.open_page(CONDENSATION, **session_state)


def in_form(widgets, label: str, form: str):  # type: ignore[no-untyped-def]
    return next(w for w in widgets if w.label == label and w.form_id == form)


def press(at: AppTest, label: str) -> AppTest:
    return ok(next(b for b in at.button if b.label == label).click().run())


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def stored_memos(engine: Engine) -> list[tuple[str, str, int | None, int | None]]:
    with read_session(engine) as session:
        return [(m.title, m.body, m.document_id, m.code_id) for m in session.scalars(select(Memo).order_by(Memo.id))]


def ids(engine: Engine) -> tuple[int, int, dict[str, int], int]:
    """The demo's project, owner, code ids by key, and its first document."""
    with read_session(engine) as session:
        pid = session.scalar(select(Project.id))
        owner = projects.get_user_by_login(session, "peneliti").id
        codes = {k: i for i, k in session.execute(select(Code.id, Code.key))}
        doc = session.scalar(select(Document.id).order_by(Document.title))
    return pid, owner, codes, doc


# --- 1. a memo on a document (or a code) needs it --------------------------------------------------

def test_a_memo_on_a_document_without_one_is_refused_and_keeps_what_was_typed(demo):
    at = open_page()
    in_form(at.text_input, "Judul memo", "analysis_memo").input("Rapat rutin")
    in_form(at.text_area, "Isi memo", "analysis_memo").input("Dinas dan puskesmas bertemu tiap bulan.")
    in_form(at.selectbox, "Memo tentang", "analysis_memo").set_value("document")
    press(at, "Simpan memo")  # the Dokumen picker left at "—"
    assert errors(at) == [t("error.memo_no_document", "id")]
    assert not at.toast
    assert stored_memos(demo) == [], "no project memo instead"
    assert in_form(at.text_input, "Judul memo", "analysis_memo").value == "Rapat rutin"
    assert in_form(at.text_area, "Isi memo", "analysis_memo").value == "Dinas dan puskesmas bertemu tiap bulan."
    # Given its document, the same memo is stored there, and the form empties.
    _, _, _, doc = ids(demo)
    in_form(at.selectbox, "Dokumen", "analysis_memo").set_value(doc)
    press(at, "Simpan memo")
    assert stored_memos(demo) == [("Rapat rutin", "Dinas dan puskesmas bertemu tiap bulan.", doc, None)]
    assert [x.value for x in at.toast] == ["Memo tersimpan."]
    assert in_form(at.text_input, "Judul memo", "analysis_memo").value == ""
    assert in_form(at.selectbox, "Memo tentang", "analysis_memo").value == "project"


def test_a_memo_on_a_code_without_one_is_refused_in_english_too(demo):
    at = open_page(lang="en")
    in_form(at.text_area, "Memo text", "analysis_memo").input("Trust grows from routine meetings.")
    in_form(at.selectbox, "Memo on", "analysis_memo").set_value("code")
    press(at, "Save memo")
    assert errors(at) == ["Choose the code this memo is about, or set 'Memo on' to the project."]
    assert stored_memos(demo) == []
    assert in_form(at.text_area, "Memo text", "analysis_memo").value == "Trust grows from routine meetings."


# --- 2. refused forms keep what was typed ------------------------------------------------------------

def test_a_refused_pattern_code_keeps_what_was_typed_and_a_stored_one_empties_the_form(demo):
    _, _, codes, _ = ids(demo)
    members = [codes["trust_building"], codes["commitment_to_process"]]
    at = open_page()
    form = "analysis_pattern"
    in_form(at.multiselect, "Kode siklus pertama yang dikelompokkan", form).set_value(members)
    in_form(at.text_area, "Definisi", form).input("Modal sosial antar OPD")
    in_form(at.text_area, "Memo", form).input("Muncul di tiga wawancara")
    press(at, "Simpan kode pola")  # no name
    assert errors(at) == ["Kode pola perlu nama."]
    assert in_form(at.multiselect, "Kode siklus pertama yang dikelompokkan", form).value == members
    assert in_form(at.text_area, "Definisi", form).value == "Modal sosial antar OPD"
    assert in_form(at.text_area, "Memo", form).value == "Muncul di tiga wawancara"
    # A name without member codes is refused too, the name kept.
    in_form(at.text_input, "Kode pola atau tema", form).input("Modal sosial")
    in_form(at.multiselect, "Kode siklus pertama yang dikelompokkan", form).set_value([])
    press(at, "Simpan kode pola")
    assert errors(at) == [t("analysis.error_pattern_codes", "id")]
    assert in_form(at.text_input, "Kode pola atau tema", form).value == "Modal sosial"
    assert in_form(at.text_area, "Definisi", form).value == "Modal sosial antar OPD"
    in_form(at.multiselect, "Kode siklus pertama yang dikelompokkan", form).set_value(members)
    press(at, "Simpan kode pola")
    with read_session(demo) as session:
        pattern = session.scalar(select(PatternCode))
        assert (pattern.name, pattern.definition, sorted(c.id for c in pattern.codes)) == (
            "Modal sosial", "Modal sosial antar OPD", sorted(members))
    assert in_form(at.text_input, "Kode pola atau tema", form).value == ""
    assert in_form(at.multiselect, "Kode siklus pertama yang dikelompokkan", form).value == []


def test_a_refused_summary_sheet_keeps_what_was_typed(demo):
    pid, owner, _, doc = ids(demo)
    with unit_of_work(demo) as session:
        supervisor = projects.create_user(session, "pembimbing", "Pembimbing").id
        projects.set_member(session, pid, supervisor, "supervisor", actor_id=owner)
    at = open_page(user_id=supervisor)
    form = f"analysis_sheet_{doc}"
    in_form(at.text_area, "Tema utama", form).input("Koordinasi puskesmas")
    press(at, "Simpan lembar ringkasan")
    assert len(errors(at)) == 1 and "pembimbing" in errors(at)[0].lower(), errors(at)
    assert in_form(at.text_area, "Tema utama", form).value == "Koordinasi puskesmas"


# --- 3. memos edited and deleted, pattern codes deleted ------------------------------------------------

def test_a_memo_is_edited_and_what_it_is_on_stays(demo):
    pid, owner, _, doc = ids(demo)
    with unit_of_work(demo) as session:
        memo_id = memo_service.add_memo(session, pid, "Isi lama", title="Judul lama", actor_id=owner,
                                        document_id=doc).id
        memo_service.add_memo(session, pid, "Memo lain", actor_id=owner)
    at = open_page()
    assert [w.form_id for w in at.text_input if w.label == "Judul memo"] == ["analysis_memo"], "no editor until picked"
    ok(at.selectbox(key="memo_pick").set_value(memo_id).run())
    form = f"memo_edit_{memo_id}"
    assert in_form(at.text_input, "Judul memo", form).value == "Judul lama"
    in_form(at.text_input, "Judul memo", form).input("Judul baru")
    in_form(at.text_area, "Isi memo", form).input("Isi baru")
    press(at, "Simpan perubahan memo")
    assert [x.value for x in at.toast] == ["Memo diperbarui."]
    assert stored_memos(demo)[0] == ("Judul baru", "Isi baru", doc, None)
    # Emptied, it is refused, and what was typed stays.
    in_form(at.text_input, "Judul memo", form).input("")
    in_form(at.text_area, "Isi memo", form).input(" ")
    press(at, "Simpan perubahan memo")
    assert errors(at) == ["Memo perlu judul atau isi."]
    assert in_form(at.text_input, "Judul memo", form).value == ""
    assert stored_memos(demo)[0] == ("Judul baru", "Isi baru", doc, None)


def test_the_memo_picker_shows_the_new_title_after_an_edit(demo):
    pid, owner, _, doc = ids(demo)
    with unit_of_work(demo) as session:
        memo_id = memo_service.add_memo(session, pid, "Isi", title="Judul lama", actor_id=owner, document_id=doc).id
    at = open_page()
    ok(at.selectbox(key="memo_pick").set_value(memo_id).run())
    form = f"memo_edit_{memo_id}"
    in_form(at.text_input, "Judul memo", form).input("Judul baru")
    press(at, "Simpan perubahan memo")
    assert [x.value for x in at.toast] == ["Memo diperbarui."]
    picker = at.selectbox(key="memo_pick")
    assert picker.value == memo_id, "the edited memo stays picked"
    assert picker.options == ["Judul baru · Peneliti Utama"], picker.options
    # The browser's widget keeps the label it was last sent; the page sends the choice again, now
    # with the new title (otherwise it shows the old one until the page is left).
    assert picker.proto.set_value and picker.proto.raw_value == "Judul baru · Peneliti Utama"


def test_the_memo_table_names_what_each_memo_is_on(demo):
    pid, owner, codes, doc = ids(demo)
    with unit_of_work(demo) as session:
        segment = session.scalars(select(Segment).order_by(Segment.id)).first()
        assert segment is not None
        doc = segment.document_id
        title = session.get_one(Document, doc).title
        excerpt = " ".join(segment.snippet.split())[:20]
        memo_service.add_memo(session, pid, "Di dokumen", title="M dokumen", actor_id=owner, document_id=doc)
        memo_service.add_memo(session, pid, "Di kode", title="M kode", actor_id=owner, code_id=codes["trust_building"])
        memo_service.add_memo(session, pid, "Di segmen", title="M segmen", actor_id=owner, segment_id=segment.id)
        memo_service.add_memo(session, pid, "Di proyek", title="M proyek", actor_id=owner)
    for lang, code, project in (("id", "Membangun kepercayaan · trust_building", "proyek"),
                                ("en", "Trust-building · trust_building", "the project")):
        at = open_page(lang=lang)
        table = at.dataframe[0].value
        on = dict(zip(table["title"], table["on"], strict=True))
        assert on["M dokumen"] == title, on
        assert on["M kode"] == code, on
        assert on["M segmen"].startswith(f"{title}: “{excerpt}"), on
        assert project in on["M proyek"], on
        assert not {t(f"analysis.on_{k}", lang) for k in ("document", "code", "segment")} & set(on.values())


def test_deleting_a_memo_asks_first(demo):
    pid, owner, _, _ = ids(demo)
    with unit_of_work(demo) as session:
        memo_id = memo_service.add_memo(session, pid, "Isi", title="Kepercayaan", actor_id=owner).id
    at = open_page()
    ok(at.selectbox(key="memo_pick").set_value(memo_id).run())
    ok(at.button(key=f"memo_delete_{memo_id}").click().run())
    question = [m.value for m in at.markdown if m.value.startswith("Hapus memo Kepercayaan")]
    assert question and "Hanya memo ini yang terhapus" in question[0], [m.value for m in at.markdown]
    assert {b.key for b in at.button} >= {"memo_delete_yes", "memo_delete_no"}
    assert len(stored_memos(demo)) == 1, "asking deletes nothing"


def team_memos(engine: Engine) -> dict[str, int]:
    """Two researchers, Sari and Dewi, join the demo; Sari writes a memo. Their ids and the memo's."""
    pid, owner, _, _ = ids(engine)
    with unit_of_work(engine) as session:
        people = {}
        for login, name in (("sari", "Sari"), ("dewi", "Dewi")):
            user = projects.create_user(session, login, name)
            projects.set_member(session, pid, user.id, "researcher", actor_id=owner)
            people[login] = user.id
        memo = memo_service.add_memo(session, pid, "Kata-kata Sari", title="Catatan Sari", actor_id=people["sari"])
    return {"owner": owner, **people, "memo": memo.id}


def test_a_memo_is_offered_for_editing_only_to_its_author(demo):
    team = team_memos(demo)
    sari = open_page(user_id=team["sari"])
    assert sari.selectbox(key="memo_pick").options == ["Catatan Sari · Sari"]
    ok(sari.selectbox(key="memo_pick").set_value(team["memo"]).run())
    assert in_form(sari.text_input, "Judul memo", f"memo_edit_{team['memo']}").value == "Catatan Sari"
    assert sari.button(key=f"memo_delete_{team['memo']}")

    dewi = open_page(user_id=team["dewi"])  # a colleague: nothing of Sari's to pick
    assert "Catatan Sari" in dewi.dataframe[0].value["title"].tolist(), "she reads it"
    assert not [b for b in dewi.selectbox if b.key == "memo_pick"]
    assert t("analysis.memo_none_yours", "id") in [c.value for c in dewi.caption]


def test_the_owner_may_delete_a_researchers_memo_but_is_offered_no_editor(demo):
    team = team_memos(demo)
    at = open_page()  # single-user mode: the owner is at the keyboard
    ok(at.selectbox(key="memo_pick").set_value(team["memo"]).run())
    assert not [f for f in at.text_input if f.form_id == f"memo_edit_{team['memo']}"], "no editor of Sari's words"
    assert ("Memo ini milik Sari: hanya penulisnya yang menyuntingnya. Sebagai pemilik proyek, Anda dapat "
            "menghapusnya.") in [c.value for c in at.caption]
    ok(at.button(key=f"memo_delete_{team['memo']}").click().run())
    assert {b.key for b in at.button} >= {"memo_delete_yes", "memo_delete_no"}, "asked first, as for one's own"


def test_deleting_a_pattern_code_asks_first_naming_its_links_not_its_codes(demo):
    pid, owner, codes, _ = ids(demo)
    with unit_of_work(demo) as session:
        pattern_id = analysis_service.save_pattern_code(
            session, pid, "Modal sosial", [codes["trust_building"], codes["commitment_to_process"]], actor_id=owner).id
        analysis_service.add_conclusion(session, pid, "Modal sosial menopang kolaborasi.", actor_id=owner,
                                        pattern_code_id=pattern_id)
    at = open_page()
    assert at.button(key="pattern_delete").disabled, "nothing to delete until one is picked"
    ok(at.selectbox(key="pattern_pick").set_value(pattern_id).run())
    ok(at.button(key="pattern_delete").click().run())
    shown = "\n".join(m.value for m in at.markdown)
    assert ("Hapus kode pola Modal sosial? Tautannya ke 2 kode siklus pertama ikut terhapus; kode-kodenya sendiri "
            "tetap di buku kode beserta pengodeannya.") in shown
    assert "1 kesimpulan bertema kode pola ini tetap ada, tanpa tema." in shown
    assert {b.key for b in at.button} >= {"pattern_delete_yes", "pattern_delete_no"}
    with read_session(demo) as session:
        assert session.get(PatternCode, pattern_id) is not None, "asking deletes nothing"


# --- 4. the excerpt grid's code in the UI language ----------------------------------------------------

def excerpt_code_box(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    """The code picker of the condensed excerpts (the last one labelled so, outside any form)."""
    return [s for s in at.selectbox if s.label == label and not s.form_id][-1]


def test_the_excerpt_code_shown_follows_the_language(demo):
    _, _, codes, _ = ids(demo)
    at = open_page()
    ok(excerpt_code_box(at, "Kode").set_value(codes["trust_building"]).run())
    box = excerpt_code_box(at, "Kode")
    seen_id, seen_label = box.proto.id, box.options[box.index]
    assert seen_label == "Membangun kepercayaan · trust_building"
    ok(at.selectbox(key="lang").set_value("en").run())
    box = excerpt_code_box(at, "Code")
    assert box.value == codes["trust_building"], "the choice carries over"
    # What the browser shows: a widget it already has keeps the label it showed unless the server
    # sets a new value; a widget it has not seen is drawn with the chosen option's label.
    if box.proto.id == seen_id:
        shown = box.proto.raw_value if box.proto.set_value else seen_label
    else:
        shown = box.options[box.index]
    assert shown == "Trust-building · trust_building"
    assert shown in box.options
    ok(at.selectbox(key="lang").set_value("id").run())
    assert excerpt_code_box(at, "Kode").value == codes["trust_building"]


# --- 5. the editable column beside the excerpt -------------------------------------------------------

def test_the_condensation_column_comes_right_after_the_excerpt_and_both_are_wide(demo):
    at = open_page()
    [editor] = at.data_editor
    config = json.loads(editor.proto.columns)
    visible = [c for c in editor.value.columns if not config.get(c, {}).get("hidden")]
    assert visible[:2] == ["snippet", "condensation"], visible
    assert config["condensation"]["label"] == "Kondensasi" and config["condensation"]["width"] == "large"
    assert config["snippet"]["width"] == "large"


# --- 6. what a save costs --------------------------------------------------------------------------------

def test_a_condensation_is_saved_and_a_run_reads_the_code_frame_once(demo, monkeypatch):
    from qualcode.analysis import displays, register
    from qualcode.read import codes as read_codes
    from qualcode.read import frame

    calls: list[int] = []

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return read_codes.code_frame(*args, **kwargs)

    for module in (displays, register, frame):
        monkeypatch.setattr(module, "code_frame", counted)
    at = open_page()
    calls.clear()
    ok(at.run())
    assert len(calls) == 1, "the analysis context's code frame serves the excerpts too"
    [editor] = at.data_editor
    first = int(editor.value["segment_id"][0])
    at.session_state[editor.key] = {"edited_rows": {0: {"condensation": "Rapat rutin menumbuhkan kepercayaan"}},
                                    "added_rows": [], "deleted_rows": []}
    ok(at.run())
    ok(at.button(key="save_condensations").click().run())
    assert [x.value for x in at.toast] == ["1 kondensasi tersimpan."]
    with read_session(demo) as session:
        from qualcode.analysis.tables import Condensation

        assert [(c.segment_id, c.text) for c in session.scalars(select(Condensation))] == [
            (first, "Rapat rutin menumbuhkan kepercayaan")]


def test_unsaved_condensations_are_kept_when_another_code_is_chosen(demo):
    _, _, codes, _ = ids(demo)
    at = open_page()
    ok(excerpt_code_box(at, "Kode").set_value(codes["mutual_trust"]).run())
    [editor] = at.data_editor
    first = int(editor.value["segment_id"][0])
    at.session_state[editor.key] = {"edited_rows": {0: {"condensation": "Rapat rutin menumbuhkan kepercayaan"}},
                                    "added_rows": [], "deleted_rows": []}
    ok(at.run())
    assert t("analysis.condensations_unsaved", "id", count=1) in [c.value for c in at.caption]
    ok(excerpt_code_box(at, "Kode").set_value(codes["small_wins"]).run())
    assert at.data_editor[0].key != editor.key, "another code's editor"
    ok(excerpt_code_box(at, "Kode").set_value(codes["mutual_trust"]).run())
    [back] = at.data_editor
    typed = dict(zip(back.value["segment_id"], back.value["condensation"], strict=True))
    assert typed[first] == "Rapat rutin menumbuhkan kepercayaan", "what was typed is there again"
    assert t("analysis.condensations_unsaved", "id", count=1) in [c.value for c in at.caption]
    from qualcode.analysis.tables import Condensation

    with read_session(demo) as session:
        assert not session.scalars(select(Condensation)).all(), "kept, not saved"
    ok(at.button(key="save_condensations").click().run())
    assert [x.value for x in at.toast] == ["1 kondensasi tersimpan."]
    with read_session(demo) as session:
        assert [(c.segment_id, c.text) for c in session.scalars(select(Condensation))] == [
            (first, "Rapat rutin menumbuhkan kepercayaan")]
    assert t("analysis.condensations_unsaved", "id", count=1) not in [c.value for c in at.caption]


def test_no_full_garbage_collection_between_a_click_and_its_confirmation():
    """Streamlit's collection after every run (also the run an action stops for its rerun) cost
    0.1-0.2 s of each save; Python's own collector still runs."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False
