"""The Indonesian pipeline's speed on text whose words are new, beside spaCy's bare tokenizer.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python -m bench.pipeline_bench`` (one core). Times are the
process's CPU time (``time.process_time``), so a machine shared with other work gives the same
figures; the pipeline runs as the suggester runs it (without the sentencizer).

For each text, in the same run and process:
- **blank tokenizer**: ``spacy.blank("id").tokenizer`` over the same paragraphs, built fresh (its
  own cache and vocabulary empty, so it too meets every word for the first time);
- **cold**: qualcode's pipeline (``build_nlp()``: tokenizer, normal forms, sentences) built fresh,
  with the in-process word-form table emptied and no word-form store, so every distinct word is
  normalised for the first time;
- **restart**: a fresh pipeline again, but with the word forms read back from the store the
  cold pass wrote (what an app process meets after a restart);
- **warm**: the cold pipeline's second pass over the same text.

Texts, smallest first:
- the real documents: ``corpora/`` (the demo interviews, observations and documents) and, when
  ``../shared/seeds`` is present, the seed papers (published Indonesian texts, read in place);
- larger texts in real vocabulary: PySastrawi's 30,000 Indonesian root words, drawn with Zipf
  frequencies (as words occur in real text, so a longer text keeps meeting new words) and given
  the regular affixes (meN-, di-, ber-, ter-, peN-...-an, ke-...-an, -kan, -i, -nya) with their
  sound changes. Not a small generated vocabulary: the 500,000-word text has tens of thousands
  of distinct forms.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import spacy  # noqa: E402

from qualcode.nlp import pipeline  # noqa: E402
from qualcode.nlp.stemmer import roots  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
SIZES = (10_000, 100_000, 500_000)


def real_documents() -> list[tuple[str, list[str]]]:
    out = []
    corpus = sorted((ROOT / "corpora").rglob("*.txt"))
    out.append((f"corpora/ ({len(corpus)} documents)", [p.read_text(encoding="utf-8") for p in corpus]))
    if SEEDS.is_dir():
        seeds = sorted(SEEDS.glob("*.txt"))
        out.append((f"../shared/seeds ({len(seeds)} papers)", [p.read_text(encoding="utf-8") for p in seeds]))
    else:
        print(f"({SEEDS} not found: the seed papers are skipped)")
    return out


def _men(root: str, nasal_base: str) -> str:
    """meN-/peN- with the nasal assimilation of Indonesian morphology."""
    first = root[0]
    if first in "bfv":
        return nasal_base + "m" + root
    if first == "p":
        return nasal_base + "m" + root[1:]
    if first in "dcjz":
        return nasal_base + "n" + root
    if first == "t":
        return nasal_base + "n" + root[1:]
    if first == "s":
        return nasal_base + "ny" + root[1:]
    if first == "k":
        return nasal_base + "ng" + root[1:]
    if first in "ghaiueo":
        return nasal_base + "ng" + root
    return nasal_base + root


AFFIXES = (
    lambda r: r, lambda r: r, lambda r: r, lambda r: _men(r, "me"), lambda r: _men(r, "me") + "kan",
    lambda r: "di" + r, lambda r: "di" + r + "kan", lambda r: "ber" + r, lambda r: "ter" + r,
    lambda r: _men(r, "pe") + "an", lambda r: "ke" + r + "an", lambda r: r + "nya", lambda r: _men(r, "me") + "i",
    lambda r: "per" + r + "an", lambda r: r + "an",
)


def zipf_text(words: int, seed: int = 0) -> list[str]:
    """Paragraphs of about 60 words in real Indonesian roots with Zipf frequencies, each root used
    in up to three affixed forms (as a real text uses a few forms of each root)."""
    rng = random.Random(seed)
    vocabulary = sorted(w for w in roots() if w.isalpha() and len(w) > 2)
    rng.shuffle(vocabulary)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(vocabulary))]
    drawn = rng.choices(vocabulary, weights=weights, k=words)
    forms: dict[str, list] = {}
    tokens = [rng.choice(forms.setdefault(w, rng.sample(AFFIXES, 3)))(w) for w in drawn]
    paragraphs = []
    for start in range(0, len(tokens), 60):
        sentence = tokens[start:start + 60]
        sentence[0] = sentence[0].capitalize()
        for i in range(12, len(sentence), 12):
            sentence[i - 1] += rng.choice([".", ",", ".", "?"])
        paragraphs.append(" ".join(sentence) + ".")
    return paragraphs


def _reset() -> None:
    pipeline._FORMS.clear()
    pipeline._NORM_OF_ORTH.clear()


def _paragraphs(texts: list[str]) -> list[str]:
    return [p for t in texts for p in t.split("\n") if p.strip()]


def measure(label: str, paragraphs: list[str]) -> None:
    words = sum(len(p.split()) for p in paragraphs)
    distinct = len({w.lower().strip(".,?!;:()\"'") for p in paragraphs for w in p.split()})

    blank = spacy.blank("id")
    t0 = time.process_time()
    for p in paragraphs:
        blank.tokenizer(p)
    blank_cold = time.process_time() - t0

    with tempfile.TemporaryDirectory() as folder:
        os.environ["QUALCODE_WORD_FORMS"] = folder
        pipeline.word_form_store.cache_clear()
        _reset()
        pipeline.word_form_store()
        nlp = pipeline.build_nlp()
        t0 = time.process_time()
        for _ in nlp.pipe(paragraphs, batch_size=256, disable=["sentencizer"]):
            pass
        cold = time.process_time() - t0
        t0 = time.process_time()
        for _ in nlp.pipe(paragraphs, batch_size=256, disable=["sentencizer"]):
            pass
        warm = time.process_time() - t0

        _reset()  # a restart: a new process reads the forms the cold pass stored
        pipeline.word_form_store.cache_clear()
        t0 = time.process_time()
        store = pipeline.word_form_store()
        loaded = len(pipeline._FORMS)
        nlp = pipeline.build_nlp()
        load = time.process_time() - t0
        t0 = time.process_time()
        for _ in nlp.pipe(paragraphs, batch_size=256, disable=["sentencizer"]):
            pass
        restart = time.process_time() - t0
        assert store is not None
    os.environ["QUALCODE_WORD_FORMS"] = "off"
    pipeline.word_form_store.cache_clear()
    print(f"{label:<40} {words:>9,} words {distinct:>8,} distinct | blank tokenizer {words / blank_cold:>9,.0f} w/s | "
          f"cold {words / cold:>9,.0f} w/s ({cold / blank_cold:3.1f}x tokenizer) | restart {words / restart:>9,.0f} w/s "
          f"({loaded:,} forms read, {load:.2f} s with the pipeline) | warm {words / warm:>9,.0f} w/s")


def main() -> None:
    t0 = time.process_time()
    pipeline.get_nlp()
    print(f"pipeline built in {time.process_time() - t0:.1f} s CPU (word lists, lookup tables, root dictionary)")
    for label, texts in real_documents():
        measure(label, _paragraphs(texts))
    for size in SIZES:
        measure(f"real roots, Zipf, affixed: {size:,} words", zipf_text(size, seed=size))


if __name__ == "__main__":
    main()
