"""The coding workspace's read model: windows over long documents and the highlight layout of
one window. Pure Python over ORM rows; the page only renders it.

A *unit* is a speaker turn, or, in a document without turns, a paragraph: the one model of
``qualcode.units`` (re-exported here as ``Unit``, ``document_units``, ``paragraphs`` and
``sentence_at`` for the pages that lay out a document). A *window* is a run of consecutive units
of about ``WINDOW_CHARS`` characters, so a 600,000-character transcript is shown a window at a
time and never freezes the browser.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.models import Code, Coding, Memo, Segment, User
from qualcode.read.codes import label as code_label
from qualcode.units import TextUnit as Unit
from qualcode.units import build_units, document_units, sentence_at  # noqa: F401  (re-exported for pages)

WINDOW_CHARS = 12_000


@dataclass
class SegmentView:
    id: int
    start: int
    end: int
    codings: list[dict[str, Any]] = field(default_factory=list)
    memos: int = 0


def paragraphs(text: str) -> list[Unit]:
    """The paragraphs of a text without turns, as workspace units."""
    return build_units(text, (), "turn")


def windows(units: list[Unit], size: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """Index ranges ``[i, j)`` into ``units``, each covering about ``size`` characters."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        j = i + 1
        while j < len(units) and units[j].end - units[i].start <= size:
            j += 1
        out.append((i, j))
        i = j
    return out or [(0, 0)]


def window_of_offset(units: list[Unit], spans: list[tuple[int, int]], offset: int) -> int:
    starts = [u.start for u in units]
    index = max(0, bisect.bisect_right(starts, offset) - 1)
    for w, (i, j) in enumerate(spans):
        if i <= index < j:
            return w
    return 0


def segments_in_range(
    session: Session,
    document_id: int,
    start: int,
    end: int,
    *,
    coder_ids: Iterable[int] | None = None,
    code_ids: Iterable[int] | None = None,
    longest: int | None = None,
    segment_ids: Iterable[int] | None = None,
) -> list[SegmentView]:
    """Segments overlapping ``[start, end)`` with their codings (code, colour, coder) and memo counts.

    With ``longest`` (the document's longest segment), the read is bounded on both sides of the
    ``(document_id, start, end)`` index: ``start - longest <= Segment.start < end``. With
    ``segment_ids``, exactly those segments of the document, wherever they are."""
    query = (
        select(Segment.id, Segment.start, Segment.end, Coding.id, Code.id, Code.key, Code.name_id, Code.name_en,
               Code.colour, User.id, User.display_name)
        .join(Coding, Coding.segment_id == Segment.id)
        .join(Code, Coding.code_id == Code.id)
        .join(User, Coding.coder_id == User.id)
        .where(Segment.document_id == document_id)
        .order_by(Segment.start, Segment.end, Coding.id)
    )
    if segment_ids is not None:
        query = query.where(Segment.id.in_(list(segment_ids)))
    else:
        query = query.where(Segment.start < end, Segment.end > start)
    if longest is not None and segment_ids is None:
        query = query.where(Segment.start >= start - longest)
    if coder_ids is not None:
        query = query.where(Coding.coder_id.in_(list(coder_ids)))
    if code_ids is not None:
        query = query.where(Coding.code_id.in_(list(code_ids)))
    views: dict[int, SegmentView] = {}
    seg_id: int
    for seg_id, s, e, coding_id, code_id, key, name_id, name_en, colour, coder_id, coder in session.execute(query):
        view = views.setdefault(seg_id, SegmentView(seg_id, s, e))
        view.codings.append({"coding": coding_id, "code": code_id, "key": key, "name_id": name_id,
                             "name_en": name_en, "colour": colour, "coder_id": coder_id, "coder": coder})
    if views:
        memo_counts = session.execute(
            select(Memo.segment_id, func.count()).where(Memo.segment_id.in_(list(views))).group_by(Memo.segment_id)
        )
        for memo_segment, count in memo_counts:
            if memo_segment is not None:
                views[memo_segment].memos = int(count or 0)
    return list(views.values())


def chunks(text: str, start: int, end: int, segments: list[SegmentView],
           extra: Iterable[tuple[int, int]] = ()) -> list[tuple[int, str, list[int]]]:
    """Split ``text[start:end]`` where any segment (or ``extra`` span, e.g. a search hit) begins or
    ends: (offset, text, segment ids)."""
    cuts = {start, end}
    for a, b in extra:
        if b > start and a < end:
            cuts.add(max(a, start))
            cuts.add(min(b, end))
    for seg in segments:
        if seg.end > start and seg.start < end:
            cuts.add(max(seg.start, start))
            cuts.add(min(seg.end, end))
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:], strict=False):
        if a >= b:
            continue
        covering = [seg.id for seg in segments if seg.start <= a and seg.end >= b]
        out.append((a, text[a:b], covering))
    return out


def window_payload(
    text: str,
    units: list[Unit],
    segments: list[SegmentView],
    *,
    lang: str = "id",
    search: list[tuple[int, int]] | None = None,
    focus: int | None = None,
) -> dict[str, object]:
    """The data the transcript component renders: units split into chunks, and the segments."""
    payload_units = []
    for unit in units:
        overlapping = [s for s in segments if s.start < unit.end and s.end > unit.text_start]
        payload_units.append({
            "n": unit.number,
            "start": unit.start,
            "text_start": unit.text_start,
            "end": unit.end,
            "speaker": unit.speaker,
            "interviewer": unit.is_interviewer,
            "ts": unit.timestamp,
            "chunks": chunks(text, unit.text_start, unit.end, overlapping, search or ()),
        })
    segs = {
        str(s.id): {
            "start": s.start,
            "end": s.end,
            "memos": s.memos,
            "codes": [{"id": c["code"], "colour": c["colour"], "name": code_label(c["name_id"], c["name_en"], c["key"], lang),
                       "key": c["key"], "coder": c["coder"]} for c in s.codings],
        }
        for s in segments
    }
    return {"units": payload_units, "segments": segs, "search": search or [], "focus": focus}


def search_text(text: str, query: str, limit: int = 200) -> list[tuple[int, int]]:
    """Case-insensitive occurrences of ``query`` as (start, end) code-point offsets."""
    query = query.strip()
    if not query:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(query), text, re.IGNORECASE)][:limit]
