"""Coding benchmark: one click on a code, measured as the user meets it, as the project grows.

For each project size (1,000 / 10,000 / 100,000 codings; at most 10,000 of them on the open
600,000-character transcript, the rest on other transcripts) it serves the real app, opens the
Coding page in headless Chromium and, for each run, selects a phrase and clicks a code in the
code panel. It prints:

- **painted**: from the click to the highlight painted by the component (measured in the page:
  the click handler plus the next animation frame);
- **confirmed**: from the click until the transcript shows the server's answer (the workspace
  fragment re-rendered with the new revision): the whole round trip;
- **server**: the server's whole work for the action: the action's transaction (in the event
  callback) plus the workspace fragment's rerun, recorded by the app when
  ``QUALCODE_TIMING_FILE`` is set.

Run: ``.venv/bin/python -m bench.coding_bench`` (``--sizes 1000,10000`` for fewer sizes,
``--repeats N`` for more runs). Measured on this machine with nothing else running.
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

from sqlalchemy import insert, select

from bench.generate import transcript
from qualcode.db import make_engine, unit_of_work
from qualcode.demo import load_demo
from qualcode.migrate import upgrade
from qualcode.models import AuditEvent, Code, Coding, Document, Segment
from qualcode.services.imports import import_files

ROOT = Path(__file__).resolve().parent.parent
TITLE = "Transkrip besar (bench)"
ON_DOCUMENT = 10_000


def _text(chars: int, seed: int) -> str:
    text = transcript(chars // 6, seed=seed)
    while len(text) < chars:
        text += "\n\n" + transcript(2000, seed=seed + len(text))
    return text[:chars]


def _bulk_codings(session, project_id: int, doc_id: int, length: int, count: int, code_ids: list[int],
                  coder_id: int, rng: random.Random) -> None:
    """``count`` codings on distinct spans of the document, with their audit rows, inserted in bulk."""
    spans: set[tuple[int, int]] = set()
    while len(spans) < count:
        start = rng.randrange(0, length - 400)
        spans.add((start, start + rng.randint(20, 300)))
    ordered = sorted(spans)
    session.execute(insert(Segment), [{"document_id": doc_id, "start": a, "end": b, "snippet": "…"} for a, b in ordered])
    seg_ids = session.scalars(select(Segment.id).where(Segment.document_id == doc_id).order_by(Segment.start,
                                                                                                 Segment.end)).all()
    rows = [{"segment_id": s, "code_id": rng.choice(code_ids), "coder_id": coder_id} for s in seg_ids[-count:]]
    session.execute(insert(Coding), rows)
    session.execute(insert(AuditEvent), [{"project_id": project_id, "user_id": coder_id, "action": "coding.add",
                                          "entity_type": "coding", "entity_id": 0, "payload": {}}] * count)


def build(url: str, codings: int, chars: int) -> None:
    upgrade(url)
    engine = make_engine(url)
    rng = random.Random(codings)
    with unit_of_work(engine) as session:
        report = load_demo(session)
        pid = report.project_id
        code_ids = list(session.scalars(select(Code.id).where(Code.project_id == pid)))
        owner = 1
        big = import_files(session, pid, [("big.txt", _text(chars, 7).encode())], actor_id=owner,
                           metadata={"big.txt": {"title": TITLE}}).document_ids[0]
        on_doc = min(codings, ON_DOCUMENT)
        _bulk_codings(session, pid, big, chars, on_doc, code_ids, owner, rng)
        rest = codings - on_doc
        n = 0
        while rest > 0:
            part = min(rest, 5_000)
            name = f"other{n}.txt"
            other = import_files(session, pid, [(name, _text(120_000, 100 + n).encode())], actor_id=owner,
                                 metadata={name: {"title": f"Transkrip lain {n}"}}).document_ids[0]
            _bulk_codings(session, pid, other, 120_000, part, code_ids, owner, rng)
            rest -= part
            n += 1
        session.flush()
        assert session.scalar(select(Document.id).where(Document.title == TITLE)) == big
    engine.dispose()


CLICK = """async (id) => {
  const el = document.querySelector(`[data-testid="qc-code"][data-code="${id}"]`);
  const ws = document.querySelector('.qc-ws');
  const before = ws.dataset.revision;
  const t0 = performance.now();
  el.dispatchEvent(new MouseEvent('mousedown', {bubbles: true, cancelable: true}));
  el.click();
  const painted = [...document.querySelectorAll('[data-codes]')].some(e => e.dataset.codes.split(' ').includes(id));
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const paintedAt = performance.now() - t0;
  await new Promise((resolve) => {
    const check = () => {
      const now = document.querySelector('.qc-ws');
      if (now && now.dataset.revision !== before) return resolve();
      requestAnimationFrame(check);
    };
    check();
  });
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return {painted: painted ? paintedAt : null, confirmed: performance.now() - t0};
}"""

SELECT = """(n) => {
  const spans = [...document.querySelectorAll('.qc-unit:not(.qc-interviewer) .qc-c')]
    .filter(s => s.textContent.length > 45);
  const span = spans[(n * 7) % spans.length];
  const node = span.firstChild;
  const r = document.createRange(); r.setStart(node, 2); r.setEnd(node, 42);
  const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);
  span.closest('.qc-doc').dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
  return true;
}"""


def browser_runs(url: str, repeats: int) -> tuple[list[float], list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, free_port

    port = free_port()
    timing = Path(tempfile.mkstemp(suffix=".txt")[1])
    env = dict(os.environ, QUALCODE_DATABASE_URL=url, QUALCODE_TIMING_FILE=str(timing))
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                               "--server.address", "127.0.0.1", "--server.headless", "true",
                               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    painted, confirmed, server_ms = [], [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(120_000)
            for _ in range(60):
                try:
                    page.goto(f"http://127.0.0.1:{port}/coding")
                    break
                except Exception:
                    time.sleep(0.5)
            page.wait_for_selector("[data-qc-ready]")
            chosen = page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").first.inner_text()
            chosen = chosen + page.locator("[data-testid='stMain'] [data-testid='stSelectbox'] input").first.input_value()
            assert TITLE in chosen, chosen
            code_ids = page.eval_on_selector_all("[data-testid='qc-code']", "els => els.map(e => e.dataset.code)")
            for n in range(repeats + 1):
                page.evaluate(SELECT, n)
                lines_before = len(timing.read_text().split())
                result = page.evaluate(CLICK, code_ids[n % len(code_ids)])
                for _ in range(100):  # the timing line is written at the end of the rerun
                    lines = timing.read_text().split()
                    if len(lines) > lines_before:
                        break
                    time.sleep(0.05)
                if n == 0:
                    continue  # the first action warms caches (pipelines, the text of the document)
                painted.append(result["painted"])
                confirmed.append(result["confirmed"])
                server_ms.append(float(lines[-1]))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        timing.unlink(missing_ok=True)
    return painted, confirmed, server_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--chars", type=int, default=600_000)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    print(f"{'codings':>8} {'on doc':>7} {'painted ms':>11} {'confirmed ms':>13} {'server ms':>10} (medians, max)")
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            t0 = time.perf_counter()
            build(url, size, args.chars)
            setup = time.perf_counter() - t0
            painted, confirmed, server = browser_runs(url, args.repeats)
            shown = [p for p in painted if p is not None]
            print(f"{size:>8,} {min(size, ON_DOCUMENT):>7,} "
                  f"{statistics.median(shown):>6.0f} ({max(shown):.0f}) "
                  f"{statistics.median(confirmed):>7.0f} ({max(confirmed):.0f}) "
                  f"{statistics.median(server):>5.0f} ({max(server):.0f})   "
                  f"[set-up {setup:.0f} s, {len(confirmed)} runs, {len(painted) - len(shown)} not painted]")


if __name__ == "__main__":
    main()
