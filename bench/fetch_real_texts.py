"""Fetch the web sources of the real-text evaluation set into the local cache.

The passages of ``bench/data/real_passages.yaml`` whose source is ``where: web`` come from public
web pages whose licence does not let this repository redistribute them. This script downloads each
such source's pages, reduces the HTML to text (one line per block element) and writes it to
``~/.cache/qualcode/real_texts/<file>`` (or ``$QUALCODE_REAL_TEXTS``); ``bench/real_passages.py``
then finds each passage by its locator. Pages change: a locator that no longer matches is reported
by ``.venv/bin/python -m bench.real_passages``.

Run: ``.venv/bin/python -m bench.fetch_real_texts [--force] [source-id ...]``
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import urllib.request
from html.parser import HTMLParser

from bench import real_passages

BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "td", "th"}
SKIP = {"script", "style", "noscript", "head", "nav", "footer"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP:
            self.skipping += 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP and self.skipping:
            self.skipping -= 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def page_text(raw: str) -> str:
    """The readable text of an HTML page: one line per block, spaces collapsed."""
    parser = _Text()
    parser.feed(raw)
    lines = (re.sub(r"\s+", " ", html.unescape(line)).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def fetch(url: str, timeout: float = 30.0) -> str:
    request = urllib.request.Request(url, headers={"User-Agent": "qualcode-bench/1 (real-text evaluation set)"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (https/http URLs from our YAML)
        charset = response.headers.get_content_charset() or "utf-8"
        return page_text(response.read().decode(charset, errors="replace"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", help="source ids (default: every web source)")
    parser.add_argument("--force", action="store_true", help="fetch again even when the cache has the text")
    args = parser.parse_args(argv)
    real_passages.CACHE.mkdir(parents=True, exist_ok=True)
    failed = 0
    for source in real_passages.sources(real_passages.DATA) + (
            real_passages.sources(real_passages.DEV) if real_passages.DEV.is_file() else []):
        if source.get("where") != "web" or (args.sources and source["id"] not in args.sources):
            continue
        target = real_passages.CACHE / source["file"]
        if target.is_file() and not args.force:
            print(f"{source['id']:<22} cached  {target}")
            continue
        urls = source["url"] if isinstance(source["url"], list) else [source["url"]]
        try:
            text = "\n".join(fetch(url) for url in urls)
        except OSError as error:  # URLError, HTTPError and timeouts are OSErrors
            print(f"{source['id']:<22} FAILED  {error}", file=sys.stderr)
            failed += 1
            continue
        target.write_text(text + "\n", encoding="utf-8")
        print(f"{source['id']:<22} fetched {len(text):>7} characters -> {target}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
