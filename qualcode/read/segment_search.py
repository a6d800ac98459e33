"""Search every segment of a project: by the words of its text, the codes on it (a code counts its
sub-codes), the informant (case) or stakeholder group of its document, and the document's kind.

The filtering runs in SQL (one count and one page of ids), so a search over a large project reads
only the page it shows; the page's rows are then described by :func:`~qualcode.read.frame.segment_table`
(document, kind, offsets, snippet, informants, groups, code keys). The Conclusions page's evidence
picker is built on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from qualcode.models import Coding, Document, Segment
from qualcode.read.codes import code_frame, codebook_code_ids, descendant_ids
from qualcode.read.filters import NO_FILTERS, Filters
from qualcode.read.frame import SEGMENT_COLUMNS, document_ids, segment_table

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class SegmentMatches:
    """One page of the segments a search matches, and how many match in all."""

    total: int
    rows: pd.DataFrame  # SEGMENT_COLUMNS, in document order
    offset: int
    limit: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    @property
    def page(self) -> int:
        """The page shown, from 1."""
        return self.offset // self.limit + 1


def _like(text: str) -> str:
    """``text`` as a LIKE pattern matching it anywhere, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matching_segments(session: Session, project_id: int, filters: Filters = NO_FILTERS,
                      text: str = "") -> Select[int]:
    """The ids of the project's segments that ``text`` and ``filters`` keep, as a select.

    ``text`` (case-insensitive, every word anywhere in the segment's text, in any order); from
    ``filters``: kinds, stakeholder groups, cases and documents choose the documents; codes (with
    their sub-codes), codebooks and coders keep segments carrying at least one such coding.
    """
    query = (select(Segment.id).join(Document, Segment.document_id == Document.id)
             .where(Document.project_id == project_id))
    if filters.selects_documents:
        query = query.where(Segment.document_id.in_(document_ids(session, project_id, filters) or [-1]))
    for word in text.split():
        query = query.where(Segment.snippet.ilike(_like(word), escape="\\"))
    if filters.code_ids or filters.codebook_ids or filters.coder_ids:
        coded = select(Coding.id).where(Coding.segment_id == Segment.id)
        if filters.code_ids or filters.codebook_ids:
            codes = code_frame(session, project_id)
            wanted = set(codes["code_id"].tolist())
            if filters.code_ids:
                wanted &= set(descendant_ids(codes, filters.code_ids))
            if filters.codebook_ids:
                wanted &= set(codebook_code_ids(codes, filters.codebook_ids))
            coded = coded.where(Coding.code_id.in_(sorted(wanted) or [-1]))
        if filters.coder_ids:
            coded = coded.where(Coding.coder_id.in_(filters.coder_ids))
        query = query.where(exists(coded))
    return query


def search_segments(session: Session, project_id: int, filters: Filters = NO_FILTERS, text: str = "", *,
                    offset: int = 0, limit: int = PAGE_SIZE, lang: str = "id") -> SegmentMatches:
    """One page (``offset``, ``limit`` at most :data:`MAX_PAGE_SIZE`) of the segments
    :func:`matching_segments` keeps, ordered by document title and position, with the total count.
    An offset past the last match gives the last page."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    ids = matching_segments(session, project_id, filters, text)
    total = int(session.scalar(select(func.count()).select_from(ids.subquery())) or 0)
    offset = max(0, min(offset, (max(total, 1) - 1) // limit * limit))
    if total == 0:
        return SegmentMatches(0, pd.DataFrame(columns=SEGMENT_COLUMNS), offset, limit)
    page = list(session.scalars(ids.order_by(Document.title, Segment.start, Segment.id).offset(offset).limit(limit)))
    return SegmentMatches(total, segment_table(session, project_id, page, lang), offset, limit)
