"""Agreement benchmark: two coders with 1,000 codings each on a 600,000-character transcript.

The second coder repeats 80 % of the first coder's codings with boundaries moved by up to three
characters and adds 20 % of their own. Prints the time of ``compute_agreement`` at each level and
the coefficients. Run: ``.venv/bin/python -m bench.agreement_bench``.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from bench.generate import transcript
from qualcode.analysis.agreement import LEVELS, OVERALL, compute_agreement
from qualcode.db import make_engine, read_session, unit_of_work
from qualcode.demo import load_demo
from qualcode.migrate import upgrade
from qualcode.models import Code
from qualcode.services import codings, projects
from qualcode.services.imports import import_files


def build(url: str, chars: int, n: int) -> tuple[int, int, list[int]]:
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        report = load_demo(session)
        first = projects.get_user_by_login(session, "peneliti")
        second = projects.get_user_by_login(session, "koder2")
        text = transcript(chars // 6, seed=11)
        while len(text) < chars:
            text += "\n\n" + transcript(2000, seed=len(text))
        text = text[:chars]
        doc_id = import_files(session, report.project_id, [("big.txt", text.encode())], actor_id=first.id,
                              metadata={"big.txt": {"title": "Transkrip besar (bench)"}}).document_ids[0]
        code_ids = [c for (c,) in session.query(Code.id).filter(Code.project_id == report.project_id)][:20]
        rng = random.Random(3)
        made = {first.id: 0, second.id: 0}

        def add(user: int, start: int, end: int, code: int) -> None:
            try:
                with session.begin_nested():
                    codings.code_span(session, doc_id, start, end, code, actor_id=user)
                made[user] += 1
            except Exception:  # a clash with an existing coding: draw again
                pass

        while made[first.id] < n:
            start = rng.randrange(0, chars - 400)
            end, code = start + rng.randint(20, 300), rng.choice(code_ids)
            add(first.id, start, end, code)
            if rng.random() < 0.8:
                add(second.id, max(0, start + rng.randint(-3, 3)), end + rng.randint(-3, 3), code)
        while made[second.id] < n:
            start = rng.randrange(0, chars - 400)
            add(second.id, start, start + rng.randint(20, 300), rng.choice(code_ids))
    engine.dispose()
    return report.project_id, doc_id, [first.id, second.id]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chars", type=int, default=600_000)
    parser.add_argument("--codings", type=int, default=1_000, help="codings per coder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        started = time.perf_counter()
        project_id, doc_id, coders = build(url, args.chars, args.codings)
        print(f"built {args.chars:,} characters, {args.codings:,} codings per coder in {time.perf_counter() - started:.1f} s")
        engine = make_engine(url)
        for level in LEVELS:
            with read_session(engine) as session:
                started = time.perf_counter()
                result = compute_agreement(session, project_id, document_ids=[doc_id], code_ids=None, coder_ids=coders,
                                           level=level, tolerance=5)
                took = time.perf_counter() - started
            overall = result.summary[result.summary["code"] == OVERALL].iloc[0]
            print(f"{level:9s} {took:6.2f} s  units {int(overall['units']):>8,}  agreement {overall['percent_agreement']:.3f}"
                  f"  kappa {overall['kappa']:.3f}  alpha {overall['alpha']:.3f}  disagreements {len(result.disagreements):,}")
        engine.dispose()


if __name__ == "__main__":
    main()
