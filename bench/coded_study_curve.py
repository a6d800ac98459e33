"""A learning curve on held-out documents of one real coded study.

The only real study with human coding reachable here is the NVivo 12 export in
``../shared/refi-qda/samples/nvivo12_two_coders_hungarian.qdpx`` (not committed; read in place):
YouTube comments under Hungarian videos about COVID-19 vaccination, coded by a researcher with
Hornsey's "attitude roots" of vaccine hesitancy (11 roots, each with child codes) and a few other
trees. It is read with the app's own REFI-QDA reader. Its coded source holds the comments of many
videos, one record per comment (video id, title, date, comment id, author, text, likes, date);
each video is a document of the study, each comment a unit.

What is measured, as the app learns (``LearnedModel`` over the spans' own codes, the codebook's
texts as prior documents, uncoded comments of the training videos as negatives, blended per code
with the weight its coded examples earn), scored at the level of the 11 roots (top-1 / top-3 of
the roots ranked by their best code): per draw, the coded videos are taken in a random order into
training until each root with at least 1.5 ``n`` coded comments has ``n`` of them (or two thirds
of the coded videos are taken); every coded comment of the other videos is the
test. Beside the blend: codebook-only, the learned model alone, and the majority class of the
training videos.

Read the codebook-only column with care: this codebook has English code names and no
definitions, examples or indicators, and the comments are Hungarian, which the Indonesian
pipeline does not stem; codebook-only is near chance here, so "the blend beats codebook-only" is
easy on this study. What the curve shows is that the model learns one researcher's coding from
some documents of a study and carries it to its other documents, and how fast.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python -m bench.coded_study_curve``
"""

from __future__ import annotations

import bisect
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from bench.suggest_eval import DRAWS, Item, _blend_point, _print_point, accuracy
from qualcode.codebooks import CodeSpec
from qualcode.exchange.qdpx_reader import read_qdpx
from qualcode.nlp.suggest import CodebookSuggester, CodeInfo

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT.parent / "shared" / "refi-qda" / "samples" / "nvivo12_two_coders_hungarian.qdpx"
TREE = "Attituderoots"
RECORD = re.compile(r"^([A-Za-z0-9_-]{11})\n[^\n]*\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n[^\n]*\n[^\n]*\n([^\n]*)\n", re.M)
"""One comment record: video id, title, date, comment id, author, then the comment's text (group 2)."""
IN_PLAY = 1.5  # a root takes part in the stopping rule at n when it has at least 1.5 n coded comments
NEGATIVES = 400  # uncoded units the app adds as negatives (``training_data(limit_negatives=400)``)


def _infos(code: CodeSpec, path: str, root: str, infos: list[CodeInfo], dimension: dict[str, str]) -> None:
    here = f"{path}/{code.id}" if path else code.id
    infos.append(CodeInfo(code.id, here, code.name.id, code.name.en, code.definition, code.inclusion,
                          tuple(code.examples), tuple(code.indicators)))
    dimension[code.id] = root
    for child in code.children:
        _infos(child, here, root, infos, dimension)


def load(sample: Path = SAMPLE):  # type: ignore[no-untyped-def]
    """The study's units: coded comments as Items (labels = the codes applied, ``source`` = the
    video), uncoded comments per video, and the codebook of the attitude roots with each code's root."""
    project = read_qdpx(sample.read_bytes(), sample.name)
    tree = next(c for c in project.codes if c.name.en == TREE or c.name.id == TREE)
    codes: list[CodeInfo] = []
    dimension: dict[str, str] = {}
    for root in tree.children:
        _infos(root, tree.id, root.id, codes, dimension)
    guid_key: dict[str, str] = {}

    def index(code: CodeSpec) -> None:
        if code.guid:
            guid_key[code.guid] = code.id
        for child in code.children:
            index(child)

    index(tree)
    source = next(s for s in project.sources if s.selections)
    records = [(m.start(), m.group(1), m.start(2), m.end(2)) for m in RECORD.finditer(source.text)]
    starts = [r[0] for r in records]
    labels: dict[tuple[int, int], set[str]] = defaultdict(set)
    video: dict[tuple[int, int], str] = {}
    for selection in source.selections:
        span = (selection.start, selection.end)
        for coding in selection.codings:
            if coding.code_guid in guid_key:
                labels[span].add(guid_key[coding.code_guid])
        video[span] = records[bisect.bisect_right(starts, selection.start) - 1][1]
    items = [Item(f"{s}-{e}", video[(s, e)], TREE, tuple(sorted(keys)), source.text[s:e])
             for (s, e), keys in sorted(labels.items()) if keys]
    coded_videos = {i.source for i in items}
    covered = sorted(labels)
    uncoded: dict[str, list[str]] = defaultdict(list)
    for _, vid, s, e in records:
        if vid not in coded_videos or e - s < 20:
            continue
        k = bisect.bisect_right(covered, (e, e))
        if any(cs < e and ce > s for cs, ce in covered[max(0, k - 3):k + 1]):
            continue
        uncoded[vid].append(source.text[s:e])
    return items, uncoded, codes, dimension


def main() -> None:
    if not SAMPLE.is_file():
        print(f"{SAMPLE} not found: this curve reads the NVivo sample of ../shared/refi-qda in place")
        sys.exit(1)
    items, uncoded, codes, dimension = load()
    truths = [{dimension[k] for k in item.labels} for item in items]
    texts = [item.text for item in items]
    suggester = CodebookSuggester(codes)
    docs = suggester.docs(texts)
    scores, _, _ = suggester.scores(docs)
    by_video: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        by_video[item.source].append(i)
    videos = sorted(by_video)
    counts = Counter(d for t in truths for d in t)
    print(f"{SAMPLE.name}: {len(items)} coded comments in {len(videos)} videos (documents), "
          f"{sum(len(v) for v in uncoded.values())} uncoded comments of those videos; codebook '{TREE}': "
          f"{len(codes)} codes under {len({dimension[c.key] for c in codes})} roots")
    print("coded comments per root: " + ", ".join(f"{d} {n}" for d, n in counts.most_common()))
    print(f"curve: training videos are taken until each root with >= {IN_PLAY} n coded comments has n (or 2/3 "
          f"of the videos are taken); test = every coded comment of the other videos; {DRAWS} draws; top-1/top-3 "
          f"over the {len({dimension[c.key] for c in codes})} roots")
    for n in (5, 10, 20, 50):
        roots = sorted(d for d, c in counts.items() if c >= IN_PLAY * n)
        if not roots:
            print(f"    n={n:>2}: no root has {IN_PLAY * n:.0f} coded comments")
            continue
        results, sizes, reached, majority = [], [], [], []
        for seed in range(DRAWS):
            rng = random.Random(9000 + 100 * n + seed)
            order = videos[:]
            rng.shuffle(order)
            have: Counter[str] = Counter()
            train: list[int] = []
            taken: list[str] = []
            for vid in order:
                if all(have[d] >= n for d in roots) or len(taken) >= 2 * len(videos) // 3:
                    break
                taken.append(vid)
                train += by_video[vid]
                have.update(d for i in by_video[vid] for d in truths[i])
            held = set(train)
            test = [i for i in range(len(items)) if i not in held]
            negatives = [t for vid in taken for t in uncoded[vid]]
            random.Random(seed).shuffle(negatives)
            results.append(_blend_point(items, texts, docs, scores, truths, codes, dimension, sorted(train), test,
                                        negatives=negatives[:NEGATIVES]))
            ranked = [d for d, _ in Counter(d for i in train for d in truths[i]).most_common()]
            ranked += [d for d in sorted(counts) if d not in ranked]
            t_truth = [truths[i] for i in test]
            majority.append([accuracy([ranked] * len(test), t_truth, k) for k in (1, 3)])
            sizes.append(len(test))
            reached.append(min(have[d] for d in roots))
        if max(reached) < n:
            print(f"    n={n:>2}: not reached (fewest coded in a root at most {max(reached)} with 2/3 of the videos)")
            continue
        m = np.mean(majority, axis=0)
        _print_point(f"n={n:>2}", results, f"{len(roots)} roots in play, fewest coded {min(reached)}-{max(reached)}; "
                     f"{np.mean(sizes):.0f} test comments of other videos; majority class {m[0]:.3f}/{m[1]:.3f}")


if __name__ == "__main__":
    main()
