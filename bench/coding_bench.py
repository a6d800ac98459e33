"""Coding benchmark: a 600,000-character transcript carrying 1,000 codings.

Measures (1) the server time of one coding action: the transaction that applies a code plus
rebuilding the window the page shows, and (2) in a real headless Chromium, the time from
pressing "Apply codes" until the new highlight shows. Run: ``.venv/bin/python -m bench.coding_bench``
(``--no-browser`` for the server part only).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import transcript
from qualcode.db import make_engine, read_session, unit_of_work
from qualcode.demo import load_demo
from qualcode.migrate import upgrade
from qualcode.models import Code, Document
from qualcode.services import codings
from qualcode.services.imports import import_files
from qualcode.workspace import document_units, segments_in_range, window_of_offset, window_payload, windows

ROOT = Path(__file__).resolve().parent.parent
TITLE = "Transkrip besar (bench)"


def build(url: str, chars: int, n_codings: int) -> tuple[int, int, list[int]]:
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        report = load_demo(session)
        owner_id = 1
        text = transcript(chars // 6, seed=7)
        while len(text) < chars:
            text += "\n\n" + transcript(2000, seed=len(text))
        text = text[:chars]
        meta = {"big.txt": {"title": TITLE}}
        doc_id = import_files(session, report.project_id, [("big.txt", text.encode())], actor_id=owner_id,
                              metadata=meta).document_ids[0]
        code_ids = [c for c in session.query(Code.id).filter(Code.project_id == report.project_id)]
        code_ids = [c[0] for c in code_ids]
        rng = random.Random(1)
        made = 0
        while made < n_codings:
            start = rng.randrange(0, chars - 400)
            end = start + rng.randint(20, 300)
            try:
                with session.begin_nested():
                    codings.code_span(session, doc_id, start, end, rng.choice(code_ids), actor_id=owner_id)
                made += 1
            except Exception:
                continue
    engine.dispose()
    return doc_id, owner_id, code_ids


def server_action(url: str, doc_id: int, owner_id: int, code_ids: list[int], repeats: int) -> list[float]:
    engine = make_engine(url)
    rng = random.Random(2)
    times = []
    with read_session(engine) as session:
        document = session.get(Document, doc_id)
        text, length = document.text, document.length
    for _ in range(repeats):
        start = rng.randrange(0, length - 200)
        t0 = time.perf_counter()
        with unit_of_work(engine) as session:
            codings.code_span(session, doc_id, start, start + 80, rng.choice(code_ids), actor_id=owner_id)
        with read_session(engine) as session:
            document = session.get(Document, doc_id)
            units = document_units(session, document)
            spans = windows(units)
            i, j = spans[window_of_offset(units, spans, start)]
            shown = units[i:j]
            segs = segments_in_range(session, doc_id, shown[0].start, shown[-1].end)
            window_payload(text, shown, segs)
        times.append(time.perf_counter() - t0)
    engine.dispose()
    return times


def browser_action(url: str, repeats: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, free_port, wait_for_app
    from tests.browser.test_coding import choose_document, drag_select

    port = free_port()
    env = dict(os.environ, QUALCODE_DATABASE_URL=url)
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                               "--server.headless", "true", "--server.fileWatcherType", "none"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times = []
    try:
        time.sleep(4)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            page.goto(f"http://127.0.0.1:{port}/coding")
            wait_for_app(page, "Pengodean")
            choose_document(page, TITLE)
            for attempt in range(repeats):
                words = page.evaluate("() => [...document.querySelectorAll('.qc-c:not(.qc-coded)')]"
                                      ".map(s => s.textContent).filter(t => t.length > 80)")
                needle = words[attempt * 3 % len(words)][10:50]
                drag_select(page, needle)
                page.get_by_text("Teks terpilih").wait_for()
                picker = page.locator("[data-testid='stMultiSelect']").filter(has_text="Kode yang diterapkan")
                picker.click()
                page.keyboard.type("trust_building")
                page.get_by_role("option").filter(has_text="trust_building").first.click()
                page.keyboard.press("Escape")
                before = page.locator(".qc-c.qc-coded").count()
                t0 = time.perf_counter()
                page.get_by_role("button", name="Terapkan kode").click()
                page.wait_for_function(f"() => document.querySelectorAll('.qc-c.qc-coded').length > {before}")
                times.append(time.perf_counter() - t0)
                wait_for_app(page, "Pengodean")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chars", type=int, default=600_000)
    parser.add_argument("--codings", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        t0 = time.perf_counter()
        doc_id, owner_id, code_ids = build(url, args.chars, args.codings)
        print(f"set-up: {args.chars:,}-character transcript with {args.codings} codings in {time.perf_counter() - t0:.1f} s")
        server = server_action(url, doc_id, owner_id, code_ids, args.repeats)
        print(f"server time of one coding action (apply + rebuild window), {args.repeats} runs: "
              f"median {statistics.median(server) * 1000:.1f} ms, max {max(server) * 1000:.1f} ms")
        if not args.no_browser:
            shown = browser_action(url, 5)
            print(f"browser: 'Apply codes' pressed -> new highlight visible, {len(shown)} runs: "
                  f"median {statistics.median(shown) * 1000:.0f} ms, max {max(shown) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
