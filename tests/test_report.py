"""The study report on the demo project: codebook definitions, frequencies, matrices, conclusions
with quotes and triangulation; as escaped HTML and as a Word file that python-docx opens."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from docx import Document as DocxDocument
from sqlalchemy import select

from qualcode.analysis import displays
from qualcode.demo import DEMO_PROJECT, load_demo
from qualcode.i18n import catalogue
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
    assert "Codebooks" in html and "Conclusions and their evidence" in html and "<svg" in html
    freq = displays.code_frequencies(session, pid, lang="en")
    row = freq[freq["key"] == "trust_building"].iloc[0]
    assert f"<td>{row['label']}</td><td>{int(row['codings'])}</td><td>{int(row['segments'])}</td>" in html
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
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert header == ["Buku kode", "Kode", "Pengodean", "Segmen", "Dokumen", "Informan"]
    rows = {r.cells[1].text: [c.text for c in r.cells[2:]] for r in doc.tables[0].rows[1:]}
    freq = report.frequencies.set_index("Kode")
    assert rows["Membangun kepercayaan"] == [str(v) for v in freq.loc["Membangun kepercayaan"].iloc[1:].tolist()]
    quotes = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert any(EVIL in q for q in quotes) and any(q.startswith("bertentangan") for q in quotes)
    assert any("Matriks berdasarkan kasus" in h for h in headings)
    assert any("Matriks lintas kerangka" in h for h in headings)
    cross = doc.tables[3].rows[0].cells
    assert cross[0].text == "Dimensi" and cross[1].text.endswith("· pendukung") and cross[2].text.endswith("· penghambat")


def test_report_without_codings_or_conclusions_says_so(session):
    project = factories.project(session)
    uid = factories.owner(session).id
    factories.codebook(session, project.id, uid)
    report = build_report(session, project.id, actor_id=uid, lang="en")
    html = render_html(report)
    assert "No codings yet." in html and "No conclusions in the register yet." in html
    assert "Trust-building" in html and "Upaya membangun rasa saling percaya." in html
    DocxDocument(io.BytesIO(render_docx(report)))


def test_every_dynamic_report_key_exists():
    from qualcode.analysis.tables import CONCLUSION_STATUSES, EVIDENCE_STANCES, TACTICS

    known = set(catalogue("en"))
    dynamic = {f"report.status_{s}" for s in CONCLUSION_STATUSES} | {f"report.stance_{s}" for s in EVIDENCE_STANCES}
    dynamic |= {f"report.flag_{f}" for f in ("no_evidence", "one_group", "one_kind", "no_negative")}
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
    assert len(box.value) == 2  # role-ordered matrices of the two codebooks with codings
    next(b for b in at.button if b.key == "ex_prepare_report").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Laporan penelitian: " + DEMO_PROJECT == at.session_state["ex_report"][1].split("<title>")[1].split("<")[0]
    assert any(s.value == "Pratinjau" for s in at.subheader)


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
