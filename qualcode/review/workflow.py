"""Review as a task: a supervisor signs off a document, or a code across documents, or asks for
changes; the researchers see what awaits them and answer with ``fixed``; everyone sees what
changed since the last review (read from the audit trail).

Write side: ``mark_review`` (one audited mark per call; the caller owns the transaction).
Read side: ``review_state`` (latest mark per target), ``awaiting`` (change requests for one
researcher), ``review_history`` and ``changes_since`` as tidy DataFrames.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from qualcode.errors import NotFoundError, PermissionDenied, ValidationError
from qualcode.models import AuditEvent, Code, Coding, Document, Segment, User
from qualcode.review.tables import REVIEW_STATUSES, ReviewMark
from qualcode.services import audit
from qualcode.services.auth import require, role_of

MAX_COMMENT = 5000
REVIEWER_ROLES = frozenset({"owner", "supervisor"})
REVIEWER_STATUSES = ("reviewed", "approved", "changes_requested")
STATE_COLUMNS = ["mark_id", "target", "document_id", "code_id", "name", "status", "comment", "reviewer", "assignee_id",
                 "assignee", "at", "changes"]
HISTORY_COLUMNS = ["mark_id", "target", "document_id", "code_id", "name", "status", "comment", "author", "assignee",
                   "at"]
CHANGE_COLUMNS = ["at", "user", "action", "entity", "entity_id", "document_id", "code", "start", "end"]


def _target(session: Session, document_id: int | None, code_id: int | None) -> tuple[int, str]:
    """The project and a readable name of a mark's target (exactly one of document or code)."""
    if (document_id is None) == (code_id is None):
        raise ValidationError("error.review_target")
    if document_id is not None:
        document = session.get(Document, document_id)
        if document is None:
            raise NotFoundError("error.document_not_found", document=document_id)
        return document.project_id, document.title
    code = session.get(Code, code_id)
    if code is None:
        raise NotFoundError("error.code_not_found", code=code_id)
    return code.project_id, code.path


def mark_review(session: Session, status: str, *, actor_id: int, document_id: int | None = None,
                code_id: int | None = None, comment: str = "", assignee_id: int | None = None) -> ReviewMark:
    """Mark a document or a code as ``reviewed``, ``approved`` or ``changes_requested`` (owners
    and supervisors; a change request needs a comment saying what to change), or answer a
    change request with ``fixed`` (owners and researchers, who may code)."""
    if status not in REVIEW_STATUSES:
        raise ValidationError("error.review_status", status=status, statuses=", ".join(REVIEW_STATUSES))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError("error.comment_too_long", limit=MAX_COMMENT)
    if status == "changes_requested" and not comment:
        raise ValidationError("error.review_comment_needed")
    project_id, name = _target(session, document_id, code_id)
    if status in REVIEWER_STATUSES:
        user = require(session, project_id, actor_id, "project.read")
        role = role_of(session, project_id, actor_id)
        if role not in REVIEWER_ROLES:
            raise PermissionDenied("error.role_forbids", user=user.display_name, role=role, action="review.sign_off")
    else:
        require(session, project_id, actor_id, "coding.write")
    if assignee_id is not None and role_of(session, project_id, assignee_id) is None:
        raise ValidationError("error.review_assignee")
    mark = ReviewMark(project_id=project_id, document_id=document_id, code_id=code_id, status=status,
                      comment=comment, author_id=actor_id, assignee_id=assignee_id)
    session.add(mark)
    session.flush()
    audit.record(session, action=f"review.{status}", entity_type="review", entity_id=mark.id, project_id=project_id,
                 user_id=actor_id, after={"document_id": document_id, "code_id": code_id, "target": name,
                                          "status": status, "comment": comment, "assignee_id": assignee_id})
    return mark


def review_history(session: Session, project_id: int, *, document_id: int | None = None,
                   code_id: int | None = None) -> pd.DataFrame:
    """Every mark of the project (or of one target), oldest first."""
    author = aliased(User)
    assignee = aliased(User)
    query = (select(ReviewMark.id, ReviewMark.document_id, ReviewMark.code_id, Document.title, Code.path,
                    ReviewMark.status, ReviewMark.comment, author.display_name, assignee.display_name,
                    ReviewMark.created_at)
             .join(author, ReviewMark.author_id == author.id)
             .outerjoin(assignee, ReviewMark.assignee_id == assignee.id)
             .outerjoin(Document, ReviewMark.document_id == Document.id)
             .outerjoin(Code, ReviewMark.code_id == Code.id)
             .where(ReviewMark.project_id == project_id)
             .order_by(ReviewMark.created_at, ReviewMark.id))
    if document_id is not None:
        query = query.where(ReviewMark.document_id == document_id)
    if code_id is not None:
        query = query.where(ReviewMark.code_id == code_id)
    rows = [(i, "document" if doc is not None else "code", doc, code, title if doc is not None else path, status,
             comment, who, to or "", at)
            for i, doc, code, title, path, status, comment, who, to, at in session.execute(query).all()]
    return _ids_or_none(pd.DataFrame(rows, columns=HISTORY_COLUMNS), ["document_id", "code_id"])


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def _events(session: Session, project_id: int, since: dt.datetime | None) -> list[tuple]:
    """The project's audit events after ``since`` (review marks left out), oldest first."""
    query = (select(AuditEvent.at, User.display_name, AuditEvent.action, AuditEvent.entity_type,
                    AuditEvent.entity_id, AuditEvent.payload)
             .outerjoin(User, AuditEvent.user_id == User.id)
             .where(AuditEvent.project_id == project_id, AuditEvent.entity_type != "review")
             .order_by(AuditEvent.at, AuditEvent.id))
    if since is not None:
        query = query.where(AuditEvent.at > since)
    return list(session.execute(query).all())


def _touching(events: list[tuple], since: dt.datetime | None, document_id: int | None,
              code_id: int | None, code_path: str | None) -> list[tuple]:
    """The events after ``since`` that changed the document's codings, or the code and its codings."""
    rows = []
    after = _aware(since) if since is not None else None
    for at, user, action, entity, entity_id, payload in events:
        if after is not None and _aware(at) <= after:
            continue
        payload = payload or {}
        before_state, after_state = payload.get("before") or {}, payload.get("after") or {}
        state = after_state if isinstance(after_state, dict) and after_state else before_state
        if not isinstance(state, dict):
            state = {}
        if document_id is not None:
            hit = (entity == "document" and entity_id == document_id) or state.get("document_id") == document_id
        else:
            paths = {p.get("code") for p in (before_state, after_state) if isinstance(p, dict)}
            hit = (entity == "code" and entity_id == code_id) or (
                entity == "coding" and code_path is not None and code_path in paths)
        if hit:
            rows.append((at, user or "", action, entity, entity_id, state.get("document_id"), state.get("code", ""),
                         state.get("start"), state.get("end")))
    return rows


def _code_path(session: Session, code_id: int | None) -> str | None:
    code = session.get(Code, code_id) if code_id is not None else None
    return code.path if code is not None else None


def changes_since(session: Session, project_id: int, since: dt.datetime | None, *, document_id: int | None = None,
                  code_id: int | None = None) -> pd.DataFrame:
    """What was done to a document's codings (or to a code and its codings) after ``since``
    (all of it when ``since`` is None), from the audit trail, oldest first. Review marks
    themselves are not changes."""
    if (document_id is None) == (code_id is None):
        raise ValidationError("error.review_target")
    rows = _touching(_events(session, project_id, since), since, document_id, code_id, _code_path(session, code_id))
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def review_state(session: Session, project_id: int) -> pd.DataFrame:
    """One row per reviewed target: its latest mark (status, comment, reviewer, assignee, when)
    and ``changes``, the number of audited changes to it since that mark."""
    history = review_history(session, project_id)
    if history.empty:
        return pd.DataFrame(columns=STATE_COLUMNS)
    latest = history.groupby(["target", "document_id", "code_id"], dropna=False, sort=False).tail(1)
    assignees = dict(session.execute(select(ReviewMark.id, ReviewMark.assignee_id)
                                     .where(ReviewMark.project_id == project_id)).all())
    events = _events(session, project_id, min(latest["at"]).to_pydatetime())  # read once for every target
    rows = []
    for row in latest.itertuples():
        doc, code = row.document_id, row.code_id
        changes = _touching(events, row.at.to_pydatetime(), doc, code, _code_path(session, code))
        rows.append((row.mark_id, row.target, doc, code, row.name, row.status, row.comment, row.author,
                     assignees.get(row.mark_id), row.assignee, row.at, len(changes)))
    table = pd.DataFrame(rows, columns=STATE_COLUMNS).sort_values("at", ascending=False).reset_index(drop=True)
    return _ids_or_none(table, ["document_id", "code_id", "assignee_id"])


def _ids_or_none(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Id columns as ints or None (not floats with NaN), so a row's ids can go back to a service."""
    for column in columns:
        table[column] = pd.Series([None if pd.isna(v) else int(v) for v in table[column]], index=table.index,
                                  dtype=object)
    return table


def awaiting(session: Session, project_id: int, user_id: int) -> pd.DataFrame:
    """The change requests waiting for ``user_id``: targets whose latest mark asks for changes
    and is addressed to them, or to nobody in particular when they coded that document or code."""
    state = review_state(session, project_id)
    if state.empty:
        return state
    open_requests = state[state["status"] == "changes_requested"]
    coded_docs = set(session.scalars(
        select(Segment.document_id).join(Coding, Coding.segment_id == Segment.id).where(Coding.coder_id == user_id)))
    coded_codes = set(session.scalars(select(Coding.code_id).where(Coding.coder_id == user_id)))
    mine = []
    for row in open_requests.itertuples():
        if row.assignee_id is not None:
            mine.append(int(row.assignee_id) == user_id)
        elif row.target == "document":
            mine.append(row.document_id in coded_docs)
        else:
            mine.append(row.code_id in coded_codes)
    return open_requests[mine].reset_index(drop=True)
