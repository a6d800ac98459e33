"""Import benchmark: 200 generated transcripts of 5,000 words into a fresh SQLite database.

Prints words per second and peak memory. Run: ``.venv/bin/python -m bench.import_bench``
(``--files N --words W`` to change the size).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.generate import transcript
from qualcode.db import make_engine, unit_of_work
from qualcode.migrate import upgrade
from qualcode.services import projects
from qualcode.services.imports import import_files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=20, help="files per import action (one transaction)")
    args = parser.parse_args()

    files = [(f"T{i:03d}.txt", transcript(args.words, i).encode("utf-8")) for i in range(args.files)]
    total_words = sum(len(data.decode().split()) for _, data in files)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        upgrade(url)
        engine = make_engine(url)
        with unit_of_work(engine) as session:
            owner = projects.ensure_user(session, "bench")
            project_id = projects.create_project(session, "Bench", owner_id=owner.id).id
        tracemalloc.start()
        started = time.perf_counter()
        imported = 0
        for i in range(0, len(files), args.batch):
            with unit_of_work(engine) as session:
                report = import_files(session, project_id, files[i : i + args.batch], actor_id=owner.id)
                imported += len(report.imported)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        engine.dispose()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"files imported        : {imported}/{len(files)} ({args.words} words each, batches of {args.batch})")
    print(f"words                 : {total_words}")
    print(f"seconds               : {elapsed:.2f}")
    print(f"words per second      : {total_words / elapsed:,.0f}")
    print(f"peak Python memory    : {peak / 1e6:.1f} MB (tracemalloc, during the import)")
    print(f"peak resident memory  : {rss_mb:.1f} MB (whole process, ru_maxrss)")


if __name__ == "__main__":
    main()
