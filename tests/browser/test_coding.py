"""The coding workspace in a real Chromium: select, one click on a code, see it painted at once and
in the margin; keys; a refused action taken back; boundaries; undo/redo; retrieval; search as a
list; and every coding under the right coder after every kind of switch.

Every wait is on state (an element, the workspace's revision), never a fixed sleep."""

import re

import pytest
from sqlalchemy import select

from qualcode.db import make_engine, read_session
from qualcode.models import Code, Coding, Document, Memo, Segment, User
from tests.browser.conftest import choose_option, rerun, screenshot, wait_for_app, wait_idle

pytestmark = pytest.mark.browser

DOC_TITLE = "Wawancara Koordinator Relawan Desa Mekarwangi (FPRB)"
# Comes right after an emoji in the same turn: its offsets prove the UTF-16 -> code point conversion.
SENTENCE = "Nggak tau masukannya dibawa ke mana."


def db(url):
    return make_engine(url)


def codings(url, title=DOC_TITLE):
    engine = db(url)
    with read_session(engine) as session:
        rows = session.execute(
            select(Code.key, Segment.start, Segment.end, Document.text, User.login)
            .join(Coding, Coding.code_id == Code.id).join(Segment, Coding.segment_id == Segment.id)
            .join(Document, Segment.document_id == Document.id).join(User, User.id == Coding.coder_id)
            .where(Document.title == title).order_by(Segment.start, Code.key)
        ).all()
    engine.dispose()
    return [(key, text[start:end], login) for key, start, end, text, login in rows]


def code_id(url, key):
    engine = db(url)
    with read_session(engine) as session:
        found = session.scalar(select(Code.id).where(Code.key == key))
    engine.dispose()
    return str(found)


def revision(page):
    """The workspace's render counter: it moves on each answer of the server."""
    return page.get_attribute(".qc-ws", "data-render")


def settled(page, before):
    """Wait until the workspace shows the server's answer to the last action."""
    page.wait_for_function("(r) => { const w = document.querySelector('.qc-ws');"
                           " return w && w.dataset.render !== r && w.hasAttribute('data-qc-ready'); }", arg=before)
    idle(page)


def idle(page):
    """Wait until Streamlit's script run (the whole fragment, its side panels too) has finished."""
    wait_idle(page)
    page.locator("[data-qc-ready]").wait_for()


def open_document(page, base_url, title, *, navigate=True):
    if navigate:
        page.goto(f"{base_url}/coding")
    wait_for_app(page, "Pengodean")
    page.locator("[data-qc-ready]").wait_for()
    box = page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").first
    if title not in box.inner_text() + box.locator("input").input_value():
        choose_option(page, box, title)
        page.wait_for_function("(t) => [...document.querySelectorAll('.qc-c')].some(s => s.textContent.length)", arg=title)
    wait_for_app(page, "Pengodean")
    page.locator("[data-qc-ready]").wait_for()


def drag_select(page, needle: str, start_fraction: float = 0.0, end_fraction: float = 1.0) -> None:
    """Press the mouse at the first character of (part of) ``needle`` and release at its last."""
    page.locator(".qc-body", has_text=needle).first.wait_for()  # the document's text has painted
    rect = page.evaluate(
        """([needle, a, b]) => {
            // the needle may run across several highlight pieces: walk the turn's text nodes
            const locate = (body, offset) => {
              const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
              let node, seen = 0;
              while ((node = walker.nextNode())) {
                if (offset < seen + node.length) return [node, offset - seen];
                seen += node.length;
              }
              return null;
            };
            for (const body of document.querySelectorAll('.qc-body')) {
              const i = body.textContent.indexOf(needle); if (i < 0) continue;
              const from = i + Math.floor(needle.length * a), to = i + Math.ceil(needle.length * b);
              const [n1, o1] = locate(body, from), [n2, o2] = locate(body, to - 1);
              n1.parentElement.scrollIntoView({block: 'center'});
              const r1 = document.createRange(); r1.setStart(n1, o1); r1.setEnd(n1, o1 + 1);
              const r2 = document.createRange(); r2.setStart(n2, o2); r2.setEnd(n2, o2 + 1);
              const s = r1.getBoundingClientRect(), e = r2.getBoundingClientRect();
              return {x1: s.left + 1, y1: s.top + s.height / 2, x2: e.right - 1, y2: e.top + e.height / 2};
            }
            return null;
        }""",
        [needle, start_fraction, end_fraction],
    )
    assert rect, f"{needle!r} not on the page"
    page.mouse.move(rect["x1"], rect["y1"])
    page.mouse.down()
    page.mouse.move((rect["x1"] + rect["x2"]) / 2, rect["y2"], steps=5)
    page.mouse.move(rect["x2"], rect["y2"], steps=5)
    page.mouse.up()
    page.locator(".qc-selinfo.qc-has-sel").wait_for()


def click_code(page, cid):
    before = revision(page)
    page.locator(f".qc-code-list [data-testid='qc-code'][data-code='{cid}']").click()
    return before


def painted(page, cid, text):
    return page.locator(f"[data-codes~='{cid}']", has_text=text)


def test_one_click_codes_paints_at_once_and_shows_in_the_margin(demo_server, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    url = demo_server.database_url
    trust, dialogue = code_id(url, "trust_building"), code_id(url, "face_to_face_dialogue")
    open_document(page, demo_server.url, DOC_TITLE)
    assert page.get_by_test_id("qc-coder").inner_text().endswith("Peneliti Utama")

    drag_select(page, SENTENCE)
    before = click_code(page, trust)
    # painted by the component before the server answers (the pending piece carries the code)
    page.locator(f".qc-pending[data-codes~='{trust}']").first.wait_for(timeout=2_000)
    settled(page, before)
    assert codings(url)[0] == ("trust_building", SENTENCE, "peneliti")
    painted(page, trust, "masukannya dibawa").first.wait_for()
    stripe = page.locator(f"[data-testid='qc-stripe'][data-code='{trust}']")
    stripe.first.wait_for()
    assert stripe.first.inner_text() == "Membangun kepercayaan"
    assert "Membangun kepercayaan" in page.get_by_test_id("qc-legend").inner_text()
    assert "Diterapkan: Membangun kepercayaan" in page.get_by_test_id("qc-notice").inner_text()
    screenshot(page, "coding_first_code")

    # a second code on an overlapping span, chosen by typing in the picker and Enter
    drag_select(page, SENTENCE, 0.3, 1.0)
    before = revision(page)
    page.get_by_test_id("qc-code-filter").fill("tatap muka")
    page.get_by_test_id("qc-code-filter").press("Enter")
    settled(page, before)
    page.locator(f"[data-codes~='{trust}'][data-codes~='{dialogue}']").first.wait_for()
    assert sorted(k for k, _, _ in codings(url)) == ["face_to_face_dialogue", "trust_building"]
    screenshot(page, "coding_overlap")

    # click the stripe: the segment's panel opens; a memo puts a mark in the margin
    stripe.first.click()
    page.get_by_text("Pengodean di sini").wait_for()
    page.get_by_label("Memo", exact=True).first.fill("Relawan merasa usulnya tidak ditindaklanjuti.")
    before = revision(page)
    page.get_by_role("button", name="Tambah memo").first.click()
    settled(page, before)
    page.get_by_test_id("qc-memo-mark").first.wait_for()
    engine = db(url)
    with read_session(engine) as session:
        assert [m.body for m in session.scalars(select(Memo))] == ["Relawan merasa usulnya tidak ditindaklanjuti."]
    engine.dispose()

    # undo says what it undid; redo puts it back
    before = revision(page)
    page.get_by_test_id("qc-undo").click()
    settled(page, before)
    assert page.get_by_test_id("qc-notice").inner_text() == "Diurungkan: memo"
    before = revision(page)
    page.get_by_test_id("qc-undo").click()
    settled(page, before)
    assert page.get_by_test_id("qc-notice").inner_text() == "Diurungkan: penerapan Dialog tatap muka"
    assert [k for k, _, _ in codings(url)] == ["trust_building"]
    before = revision(page)
    page.get_by_test_id("qc-redo").click()
    settled(page, before)
    assert page.get_by_test_id("qc-notice").inner_text() == "Diulang: penerapan Dialog tatap muka"
    assert sorted(k for k, _, _ in codings(url)) == ["face_to_face_dialogue", "trust_building"]

    page.reload()
    open_document(page, demo_server.url, DOC_TITLE)
    painted(page, trust, "masukannya dibawa").first.wait_for()
    assert errors == []


def test_keys_and_a_refused_apply_taken_back(demo_server, page):
    url = demo_server.database_url
    trust = code_id(url, "trust_building")
    open_document(page, demo_server.url, DOC_TITLE)
    drag_select(page, SENTENCE)
    settled(page, click_code(page, trust))
    # trust_building is now the first quick code: key 1 applies it to the next selection
    quick = page.locator(".qc-quick [data-testid='qc-code']").first
    assert quick.get_attribute("data-code") == trust and quick.locator("kbd").inner_text() == "1"
    drag_select(page, "masukannya dibawa")
    before = revision(page)
    page.keyboard.press("1")
    settled(page, before)
    assert [(k, t) for k, t, _ in codings(url)] == [("trust_building", SENTENCE), ("trust_building", "masukannya dibawa")]

    # the same code on the same span again is refused: the highlight goes back, the reason shows
    drag_select(page, SENTENCE)
    before = revision(page)
    page.keyboard.press("1")
    page.locator(".qc-pending").first.wait_for(timeout=2_000)
    settled(page, before)
    notice = page.get_by_test_id("qc-notice")
    assert "qc-notice-error" in notice.get_attribute("class")
    assert "sudah" in notice.inner_text()
    assert page.locator(".qc-pending").count() == 0
    assert len(codings(url)) == 2
    # Esc clears the selection
    drag_select(page, "masukannya")
    page.keyboard.press("Escape")
    page.locator(".qc-selinfo:not(.qc-has-sel)").wait_for()
    screenshot(page, "coding_refused")

    # a click in a turn (nothing selected), then one key: the whole turn is coded
    turn_text = page.evaluate("""() => [...document.querySelectorAll('.qc-body')]
        .find(b => b.textContent.includes('Pernah saya tanya di grup')).textContent.trim()""")
    at = page.evaluate("""() => { for (const span of document.querySelectorAll('.qc-c')) {
        const n = span.firstChild; const i = n ? n.textContent.indexOf('Pernah saya') : -1; if (i < 0) continue;
        const r = document.createRange(); r.setStart(n, i + 2); r.setEnd(n, i + 3);
        const b = r.getBoundingClientRect(); return {x: b.left + 1, y: b.top + b.height / 2}; } }""")
    page.mouse.click(at["x"], at["y"])
    before = revision(page)
    page.keyboard.press("1")
    settled(page, before)
    assert ("trust_building", turn_text) in [(k, t) for k, t, _ in codings(url)]


def focus(page, cid):
    """Click the code's highlight and wait for its panel (and drag handles) from the server."""
    before = revision(page)
    page.locator(f"[data-codes~='{cid}']").first.evaluate(
        "el => el.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}))")  # a click on the highlight
    settled(page, before)
    page.get_by_text("Pengodean di sini").wait_for()


def test_boundaries_without_numbers(demo_server, page):
    url = demo_server.database_url
    trust = code_id(url, "trust_building")
    open_document(page, demo_server.url, DOC_TITLE)
    drag_select(page, "masukannya dibawa", 0.2, 0.75)  # "ukannya di": starts and ends inside words
    settled(page, click_code(page, trust))
    focus(page, trust)
    before = revision(page)
    page.get_by_role("button", name="kata", exact=True).click()
    settled(page, before)
    assert [t for _, t, _ in codings(url)] == ["masukannya dibawa"]
    focus(page, trust)
    before = revision(page)
    page.get_by_role("button", name="kalimat", exact=True).click()
    settled(page, before)
    assert [t for _, t, _ in codings(url)] == [SENTENCE]

    # drag the end handle back to the word "dibawa"
    focus(page, trust)
    handle = page.get_by_test_id("qc-handle-end")
    handle.wait_for()
    target = page.evaluate("""() => { for (const span of document.querySelectorAll('.qc-c')) {
        const n = span.firstChild; const i = n ? n.textContent.indexOf('dibawa ke') : -1; if (i < 0) continue;
        const r = document.createRange(); r.setStart(n, i + 5); r.setEnd(n, i + 6);
        const b = r.getBoundingClientRect(); return {x: b.left + b.width / 2, y: b.top + b.height / 2}; } }""")
    box = handle.bounding_box()
    before = revision(page)
    page.mouse.move(box["x"] + 3, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"], target["y"], steps=8)
    page.mouse.up()
    settled(page, before)
    assert [t for _, t, _ in codings(url)] == ["Nggak tau masukannya dibawa"]
    screenshot(page, "coding_boundaries")


def test_retrieve_every_segment_of_a_code_and_open_one(demo_server, page):
    url = demo_server.database_url
    open_document(page, demo_server.url, DOC_TITLE)
    engine = db(url)
    with read_session(engine) as session:
        from qualcode.read.views.coding import retrieve

        code = session.execute(
            select(Code.id, Code.project_id).join(Coding, Coding.code_id == Code.id)
            .join(Segment, Segment.id == Coding.segment_id).join(Document, Document.id == Segment.document_id)
            .where(Document.title != DOC_TITLE).limit(1)
        ).one()
        cid = str(code.id)
        title = retrieve(session, code.project_id, code.id).iloc[0].document
    engine.dispose()
    before = revision(page)
    page.locator(f".qc-code-list [data-testid='qc-code'][data-code='{cid}'] [data-testid='qc-retrieve']").click()
    settled(page, before)
    page.get_by_text("segmen dengan kode ini").first.wait_for()
    page.get_by_role("button", name="Unduh (CSV)").wait_for()
    page.get_by_role("button", name="Buka di transkrip").first.click()
    wait_for_app(page, "Pengodean")
    page.get_by_text("Pengodean di sini").wait_for()
    box = page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").first
    assert title in box.inner_text() + box.locator("input").input_value()
    screenshot(page, "coding_retrieve")


def test_search_as_a_list_and_code_the_hits(demo_server, page):
    url = demo_server.database_url
    trust = code_id(url, "trust_building")
    open_document(page, demo_server.url, DOC_TITLE)
    search = page.get_by_label("Cari dalam teks")
    search.fill("latih")  # lemma-aware: finds pelatihan, Pelatihannya
    search.press("Enter")
    counter = page.get_by_text(re.compile(r"^1 dari \d+ tempat$"))
    counter.wait_for()
    total = int(counter.inner_text().split()[2])
    assert total >= 5
    page.locator(".qc-hit-current").first.wait_for()
    page.get_by_role("button", name="▶", exact=True).click()
    page.get_by_text(f"2 dari {total} tempat").wait_for()
    idle(page)
    box = page.locator("[data-testid='stSelectbox']").filter(has_text="Kodekan semua")
    choose_option(page, box, "Membangun kepercayaan")
    idle(page)
    # the notice is the server's answer to this click (a render of the picker's own rerun is not)
    page.get_by_role("button", name=f"Kodekan {total} tempat ini").click()
    page.wait_for_function("(n) => (document.querySelector('[data-testid=qc-notice]') || {}).innerText"
                           "?.startsWith(n + ' tempat dikode')", arg=str(total))
    idle(page)
    coded = [t for k, t, _ in codings(url) if k == "trust_building"]
    assert len(coded) == total and all("latih" in t.lower() for t in coded)
    page.locator(f".qc-hit[data-codes~='{trust}']").first.wait_for()
    before = revision(page)
    page.get_by_test_id("qc-undo").click()
    settled(page, before)
    assert codings(url) == []
    screenshot(page, "coding_search")


def test_every_coding_under_the_right_coder_after_every_switch(demo_server, page):
    url = demo_server.database_url
    trust = code_id(url, "trust_building")
    open_document(page, demo_server.url, DOC_TITLE)
    # adding a coder makes them the current coder
    page.get_by_text("Tambah pengode").click()
    page.get_by_role("textbox", name="Nama login").fill("sari")
    page.get_by_role("textbox", name="Nama tampilan").fill("Sari Pengode")
    page.get_by_role("button", name="Tambah", exact=True).click()
    wait_for_app(page, "Pengodean")
    page.wait_for_function("() => (document.querySelector('[data-testid=qc-coder]') || {}).innerText?.endsWith('Sari Pengode')")
    drag_select(page, SENTENCE)
    settled(page, click_code(page, trust))
    assert codings(url) == [("trust_building", SENTENCE, "sari")]

    # switching back in the sidebar: the next coding is the owner's
    box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Siapa saya")
    box.locator("input").click()
    page.get_by_role("option").filter(has_text="Peneliti Utama").click()
    page.wait_for_function("() => document.querySelector('[data-testid=qc-coder]').innerText.endsWith('Peneliti Utama')")
    drag_select(page, "masukannya")
    settled(page, click_code(page, trust))
    assert sorted(c[2] for c in codings(url)) == ["peneliti", "sari"]

    # creating a project opens it; "open" opens the demo again, and coding there is still the owner's
    page.goto(demo_server.url)  # the Projects page is the app's main page
    wait_for_app(page, "Proyek")
    page.get_by_label("Nama proyek").fill("Studi Baru")
    page.get_by_role("button", name="Buat proyek").click()
    wait_for_app(page, "Proyek")
    current_project = ("(name) => [...document.querySelectorAll('[data-testid=stSidebar] input')]"
                       ".some(i => i.value.includes(name))")
    page.wait_for_function(current_project, arg="Studi Baru")  # created, and open
    page.get_by_role("button", name="Buka").first.click()  # open the demo again
    wait_for_app(page, "Proyek")
    page.wait_for_function(current_project, arg="Demo")
    page.locator("[data-testid='stSidebarNav'] a", has_text="Pengodean").click()
    open_document(page, demo_server.url, DOC_TITLE, navigate=False)
    assert page.get_by_test_id("qc-coder").inner_text().endswith("Peneliti Utama")
    drag_select(page, "Nggak tau")
    settled(page, click_code(page, trust))
    assert sorted(c[2] for c in codings(url)) == ["peneliti", "peneliti", "sari"]


def test_transcript_text_is_escaped(demo_server, page):
    open_document(page, demo_server.url, "Wawancara Account Manager")
    page.locator(".qc-body", has_text="Dari sisi mitra telekomunikasi").first.wait_for()  # this document shows
    if page.locator(".qc-c", has_text="<script>").count() == 0:
        with rerun(page):
            page.get_by_role("button", name="Berikutnya ▶").click()
    page.locator(".qc-c", has_text="<script>").first.wait_for()
    assert page.locator(".qc-doc script").count() == 0


def unit_layout(page):
    """Where the first answer's speaker head and text sit, and the text's width."""
    return page.evaluate("""() => {
        const unit = [...document.querySelectorAll('.qc-unit')].find(u => !u.classList.contains('qc-interviewer'));
        const head = unit.querySelector('.qc-head').getBoundingClientRect();
        const body = unit.querySelector('.qc-body').getBoundingClientRect();
        return {above: head.bottom <= body.top + 1, beside: head.right <= body.left + 1, width: body.width};
    }""")


def test_on_a_laptop_screen_the_speaker_goes_above_the_text(demo_server, page):
    """At 1,400 px with the sidebar open the transcript is a narrow column: each turn's speaker and
    "select" button go above its text, which then has the column's width; on a wide screen they
    stay beside it."""
    open_document(page, demo_server.url, DOC_TITLE)
    narrow = unit_layout(page)
    assert narrow["above"] and not narrow["beside"], narrow
    assert narrow["width"] > 300, narrow
    screenshot(page, "coding_1400")
    page.set_viewport_size({"width": 1920, "height": 1000})
    page.wait_for_function("() => { const u = document.querySelector('.qc-unit');"
                           " return u && getComputedStyle(u).flexDirection === 'row'; }")
    wide = unit_layout(page)
    assert wide["beside"] and not wide["above"], wide
    assert wide["width"] > narrow["width"], (narrow, wide)


def test_alt_click_selects_the_sentence(demo_server, page):
    open_document(page, demo_server.url, DOC_TITLE)
    page.locator(".qc-c", has_text="masukannya dibawa").first.scroll_into_view_if_needed()
    box = page.evaluate(
        """() => { for (const span of document.querySelectorAll('.qc-c')) { const n = span.firstChild;
             const i = n ? n.textContent.indexOf('dibawa ke mana') : -1; if (i < 0) continue;
             const r = document.createRange(); r.setStart(n, i + 2); r.setEnd(n, i + 3);
             const b = r.getBoundingClientRect(); return {x: b.left + 1, y: b.top + b.height / 2}; } }""")
    page.keyboard.down("Alt")
    page.mouse.click(box["x"], box["y"])
    page.keyboard.up("Alt")
    page.wait_for_function("(s) => document.querySelector('.qc-selinfo').innerText.includes(s)", arg=SENTENCE)


def coding_ids(url, key):
    engine = db(url)
    with read_session(engine) as session:
        found = session.execute(select(Coding.id, Coding.segment_id).join(Code, Code.id == Coding.code_id)
                                .where(Code.key == key).order_by(Coding.id)).all()
    engine.dispose()
    return [tuple(row) for row in found]


def remove_button(page, coding):
    """The ✕ beside a coding in the segment panel."""
    return page.locator(f".st-key-remove_{coding}").get_by_role("button", name="✕")


def test_removing_a_coding_that_carries_a_memo_asks_first(demo_server, page):
    """A coding with nothing on it goes at once (undo offered); one whose passage carries a memo
    asks first, naming it: Cancel keeps it, Yes removes the coding and the memo stays on the passage."""
    url = demo_server.database_url
    trust = code_id(url, "trust_building")
    open_document(page, demo_server.url, DOC_TITLE)

    # nothing on it: removed at once
    drag_select(page, SENTENCE)
    settled(page, click_code(page, trust))
    focus(page, trust)
    [(first, _)] = coding_ids(url, "trust_building")
    before = revision(page)
    remove_button(page, first).click()
    settled(page, before)
    assert codings(url) == []
    assert page.get_by_test_id("qc-notice").inner_text() == "Dihapus: Membangun kepercayaan"
    assert page.locator(f".st-key-remove_ask_{first}").count() == 0

    # a memo on its passage: asked first
    drag_select(page, SENTENCE)
    settled(page, click_code(page, trust))
    focus(page, trust)
    page.get_by_label("Memo", exact=True).first.fill("Relawan merasa usulnya tidak ditindaklanjuti.")
    before = revision(page)
    page.get_by_role("button", name="Tambah memo").first.click()
    settled(page, before)
    [(coding, segment)] = coding_ids(url, "trust_building")
    question = page.locator(f".st-key-remove_ask_{coding}")
    with rerun(page):
        remove_button(page, coding).click()
    question.get_by_text("Pengodean ini (Membangun kepercayaan · Peneliti Utama) membawa 1 memo; hapus?").wait_for()
    question.get_by_text("Tetap ada pada bagian teksnya, yang kini tanpa kode: 1 memo.").wait_for()
    screenshot(page, "coding_remove_asks")
    with rerun(page):
        question.get_by_role("button", name="Batal").click()
    question.wait_for(state="detached")
    assert [k for k, _, _ in codings(url)] == ["trust_building"], "cancel keeps it"

    with rerun(page):
        remove_button(page, coding).click()
    before = revision(page)
    question.get_by_role("button", name="Ya, hapus").click()
    settled(page, before)
    assert codings(url) == []
    assert page.get_by_test_id("qc-notice").inner_text() == "Dihapus: Membangun kepercayaan"
    engine = db(url)
    with read_session(engine) as session:
        assert [(m.body, m.segment_id) for m in session.scalars(select(Memo))] == [
            ("Relawan merasa usulnya tidak ditindaklanjuti.", segment)]
    engine.dispose()

    # undo puts the coding back on the passage the memo stayed on
    before = revision(page)
    page.get_by_test_id("qc-undo").click()
    settled(page, before)
    assert [s for _, s in coding_ids(url, "trust_building")] == [segment]


def test_drag_handles_only_where_the_user_may_move_the_coding(sqlite_url, tmp_path, page):
    """The owner gets handles on a passage coded by a coder a .qdpx import brought (no member, who
    cannot sign in) and moves it; a member researcher's passage shows none: nobody moves a
    member's boundaries (before, handles showed on anyone's passage and a drag did nothing)."""
    from qualcode.db import unit_of_work
    from qualcode.demo import load_demo
    from qualcode.services import codings as coding_service
    from qualcode.services import projects
    from tests.browser.conftest import running_server

    theirs, imported_span = "Kami di sini belum dapet.", "Tiga bulan nggak ada jawaban."
    engine = db(sqlite_url)
    with unit_of_work(engine) as s:
        load_demo(s)
        owner = projects.get_user_by_login(s, "peneliti")
        doc = s.scalar(select(Document).where(Document.title == DOC_TITLE))
        trust = s.scalar(select(Code.id).where(Code.project_id == doc.project_id, Code.key == "trust_building"))
        sari = projects.create_user(s, "sari", "Sari")
        projects.set_member(s, doc.project_id, sari.id, "researcher", actor_id=owner.id)
        at = doc.text.index(theirs)
        coding_service.code_span(s, doc.id, at, at + len(theirs), trust, actor_id=sari.id)
        jane = projects.create_user(s, "jane-nvivo", "Jane (NVivo)")  # as the .qdpx importer makes them
        at = doc.text.index(imported_span)
        segment = coding_service.get_or_create_segment(s, doc, at, at + len(imported_span))
        s.add(Coding(segment_id=segment.id, code_id=trust, coder_id=jane.id))
    engine.dispose()
    with running_server(sqlite_url, tmp_path / "streamlit.log") as server:
        open_document(page, server.url, DOC_TITLE)
        page.get_by_text("semua", exact=True).click()  # every coder's codings on the page
        page.locator(".qc-c", has_text=theirs).first.wait_for()  # Sari's highlight, not shown under "saya"
        idle(page)

        def focus_on(text):
            before = revision(page)
            page.locator(".qc-c", has_text=text).first.evaluate(
                "el => el.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}))")
            settled(page, before)
            page.get_by_text("Pengodean di sini").wait_for()

        focus_on(theirs)
        page.get_by_text("Membangun kepercayaan · Sari", exact=True).wait_for()  # the panel is Sari's passage
        assert page.get_by_test_id("qc-handle-end").count() == 0
        assert page.get_by_role("button", name="kalimat", exact=True).count() == 0

        focus_on(imported_span)
        page.get_by_text("Membangun kepercayaan · Jane (NVivo)", exact=True).wait_for()
        page.get_by_test_id("qc-handle-end").wait_for()
        before = revision(page)
        page.get_by_role("button", name="giliran", exact=True).click()  # widen to the whole turn
        settled(page, before)
        rows = [(text, login) for _, text, login in codings(sqlite_url)]
        assert (theirs, "sari") in rows
        moved = [text for text, login in rows if login == "jane-nvivo"]
        assert len(moved) == 1 and imported_span in moved[0] and len(moved[0]) > len(imported_span)
        screenshot(page, "coding_imported_coder_resized")
