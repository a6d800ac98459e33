"""The read side of suggestions: the queue for a document, the project's codes as the suggester
sees them, acceptance rates and the model's quality. (Decisions are written by
``services.suggestions.decide``.)

The queue never trains and never waits: it blends cached codebook scores with the stored model's
(``services.suggestion_models`` trains it in a worker process); the codebook scores it computes are
kept in ``suggestion_cache`` for every app process. See ARCHITECTURE.md.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from qualcode.db import SQLITE_BUSY_TIMEOUT_MS, bind_url
from qualcode.errors import ValidationError
from qualcode.models import Code, Coding, Document, Segment, utcnow
from qualcode.nlp import pipeline
from qualcode.nlp.suggest import (
    KEYWORD_WEIGHT,
    MODEL_WEIGHT,
    SIMILARITY_WEIGHT,
    CodebookSuggester,
    CodeInfo,
    LearnedModel,
    Suggestion,
    blend,
    codebook_fingerprint,
    codebook_part,
    model_part,
)
from qualcode.nlp.tables import SuggestionCache, SuggestionDecision, SuggestionModel
from qualcode.services import suggestion_models
from qualcode.units import TextUnit, document_units, informant_units


@dataclass
class QueueItem:
    start: int
    end: int
    text: str
    suggestion: Suggestion
    code_db_id: int


code_infos = suggestion_models.code_infos  # the codes suggestions may propose, and their ids


def project_codes(session: Session, project_id: int) -> dict[int, Code]:
    """The project's codes by id, in tree order (the page's labels and the adjust menu)."""
    return {c.id: c for c in session.scalars(select(Code).where(Code.project_id == project_id).order_by(Code.path))}


@lru_cache(maxsize=16)
def _suggester(fingerprint: str, infos: tuple[CodeInfo, ...]) -> CodebookSuggester:
    suggester = CodebookSuggester(infos)
    pipeline.settle_heap()  # it lives as long as the codebook stays as it is
    return suggester


def codebook_suggester(infos: list[CodeInfo]) -> CodebookSuggester:
    """Built once per set of codes (the matcher and TF-IDF profiles), shared by later calls."""
    return _suggester(codebook_fingerprint(infos), tuple(infos))


def model_quality(session: Session, project_id: int, model_id: int | None = None, lang: str = "id") -> pd.DataFrame | None:
    """Each code's examples and the model's cross-validated precision and recall, as the worker
    stored them for ``model_id`` (default the newest ready model), with the code's ``name`` in
    ``lang``; precision and recall are NaN where a code has no classifier. None while it still
    computes."""
    if model_id is None:
        model_id = suggestion_models.model_status(session, project_id).ready_id
    rows = suggestion_models.model_quality_rows(session, model_id)
    if rows is None:
        return None
    frame = pd.DataFrame(rows, columns=["code", "examples", "in_use", "precision", "recall"])
    names = {key: ((en or name) if lang == "en" else name) for key, name, en in session.execute(
        select(Code.key, Code.name_id, Code.name_en).where(Code.project_id == project_id))}
    frame.insert(1, "name", [names.get(key, "") for key in frame["code"]])
    frame[["precision", "recall"]] = frame[["precision", "recall"]].astype(float)
    return frame.sort_values("examples", ascending=False, ignore_index=True)


def model_examples(session: Session, project_id: int, model_id: int) -> int | None:
    """How many coded segments the stored ready model ``model_id`` was trained on; None when it is
    not (or no longer) stored: older models are removed once newer ones are ready."""
    return session.scalar(select(SuggestionModel.examples).where(
        SuggestionModel.id == model_id, SuggestionModel.project_id == project_id, SuggestionModel.status == "ready"))


LATEST = -1  # model_id meaning "the newest ready model"


class Queue(list[QueueItem]):
    """A document's queue (a list of items) and the model version that scored it (None: the
    codebook alone), which an accepted suggestion records."""

    def __init__(self, items: list[QueueItem], model_version: int | None) -> None:
        super().__init__(items)
        self.model_version = model_version


def _memo_get(key: tuple[object, ...]) -> list[dict[str, list[object]]] | None:
    with _MEMO_LOCK:
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key]
    return None


def _memo_put(key: tuple[object, ...], value: list[dict[str, list[object]]]) -> None:
    with _MEMO_LOCK:
        _MEMO[key] = value
        while len(_MEMO) > 64:
            _MEMO.popitem(last=False)


_MEMO: OrderedDict[tuple[object, ...], list[dict[str, list[object]]]] = OrderedDict()
_MEMO_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _engine_version() -> str:
    """Changes when the scoring changes: the weights, the pipeline's and the scorer's code, and
    the word lists they match on (a new release recomputes the cached scores)."""
    digest = hashlib.sha256(f"{KEYWORD_WEIGHT}:{SIMILARITY_WEIGHT}:{MODEL_WEIGHT}".encode())
    folder = Path(pipeline.__file__).parent
    for path in [folder / "pipeline.py", folder / "suggest.py", *sorted(folder.glob("data/*"))]:
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _stored_part(session: Session, document: Document, part: str, unit: str, key: str) -> list | None:
    row = session.execute(select(SuggestionCache.key, SuggestionCache.payload).where(
        SuggestionCache.document_id == document.id, SuggestionCache.part == part, SuggestionCache.unit == unit)).first()
    return row[1] if row is not None and row[0] == key else None


def _store_part(session: Session, document: Document, part: str, unit: str, key: str, payload: list) -> None:
    """Keep a computed part for every app process: written in its own short transaction that
    gives up at once when the database is busy (a cache write is never worth a wait)."""
    engine = session.get_bind()
    with engine.execution_options(qualcode_read=True).connect() as conn:  # type: ignore[union-attr]
        sqlite = conn.dialect.name == "sqlite"
        try:
            conn.exec_driver_sql("PRAGMA busy_timeout=100" if sqlite else "SET LOCAL lock_timeout = '200ms'")
            where = (SuggestionCache.document_id == document.id, SuggestionCache.part == part,
                     SuggestionCache.unit == unit)
            values = {"key": key, "payload": payload, "created_at": utcnow()}
            if not conn.execute(update(SuggestionCache).where(*where).values(**values)).rowcount:
                conn.execute(insert(SuggestionCache).values(project_id=document.project_id, document_id=document.id,
                                                            part=part, unit=unit, **values))
            conn.commit()
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        except DBAPIError:  # busy, or another process wrote it first: the next request tries again
            conn.invalidate()  # never hand the short busy timeout back to the pool


def scored_units(session: Session, document: Document, units: list[TextUnit], unit_key: str,
                 infos: list[CodeInfo], model: LearnedModel | None, model_version: int | None,
                 within: tuple[int, int] | None = None,
                 ) -> tuple[list[TextUnit], list[dict[str, list[object]]], list[dict[str, list[object]]]]:
    """The codebook's and the model's scores for ``units`` (only those overlapping ``within``
    when given), from the cache when the text, its units (turns and the interviewer), the
    codebook (and the model version) are those they were computed for. A whole document's
    scores are computed once and stored; for a window (the Coding page's inline suggestions)
    what is not stored yet is computed for it alone."""
    codebook_fp = codebook_fingerprint(infos)
    spans = hashlib.sha256(repr([(u.text_start, u.end) for u in units]).encode()).hexdigest()  # turns, interviewer
    base = f"{document.checksum}:{spans}:{codebook_fp}:{unit_key}:{_engine_version()}"
    keys = {"codebook": hashlib.sha256(base.encode()).hexdigest(),
            "model": hashlib.sha256(f"{base}:{model_version}".encode()).hexdigest()}
    where = bind_url(session)  # one process may serve several databases
    parts: dict[str, list[dict[str, list[object]]] | None] = {}
    for part, key in keys.items():
        if part == "model" and model_version is None:
            parts[part] = [{} for _ in units]
            continue
        found = _memo_get((where, document.id, part, unit_key, key))
        if found is None:
            found = _stored_part(session, document, part, unit_key, key)
            if found is not None:
                _memo_put((where, document.id, part, unit_key, key), found)
        parts[part] = found
    missing = [part for part, found in parts.items() if found is None]
    if within is not None:  # a window: stored parts sliced, missing ones computed for it alone
        keep = [i for i, u in enumerate(units) if u.text_start < within[1] and u.end > within[0]]
        units = [units[i] for i in keep]
        parts = {part: None if found is None else [found[i] for i in keep] for part, found in parts.items()}
    if missing:
        suggester = codebook_suggester(infos)
        docs = suggester.docs(u.text for u in units)
        for part in missing:
            computed = codebook_part(docs, suggester) if part == "codebook" else model_part(docs, model)
            if within is None:
                _store_part(session, document, part, unit_key, keys[part], computed)
                _memo_put((where, document.id, part, unit_key, keys[part]), computed)
            parts[part] = computed
    return units, parts["codebook"], parts["model"]  # type: ignore[return-value]


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
    model_id: int | None = LATEST,
) -> Queue:
    """Suggestions for a document, ordered by confidence or by uncertainty (active learning:
    scores nearest 0.5 first), leaving out codes already applied there and decisions already made.

    Scores come from the stored model ``model_id`` (default the newest ready one; None: the
    codebook alone) and are cached per document until its text, the codebook or the model change;
    nothing here trains."""
    document = session.get(Document, document_id)
    if document is None or document.project_id != project_id:
        raise ValidationError("error.document_not_found", document=document_id)
    infos, ids = code_infos(session, project_id)
    if not infos:
        return Queue([], None)
    units = informant_units(document_units(session, document, unit), include_interviewer)
    if model_id == LATEST:
        model_id = suggestion_models.model_status(session, project_id).ready_id
    model = suggestion_models.load_model(session, model_id) if model_id is not None else None
    version = model_id if model is not None else None
    unit_key = f"{unit}+interviewer" if include_interviewer else unit
    units, book, learned = scored_units(session, document, units, unit_key, infos, model, version, within)
    results = blend(infos, book, learned, model, top=top)
    coded = session.execute(
        select(Segment.start, Segment.end, Coding.code_id).join(Coding, Coding.segment_id == Segment.id)
        .where(Segment.document_id == document_id)
    ).all()
    decided = {tuple(row) for row in session.execute(
        select(SuggestionDecision.start, SuggestionDecision.end, SuggestionDecision.code_id)
        .where(SuggestionDecision.document_id == document_id)
    )}
    coded_by_code: dict[int, list[tuple[int, int]]] = {}
    for a, b, c in coded:
        coded_by_code.setdefault(c, []).append((a, b))
    overlaps = {code: _Spans(spans) for code, spans in coded_by_code.items()}
    items: list[QueueItem] = []
    for u, suggestions in zip(units, results, strict=True):
        for s in suggestions:
            code_db_id = ids[s.code_id]
            spans = overlaps.get(code_db_id)
            if spans is not None and spans.overlap(u.text_start, u.end):
                continue
            if (u.text_start, u.end, code_db_id) in decided:
                continue
            items.append(QueueItem(u.text_start, u.end, u.text, s, code_db_id))
    if order == "uncertainty":
        items.sort(key=lambda i: abs(i.suggestion.score - 0.5))
    else:
        items.sort(key=lambda i: -i.suggestion.score)
    return Queue(items, version)


class _Spans:
    """A code's coded spans in a document, for "does [start, end) overlap any of them" in
    logarithmic time (a document may hold thousands of codings of one code)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [a for a, _ in spans]
        self.reach = list(itertools.accumulate((b for _, b in spans), max))  # the furthest end so far

    def overlap(self, start: int, end: int) -> bool:
        before = bisect.bisect_left(self.starts, end)  # the spans that start before ``end``
        return before > 0 and self.reach[before - 1] > start


def acceptance_rates(session: Session, project_id: int, lang: str = "id") -> pd.DataFrame:
    """Per code suggested: how often it was accepted and rejected; ``name`` in ``lang``."""
    rows = session.execute(
        select(Code.key, Code.name_id, Code.name_en, SuggestionDecision.decision, func.count())
        .join(Code, SuggestionDecision.code_id == Code.id)
        .where(SuggestionDecision.project_id == project_id)
        .group_by(Code.key, Code.name_id, Code.name_en, SuggestionDecision.decision)
    ).all()
    table: dict[str, dict[str, object]] = {}
    for key, name_id, name_en, decision, count in rows:
        name = (name_en or name_id) if lang == "en" else name_id
        row = table.setdefault(key, {"code": key, "name": name, "accepted": 0, "rejected": 0})
        row[decision] = count
    frame = pd.DataFrame(list(table.values()), columns=["code", "name", "accepted", "rejected"])
    frame["rate"] = frame["accepted"] / (frame["accepted"] + frame["rejected"]).where(lambda s: s > 0)
    return frame.sort_values("code", ignore_index=True)


def units_json(units: list[TextUnit], results: list[list[Suggestion]]) -> list[dict[str, object]]:
    return [{"start": u.text_start, "end": u.end, "text": u.text, "suggestions": [s.as_dict() for s in r]}
            for u, r in zip(units, results, strict=True)]
