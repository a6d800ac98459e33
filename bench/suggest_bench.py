"""Suggestion speed.

1. Scoring: a 10,000-word transcript and the whole demo corpus, in words per second, next to the
   bare ``spacy.blank("id")`` tokenizer over the same text in the same run.
2. Serving at 10,000 codings (``--serving``): the demo project plus 10,000 codings added with bulk
   inserts; the server time of accept and reject (the service call and its commit, as the page
   runs it) and of the next queue after each (cached scores); the same, queue and reject in turn,
   while a training worker reads the 10,000 codings, trains and stores its model; then, with
   ``--browser``, headless Chromium on ``streamlit run app.py``: the time, measured inside the page, from the click on
   Accept / Reject to the first card showing the next suggestion (targets: server <= 200 ms,
   browser <= 500 ms). The page starts a training worker meanwhile, as it would for a researcher.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python -m bench.suggest_bench [--serving] [--browser]`` (one
core). The pipeline and the codebook matcher are built first (once per process, as in the app);
the first pass over a text also fills the word-form cache, later passes reuse it.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import spacy  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.generate import transcript  # noqa: E402
from qualcode.codebooks import load_codebook_file  # noqa: E402
from qualcode.nlp.pipeline import get_nlp  # noqa: E402
from qualcode.nlp.suggest import CodebookSuggester, CodeInfo, suggest  # noqa: E402
from qualcode.units import parse_units  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def codes() -> list[CodeInfo]:
    out = []
    for path in sorted((ROOT / "codebooks").glob("*.yaml")):
        for p, c, _ in load_codebook_file(path).walk():
            if c.id not in ("direction", "supporting", "inhibiting"):
                out.append(CodeInfo(c.id, p, c.name.id, c.name.en, c.definition, c.inclusion, tuple(c.examples),
                                    tuple(c.indicators)))
    return out


def rate(label: str, texts: list[str], suggester: CodebookSuggester, blank) -> None:  # type: ignore[no-untyped-def]
    words = sum(len(t.split()) for t in texts)
    pieces = [u.text for text in texts for u in parse_units(text, "turn")]  # the same units the suggester sees
    base = float("inf")
    for _ in range(3):  # the tokenizer fills its own cache on the first pass: take its best
        t0 = time.perf_counter()
        for piece in pieces:
            blank.tokenizer(piece)
        base = min(base, time.perf_counter() - t0)
    for run in ("first pass", "warm pass"):
        t0 = time.perf_counter()
        for text in texts:
            suggest(parse_units(text, "turn"), suggester)
        elapsed = time.perf_counter() - t0
        print(f"{label:<34} {run:<10} suggestions {words / elapsed:>10,.0f} words/s | blank tokenizer "
              f"{words / base:>10,.0f} words/s | suggestions take {elapsed / base:4.1f}x the tokenizer's time")


def scoring() -> None:
    t0 = time.perf_counter()
    get_nlp()
    suggester = CodebookSuggester(codes())
    print(f"pipeline + codebook matcher ({len(suggester.codes)} codes) built in {time.perf_counter() - t0:.2f} s")
    blank = spacy.blank("id")
    text = transcript(10_000, seed=42)
    rate("10,000-word generated transcript", [text], suggester, blank)
    corpus = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora").rglob("*.txt"))]
    rate(f"demo corpus ({len(corpus)} files)", corpus, suggester, blank)


def add_bulk_codings(session: Session, project_id: int, coder_id: int, count: int = 10_000, seed: int = 7) -> int:
    """Add a generated interview and ``count`` codings on it with two bulk inserts (segments, then
    codings), so a test or benchmark reaches 10,000 codings in seconds. Returns the document id."""
    from qualcode.codebook_meta import never_suggested
    from qualcode.models import Code, Coding, Segment, new_guid, utcnow
    from qualcode.services.documents import add_document
    from qualcode.services.imports import store_turns

    document = add_document(session, project_id, title="ZZ generated interview (bulk codings)",
                            text=transcript(60_000, seed=seed), actor_id=coder_id)
    turns = [t for t in store_turns(session, document) if not t.is_interviewer]
    spans: list[tuple[int, int]] = []
    for turn in turns:
        for length in (60, 90, 120, 150):
            spans.extend((a, a + length) for a in range(turn.text_start, turn.end - length, 25))
    if len(spans) < count:
        raise ValueError(f"the generated interview has room for {len(spans)} codings, not {count}")
    rng = random.Random(seed)
    spans = sorted(rng.sample(spans, count))
    code_ids = [c.id for c in session.scalars(select(Code).where(Code.project_id == project_id))
                if c.key not in never_suggested(session, project_id)]
    now, text = utcnow(), document.text
    session.execute(insert(Segment), [{"document_id": document.id, "start": a, "end": b, "snippet": text[a:b],
                                       "guid": new_guid(), "created_at": now} for a, b in spans])
    segment_ids = session.scalars(select(Segment.id).where(Segment.document_id == document.id)
                                  .order_by(Segment.id)).all()
    session.execute(insert(Coding), [{"segment_id": s, "code_id": rng.choice(code_ids), "coder_id": coder_id,
                                      "guid": new_guid(), "created_at": now, "updated_at": now} for s in segment_ids])
    return document.id


def bulk_demo(url: str, count: int = 10_000) -> tuple[int, int]:
    """The demo project with ``count`` more codings, in the database at ``url``: (project, owner)."""
    from qualcode.db import make_engine, unit_of_work
    from qualcode.demo import load_demo
    from qualcode.migrate import upgrade
    from qualcode.read.entities import project_owner

    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        report = load_demo(session)
        owner = project_owner(session, report.project_id)
        add_bulk_codings(session, report.project_id, owner.id, count)
    engine.dispose()
    return report.project_id, owner.id


def _ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:6.1f} ms, max {max(values) * 1000:6.1f} ms"


def serving(url: str, rounds: int = 10) -> None:
    from qualcode.db import make_engine, read_session, unit_of_work
    from qualcode.models import Coding, Document
    from qualcode.read import suggestions as read_suggestions
    from qualcode.services import suggestions as service

    t0 = time.perf_counter()
    pid, owner = bulk_demo(url)
    engine = make_engine(url)
    with read_session(engine) as session:
        total = session.scalar(select(Coding.id).order_by(Coding.id.desc()).limit(1))
        doc_id = session.scalar(select(Document.id).where(Document.project_id == pid).order_by(Document.title))
    print(f"demo project + 10,000 bulk codings ({total:,} codings) in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    with read_session(engine) as session:
        read_suggestions.document_queue(session, pid, doc_id)
    print(f"first queue of the document (codebook scores computed and stored): {time.perf_counter() - t0:.2f} s")
    timings: dict[str, list[float]] = {"accepted": [], "rejected": [], "queue": []}
    for n in range(rounds):
        with read_session(engine) as session:
            t0 = time.perf_counter()
            queue = read_suggestions.document_queue(session, pid, doc_id)
            timings["queue"].append(time.perf_counter() - t0)
        item, decision = queue[0], ("accepted" if n % 2 == 0 else "rejected")
        t0 = time.perf_counter()
        with unit_of_work(engine) as session:
            service.decide(session, pid, doc_id, item.start, item.end, item.code_db_id, decision, actor_id=owner,
                           score=item.suggestion.score, evidence=item.suggestion.evidence,
                           model_version=queue.model_version)
        timings[decision].append(time.perf_counter() - t0)
    print(f"server, accept (coding + decision + audit, committed): {_ms(timings['accepted'])}   target <= 200 ms")
    print(f"server, reject (decision + audit, committed):          {_ms(timings['rejected'])}   target <= 200 ms")
    print(f"server, next queue after a decision (cached scores):   {_ms(timings['queue'])}")
    during_training(engine, pid, owner)
    engine.dispose()


def during_training(engine, pid: int, owner: int, limit: float = 600.0) -> None:  # type: ignore[no-untyped-def]
    """Rejections one after another (queue, then decision, as the page runs them) while a training
    worker, started as the page starts it, reads the codings, trains and stores the model: the
    worker must never hold the database's write lock long enough to be felt."""
    from qualcode.db import read_session, unit_of_work
    from qualcode.models import Document
    from qualcode.read import suggestions as read_suggestions
    from qualcode.services import suggestion_models
    from qualcode.services import suggestions as service

    with read_session(engine) as session:
        docs = list(session.scalars(select(Document.id).where(Document.project_id == pid).order_by(Document.title)))
        for doc_id in docs:  # every document's codebook scores computed and cached first
            read_suggestions.document_queue(session, pid, doc_id, model_id=None)
    suggestion_models.request_training(engine, pid)
    steps: list[float] = []
    at: list[float] = []
    started, doc = time.perf_counter(), 0
    while time.perf_counter() - started < limit:
        t0 = time.perf_counter()
        with read_session(engine) as session:
            queue = read_suggestions.document_queue(session, pid, docs[doc % len(docs)], model_id=None)
            status = suggestion_models.model_status(session, pid)
        if not queue:
            doc += 1
            continue
        with unit_of_work(engine) as session:
            item = queue[0]
            service.decide(session, pid, docs[doc % len(docs)], item.start, item.end, item.code_db_id, "rejected",
                           actor_id=owner)
        steps.append(time.perf_counter() - t0)
        at.append(t0 - started)
        if status.ready_id is not None and not status.training:
            break
    suggestion_models.wait_for_workers()
    print(f"server, queue + reject while a worker trains ({len(steps)} in {time.perf_counter() - started:.0f} s, "
          f"until the model is stored): {_ms(steps)}; slowest at "
          + ", ".join(f"{at[i]:.1f} s ({steps[i] * 1000:.0f} ms)" for i in sorted(range(len(steps)), key=steps.__getitem__)[-3:]))


CARD = "[data-testid='qc-suggestion']"
TIMER = """card => {
  window.__qcClicked = undefined; window.__qcShown = undefined;
  const before = document.querySelector(card).innerText;
  document.addEventListener("click", () => { window.__qcClicked = performance.now(); }, { capture: true, once: true });
  const watch = new MutationObserver(() => {
    const c = document.querySelector(card);
    if (window.__qcClicked !== undefined && c && c.innerText !== before) {
      window.__qcShown = performance.now(); watch.disconnect();
    }
  });
  watch.observe(document.body, { childList: true, subtree: true, characterData: true });
}"""


def browser(url: str, rounds: int = 16) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, running_server, wait_for_app

    chromium = chromium_path()
    if chromium is None:
        print("browser: no Chromium found (set QUALCODE_CHROMIUM)")
        return
    with tempfile.TemporaryDirectory() as tmp, running_server(url, Path(tmp) / "streamlit.log") as server, \
            sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(120_000)
        page.goto(f"{server.url}/suggestions")
        wait_for_app(page, "Saran kode")
        page.locator(CARD).first.wait_for()
        timings: dict[str, list[float]] = {"qc-accept": [], "qc-reject": []}
        for n in range(rounds):
            hook = "qc-accept" if n % 2 == 0 else "qc-reject"
            page.wait_for_function(  # a settled card: exactly one button of each kind
                f"() => {{ const c = document.querySelector(\"{CARD}\");"
                f" return c && c.querySelectorAll(\"[data-testid='{hook}']\").length === 1; }}")
            # Timed inside the page: from the click event to the first card showing another suggestion
            # (Playwright's own latency to dispatch the click is left out).
            page.evaluate(TIMER, CARD)
            page.locator(CARD).first.locator(f"[data-testid='{hook}']").first.click()
            page.wait_for_function("() => window.__qcShown !== undefined", timeout=60_000)
            timings[hook].append(page.evaluate("() => (window.__qcShown - window.__qcClicked) / 1000"))
        b.close()
    for hook, label in (("qc-accept", "Accept"), ("qc-reject", "Reject")):
        each = ", ".join(f"{t * 1000:.0f}" for t in timings[hook])
        print(f"browser, click {label} -> next suggestion shown: {_ms(timings[hook])}   target <= 500 ms   (each, ms: {each})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serving", action="store_true", help="accept/reject at 10,000 codings (server)")
    parser.add_argument("--browser", action="store_true", help="with --serving: also in headless Chromium")
    parser.add_argument("--database-url", help="PostgreSQL or SQLite URL to fill (default: a temporary SQLite file)")
    args = parser.parse_args()
    if not args.serving:
        scoring()
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        serving(url)
        if args.browser:
            browser(url)


if __name__ == "__main__":
    main()
