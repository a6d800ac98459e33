"""The coding workspace in a real Chromium: drag-select, apply, see, memo, overlap, undo, reload."""

import pytest
from sqlalchemy import select

from qualcode.db import make_engine, read_session
from qualcode.models import Code, Coding, Document, Memo, Segment
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

DOC_TITLE = "Wawancara Koordinator Relawan Desa Mekarwangi (FPRB)"
# Comes right after an emoji in the same turn: its offsets prove the UTF-16 -> code point conversion.
SENTENCE = "Nggak tau masukannya dibawa ke mana."
# True when some chunk shows two codes' underlines (a tint layer plus one gradient per code).
STACKED = ("[...document.querySelectorAll('.qc-c.qc-coded')]"
           ".some(s => (s.style.backgroundImage.match(/linear-gradient/g) || []).length >= 3)")


def codings(url):
    engine = make_engine(url)
    with read_session(engine) as session:
        rows = session.execute(
            select(Code.key, Segment.start, Segment.end, Document.text)
            .join(Coding, Coding.code_id == Code.id).join(Segment, Coding.segment_id == Segment.id)
            .join(Document, Segment.document_id == Document.id).where(Document.title == DOC_TITLE)
            .order_by(Segment.start, Code.key)
        ).all()
        memos = [m.body for m in session.scalars(select(Memo))]
    engine.dispose()
    return [(key, text[start:end]) for key, start, end, text in rows], memos


def drag_select(page, needle: str, start_fraction: float = 0.0, end_fraction: float = 1.0) -> None:
    """Press the mouse at the first character of (part of) ``needle`` and release at its last."""
    rect = page.evaluate(
        """([needle, a, b]) => {
            for (const span of document.querySelectorAll('.qc-c')) {
              const node = span.firstChild; if (!node) continue;
              const i = node.textContent.indexOf(needle); if (i < 0) continue;
              span.scrollIntoView({block: 'center'});
              const from = i + Math.floor(needle.length * a), to = i + Math.ceil(needle.length * b);
              const r1 = document.createRange(); r1.setStart(node, from); r1.setEnd(node, from + 1);
              const r2 = document.createRange(); r2.setStart(node, to - 1); r2.setEnd(node, to);
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


def until_shown(page, act, text: str, tries: int = 3) -> None:
    """Do ``act`` until ``text`` shows: an event sent while Streamlit is still finishing the
    previous rerun can be superseded, as a user would simply click again."""
    for attempt in range(tries):
        act()
        try:
            page.get_by_text(text).first.wait_for(timeout=10_000)
            return
        except Exception:
            screenshot(page, f"coding_retry_{attempt}")
            if attempt == tries - 1:
                raise


def choose_document(page, title: str) -> None:
    box = page.locator("[data-testid='stSelectbox']").filter(has_text="Dokumen").last
    box.click()
    page.keyboard.type(title[:25])
    page.get_by_role("option").filter(has_text=title).first.click()
    wait_for_app(page, "Pengodean")
    page.locator(".qc-doc").wait_for()


def pick_code_and_apply(page, key: str) -> None:
    picker = page.locator("[data-testid='stMultiSelect']").filter(has_text="Kode yang diterapkan")
    picker.click()
    page.keyboard.type(key)
    page.get_by_role("option").filter(has_text=key).first.click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Terapkan kode").click()
    wait_for_app(page, "Pengodean")


def test_select_code_memo_overlap_undo_reload(demo_server, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{demo_server.url}/coding")
    wait_for_app(page, "Pengodean")
    choose_document(page, DOC_TITLE)

    until_shown(page, lambda: drag_select(page, SENTENCE), "Teks terpilih")
    pick_code_and_apply(page, "trust_building")
    highlight = page.locator(".qc-c.qc-coded", has_text="masukannya dibawa")
    highlight.first.wait_for()
    highlight.first.scroll_into_view_if_needed()
    screenshot(page, "coding_first_code")
    assert codings(demo_server.database_url)[0] == [("trust_building", SENTENCE)]

    until_shown(page, lambda: highlight.first.click(), "Pengodean di sini")
    page.get_by_label("Memo", exact=True).fill("Relawan merasa usulnya tidak ditindaklanjuti.")
    page.get_by_role("button", name="Tambah memo").click()
    wait_for_app(page, "Pengodean")
    page.get_by_text("Relawan merasa usulnya tidak ditindaklanjuti.").first.wait_for()
    assert codings(demo_server.database_url)[1] == ["Relawan merasa usulnya tidak ditindaklanjuti."]

    until_shown(page, lambda: drag_select(page, SENTENCE, 0.3, 1.0), "Teks terpilih")  # overlaps the first
    pick_code_and_apply(page, "face_to_face_dialogue")
    page.wait_for_function(f"() => {STACKED}")
    page.locator(".qc-c.qc-coded", has_text="dibawa").first.scroll_into_view_if_needed()
    screenshot(page, "coding_overlap")
    keys = sorted(k for k, _ in codings(demo_server.database_url)[0])
    assert keys == ["face_to_face_dialogue", "trust_building"]

    page.get_by_role("button", name="Urungkan tindakan terakhir").click()
    wait_for_app(page, "Pengodean")
    page.wait_for_function(f"() => !{STACKED}")
    assert codings(demo_server.database_url)[0] == [("trust_building", SENTENCE)]

    page.reload()
    wait_for_app(page, "Pengodean")
    choose_document(page, DOC_TITLE)
    page.locator(".qc-c.qc-coded", has_text="masukannya dibawa").first.wait_for()
    page.locator(".qc-c.qc-coded", has_text="masukannya dibawa").first.scroll_into_view_if_needed()
    screenshot(page, "coding_after_reload")
    assert errors == []


def test_transcript_text_is_escaped(demo_server, page):
    page.goto(f"{demo_server.url}/coding")
    wait_for_app(page, "Pengodean")
    choose_document(page, "Wawancara Account Manager")
    page.get_by_role("button", name="Berikutnya ▶").click() if page.locator(".qc-c", has_text="<script>").count() == 0 else None
    page.locator(".qc-c", has_text="<script>").first.wait_for()
    assert page.locator(".qc-doc script").count() == 0


def test_alt_click_selects_the_sentence(demo_server, page):
    page.goto(f"{demo_server.url}/coding")
    wait_for_app(page, "Pengodean")
    choose_document(page, DOC_TITLE)
    word = page.locator(".qc-c", has_text="masukannya dibawa").first

    def alt_click():
        word.scroll_into_view_if_needed()
        box = page.evaluate(
            """() => { for (const span of document.querySelectorAll('.qc-c')) { const n = span.firstChild;
                 const i = n ? n.textContent.indexOf('dibawa ke mana') : -1; if (i < 0) continue;
                 const r = document.createRange(); r.setStart(n, i + 2); r.setEnd(n, i + 3);
                 const b = r.getBoundingClientRect(); return {x: b.left + 1, y: b.top + b.height / 2}; } }""")
        page.keyboard.down("Alt")
        page.mouse.click(box["x"], box["y"])
        page.keyboard.up("Alt")

    until_shown(page, alt_click, "Teks terpilih")
    page.get_by_text(f"“{SENTENCE}”").wait_for()
