"""Named measures over the coding frame. Each name means one thing:

- :func:`code_frequencies`: per code, how many codings, segments, documents and informants
  carry it (the Analysis page's frequency display and the report's table).
- :func:`code_breakdown`: codings per code split by coder, document or stakeholder group (the
  Review page's supervision table).
- :func:`coding_coverage`: per document and coder, codings, distinct codes and the share of the
  text covered (the Review page). Not to be confused with the coding workspace's turn progress
  (``qualcode.workspace.coding_progress``: informant turns with a coding, per document).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.models import Document
from qualcode.read.codes import code_frame
from qualcode.read.filters import NO_FILTERS, Filters
from qualcode.read.frame import case_frame, coding_frame

BREAKDOWNS = ("coder", "document", "group")
NO_GROUP = "-"  # the breakdown's label for documents without a stakeholder group


def code_frequencies(session: Session, project_id: int, filters: Filters = NO_FILTERS, lang: str = "id") -> pd.DataFrame:
    """Per code: codings, segments, documents and informants (cases) that carry it, most coded first."""
    codes = code_frame(session, project_id, lang)
    frame = coding_frame(session, project_id, filters, codes)
    cases = case_frame(session, project_id)
    grouped = frame.groupby("code_id")
    counts = pd.DataFrame({
        "codings": grouped.size(),
        "segments": grouped["segment_id"].nunique(),
        "documents": grouped["document_id"].nunique(),
    })
    pairs = frame[["code_id", "document_id"]].drop_duplicates().merge(cases, on="document_id")
    counts["informants"] = pairs.groupby("code_id")["case_id"].nunique()
    out = codes[["code_id", "codebook", "key", "path", "label"]].merge(counts, left_on="code_id", right_index=True)
    out["informants"] = out["informants"].fillna(0).astype(int)
    return out.sort_values(["segments", "path"], ascending=[False, True]).reset_index(drop=True)


def code_breakdown(session: Session, project_id: int, by: str, lang: str = "id",
                   filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Codings per code (label in ``lang``) and per coder, document or stakeholder group, long
    form (columns ``code``, ``by``, ``codings``), most frequent codes first. A document counted
    under several groups (several cases) counts once in each."""
    if by not in BREAKDOWNS:
        raise ValueError(f"by must be one of {', '.join(BREAKDOWNS)}, not {by!r}")
    table = coding_frame(session, project_id, filters, detail=True, speakers=False, lang=lang)
    if table.empty:
        return pd.DataFrame(columns=["code", "by", "codings"])
    if by == "group":
        groups = table["groups"].map(lambda g: g.split("; ") if g else [NO_GROUP])
        table = table.assign(group=groups).explode("group")
    out = table.groupby(["code", by]).size().reset_index(name="codings").rename(columns={by: "by"})
    totals = out.groupby("code")["codings"].sum()
    out["total"] = out["code"].map(totals)
    return (out.sort_values(["total", "code", "by"], ascending=[False, True, True]).drop(columns="total")
            .reset_index(drop=True))


def covered_characters(spans: list[tuple[int, int]]) -> int:
    """How many characters the union of ``(start, end)`` spans covers."""
    covered, end = 0, -1
    for s, e in sorted(spans):
        if e <= end:
            continue
        covered += e - max(s, end)
        end = e
    return covered


def coding_coverage(session: Session, project_id: int, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Per document and coder: codings, distinct codes, characters covered and share of the text
    covered; documents nobody coded yet appear with a blank coder and zeros."""
    documents = session.execute(
        select(Document.id, Document.title, Document.length).where(Document.project_id == project_id)
        .order_by(Document.title)).all()
    table = coding_frame(session, project_id, filters, detail=True, speakers=False)
    rows = []
    for doc_id, title, length in documents:
        mine = table[table["document_id"] == doc_id]
        if mine.empty:
            rows.append([title, "", 0, 0, 0, 0.0])
            continue
        for coder, part in mine.groupby("coder"):
            covered = covered_characters(list(zip(part["start"], part["end"], strict=True)))
            rows.append([title, coder, len(part), part["code_key"].nunique(), covered,
                         round(100 * covered / length, 1) if length else 0.0])
    return pd.DataFrame(rows, columns=["document", "coder", "codings", "codes", "characters", "percent_coded"])
