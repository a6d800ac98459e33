"""Suggestion speed: a 10,000-word transcript and the whole demo corpus, in words per second,
next to the bare ``spacy.blank("id")`` tokenizer over the same text in the same run.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python -m bench.suggest_bench`` (one core). The pipeline and
the codebook matcher are built first (once per process, as in the app); the first pass over a
text also fills the word-form cache (new words are lemmatised once), later passes reuse it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import spacy  # noqa: E402

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


def main() -> None:
    t0 = time.perf_counter()
    get_nlp()
    suggester = CodebookSuggester(codes())
    print(f"pipeline + codebook matcher ({len(suggester.codes)} codes) built in {time.perf_counter() - t0:.2f} s")
    blank = spacy.blank("id")
    text = transcript(10_000, seed=42)
    rate("10,000-word generated transcript", [text], suggester, blank)
    corpus = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora").rglob("*.txt"))]
    rate(f"demo corpus ({len(corpus)} files)", corpus, suggester, blank)


if __name__ == "__main__":
    main()
