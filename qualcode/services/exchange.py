"""Project exchange with the database: export a project as ``.qdpx`` / a codebook as ``.qdc``,
and import a ``.qdpx`` into a new project as one user action (the caller owns the transaction,
so a refused file leaves nothing behind)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, undefer

from qualcode.codebooks import CodeSpec
from qualcode.errors import ImportFileError, NotFoundError
from qualcode.exchange import snake_id
from qualcode.exchange.qdc import codebook_to_qdc
from qualcode.exchange.qdpx import (
    QCase,
    QCodebook,
    QCoding,
    QdpxProject,
    QNote,
    QSelection,
    QSource,
    QUser,
    code_spec,
    read_qdpx,
    write_qdpx,
)
from qualcode.models import Case, Code, Codebook, Coding, Document, Memo, Project, Segment, User, case_documents, utcnow
from qualcode.services import audit
from qualcode.services import projects as project_service
from qualcode.services.auth import require
from qualcode.services.codebooks import codebook_spec
from qualcode.services.imports import store_turns
from qualcode.text import checksum, snippet

Progress = Callable[[float, str], None]


def _quiet(_fraction: float, _label: str) -> None:
    return None


# ---------------------------------------------------------------- export


def _code_tree(codes: list[Code], notes: dict[int, list[str]]) -> tuple[list[CodeSpec], dict[int, CodeSpec]]:
    nodes: dict[str, CodeSpec] = {}
    by_id: dict[int, CodeSpec] = {}
    roots: list[CodeSpec] = []
    for code in sorted(codes, key=lambda c: (c.depth, c.sort_order, c.path)):
        node = code_spec(code.key, code.name_id, code.name_en, code.colour, code.guid, definition=code.definition,
                         inclusion=code.inclusion, exclusion=code.exclusion, examples=code.examples,
                         indicators=code.indicators)
        nodes[code.path] = node
        by_id[code.id] = node
        parent = nodes.get(code.parent_path) if code.parent_path else None
        (parent.children if parent is not None else roots).append(node)
    return roots, by_id


def project_exchange(session: Session, project_id: int) -> QdpxProject:
    """The project as the exchange model: users, codes, codebooks, cases, documents, codings, memos."""
    project = project_service.get_project(session, project_id)
    users: dict[int, User] = {u.id: u for u, _ in project_service.members(session, project_id)}
    codes = list(session.scalars(select(Code).where(Code.project_id == project_id)))
    code_guid = {c.id: c.guid for c in codes}
    roots, _ = _code_tree(codes, {})
    books = []
    for book in session.scalars(select(Codebook).where(Codebook.project_id == project_id).order_by(Codebook.key)):
        books.append(QCodebook(guid=book.guid, key=book.key, name=book.name, version=book.version,
                               authors=list(book.authors), source=book.source, language=book.language,
                               description=book.description,
                               code_guids=[c.guid for c in sorted(codes, key=lambda c: c.path) if c.codebook_id == book.id]))
    documents = list(session.scalars(select(Document).where(Document.project_id == project_id)
                                     .options(undefer(Document.text)).order_by(Document.id)))
    doc_guid = {d.id: d.guid for d in documents}
    sources = {d.id: QSource(guid=d.guid, name=d.title, text=d.text, kind=d.kind, language=d.language,
                             interviewer=d.interviewer_label, created=d.imported_at) for d in documents}
    selections: dict[int, QSelection] = {}
    seg_rows = session.execute(
        select(Segment.id, Segment.document_id, Segment.start, Segment.end, Segment.guid, Segment.created_at)
        .join(Document, Document.id == Segment.document_id).where(Document.project_id == project_id)
        .order_by(Segment.document_id, Segment.start, Segment.end))
    for seg_id, doc_id, start, end, guid, created in seg_rows:
        selection = QSelection(guid=guid, start=start, end=end, created=created)
        selections[seg_id] = selection
        sources[doc_id].selections.append(selection)
    coder_ids: set[int] = set()
    coding_rows = session.execute(
        select(Coding.segment_id, Coding.code_id, Coding.coder_id, Coding.guid, Coding.created_at)
        .join(Segment, Segment.id == Coding.segment_id).join(Document, Document.id == Segment.document_id)
        .where(Document.project_id == project_id).order_by(Coding.id))
    user_guid: dict[int, str] = {u.id: u.guid for u in users.values()}
    pending: list[tuple[QSelection, QCoding, int]] = []
    for seg_id, code_id, coder_id, guid, created in coding_rows:
        coding = QCoding(guid=guid, code_guid=code_guid[code_id], created=created)
        selections[seg_id].codings.append(coding)
        pending.append((selections[seg_id], coding, coder_id))
        coder_ids.add(coder_id)
    memos = list(session.scalars(select(Memo).where(Memo.project_id == project_id).order_by(Memo.id)))
    coder_ids |= {m.author_id for m in memos}
    for user in session.scalars(select(User).where(User.id.in_(coder_ids - set(users)))):
        users[user.id] = user
        user_guid[user.id] = user.guid
    for selection, coding, coder_id in pending:
        coding.user_guid = user_guid[coder_id]
        selection.user_guid = selection.user_guid or coding.user_guid
    seg_guid = {sid: s.guid for sid, s in selections.items()}
    notes = []
    for memo in memos:
        target, target_guid = "project", None
        if memo.segment_id is not None:
            target, target_guid = "selection", seg_guid.get(memo.segment_id)
        elif memo.code_id is not None:
            target, target_guid = "code", code_guid.get(memo.code_id)
        elif memo.document_id is not None:
            target, target_guid = "source", doc_guid.get(memo.document_id)
        notes.append(QNote(guid=memo.guid, title=memo.title, body=memo.body, author_guid=user_guid[memo.author_id],
                           target=target, target_guid=target_guid, created=memo.created_at))
    cases = []
    links: dict[int, list[str]] = {}
    for case_id, document_id in session.execute(
            select(case_documents.c.case_id, case_documents.c.document_id)
            .join(Case, Case.id == case_documents.c.case_id).where(Case.project_id == project_id)):
        links.setdefault(case_id, []).append(doc_guid[document_id])
    for case in session.scalars(select(Case).where(Case.project_id == project_id).order_by(Case.pseudonym)):
        fields = {"stakeholder_group": case.stakeholder_group, "organisation": case.organisation,
                  "position": case.position, "interview_date": case.interview_date,
                  "interview_place": case.interview_place}
        cases.append(QCase(guid=case.guid, name=case.pseudonym, fields=fields, attributes=dict(case.attributes or {}),
                           source_guids=sorted(links.get(case.id, []))))
    return QdpxProject(
        name=project.name, description=project.description,
        users=[QUser(guid=u.guid, name=u.display_name, login=u.login) for u in sorted(users.values(), key=lambda u: u.id)],
        codes=roots, codebooks=books, cases=cases, sources=[sources[d.id] for d in documents], notes=notes)


def export_project(session: Session, project_id: int, *, actor_id: int) -> bytes:
    """The project as a ``.qdpx`` file (bytes)."""
    require(session, project_id, actor_id, "project.read")
    return write_qdpx(project_exchange(session, project_id))


def export_codebook(session: Session, codebook_id: int, *, actor_id: int) -> bytes:
    """One codebook as a REFI-QDA ``.qdc`` file (bytes)."""
    book = session.get(Codebook, codebook_id)
    if book is None:
        raise NotFoundError("error.codebook_not_found", codebook=codebook_id)
    require(session, book.project_id, actor_id, "project.read")
    return codebook_to_qdc(codebook_spec(session, codebook_id, with_guids=True))


# ---------------------------------------------------------------- import


@dataclass
class QdpxImport:
    """What an import did, for the page and the command line."""

    project_id: int
    project_name: str
    origin: str
    counts: dict[str, int] = field(default_factory=dict)
    skipped_sources: list[str] = field(default_factory=list)
    duplicate_sources: list[str] = field(default_factory=list)
    dropped_selections: int = 0
    dropped_codings: int = 0
    counting: dict[str, str] = field(default_factory=dict)  # source name -> how its positions were counted


def _taken(session: Session, column: object, guids: Iterable[str]) -> set[str]:
    wanted = list(dict.fromkeys(g for g in guids if g))
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        found |= set(session.scalars(select(column).where(column.in_(wanted[i:i + 500]))))  # type: ignore[attr-defined]
    return found


def _guid(wanted: str | None, taken: set[str]) -> str:
    return wanted if wanted and wanted not in taken else str(uuid.uuid4())


_LOGIN_BAD = re.compile(r"[^a-z0-9._-]+")


def _login(session: Session, user: QUser, used: set[str]) -> str:
    base = _LOGIN_BAD.sub("-", snake_id(user.login or user.name or "coder", "coder").replace("_", "-")).strip("-._")
    base = (base or "coder")[:70]
    if len(base) < 2:
        base = f"{base}-user"
    candidate, n = base, 1
    while candidate in used or project_service.get_user_by_login(session, candidate) is not None:
        n += 1
        candidate = f"{base}-{n}"
    used.add(candidate)
    return candidate


def _import_users(session: Session, project_id: int, users: list[QUser], actor_id: int) -> dict[str, int]:
    by_guid: dict[str, int] = {}
    used: set[str] = set()
    for qu in users:
        existing = session.scalar(select(User).where(User.guid == qu.guid))
        if existing is None:
            existing = project_service.create_user(session, _login(session, qu, used), (qu.name or qu.login)[:200])
            existing.guid = qu.guid
        by_guid[qu.guid] = existing.id
        if existing.id != actor_id:
            project_service.set_member(session, project_id, existing.id, "researcher", actor_id=actor_id)
    session.flush()
    return by_guid


def _import_codes(session: Session, project_id: int, spec: QdpxProject) -> dict[str, int]:
    member_of: dict[str, QCodebook] = {}
    books: dict[str, Codebook] = {}
    taken_books = _taken(session, Codebook.guid, [b.guid for b in spec.codebooks])
    used_keys: set[str] = set()
    for qb in spec.codebooks:
        key, n = qb.key, 1
        while key in used_keys:
            n += 1
            key = f"{qb.key}_{n}"
        used_keys.add(key)
        book = Codebook(project_id=project_id, key=key, name=qb.name, version=qb.version, authors=qb.authors,
                        source=qb.source, language=qb.language, description=qb.description,
                        guid=_guid(qb.guid, taken_books))
        session.add(book)
        books[qb.guid] = book
        for guid in qb.code_guids:
            member_of.setdefault(guid, qb)
    session.flush()
    flat: list[tuple[str, CodeSpec, int]] = []

    def walk(codes: list[CodeSpec], prefix: str) -> None:
        for position, code in enumerate(codes):
            path = f"{prefix}/{code.id}" if prefix else code.id
            flat.append((path, code, position))
            walk(code.children, path)

    walk(spec.codes, "")
    taken = _taken(session, Code.guid, [c.guid or "" for _, c, _ in flat])
    by_guid: dict[str, Code] = {}
    for path, code, position in flat:
        book = member_of.get(code.guid or "")
        row = Code(project_id=project_id, codebook_id=books[book.guid].id if book else None, key=code.id, path=path,
                   name_id=code.name.id[:300], name_en=code.name.en[:300], colour=code.colour, definition=code.definition,
                   inclusion=code.inclusion, exclusion=code.exclusion, examples=list(code.examples),
                   indicators=list(code.indicators), sort_order=position, guid=_guid(code.guid, taken))
        session.add(row)
        if code.guid:
            by_guid[code.guid] = row
    session.flush()
    return {guid: row.id for guid, row in by_guid.items()}


def import_project(session: Session, data: bytes, filename: str, *, actor_id: int, name: str | None = None,
                   progress: Progress = _quiet) -> QdpxImport:
    """Import a ``.qdpx`` into a new project named ``name`` (default: the project's own name).

    The acting user owns the new project; the file's users are kept (matched by GUID, otherwise
    created) and become researchers in it, each with their own codings.
    """
    progress(0.0, filename)
    spec = read_qdpx(data, filename)
    project_name = (name or spec.name or Path(filename).stem).strip()
    project = project_service.create_project(session, project_name, owner_id=actor_id, description=spec.description)
    result = QdpxImport(project_id=project.id, project_name=project.name, origin=spec.origin,
                        skipped_sources=list(spec.skipped_sources), dropped_selections=spec.dropped_selections)
    progress(0.1, "users")
    users = _import_users(session, project.id, spec.users, actor_id)
    progress(0.15, "codes")
    codes = _import_codes(session, project.id, spec)
    documents: dict[str, Document] = {}
    by_checksum: dict[str, Document] = {}
    taken_docs = _taken(session, Document.guid, [s.guid for s in spec.sources])
    seg_of_selection: dict[str, int] = {}
    coding_count = segment_count = 0
    for number, source in enumerate(spec.sources):
        progress(0.2 + 0.6 * number / max(1, len(spec.sources)), source.name)
        result.counting[source.name] = source.counting
        if not source.text.strip():
            result.skipped_sources.append(source.name)
            continue
        digest = checksum(source.text)
        document = by_checksum.get(digest)
        if document is not None:
            result.duplicate_sources.append(source.name)
        else:
            document = Document(project_id=project.id, title=source.name[:300] or "source", kind=source.kind,
                                text=source.text, length=len(source.text), checksum=digest,
                                original_filename=f"{source.guid}.txt", language=source.language,
                                guid=_guid(source.guid, taken_docs))
            session.add(document)
            session.flush()
            store_turns(session, document, source.interviewer)
            by_checksum[digest] = document
        documents[source.guid] = document
        spans: dict[tuple[int, int], QSelection] = {}
        for selection in source.selections:
            first = spans.setdefault((selection.start, selection.end), selection)
            if first is not selection:
                first.codings.extend(selection.codings)
        existing = {(s, e): i for s, e, i in session.execute(
            select(Segment.start, Segment.end, Segment.id).where(Segment.document_id == document.id))}
        taken_segs = _taken(session, Segment.guid, [s.guid for s in spans.values()])
        new = [(key, sel) for key, sel in spans.items() if key not in existing]
        if new:
            rows = [{"document_id": document.id, "start": s, "end": e, "snippet": snippet(source.text, s, e),
                     "guid": _guid(sel.guid, taken_segs), "created_at": sel.created or utcnow()} for (s, e), sel in new]
            ids = session.scalars(insert(Segment).returning(Segment.id, sort_by_parameter_order=True), rows).all()
            existing.update({key: seg_id for (key, _), seg_id in zip(new, ids, strict=True)})
            segment_count += len(new)
        for selection in source.selections:
            seg_of_selection[selection.guid] = existing[(selection.start, selection.end)]
        coding_rows: dict[tuple[int, int, int], dict[str, object]] = {}
        for key, selection in spans.items():
            for coding in selection.codings:
                code_id = codes.get(coding.code_guid)
                if code_id is None:
                    result.dropped_codings += 1
                    continue
                coder_id = users.get(coding.user_guid or "", actor_id)
                when = coding.created or utcnow()
                coding_rows.setdefault((existing[key], code_id, coder_id), {
                    "segment_id": existing[key], "code_id": code_id, "coder_id": coder_id, "guid": coding.guid,
                    "created_at": when, "updated_at": when})
        if coding_rows:
            taken_codings = _taken(session, Coding.guid, [str(r["guid"]) for r in coding_rows.values()])
            for row in coding_rows.values():
                row["guid"] = _guid(str(row["guid"]), taken_codings)
            session.execute(insert(Coding), list(coding_rows.values()))
            coding_count += len(coding_rows)
    progress(0.85, "cases")
    _import_cases(session, project, spec.cases, documents)
    progress(0.9, "memos")
    code_ids = codes
    taken_memos = _taken(session, Memo.guid, [n.guid for n in spec.notes])
    for note in spec.notes:
        memo = Memo(project_id=project.id, author_id=users.get(note.author_guid or "", actor_id), title=note.title[:300],
                    body=note.body, guid=_guid(note.guid, taken_memos))
        if note.created:
            memo.created_at = note.created
        target = note.target_guid or ""
        if note.target == "selection" and target in seg_of_selection:
            memo.segment_id = seg_of_selection[target]
        elif note.target == "code" and target in code_ids:
            memo.code_id = code_ids[target]
        elif note.target == "source" and target in documents:
            memo.document_id = documents[target].id
        session.add(memo)
    session.flush()
    result.counts = {"users": len(users), "codes": len(codes), "documents": len(by_checksum), "segments": segment_count,
                     "codings": coding_count, "cases": len(spec.cases), "memos": len(spec.notes)}
    audit.record(session, action="project.import_qdpx", entity_type="project", entity_id=project.id,
                 project_id=project.id, user_id=actor_id,
                 after={"file": filename, "origin": spec.origin, **result.counts,
                        "skipped_sources": result.skipped_sources, "dropped_selections": result.dropped_selections})
    progress(1.0, "")
    return result


def _import_cases(session: Session, project: Project, cases: list[QCase], documents: dict[str, Document]) -> None:
    taken = _taken(session, Case.guid, [c.guid for c in cases])
    names: set[str] = set()
    groups = project.groups
    for number, qc in enumerate(cases, start=1):
        base = (qc.name or f"Case {number}")[:190]
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base} ({n})"
        names.add(name)
        group = str(qc.fields.get("stakeholder_group") or "")
        if group and group not in groups:
            groups = [*groups, group]
            project.stakeholder_groups = groups
        case = Case(project_id=project.id, pseudonym=name, stakeholder_group=group,
                    organisation=str(qc.fields.get("organisation") or ""), position=str(qc.fields.get("position") or ""),
                    interview_date=qc.fields.get("interview_date") or None,
                    interview_place=str(qc.fields.get("interview_place") or ""), attributes=dict(qc.attributes),
                    guid=_guid(qc.guid, taken))
        case.documents = list({documents[g].id: documents[g] for g in qc.source_guids if g in documents}.values())
        session.add(case)
    session.flush()


def read_file(path: str | Path) -> tuple[str, bytes]:
    """A file's name and bytes, refused with a clear message when it cannot be read."""
    file = Path(path)
    try:
        return file.name, file.read_bytes()
    except OSError as exc:
        raise ImportFileError("export.unreadable", file=file.name, problem=exc.strerror or str(exc))
