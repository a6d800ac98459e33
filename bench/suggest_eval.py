"""Evaluation of code suggestions on two sets, reported separately:

- the synthetic set, bench/data/eval_passages.yaml (written alongside the codebooks; kept apart
  from corpora/);
- the real-text set, bench/data/real_passages.yaml: passages of published Indonesian studies read
  in place from ../shared/seeds and from the local cache of fetched web pages (bench/real_passages.py,
  bench/fetch_real_texts.py; skipped, or web sources left out, with a message when absent).

Per set and codebook: top-1 and top-3 accuracy at the level of the framework's dimensions
(Ansell & Gash: starting conditions, institutional design, facilitative leadership, the five
process steps, outcomes; Najam: the five Cs), beside two baselines (TF-IDF similarity to each
code's profile alone, and the majority class); the same per dimension with where the misses go;
for Najam, how often the direction (supporting / inhibiting) is right; then a learning curve of
the learned model and of the blend after 5, 10, 20 and 50 coded examples per dimension (where the
set has that many), trained as the app trains (the passages' own codes, the codebook's texts as
prior documents), averaged over ten draws.

The real-text tuning set, bench/data/real_dev_passages.yaml (other studies than the test set), is
reported first when its texts are cached: codebook changes are judged on it and on the synthetic
set, never on the test set. Last, a learning curve on real text with whole studies held out (both
real-text sets pooled; ``study_curve``).

Run: ``.venv/bin/python -m bench.suggest_eval``
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from bench import real_passages
from qualcode.codebooks import load_codebook_file
from qualcode.nlp.suggest import CodebookSuggester, CodeInfo, LearnedModel

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "eval_passages.yaml"
DIRECTIONS = ("supporting", "inhibiting")


def code_infos(codebook: str) -> tuple[list[CodeInfo], dict[str, str]]:
    """The codebook's codes and each code's dimension (AG: process steps count as dimensions)."""
    spec = load_codebook_file(ROOT / "codebooks" / f"{codebook}.yaml")
    infos, dimension = [], {}
    for path, code, _ in spec.walk():
        parts = path.split("/")
        dim = parts[1] if parts[0] == "collaborative_process" and len(parts) > 1 else parts[0]
        if dim == "direction" or code.id in DIRECTIONS:
            dimension[code.id] = code.id if code.id in DIRECTIONS else "direction"
            continue
        dimension[code.id] = dim
        infos.append(CodeInfo(code.id, path, code.name.id, code.name.en, code.definition, code.inclusion,
                              tuple(code.examples), tuple(code.indicators)))
    return infos, dimension


def dimension_ranking(scores: np.ndarray, codes: list[CodeInfo], dimension: dict[str, str]) -> list[list[str]]:
    """Per passage, dimensions ordered by their best code's score."""
    out = []
    for row in scores:
        best: dict[str, float] = {}
        for c, code in enumerate(codes):
            dim = dimension[code.key]
            best[dim] = max(best.get(dim, 0.0), float(row[c]))
        out.append([d for d, _ in sorted(best.items(), key=lambda kv: -kv[1])])
    return out


def accuracy(rankings: list[list[str]], truths: list[set[str]], k: int) -> float:
    hits = sum(1 for rank, truth in zip(rankings, truths, strict=True) if truth & set(rank[:k]))
    return hits / max(1, len(truths))


@dataclass
class Item:
    id: str
    source: str
    codebook: str
    labels: tuple[str, ...]
    text: str


def synthetic_set() -> list[Item]:
    passages = yaml.safe_load(DATA.read_text(encoding="utf-8"))["passages"]
    return [Item(p["id"], "synthetic", p["codebook"], tuple(p["labels"]), p["text"]) for p in passages]


def real_set(data: Path = real_passages.DATA) -> list[Item] | None:
    """The passages of a real-text set (the test set, or ``real_passages.DEV``, the tuning set) that
    can be read here; web sources missing from the cache are named and left out, not the set."""
    name = data.name
    if not data.is_file():
        return None
    try:
        items = [Item(p.id, p.source, p.codebook, p.labels, p.text) for p in real_passages.load(data=data)]
    except FileNotFoundError as missing:
        print(f"\n({name} skipped: {missing} not found; it is read in place from ../shared/seeds)")
        return None
    missing_web = real_passages.missing_web_sources(data=data)
    if missing_web:
        print(f"\n({name}: {len(missing_web)} web source(s) not in {real_passages.CACHE}, left out: "
              f"{', '.join(missing_web)}; run bench/fetch_real_texts.py)")
    return items


def _row(label: str, rankings: list[list[str]], truths: list[set[str]]) -> str:
    return f"  {label:<34} top-1 {accuracy(rankings, truths, 1):.3f}   top-3 {accuracy(rankings, truths, 3):.3f}"


def _scored(chosen: list[Item], codes: list[CodeInfo], dimension: dict[str, str]):  # type: ignore[no-untyped-def]
    """The passages' texts, their dimensions (the truth), their docs, and the codebook's scores
    and TF-IDF similarities (passages x codes)."""
    texts = [p.text for p in chosen]
    truths = [{dimension[label] for label in p.labels if dimension.get(label) not in (None, *DIRECTIONS, "direction")}
              for p in chosen]
    suggester = CodebookSuggester(codes)
    docs = suggester.docs(texts)
    scores, _, similarity = suggester.scores(docs)
    return texts, truths, docs, scores, similarity


def evaluate(name: str, items: list[Item], *, curve: bool) -> None:
    print(f"\n######## {name}: {len(items)} passages from {len({i.source for i in items})} source(s)")
    overall: dict[str, list[tuple[list[str], set[str]]]] = defaultdict(list)
    for codebook in ("ansell_gash_2008", "najam_5c_1995"):
        codes, dimension = code_infos(codebook)
        chosen = [p for p in items if p.codebook == codebook]
        if not chosen:
            continue
        texts, truths, docs, scores, similarity = _scored(chosen, codes, dimension)
        rankings = dimension_ranking(scores, codes, dimension)
        tfidf = dimension_ranking(similarity, codes, dimension)
        counts = Counter(d for t in truths for d in t)
        majority = [[d for d, _ in counts.most_common()]] * len(truths)
        dims = sorted(counts)
        print(f"\n== {codebook}: {len(chosen)} passages, {len(dims)} dimensions")
        print(_row("codebook suggestions", rankings, truths))
        print(_row("baseline: TF-IDF to code profile", tfidf, truths))
        print(_row("baseline: majority class", majority, truths))
        overall["codebook"] += list(zip(rankings, truths, strict=True))
        overall["tfidf"] += list(zip(tfidf, truths, strict=True))
        overall["majority"] += list(zip(majority, truths, strict=True))
        print("  per dimension (n, top-1, top-3; misses go to):")
        for dim in dims:
            rows = [i for i, t in enumerate(truths) if dim in t]
            r = [rankings[i] for i in rows]
            t = [truths[i] for i in rows]
            misses = Counter(rankings[i][0] for i in rows if rankings[i][0] not in truths[i])
            print(f"    {dim:<38} {len(rows):>3}  {accuracy(r, t, 1):.2f}  {accuracy(r, t, 3):.2f}  "
                  f"{', '.join(f'{d} {n}' for d, n in misses.most_common(3))}")
        sources = sorted({p.source for p in chosen})
        if len(sources) > 1:
            print("  per source (n, top-1, top-3):", "; ".join(
                f"{src} {len(rows)} {accuracy([rankings[i] for i in rows], [truths[i] for i in rows], 1):.2f} "
                f"{accuracy([rankings[i] for i in rows], [truths[i] for i in rows], 3):.2f}"
                for src in sources for rows in [[i for i, p in enumerate(chosen) if p.source == src]]))
        if codebook == "najam_5c_1995":
            direction(chosen, texts)
        if curve:
            learning_curve(chosen, texts, docs, scores, truths, codes, dimension)
    print("\n== overall (both frameworks)")
    for method, label in (("codebook", "codebook suggestions"), ("tfidf", "baseline: TF-IDF to code profile"),
                          ("majority", "baseline: majority class (per framework)")):
        pairs = overall[method]
        print(_row(label, [p[0] for p in pairs], [p[1] for p in pairs]))


def direction(items: list[Item], texts: list[str]) -> None:
    """Supporting or inhibiting, from the direction codes' indicators and definitions."""
    truth = [next((lb for lb in p.labels if lb in DIRECTIONS), None) for p in items]
    dsug = CodebookSuggester([CodeInfo(d, f"direction/{d}", *_direction_text(d)) for d in DIRECTIONS])
    dscores, _, _ = dsug.scores(dsug.docs(texts))
    guesses = [DIRECTIONS[int(np.argmax(r))] if r.max() > 0 else None for r in dscores]
    known = [(g, t) for g, t in zip(guesses, truth, strict=True) if t]
    majority = Counter(t for _, t in known).most_common(1)[0][0]
    print(f"  direction (supporting/inhibiting): right {sum(g == t for g, t in known) / len(known):.3f} of {len(known)} "
          f"({sum(g is None for g, _ in known)} without any direction cue) | majority class "
          f"{sum(t == majority for _, t in known) / len(known):.3f}")


DRAWS = 10


def _blend_point(items, texts, docs, scores, truths, codes, dimension, train, test,  # type: ignore[no-untyped-def]
                 negatives=()) -> list[float]:
    """Top-1 and top-3 of codebook-only, the learned model alone and the blend on ``test`` after
    training on ``train`` (indexes into ``items``; ``negatives``, uncoded texts, join as the app's
    uncoded turns do), as the app trains and blends."""
    keys = {code.key for code in codes}
    code_labels = [{label for label in items[i].labels if label in keys} for i in train]
    model = LearnedModel().fit([*(texts[i] for i in train), *negatives], [*code_labels, *(set() for _ in negatives)],
                               min_examples=2, cross_validate=False, priors=codes)
    probabilities, _ = model.predict([docs[i] for i in test])
    model_scores = np.zeros((len(test), len(codes)))
    blend = scores[test].copy()
    for c, code in enumerate(codes):
        if code.key in probabilities:
            model_scores[:, c] = probabilities[code.key]
            w = model.weight(code.key)
            blend[:, c] = (1 - w) * scores[test, c] + w * probabilities[code.key]
    t_truth = [truths[i] for i in test]
    return [accuracy(dimension_ranking(m, codes, dimension), t_truth, k)
            for m in (scores[test], model_scores, blend) for k in (1, 3)]


def _print_point(label: str, results: list[list[float]], tail: str) -> None:
    array = np.array(results)
    mean = array.mean(axis=0)
    gain = array[:, 4] - array[:, 0]
    verdict = "blend beats codebook-only" if mean[4] > mean[0] else "blend does NOT beat codebook-only"
    print(f"    {label}: codebook {mean[0]:.3f}/{mean[1]:.3f} | model {mean[2]:.3f}/{mean[3]:.3f} | "
          f"blend {mean[4]:.3f}/{mean[5]:.3f} (top-1/top-3, {tail}; top-1 gain "
          f"{gain.mean():+.3f} sd {gain.std():.3f}): {verdict}")


def learning_curve(items, texts, docs, scores, truths, codes, dimension) -> None:  # type: ignore[no-untyped-def]
    """Codebook-only, the learned model alone and the blend after n coded examples per dimension,
    tested on the other passages of the set (never trained on). The model is trained as the app
    trains it: on the passages' own codes (a dimension or one of its child codes), with the
    codebook's texts as prior documents, and blended per code with the weight its number of coded
    examples earns (``LearnedModel.weight``); scored at the level of dimensions. Means over
    ``DRAWS`` random draws of the training passages, with the spread (standard deviation) of the
    blend's gain over codebook-only."""
    by_dim: dict[str, list[int]] = defaultdict(list)
    for i, truth in enumerate(truths):
        for d in truth:
            by_dim[d].append(i)
    dims = sorted(by_dim)
    smallest = min(len(v) for v in by_dim.values())
    print(f"  learning curve (n coded examples per dimension; test = the other passages; smallest dimension "
          f"has {smallest}; {DRAWS} draws):")
    for n in (5, 10, 15, 20, 50):
        if n >= smallest:
            print(f"    n={n:>2}: not enough passages (needs more than {n} per dimension)")
            continue
        results, test = [], []
        for seed in range(DRAWS):
            rng = random.Random(1000 * n + seed)
            train = sorted({i for d in dims for i in rng.sample(by_dim[d], n)})
            test = [i for i in range(len(items)) if i not in set(train)]
            results.append(_blend_point(items, texts, docs, scores, truths, codes, dimension, train, test))
        _print_point(f"n={n:>2}", results, f"{len(test)} test passages")


def study_curve(items: list[Item]) -> None:
    """The learning curve on real text with whole studies held out: both real-text sets pooled
    (the tuning and the test set: 60-odd studies), per codebook. Per draw, studies are taken in a
    random order into training until every dimension has ``n`` coded passages (or half the studies
    are taken); the passages of the other studies are the test. This is harder than the issue's
    "held-out documents of the same study" (no real study with enough coded documents is
    reachable here): what a researcher has coded in one study is tried on other studies."""
    print("\n######## learning curve on real text, whole studies held out (tuning and test sets pooled): "
          f"{len(items)} passages from {len({i.source for i in items})} studies")
    for codebook in ("ansell_gash_2008", "najam_5c_1995"):
        codes, dimension = code_infos(codebook)
        chosen = [p for p in items if p.codebook == codebook]
        texts, truths, docs, scores, _ = _scored(chosen, codes, dimension)
        by_study: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(chosen):
            by_study[p.source].append(i)
        studies = sorted(by_study)
        dims = sorted({d for t in truths for d in t})
        print(f"\n== {codebook}: {len(chosen)} passages from {len(studies)} studies, {len(dims)} dimensions "
              f"({', '.join(f'{d} {sum(d in t for t in truths)}' for d in dims)})")
        for n in (5, 10, 20):
            results, sizes, reached = [], [], []
            for seed in range(DRAWS):
                rng = random.Random(7000 + 100 * n + seed)
                order = studies[:]
                rng.shuffle(order)
                have: Counter[str] = Counter()
                train: list[int] = []
                taken = 0
                for study in order:
                    if all(have[d] >= n for d in dims) or taken >= len(studies) // 2:
                        break
                    if not any(have[d] < n for i in by_study[study] for d in truths[i]):
                        continue
                    taken += 1
                    train += by_study[study]
                    have.update(d for i in by_study[study] for d in truths[i])
                held = set(train)
                test = [i for i in range(len(chosen)) if i not in held]
                results.append(_blend_point(chosen, texts, docs, scores, truths, codes, dimension, sorted(train), test))
                sizes.append(len(test))
                reached.append(min(have[d] for d in dims))
            _print_point(f"n={n:>2}", results, f"{np.mean(sizes):.0f} test passages of other studies; fewest "
                         f"coded in a dimension {min(reached)}-{max(reached)}")


def main() -> None:
    evaluate(f"synthetic set ({DATA.relative_to(ROOT)})", synthetic_set(), curve=True)
    dev = real_set(real_passages.DEV)
    if dev:
        evaluate("real-text TUNING set (bench/data/real_dev_passages.yaml, other studies than the test set)", dev,
                 curve=False)
    real = real_set()
    if real:
        evaluate("real-text set (bench/data/real_passages.yaml, read from ../shared/seeds and the web cache)", real,
                 curve=True)
    if real and dev:
        study_curve(dev + real)


def _direction_text(direction: str) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
    spec = load_codebook_file(ROOT / "codebooks" / "najam_5c_1995.yaml")
    code = next(c for _, c, _ in spec.walk() if c.id == direction)
    return code.name.id, code.name.en, code.definition, code.inclusion, tuple(code.examples), tuple(code.indicators)


if __name__ == "__main__":
    main()
