"""AppTest for the Analysis page on the demo project: memo, pattern code, every display with a
drill-down, a conclusion with evidence and its triangulation."""

from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from qualcode.analysis.tables import Conclusion, ConclusionEvidence, PatternCode
from qualcode.db import read_session, unit_of_work
from qualcode.models import Code, Document, Memo
from qualcode.services import projects
from qualcode.services.codings import code_span
from tests import test_one_language as one_language

ROOT = Path(__file__).resolve().parent.parent
PHRASES = {  # document title prefix -> (phrase, codes)
    "Wawancara Kepala Bidang": ("masing-masing puskesmas", ("trust_building", "commitment", "supporting")),
    "Wawancara Manajer Operasional": ("ambulans", ("face_to_face_dialogue", "capacity", "inhibiting")),
    "Observasi rapat": ("rapat", ("trust_building",)),
}


@pytest.fixture
def demo(demo):
    """The shared demo, with a few phrases coded so that every display has cells to drill into."""
    with unit_of_work(demo) as session:
        owner = projects.get_user_by_login(session, "peneliti")
        code = {c.key: c.id for c in session.scalars(select(Code))}
        for prefix, (phrase, keys) in PHRASES.items():
            doc = session.scalar(select(Document).where(Document.title.like(prefix + "%")))
            start = doc.text.index(phrase)
            for key in keys:
                code_span(session, doc.id, start, start + len(phrase), code[key], actor_id=owner.id)
    return demo


CONDENSATION, DISPLAY, CONCLUSIONS = "app_pages/condensation.py", "app_pages/display.py", "app_pages/conclusions.py"


def page(path: str = CONDENSATION) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    return switch(at, path)


def switch(at: AppTest, path: str) -> AppTest:
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def by_label(widgets, label):  # type: ignore[no-untyped-def]
    return next(w for w in widgets if w.label == label)


def test_every_display_renders_and_drills_down(demo):
    at = page(DISPLAY)
    for kind in ("frequencies", "case_ordered", "role_ordered", "checklist", "cross_framework", "cooccurrence"):
        at.radio(key="display_kind").set_value(kind).run()
        assert not at.exception, (kind, at.exception)
    at.radio(key="display_kind").set_value("role_ordered").run()
    at.selectbox(key="drill_role").set_value("pemerintah").run()
    at.selectbox(key="drill_dim").set_value("Proses kolaborasi").run()
    assert not at.exception
    assert any("masing-masing puskesmas" in c.value for c in at.caption), [c.value for c in at.caption]
    at.radio(key="display_kind").set_value("case_ordered").run()
    at.radio(key="case_cells").set_value("excerpt").run()
    assert not at.exception
    assert len(at.get("download_button")) >= 2


def test_checklist_cell_and_summary_sheet_are_stored(demo):
    from qualcode.analysis.tables import CaseRating, SummarySheet

    at = page()
    by_label(at.text_area, "Tema utama").input("Koordinasi puskesmas")
    by_label(at.text_area, "Pertanyaan untuk kunjungan berikutnya").input("Siapa membiayai ambulans?")
    next(b for b in at.button if b.label == "Simpan lembar ringkasan").click().run()
    assert not at.exception
    switch(at, DISPLAY)
    at.radio(key="display_kind").set_value("checklist").run()
    by_label(at.checkbox, "Ada").check()
    by_label(at.text_input, "Penilaian").input("kuat")
    next(b for b in at.button if b.label == "Simpan sel").click().run()
    assert not at.exception
    with read_session(demo) as session:
        sheet = session.scalar(select(SummarySheet))
        assert (sheet.main_themes, sheet.next_questions) == ("Koordinasi puskesmas", "Siapa membiayai ambulans?")
        rating = session.scalar(select(CaseRating))
        assert (rating.present, rating.strength, rating.rating) == (True, 1, "kuat")
    at.radio(key="display_kind").set_value("case_ordered").run()
    at.radio(key="case_cells").set_value("rating").run()
    assert not at.exception


def test_checklist_shows_whole_strengths_and_a_cell_not_present_has_none(demo):
    import json

    from qualcode.analysis.tables import CaseRating

    at = page(DISPLAY)
    at.radio(key="display_kind").set_value("checklist").run()
    by_label(at.checkbox, "Ada").check()
    by_label(at.select_slider, "Kekuatan (0-3)").set_value(2)
    next(b for b in at.button if b.label == "Simpan sel").click().run()
    assert not at.exception
    # The next cell, not present, with the slider where it stands (at 1, its default, on a fresh form).
    by_label(at.checkbox, "Ada").uncheck()
    by_label(at.select_slider, "Kekuatan (0-3)").set_value(1)
    with read_session(demo) as session:
        other = session.scalar(select(Code.id).where(Code.key == "institutional_design"))
    by_label(at.selectbox, "Dimensi").set_value(other)
    next(b for b in at.button if b.label == "Simpan sel").click().run()
    assert not at.exception
    with read_session(demo) as session:
        cells = sorted((r.present, r.strength) for r in session.scalars(select(CaseRating)))
    assert cells == [(False, None), (True, 2)]  # strength only where the condition is present
    table = at.dataframe[0]
    assert json.loads(table.proto.columns).get("_index", {}).get("hidden")  # no 0, 1, 2... column
    # The values themselves, not a Styler's display values: the grid draws a missing number as
    # "None" whatever the Styler's na_rep says, so blanks must be text.
    shown = table.value
    assert sorted(shown["Kekuatan"].unique()) == ["", "2"], shown["Kekuatan"].unique()
    assert sorted(shown["Ada"].unique()) == ["", "✓", "✗"], shown["Ada"].unique()
    assert not shown.isna().any().any() and not shown.isin(["None", "nan", "<NA>"]).any().any()


def test_memo_pattern_code_and_conclusion_with_triangulation(demo):
    at = page()
    by_label(at.text_input, "Judul memo").input("Kepercayaan")
    by_label(at.text_area, "Isi memo").input("Kepercayaan tumbuh dari rapat rutin.")
    next(b for b in at.button if b.label == "Simpan memo").click().run()
    assert not at.exception
    at.text_input(key="analysis_memo_search").input("rapat rutin").run()
    with read_session(demo) as session:
        assert [m.title for m in session.scalars(select(Memo))] == ["Kepercayaan"]
        trust = session.scalar(select(Code.id).where(Code.key == "trust_building"))
        commit = session.scalar(select(Code.id).where(Code.key == "commitment_to_process"))
    by_label(at.text_input, "Kode pola atau tema").input("Modal sosial")
    by_label(at.multiselect, "Kode siklus pertama yang dikelompokkan").set_value([trust, commit])
    next(b for b in at.button if b.label == "Simpan kode pola").click().run()
    assert not at.exception
    with read_session(demo) as session:
        pattern = session.scalar(select(PatternCode))
        assert (pattern.name, sorted(c.id for c in pattern.codes)) == ("Modal sosial", sorted([trust, commit]))

    switch(at, CONCLUSIONS)
    by_label(at.text_area, "Pernyataan (proposisi)").input("Rapat rutin membangun kepercayaan antar OPD.")
    by_label(at.selectbox, "Dimensi").set_value(trust)
    next(b for b in at.button if b.label == "Tambah kesimpulan").click().run()
    assert not at.exception
    assert any("Belum ada bukti pendukung" in w.value for w in at.warning)
    cid = _conclusion_id(demo)
    segment_box = by_label(at.selectbox, "Segmen")
    mine = _segment_id(demo, "masing-masing puskesmas")
    # The picker starts at the conclusion's dimension: trust-building segments only.
    assert at.multiselect(key=f"evidence_codes_{cid}").value == [trust]
    labels = segment_box.options  # shown by document, informant and snippet
    assert any(o.endswith("· Informan A1 · masing-masing puskesmas") for o in labels)
    assert any(o.startswith("Observasi rapat") and o.endswith(" · rapat") for o in labels)
    assert not any("ambulans" in o for o in labels)  # coded with another dimension
    segment_box.set_value(mine)
    next(b for b in at.button if b.label == "Tautkan bukti").click().run()
    assert not at.exception
    assert any("satu kelompok" in w.value for w in at.warning)
    # Cleared, the code filter no longer holds the search: words and a group find the private
    # operator's segment, and linking it ends the one-group warning.
    at.multiselect(key=f"evidence_codes_{cid}").set_value([]).run()
    at.text_input(key=f"evidence_text_{cid}").input("ambulans").run()
    at.multiselect(key=f"evidence_groups_{cid}").set_value(["swasta"]).run()
    assert not at.exception
    assert any("segmen cocok" in c.value for c in at.caption), [c.value for c in at.caption]
    operator = _segment_id(demo, "ambulans")
    segment_box = by_label(at.selectbox, "Segmen")
    assert any(o.endswith("· Informan B1 · ambulans") for o in segment_box.options), segment_box.options
    assert all("Informan B" in o for o in segment_box.options), segment_box.options
    segment_box.set_value(operator)
    next(b for b in at.button if b.label == "Tautkan bukti").click().run()
    assert not at.exception
    assert not any("satu kelompok" in w.value for w in at.warning), [w.value for w in at.warning]
    assert any("satu jenis sumber" in w.value for w in at.warning)
    shown = [h for element in at.dataframe for h in one_language.headers(element)]
    assert "Ditautkan sebagai" in shown and [h for h in shown if one_language.english(h)] == []
    with read_session(demo) as session:
        conclusion = session.scalar(select(Conclusion))
        assert conclusion.status == "tentative"
        assert [e.stance for e in session.scalars(select(ConclusionEvidence))] == ["supporting", "supporting"]
    at.button(key="delete_conclusion").click().run()
    assert any("Hapus kesimpulan" in w.value for w in at.warning)
    at.button(key="delete_conclusion_yes").click().run()
    assert not at.exception
    with read_session(demo) as session:
        assert session.scalar(select(Conclusion)) is None and session.scalar(select(ConclusionEvidence)) is None


def _conclusion_id(engine):  # type: ignore[no-untyped-def]
    with read_session(engine) as session:
        return session.scalar(select(Conclusion.id))


def _segment_id(engine, phrase):  # type: ignore[no-untyped-def]
    from qualcode.models import Segment

    with read_session(engine) as session:
        return session.scalar(select(Segment.id).where(Segment.snippet == phrase))


def test_analysis_is_a_navigation_section_of_three_pages():
    from qualcode.ui.shell import NAVIGATION

    sections = {section: [(url, path) for url, _, path, _ in entries] for section, entries in NAVIGATION}
    assert sections["nav.analysis"] == [("analysis", CONDENSATION), ("display", DISPLAY),
                                        ("conclusions", CONCLUSIONS)]
    # the section's first page keeps the single Analysis page's address, so old links still work
    assert not (ROOT / "app_pages" / "analysis.py").exists()


def _two_conclusions(engine):  # type: ignore[no-untyped-def]
    from qualcode.models import Project
    from qualcode.services import analysis as analysis_service

    with unit_of_work(engine) as session:
        owner = projects.get_user_by_login(session, "peneliti").id
        pid = session.scalar(select(Project.id))
        first = analysis_service.add_conclusion(session, pid, "Rapat rutin membangun kepercayaan.", actor_id=owner).id
        second = analysis_service.add_conclusion(session, pid, "Komitmen swasta bergantung pada insentif.",
                                                 actor_id=owner).id
    return owner, first, second


def _delete_in_another_tab(engine, conclusion_id, owner):  # type: ignore[no-untyped-def]
    from qualcode.services import analysis as analysis_service

    with unit_of_work(engine) as session:
        analysis_service.delete_conclusion(session, conclusion_id, actor_id=owner)


def _stored(engine):  # type: ignore[no-untyped-def]
    """What the conclusions carry: tactics, history entries and evidence, per conclusion."""
    from qualcode.analysis.tables import ConclusionChange, ConclusionTactic

    with read_session(engine) as session:
        return sorted((row.conclusion_id, type(row).__name__) for model in (ConclusionTactic, ConclusionChange,
                                                                             ConclusionEvidence)
                      for row in session.scalars(select(model)))


def test_a_tactic_is_recorded_on_the_conclusion_shown_or_refused(demo):
    """Two tabs on one conclusion; the other tab deletes it. Recording a tactic here must not land
    on the conclusion the page falls back to: refused, saying why, with the note kept."""
    owner, first, second = _two_conclusions(demo)
    at = page(CONCLUSIONS)
    at.selectbox(key="conclusion_pick").set_value(second).run()
    _delete_in_another_tab(demo, second, owner)
    before = _stored(demo)
    at.text_input(key="tactic_note_0").input("Dicek dengan notulen rapat.")
    next(b for b in at.button if b.label == "Catat taktik").click().run()
    assert not at.exception
    assert _stored(demo) == before  # nothing on the first conclusion, which the picker now shows
    assert any("sudah dihapus" in e.value for e in at.error), [e.value for e in at.error]
    assert not any("Taktik tercatat" in t.value for t in at.toast)
    assert at.selectbox(key="conclusion_pick").value == first
    assert at.text_input(key="tactic_note_0").value == "Dicek dengan notulen rapat."  # what was typed stays


def test_evidence_and_revision_act_on_the_conclusion_shown_or_are_refused(demo):
    owner, first, second = _two_conclusions(demo)
    at = page(CONCLUSIONS)
    at.selectbox(key="conclusion_pick").set_value(second).run()
    assert at.selectbox(key="evidence_segment_0").value is not None  # a segment to link
    _delete_in_another_tab(demo, second, owner)
    before = _stored(demo)
    next(b for b in at.button if b.label == "Tautkan bukti").click().run()
    assert not at.exception
    assert any("sudah dihapus" in e.value for e in at.error), [e.value for e in at.error]
    assert _stored(demo) == before and not any("Bukti ditautkan" in t.value for t in at.toast)
    # The page now shows the first conclusion; a revision typed for it, which another tab then
    # deletes too (the last one: the page has no form left to show the refusal beside).
    assert at.selectbox(key="conclusion_pick").value == first
    at.text_area(key=f"revise_{first}_statement_0").input("Rapat rutin dan kunjungan membangun kepercayaan.")
    _delete_in_another_tab(demo, first, owner)
    next(b for b in at.button if b.label == "Simpan revisi").click().run()
    assert not at.exception
    assert any("sudah dihapus" in e.value for e in at.error), [e.value for e in at.error]
    assert _stored(demo) == [] and not any("Revisi tersimpan" in t.value for t in at.toast)


def test_a_revision_that_changes_nothing_says_so(demo):
    from qualcode.analysis.tables import ConclusionChange

    _, first, _ = _two_conclusions(demo)
    at = page(CONCLUSIONS)
    at.selectbox(key="conclusion_pick").set_value(first).run()
    next(b for b in at.button if b.label == "Simpan revisi").click().run()
    assert not at.exception
    assert not any("Revisi tersimpan" in t.value for t in at.toast), [t.value for t in at.toast]
    assert any("Tidak ada yang berubah" in i.value for i in at.info), [i.value for i in at.info]
    with read_session(demo) as session:
        assert len(session.scalars(select(ConclusionChange).where(ConclusionChange.conclusion_id == first)).all()) == 1
    # A change is stored and confirmed; the form then starts from the revised conclusion.
    at.selectbox(key=f"revise_{first}_status_0").set_value("supported")
    next(b for b in at.button if b.label == "Simpan revisi").click().run()
    assert any("Revisi tersimpan" in t.value for t in at.toast), [t.value for t in at.toast]
    assert not any("Tidak ada yang berubah" in i.value for i in at.info)
    assert at.selectbox(key=f"revise_{first}_status_1").value == "supported"
    with read_session(demo) as session:
        assert session.get(Conclusion, first).status == "supported"


def _pick_first(demo):  # type: ignore[no-untyped-def]
    owner, first, _ = _two_conclusions(demo)
    at = page(CONCLUSIONS)
    at.selectbox(key="conclusion_pick").set_value(first).run()
    return owner, first, at


def test_a_second_click_on_a_stored_form_does_nothing(demo):
    """A fast double-click: the first click stores the tactic and clears the form (its keys move to
    a new generation); the second comes from the fields the browser still shows, its callback
    running before the page has drawn the new fields, or after. It must not fail on the missing
    field, nor record a blank tactic (the new generation's defaults) or a second one. So for
    evidence and a revision."""
    from qualcode.analysis.tables import ConclusionChange, ConclusionTactic
    from qualcode.models import AuditEvent

    _, first, at = _pick_first(demo)
    at.selectbox(key="tactic_tactic_0").set_value("looking_for_negative_evidence")
    at.text_input(key="tactic_note_0").input("Dicari di wawancara swasta.")
    shown = [at.selectbox(key="tactic_tactic_0"), at.text_input(key="tactic_note_0"),
             next(b for b in at.button if b.label == "Catat taktik")]
    shown[-1].click().run()
    assert any("Taktik tercatat" in t.value for t in at.toast), [t.value for t in at.toast]
    assert at.text_input(key="tactic_note_1").value == ""  # the new generation is drawn, empty
    # The second click after the new, empty fields were drawn: the browser sends the fields and
    # the button it showed (the generation before).
    states = at._tree.get_widget_states()
    states.widgets.extend(widget._widget_state for widget in shown)
    at._run(states)
    assert not at.exception, at.exception
    # The second click before the form's new generation is drawn (the page has moved its keys on).
    for form, label in (("tactic", "Catat taktik"), ("evidence", "Tautkan bukti"),
                        (f"revise_{first}", "Simpan revisi")):
        generation = f"qc_form_{form}"
        at.session_state[generation] = (at.session_state[generation] if generation in at.session_state else 0) + 1
        next(b for b in at.button if b.label == label).click().run()
        assert not at.exception, at.exception
        assert not at.error, [e.value for e in at.error]
    with read_session(demo) as session:
        tactics = session.scalars(select(ConclusionTactic)).all()
        assert [(t.conclusion_id, t.tactic, t.note) for t in tactics] == [
            (first, "looking_for_negative_evidence", "Dicari di wawancara swasta.")]
        assert session.scalar(select(ConclusionEvidence)) is None
        assert len(session.scalars(select(ConclusionChange)).all()) == 2  # the two conclusions' first entries
        assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "tactic.record")).all()) == 1
    # The triangulation now says negative evidence was sought, not "have you looked?".
    assert any("Bukti negatif sudah dicari" in i.value for i in at.info), [i.value for i in at.info]
    assert not any("sudahkah mencari bukti negatif" in i.value for i in at.info)


def test_linking_a_linked_segment_again_says_whether_it_changed(demo):
    _, first, at = _pick_first(demo)
    mine = _segment_id(demo, "masing-masing puskesmas")
    at.text_input(key=f"evidence_text_{first}").input("masing-masing puskesmas").run()

    def link(stance: str, note: str, generation: int) -> None:
        at.selectbox(key=f"evidence_segment_{generation}").set_value(mine)
        at.radio(key=f"evidence_stance_{generation}").set_value(stance)
        at.text_input(key=f"evidence_note_{generation}").input(note)
        next(b for b in at.button if b.label == "Tautkan bukti").click().run()
        assert not at.exception, at.exception

    def stored() -> list[tuple[str, str]]:
        with read_session(demo) as session:
            return [(e.stance, e.note) for e in session.scalars(select(ConclusionEvidence))]

    link("supporting", "rapat mingguan", 0)
    assert any("Bukti ditautkan" in t.value for t in at.toast)
    link("supporting", "", 1)  # again, the note left empty: the stored note stays, nothing changes
    assert stored() == [("supporting", "rapat mingguan")]
    assert not any("Bukti ditautkan" in t.value or "diperbarui" in t.value for t in at.toast)
    assert any("tidak ada yang berubah" in i.value for i in at.info), [i.value for i in at.info]
    link("contradicting", "", 2)  # another stance: updated, said so, the note kept
    assert stored() == [("contradicting", "rapat mingguan")]
    assert any("Bukti diperbarui" in t.value for t in at.toast), [t.value for t in at.toast]
    assert not any("Bukti ditautkan" in t.value for t in at.toast)


def test_linked_evidence_is_unlinked_after_a_question(demo):
    from qualcode.models import AuditEvent
    from qualcode.services import analysis as analysis_service

    owner, first, _ = _two_conclusions(demo)
    with unit_of_work(demo) as session:
        eid = analysis_service.link_evidence(session, first, _segment_id(demo, "masing-masing puskesmas"),
                                             "supporting", note="rapat mingguan", actor_id=owner).row.id
    at = page(CONCLUSIONS)
    at.selectbox(key="conclusion_pick").set_value(first).run()
    at.button(key=f"unlink_evidence_{eid}").click().run()
    assert any("Lepaskan bukti" in w.value and "masing-masing puskesmas" in w.value for w in at.warning), \
        [w.value for w in at.warning]
    at.button(key=f"unlink_evidence_no_{eid}").click().run()  # Cancel keeps it
    assert not any("Lepaskan bukti" in w.value for w in at.warning)
    with read_session(demo) as session:
        assert session.get(ConclusionEvidence, eid) is not None
    at.button(key=f"unlink_evidence_{eid}").click().run()
    at.button(key=f"unlink_evidence_yes_{eid}").click().run()
    assert not at.exception, at.exception
    assert any("Bukti dilepaskan" in t.value for t in at.toast), [t.value for t in at.toast]
    with read_session(demo) as session:
        assert session.get(ConclusionEvidence, eid) is None
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "evidence.unlink"))
        assert (event.entity_id, event.user_id) == (eid, owner)
    assert not any(b.key == f"unlink_evidence_{eid}" for b in at.button)


@pytest.fixture
def downloads(monkeypatch):  # type: ignore[no-untyped-def]
    """The bytes of each file a download button offers, by file name (AppTest keeps them in memory)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def load(self, path_or_data, mimetype, kind, filename=None):  # type: ignore[no-untyped-def]
        file_id = original(self, path_or_data, mimetype, kind, filename)
        if filename:
            files[filename] = self.get_file(file_id).content
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load)
    return files


def csv_lines(files: dict[str, bytes], name: str) -> list[str]:
    return files[name].decode("utf-8-sig").splitlines()


def test_a_condensation_under_a_dimension_shows_in_the_excerpt_matrix_and_its_download(demo, downloads):
    """The Condensation page writes under the code chosen there (here the dimension, whose
    descendants' segments it lists); the segment carries a child code (trust-building)."""
    from qualcode.analysis import displays
    from qualcode.analysis.tables import Condensation
    from qualcode.services import analysis as analysis_service

    with unit_of_work(demo) as session:
        owner = projects.get_user_by_login(session, "peneliti")
        code = {c.key: c for c in session.scalars(select(Code))}
        doc = session.scalar(select(Document).where(Document.title.like("Wawancara Kepala Bidang%")))
        segments = displays.cell_segments(session, doc.project_id, all_of=(code["trust_building"].id,))
        segment = int(segments.loc[segments["snippet"].str.contains("masing-masing puskesmas"), "segment_id"].iloc[0])
        for row in session.scalars(select(Condensation).where(Condensation.segment_id == segment)):
            session.delete(row)  # only the condensation written here
        analysis_service.condense_segment(session, doc.project_id, segment, code["collaborative_process"].id,
                                          "Puskesmas saling percaya lewat koordinasi", actor_id=owner.id)
    at = page(DISPLAY)
    at.radio(key="display_kind").set_value("case_ordered").run()
    at.radio(key="case_cells").set_value("excerpt").run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert shown.apply(lambda col: col.astype(str).str.contains("Puskesmas saling percaya lewat koordinasi")).any().any()
    lines = csv_lines(downloads, "case_ordered.csv")
    assert lines[0].startswith("Informan,Kelompok pemangku kepentingan,"), lines[0]
    assert any("Puskesmas saling percaya lewat koordinasi" in line for line in lines[1:])


def test_the_checklist_form_holds_the_cell_chosen_and_saving_keeps_it(demo, downloads):
    from qualcode.analysis import displays
    from qualcode.analysis.tables import CaseRating
    from qualcode.services import analysis as analysis_service

    with unit_of_work(demo) as session:
        owner = projects.get_user_by_login(session, "peneliti")
        pid = session.scalar(select(Document.project_id))
        case_id = int(displays.case_frame(session, pid)["case_id"].iloc[0])
        design = session.scalar(select(Code.id).where(Code.key == "institutional_design"))
        analysis_service.rate_case(session, pid, case_id, design, present=True, strength=3, rating="kuat",
                                   note="Aturan ditulis bersama", actor_id=owner.id)
    at = page(DISPLAY)
    at.radio(key="display_kind").set_value("checklist").run()
    at.selectbox(key="checklist_case").set_value(case_id).run()
    at.selectbox(key="checklist_dimension").set_value(design).run()
    assert not at.exception
    assert by_label(at.checkbox, "Ada").value is True
    assert by_label(at.select_slider, "Kekuatan (0-3)").value == 3
    assert (by_label(at.text_input, "Penilaian").value, by_label(at.text_input, "Catatan").value) == (
        "kuat", "Aturan ditulis bersama")
    shown = at.dataframe[0].value
    assert "kuat" in set(shown["Penilaian"]), "the rating is a column of the checklist"
    next(b for b in at.button if b.label == "Simpan sel").click().run()  # saved again as it stands
    assert not at.exception
    with read_session(demo) as session:
        cell = session.scalar(select(CaseRating).where(CaseRating.case_id == case_id, CaseRating.code_id == design))
        assert (cell.present, cell.strength, cell.rating, cell.note) == (True, 3, "kuat", "Aturan ditulis bersama")
    by_label(at.text_input, "Penilaian").input("")  # a rating taken back
    next(b for b in at.button if b.label == "Simpan sel").click().run()
    with read_session(demo) as session:
        cell = session.scalar(select(CaseRating).where(CaseRating.case_id == case_id, CaseRating.code_id == design))
        assert (cell.present, cell.strength, cell.rating, cell.note) == (True, 3, "", "Aturan ditulis bersama")
    # The download: the screen's headers and marks, no ids.
    lines = csv_lines(downloads, "checklist.csv")
    assert lines[0] == "Informan,Kelompok pemangku kepentingan,Dimensi,Segmen,Ada,Kekuatan,Penilaian,Catatan", lines[0]
    assert any(",✓,3,,Aturan ditulis bersama" in line for line in lines)
    assert not any("True" in line or "False" in line for line in lines)


def test_the_cross_framework_matrix_names_directions_in_the_ui_language(demo, downloads):
    at = page(DISPLAY)
    at.radio(key="display_kind").set_value("cross_framework").run()
    assert not at.exception
    directions = at.selectbox(key="drill_cross_dir")
    assert [directions.format_func(o) for o in directions.options] == ["pendukung", "penghambat"]
    header = csv_lines(downloads, "cross_framework.csv")[0]
    assert "· pendukung" in header and "· penghambat" in header and "supporting" not in header, header
    assert header.startswith("Dimensi,"), header
    columns = at.dataframe[0].value.columns
    assert {c[-1] for c in columns} == {"pendukung", "penghambat"}, columns


def test_the_segments_behind_a_cell_name_their_codes_in_the_ui_language(demo):
    at = page(DISPLAY)
    at.radio(key="display_kind").set_value("role_ordered").run()
    at.selectbox(key="drill_role").set_value("pemerintah").run()
    at.selectbox(key="drill_dim").set_value("Proses kolaborasi").run()
    assert not at.exception
    lines = [m.value for m in at.markdown if "masing-masing" in m.value or "Membangun kepercayaan" in m.value]
    tagged = [m.value for m in at.markdown if "Membangun kepercayaan" in m.value]
    assert tagged, lines
    assert not any("trust_building" in m.value or "common_problem_definition" in m.value for m in at.markdown)


def test_the_frequency_table_and_its_download_lead_with_the_code_and_its_counts(demo, downloads):
    at = page(DISPLAY)
    assert list(at.dataframe[0].value.columns)[:5] == ["label", "segments", "codings", "documents", "informants"]
    header = csv_lines(downloads, "frequencies.csv")[0]
    assert header == "Kode,Segmen,Pengodean,Dokumen,Informan,Buku kode,Letak di pohon kode,Kunci", header
