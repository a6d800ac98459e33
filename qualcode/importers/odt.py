"""OpenDocument text (.odt) through odfpy.

Paragraphs and headings in document order (inside lists, tables and sections too), one per
line. Tracked changes (deleted text kept for review) are left out.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from odf import teletype
from odf.element import Element
from odf.namespaces import TEXTNS
from odf.opendocument import load

from qualcode.errors import ImportFileError
from qualcode.importers.zipguard import check_zip

PARAGRAPHS = {(TEXTNS, "p"), (TEXTNS, "h")}
SKIPPED = {(TEXTNS, "tracked-changes")}


def read(filename: str, data: bytes) -> str:
    """The text of the .odt in ``data``."""
    check_zip(filename, data, ".odt")
    try:
        document = load(io.BytesIO(data))
        return "\n".join(_paragraphs(document.text))
    except Exception as exc:  # odfpy raises many kinds of error for a damaged file
        raise ImportFileError("import.corrupt", file=filename, kind=".odt") from exc


def _paragraphs(node: Element) -> Iterator[str]:
    """The text of each paragraph and heading under ``node``, in document order."""
    for child in node.childNodes:
        if child.nodeType != child.ELEMENT_NODE or child.qname in SKIPPED:
            continue
        if child.qname in PARAGRAPHS:
            yield teletype.extractText(child)
        else:
            yield from _paragraphs(child)
