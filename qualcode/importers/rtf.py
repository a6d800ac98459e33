"""Rich Text Format (.rtf) through striprtf.

RTF is 7-bit text: accented letters arrive as \\'e9 or \\u233 escapes, decoded by striprtf with
the code page the file declares (\\ansicpg, font charsets). Paragraph and line breaks become
new lines. Characters outside the Basic Multilingual Plane (emoji) are written in RTF as two
\\u escapes, a UTF-16 surrogate pair, which striprtf leaves apart: they are joined here.
An RTF file is one group in braces; a file whose braces do not pair up (cut short, or not
really RTF) is refused (``import.rtf_unbalanced``) rather than read as whatever striprtf makes of
it: ``{\\rtf1 broken`` would otherwise become a document called "broken".
"""

from __future__ import annotations

import re

from striprtf.striprtf import rtf_to_text

from qualcode.errors import ImportFileError


def read(filename: str, data: bytes) -> str:
    """The text of the .rtf in ``data``."""
    # Latin-1 maps every byte to one character, so stray 8-bit bytes survive to striprtf intact.
    source = data.decode("latin-1")
    if not source.lstrip().startswith("{\\rtf"):
        raise ImportFileError("import.corrupt", file=filename, kind=".rtf")
    if not balanced(source):
        raise ImportFileError("import.rtf_unbalanced", file=filename)
    try:
        text = rtf_to_text(source, errors="replace")
    except Exception as exc:  # striprtf raises plain errors (IndexError, ValueError...) on broken input
        raise ImportFileError("import.corrupt", file=filename, kind=".rtf") from exc
    return join_surrogates(text)


def join_surrogates(text: str) -> str:
    """Combine UTF-16 surrogate pairs into their characters; a lone surrogate becomes U+FFFD."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


# An escaped brace or backslash (\{ \} \\), \binN (N raw bytes follow, braces included), a brace.
_BRACES = re.compile(r"\\[\\{}]|\\bin(\d+) ?|[{}]")


def balanced(source: str) -> bool:
    """Whether the groups of the RTF ``source`` pair up: no ``}`` without its ``{``, and every
    ``{`` closed by the end."""
    depth, at = 0, 0
    while (found := _BRACES.search(source, at)) is not None:
        at = found.end()
        token = found.group()
        if found.group(1) is not None:
            at += int(found.group(1))  # binary data: its bytes are not RTF
        elif token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
