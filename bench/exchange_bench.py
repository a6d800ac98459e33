"""Exchange benchmark: a generated project of 200 documents with 50,000 codings on SQLite.

Times (1) exporting it as ``.qdpx``, (2) importing that file into a fresh project (one
transaction), (3) the coded-segments table and its CSV and XLSX files.
Run: ``.venv/bin/python -m bench.exchange_bench`` (``--documents``, ``--codings`` to change the size).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from bench.generate import transcript
from qualcode.codebooks import load_codebook_file
from qualcode.db import make_engine, unit_of_work
from qualcode.exports import coded_segments, to_csv, to_xlsx
from qualcode.migrate import upgrade
from qualcode.models import Case, Coding, Document, Segment, case_documents
from qualcode.services import codebooks as codebook_service
from qualcode.services import projects as project_service
from qualcode.services.exchange import export_project, import_project
from qualcode.services.imports import store_turns
from qualcode.text import checksum, normalise_text, snippet

ROOT = Path(__file__).resolve().parent.parent


def build(url: str, n_documents: int, n_codings: int) -> tuple[int, int]:
    """The project, written straight into the tables (building it is not what is measured)."""
    rng = random.Random(8)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        owner = project_service.ensure_user(session, "peneliti", "Peneliti")
        second = project_service.ensure_user(session, "rekan", "Rekan")
        project = project_service.create_project(session, "Bench exchange", owner_id=owner.id)
        project_service.set_member(session, project.id, second.id, "researcher", actor_id=owner.id)
        code_ids = []
        for path in sorted((ROOT / "codebooks").glob("*.yaml")):
            book = codebook_service.apply_codebook(session, project.id, load_codebook_file(path), actor_id=owner.id)
            session.flush()
            code_ids += [c.id for c in book.codes]
        per_doc = n_codings // n_documents
        for number in range(n_documents):
            text = normalise_text(transcript(1500, seed=number))
            doc = Document(project_id=project.id, title=f"Wawancara {number:03d}", text=text, length=len(text),
                           checksum=checksum(text), kind="interview" if number % 4 else "observation")
            session.add(doc)
            session.flush()
            store_turns(session, doc)
            case = Case(project_id=project.id, pseudonym=f"Informan {number:03d}",
                        stakeholder_group=("pemerintah", "swasta", "masyarakat")[number % 3])
            session.add(case)
            session.flush()
            session.execute(insert(case_documents), [{"case_id": case.id, "document_id": doc.id}])
            spans = set()
            while len(spans) < per_doc // 2:
                start = rng.randrange(0, len(text) - 200)
                spans.add((start, start + rng.randrange(20, 200)))
            rows = [{"document_id": doc.id, "start": s, "end": e, "snippet": snippet(text, s, e)} for s, e in spans]
            ids = session.scalars(insert(Segment).returning(Segment.id, sort_by_parameter_order=True), rows).all()
            codings = []
            for seg_id in ids:
                codes = rng.sample(code_ids, 2)
                codings.append({"segment_id": seg_id, "code_id": codes[0], "coder_id": owner.id})
                codings.append({"segment_id": seg_id, "code_id": codes[1], "coder_id": second.id})
            session.execute(insert(Coding), codings)
    engine.dispose()
    return project.id, owner.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--codings", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        upgrade(url)
        t0 = time.perf_counter()
        project_id, owner_id = build(url, args.documents, args.codings)
        print(f"built {args.documents} documents, {args.codings} codings in {time.perf_counter() - t0:.1f} s")
        engine = make_engine(url)
        with unit_of_work(engine) as session:
            t0 = time.perf_counter()
            data = export_project(session, project_id, actor_id=owner_id)
            export_s = time.perf_counter() - t0
        print(f"export .qdpx: {export_s:.2f} s ({len(data) / 1e6:.1f} MB)")
        with unit_of_work(engine) as session:
            t0 = time.perf_counter()
            result = import_project(session, data, "bench.qdpx", actor_id=owner_id, name="Bench re-import")
            import_s = time.perf_counter() - t0
        print(f"import .qdpx into a fresh project: {import_s:.2f} s ({result.counts})")
        with unit_of_work(engine) as session:
            t0 = time.perf_counter()
            table = coded_segments(session, project_id)
            table_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            csv_bytes = to_csv(table)
            csv_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            xlsx_bytes = to_xlsx(table, by="dimension")
            xlsx_s = time.perf_counter() - t0
        print(f"coded segments table: {table_s:.2f} s ({len(table)} rows); CSV {csv_s:.2f} s "
              f"({len(csv_bytes) / 1e6:.1f} MB); XLSX {xlsx_s:.2f} s ({len(xlsx_bytes) / 1e6:.1f} MB)")
        print(f"export + re-import: {export_s + import_s:.2f} s")
        engine.dispose()


if __name__ == "__main__":
    main()
