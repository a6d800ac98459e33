"""Report benchmark: the thesis-appendix report on the demo project.

Builds the demo in a temporary SQLite file, adds what a study has by the time it writes its
appendix (memos on the project, a document, a code and a segment; summary sheets; pattern codes;
conclusions with evidence from several groups and the tactics applied), then times
``build_report`` (charts rendered to PNG included), ``render_html`` and ``render_docx`` (median of
three runs, after one warm-up that starts vl-convert) and prints seconds and file sizes.

Run: ``.venv/bin/python -m bench.report_bench [--out DIR]`` (``--out`` keeps report.html and
report.docx there, e.g. to look at them in a browser).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.db import make_engine, read_session, unit_of_work
from qualcode.demo import load_demo
from qualcode.migrate import upgrade
from qualcode.models import Code, Document
from qualcode.read.frame import coding_frame
from qualcode.report import build_report, render_docx, render_html
from qualcode.services import analysis as analysis_service
from qualcode.services import memos as memo_service
from qualcode.services import projects as project_service
from qualcode.services.codings import code_span


def seed_analysis(session: Session, project_id: int, actor_id: int) -> None:
    """Memos, summary sheets, pattern codes and two conclusions with evidence and tactics."""
    codes = {c.key: c for c in session.scalars(select(Code).where(Code.project_id == project_id))}
    docs = list(session.scalars(select(Document).where(Document.project_id == project_id).order_by(Document.id)))
    frame = coding_frame(session, project_id, spans=True)
    ansell = frame[frame["code_id"].isin([c.id for c in codes.values() if c.codebook_id == codes["small_wins"].codebook_id])]
    # Najam's 5Cs with a direction on the spans already coded with Ansell & Gash: the cross-framework matrix.
    factors = ("content", "context", "commitment", "capacity", "clients_coalitions")
    spans = ansell[["document_id", "start", "end"]].drop_duplicates().itertuples(index=False)
    for i, (doc_id, start, end) in enumerate(spans):
        code_span(session, int(doc_id), int(start), int(end), codes[factors[i % 5]].id, actor_id=actor_id)
        code_span(session, int(doc_id), int(start), int(end), codes["supporting" if i % 3 else "inhibiting"].id,
                  actor_id=actor_id)
    seg_of = lambda key: frame.loc[frame["code_id"] == codes[key].id, "segment_id"].drop_duplicates().tolist()  # noqa: E731
    memo_service.add_memo(session, project_id, "Kolaborasi bergerak dari koordinasi formal ke dialog rutin.\n"
                          "Perlu dicek: apakah operator swasta melihatnya sama?", actor_id=actor_id,
                          title="Memo awal: arah temuan")
    memo_service.add_memo(session, project_id, "Informan banyak bicara soal aturan main; sedikit soal data.",
                          actor_id=actor_id, title="Catatan wawancara", document_id=docs[0].id)
    memo_service.add_memo(session, project_id, "Aturan dasar sering muncul bersama transparansi proses.",
                          actor_id=actor_id, title="Pola aturan", code_id=codes["clear_ground_rules"].id)
    rules, wins = seg_of("clear_ground_rules"), seg_of("small_wins")
    memo_service.add_memo(session, project_id, "Kutipan kunci untuk bab 4.", actor_id=actor_id, title="Kutipan kunci",
                          segment_id=rules[0])
    for doc in docs[:3]:
        segs = frame.loc[frame["document_id"] == doc.id, "segment_id"].drop_duplicates().tolist()[:2]
        analysis_service.save_summary_sheet(
            session, project_id, doc.id, actor_id=actor_id, main_themes="Integrasi layanan; peran dinas",
            salient_points="Rapat koordinasi mingguan\nMoU dengan operator", next_questions="Siapa memutuskan tarif?",
            segment_ids=segs)
    design = [codes[k].id for k in ("clear_ground_rules", "process_transparency", "forum_exclusiveness")]
    analysis_service.save_pattern_code(session, project_id, "Aturan main yang terbuka", design, actor_id=actor_id,
                                       definition="Aturan dasar dan transparansi yang membuat mitra mau terlibat.",
                                       memo="Tema utama bab 4.")
    results = [codes[k].id for k in ("small_wins", "joint_fact_finding", "strategic_plans")]
    analysis_service.save_pattern_code(session, project_id, "Hasil antara", results, actor_id=actor_id)
    first = analysis_service.add_conclusion(session, project_id, "Aturan dasar yang jelas menumbuhkan kepercayaan",
                                            actor_id=actor_id, code_id=codes["clear_ground_rules"].id,
                                            status="supported")
    for seg in rules[:3]:
        analysis_service.link_evidence(session, first.id, seg, "supporting", actor_id=actor_id)
    analysis_service.link_evidence(session, first.id, rules[-1], "contradicting", actor_id=actor_id,
                                   note="Operator swasta meragukan.")
    for tactic, note in (("triangulating", "Pemerintah dan swasta"), ("looking_for_negative_evidence", "")):
        analysis_service.record_tactic(session, first.id, tactic, actor_id=actor_id, note=note)
    second = analysis_service.add_conclusion(session, project_id, "Keberhasilan kecil menjaga komitmen",
                                             actor_id=actor_id, code_id=codes["small_wins"].id)
    for seg in wins[:2]:
        analysis_service.link_evidence(session, second.id, seg, "supporting", actor_id=actor_id)
    analysis_service.record_tactic(session, second.id, "noting_patterns", actor_id=actor_id)


def _median(work: Callable[[], object]) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of three runs (CPU time is steadier on a shared machine)."""
    wall, cpu = [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="keep report.html and report.docx in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'report.db'}"
        upgrade(url)
        engine = make_engine(url)
        with unit_of_work(engine) as session:
            pid = load_demo(session).project_id
            uid = project_service.get_user_by_login(session, "peneliti").id
            seed_analysis(session, pid, uid)
        with read_session(engine) as session:
            started = time.perf_counter()
            report = build_report(session, pid, actor_id=uid, lang="id")
            first = time.perf_counter() - started
            build = _median(lambda: build_report(session, pid, actor_id=uid, lang="id"))
        html_s = _median(lambda: render_html(report))
        docx_s = _median(lambda: render_docx(report))
        html, docx = render_html(report), render_docx(report)
        print(f"demo report: {len(report.displays)} displays, {len(report.charts)} charts, {len(report.memos)} memos, "
              f"{len(report.summary_sheets)} summary sheets, {len(report.patterns)} pattern codes, "
              f"{len(report.conclusions)} conclusions")
        print(f"build_report (first, vl-convert starting): {first:.2f} s")
        print(f"build_report (median of 3): {build[0]:.2f} s ({build[1]:.2f} s CPU)")
        print(f"render_html: {html_s[0]:.3f} s ({html_s[1]:.3f} s CPU, {len(html) / 1024:.0f} KiB)")
        print(f"render_docx: {docx_s[0]:.3f} s ({docx_s[1]:.3f} s CPU, {len(docx) / 1024:.0f} KiB)")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / "report.html").write_text(html, encoding="utf-8")
            (args.out / "report.docx").write_bytes(docx)
            print(f"wrote {args.out / 'report.html'} and {args.out / 'report.docx'}")
        engine.dispose()


if __name__ == "__main__":
    main()
