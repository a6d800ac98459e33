"""The study report on the demo project: codebook definitions, frequencies, matrices, conclusions
with quotes and triangulation; as escaped HTML and as a Word file that python-docx opens."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from docx import Document as DocxDocument
from docx.oxml.ns import qn
from sqlalchemy import select

from qualcode.analysis import displays
from qualcode.demo import DEMO_PROJECT, load_demo
from qualcode.i18n import catalogue, t
from qualcode.models import Code, Codebook, Document
from qualcode.report import MatrixChoice, build_report, render_docx, render_html
from qualcode.services import analysis as analysis_service
from qualcode.services import cases as case_service
from qualcode.services import projects as project_service
from qualcode.services.codings import code_span
from tests import factories
from tests.test_cli import ROOT

EVIL = 'Kata informan: <script>alert("x")</script> & "kutipan" apa adanya.'


@pytest.fixture
def cited_demo(session):
    """The demo project plus a document whose quote holds markup, coded and cited as evidence."""
    report = load_demo(session)
    pid = report.project_id
    uid = project_service.get_user_by_login(session, "peneliti").id
    trust = session.scalar(select(Code).where(Code.project_id == pid, Code.key == "trust_building"))
    doc = factories.document(session, pid, uid, f"I: {EVIL}\n", title="W99 <b>markup</b>")
    case = case_service.save_case(session, pid, actor_id=uid, pseudonym="Informan Z9", stakeholder_group="masyarakat")
    case_service.link_case(session, case.id, doc.id, actor_id=uid)
    evil = code_span(session, doc.id, 3, 3 + len(EVIL), trust.id, actor_id=uid)
    other = session.scalar(select(Document).where(Document.project_id == pid, Document.id != doc.id,
                                                  Document.kind == "interview").order_by(Document.id))
    plain = code_span(session, other.id, 0, 40, trust.id, actor_id=uid)
    conclusion = analysis_service.add_conclusion(session, pid, "Kepercayaan tumbuh dari rapat rutin", actor_id=uid,
                                                 code_id=trust.id, status="supported")
    analysis_service.link_evidence(session, conclusion.id, evil.segment_id, "supporting", actor_id=uid,
                                   note="catatan <i>peneliti</i>")
    analysis_service.link_evidence(session, conclusion.id, plain.segment_id, "contradicting", actor_id=uid)
    analysis_service.record_tactic(session, conclusion.id, "triangulating", actor_id=uid)
    session.flush()
    return pid, uid, trust, other.text[:40]


def test_html_report_holds_definitions_frequencies_quotes_and_escapes_markup(session, cited_demo):
    pid, uid, trust, plain_text = cited_demo
    report = build_report(session, pid, actor_id=uid, lang="en")
    html = render_html(report)
    assert "<script" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<b>markup" not in html and "W99 &lt;b&gt;markup&lt;/b&gt;" in html
    assert "catatan &lt;i&gt;peneliti&lt;/i&gt;" in html
    assert trust.definition and trust.definition.split()[0] in html  # the codebook's definitions
    assert "Codebooks" in html and "Conclusions and their evidence" in html and "data:image/png;base64," in html
    freq = displays.code_frequencies(session, pid, lang="en")
    row = freq[freq["key"] == "trust_building"].iloc[0]
    assert (f'<td>{row["label"]}</td><td class="num">{int(row["codings"])}</td>'
            f'<td class="num">{int(row["segments"])}</td>') in html
    assert "Informan Z9" in html and "masyarakat" in html  # pseudonym and group with the quote
    assert " ".join(plain_text.split()[:3]) in " ".join(html.split())
    assert "supported" in html and "triangulating" in html
    assert "Role-ordered matrix" in html  # the default matrices: one per codebook with codings


def test_docx_report_opens_with_the_same_headings_and_the_frequency_table(session, cited_demo):
    pid, uid, _, _ = cited_demo
    ansell = session.scalar(select(Codebook).where(Codebook.project_id == pid, Codebook.key == "ansell_gash_2008"))
    najam = session.scalar(select(Codebook).where(Codebook.project_id == pid, Codebook.key == "najam_5c_1995"))
    report = build_report(session, pid, actor_id=uid, lang="id", matrices=[
        MatrixChoice("case", ansell.id), MatrixChoice("role", ansell.id), MatrixChoice("cross", ansell.id, najam.id)])
    doc = DocxDocument(io.BytesIO(render_docx(report)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    html_headings = re.findall(r"<h[1-4]>(.*?)</h[1-4]>", render_html(report))
    assert headings == [h.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
                        for h in html_headings]
    assert "Buku kode" in headings and "Frekuensi kode" in headings and "Triangulasi" in headings
    frequencies = next(t for t in doc.tables if t.rows[0].cells[0].text == "Buku kode")
    header = [c.text for c in frequencies.rows[0].cells]
    assert header == ["Buku kode", "Kode", "Pengodean", "Segmen", "Dokumen", "Informan"]
    rows = {r.cells[1].text: [c.text for c in r.cells[2:]] for r in frequencies.rows[1:]}
    freq = report.frequencies.set_index("Kode")
    assert rows["Membangun kepercayaan"] == [str(v) for v in freq.loc["Membangun kepercayaan"].iloc[1:].tolist()]
    quotes = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert any(EVIL in q for q in quotes) and any(q.startswith("bertentangan") for q in quotes)
    assert any("Matriks berdasarkan kasus" in h for h in headings)
    assert any("Matriks lintas kerangka" in h for h in headings)
    cross = next(t for t in doc.tables if t.rows[0].cells[0].text == "Dimensi")
    factors, directions = [c.text for c in cross.rows[0].cells], [c.text for c in cross.rows[1].cells]
    assert factors[:3] == ["Dimensi", "Isi kebijakan", "Isi kebijakan"]  # a factor spans its two directions
    assert directions[:3] == ["Dimensi", "pendukung", "penghambat"]


def test_report_without_codings_or_conclusions_says_so(session):
    project = factories.project(session)
    uid = factories.owner(session).id
    factories.codebook(session, project.id, uid)
    report = build_report(session, project.id, actor_id=uid, lang="en")
    html = render_html(report)
    assert "No codings yet." in html and "No conclusions in the register yet." in html
    assert "Trust-building" in html and "Upaya membangun rasa saling percaya." in html
    DocxDocument(io.BytesIO(render_docx(report)))


def test_the_report_says_negative_evidence_was_sought_when_the_tactic_was_recorded(session):
    """A conclusion without contradicting evidence whose "looking for negative evidence" tactic was
    recorded: the report says it was sought and none found, not "not yet sought" (in its
    triangulation and in the methods table); one without the tactic still says not yet sought."""
    project = factories.project(session)
    uid = factories.owner(session).id
    codes = factories.codebook(session, project.id, uid)
    doc = factories.document(session, project.id, uid, factories.INTERVIEW + "W01", title="W01")
    segment = code_span(session, doc.id, 3, 30, codes["trust_building"].id, actor_id=uid).segment_id
    sought = analysis_service.add_conclusion(session, project.id, "Dicari dan tidak ada", actor_id=uid)
    analysis_service.link_evidence(session, sought.id, segment, "supporting", actor_id=uid)
    analysis_service.record_tactic(session, sought.id, "looking_for_negative_evidence", actor_id=uid)
    unsought = analysis_service.add_conclusion(session, project.id, "Belum dicari", actor_id=uid)
    analysis_service.link_evidence(session, unsought.id, segment, "supporting", actor_id=uid)
    session.flush()
    for lang, said, not_sought, short in (
            ("id", "Bukti negatif sudah dicari; tidak ada bukti yang bertentangan ditemukan.",
             "bukti negatif belum dicari", "bukti negatif dicari, tidak ditemukan"),
            ("en", "Negative evidence was sought; no contradicting evidence was found.",
             "negative evidence not yet sought", "negative evidence sought, none found")):
        report = build_report(session, project.id, actor_id=uid, lang=lang)
        assert [c.flags[-1] for c in report.conclusions] == ["negative_sought", "no_negative"]
        html = render_html(report)
        assert said in html and html.count(not_sought) == 1 and short in html
        assert f"<p>{said}</p>" in html, "said plainly, not in the warnings' style"
        assert f'<p class="flag">{t("report.flag_no_negative", lang)}</p>' in html, "not yet sought stays flagged"
        # the one without the tactic is the one still said not sought
        assert html.index(not_sought) > html.index("Belum dicari") > html.index(said)
        paragraphs = DocxDocument(io.BytesIO(render_docx(report))).paragraphs
        assert said in "\n".join(p.text for p in paragraphs)
        assert not any(r.bold for p in paragraphs if p.text == said for r in p.runs)


def test_every_dynamic_report_key_exists():
    from qualcode.analysis.tables import CONCLUSION_STATUSES, EVIDENCE_STANCES, TACTICS

    known = set(catalogue("en"))
    dynamic = {f"report.status_{s}" for s in CONCLUSION_STATUSES} | {f"report.stance_{s}" for s in EVIDENCE_STANCES}
    from qualcode.analysis.register import TRIANGULATION_FLAGS

    dynamic |= {f"report.{kind}_{f}" for f in TRIANGULATION_FLAGS for kind in ("flag", "short")}
    dynamic |= {f"analysis.tactic_{x}" for x in TACTICS} | {f"report.direction_{d}" for d in ("supporting", "inhibiting")}
    assert dynamic <= known, dynamic - known


def test_cli_writes_docx_and_html(tmp_path, demo_url):
    env = {"QUALCODE_DATA_DIR": str(tmp_path), "QUALCODE_DATABASE_URL": demo_url, "PATH": "/usr/bin:/bin"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "qualcode", "report", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)

    out = tmp_path / "laporan.docx"
    result = run("--project", DEMO_PROJECT, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Buku kode" in [p.text for p in DocxDocument(str(out)).paragraphs]
    page = tmp_path / "report.html"
    assert run("--project", DEMO_PROJECT, "--out", str(page), "--language", "en").returncode == 0
    assert "<h2>Code frequencies</h2>" in page.read_text(encoding="utf-8")
    bad = run("--project", DEMO_PROJECT, "--out", str(tmp_path / "report.pdf"))
    assert bad.returncode == 2 and ".pdf" in bad.stderr
    missing = run("--project", "Tidak ada", "--out", str(out))
    assert missing.returncode == 2 and "Tidak ada" in missing.stderr


def test_export_page_prepares_the_report_with_a_preview(demo_url):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/export.py").run()
    assert not at.exception, [e.value for e in at.exception]
    box = next(m for m in at.multiselect if m.key == "ex_report_matrices")
    # role-ordered matrices of the two codebooks with codings, and the cross-framework pair they name
    assert len(box.value) == 3 and [c.kind for c in box.value] == ["role", "role", "cross"]
    next(b for b in at.button if b.key == "ex_prepare_report").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Laporan penelitian: " + DEMO_PROJECT == at.session_state["ex_report"][1].split("<title>")[1].split("<")[0]
    assert any(s.value == "Pratinjau" for s in at.subheader)
    charts = at.session_state["ex_report"][3]  # every chart offered as a PNG download of its own
    assert charts and all(png.startswith(b"\x89PNG") and name.endswith(".png") for _, name, png in charts)
    assert "Segmen berkode per kode" in charts[0][0]


def test_report_appendix_carries_unitizing_alpha_and_the_review_trail(session):
    """Two coders on one document, a change request and an approval: both renderers show the
    supervision appendix with the same headings, the unitizing alpha and the review history."""
    from qualcode.review.workflow import mark_review
    from qualcode.services import codings, projects

    project = factories.project(session)
    owner = factories.owner(session)
    second = projects.create_user(session, "koder2", "Koder Dua")
    projects.set_member(session, project.id, second.id, "researcher", actor_id=owner.id)
    sup = projects.create_user(session, "pembimbing", "Bu <b>Pembimbing</b>")
    projects.set_member(session, project.id, sup.id, "supervisor", actor_id=owner.id)
    codes = factories.codebook(session, project.id, owner.id)
    doc = factories.document(session, project.id, owner.id)
    for coder, end in ((owner.id, 60), (second.id, 64)):
        codings.code_span(session, doc.id, 40, end, codes["trust_building"].id, actor_id=coder)
    mark_review(session, "changes_requested", document_id=doc.id, actor_id=sup.id, comment="Cek <batas> segmen.")
    mark_review(session, "approved", document_id=doc.id, actor_id=sup.id)
    report = build_report(session, project.id, actor_id=owner.id, lang="en")
    html = render_html(report)
    assert "<h2>Appendix: supervision</h2>" in html
    assert "Cek &lt;batas&gt; segmen." in html and "Bu &lt;b&gt;Pembimbing&lt;/b&gt;" in html
    assert "changes requested" in html and "approved" in html
    table = report.review.unitizing.set_index("Code")
    assert table.loc["trust_building", "Unitizing verdict"] in {"reliable", "tentative", "unreliable"}
    assert list(report.review.history["Status"]) == ["changes requested", "approved"]
    doc_file = DocxDocument(io.BytesIO(render_docx(report)))
    headings = [p.text for p in doc_file.paragraphs if p.style.name.startswith("Heading")]
    assert headings[-4:] == ["Appendix: supervision", "Agreement on coded spans (Krippendorff's unitizing alpha)",
                             "Review status of documents and codes", "Review history"]


# --- the thesis appendix (issue 15) ----------------------------------------------------------------

PAYLOAD = "<script>alert('memo')</script>"


@pytest.fixture
def appendix_demo(session, cited_demo):
    """The cited demo plus what a study has when it writes its appendix: memos on the project, a
    document, a code (named with markup) and a segment; a summary sheet; a pattern code; a Najam
    factor with a direction on an Ansell & Gash segment; a tactic with a note."""
    from qualcode.analysis.tables import Conclusion
    from qualcode.services import codes as code_service
    from qualcode.services import memos as memo_service

    pid, uid, trust, _ = cited_demo
    codes = {c.key: c for c in session.scalars(select(Code).where(Code.project_id == pid))}
    doc = session.scalar(select(Document).where(Document.project_id == pid, Document.title == "W99 <b>markup</b>"))
    segment_id = factories_segment(session, doc.id)
    evil_code = code_service.create_code(session, pid, f"Kode {PAYLOAD}", actor_id=uid)
    memo_service.add_memo(session, pid, f"Isi memo proyek {PAYLOAD}\nbaris kedua", actor_id=uid,
                          title=f"Judul {PAYLOAD}")
    memo_service.add_memo(session, pid, "Memo tentang satu wawancara.", actor_id=uid, title="Memo dokumen",
                          document_id=doc.id)
    memo_service.add_memo(session, pid, "Memo tentang kode jahat.", actor_id=uid, title="Memo kode",
                          code_id=evil_code.id)
    memo_service.add_memo(session, pid, "Memo tentang segmen.", actor_id=uid, title="Memo segmen",
                          segment_id=segment_id)
    analysis_service.save_summary_sheet(session, pid, doc.id, actor_id=uid, main_themes=f"Tema {PAYLOAD}",
                                        salient_points="Rapat rutin", next_questions="Siapa memutuskan?",
                                        segment_ids=[segment_id])
    analysis_service.save_pattern_code(session, pid, "Siklus <i>kolaborasi</i>",
                                       [trust.id, codes["face_to_face_dialogue"].id], actor_id=uid,
                                       definition="Dialog dan kepercayaan saling menguatkan.")
    code_span(session, doc.id, 3, 3 + len(EVIL), codes["capacity"].id, actor_id=uid)
    code_span(session, doc.id, 3, 3 + len(EVIL), codes["supporting"].id, actor_id=uid)
    conclusion = session.scalar(select(Conclusion).where(Conclusion.project_id == pid))
    analysis_service.record_tactic(session, conclusion.id, "looking_for_negative_evidence", actor_id=uid,
                                   note="Dicari di wawancara swasta")
    analysis_service.add_conclusion(session, pid, "Komitmen belum merata", actor_id=uid, status="tentative")
    session.flush()
    return pid, uid


def factories_segment(session, document_id: int) -> int:
    from qualcode.models import Segment

    return session.scalar(select(Segment.id).where(Segment.document_id == document_id).order_by(Segment.id))


def _sections(html: str) -> dict[str, str]:
    """The HTML's main sections by their heading."""
    parts = re.split(r"<section[^>]*>\s*<h2>", html)[1:]
    return {part.split("</h2>", 1)[0]: part.split("</h2>", 1)[1] for part in parts}


def test_appendix_sections_hold_the_projects_analysis_in_thesis_order(session, appendix_demo):
    pid, uid = appendix_demo
    report = build_report(session, pid, actor_id=uid, lang="en")
    html = render_html(report)
    sections = _sections(html)
    assert list(sections) == ["Project and method", "Codebooks", "Code frequencies", "Analytic memos",
                              "Contact summary sheets", "Pattern codes", "Data displays", "Conclusions and their evidence",
                              "Verification: tactics and triangulation per conclusion", "Appendix: supervision"]
    method = sections["Project and method"]
    assert "Miles, Huberman and Saldaña" in method and "<td>Analytic memos</td><td>4</td>" in method
    memos = sections["Analytic memos"]
    for heading in ("Memos on the project", "Memos on documents", "Memos on codes", "Memos on segments"):
        assert f"<h3>{heading}</h3>" in memos
    assert memos.index("Memos on the project") < memos.index("Memos on segments")
    assert "Judul &lt;script&gt;" in memos and "Isi memo proyek &lt;script&gt;alert(&#x27;memo&#x27;)" in memos
    assert "baris kedua" in memos and "Peneliti" in memos  # the body's lines and the author
    assert "On the document W99 &lt;b&gt;markup&lt;/b&gt;" in memos and "On the code Kode &lt;script&gt;" in memos
    sheets = sections["Contact summary sheets"]
    assert "<h3>W99 &lt;b&gt;markup&lt;/b&gt;</h3>" in sheets and "Tema &lt;script&gt;" in sheets
    assert "Informan Z9 (masyarakat)" in sheets and "Rapat rutin" in sheets and "Siapa memutuskan?" in sheets
    patterns = sections["Pattern codes"]
    assert "Siklus &lt;i&gt;kolaborasi&lt;/i&gt;" in patterns
    assert "(trust_building)" in patterns and "(face_to_face_dialogue)" in patterns
    displays_html = sections["Data displays"]
    assert "Cross-framework matrix: Collaborative governance" in displays_html
    assert 'colspan="2" class="group">Capacity</th>' in displays_html and "<th scope=\"col\">supporting</th>" in displays_html
    assert "--heat:#" in displays_html  # shaded cells
    roles = sum(title.startswith("Role-ordered") for title, _ in report.matrices)
    assert roles == 3 and displays_html.count("data:image/png;base64,") == roles  # a chart per role-ordered matrix
    methods = sections["Verification: tactics and triangulation per conclusion"]
    rows = re.findall(r"<tr>(.*?)</tr>", methods.split("<tbody>")[1])
    assert len(rows) == len(report.conclusions) == 2
    first, second = ([re.sub("<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>.*?</td>", row)] for row in rows)
    assert first[1] == "Kepercayaan tumbuh dari rapat rutin" and first[2] == "supported"
    assert "triangulating" in first[3] and "looking for negative evidence: Dicari di wawancara swasta" in first[3]
    assert first[4] == "1 supporting, 1 contradicting" and first[5] == "masyarakat" and first[6] == "interview"
    assert "Informan Z9" in first[7] and first[8].startswith("thin (one group only")
    assert second[1] == "Komitmen belum merata" and second[3] == "—" and second[8].startswith("thin (no supporting")
    # Nothing is fetched and nothing runs: images inline, no remote address, every payload escaped.
    assert "<script" not in html and "<img src=\"data:image/png;base64," in html
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", html, re.IGNORECASE)
    assert "<i>kolaborasi" not in html and "<b>markup" not in html


def test_appendix_docx_has_the_same_sections_pictures_and_methods_table(session, appendix_demo):
    import zipfile

    pid, uid = appendix_demo
    report = build_report(session, pid, actor_id=uid, lang="id")
    data = render_docx(report)
    media = [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("word/media/")]
    assert len(media) == len(report.charts) == 4 and all(n.endswith(".png") for n in media)  # frequencies, 3 roles
    doc = DocxDocument(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Proyek dan metode", "Buku kode", "Frekuensi kode", "Memo analitis", "Lembar ringkasan kontak",
                        "Kode pola", "Penyajian data", "Kesimpulan dan buktinya",
                        "Verifikasi: taktik dan triangulasi per kesimpulan", "Lampiran: supervisi"]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"Isi memo proyek {PAYLOAD}\nbaris kedua" in text and f"Tema {PAYLOAD}" in text  # user text as text
    patterns = next(t for t in doc.tables if t.rows[0].cells[0].text == "Kode pola")
    assert patterns.rows[1].cells[0].text == "Siklus <i>kolaborasi</i>" and "(trust_building)" in patterns.rows[1].cells[2].text
    methods = next(t for t in doc.tables if t.rows[0].cells[0].text == "#")
    assert [r.cells[1].text for r in methods.rows[1:]] == ["Kepercayaan tumbuh dari rapat rutin", "Komitmen belum merata"]
    assert methods.rows[1].cells[8].text.startswith("tipis")
    # Displays and the methods table sit on landscape pages; header rows repeat on each page.
    from docx.enum.section import WD_ORIENT

    assert [s.orientation for s in doc.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT,
                                                     WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert methods.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    cross = next(t for t in doc.tables if t.rows[0].cells[0].text == "Dimensi")
    fills = [c._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) for r in cross.rows[2:] for c in r.cells[1:]
             if c._tc.tcPr is not None and c._tc.tcPr.find(qn("w:shd")) is not None]
    assert fills and all(re.fullmatch(r"[0-9A-F]{6}", f) for f in fills)


def test_report_in_print_keeps_sections_on_pages_and_wide_tables_whole(session, appendix_demo, tmp_path, browser):
    """Chromium prints the HTML: a page per main section, displays on landscape pages, and no
    table wider than its page (nothing cut). ``browser`` is the browser tests' one Chromium
    (Playwright's sync API runs once per process)."""
    pid, uid = appendix_demo
    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(build_report(session, pid, actor_id=uid, lang="en")), encoding="utf-8")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_viewport_size({"width": 1100, "height": 900})
        page.goto(page_file.as_uri())
        page.emulate_media(media="print")
        checks = page.evaluate("""() => [...document.querySelectorAll('section')].map(s => ({
            wide: s.classList.contains('wide'), page: getComputedStyle(s).page,
            breaks: getComputedStyle(s).breakBefore,
            cut: [...s.querySelectorAll('.table')].filter(t => t.scrollWidth > t.clientWidth + 1).length}))""")
        pdf = page.pdf(format="A4")
    finally:
        context.close()
    assert [c["breaks"] for c in checks][1:] == ["page"] * (len(checks) - 1)
    assert [c["page"] for c in checks if c["wide"]] == ["wide", "wide"]
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= len(checks)
    # In print every table fits its page: portrait sections at A4 portrait's printable width (the
    # cross-framework matrix would not), landscape sections at A4 landscape's.
    cut = {}
    context = browser.new_context()
    try:
        for width, sections in ((680, "section:not(.wide)"), (1010, "section.wide")):
            page = context.new_page()
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(page_file.as_uri())
            page.emulate_media(media="print")
            cut[sections] = page.evaluate("""(s) => [...document.querySelectorAll(s + ' .table')].filter(
                t => t.querySelector('table').getBoundingClientRect().width > t.clientWidth + 1).length""", sections)
    finally:
        context.close()
    assert cut == {"section:not(.wide)": 0, "section.wide": 0}


def test_excerpt_and_checklist_displays_show_the_researchers_cells(session, appendix_demo):
    """A case-ordered matrix of condensed excerpts and a checklist matrix (present, strength,
    segments) per informant; their cells are text, so they are not shaded."""
    from qualcode.models import Case

    pid, uid = appendix_demo
    ansell = session.scalar(select(Codebook).where(Codebook.project_id == pid, Codebook.key == "ansell_gash_2008"))
    process = session.scalar(select(Code).where(Code.project_id == pid, Code.key == "collaborative_process"))
    trust = session.scalar(select(Code).where(Code.project_id == pid, Code.key == "trust_building"))
    z9 = session.scalar(select(Case).where(Case.project_id == pid, Case.pseudonym == "Informan Z9"))
    segment = factories_segment(session, session.scalar(select(Document.id).where(
        Document.project_id == pid, Document.title == "W99 <b>markup</b>")))
    analysis_service.condense_segment(session, pid, segment, trust.id, "Rapat rutin <b>membangun</b> percaya",
                                      actor_id=uid)
    analysis_service.rate_case(session, pid, z9.id, process.id, actor_id=uid, present=True, strength=2)
    report = build_report(session, pid, actor_id=uid, lang="en", matrices=[
        MatrixChoice("excerpt", ansell.id), MatrixChoice("checklist", ansell.id)])
    excerpt, checklist = report.displays
    assert excerpt.title.startswith("Case-ordered matrix (informant by dimension, condensed excerpts)")
    assert excerpt.table.loc[("Informan Z9", "masyarakat"), "Collaborative process"] == \
        "Rapat rutin <b>membangun</b> percaya"
    assert checklist.table.loc[("Informan Z9", "masyarakat"), "Collaborative process"] == "✓ ●●○ (1 seg.)"
    assert checklist.table.loc[("Informan Z9", "masyarakat"), "Outcomes"] == "(0 seg.)"
    assert not excerpt.shade and not checklist.shade and excerpt.chart is None
    html = render_html(report)
    assert "Rapat rutin &lt;b&gt;membangun&lt;/b&gt; percaya" in html and "<td>✓ ●●○ (1 seg.)</td>" in html
    displays_html = _sections(html)["Data displays"]
    assert "--heat" not in displays_html
    doc = DocxDocument(io.BytesIO(render_docx(report)))
    assert any(c.text == "✓ ●●○ (1 seg.)" for t in doc.tables for r in t.rows for c in r.cells)
