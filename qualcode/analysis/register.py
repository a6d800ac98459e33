"""Read side of condensation and conclusions: memo search, pattern codes, condensed excerpts,
the conclusions register with its evidence, and triangulation per conclusion. DataFrames out."""

from __future__ import annotations

from typing import TypedDict

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from qualcode.analysis.tables import (
    Conclusion,
    ConclusionEvidence,
    ConclusionTactic,
    Condensation,
    PatternCode,
    pattern_code_members,
)
from qualcode.models import DOCUMENT_KINDS, Case, Code, Document, Memo, Segment, User, case_documents
from qualcode.read.codes import code_frame
from qualcode.read.filters import NO_FILTERS, Filters
from qualcode.read.frame import coding_frame, segment_table

# Triangulation is thin when the evidence comes from fewer groups or source kinds than this.
MIN_GROUPS = 2
MIN_KINDS = 2
# What triangulation can say (analysis.flag_<flag>, report.flag_<flag>, report.short_<flag>); the
# first three make it thin. Without contradicting evidence it says "no_negative", or, when the
# tactic of looking for negative evidence was recorded, "negative_sought": sought, none found.
TRIANGULATION_FLAGS = ("no_evidence", "one_group", "one_kind", "no_negative", "negative_sought")
THIN_FLAGS = TRIANGULATION_FLAGS[:3]
NEGATIVE_TACTIC = "looking_for_negative_evidence"


def search_memos(session: Session, project_id: int, query: str = "") -> pd.DataFrame:
    """Project memos whose title or body contains ``query`` (case-insensitive), newest first."""
    stmt = (select(Memo.id, Memo.title, Memo.body, Memo.document_id, Memo.code_id, Memo.segment_id,
                   User.display_name, Memo.author_id, Memo.created_at, Memo.updated_at)
            .join(User, Memo.author_id == User.id).where(Memo.project_id == project_id))
    needle = query.strip().lower()
    if needle:
        like = f"%{needle}%"
        stmt = stmt.where(or_(func.lower(Memo.title).like(like), func.lower(Memo.body).like(like)))
    rows = session.execute(stmt.order_by(Memo.updated_at.desc(), Memo.id.desc())).all()
    frame = pd.DataFrame(rows, columns=["memo_id", "title", "body", "document_id", "code_id", "segment_id", "author",
                                        "author_id", "created_at", "updated_at"])
    frame.insert(1, "on", ["segment" if pd.notna(s) else "code" if pd.notna(c) else "document" if pd.notna(d)
                           else "project" for d, c, s in zip(frame["document_id"], frame["code_id"],
                                                             frame["segment_id"], strict=True)])
    return frame


def pattern_code_table(session: Session, project_id: int, lang: str = "id") -> pd.DataFrame:
    """One row per pattern code with its first-cycle codes (keys) and definition."""
    patterns = session.scalars(select(PatternCode).where(PatternCode.project_id == project_id)
                               .order_by(PatternCode.name)).all()
    return pd.DataFrame([{"pattern_code_id": p.id, "name": p.name, "codes": ", ".join(c.label(lang) for c in p.codes),
                          "definition": p.definition, "memo": p.memo} for p in patterns],
                        columns=["pattern_code_id", "name", "codes", "definition", "memo"])


def pattern_code_ids(session: Session, pattern_code_id: int) -> list[int]:
    return list(session.scalars(select(pattern_code_members.c.code_id)
                                .where(pattern_code_members.c.pattern_code_id == pattern_code_id)))


def condensation_sheet(session: Session, project_id: int, code_id: int, filters: Filters = NO_FILTERS,
                       codes: pd.DataFrame | None = None) -> pd.DataFrame:
    """For a code (and its descendants): each segment with informant metadata and its condensation
    (the coder, kind and stakeholder-group filters apply; the code is the one given). ``codes`` is
    the project's code frame, when the caller has it."""
    codes = code_frame(session, project_id) if codes is None else codes
    if code_id not in set(codes["code_id"]):
        return pd.DataFrame(columns=["segment_id", "document", "informants", "groups", "snippet", "condensation"])
    frame = coding_frame(session, project_id, Filters(coder_ids=filters.coder_ids, kinds=filters.kinds,
                                                      groups=filters.groups, code_ids=(code_id,)), codes)
    table = segment_table(session, project_id, sorted(set(frame["segment_id"].tolist())), codes=codes)
    texts = dict(session.execute(select(Condensation.segment_id, Condensation.text)
                                 .where(Condensation.code_id == code_id)).all())
    table["condensation"] = [texts.get(s, "") for s in table["segment_id"]]
    return table.reset_index(drop=True)


def conclusion_table(session: Session, project_id: int, lang: str = "id") -> pd.DataFrame:
    """The register: statement, dimension or theme, status, evidence counts and tactics applied."""
    conclusions = session.scalars(select(Conclusion).where(Conclusion.project_id == project_id)
                                  .order_by(Conclusion.created_at, Conclusion.id)).all()
    codes = {c.id: c.label(lang) for c in session.scalars(select(Code).where(Code.project_id == project_id))}
    themes = dict(session.execute(select(PatternCode.id, PatternCode.name)
                                  .where(PatternCode.project_id == project_id)).all())
    stances = session.execute(select(ConclusionEvidence.conclusion_id, ConclusionEvidence.stance, func.count())
                              .join(Conclusion, Conclusion.id == ConclusionEvidence.conclusion_id)
                              .where(Conclusion.project_id == project_id)
                              .group_by(ConclusionEvidence.conclusion_id, ConclusionEvidence.stance)).all()
    counts = {(c, s): n for c, s, n in stances}
    tactics: dict[int, list[str]] = {}
    for cid, tactic in session.execute(select(ConclusionTactic.conclusion_id, ConclusionTactic.tactic)
                                       .join(Conclusion, Conclusion.id == ConclusionTactic.conclusion_id)
                                       .where(Conclusion.project_id == project_id)
                                       .order_by(ConclusionTactic.at)):
        tactics.setdefault(cid, []).append(tactic)
    rows = [{
        "conclusion_id": c.id, "statement": c.statement,
        "about": codes.get(c.code_id, "") if c.code_id else themes.get(c.pattern_code_id, "") if c.pattern_code_id
        else "",
        "status": c.status, "supporting": counts.get((c.id, "supporting"), 0),
        "contradicting": counts.get((c.id, "contradicting"), 0), "tactics": tactics.get(c.id, []),
        "updated_at": c.updated_at,
    } for c in conclusions]
    return pd.DataFrame(rows, columns=["conclusion_id", "statement", "about", "status", "supporting", "contradicting",
                                       "tactics", "updated_at"])


def evidence_table(session: Session, conclusion_id: int) -> pd.DataFrame:
    """The evidence of a conclusion: stance, note and the segment with its document and informants."""
    conclusion = session.get(Conclusion, conclusion_id)
    if conclusion is None:
        return pd.DataFrame()
    links = pd.DataFrame(session.execute(
        select(ConclusionEvidence.id, ConclusionEvidence.segment_id, ConclusionEvidence.stance, ConclusionEvidence.note)
        .where(ConclusionEvidence.conclusion_id == conclusion_id).order_by(ConclusionEvidence.id)
    ).all(), columns=["evidence_id", "segment_id", "stance", "note"])
    segments = segment_table(session, conclusion.project_id, links["segment_id"].tolist())
    return links.merge(segments, on="segment_id", how="left")


class Triangulation(TypedDict):
    """Where a conclusion's evidence comes from (:func:`triangulation`)."""

    by_group: pd.DataFrame  # segments per stakeholder group: supporting, contradicting
    by_kind: pd.DataFrame  # segments per source kind: supporting, contradicting
    groups: list[str]  # the groups with supporting evidence
    kinds: list[str]  # the source kinds with supporting evidence
    flags: list[str]  # of TRIANGULATION_FLAGS: no_evidence, one_group, one_kind, no_negative or negative_sought
    thin: bool


def triangulation(session: Session, conclusion_id: int) -> Triangulation:
    """Where a conclusion's evidence comes from: segments per stakeholder group and per source
    kind (supporting and contradicting), and the flags that say where it is thin."""
    rows = session.execute(
        select(ConclusionEvidence.segment_id, ConclusionEvidence.stance, Document.kind, Case.stakeholder_group)
        .join(Segment, ConclusionEvidence.segment_id == Segment.id)
        .join(Document, Segment.document_id == Document.id)
        .outerjoin(case_documents, case_documents.c.document_id == Document.id)
        .outerjoin(Case, Case.id == case_documents.c.case_id)
        .where(ConclusionEvidence.conclusion_id == conclusion_id)
    ).all()
    frame = pd.DataFrame(rows, columns=["segment_id", "stance", "kind", "group"])
    frame["group"] = frame["group"].fillna("").replace("", "—")
    supporting = frame[frame["stance"] == "supporting"]
    by_group = frame.groupby(["group", "stance"])["segment_id"].nunique().unstack("stance", fill_value=0)
    by_kind = frame.groupby(["kind", "stance"])["segment_id"].nunique().unstack("stance", fill_value=0)
    for table in (by_group, by_kind):
        for stance in ("supporting", "contradicting"):
            if stance not in table.columns:
                table[stance] = 0
    by_kind = by_kind.reindex(list(DOCUMENT_KINDS), fill_value=0)[["supporting", "contradicting"]]
    by_group = by_group[["supporting", "contradicting"]]
    groups = sorted(g for g in supporting["group"].unique() if g != "—")
    kinds = sorted(supporting["kind"].unique())
    flags: list[str] = []
    if supporting.empty:
        flags.append("no_evidence")
    else:
        if len(groups) < MIN_GROUPS:
            flags.append("one_group")
        if len(kinds) < MIN_KINDS:
            flags.append("one_kind")
    if frame[frame["stance"] == "contradicting"].empty:
        sought = session.scalar(select(ConclusionTactic.id).where(ConclusionTactic.conclusion_id == conclusion_id,
                                                                  ConclusionTactic.tactic == NEGATIVE_TACTIC))
        flags.append("negative_sought" if sought is not None else "no_negative")
    return {"by_group": by_group, "by_kind": by_kind, "groups": groups, "kinds": kinds, "flags": flags,
            "thin": any(f in flags for f in THIN_FLAGS)}
