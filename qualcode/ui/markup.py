"""The one place where pages turn text into markup.

Streamlit renders Markdown in ``st.markdown``, captions, alerts, expander and widget labels and
progress texts, and a Markdown image (``![](https://...)``) makes the browser fetch from anywhere.
So user text (code names, definitions, memos, comments, titles, names...) is never written into
Markdown as it is: ``literal`` escapes with a backslash every character that could start
Markdown or HTML, so the text shows exactly as typed and can form no link, image, emphasis, HTML
tag or Streamlit directive. The colour swatch is the only HTML the pages
write, and it is made here from a colour that must match ``#RRGGBB``; ``swatch_markdown`` is the
only ``unsafe_allow_html`` in the app (tests/test_markup.py holds the line).
"""

from __future__ import annotations

import numbers
import re
from pathlib import Path
from typing import Any

import streamlit as st

# Characters that start Markdown or HTML anywhere in a line (emphasis, code, links, images,
# tags, entities, tables, strike-through, headings, quotes, LaTeX), and markers that matter only
# at the start of a line (lists, setext headings). Ordinary punctuation (. , : ; ( ) - ' " ? /)
# stays as it is, so what the text says can still be found in the page's source.
# ("_" between two letters or digits, as in snake_case keys, can start nothing and stays.)
_INLINE = re.compile(r"([\\`*\[\]<>#|~$&!{}]|(?<!\w)_|_(?!\w))")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])", re.MULTILINE)
_AUTOLINK = re.compile(r"[A-Za-z]:/|[Ww]\.|@", re.ASCII)
# Streamlit's own directives start at a colon: colours and backgrounds (":red[...]"), icons
# (":material/home:") and emoji shortcodes (":smile:", ":+1:"). A colon directly before a letter,
# or before a digit, "+" or "-" where no digit precedes it (so "10:30" stays), is followed by the
# invisible word joiner, which none of them matches.
_DIRECTIVE = re.compile(r":(?=[A-Za-z])|(?<![0-9]):(?=[0-9+\-])")
WORD_JOINER = "\u2060"
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
FALLBACK_COLOUR = "#999999"
# The tab's icon, served by the app itself (a ":material/...:" page icon is fetched from Google).
FAVICON = str(Path(__file__).parent / "assets" / "favicon.svg")


def literal(value: object) -> str:
    """``value`` as Markdown that renders as exactly this text (line breaks kept)."""
    text = _INLINE.sub(r"\\\1", "" if value is None else str(value)).replace("\r\n", "\n")
    text = _LINE_START.sub(lambda m: m.group(1) + "".join("\\" + c if not c.isdigit() else c for c in m.group(2)),
                           text)
    # GitHub-flavoured Markdown turns bare addresses into links after escapes are resolved, so
    # an invisible word joiner (U+2060) breaks them: "https:", "www." and "@" link nothing.
    text = _AUTOLINK.sub(lambda m: m.group(0)[:-1] + WORD_JOINER + m.group(0)[-1], text)
    text = _DIRECTIVE.sub(":" + WORD_JOINER, text)
    return text.replace("\n", "  \n")


def inline(value: object) -> str:
    """Like ``literal`` but on one line: for labels, headings and list items."""
    return literal(" ".join(str("" if value is None else value).split()))


def code(value: object) -> str:
    """``value`` as inline code (keys, paths): fenced by more backticks than it contains, so
    nothing inside is read as Markdown or HTML and it cannot close its own span."""
    text = " ".join(str("" if value is None else value).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}" if text else ""


def quote(value: object, limit: int | None = None) -> str:
    """User text shown as a Markdown block quote, shortened to ``limit`` characters."""
    text = "" if value is None else str(value)
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    return "\n".join("> " + literal(line) for line in text.split("\n"))


def safe_colour(colour: object) -> str:
    """A ``#RRGGBB`` colour, or the neutral grey when ``colour`` is anything else."""
    return colour if isinstance(colour, str) and _COLOUR.fullmatch(colour) else FALLBACK_COLOUR


def swatch(colour: object, size: str = ".8em") -> str:
    """The HTML of a small colour square (the only HTML pages write)."""
    return (f"<span style='display:inline-block;width:{size};height:{size};background:{safe_colour(colour)};"
            "border-radius:2px;vertical-align:middle'></span>")


def swatch_line(colour: object, *, name: object, key: object = None, bold: bool = False) -> str:
    """The Markdown (with the swatch's one HTML element) of a colour square, a (code's) ``name``
    and its ``key`` as inline code. It takes the user's values, not Markdown, and escapes them
    itself: the name through ``inline``, the key through ``code``, the colour through
    ``safe_colour``."""
    text = inline(name)
    if bold:
        text = f"**{text}**"
    if key is not None:
        text += f" · {code(key)}"
    return f"{swatch(colour)} {text}"


def swatch_markdown(colour: object, *, name: object, key: object = None, bold: bool = False,
                    where: Any = None) -> None:
    """``swatch_line`` on the page: the one ``unsafe_allow_html`` of the app, and nothing a user
    or a file wrote reaches it unescaped."""
    (where or st).markdown(swatch_line(colour, name=name, key=key, bold=bold), unsafe_allow_html=True)


def escape_params(params: dict[str, object]) -> dict[str, object]:
    """Message parameters with every text made literal (numbers stay numbers, for formatting)."""
    return {k: v if isinstance(v, numbers.Real) and not isinstance(v, bool) else literal(v) for k, v in params.items()}


def message(error: Any, lang: str) -> str:
    """An error's (or a refused file's) message as Markdown: it names files, codes and people,
    so all of it is literal."""
    return literal(error.message(lang))
