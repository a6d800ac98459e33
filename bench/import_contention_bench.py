"""A coder coding while a long import runs (issue 12): how long does each coding wait?

One thread imports N generated transcripts in one action (``import_files``); another codes a
span every 100 ms in its own transactions, as a coder in the Coding page does. Printed: the
coder's waits (median, 95th percentile, longest), with the import committing per file (what the
app and the CLI do) and, for comparison, as one transaction; and, first, how long each file
holds the write lock when nobody else writes. SQLite (WAL, busy timeout), the default store. The
coder's waits include waiting for the GIL behind the import's extraction (one process, as in the
app) and whatever else runs on the machine.

Run: ``.venv/bin/python -m bench.import_contention_bench [--files 200 --words 5000]``.
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bench.generate import transcript
from qualcode.db import make_engine, unit_of_work
from qualcode.errors import QualcodeError
from qualcode.migrate import upgrade
from qualcode.services import codings, imports, projects
from qualcode.services import documents as document_service
from qualcode.services.imports import import_files
from tests.factories import SMALL_CODEBOOK, codebook

HOLDS: list[float] = []
"""Seconds from the start of each file's write (its SAVEPOINT) to its commit, with commit per file."""


def _timed_store(store):  # type: ignore[no-untyped-def]
    def timed(session, *args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        store(session, *args, **kwargs)
        session.commit()  # what import_files does next with commit_each_file: part of the hold
        HOLDS.append(time.perf_counter() - started)

    return timed


def run(files: list[tuple[str, bytes]], commit_each_file: bool, coding: bool = True) -> tuple[float, list[float], int]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        upgrade(url)
        engine = make_engine(url)
        with unit_of_work(engine) as session:
            owner = projects.ensure_user(session, "bench")
            project_id = projects.create_project(session, "Bench", owner_id=owner.id).id
            code_id = codebook(session, project_id, owner.id, SMALL_CODEBOOK)["trust_building"].id
            document_id = document_service.add_document(session, project_id, title="coded", text="kata " * 20_000,
                                                        actor_id=owner.id).id
        waits: list[float] = []
        failures = 0
        done = threading.Event()

        def coder() -> None:
            nonlocal failures
            position = 0
            while not done.is_set():
                started = time.perf_counter()
                try:
                    with unit_of_work(engine) as session:
                        codings.code_span(session, document_id, position, position + 4, code_id, actor_id=owner.id)
                except (QualcodeError, Exception):  # noqa: BLE001 - a refused write counts as a failure
                    failures += 1
                waits.append(time.perf_counter() - started)
                position += 5
                time.sleep(0.1)

        thread = threading.Thread(target=coder)
        if coding:
            thread.start()
        started = time.perf_counter()
        with unit_of_work(engine) as session:
            import_files(session, project_id, files, actor_id=owner.id, commit_each_file=commit_each_file)
        elapsed = time.perf_counter() - started
        done.set()
        if coding:
            thread.join()
        engine.dispose()
        return elapsed, waits, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--words", type=int, default=5000)
    args = parser.parse_args()
    files = [(f"T{i:03d}.txt", transcript(args.words, i).encode("utf-8")) for i in range(args.files)]
    print(f"{args.files} files of {args.words} words imported while a coder codes every 100 ms (SQLite)")
    original = imports._store_file
    imports._store_file = _timed_store(original)
    run(files, True, coding=False)
    imports._store_file = original
    ordered = sorted(HOLDS)
    print(f"write lock held per file (no coder): median {statistics.median(ordered) * 1000:.0f} ms, "
          f"longest {ordered[-1] * 1000:.0f} ms")
    for label, each in (("commit per file", True), ("one transaction", False)):
        elapsed, waits, failures = run(files, each)
        ordered = sorted(waits)
        p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] if ordered else 0.0
        print(f"{label:16}: import {elapsed:6.1f} s; {len(waits)} codings, wait median "
              f"{statistics.median(waits) * 1000 if waits else 0:6.0f} ms, p95 {p95 * 1000:6.0f} ms, "
              f"longest {max(waits, default=0) * 1000:6.0f} ms, failed {failures}")


if __name__ == "__main__":
    main()
