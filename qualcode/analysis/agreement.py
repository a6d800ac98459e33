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
character. Turns and sentences are those of ``qualcode.units``: the stored turns (with the
interviewer the researcher confirmed; the interviewer's turns are no units unless
``include_interviewer``) and the one sentence splitter the suggestions use too.
Results are tidy DataFrames: a summary per code plus an ``overall`` row (units pooled
over codes), and a disagreement list that says where coders differ, so they can discuss it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.analysis.reliability import cohen_kappa, krippendorff_alpha, percent_agreement
from qualcode.models import Code, Coding, Document, User
from qualcode.read import frame as read_frame
from qualcode.read.filters import Filters
from qualcode.units import document_units, informant_units

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


def _units(session: Session, document: Document, level: str, include_interviewer: bool = False) -> list[tuple[int, int]]:
    """The document's units at ``level`` from the one unit model (stored turns, one sentence
    splitter); the interviewer's turns and sentences are no units unless asked for."""
    if level == "document":
        return [(0, document.length)]
    return [(u.start, u.end) for u in informant_units(document_units(session, document, level), include_interviewer)]


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
                      coder_ids: list[int], level: str = "document", tolerance: int = 5,
                      include_interviewer: bool = False) -> Agreement:
    """Agreement of ``coder_ids`` (two or more) on ``document_ids`` for ``code_ids`` (None: every
    code any of them used there) at ``level``; see the module docstring for the levels."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    if len(set(coder_ids)) < 2:
        raise ValueError("agreement needs at least two coders")
    if tolerance < 0:
        raise ValueError("tolerance must be zero or more characters")
    users = {u.id: u.display_name or u.login for u in session.scalars(select(User).where(User.id.in_(coder_ids)))}
    coders = sorted(set(coder_ids), key=lambda i: users.get(i, ""))
    codings = coding_frame(session, project_id, document_ids, code_ids, coders)
    if code_ids is None:
        code_ids = sorted(set(codings["code_id"]))
    codes = {c.id: c.key for c in session.scalars(select(Code).where(Code.id.in_(code_ids), Code.project_id == project_id))}
    code_order = sorted(codes, key=codes.__getitem__)
    documents = list(session.scalars(
        select(Document).where(Document.project_id == project_id, Document.id.in_(document_ids)).order_by(Document.title)))

    per_code: dict[int, list[list[float]]] = {c: [[] for _ in coders] for c in code_order}
    disagreements: list[dict[str, object]] = []
    for document in documents:
        doc_rows = codings[codings["document_id"] == document.id]
        units = [] if level == "segment" else _units(session, document, level, include_interviewer)
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


SUGGESTER_COLUMNS = ["coder_id", "coder", "code_id", "code", "accepted", "rejected", "own", "precision", "recall",
                     "agreement"]


def suggester_agreement(session: Session, project_id: int) -> pd.DataFrame:
    """The suggester as a coder: per human coder and code, how far they and the suggester agree.

    ``accepted`` and ``rejected`` count the coder's decisions on the suggester's proposals of the
    code; ``own`` counts the coder's codings of the code not made by accepting a suggestion (what
    the suggester did not propose, or not yet). ``precision`` = accepted / (accepted + rejected):
    when it proposes the code, how often this coder agrees; ``recall`` = accepted / (accepted +
    own): how much of this coder's use of the code it proposed; ``agreement`` = accepted /
    (accepted + rejected + own): the units where either applied the code and both did (positive
    agreement; there are no both-absent units to count chance agreement against)."""
    from qualcode.nlp.tables import SuggestionDecision

    decided = session.execute(
        select(SuggestionDecision.coder_id, SuggestionDecision.code_id, SuggestionDecision.decision,
               SuggestionDecision.coding_id)
        .where(SuggestionDecision.project_id == project_id)
    ).all()
    from_suggestions = {coding_id for *_, coding_id in decided if coding_id is not None}
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for coder_id, code_id, decision, _ in decided:
        cell = counts.setdefault((coder_id, code_id), {"accepted": 0, "rejected": 0, "own": 0})
        cell[decision] += 1
    codings = session.execute(
        select(Coding.id, Coding.coder_id, Coding.code_id)
        .join(Code, Coding.code_id == Code.id).where(Code.project_id == project_id)
    ).all()
    for coding_id, coder_id, code_id in codings:
        if coding_id not in from_suggestions:
            counts.setdefault((coder_id, code_id), {"accepted": 0, "rejected": 0, "own": 0})["own"] += 1
    users = {u.id: u.display_name or u.login
             for u in session.scalars(select(User).where(User.id.in_({c for c, _ in counts})))}
    keys = {c.id: c.key for c in session.scalars(select(Code).where(Code.project_id == project_id))}

    def ratio(part: int, whole: int) -> float:
        return part / whole if whole else math.nan

    rows = []
    for (coder_id, code_id), cell in counts.items():
        a, r, o = cell["accepted"], cell["rejected"], cell["own"]
        rows.append([coder_id, users.get(coder_id, ""), code_id, keys.get(code_id, ""), a, r, o, ratio(a, a + r),
                     ratio(a, a + o), ratio(a, a + r + o)])
    frame = pd.DataFrame(rows, columns=SUGGESTER_COLUMNS)
    return frame.sort_values(["coder", "code"], ignore_index=True)
