"""The Condensation page's reads: memos, the summary sheet of a document, condensed excerpts, and
what deleting a pattern code takes with it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.analysis import register
from qualcode.analysis.tables import Conclusion
from qualcode.models import Document, ProjectMember, Segment
from qualcode.read import entities as read_entities
from qualcode.read.views.coding import quote
from qualcode.services import auth


@dataclass(frozen=True)
class SummarySheetView:
    """A contact summary sheet (empty when the document has none yet) and the document's segments."""

    document_id: int
    main_themes: str = ""
    salient_points: str = ""
    next_questions: str = ""
    linked: list[int] = field(default_factory=list)  # segment ids
    segments: dict[int, str] = field(default_factory=dict)  # segment id -> "start: snippet", by offset


@dataclass(frozen=True)
class PatternCodeUse:
    """What deleting a pattern code takes with it: its links to first-cycle codes (the codes stay in
    their codebooks), and the theme of the conclusions about it (the conclusions stay)."""

    codes: int
    conclusions: int


def memos(session: Session, project_id: int, query: str = "", *, user_id: int | None = None) -> pd.DataFrame:
    """Memos matching ``query``: title, body, on (project/document/code/segment), author, updated_at,
    ``segment`` (a segment memo's passage named: its document's title and the excerpt quoted; else
    empty), and whether ``user_id`` may edit (``may_edit``) and delete (``may_delete``) each one: only
    its author edits a memo (or the owner, when the author is not a member: an imported coder); its
    author or the project's owner deletes it (``auth.memo_rights``)."""
    found = register.search_memos(session, project_id, query)
    role = auth.role_of(session, project_id, user_id) if user_id is not None else None
    members = set(session.scalars(select(ProjectMember.user_id).where(ProjectMember.project_id == project_id)))
    rights = [auth.memo_rights(role, user_id, int(author), author_is_member=int(author) in members)
              for author in found["author_id"]]
    segment_ids = sorted({int(s) for s in found["segment_id"] if pd.notna(s)})
    passages: dict[int, str] = {}
    for i in range(0, len(segment_ids), 500):
        rows = session.execute(select(Segment.id, Document.title, Segment.snippet)
                               .join(Document, Segment.document_id == Document.id)
                               .where(Segment.id.in_(segment_ids[i:i + 500]))).all()
        passages.update({int(s): f"{title}: “{quote(snippet or '', 60)}”" for s, title, snippet in rows})
    segment = [passages.get(int(s), "") if pd.notna(s) else "" for s in found["segment_id"]]
    return found.assign(segment=segment, may_edit=[edit for edit, _ in rights],
                        may_delete=[delete for _, delete in rights])


def summary_sheet(session: Session, document_id: int) -> SummarySheetView:
    sheet = read_entities.summary_sheet(session, document_id)
    rows = session.execute(select(Segment.id, Segment.start, Segment.snippet).where(Segment.document_id == document_id)
                           .order_by(Segment.start)).all()
    # the researcher sees the quotation, never an offset or an id
    segments = {i: "“" + quote(snippet, 70) + "”" for i, _start, snippet in rows}
    if sheet is None:
        return SummarySheetView(document_id, segments=segments)
    return SummarySheetView(document_id, sheet.main_themes, sheet.salient_points, sheet.next_questions,
                            [s.id for s in sheet.segments], segments)


def condensed_excerpts(session: Session, project_id: int, code_id: int,
                       codes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The segments of a code (and its descendants) with informants, groups and their condensation;
    ``codes`` is the project's code frame when the page has it (the analysis context's)."""
    return register.condensation_sheet(session, project_id, code_id, codes=codes)


def pattern_code_use(session: Session, project_id: int, pattern_code_id: int) -> PatternCodeUse:
    conclusions = session.scalar(select(func.count()).select_from(Conclusion)
                                 .where(Conclusion.project_id == project_id,
                                        Conclusion.pattern_code_id == pattern_code_id)) or 0
    return PatternCodeUse(len(register.pattern_code_ids(session, pattern_code_id)), conclusions)
