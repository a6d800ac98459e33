"""The schema: one class per table, plural snake_case table names.

This module is the single place the schema is described. It moves only by Alembic migration
(``migrations/``); ``tests/test_migrations.py`` proves that upgrading an empty database gives
exactly these models.

Offsets (``Segment.start``/``Segment.end``, ``Turn.start``/``Turn.end``) are Python string
indices (Unicode code points) into ``Document.text``, end exclusive.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    column_property,
    deferred,
    mapped_column,
    relationship,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("owner", "researcher", "supervisor")
DOCUMENT_KINDS = ("interview", "observation", "document")
STAKEHOLDER_GROUPS = ("pemerintah", "swasta", "masyarakat", "akademisi", "media")


def new_guid() -> str:
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dt.datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


case_documents = Table(
    "case_documents",
    Base.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
)


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # The project's own list of stakeholder groups; NULL means the standard penta-helix list.
    stakeholder_groups: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def groups(self) -> list[str]:
        return list(self.stakeholder_groups or STAKEHOLDER_GROUPS)

    documents: Mapped[list[Document]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )
    codebooks: Mapped[list[Codebook]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )
    members: Mapped[list[ProjectMember]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.name!r}>"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    # Empty until accounts are switched on (single-user mode needs no password).
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.login!r}>"


class ProjectMember(Base):
    __tablename__ = "project_members"
    __table_args__ = (CheckConstraint("role IN ('owner', 'researcher', 'supervisor')", name="role"),)

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))

    project: Mapped[Project] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ProjectMember project={self.project_id} user={self.user_id} {self.role}>"


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("project_id", "checksum"),
        CheckConstraint("kind IN ('interview', 'observation', 'document')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="interview")
    # Normalised (NFC, LF, no BOM, no NUL); frozen once it carries codings.
    text: Mapped[str] = deferred(mapped_column(Text))
    length: Mapped[int] = mapped_column(Integer, default=0)
    checksum: Mapped[str] = mapped_column(String(64))
    original_filename: Mapped[str] = mapped_column(String(500), default="")
    language: Mapped[str] = mapped_column(String(20), default="id")
    # The speaker label the researcher confirmed as the interviewer ("P", "Peneliti", ...).
    interviewer_label: Mapped[str | None] = mapped_column(String(80), default=None)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    if TYPE_CHECKING:  # a column_property assigned at the end of the module, once Coding exists
        coding_count: Mapped[int]

    project: Mapped[Project] = relationship(back_populates="documents")
    cases: Mapped[list[Case]] = relationship(secondary=case_documents, back_populates="documents")
    segments: Mapped[list[Segment]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
    turns: Mapped[list[Turn]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Turn.start",
    )

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.title!r}>"


class Turn(Base):
    """A speaker turn: the span of one speaker's contribution, with its label and timestamp."""

    __tablename__ = "turns"
    __table_args__ = (
        CheckConstraint("start >= 0 AND start < \"end\"", name="span"),
        UniqueConstraint("document_id", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    # Where the spoken words begin (after the label and timestamp).
    text_start: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(80), default="")
    is_interviewer: Mapped[bool] = mapped_column(Boolean, default=False)
    timestamp: Mapped[str | None] = mapped_column(String(20), default=None)

    document: Mapped[Document] = relationship(back_populates="turns")

    def __repr__(self) -> str:
        return f"<Turn {self.document_id}#{self.number} {self.speaker!r} {self.start}:{self.end}>"


class Case(Base):
    """An informant (or other unit of analysis) with the metadata analysis groups by."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("project_id", "pseudonym"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(200))
    stakeholder_group: Mapped[str] = mapped_column(String(80), default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[str] = mapped_column(String(300), default="")
    interview_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    interview_place: Mapped[str] = mapped_column(String(300), default="")
    # Free typed attributes: {"name": {"type": "text|number|date|boolean", "value": ...}}.
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    documents: Mapped[list[Document]] = relationship(secondary=case_documents, back_populates="cases")

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.pseudonym!r}>"


class Codebook(Base):
    __tablename__ = "codebooks"
    __table_args__ = (UniqueConstraint("project_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    version: Mapped[str] = mapped_column(String(50), default="")
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(20), default="id")
    description: Mapped[str] = mapped_column(Text, default="")
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The YAML's ``meta:`` section (directions, never_suggested, cross_framework_factors); NULL: none.
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    project: Mapped[Project] = relationship(back_populates="codebooks")
    codes: Mapped[list[Code]] = relationship(back_populates="codebook", order_by="Code.path")

    def __repr__(self) -> str:
        return f"<Codebook {self.id} {self.key!r}>"


class Code(Base):
    """A code. The hierarchy is the ``path`` (ids joined by ``/``), unique per project."""

    __tablename__ = "codes"
    __table_args__ = (
        UniqueConstraint("project_id", "path"),
        UniqueConstraint("project_id", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    # NULL for the project's own inductive (in vivo) codes.
    codebook_id: Mapped[int | None] = mapped_column(
        ForeignKey("codebooks.id", ondelete="SET NULL"), index=True, default=None
    )
    key: Mapped[str] = mapped_column(String(100))
    path: Mapped[str] = mapped_column(String(1000))
    name_id: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    colour: Mapped[str] = mapped_column(String(7), default="#999999")
    definition: Mapped[str] = mapped_column(Text, default="")
    inclusion: Mapped[str] = mapped_column(Text, default="")
    exclusion: Mapped[str] = mapped_column(Text, default="")
    examples: Mapped[list[str]] = mapped_column(JSON, default=list)
    indicators: Mapped[list[str]] = mapped_column(JSON, default=list)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    if TYPE_CHECKING:  # a column_property assigned at the end of the module, once Coding exists
        coding_count: Mapped[int]

    codebook: Mapped[Codebook | None] = relationship(back_populates="codes")

    @property
    def parent_path(self) -> str | None:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else None

    @property
    def depth(self) -> int:
        return self.path.count("/")

    def label(self, lang: str = "id") -> str:
        """The name in ``lang`` (one rule for every reader: :func:`qualcode.read.codes.label`)."""
        from qualcode.read.codes import label

        return label(self.name_id, self.name_en, self.key, lang)

    def __repr__(self) -> str:
        return f"<Code {self.id} {self.path!r}>"


class Segment(Base):
    """A span of a document's text. One span can carry several codes from several coders."""

    __tablename__ = "segments"
    __table_args__ = (
        CheckConstraint("start >= 0 AND start < \"end\"", name="span"),
        UniqueConstraint("document_id", "start", "end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    snippet: Mapped[str] = mapped_column(Text)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(back_populates="segments")
    codings: Mapped[list[Coding]] = relationship(
        back_populates="segment", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Segment {self.id} doc={self.document_id} {self.start}:{self.end}>"


class Coding(Base):
    """One code applied to one segment by one coder."""

    __tablename__ = "codings"
    __table_args__ = (UniqueConstraint("segment_id", "code_id", "coder_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    segment: Mapped[Segment] = relationship(back_populates="codings")
    code: Mapped[Code] = relationship()
    coder: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Coding {self.id} seg={self.segment_id} code={self.code_id} by={self.coder_id}>"


class Memo(Base):
    """A memo on the project, a document, a code or a segment (at most one target)."""

    __tablename__ = "memos"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN document_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN code_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN segment_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name="one_target",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True, default=None
    )
    code_id: Mapped[int | None] = mapped_column(
        ForeignKey("codes.id", ondelete="CASCADE"), index=True, default=None
    )
    segment_id: Mapped[int | None] = mapped_column(
        ForeignKey("segments.id", ondelete="CASCADE"), index=True, default=None
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    author: Mapped[User] = relationship()

    @property
    def target(self) -> str:
        if self.segment_id is not None:
            return "segment"
        if self.code_id is not None:
            return "code"
        if self.document_id is not None:
            return "document"
        return "project"

    def __repr__(self) -> str:
        return f"<Memo {self.id} on {self.target}>"


class AuditEvent(Base):
    """Who did what, when, with the before and after of the change."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True, default=None
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    action: Mapped[str] = mapped_column(String(80), index=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer, default=None)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.entity_type}:{self.entity_id}>"


# Counts for listing pages, as correlated subqueries (no N+1, no loading of document text).
Document.coding_count = column_property(
    select(func.count(Coding.id))
    .join(Segment, Coding.segment_id == Segment.id)
    .where(Segment.document_id == Document.id)
    .correlate_except(Coding, Segment)
    .scalar_subquery(),
    deferred=True,
)
Code.coding_count = column_property(
    select(func.count(Coding.id)).where(Coding.code_id == Code.id).correlate_except(Coding).scalar_subquery(),
    deferred=True,
)
