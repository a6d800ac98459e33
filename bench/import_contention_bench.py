"""A coder coding while a long import runs (issue 12): how long does each coding wait?

One thread imports N generated interview transcripts in one action (``import_files``, with a
pseudonym list, as the Documents page does); another codes a span every 100 ms in its own
transactions, as a coder in the Coding page does (one process, as in the app: the coder also
waits for the GIL behind the import). The transcripts are in real Indonesian vocabulary (PySastrawi's
roots with Zipf frequencies and affixes, ``bench/pipeline_bench.zipf_text``) split into speaker turns
with timestamps and informants' names.

Printed, for the import committing per file (what the app and the command line do) and as one
transaction, on SQLite (WAL, busy timeout) and, with ``--postgres URL``, on PostgreSQL:

- the coder's waits: median, 95th percentile, longest, how many over 1 s, how many failed;
- what holds the write lock: per file, from its ``BEGIN`` to its ``COMMIT`` (median, longest,
  share of the import's time), and the import's time by phase, with the part spent inside the
  write lock;
- what holds the GIL: a probe thread sleeps 5 ms at a time; how late it wakes (p99, longest) is
  how long something (the import, a full garbage collection, timed apart, or on a busy machine
  the scheduler) kept it from running.

Run: ``.venv/bin/python -m bench.import_contention_bench [--files 1000 --words 5000]
[--postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench_contention]`` (the PostgreSQL
database is dropped and created again).
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from bench.pipeline_bench import zipf_text
from qualcode import importers, pseudonyms
from qualcode.db import make_engine, unit_of_work
from qualcode.errors import QualcodeError
from qualcode.migrate import upgrade
from qualcode.services import cases, codings, imports, projects
from qualcode.services import documents as document_service
from qualcode.services.imports import import_files
from tests.factories import SMALL_CODEBOOK, codebook

NAMES = {"Budi Santoso": "Informan A", "Sri Wahyuni": "Informan B", "Agus Salim": "Informan C",
         "Dewi Lestari": "Informan D", "Pak Joko": "Pejabat 1", "Bu Ratna": "Pejabat 2"}
PHASES = (  # (module, attribute): the import's steps, timed wherever they are called from
    (importers, "extract"), (imports, "pseudonymise"), (pseudonyms, "pseudonymise"), (imports, "normalise_text"),
    (imports, "parse_turns"), (imports, "_prepare_file"), (imports, "_store_file"), (imports, "store_turns"),
    (document_service, "add_document"), (cases, "upsert_case_from_row"),
)


def interview(words: int, seed: int, pool: list[str]) -> str:
    """An interview transcript: a header, then interviewer and informant turns, some timestamped,
    naming people now and then; its words drawn from ``pool`` (real vocabulary, Zipf frequencies)."""
    rng = random.Random(seed)
    tokens = rng.choices(pool, k=words)
    lines = [f"Transkrip wawancara {seed}", f"Informan: {rng.choice(list(NAMES))}, Dinas Perhubungan", ""]
    position, turn = 0, 0
    while position < len(tokens):
        label = "P" if turn % 2 == 0 else "Narasumber"
        length = rng.randint(8, 20) if label == "P" else rng.randint(40, 160)
        body = tokens[position:position + length]
        if rng.random() < 0.2:
            body.insert(rng.randrange(len(body) + 1), rng.choice(list(NAMES)))
        stamp = f"[{turn // 120:02d}:{(turn // 2) % 60:02d}:{turn % 60:02d}] " if turn % 5 == 0 else ""
        lines += [f"{stamp}{label}: {' '.join(body)}", ""]
        position += length
        turn += 1
    return "\n".join(lines)


class Probe:
    """Where the import thread's time goes, and how long it holds the write lock."""

    def __init__(self) -> None:
        self.thread = 0
        self.in_lock = False
        self.lock_started = 0.0
        self.holds: list[float] = []
        self.total: dict[str, float] = defaultdict(float)
        self.locked: dict[str, float] = defaultdict(float)
        self.running: set[str] = set()

    def listen(self, engine: Any) -> None:
        def began(_conn: Any) -> None:
            if threading.get_ident() == self.thread:
                self.in_lock, self.lock_started = True, time.perf_counter()

        def ended(_conn: Any) -> None:
            if threading.get_ident() == self.thread and self.in_lock:
                self.holds.append(time.perf_counter() - self.lock_started)
                self.in_lock = False

        event.listen(engine, "begin", began)
        event.listen(engine, "commit", ended)
        event.listen(engine, "rollback", ended)

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() != self.thread or name in self.running:
                return function(*args, **kwargs)
            self.running.add(name)
            locked, started = self.in_lock, time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.running.discard(name)
                spent = time.perf_counter() - started
                self.total[name] += spent
                if locked or self.in_lock:
                    self.locked[name] += spent

        return timed

    @contextmanager
    def installed(self) -> Iterator[None]:
        saved = [(module, name, getattr(module, name)) for module, name in PHASES if hasattr(module, name)]
        try:
            for module, name, function in saved:
                setattr(module, name, self.wrap(name.strip("_"), function))
            yield
        finally:
            for module, name, function in saved:
                setattr(module, name, function)


@contextmanager
def collections_timed(pauses: list[float]) -> Iterator[None]:
    """The garbage collector's full collections (they hold the GIL) while the block runs."""
    started = [0.0]

    def callback(phase: str, info: dict[str, int]) -> None:
        if info.get("generation") == 2:
            if phase == "start":
                started[0] = time.perf_counter()
            else:
                pauses.append(time.perf_counter() - started[0])

    gc.callbacks.append(callback)
    try:
        yield
    finally:
        gc.callbacks.remove(callback)


def gil_probe(done: threading.Event, lateness: list[float]) -> None:
    while not done.is_set():
        started = time.perf_counter()
        time.sleep(0.005)
        lateness.append(time.perf_counter() - started - 0.005)


def fresh_database(kind: str, postgres: str | None, tmp: str) -> str:
    if kind == "sqlite":
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
    else:
        assert postgres
        url = postgres
        admin = make_engine(str(make_url(postgres).set(database="postgres"))).execution_options(
            isolation_level="AUTOCOMMIT")
        name = make_url(postgres).database
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    upgrade(url)
    return url


def percentile(ordered: list[float], share: float) -> float:
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def run(url: str, files: list[tuple[str, bytes]], commit_each_file: bool, interval: float) -> dict[str, Any]:
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
            except QualcodeError:  # a write refused after the busy timeout
                failures += 1
            waits.append(time.perf_counter() - started)
            position += 5
            time.sleep(interval)

    probe = Probe()
    probe.listen(engine)
    lateness: list[float] = []
    threads = [threading.Thread(target=coder), threading.Thread(target=gil_probe, args=(done, lateness))]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # the coder is at work before the import starts
    probe.thread = threading.get_ident()
    started = time.perf_counter()
    pauses: list[float] = []
    with probe.installed(), collections_timed(pauses), unit_of_work(engine) as session:
        report = import_files(session, project_id, files, actor_id=owner.id, pseudonyms=NAMES,
                              commit_each_file=commit_each_file)
    elapsed = time.perf_counter() - started
    probe.thread = 0
    done.set()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert len(report.imported) == len(files), [o.message() for o in report.refused][:3]
    return {"elapsed": elapsed, "waits": waits, "failures": failures, "holds": probe.holds,
            "total": dict(probe.total), "locked": dict(probe.locked), "lateness": sorted(lateness),
            "collections": pauses}


def show(label: str, result: dict[str, Any]) -> None:
    waits = sorted(result["waits"])
    holds = sorted(result["holds"])
    late = result["lateness"]
    print(f"  {label}: import {result['elapsed']:.1f} s; {len(waits)} codings: wait median "
          f"{statistics.median(waits) * 1000 if waits else 0:.0f} ms, p95 {percentile(waits, 0.95) * 1000:.0f} ms, "
          f"longest {waits[-1] * 1000 if waits else 0:.0f} ms, over 1 s {sum(w > 1 for w in waits)}, "
          f"failed {result['failures']}")
    if holds:
        print(f"    write lock per transaction: {len(holds)}, median {statistics.median(holds) * 1000:.0f} ms, "
              f"p95 {percentile(holds, 0.95) * 1000:.0f} ms, longest {holds[-1] * 1000:.0f} ms, "
              f"held {sum(holds) / result['elapsed']:.0%} of the import")
    phases = ", ".join(f"{name} {spent:.1f} s ({result['locked'].get(name, 0.0):.1f} locked)"
                       for name, spent in sorted(result["total"].items(), key=lambda kv: -kv[1]))
    print(f"    steps (a step's time includes the steps it calls): {phases}")
    pauses = result["collections"]
    print(f"    GIL probe late by: p99 {percentile(late, 0.99) * 1000:.0f} ms, longest {late[-1] * 1000 if late else 0:.0f} ms; "
          f"full garbage collections {len(pauses)}, longest {max(pauses, default=0) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between the coder's codings")
    parser.add_argument("--postgres", metavar="URL", help="also on this PostgreSQL database (dropped, created again)")
    parser.add_argument("--only", choices=("per-file", "one"), help="run one mode only")
    args = parser.parse_args()
    started = time.perf_counter()
    pool = " ".join(zipf_text(200_000)).split()
    files = [(f"W{i:04d}.txt", interview(args.words, i, pool).encode("utf-8")) for i in range(args.files)]
    size = sum(len(data) for _, data in files) / len(files) / 1000
    print(f"{args.files} transcripts of {args.words:,} words ({size:.0f} kB each, made in "
          f"{time.perf_counter() - started:.0f} s), a coder coding every {args.interval * 1000:.0f} ms")
    modes = [m for m in (("commit per file", True), ("one transaction", False))
             if args.only is None or (args.only == "per-file") == m[1]]
    for kind in ("sqlite", "postgresql") if args.postgres else ("sqlite",):
        print(kind)
        for label, each in modes:
            with tempfile.TemporaryDirectory() as tmp:
                show(label, run(fresh_database(kind, args.postgres, tmp), files, each, args.interval))


if __name__ == "__main__":
    main()
