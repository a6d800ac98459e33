"""Page logic with AppTest against the demo project: what the Codebook and Documents pages
store when a researcher edits, adds, moves, merges and deletes codes, and what the Documents
page offers for cases and interviews. (AppTest cannot upload files or click inside a
st.dialog's fragment; tests/browser/ covers those.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from qualcode.db import read_session, unit_of_work
from qualcode.errors import ConflictError
from qualcode.models import AuditEvent, Case, Code, Coding, Document, Segment, Turn
from qualcode.services import codes as code_service
from qualcode.services.codings import code_span
from tests.apptest import ok, open_page

ROOT = Path(__file__).resolve().parent.parent
CODEBOOK = "app_pages/codebook.py"
DOCUMENTS = "app_pages/documents.py"




def code_id(engine: Engine, key: str) -> int:
    with read_session(engine) as session:
        return session.scalar(select(Code.id).where(Code.key == key))


def get_code(engine: Engine, key: str) -> Code | None:
    with read_session(engine) as session:
        return session.scalar(select(Code).where(Code.key == key))


def audit_count(engine: Engine, action: str) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def code_some_text(engine: Engine, key: str, spans: list[tuple[int, int]], document: str = "W01_dinkes.txt") -> None:
    with unit_of_work(engine) as session:
        doc_id = session.scalar(select(Document.id).where(Document.original_filename == document))
        target = session.scalar(select(Code.id).where(Code.key == key))
        for start, end in spans:
            code_span(session, doc_id, start, end, target, actor_id=1)


def in_form(at: AppTest, widgets, label: str, form: str):  # type: ignore[no-untyped-def]
    return next(w for w in widgets if w.label == label and w.form_id == form)


def successes(at: AppTest) -> list[str]:
    return [s.value for s in at.success]


def toasts(at: AppTest) -> list[str]:
    return [t.value for t in at.toast]


# --- Codebook -------------------------------------------------------------------------------


def test_edit_a_codes_english_name(demo):
    trust = code_id(demo, "trust_building")
    at = open_page(CODEBOOK)
    ok(at.selectbox(key="edit_code").set_value(trust).run())
    english = in_form(at, at.text_input, "Nama (Inggris)", f"edit_{trust}")
    assert english.value == "Trust-building"
    english.input("Building trust")
    ok(at.button(key=f"FormSubmitter:edit_{trust}-Simpan").click().run())

    assert "Tersimpan." in toasts(at), "the confirmation survives the rerun that refreshes the page"
    code = get_code(demo, "trust_building")
    assert (code.name_en, code.name_id) == ("Building trust", "Membangun kepercayaan")
    assert code.indicators and code.definition, "fields left alone are kept"
    assert audit_count(demo, "code.update") == 1
    assert in_form(at, at.text_input, "Nama (Inggris)", f"edit_{trust}").value == "Building trust"


def test_a_code_without_a_name_is_refused_and_nothing_is_saved(demo):
    trust = code_id(demo, "trust_building")
    at = open_page(CODEBOOK)
    ok(at.selectbox(key="edit_code").set_value(trust).run())
    in_form(at, at.text_input, "Nama (Indonesia)", f"edit_{trust}").input("   ")
    in_form(at, at.text_input, "Nama (Inggris)", f"edit_{trust}").input("Changed anyway?")
    ok(at.button(key=f"FormSubmitter:edit_{trust}-Simpan").click().run())

    assert [e.value for e in at.error] == ["Kode perlu nama."]
    assert not toasts(at)
    assert get_code(demo, "trust_building").name_en == "Trust-building"
    assert audit_count(demo, "code.update") == 0


def test_add_a_code_under_a_parent(demo):
    trust = code_id(demo, "trust_building")
    at = open_page(CODEBOOK)
    in_form(at, at.text_input, "Nama (Indonesia)", "new_code").input("Grup WhatsApp relawan")
    in_form(at, at.text_input, "Nama (Inggris)", "new_code").input("Volunteers' WhatsApp group")
    in_form(at, at.selectbox, "Kode induk", "new_code").set_value(trust)
    ok(at.button(key="FormSubmitter:new_code-Tambah kode").click().run())

    assert "Kode Grup WhatsApp relawan ditambahkan." in toasts(at)
    code = get_code(demo, "grup_whatsapp_relawan")
    assert code.path == "collaborative_process/trust_building/grup_whatsapp_relawan"
    assert code.codebook_id == get_code(demo, "trust_building").codebook_id
    assert code.name_en == "Volunteers' WhatsApp group"
    assert any("(grup_whatsapp_relawan)" in o for o in at.selectbox(key="edit_code").options), "editable at once"


def test_move_a_code_with_its_subcodes(demo):
    commitment = code_id(demo, "commitment_to_process")
    understanding = code_id(demo, "shared_understanding")
    at = open_page(CODEBOOK)
    ok(at.selectbox(key="edit_code").set_value(commitment).run())
    labels = at.selectbox(key="move_target").options  # as shown: a code cannot go under itself or its subcodes
    assert labels[0] == "(tingkat teratas)" and any("(shared_understanding)" in o for o in labels)
    assert not [o for o in labels if "(openness_mutual_gains)" in o or "(commitment_to_process)" in o], labels
    ok(at.selectbox(key="move_target").set_value(understanding).run())
    ok(at.button(key="move_button").click().run())

    assert any("Komitmen terhadap proses" in s and "Pemahaman bersama" in s for s in toasts(at)), toasts(at)
    moved = "collaborative_process/shared_understanding/commitment_to_process"
    assert get_code(demo, "commitment_to_process").path == moved
    assert get_code(demo, "openness_mutual_gains").path == f"{moved}/openness_mutual_gains"
    assert audit_count(demo, "code.move") == 1


def test_merge_asks_first(demo):
    code_some_text(demo, "face_to_face_dialogue", [(100, 160), (300, 360)])
    source, target = code_id(demo, "face_to_face_dialogue"), code_id(demo, "trust_building")
    at = open_page(CODEBOOK)
    ok(at.selectbox(key="edit_code").set_value(source).run())
    assert at.selectbox(key="merge_target").value is None, "no target is preselected for a merge"
    assert at.button(key="merge_button").disabled
    ok(at.selectbox(key="merge_target").set_value(target).run())
    assert not at.button(key="merge_button").disabled
    ok(at.button(key="merge_button").click().run())
    # A merge removes the code: it asks first, naming both codes and the codings that move (the
    # answer, a button inside the dialog, is clicked in tests/browser/test_codebook.py).
    question = [m.value for m in at.markdown if m.value.startswith("Gabungkan Dialog tatap muka ke Membangun kepercayaan?")]
    assert question and "2 pengodean" in question[0], [m.value for m in at.markdown]
    assert {b.key for b in at.button} >= {"merge_yes", "merge_no"}
    assert get_code(demo, "face_to_face_dialogue") is not None, "asking merges nothing"


def test_delete_with_codings_asks_first(demo):
    code_some_text(demo, "face_to_face_dialogue", [(100, 160)])
    dialogue = code_id(demo, "face_to_face_dialogue")
    at = open_page(CODEBOOK)
    ok(at.selectbox(key="edit_code").set_value(dialogue).run())
    ok(at.button(key="delete_button").click().run())

    question = [m.value for m in at.markdown if m.value.startswith("Hapus Dialog tatap muka?")]
    assert question and "1 pengodean" in question[0]
    assert {b.key for b in at.button} >= {"delete_yes", "delete_no"}
    assert get_code(demo, "face_to_face_dialogue") is not None, "asking deletes nothing"
    # The dialog is the only way the page deletes a code with codings; the service refuses otherwise.
    with pytest.raises(ConflictError) as refused, unit_of_work(demo) as session:
        code_service.delete_code(session, dialogue, actor_id=1)
    assert refused.value.key == "codes.has_codings"
    assert get_code(demo, "face_to_face_dialogue") is not None


def test_search_filters_the_tree(demo):
    at = open_page(CODEBOOK)
    every = [e.label for e in at.main.expander]
    ok(at.text_input(key="code_search").input("kepercayaan").run())
    found = [e.label for e in at.main.expander]
    assert found and len(found) < len(every)
    assert any("trust_building" in label for label in found)
    assert all("kepercayaan" in label.lower() or "trust" in label.lower() for label in found), found


# --- Documents ------------------------------------------------------------------------------


def document(engine: Engine, filename: str) -> Document:
    with read_session(engine) as session:
        return session.scalar(select(Document).where(Document.original_filename == filename))


def test_cases_editor_is_there_and_saving_unchanged_cases_writes_nothing(demo):
    at = open_page(DOCUMENTS)
    editors = [df for df in at.dataframe if df.proto.editing_mode]
    assert len(editors) == 1
    shown = editors[0].value
    assert {"pseudonym", "stakeholder_group", "organisation", "interview_date"} <= set(shown.columns)
    assert "Informan A1" in set(shown["pseudonym"])
    ok(at.button(key="cases_save").click().run())
    assert "Kasus tersimpan." in toasts(at)
    assert audit_count(demo, "case.update") == 0


def test_edit_a_case_in_the_editor(demo):
    at = open_page(DOCUMENTS)
    shown = next(df for df in at.dataframe if df.proto.editing_mode).value
    row = int(shown.index[shown["pseudonym"] == "Informan A1"][0])
    edit_cases(at, {row: {"organisation": "Dinas Kesehatan (baru)", "interview_date": "2025-02-19"}})
    ok(at.button(key="cases_save").click().run())
    assert "Kasus tersimpan." in toasts(at)
    with read_session(demo) as session:
        case = session.scalar(select(Case).where(Case.pseudonym == "Informan A1"))
        assert (case.organisation, str(case.interview_date)) == ("Dinas Kesehatan (baru)", "2025-02-19")
    assert audit_count(demo, "case.update") == 1, "only the edited case is written"


def cases_editor_key(at: AppTest) -> str:
    """The cases editor's key: a new generation once the cases are stored (its edits then go)."""
    return f"cases_editor_{at.session_state['qc_form_cases'] if 'qc_form_cases' in at.session_state else 0}"


def edit_cases(at: AppTest, rows: dict[int, dict[str, str]]) -> None:
    """Edit rows of the cases editor as the browser would (row number -> column -> new value)."""
    at.session_state[cases_editor_key(at)] = {
        "edited_rows": {str(row): changes for row, changes in rows.items()}, "added_rows": [], "deleted_rows": [],
    }
    ok(at.run())


def test_a_renamed_case_shows_its_new_pseudonym_in_the_document_s_case_picker(demo):
    """The document's case picker lists cases by id and shows their pseudonyms: after a rename in
    the cases editor it shows the new name at once (the browser is sent the names of now) and keeps
    what was chosen, saved or not; the editor starts afresh, so its edit stays with the renamed case
    (which moved in the pseudonym order) rather than landing on the case now in its row."""
    w01 = document(demo, "W01_dinkes.txt")
    with read_session(demo) as session:
        ids = dict(session.execute(select(Case.pseudonym, Case.id)).all())
    at = open_page(DOCUMENTS)
    ok(at.selectbox(key="doc_open").set_value(w01.id).run())
    picker = at.multiselect(key=f"doc_cases_{w01.id}")
    assert picker.value == [ids["Informan A1"]]
    ok(picker.set_value([ids["Informan A1"], ids["Informan E1"]]).run())  # chosen, not yet saved
    shown = next(df for df in at.dataframe if df.proto.editing_mode).value
    edit_cases(at, {int(shown.index[shown["pseudonym"] == "Informan A1"][0]): {"pseudonym": "Informan Z1"}})
    ok(at.button(key="cases_save").click().run())
    assert "Kasus tersimpan." in toasts(at)

    picker = at.multiselect(key=f"doc_cases_{w01.id}")
    assert picker.value == [ids["Informan A1"], ids["Informan E1"]], "the choice stays"
    assert "Informan Z1" in picker.options and "Informan A1" not in picker.options
    assert picker.proto.set_value and list(picker.proto.raw_values) == ["Informan Z1", "Informan E1"], (
        "the browser is told the new name")
    assert not at.session_state[cases_editor_key(at)]["edited_rows"], "the editor starts afresh"
    ok(at.run())  # another run: the browser sends back the names it shows, the ids stay
    picker = at.multiselect(key=f"doc_cases_{w01.id}")
    assert picker.value == [ids["Informan A1"], ids["Informan E1"]]
    assert list(picker.proto.raw_values) == ["Informan Z1", "Informan E1"]
    with read_session(demo) as session:
        assert session.get(Case, ids["Informan A1"]).pseudonym == "Informan Z1"
        assert session.get(Case, ids["Informan A2"]).pseudonym == "Informan A2"


def test_add_a_case_with_the_form(demo):
    at = open_page(DOCUMENTS)
    in_form(at, at.text_input, "Pseudonim", "case_add").input("Informan F1")
    in_form(at, at.selectbox, "Kelompok pemangku kepentingan", "case_add").set_value("media")
    in_form(at, at.text_input, "Organisasi", "case_add").input("Radio Komunitas Sukamakmur")
    ok(at.button(key="FormSubmitter:case_add-Tambah").click().run())
    with read_session(demo) as session:
        case = session.scalar(select(Case).where(Case.pseudonym == "Informan F1"))
        assert (case.stakeholder_group, case.organisation) == ("media", "Radio Komunitas Sukamakmur")
    shown = next(df for df in at.dataframe if df.proto.editing_mode).value
    assert "Informan F1" in set(shown["pseudonym"])


def test_interview_shows_turns_and_the_interviewer_can_be_corrected(demo):
    w01 = document(demo, "W01_dinkes.txt")
    at = open_page(DOCUMENTS)
    ok(at.selectbox(key="doc_open").set_value(w01.id).run())
    radio = at.radio(key=f"doc_interviewer_{w01.id}")
    assert (radio.options, radio.value) == (["P", "I"], "P")
    captions = [c.value for c in at.caption]
    assert any(c.startswith("#1 · **P** (pewawancara)") for c in captions), captions[:5]
    assert any(c.startswith("#2 · **I** (informan)") for c in captions)
    assert not [b for b in at.button if b.key == f"doc_confirm_{w01.id}"], "nothing to confirm yet"

    ok(radio.set_value("I").run())
    ok(at.button(key=f"doc_confirm_{w01.id}").click().run())
    with read_session(demo) as session:
        assert session.get(Document, w01.id).interviewer_label == "I"
        flags = dict(session.execute(select(Turn.speaker, Turn.is_interviewer).where(Turn.document_id == w01.id)
                                     .distinct()).all())
    assert flags == {"I": True, "P": False}
    assert any(c.value.startswith("#1 · **P** (informan)") for c in at.caption)


def test_link_another_case_to_a_document(demo):
    w01 = document(demo, "W01_dinkes.txt")
    with read_session(demo) as session:
        extra = session.scalar(select(Case.id).where(Case.pseudonym == "Informan E1"))
    at = open_page(DOCUMENTS)
    ok(at.selectbox(key="doc_open").set_value(w01.id).run())
    cases = at.multiselect(key=f"doc_cases_{w01.id}")
    ok(cases.set_value([*cases.value, extra]).run())
    ok(at.button(key=f"doc_save_cases_{w01.id}").click().run())
    with read_session(demo) as session:
        linked = {c.pseudonym for c in session.get(Document, w01.id).cases}
    assert linked == {"Informan A1", "Informan E1"}


def test_a_non_interview_document_shows_its_text_without_turns(demo):
    berita = document(demo, "D02_berita.txt")
    at = open_page(DOCUMENTS)
    ok(at.selectbox(key="doc_open").set_value(berita.id).run())
    assert not at.radio
    assert any("WARTA SUKAMAKMUR" in t.value for t in at.text)


# --- Documents: labels, re-parse, rename, edit --------------------------------------------------

NOTULEN = "Notulen rapat\nPeneliti: Bagaimana banjirnya?\nBu Sri: Air naik.\nPeneliti: Lalu?\nPak Kadis: Kami siaga.\n"


def add_notulen(engine: Engine) -> int:
    from qualcode.services.imports import import_files

    with unit_of_work(engine) as session:
        pid = session.scalar(select(Document.project_id))
        report = import_files(session, pid, [("notulen.txt", NOTULEN.encode())], actor_id=1)
        return report.outcomes[0].document_ids[0]


def speakers_of(engine: Engine, doc_id: int) -> list[tuple[str, bool]]:
    with read_session(engine) as session:
        return [(t.speaker, t.is_interviewer) for t in
                session.scalars(select(Turn).where(Turn.document_id == doc_id).order_by(Turn.start))]


def test_documents_page_shows_the_labels_and_reparses_with_the_researchers_speakers(demo):
    doc_id = add_notulen(demo)
    assert speakers_of(demo, doc_id) == [("Peneliti", True), ("Peneliti", True)]  # Bu Sri, Pak Kadis speak once
    at = open_page(DOCUMENTS)
    ok(at.selectbox(key="doc_open").set_value(doc_id).run())
    assert any("Bu Sri ×1" in c.value for c in at.caption), "the labels found are shown with their counts"
    ok(at.multiselect(key=f"doc_speakers_{doc_id}").set_value(["Peneliti", "Bu Sri", "Pak Kadis"]).run())
    ok(at.selectbox(key=f"doc_parse_interviewer_{doc_id}").set_value("Peneliti").run())
    ok(at.button(key=f"doc_reparse_{doc_id}").click().run())
    assert speakers_of(demo, doc_id) == [("Peneliti", True), ("Bu Sri", False), ("Peneliti", True),
                                         ("Pak Kadis", False)]
    assert any("4" in t for t in toasts(at))
    assert audit_count(demo, "document.reparse") == 1


def test_documents_page_renames_and_edits_an_uncoded_document(demo):
    doc_id = add_notulen(demo)
    at = open_page(DOCUMENTS)
    ok(at.selectbox(key="doc_open").set_value(doc_id).run())
    at.text_input(key=f"doc_title_{doc_id}").input("Notulen rapat desa")
    ok(at.run())
    ok(at.button(key=f"doc_rename_{doc_id}").click().run())
    assert not any(ta.key == f"doc_text_{doc_id}" for ta in at.text_area), "the text is sent only when asked"
    ok(at.toggle(key=f"doc_edit_{doc_id}").set_value(True).run())
    at.text_area(key=f"doc_text_{doc_id}").input(NOTULEN.replace("Air naik.", "Air naik satu meter."))
    ok(at.run())
    ok(at.button(key=f"doc_save_text_{doc_id}").click().run())
    with read_session(demo) as session:
        document = session.get(Document, doc_id)
        assert document is not None and document.title == "Notulen rapat desa"
        assert "satu meter" in document.text
    assert audit_count(demo, "document.rename") == 1 and audit_count(demo, "document.edit") == 1


def test_a_coded_document_offers_no_text_editing_or_reparse(demo):
    with read_session(demo) as session:
        doc_id = session.scalar(select(Document.id).where(Document.original_filename == "W01_dinkes.txt"))
    code_some_text(demo, "trust_building", [(200, 260)])
    at = open_page(DOCUMENTS)
    ok(at.selectbox(key="doc_open").set_value(doc_id).run())
    assert not any(ta.key == f"doc_text_{doc_id}" for ta in at.text_area)
    assert not any(t.key == f"doc_edit_{doc_id}" for t in at.toggle)
    assert at.button(key=f"doc_reparse_{doc_id}").disabled
    assert any("pengodean" in c.value for c in at.caption)


# --- Documents: what a delete takes, titles, the case form, placeholders -----------------------


def test_delete_asks_naming_everything_that_goes_with_the_document(demo):
    from qualcode.services import analysis

    w01 = document(demo, "W01_dinkes.txt")
    code_some_text(demo, "trust_building", [(200, 260)])
    with unit_of_work(demo) as session:
        segment_id = session.scalar(select(Segment.id).where(Segment.document_id == w01.id, Segment.start == 200))
        analysis.save_summary_sheet(session, w01.project_id, w01.id, actor_id=1, main_themes="Kepercayaan")
        conclusion = analysis.add_conclusion(session, w01.project_id, "Kepercayaan tumbuh lewat rapat", actor_id=1)
        analysis.link_evidence(session, conclusion.id, segment_id, "supporting", actor_id=1)
    at = open_page(DOCUMENTS)
    ok(at.selectbox(key="doc_open").set_value(w01.id).run())
    ok(at.button(key=f"doc_delete_{w01.id}").click().run())
    shown = "\n".join(m.value for m in at.markdown)
    assert f"Hapus {w01.title}? Tindakan ini dicatat di jejak audit." in shown
    assert "Ikut terhapus bersamanya:" in shown
    assert "lembar ringkasan dokumen ini" in shown
    assert "1 tautan bukti; kesimpulan yang kehilangan bukti:" in shown
    assert "Kepercayaan tumbuh lewat rapat (1 bukti)" in shown
    assert "Tautannya ke kasus Informan A1 dilepas; kasusnya sendiri tetap ada." in shown
    with read_session(demo) as session:
        codings = session.scalar(select(func.count()).select_from(Coding).join(Segment)
                                 .where(Segment.document_id == w01.id))
    assert f"- {codings} pengodean\n" in shown
    assert {b.key for b in at.button} >= {"doc_delete_yes", "doc_delete_no"}
    assert document(demo, "W01_dinkes.txt") is not None, "asking deletes nothing"


def test_a_document_with_nothing_on_it_says_so_when_asked(demo):
    doc_id = add_notulen(demo)
    at = open_page(DOCUMENTS)
    ok(at.selectbox(key="doc_open").set_value(doc_id).run())
    ok(at.button(key=f"doc_delete_{doc_id}").click().run())
    assert any(m.value.startswith("Tidak ada pengodean, memo, atau hasil analisis pada dokumen ini")
               for m in at.markdown)


def test_renaming_to_another_documents_title_is_refused_and_keeps_what_was_typed(demo):
    doc_id = add_notulen(demo)
    taken = document(demo, "W01_dinkes.txt").title
    at = open_page(DOCUMENTS)
    ok(at.selectbox(key="doc_open").set_value(doc_id).run())
    at.text_input(key=f"doc_title_{doc_id}").input(taken)
    ok(at.run())
    ok(at.button(key=f"doc_rename_{doc_id}").click().run())
    assert [e.value for e in at.error] == [f"Judul '{taken}' sudah dipakai dokumen lain di proyek ini; pilih judul lain."]
    assert at.text_input(key=f"doc_title_{doc_id}").value == taken, "what was typed stays"
    with read_session(demo) as session:
        assert session.get(Document, doc_id).title == "notulen"
    assert audit_count(demo, "document.rename") == 0


def test_the_open_document_picker_shows_the_new_title_after_a_rename(demo):
    doc_id = add_notulen(demo)
    at = open_page(DOCUMENTS)
    ok(at.selectbox(key="doc_open").set_value(doc_id).run())
    at.text_input(key=f"doc_title_{doc_id}").input("Notulen rapat desa")
    ok(at.run())
    ok(at.button(key=f"doc_rename_{doc_id}").click().run())
    picker = at.selectbox(key="doc_open")
    assert picker.value == doc_id and "Notulen rapat desa" in picker.options
    # The browser's widget keeps the label it was last sent; the page sends the choice again, now
    # with the new title (otherwise it shows the old one until the page is left).
    assert picker.proto.set_value and picker.proto.raw_value == "Notulen rapat desa"


def test_add_case_refused_keeps_what_was_typed_and_a_stored_case_is_confirmed_and_cleared(demo):
    at = open_page(DOCUMENTS)
    in_form(at, at.text_input, "Pseudonim", "case_add").input("Informan A1")  # taken
    in_form(at, at.selectbox, "Kelompok pemangku kepentingan", "case_add").set_value("media")
    in_form(at, at.text_input, "Organisasi", "case_add").input("Radio Komunitas Sukamakmur")
    in_form(at, at.text_input, "Jabatan", "case_add").input("Penyiar")
    ok(at.button(key="FormSubmitter:case_add-Tambah").click().run())
    assert [e.value for e in at.error] == ["Kasus bernama 'Informan A1' sudah ada di proyek ini."]
    assert in_form(at, at.text_input, "Organisasi", "case_add").value == "Radio Komunitas Sukamakmur"
    assert in_form(at, at.text_input, "Jabatan", "case_add").value == "Penyiar"
    assert in_form(at, at.selectbox, "Kelompok pemangku kepentingan", "case_add").value == "media"

    # Only the pseudonym is typed again: the rest is what the refused form kept (AppTest, like the
    # browser, would send a clear_on_submit form's fields empty on this submit).
    in_form(at, at.text_input, "Pseudonim", "case_add").input("Informan F1")
    ok(at.button(key="FormSubmitter:case_add-Tambah").click().run())
    assert "Kasus Informan F1 ditambahkan." in toasts(at)
    with read_session(demo) as session:
        case = session.scalar(select(Case).where(Case.pseudonym == "Informan F1"))
        assert (case.organisation, case.position, case.stakeholder_group) == (
            "Radio Komunitas Sukamakmur", "Penyiar", "media")
    assert in_form(at, at.text_input, "Pseudonim", "case_add").value == ""
    assert in_form(at, at.text_input, "Organisasi", "case_add").value == ""
    assert in_form(at, at.selectbox, "Kelompok pemangku kepentingan", "case_add").value is None


def test_the_documents_page_names_its_own_placeholders(demo):
    doc_id = add_notulen(demo)
    at = open_page(DOCUMENTS)
    ok(at.selectbox(key="doc_open").set_value(doc_id).run())
    ok(at.multiselect(key=f"doc_speakers_{doc_id}").set_value([]).run())  # nothing chosen: the placeholder shows
    pickers = [*at.selectbox, *at.multiselect]
    keys = {w.key for w in pickers}
    assert {f"doc_cases_{doc_id}", f"doc_speakers_{doc_id}", f"doc_parse_interviewer_{doc_id}"} <= keys
    assert any(w.form_id == "case_add" for w in at.selectbox)
    empty = [w for w in pickers if not w.value]
    assert empty, "some picker shows its placeholder"
    # Without a placeholder of the page's own, Streamlit shows "Choose an option" / "Choose options".
    assert {w.key or w.label: w.proto.placeholder for w in empty} == {w.key or w.label: "Pilih…" for w in empty}
