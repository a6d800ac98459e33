"""The Documents page's view: the document list, the cases, and one opened document's turns."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.orm import Session

from qualcode.read import entities as read_entities
from qualcode.read import tables as queries
from qualcode.read.dependants import DocumentDependants, document_dependants
from qualcode.read.views import common
from qualcode.services import documents as document_service
from qualcode.turns import label_counts

PREVIEW_CHARS = 20000
KINDS = common.DOCUMENT_KINDS


@dataclass(frozen=True)
class DocumentsView:
    documents: pd.DataFrame  # id, title, cases, kind, length, turns, original_filename, codings, imported_at
    cases: pd.DataFrame  # queries.case_table
    case_names: dict[int, str]  # case id -> pseudonym
    groups: list[str]  # the project's stakeholder groups


@dataclass(frozen=True)
class TurnView:
    number: int
    speaker: str
    is_interviewer: bool
    timestamp: str | None
    text: str


@dataclass(frozen=True)
class DocumentDetail:
    id: int
    title: str
    kind: str
    original_filename: str
    length: int
    interviewer_label: str | None
    case_ids: list[int]
    speakers: list[str]  # speaker labels in order of first appearance
    turns: list[TurnView]
    preview: str  # the start of the text, for a document without turns
    truncated: bool
    labels: list[tuple[str, int]] = field(default_factory=list)  # every label-like line start, how often
    codings: int = 0
    memos: int = 0  # on the document or its segments
    text: str = ""  # the whole text, to edit (only while the document carries no codings)
    goes: DocumentDependants = field(default_factory=lambda: DocumentDependants(0, 0, 0))  # what deleting it removes

    @property
    def editable(self) -> bool:
        """Text and turns may change only while no coding points into them."""
        return self.codings == 0

    def turns_of(self, speaker: str) -> int:
        return sum(1 for t in self.turns if t.speaker == speaker)


def documents_view(session: Session, project_id: int) -> DocumentsView:
    cases = queries.case_table(session, project_id)
    return DocumentsView(
        documents=queries.document_table(session, project_id),
        cases=cases,
        case_names={c.id: c.pseudonym for c in read_entities.list_cases(session, project_id)},
        groups=common.project_groups(session, project_id),
    )


def document_detail(session: Session, document_id: int) -> DocumentDetail:
    document = document_service.get_document(session, document_id)
    text = document.text
    turns = [TurnView(t.number, t.speaker, t.is_interviewer, t.timestamp, text[t.text_start:t.end])
             for t in document.turns]
    found = document_dependants(session, document.id)
    return DocumentDetail(
        id=document.id, title=document.title, kind=document.kind, original_filename=document.original_filename,
        length=document.length, interviewer_label=document.interviewer_label,
        case_ids=[c.id for c in document.cases], speakers=list(dict.fromkeys(t.speaker for t in turns)),
        turns=turns, preview="" if turns else text[:PREVIEW_CHARS], truncated=not turns and len(text) > PREVIEW_CHARS,
        labels=label_counts(text).most_common() if document.kind == "interview" else [],
        codings=found.codings, memos=found.memos, text=text if not found.codings else "", goes=found,
    )
