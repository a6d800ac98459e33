"""Suggestions in a project: compute them for a document, decide on them, report on them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.errors import ValidationError
from qualcode.models import Code, Coding, Document, Segment
from qualcode.nlp.suggest import CodebookSuggester, CodeInfo, LearnedModel, Suggestion, suggest
from qualcode.nlp.tables import SuggestionDecision
from qualcode.services import audit, codings
from qualcode.services.auth import require
from qualcode.units import TextUnit, document_units, informant_units

# Direction codes of the 5C codebook are applied together with a C, never suggested on their own.
NOT_SUGGESTED = frozenset({"direction", "supporting", "inhibiting"})


@dataclass
class QueueItem:
    start: int
    end: int
    text: str
    suggestion: Suggestion
    code_db_id: int


def code_infos(session: Session, project_id: int) -> tuple[list[CodeInfo], dict[str, int]]:
    rows = list(session.scalars(select(Code).where(Code.project_id == project_id).order_by(Code.path)))
    infos = [CodeInfo(c.key, c.path, c.name_id, c.name_en, c.definition, c.inclusion, tuple(c.examples),
                      tuple(c.indicators)) for c in rows if c.key not in NOT_SUGGESTED]
    return infos, {c.key: c.id for c in rows}


@lru_cache(maxsize=16)
def _suggester(fingerprint: str, infos: tuple[CodeInfo, ...]) -> CodebookSuggester:
    return CodebookSuggester(infos)


def codebook_suggester(infos: list[CodeInfo]) -> CodebookSuggester:
    """Built once per set of codes (the matcher and TF-IDF profiles), shared by later calls."""
    fingerprint = hashlib.sha256(repr(infos).encode()).hexdigest()
    return _suggester(fingerprint, tuple(infos))


def training_data(session: Session, project_id: int, limit_negatives: int = 400) -> tuple[list[str], list[set[str]]]:
    """Coded segments with their code ids, plus uncoded informant turns as negatives."""
    from qualcode.models import Turn

    rows = session.execute(
        select(Segment.id, Segment.snippet, Code.key)
        .join(Coding, Coding.segment_id == Segment.id).join(Code, Coding.code_id == Code.id)
        .join(Document, Segment.document_id == Document.id)
        .where(Document.project_id == project_id)
    )
    by_segment: dict[int, tuple[str, set[str]]] = {}
    for seg_id, snippet, key in rows:
        by_segment.setdefault(seg_id, (snippet, set()))[1].add(key)
    texts = [t for t, _ in by_segment.values()]
    labels = [k for _, k in by_segment.values()]
    turns = session.execute(
        select(Document.text, Turn.text_start, Turn.end)
        .join(Document, Turn.document_id == Document.id)
        .where(Document.project_id == project_id, Turn.is_interviewer.is_(False))
        .limit(limit_negatives)
    ) if by_segment else []
    coded = set(texts)
    for text, start, end in turns:
        piece = text[start:end]
        if piece not in coded:
            texts.append(piece)
            labels.append(set())
    return texts, labels


_MODELS: dict[tuple[int, str], LearnedModel] = {}


def learned_model(session: Session, project_id: int) -> LearnedModel:
    """The project's model, retrained when its codings change (keyed on their count and latest change)."""
    stamp = session.execute(
        select(func.count(Coding.id), func.max(Coding.updated_at))
        .join(Segment, Coding.segment_id == Segment.id).join(Document, Segment.document_id == Document.id)
        .where(Document.project_id == project_id)
    ).one()
    key = (project_id, f"{stamp[0]}:{stamp[1]}")
    model = _MODELS.get(key)
    if model is None:
        texts, labels = training_data(session, project_id)
        model = LearnedModel().fit(texts, labels) if any(labels) else LearnedModel()
        for old in [k for k in _MODELS if k[0] == project_id]:
            del _MODELS[old]
        _MODELS[key] = model
    return model


def model_quality(session: Session, project_id: int) -> pd.DataFrame:
    model = learned_model(session, project_id)
    rows = [(q.code_id, q.examples, q.code_id in model.classifiers, q.precision, q.recall)
            for q in model.quality.values()]
    return pd.DataFrame(rows, columns=["code", "examples", "in_use", "precision", "recall"]).sort_values(
        "examples", ascending=False, ignore_index=True)


def document_queue(
    session: Session,
    project_id: int,
    document_id: int,
    *,
    unit: str = "turn",
    order: str = "confidence",
    top: int = 3,
    include_interviewer: bool = False,
    within: tuple[int, int] | None = None,
) -> list[QueueItem]:
    """Suggestions for a document, ordered by confidence or by uncertainty (active learning:
    scores nearest 0.5 first), leaving out codes already applied there and decisions already made."""
    document = session.get(Document, document_id)
    if document is None or document.project_id != project_id:
        raise ValidationError("error.document_not_found", document=document_id)
    infos, ids = code_infos(session, project_id)
    if not infos:
        return []
    units = informant_units(document_units(session, document, unit), include_interviewer)
    if within is not None:  # only the part of the document on screen
        units = [u for u in units if u.text_start < within[1] and u.end > within[0]]
    results = suggest(units, codebook_suggester(infos), learned_model(session, project_id), top=top)
    coded = session.execute(
        select(Segment.start, Segment.end, Coding.code_id).join(Coding, Coding.segment_id == Segment.id)
        .where(Segment.document_id == document_id)
    ).all()
    decided = session.execute(
        select(SuggestionDecision.start, SuggestionDecision.end, SuggestionDecision.code_id)
        .where(SuggestionDecision.document_id == document_id)
    ).all()
    items: list[QueueItem] = []
    for u, suggestions in zip(units, results, strict=True):
        for s in suggestions:
            code_db_id = ids[s.code_id]
            if any(c == code_db_id and a < u.end and b > u.text_start for a, b, c in coded):
                continue
            if any(c == code_db_id and a == u.text_start and b == u.end for a, b, c in decided):
                continue
            items.append(QueueItem(u.text_start, u.end, u.text, s, code_db_id))
    if order == "uncertainty":
        items.sort(key=lambda i: abs(i.suggestion.score - 0.5))
    else:
        items.sort(key=lambda i: -i.suggestion.score)
    return items


def decide(
    session: Session,
    project_id: int,
    document_id: int,
    start: int,
    end: int,
    code_id: int,
    decision: str,
    *,
    actor_id: int,
    score: float = 0.0,
    evidence: list[dict[str, object]] | None = None,
    source: str = "blend",
) -> SuggestionDecision:
    """Accept (the suggestion becomes a coding by this coder) or reject; the decision is stored."""
    if decision not in ("accepted", "rejected"):
        raise ValidationError("suggest.bad_decision", decision=decision)
    require(session, project_id, actor_id, "coding.write")
    coding_id = None
    if decision == "accepted":
        coding_id = codings.code_span(session, document_id, start, end, code_id, actor_id=actor_id).id
    else:
        document = session.get(Document, document_id)
        if document is None or document.project_id != project_id or not (0 <= start < end <= document.length):
            raise ValidationError("error.offsets_invalid", start=start, end=end, length=document.length if document else 0,
                                  document=document.title if document else document_id)
    row = SuggestionDecision(project_id=project_id, document_id=document_id, code_id=code_id, coder_id=actor_id,
                             coding_id=coding_id, start=start, end=end, decision=decision, score=float(score),
                             source=source, evidence={"items": evidence or []})
    session.add(row)
    session.flush()
    audit.record(session, action=f"suggestion.{decision}", entity_type="suggestion", entity_id=row.id,
                 project_id=project_id, user_id=actor_id,
                 after={"document_id": document_id, "start": start, "end": end, "code_id": code_id, "score": score,
                        "coding_id": coding_id})
    return row


def acceptance_rates(session: Session, project_id: int) -> pd.DataFrame:
    rows = session.execute(
        select(Code.key, Code.name_id, SuggestionDecision.decision, func.count())
        .join(Code, SuggestionDecision.code_id == Code.id)
        .where(SuggestionDecision.project_id == project_id)
        .group_by(Code.key, Code.name_id, SuggestionDecision.decision)
    ).all()
    table: dict[str, dict[str, object]] = {}
    for key, name, decision, count in rows:
        row = table.setdefault(key, {"code": key, "name": name, "accepted": 0, "rejected": 0})
        row[decision] = count
    frame = pd.DataFrame(list(table.values()), columns=["code", "name", "accepted", "rejected"])
    frame["rate"] = frame["accepted"] / (frame["accepted"] + frame["rejected"]).where(lambda s: s > 0)
    return frame.sort_values("code", ignore_index=True)


def units_json(units: list[TextUnit], results: list[list[Suggestion]]) -> list[dict[str, object]]:
    return [{"start": u.text_start, "end": u.end, "text": u.text, "suggestions": [s.as_dict() for s in r]}
            for u, r in zip(units, results, strict=True)]
