"""What every write service shares: load an entity within its project (or say it is not found),
and record an audit event whose project and entity come from the entity itself.

Write services are ``verb_noun(session, ..., *, actor_id: int)``: the actor is required, typed
and keyword-only everywhere; ``services.auth.require`` checks the actor's role.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from sqlalchemy.orm import Session, object_session

from qualcode.analysis.tables import Conclusion, ConclusionEvidence, ConclusionTactic, PatternCode
from qualcode.errors import NotFoundError
from qualcode.models import AuditEvent, Case, Code, Codebook, Coding, Document, Memo, Project, Segment, Turn, User
from qualcode.services import audit

T = TypeVar("T")

# model -> (catalogue key, parameter name) of its "not found" message
NOT_FOUND: dict[type, tuple[str, str]] = {
    Project: ("error.project_not_found", "project"),
    User: ("error.user_not_found", "user_id"),
    Document: ("error.document_not_found", "document"),
    Case: ("cases.not_found", "case"),
    Codebook: ("error.codebook_not_found", "codebook"),
    Code: ("error.code_not_found", "code"),
    Segment: ("error.segment_not_found", "segment"),
    Coding: ("error.coding_not_found", "coding"),
    Memo: ("error.memo_not_found", "memo"),
    PatternCode: ("analysis.error_pattern_not_found", "pattern"),
    # written for the page open in another tab after the conclusion was deleted there
    Conclusion: ("analysis.error_conclusion_deleted", "conclusion"),
    ConclusionEvidence: ("analysis.error_evidence_not_found", "evidence"),
}


def project_of(entity: object) -> int | None:
    """The id of the project an entity belongs to (through its document, segment or conclusion
    where it has no ``project_id`` of its own); None for users."""
    if isinstance(entity, Project):
        return entity.id
    if isinstance(entity, Segment | Turn):
        return entity.document.project_id
    if isinstance(entity, Coding):
        return entity.segment.document.project_id
    if isinstance(entity, ConclusionEvidence | ConclusionTactic):
        return object_session(entity).get(Conclusion, entity.conclusion_id).project_id  # type: ignore[union-attr]
    return getattr(entity, "project_id", None)


def not_found(model: type, entity_id: object) -> NotFoundError:
    key, param = NOT_FOUND[model]
    return NotFoundError(key, **{param: entity_id})


def load(session: Session, model: type[T], entity_id: int, *, project_id: int | None = None) -> T:
    """The ``model`` row with ``entity_id``; when ``project_id`` is given it must belong to that
    project. Otherwise :class:`NotFoundError` with the model's own message (an entity of another
    project is "not found", never "forbidden": ids of other projects say nothing)."""
    entity = session.get(model, entity_id)
    if entity is None or (project_id is not None and project_of(entity) != project_id):
        raise not_found(model, entity_id)
    return entity


def entity_type(entity: object) -> str:
    """The audit name of an entity: its class name in snake_case (``ConclusionEvidence`` ->
    ``conclusion_evidence``)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(entity).__name__).lower()


def record_change(session: Session, action: str, entity: object, *, actor_id: int,
                  before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
                  project_id: int | None = None, entity_id: int | None = None) -> AuditEvent:
    """Record ``action`` on ``entity`` by ``actor_id``: project, entity type and id are read from
    the entity (``project_id``/``entity_id`` override them, e.g. for an entity already deleted)."""
    return audit.record(session, action=action, entity_type=entity_type(entity),
                        entity_id=entity_id if entity_id is not None else getattr(entity, "id", None),
                        project_id=project_id if project_id is not None else project_of(entity),
                        user_id=actor_id, before=before, after=after)

