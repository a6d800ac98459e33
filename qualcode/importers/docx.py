"""Word documents (.docx) through python-docx.

Body paragraphs and tables in document order, one line per paragraph, so a speaker turn written
as a paragraph stays one line. A table row becomes one line of its cells joined by a tab; a cell
merged across columns or rows is written once. Headers, footers, footnotes, comments and text
boxes are left out: transcripts live in the body.
"""

from __future__ import annotations

import io

from docx import Document
from docx.table import Table

from qualcode.errors import ImportFileError
from qualcode.importers.zipguard import check_zip


def read(filename: str, data: bytes) -> str:
    """The text of the .docx in ``data``."""
    check_zip(filename, data, ".docx")
    try:
        document = Document(io.BytesIO(data))
        lines = [block.text if not isinstance(block, Table) else _table_text(block) for block in document.iter_inner_content()]
    except Exception as exc:  # python-docx and lxml raise many kinds of error for a damaged file
        raise ImportFileError("import.corrupt", file=filename, kind=".docx") from exc
    return "\n".join(lines)


def _table_text(table: Table) -> str:
    """One line per row, cells joined by a tab; merged cells only where they start."""
    seen: set[object] = set()
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if cell._tc in seen:  # the same <w:tc> repeats for every grid position it spans
                continue
            seen.add(cell._tc)
            cells.append(cell.text)
        rows.append("\t".join(cells))
    return "\n".join(rows)
