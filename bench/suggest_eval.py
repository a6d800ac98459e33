"""Evaluation of code suggestions on bench/data/eval_passages.yaml (kept apart from corpora/).

Reports, per codebook, the top-1 and top-3 accuracy of codebook-only suggestions at the level of
the framework's dimensions (Ansell & Gash: starting conditions, institutional design, facilitative
leadership, the five process steps, outcomes; Najam: the five Cs, direction reported apart), then
learning curves of the learned model and of the blend after 5, 10, 20 and 50 coded examples per
dimension (where the set has that many; the rest of the passages are the test set).

Run: ``.venv/bin/python -m bench.suggest_eval``
"""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

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


def main() -> None:
    passages = yaml.safe_load(DATA.read_text(encoding="utf-8"))["passages"]
    print(f"evaluation set: {len(passages)} passages ({DATA.relative_to(ROOT)})")
    for codebook in ("ansell_gash_2008", "najam_5c_1995"):
        codes, dimension = code_infos(codebook)
        items = [p for p in passages if p["codebook"] == codebook]
        texts = [p["text"] for p in items]
        truths = [{dimension[label] for label in p["labels"] if dimension.get(label) not in (None, *DIRECTIONS, "direction")}
                  for p in items]
        suggester = CodebookSuggester(codes)
        docs = suggester.docs(texts)
        scores, _, _ = suggester.scores(docs)
        rankings = dimension_ranking(scores, codes, dimension)
        dims = sorted({d for t in truths for d in t})
        print(f"\n== {codebook}: {len(items)} passages, {len(dims)} dimensions (chance top-1 {1 / len(dims):.2f})")
        print(f"codebook only   top-1 {accuracy(rankings, truths, 1):.3f}   top-3 {accuracy(rankings, truths, 3):.3f}")
        if codebook == "najam_5c_1995":
            direction_truth = [next((lb for lb in p["labels"] if lb in DIRECTIONS), None) for p in items]
            dsug = CodebookSuggester([CodeInfo(d, f"direction/{d}", *_direction_text(d)) for d in DIRECTIONS])
            dscores, _, _ = dsug.scores(dsug.docs(texts))
            guesses = [DIRECTIONS[int(np.argmax(r))] if r.max() > 0 else None for r in dscores]
            known = [(g, t) for g, t in zip(guesses, direction_truth, strict=True) if t]
            print(f"direction (supporting/inhibiting) accuracy {sum(g == t for g, t in known) / len(known):.3f} "
                  f"({sum(g is None for g, _ in known)} passages without any direction cue)")
        by_dim: dict[str, list[int]] = defaultdict(list)
        for i, truth in enumerate(truths):
            for d in truth:
                by_dim[d].append(i)
        smallest = min(len(v) for v in by_dim.values())
        print(f"learning curve (examples per dimension -> top-1 / top-3 on the held-out passages; "
              f"smallest dimension has {smallest} passages):")
        for n in (5, 10, 20, 50):
            if n >= smallest:
                print(f"  n={n:>2}: not enough passages (needs more than {n} per dimension)")
                continue
            rng = random.Random(n)
            train = sorted({i for d in dims for i in rng.sample(by_dim[d], n)})
            test = [i for i in range(len(items)) if i not in set(train)]
            model = LearnedModel().fit([texts[i] for i in train], [truths[i] for i in train], min_examples=2,
                                       cross_validate=False)
            test_docs = [docs[i] for i in test]
            probabilities, _ = model.predict(test_docs)
            model_scores = np.zeros((len(test), len(codes)))
            blend = scores[test].copy()
            for c, code in enumerate(codes):
                dim = dimension[code.key]
                if dim in probabilities:
                    model_scores[:, c] = probabilities[dim]
                    w = model.weight(dim)
                    blend[:, c] = (1 - w) * scores[test, c] + w * probabilities[dim]
            t_truth = [truths[i] for i in test]
            m_rank = dimension_ranking(model_scores, codes, dimension)
            b_rank = dimension_ranking(blend, codes, dimension)
            print(f"  n={n:>2}: model top-1 {accuracy(m_rank, t_truth, 1):.3f} top-3 {accuracy(m_rank, t_truth, 3):.3f} | "
                  f"blend top-1 {accuracy(b_rank, t_truth, 1):.3f} top-3 {accuracy(b_rank, t_truth, 3):.3f} "
                  f"({len(test)} test passages)")


def _direction_text(direction: str) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
    spec = load_codebook_file(ROOT / "codebooks" / "najam_5c_1995.yaml")
    code = next(c for _, c, _ in spec.walk() if c.id == direction)
    return code.name.id, code.name.en, code.definition, code.inclusion, tuple(code.examples), tuple(code.indicators)


if __name__ == "__main__":
    main()
