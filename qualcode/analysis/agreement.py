"""Agreement between coders on chosen documents and codes, from the database.

Four ways of cutting the text into the units coders agree or disagree on:

- ``document``: is the code present anywhere in the document (per coder)?
- ``turn``: is the code present in the speaker turn (a paragraph in documents without turns)?
- ``sentence``: is the code present in the sentence (sentences within turns)?
- ``segment``: MAXQDA-style span matching: two coders' codings of the same code agree when their
  start and their end each lie within ``tolerance`` characters. Each group of matching codings
  is one unit; a coder without a matching coding disagrees there. There are no units both coders
  left uncoded, so only percent agreement is reported at this level (kappa and alpha are NaN).

A coder "has" a code in a unit when one of their codings of it overlaps the unit by at least one
character. Results are tidy DataFrames: a summary per code plus an ``overall`` row (units pooled
over codes), and a disagreement list that says where coders differ, so they can discuss it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.analysis.reliability import cohen_kappa, krippendorff_alpha, percent_agreement
from qualcode.models import Code, Document, User
from qualcode.read import frame as read_frame
from qualcode.read.filters import Filters
from qualcode.workspace import SENTENCE_END, document_units

LEVELS = ("document", "turn", "sentence", "segment")
OVERALL = "overall"
CODING_COLUMNS = ["coding_id", "document_id", "document", "code_id", "code", "coder_id", "coder", "start", "end",
                  "snippet"]
SUMMARY_COLUMNS = ["code_id", "code", "units", "agreed", "percent_agreement", "kappa", "alpha"]
DISAGREEMENT_COLUMNS = ["document_id", "document", "start", "end", "code_id", "code", "coded_by", "not_coded_by",
                        "text"]


@dataclass
class Agreement:
    """The result: who was compared, at which level, the summary and the disagreements."""

    level: str
    coders: list[str]
    summary: pd.DataFrame
    disagreements: pd.DataFrame


def coding_frame(session: Session, project_id: int, document_ids: list[int] | None = None,
                 code_ids: list[int] | None = None, coder_ids: list[int] | None = None) -> pd.DataFrame:
    """One row per coding of the given documents, codes (with their sub-codes) and coders, in
    :data:`CODING_COLUMNS`, from the read side's coding frame."""
    filters = Filters(document_ids=document_ids or (), code_ids=code_ids or (), coder_ids=coder_ids or ())
    if document_ids is not None and not document_ids or code_ids is not None and not code_ids \
            or coder_ids is not None and not coder_ids:
        return pd.DataFrame(columns=CODING_COLUMNS)  # an empty choice chooses nothing
    frame = read_frame.coding_frame(session, project_id, filters, detail=True, speakers=False)
    frame = frame.rename(columns={"code": "code_label", "code_key": "code", "coder": "coder_name",
                                  "coder_login": "coder", "text": "snippet"})
    frame = frame.sort_values(["document", "start", "end", "code", "coder"], kind="stable")
    return frame[CODING_COLUMNS].reset_index(drop=True)


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, lo = [], start
    for m in SENTENCE_END.finditer(text, start, end):
        spans.append((lo, m.end()))
        lo = m.end()
    spans.append((lo, end))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


def _units(session: Session, document: Document, level: str) -> list[tuple[int, int]]:
    if level == "document":
        return [(0, document.length)]
    units = document_units(session, document)
    if level == "turn":
        return [(u.start, u.end) for u in units]
    text = document.text
    return [s for u in units for s in _sentences(text, u.text_start, u.end)]


def _coefficients(matrix: list[list[float]], with_chance: bool) -> tuple[float, float, float]:
    """Percent agreement, Cohen's kappa (two coders only) and nominal alpha of a coders x units matrix."""
    if not matrix or not matrix[0]:
        return math.nan, math.nan, math.nan
    agreement = percent_agreement(matrix)
    if not with_chance:
        return agreement, math.nan, math.nan
    kappa = cohen_kappa(matrix[0], matrix[1]) if len(matrix) == 2 else math.nan
    return agreement, kappa, krippendorff_alpha(matrix, "nominal")


def _span_groups(rows: pd.DataFrame, tolerance: int) -> list[list[pd.Series]]:
    """Group one document's codings of one code: a coding joins the first group that has no
    coding of its coder yet and whose first span starts and ends within ``tolerance`` of it."""
    groups: list[list[pd.Series]] = []
    for _, row in rows.sort_values(["start", "end"]).iterrows():
        for group in groups:
            ref = group[0]
            if (all(g["coder_id"] != row["coder_id"] for g in group)
                    and abs(ref["start"] - row["start"]) <= tolerance and abs(ref["end"] - row["end"]) <= tolerance):
                group.append(row)
                break
        else:
            groups.append([row])
    return groups


def compute_agreement(session: Session, project_id: int, *, document_ids: list[int], code_ids: list[int] | None,
                      coder_ids: list[int], level: str = "document", tolerance: int = 5) -> Agreement:
    """Agreement of ``coder_ids`` (two or more) on ``document_ids`` for ``code_ids`` (None: every
    code any of them used there) at ``level``; see the module docstring for the levels."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    if len(set(coder_ids)) < 2:
        raise ValueError("agreement needs at least two coders")
    if tolerance < 0:
        raise ValueError("tolerance must be zero or more characters")
    users = {u.id: u.login for u in session.scalars(select(User).where(User.id.in_(coder_ids)))}
    coders = sorted(set(coder_ids), key=lambda i: users.get(i, ""))
    codings = coding_frame(session, project_id, document_ids, code_ids, coders)
    if code_ids is None:
        code_ids = sorted(set(codings["code_id"]))
    codes = {c.id: c.key for c in session.scalars(select(Code).where(Code.id.in_(code_ids), Code.project_id == project_id))}
    code_order = sorted(codes, key=codes.get)
    documents = list(session.scalars(
        select(Document).where(Document.project_id == project_id, Document.id.in_(document_ids)).order_by(Document.title)))

    per_code: dict[int, list[list[float]]] = {c: [[] for _ in coders] for c in code_order}
    disagreements: list[dict[str, object]] = []
    for document in documents:
        doc_rows = codings[codings["document_id"] == document.id]
        units = [] if level == "segment" else _units(session, document, level)
        for code_id in code_order:
            rows = doc_rows[doc_rows["code_id"] == code_id]
            if level == "segment":
                cells = []
                for group in _span_groups(rows, tolerance):
                    present = {g["coder_id"] for g in group}
                    cells.append((int(group[0]["start"]), int(group[0]["end"]), present))
            else:
                spans = list(zip(rows["coder_id"], rows["start"], rows["end"], strict=True))
                cells = [(a, b, {c for c, s, e in spans if s < b and e > a}) for a, b in units]
            for start, end, present in cells:
                for i, coder in enumerate(coders):
                    per_code[code_id][i].append(1.0 if coder in present else 0.0)
                if present and len(present) < len(coders):
                    text = document.text[start:end] if level != "document" else ""
                    disagreements.append({
                        "document_id": document.id, "document": document.title,
                        "start": start, "end": end, "code_id": code_id, "code": codes[code_id],
                        "coded_by": ", ".join(users[c] for c in coders if c in present),
                        "not_coded_by": ", ".join(users[c] for c in coders if c not in present),
                        "text": text if len(text) <= 300 else text[:297] + "...",
                    })
    with_chance = level != "segment"
    rows_out = []
    for code_id in code_order:
        matrix = per_code[code_id]
        agreed = sum(1 for unit in zip(*matrix, strict=True) if len(set(unit)) == 1)
        rows_out.append([code_id, codes[code_id], len(matrix[0]), agreed, *_coefficients(matrix, with_chance)])
    pooled = [[v for c in code_order for v in per_code[c][i]] for i in range(len(coders))]
    pooled_agreed = sum(1 for unit in zip(*pooled, strict=True) if len(set(unit)) == 1)
    rows_out.append([None, OVERALL, len(pooled[0]), pooled_agreed, *_coefficients(pooled, with_chance)])
    summary = pd.DataFrame(rows_out, columns=SUMMARY_COLUMNS)
    table = pd.DataFrame(disagreements, columns=DISAGREEMENT_COLUMNS)
    return Agreement(level=level, coders=[users[c] for c in coders], summary=summary, disagreements=table)
