"""Displays benchmark: every Miles–Huberman display over 200,000 codings on SQLite.

Builds the demo project in a temporary SQLite file, bulk-inserts segments and codings (two
coders; Ansell & Gash dimensions, and Najam's 5Cs with a direction on a third of the segments),
then times each display (median of three runs) and prints seconds per display; the target is
under one second each. Run: ``.venv/bin/python -m bench.displays_bench [--codings 200000]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import insert, select

from qualcode.analysis import displays as d
from qualcode.db import make_engine, read_session, unit_of_work
from qualcode.demo import load_demo
from qualcode.migrate import upgrade
from qualcode.models import Case, Code, Codebook, Coding, Document, Segment
from qualcode.services import projects as project_service
from qualcode.services.analysis import condense_segment, rate_case


def build(url: str, n_codings: int, seed: int = 11) -> dict[str, int]:
    upgrade(url)
    engine = make_engine(url)
    rng = random.Random(seed)
    with unit_of_work(engine) as session:
        pid = load_demo(session).project_id
        owner = project_service.get_user_by_login(session, "peneliti")
        second = project_service.ensure_user(session, "kedua", "Koder Kedua")
        project_service.set_member(session, pid, second.id, "researcher", actor_id=owner.id)
        coders = [owner.id, second.id]
        books = dict(session.execute(select(Codebook.key, Codebook.id).where(Codebook.project_id == pid)).all())
        codes = session.execute(select(Code.id, Code.key, Code.path, Code.codebook_id).where(Code.project_id == pid)).all()
        ag = [c.id for c in codes if c.codebook_id == books["ansell_gash_2008"]]
        najam = [c for c in codes if c.codebook_id == books["najam_5c_1995"]]
        five_c = [c.id for c in najam if not c.path.startswith("direction")]
        directions = [c.id for c in najam if c.key in ("supporting", "inhibiting")]
        others = [c.id for c in codes if c.codebook_id not in (books["ansell_gash_2008"], books["najam_5c_1995"])] or ag
        texts = dict(session.execute(select(Document.id, Document.text).where(Document.project_id == pid)).all())
        taken = set(session.execute(select(Segment.document_id, Segment.start, Segment.end)).all())
        segments, planned = [], []
        total = 0
        while total < n_codings:
            doc_id = rng.choice(list(texts))
            text = texts[doc_id]
            start = rng.randrange(0, len(text) - 60)
            end = min(len(text), start + rng.randint(20, 400))
            if (doc_id, start, end) in taken:
                continue
            taken.add((doc_id, start, end))
            chosen = [rng.choice(ag)]
            if rng.random() < 0.33:
                chosen += [rng.choice(five_c), rng.choice(directions)]
            else:
                chosen.append(rng.choice(others))
            coder_sets = [(code, coder) for code in chosen for coder in coders if coder == owner.id or rng.random() < 0.2]
            segments.append({"document_id": doc_id, "start": start, "end": end, "snippet": text[start:end][:300]})
            planned.append(coder_sets)
            total += len(coder_sets)
        t0 = time.perf_counter()
        for i in range(0, len(segments), 20_000):
            session.execute(insert(Segment), segments[i:i + 20_000])
        ids = dict(((s, e, f), i) for i, s, e, f in session.execute(
            select(Segment.id, Segment.document_id, Segment.start, Segment.end)).all())
        rows = [{"segment_id": ids[(s["document_id"], s["start"], s["end"])], "code_id": code, "coder_id": coder}
                for s, pairs in zip(segments, planned, strict=True) for code, coder in pairs]
        for i in range(0, len(rows), 20_000):
            session.execute(insert(Coding), rows[i:i + 20_000])
        first_case = session.execute(select(Case.id).where(Case.project_id == pid)).scalars().first()
        rate_case(session, pid, first_case, ag[0], rating="kuat", actor_id=owner.id)
        some = rows[0]
        condense_segment(session, pid, some["segment_id"], some["code_id"], "Ringkasan satu baris", actor_id=owner.id)
        print(f"inserted {len(segments):,} segments and {len(rows):,} codings in {time.perf_counter() - t0:.1f} s")
        out = {"project_id": pid, "ag": books["ansell_gash_2008"], "najam": books["najam_5c_1995"],
               "dimension": ag[0], "five_c": five_c[0]}
    engine.dispose()
    return out


def timed(fn: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--codings", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        ids = build(url, args.codings)
        pid, ag, najam = ids["project_id"], ids["ag"], ids["najam"]
        engine = make_engine(url)
        with read_session(engine) as s:
            print(f"codings in the database: {s.query(Coding).count():,}")
            dims = (ids["dimension"],)
            runs: dict[str, Callable[[], object]] = {
                "code frequencies": lambda: d.code_frequencies(s, pid),
                "code frequencies (pemerintah, interviews)": lambda: d.code_frequencies(
                    s, pid, d.Filters(groups=("pemerintah",), kinds=("interview",))),
                "case-ordered matrix (counts)": lambda: d.case_ordered_matrix(s, pid, ag),
                "case-ordered matrix (excerpts)": lambda: d.case_ordered_matrix(s, pid, ag, cell="excerpt"),
                "case-ordered matrix (ratings)": lambda: d.case_ordered_matrix(s, pid, ag, cell="rating"),
                "role-ordered matrix": lambda: d.role_ordered_matrix(s, pid, ag),
                "checklist matrix": lambda: d.checklist_matrix(s, pid, ag),
                "cross-framework matrix": lambda: d.cross_framework_matrix(s, pid, ag, najam),
                "co-occurrence (segment, codes)": lambda: d.cooccurrence(s, pid),
                "co-occurrence (turn, dimensions)": lambda: d.cooccurrence(s, pid, scope="turn", level="dimension"),
                "co-occurrence network edges": lambda: d.cooccurrence_edges(d.cooccurrence(s, pid)),
                "drill-down (dimension x group)": lambda: d.cell_segments(s, pid, all_of=dims, group="pemerintah"),
                "drill-down (cross-framework cell)": lambda: d.cell_segments(
                    s, pid, all_of=(*dims, ids["five_c"]), direction="supporting"),
            }
            worst = 0.0
            for name, fn in runs.items():
                seconds, result = timed(fn)
                worst = max(worst, seconds)
                shape = getattr(result, "shape", "")
                print(f"{name:45s} {seconds:6.3f} s  {shape}")
            print(f"slowest display: {worst:.3f} s (target < 1 s): {'OK' if worst < 1 else 'TOO SLOW'}")
        engine.dispose()


if __name__ == "__main__":
    main()
