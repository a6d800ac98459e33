"""The demo's second coder: codings by two coders, kept as data (``corpora/demo_codings.csv``).

Each row names a corpus file (as in ``metadata.csv``), the text where the coded span starts,
optionally the text where it ends (empty: the span is exactly ``start_text``), a code key and a
coder login. Spans are found by searching the document for the quoted text, so they survive any
change of offsets. Applying is idempotent: a coding that is already there is skipped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.errors import ImportFileError
from qualcode.models import Code, Coding, Document, Segment
from qualcode.services import codings as coding_service
from qualcode.services import projects as project_service
from qualcode.services.auth import role_of

DEMO_CODERS = {"peneliti": "Peneliti Utama", "koder2": "Koder Kedua"}
COLUMNS = ("file", "start_text", "end_text", "code", "coder")


@dataclass(frozen=True)
class DemoCoding:
    line: int
    file: str
    start_text: str
    end_text: str
    code: str
    coder: str


def read_demo_codings(path: Path) -> list[DemoCoding]:
    """The rows of the sheet; a missing column or empty field is reported with the file and line."""
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportFileError("error.demo_codings_bad", file=path.name, line=1, problem="missing " + ", ".join(missing))
    rows = []
    for line, raw in enumerate(reader, start=2):
        row = {c: (raw.get(c) or "").strip() for c in COLUMNS}
        empty = [c for c in ("file", "start_text", "code", "coder") if not row[c]]
        if empty:
            raise ImportFileError("error.demo_codings_bad", file=path.name, line=line, problem="empty " + ", ".join(empty))
        rows.append(DemoCoding(line=line, **row))
    return rows


def locate(text: str, start_text: str, end_text: str = "") -> tuple[int, int] | None:
    """The span from the first occurrence of ``start_text`` to the end of the first occurrence of
    ``end_text`` after it (or of ``start_text`` itself); None when the text is not there."""
    start = text.find(start_text)
    if start < 0:
        return None
    if not end_text:
        return start, start + len(start_text)
    end = text.find(end_text, start + len(start_text))
    return None if end < 0 else (start, end + len(end_text))


def apply_demo_codings(session: Session, project_id: int, owner_id: int, path: Path) -> int:
    """Add the demo coders as researchers and apply the sheet's codings; returns how many were added."""
    rows = read_demo_codings(path)
    coders = {}
    for login in sorted({r.coder for r in rows}):
        user = project_service.ensure_user(session, login, DEMO_CODERS.get(login, login))
        if role_of(session, project_id, user.id) is None:
            project_service.set_member(session, project_id, user.id, "researcher", actor_id=owner_id)
        coders[login] = user.id
    documents = {PurePosixPath(d.original_filename).name: d for d in session.scalars(
        select(Document).where(Document.project_id == project_id))}
    codes = {c.key: c.id for c in session.scalars(select(Code).where(Code.project_id == project_id))}
    added = 0
    for row in rows:
        document = documents.get(PurePosixPath(row.file).name)
        if document is None or row.code not in codes:
            problem = f"unknown document {row.file}" if document is None else f"unknown code {row.code}"
            raise ImportFileError("error.demo_codings_bad", file=path.name, line=row.line, problem=problem)
        span = locate(document.text, row.start_text, row.end_text)
        if span is None:
            raise ImportFileError("error.demo_codings_bad", file=path.name, line=row.line,
                                  problem=f"text not found in {row.file}: {row.start_text[:60]!r}")
        exists = session.scalar(
            select(Coding.id).join(Segment, Coding.segment_id == Segment.id).where(
                Segment.document_id == document.id, Segment.start == span[0], Segment.end == span[1],
                Coding.code_id == codes[row.code], Coding.coder_id == coders[row.coder]))
        if exists is None:
            coding_service.code_span(session, document.id, span[0], span[1], codes[row.code], actor_id=coders[row.coder])
            added += 1
    return added
