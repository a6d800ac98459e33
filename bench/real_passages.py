"""The real-text evaluation set: passages of published Indonesian studies, read in place.

``bench/data/real_passages.yaml`` holds, per passage, its source, its labels and a locator (a
short phrase of the source); the texts themselves are not in this repository (their licences do
not let it redistribute them). A source is read either from ``../shared/seeds`` (``where: seeds``,
the default) or from a local cache of fetched web pages (``where: web``; the cache is
``~/.cache/qualcode/real_texts`` or ``$QUALCODE_REAL_TEXTS``, filled by
``bench/fetch_real_texts.py``). ``load()`` extracts each passage: the sentence or the line that
holds the phrase, or, with ``until``, the stretch from the phrase to the end of a second phrase,
with Markdown emphasis removed.

Run ``.venv/bin/python -m bench.real_passages`` to print the extracted set (a check that every
locator still finds its passage) and which web sources are missing from the cache.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "real_passages.yaml"  # the test set
DEV = Path(__file__).parent / "data" / "real_dev_passages.yaml"  # the tuning set: other studies
SEEDS = ROOT.parent / "shared" / "seeds"
CACHE = Path(os.environ.get("QUALCODE_REAL_TEXTS", Path.home() / ".cache" / "qualcode" / "real_texts"))
SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\bDr\.)(?<!\bNo\.)\s+(?=[A-Z0-9(\"“])")


@dataclass(frozen=True)
class Passage:
    id: str
    source: str
    codebook: str
    labels: tuple[str, ...]
    text: str


def _clean(line: str) -> str:
    line = re.sub(r"[*_#`]+", "", line)
    return re.sub(r"\s+", " ", line).strip()


def _extract(lines: list[str], locate: str, span: str, until: str | None = None) -> str | None:
    wanted = _clean(locate).lower()
    for line in lines:
        if wanted not in line.lower():
            continue
        at = line.lower().index(wanted)
        if until:
            end = line.lower().find(_clean(until).lower(), at)
            if end >= 0:
                return line[at:end + len(_clean(until))]
            continue
        if span == "line":
            return line
        out, position = [], 0
        for sentence in SENTENCE_END.split(line):
            start, end = position, position + len(sentence)
            if start <= at + len(wanted) and at < end:
                out.append(sentence)
            position = end + 1
        return " ".join(out) if out else line
    return None


def _extract_broken(lines: list[str], locate: str, until: str | None) -> str | None:
    """The passage whose phrase starts on a line and runs over the next one or two."""
    wanted = _clean(locate).lower()
    for i, first in enumerate(lines):
        window = " ".join(lines[i:i + 3])
        at = window.lower().find(wanted)
        if 0 <= at < len(first):
            text = _extract([window], locate, "sentence", until)
            if text is not None:
                return text
    return None


def sources(data: Path = DATA) -> list[dict]:
    return yaml.safe_load(data.read_text(encoding="utf-8"))["sources"]


def missing_web_sources(cache: Path = CACHE, data: Path = DATA) -> list[str]:
    """Ids of web sources whose text is not in the cache (run bench/fetch_real_texts.py)."""
    return [s["id"] for s in sources(data) if s.get("where") == "web" and not (cache / s["file"]).is_file()]


def load(seeds: Path = SEEDS, cache: Path = CACHE, data: Path = DATA) -> list[Passage]:
    """The passages found in ``seeds`` and, for web sources, in ``cache`` (web sources missing from
    the cache are left out); raises ``FileNotFoundError`` when the seeds folder is absent and
    ``LookupError`` when a locator no longer finds its passage."""
    spec = yaml.safe_load(data.read_text(encoding="utf-8"))
    if not seeds.is_dir():
        raise FileNotFoundError(seeds)
    files = {}
    by_source = {source["id"]: source for source in spec["sources"]}
    for source in spec["sources"]:
        path = (cache if source.get("where") == "web" else seeds) / source["file"]
        if path.is_file():
            files[source["id"]] = [_clean(x) for x in path.read_text(encoding="utf-8").split("\n") if x.strip()]
    out = []
    for item in spec["passages"]:
        lines = files.get(item["source"])
        if lines is None:
            continue
        span = item.get("span", "sentence")
        text = None
        if by_source[item["source"]].get("where") == "web" and span == "sentence":
            # A page's line breaks are its layout and differ between copies: a phrase, or its
            # sentence, may run over a line break, so it is read from its line and the next two.
            text = _extract_broken(lines, item["locate"], item.get("until"))
        if text is None:
            text = _extract(lines, item["locate"], span, item.get("until"))
        if text is None:
            raise LookupError(f"{item['id']}: {item['locate']!r} not found in {item['source']}")
        out.append(Passage(item["id"], item["source"], item["codebook"], tuple(item["labels"]), text))
    return out


def main() -> None:
    import sys
    data = DEV if "--dev" in sys.argv[1:] else DATA
    try:
        passages = load(data=data)
    except FileNotFoundError as absent:
        print(f"{absent} not found: the real-text set needs ../shared/seeds")
        return
    for p in passages:
        print(f"{p.id:<8} {p.codebook:<17} {','.join(p.labels):<50} {p.text[:110]}")
    print(f"{len(passages)} passages from {len({p.source for p in passages})} sources")
    missing = missing_web_sources(data=data)
    if missing:
        print(f"web sources not in {CACHE} (run bench/fetch_real_texts.py): {', '.join(missing)}")


if __name__ == "__main__":
    main()
