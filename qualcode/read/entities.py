"""Lists and lookups the pages and the CLI read (ORM objects or plain values): projects and their
members, users, documents, cases, codebooks (also as a spec for export), codes, codings, memos and
the analysis records (pattern codes, summary sheets, conclusion history).

These used to live in ``qualcode.services``; the services are now the write side only.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.analysis.tables import ConclusionChange, PatternCode, SummarySheet
from qualcode.codebooks import FORMAT, CodebookMeta, CodebookSpec, CodebookUse, CodeNames, CodeSpec
from qualcode.errors import NotFoundError
from qualcode.models import Case, Code, Codebook, Coding, Document, Memo, Project, ProjectMember, Segment, User


def list_projects(session: Session) -> list[Project]:
    return list(session.scalars(select(Project).order_by(func.lower(Project.name))))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(func.lower(User.display_name))))


def members(session: Session, project_id: int) -> list[tuple[User, str]]:
    rows = session.execute(
        select(User, ProjectMember.role)
        .join(ProjectMember, ProjectMember.user_id == User.id)
        .where(ProjectMember.project_id == project_id)
        .order_by(func.lower(User.display_name))
    )
    return [(user, role) for user, role in rows]


def project_owner(session: Session, project_id: int) -> User | None:
    """The project's (first) owner: the actor for commands run on its behalf."""
    return next((user for user, role in members(session, project_id) if role == "owner"), None)


def list_documents(session: Session, project_id: int) -> list[Document]:
    return list(
        session.scalars(select(Document).where(Document.project_id == project_id).order_by(Document.title))
    )


def list_cases(session: Session, project_id: int) -> list[Case]:
    return list(session.scalars(select(Case).where(Case.project_id == project_id).order_by(Case.pseudonym)))


def list_codebooks(session: Session, project_id: int) -> list[Codebook]:
    return list(session.scalars(select(Codebook).where(Codebook.project_id == project_id).order_by(Codebook.key)))


def codebook_spec(session: Session, codebook_id: int, *, with_guids: bool = False) -> CodebookSpec:
    """The codebook as stored, in the YAML format's shape (for export and round trips).

    ``with_guids`` fills the codebook's and codes' GUIDs (for REFI-QDA exchange)."""
    book = session.get(Codebook, codebook_id)
    if book is None:
        raise NotFoundError("error.codebook_not_found", codebook=codebook_id)
    codes = list(
        session.scalars(select(Code).where(Code.codebook_id == book.id).order_by(Code.sort_order, Code.path))
    )
    nodes: dict[str, CodeSpec] = {}
    roots: list[CodeSpec] = []
    for code in sorted(codes, key=lambda c: (c.depth, c.sort_order, c.path)):
        node = CodeSpec(
            id=code.key,
            name=CodeNames(id=code.name_id, en=code.name_en or code.name_id),
            colour=code.colour,
            definition=code.definition,
            inclusion=code.inclusion,
            exclusion=code.exclusion,
            examples=list(code.examples),
            indicators=list(code.indicators),
            guid=code.guid if with_guids else None,
        )
        nodes[code.path] = node
        parent = nodes.get(code.parent_path) if code.parent_path else None
        (parent.children if parent is not None else roots).append(node)
    meta = CodebookMeta(
        id=book.key,
        name=book.name,
        version=book.version,
        authors=list(book.authors),
        source=book.source,
        language=book.language,
        description=book.description,
        guid=book.guid if with_guids else None,
    )
    return CodebookSpec(format=FORMAT, codebook=meta, meta=CodebookUse.model_validate(book.meta or {}), codes=roots)


def coding_count(session: Session, code_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Coding).where(Coding.code_id == code_id)) or 0


def codings_for_document(session: Session, document_id: int) -> list[Coding]:
    return list(
        session.scalars(
            select(Coding)
            .join(Segment, Coding.segment_id == Segment.id)
            .where(Segment.document_id == document_id)
            .order_by(Segment.start, Segment.end, Coding.id)
        )
    )


def list_memos(session: Session, project_id: int) -> list[Memo]:
    return list(session.scalars(select(Memo).where(Memo.project_id == project_id).order_by(Memo.updated_at.desc())))


def memos_for_segments(session: Session, segment_ids: list[int]) -> list[Memo]:
    if not segment_ids:
        return []
    return list(session.scalars(select(Memo).where(Memo.segment_id.in_(segment_ids)).order_by(Memo.created_at)))


def list_pattern_codes(session: Session, project_id: int) -> list[PatternCode]:
    return list(session.scalars(select(PatternCode).where(PatternCode.project_id == project_id).order_by(PatternCode.name)))


def summary_sheet(session: Session, document_id: int) -> SummarySheet | None:
    """The contact summary sheet of a document, if one was written."""
    return session.scalar(select(SummarySheet).where(SummarySheet.document_id == document_id))


def conclusion_history(session: Session, conclusion_id: int) -> list[ConclusionChange]:
    """Every change of a conclusion's status or statement, oldest first."""
    return list(session.scalars(select(ConclusionChange).where(ConclusionChange.conclusion_id == conclusion_id)
                                .order_by(ConclusionChange.at, ConclusionChange.id)))
