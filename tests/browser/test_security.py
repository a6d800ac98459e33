"""Hostile text in every field, planted through the normal import paths, and a recorder of every
request the browser makes: no dialog, no injected element, no request to any other host."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from qualcode.codebooks import parse_codebook
from qualcode.db import make_engine, unit_of_work
from qualcode.review.comments import add_comment
from qualcode.services import analysis as analysis_service
from qualcode.services import codebooks as codebook_service
from qualcode.services import memos as memo_service
from qualcode.services import projects as project_service
from qualcode.services.codings import code_span
from qualcode.services.imports import import_files, read_metadata_sheet
from tests.browser.conftest import Server, running_server, screenshot, wait_for_app, wait_idle

pytestmark = pytest.mark.browser

EVIL = "evil.example"


def payload(where: str) -> str:
    """Every kind of markup an attacker would try, tagged with where it was planted."""
    return (f"{where} <script>alert('{where}')</script>"
            f"<img src=\"https://{EVIL}/{where}.png\" onerror=\"alert(1)\" data-xss=\"1\">"
            f"<iframe srcdoc=\"<script>parent.alert(1)</script>\" data-xss=\"1\"></iframe>"
            f"<svg onload=\"alert(1)\" data-xss=\"1\"></svg>"
            f"<details open ontoggle=\"alert(1)\" data-xss=\"1\"><summary>x</summary></details>"
            f"[klik](javascript:alert(1)) <style>.xss-marker{{}}</style>"
            f"<form action=\"https://{EVIL}/login\" data-xss=\"1\"><input name=\"password\"></form>"
            f" ![pelacak](https://{EVIL}/{where}-md.png) :red[merah] :material/home: :smile: **tebal**")


def short_payload(where: str) -> str:
    """The payload's main kinds within 200 characters, for names whose column holds no more (a
    project's name)."""
    return (f"{where} <script>alert(1)</script><img src=x onerror=alert(1) data-xss=1>"
            f"![p](https://{EVIL}/{where}.png) :red[m] **t**")


# Elements a payload would create if it became markup, looked for in the page and every open
# shadow root (the sandboxed report frame's document is a separate origin and is checked apart).
INJECTED_JS = """() => {
  const roots = [document];
  for (const el of document.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  const found = [];
  for (const root of roots) {
    for (const el of root.querySelectorAll('[data-xss], [onerror], [onload], [ontoggle], iframe[srcdoc], '
        + 'a[href^="javascript:"], form[action*="evil.example"], img[src*="evil.example"], '
        + 'a[href*="evil.example"]')) found.push(el.outerHTML.slice(0, 120));
    for (const st of root.querySelectorAll('style')) if (st.textContent.includes('xss-marker')) found.push('style');
  }
  return found;
}"""


def _codebook_yaml() -> str:
    code = {"id": "xss_code", "name": {"id": payload("code-name-id"), "en": payload("code-name-en")},
            "colour": "#4E79A7", "definition": payload("definition"), "inclusion": payload("inclusion"),
            "exclusion": payload("exclusion"), "examples": [payload("example")],
            "indicators": ["<script>alert(1)</script>", f"![i](https://{EVIL}/indicator.png)"],
            "children": [{"id": "xss_child", "name": {"id": payload("child"), "en": "child"}, "colour": "#E15759"}]}
    return yaml.safe_dump({"format": "qualcode-codebook/1",
                           "codebook": {"id": "xss_book", "name": payload("codebook"), "version": "1",
                                        "source": payload("source"), "language": "id"},
                           "codes": [code]}, allow_unicode=True)


def _metadata_sheet() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["file", "title", "kind", "pseudonym", "stakeholder_group", "organisation", "position",
                     "interview_place", "catatan"])
    writer.writerow(["W01.txt", payload("title"), "interview", payload("pseudonym")[:120], "masyarakat",
                     payload("organisation"), payload("position"), payload("place"), payload("attribute")])
    return out.getvalue().encode("utf-8")


def plant(url: str) -> None:
    """A project whose every text field holds a payload, made through the services the pages and
    the command line use."""
    engine = make_engine(url)
    with unit_of_work(engine) as s:
        owner = project_service.create_user(s, "peneliti", payload("coder"))
        other = project_service.create_user(s, "rekan", payload("second-coder"))
        project = project_service.create_project(s, "Proyek " + short_payload("project"), owner_id=owner.id,
                                                 description=payload("description"))
        pid = project.id
        project_service.set_member(s, pid, other.id, "researcher", actor_id=owner.id)
        book = codebook_service.apply_codebook(s, pid, parse_codebook(_codebook_yaml(), "xss.yaml"), actor_id=owner.id)
        text = f"I: {payload('question')}\nR: {payload('answer')}\n{payload('speaker')}: lanjut\n"
        report = import_files(s, pid, [("W01.txt", text.encode("utf-8"))], actor_id=owner.id,
                              metadata=read_metadata_sheet("meta.csv", _metadata_sheet()))
        assert report.outcomes[0].error is None, report.outcomes[0].message("en")
        doc_id = report.outcomes[0].document_ids[0]
        code_ids = [c.id for c in book.codes]
        mine = code_span(s, doc_id, 3, 60, code_ids[0], actor_id=owner.id)
        theirs = code_span(s, doc_id, 3, 60, code_ids[1], actor_id=other.id)
        memo_service.add_memo(s, pid, payload("memo-project"), title=payload("memo-title"), actor_id=owner.id)
        memo_service.add_memo(s, pid, payload("memo-segment"), actor_id=owner.id, segment_id=mine.segment_id)
        memo_service.add_memo(s, pid, payload("memo-code"), actor_id=owner.id, code_id=code_ids[0])
        add_comment(s, payload("comment"), actor_id=owner.id, coding_id=theirs.id)
        pattern = analysis_service.save_pattern_code(s, pid, payload("pattern"), code_ids, actor_id=owner.id,
                                                     definition=payload("pattern-definition"),
                                                     memo=payload("pattern-memo"))
        analysis_service.condense_segment(s, pid, mine.segment_id, code_ids[0], payload("condensation")[:480],
                                          actor_id=owner.id)
        analysis_service.save_summary_sheet(s, pid, doc_id, actor_id=owner.id, main_themes=payload("themes"),
                                            salient_points=payload("points"), next_questions=payload("questions"),
                                            segment_ids=[mine.segment_id])
        conclusion = analysis_service.add_conclusion(s, pid, payload("conclusion"), actor_id=owner.id,
                                                     pattern_code_id=pattern.id)
        analysis_service.link_evidence(s, conclusion.id, mine.segment_id, "supporting", actor_id=owner.id,
                                       note=payload("evidence-note"))
        analysis_service.record_tactic(s, conclusion.id, "triangulating", actor_id=owner.id, note=payload("tactic"))
    engine.dispose()


@pytest.fixture
def hostile_server(sqlite_url: str, tmp_path: Path) -> Iterator[Server]:
    plant(sqlite_url)
    with running_server(sqlite_url, tmp_path / "streamlit.log") as server:
        yield server


class Recorder:
    """Every request, dialog and page error of a page; requests to other hosts are recorded and
    then aborted (so a test never waits on the network)."""

    def __init__(self, page, server: Server) -> None:  # type: ignore[no-untyped-def]
        self.origin = urlsplit(server.url).netloc
        self.foreign: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("request", self._request)
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.route("**/*", self._route)

    def _local(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob", "about") or parts.netloc == self.origin

    def _request(self, request) -> None:  # type: ignore[no-untyped-def]
        if not self._local(request.url):
            self.foreign.append(request.url)

    def _route(self, route) -> None:  # type: ignore[no-untyped-def]
        route.continue_() if self._local(route.request.url) else route.abort()


def titles_id() -> dict[str, str]:
    """Every page's URL path and its Indonesian title, from the navigation itself."""
    from qualcode.i18n import t
    from qualcode.ui.shell import NAVIGATION

    return {url: t(title, "id") for _, entries in NAVIGATION for url, title, _, _ in entries}


OPEN_PANEL_FILLED = """() => {
    const open = [...document.querySelectorAll('[role=tabpanel]')].find(p => p.offsetParent !== null);
    return open && open.querySelector('[data-testid=stElementContainer]') !== null
        && document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning';
}"""


# A click on the summary of every visible expander still closed, in the page (one round trip for
# sixty expanders instead of sixty: each is still a real click event the expander handles).
OPEN_EXPANDERS = """() => {
    let clicked = 0;
    for (const summary of document.querySelectorAll('[data-testid=stExpander] summary')) {
        const details = summary.closest('details');
        if (summary.offsetParent !== null && details && !details.open) { summary.click(); clicked += 1; }
    }
    return clicked;
}"""


def open_everything(page, check) -> None:  # type: ignore[no-untyped-def]
    """Open every tab and every expander of the page, so hidden text renders too, and ``check`` the
    page with each tab open (a page may run only its open tab: the Review page)."""
    tabs = page.locator("[role='tab']").all()
    for tab in tabs or [None]:
        if tab is not None:
            tab.click()
            page.wait_for_function(OPEN_PANEL_FILLED)
        wait_idle(page)
        page.evaluate(OPEN_EXPANDERS)
        wait_idle(page)
        assert page.evaluate(OPEN_EXPANDERS) == 0, "every visible expander is open for the check"
        check()


def visit_every_page(page, server: Server, recorder: Recorder, shot: str) -> None:  # type: ignore[no-untyped-def]
    for name, title in titles_id().items():
        page.goto(f"{server.url}/{'' if name == 'projects' else name}")
        wait_for_app(page, title)
        assert page.locator("[data-testid='stException']").count() == 0, f"exception on {name}"
        def no_markup_from_user_text(name: str = name) -> None:
            injected = page.evaluate(INJECTED_JS)
            assert injected == [], f"markup from user text on {name}: {injected}"

        open_everything(page, no_markup_from_user_text)
        screenshot(page, f"{shot}_{name}")
    assert recorder.dialogs == [], recorder.dialogs
    assert recorder.foreign == [], recorder.foreign


def test_no_page_requests_anything_from_another_host(demo_server, page):
    recorder = Recorder(page, demo_server)
    visit_every_page(page, demo_server, recorder, "requests")
    assert recorder.errors == []


def test_payloads_in_every_field_stay_text_on_every_page(hostile_server, page):
    recorder = Recorder(page, hostile_server)
    visit_every_page(page, hostile_server, recorder, "xss")
    # The text is there, as text: the code name shows literally in the Codebook tree.
    page.goto(f"{hostile_server.url}/codebook")
    wait_for_app(page, "Buku kode")
    summary = page.locator("summary", has_text="code-name-id <script>").first
    summary.wait_for()
    # Streamlit's own directives (colour, icon, emoji) stay text too (the word joiner is invisible).
    assert ":red[merah] :material/home: :smile: **tebal**" in summary.inner_text().replace("\u2060", "")
    # The study report, previewed in its sandboxed frame: payloads are text there too.
    page.goto(f"{hostile_server.url}/export")
    wait_for_app(page, "Ekspor")
    page.locator("[role='tab']").last.click()
    page.get_by_role("button", name="Siapkan").first.click()
    screenshot(page, "xss_report_preview")
    page.locator("iframe.qc-frame").wait_for()
    frame = page.frame_locator("iframe.qc-frame")
    frame.locator("h3", has_text="<script>").first.wait_for()
    assert frame.locator("[data-xss], script, iframe, form").count() == 0
    assert page.locator("iframe.qc-frame").get_attribute("sandbox") == ""
    assert recorder.dialogs == [] and recorder.foreign == [], (recorder.dialogs, recorder.foreign)
