"""The Codebook page in a real Chromium, as a researcher meets it: find a code with the search
box, add a code under an existing one, export the codebook as REFI-QDA .qdc, and delete a
code that carries codings only after saying yes in the confirmation dialog."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import func, select

from qualcode.db import make_engine, read_session, unit_of_work
from qualcode.models import Code, Coding, Document
from qualcode.services.codings import code_span
from tests.browser.conftest import choose_option, screenshot, wait_for_app

pytestmark = pytest.mark.browser

QDC_NS = "urn:QDA-XML:codebook:1.0"
NEW_NAME = "Grup WhatsApp relawan"
NEW_NAME_EN = "Volunteers' WhatsApp group"
NEW_KEY = "grup_whatsapp_relawan"


def open_codebook(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/codebook")
    wait_for_app(page, "Buku kode")


def summaries(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The headings of the code expanders shown in the tree."""
    return [s.strip() for s in page.locator("[data-testid='stExpander'] summary").filter(visible=True).all_inner_texts()]


def search(page, text: str, *, hides: str | None = None, shows: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Type in the search box; wait until the rerun has hidden and shown the codes named."""
    box = page.get_by_label("Cari kode")
    box.fill(text)
    box.press("Enter")
    codes = page.locator("[data-testid='stExpander'] summary")
    if hides:
        codes.filter(has_text=hides).first.wait_for(state="hidden")
    if shows:
        codes.filter(has_text=shows).first.wait_for()
    wait_for_app(page)


def choose(page, label: str, typed: str) -> None:  # type: ignore[no-untyped-def]
    """Pick the option containing ``typed`` in the selectbox labelled exactly ``label``."""
    box = page.locator("[data-testid='stSelectbox']").filter(has=page.get_by_text(label, exact=True)).filter(visible=True).first
    choose_option(page, box, typed)


def code_by_key(database_url: str, key: str) -> Code | None:
    engine = make_engine(database_url)
    with read_session(engine) as session:
        code = session.scalar(select(Code).where(Code.key == key))
    engine.dispose()
    return code


def test_search_add_and_export_qdc(demo_server, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_codebook(page, demo_server.url)
    page.locator("[data-testid='stExpander'] summary", has_text="Faktor penghambat").first.wait_for()  # in the last book
    every = summaries(page)
    assert any("Dialog tatap muka" in s for s in every)

    # The search matches Indonesian names, English names and ids.
    search(page, "trust", hides="Dialog tatap muka", shows="Saling percaya")
    found = summaries(page)
    assert any("Membangun kepercayaan" in s and "trust_building" in s for s in found), found
    assert any("Saling percaya" in s and "mutual_trust" in s for s in found), found
    assert not any("Dialog tatap muka" in s for s in found)
    assert len(found) < len(every)
    page.locator("summary", has_text="Membangun kepercayaan").first.click()
    page.get_by_text("collaborative_process/trust_building", exact=False).first.wait_for()
    screenshot(page, "codebook_search")
    search(page, "tatap muka", hides="Membangun kepercayaan", shows="Dialog tatap muka")
    assert [s for s in summaries(page) if "face_to_face_dialogue" in s]
    search(page, "", shows="Membangun kepercayaan")

    # A new code under "Membangun kepercayaan" (so it joins the Ansell & Gash codebook).
    page.get_by_role("tab", name="Sunting kode").click()
    form = page.locator("[data-testid='stForm']").filter(visible=True).first
    form.get_by_label("Nama (Indonesia)").fill(NEW_NAME)
    form.get_by_label("Nama (Inggris)").fill(NEW_NAME_EN)
    choose(page, "Kode induk", "(trust_building)")
    form.get_by_label("Definisi").fill("Grup pesan singkat tempat relawan desa berbagi informasi kedaruratan.")
    form.get_by_role("button", name="Tambah kode").click()
    page.locator("[data-testid='stToast']", has_text=f"Kode {NEW_NAME} ditambahkan.").wait_for()
    wait_for_app(page)
    assert page.get_by_role("tab", name="Sunting kode").get_attribute("aria-selected") == "true", "the tab stays open"
    screenshot(page, "codebook_added")
    code = code_by_key(demo_server.database_url, NEW_KEY)
    assert code is not None
    assert (code.name_id, code.name_en, code.path) == (NEW_NAME, NEW_NAME_EN,
                                                       f"collaborative_process/trust_building/{NEW_KEY}")
    assert code.codebook_id is not None

    page.get_by_role("tab", name="Pohon kode").click()
    search(page, "whatsapp", hides="Saling percaya", shows=NEW_NAME)
    assert [s for s in summaries(page) if NEW_NAME in s and NEW_KEY in s]

    # Export: each codebook as REFI-QDA .qdc, well-formed XML with a CodeBook root.
    page.get_by_role("tab", name="Impor dan ekspor").click()
    buttons = page.get_by_role("button", name="REFI-QDA (.qdc)")
    buttons.first.wait_for()
    assert buttons.count() == 3
    exported: dict[str, bytes] = {}
    for index in range(buttons.count()):
        with page.expect_download() as info:
            buttons.nth(index).click()
        download = info.value
        with open(download.path(), "rb") as fh:
            exported[download.suggested_filename] = fh.read()
    assert set(exported) == {"ansell_gash_2008.qdc", "emerson_2012.qdc", "najam_5c_1995.qdc"}
    for name, data in exported.items():
        root = ET.fromstring(data)
        assert root.tag == f"{{{QDC_NS}}}CodeBook", name
        assert root.find(f"{{{QDC_NS}}}Codes") is not None, name
    names = [c.get("name") for c in ET.fromstring(exported["ansell_gash_2008.qdc"]).iter(f"{{{QDC_NS}}}Code")]
    assert "Membangun kepercayaan" in names and NEW_NAME in names
    trust = next(c for c in ET.fromstring(exported["ansell_gash_2008.qdc"]).iter(f"{{{QDC_NS}}}Code")
                 if c.get("name") == "Membangun kepercayaan")
    assert NEW_NAME in [c.get("name") for c in trust.findall(f"{{{QDC_NS}}}Code")], "the new code sits under its parent"
    screenshot(page, "codebook_export")
    assert page.locator("[data-testid='stException']").count() == 0
    assert errors == []


def test_deleting_a_code_with_codings_asks_first(demo_server, page):
    engine = make_engine(demo_server.database_url)
    with unit_of_work(engine) as session:
        dialogue = session.scalar(select(Code).where(Code.key == "face_to_face_dialogue"))
        document = session.scalar(select(Document).where(Document.original_filename == "W01_dinkes.txt"))
        code_span(session, document.id, 200, 260, dialogue.id, actor_id=1)
        code_span(session, document.id, 400, 480, dialogue.id, actor_id=1)
        dialogue_id = dialogue.id

    open_codebook(page, demo_server.url)
    page.get_by_role("tab", name="Sunting kode").click()
    choose(page, "Kode", "(face_to_face_dialogue)")
    page.get_by_role("button", name="Hapus…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Hapus Dialog tatap muka? 2 pengodean", exact=False).wait_for()
    screenshot(page, "codebook_delete_dialog")

    # "Batal" keeps everything.
    dialog.get_by_role("button", name="Batal").click()
    dialog.wait_for(state="hidden")
    wait_for_app(page)
    with read_session(engine) as session:
        assert session.get(Code, dialogue_id) is not None
        assert session.scalar(select(func.count()).select_from(Coding).where(Coding.code_id == dialogue_id)) == 2

    # "Ya, hapus" deletes the code and its codings, and says so.
    page.get_by_role("button", name="Hapus…").click()
    dialog.get_by_role("button", name="Ya, hapus").click()
    page.locator("[data-testid='stToast']", has_text="Kode Dialog tatap muka dihapus.").wait_for()
    wait_for_app(page)
    assert page.get_by_role("tab", name="Sunting kode").get_attribute("aria-selected") == "true", "the tab stays open"
    screenshot(page, "codebook_deleted")
    with read_session(engine) as session:
        assert session.get(Code, dialogue_id) is None
        assert session.scalar(select(func.count()).select_from(Coding).where(Coding.code_id == dialogue_id)) == 0

    # A code with subcodes is refused, in the dialog, and stays.
    choose(page, "Kode", "(collaborative_process)")
    page.get_by_role("button", name="Hapus…").click()
    problem = dialog.locator("[data-testid='stAlertContentError']")
    dialog.get_by_role("button", name="Ya, hapus").click()
    problem.wait_for()
    assert "collaborative_process" in problem.inner_text()
    screenshot(page, "codebook_delete_refused")
    with read_session(engine) as session:
        assert session.scalar(select(Code).where(Code.key == "collaborative_process")) is not None
    engine.dispose()


def test_merging_a_code_asks_first_then_moves_its_codings(demo_server, page):
    engine = make_engine(demo_server.database_url)
    with unit_of_work(engine) as session:
        dialogue = session.scalar(select(Code).where(Code.key == "face_to_face_dialogue"))
        trust = session.scalar(select(Code).where(Code.key == "trust_building"))
        document = session.scalar(select(Document).where(Document.original_filename == "W01_dinkes.txt"))
        code_span(session, document.id, 200, 260, dialogue.id, actor_id=1)
        code_span(session, document.id, 400, 480, dialogue.id, actor_id=1)
        dialogue_id, trust_id = dialogue.id, trust.id

    def codings_of(code: int) -> int:
        with read_session(engine) as session:
            return session.scalar(select(func.count()).select_from(Coding).where(Coding.code_id == code)) or 0

    before = codings_of(trust_id)
    open_codebook(page, demo_server.url)
    page.get_by_role("tab", name="Sunting kode").click()
    choose(page, "Kode", "(face_to_face_dialogue)")
    choose(page, "Gabungkan ke", "(trust_building)")
    page.get_by_role("button", name="Gabungkan…", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Gabungkan Dialog tatap muka ke Membangun kepercayaan? 2 pengodean", exact=False).wait_for()
    screenshot(page, "codebook_merge_dialog")

    # "Batal" keeps everything.
    dialog.get_by_role("button", name="Batal").click()
    dialog.wait_for(state="hidden")
    wait_for_app(page)
    with read_session(engine) as session:
        assert session.get(Code, dialogue_id) is not None
    assert codings_of(dialogue_id) == 2

    # "Ya, gabungkan" moves the codings and removes the code, and says so.
    page.get_by_role("button", name="Gabungkan…", exact=True).click()
    dialog.get_by_role("button", name="Ya, gabungkan").click()
    page.locator("[data-testid='stToast']", has_text="Kode Dialog tatap muka digabungkan ke Membangun kepercayaan.").wait_for()
    wait_for_app(page)
    with read_session(engine) as session:
        assert session.get(Code, dialogue_id) is None
    assert codings_of(dialogue_id) == 0 and codings_of(trust_id) == before + 2
    engine.dispose()


FIELDS_HOLD = """stem => {
  const app = document.querySelector('[data-testid=stApp]');
  if (app?.getAttribute('data-test-script-state') !== 'notRunning' || document.querySelector('[data-stale=true]')) return false;
  const values = [...document.querySelectorAll('[data-testid=stTextInput]')]
    .filter(box => /ID buku kode|Nama buku kode/.test(box.innerText)).map(box => box.querySelector('input').value);
  return values.length === 2 && values.every(v => v === stem);
}"""


def test_codebook_files_imported_one_after_another_make_a_codebook_each(demo_server, page, tmp_path):
    """The id and name fields follow the file chosen: the second file is not applied under the
    first one's id (which would merge its codes into the first codebook)."""
    open_codebook(page, demo_server.url)
    page.get_by_role("tab", name="Impor dan ekspor").click()
    uploader = page.locator("[data-testid='stFileUploader'] input[type='file']").first
    files = (("kb_satu", "Tema satu"), ("kb_dua", "Tema dua"), ("kb_tiga", "Tema tiga"), ("kb_empat", "Tema empat"))
    for stem, code in files:
        path = tmp_path / f"{stem}.csv"
        path.write_text(f"path,description\n{code},Sebuah tema\n", encoding="utf-8")
        uploader.set_input_files(str(path))
        # The fields follow the file: once the run the upload starts is over, the one id field
        # and the one name field hold this file's stem.
        page.wait_for_function(FIELDS_HOLD, arg=stem)
        page.get_by_role("button", name="Terapkan ke proyek ini").click()
        page.get_by_text(f"Buku kode {stem} diterapkan.").first.wait_for()
        wait_for_app(page)
    engine = make_engine(demo_server.database_url)
    with read_session(engine) as session:
        from qualcode.models import Codebook

        books = {b.key: b.id for b in session.scalars(select(Codebook))}
        placed = {c.name_id: c.codebook_id for c in session.scalars(select(Code).where(Code.name_id.like("Tema %")))}
    engine.dispose()
    assert placed == {code: books[stem] for stem, code in files}
