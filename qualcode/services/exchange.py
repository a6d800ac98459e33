"""Project exchange with the database: export a project as ``.qdpx`` / a codebook as ``.qdc``,
and import a ``.qdpx`` into a new project as one user action (the caller owns the transaction,
so a refused file leaves nothing behind)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from qualcode.codebooks import CodeSpec
from qualcode.config import get_settings
from qualcode.errors import ImportFileError, NotFoundError, PermissionDenied
from qualcode.exchange import snake_id
from qualcode.exchange.qdc import codebook_to_qdc
from qualcode.exchange.qdpx import (
    DroppedMeta,
    DroppedSelection,
    QCase,
    QCodebook,
    QCoding,
    QdpxProject,
    QNote,
    QSelection,
    QSource,
    QUser,
    SkippedSource,
    code_spec,
    write_qdpx,
)
from qualcode.exchange.qdpx_reader import read_qdpx
from qualcode.i18n import t
from qualcode.models import Case, Code, Codebook, Coding, Document, Memo, Project, ProjectMember, Segment, User, case_documents
from qualcode.read import entities as read_entities
from qualcode.services import audit, guids
from qualcode.services import codings as coding_service
from qualcode.services import documents as document_service
from qualcode.services import projects as project_service
from qualcode.services.auth import require
from qualcode.services.codebooks import codebook_spec
from qualcode.services.codings import SpanCoding
from qualcode.services.documents import NewDocument
from qualcode.services.imports import store_turns

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
    users: dict[int, User] = {u.id: u for u, _ in read_entities.members(session, project_id)}
    codes = list(session.scalars(select(Code).where(Code.project_id == project_id)))
    code_guid = {c.id: c.guid for c in codes}
    roots, _ = _code_tree(codes, {})
    books = []
    for book in session.scalars(select(Codebook).where(Codebook.project_id == project_id).order_by(Codebook.key)):
        books.append(QCodebook(guid=book.guid, key=book.key, name=book.name, version=book.version,
                               authors=list(book.authors), source=book.source, language=book.language,
                               description=book.description, meta=dict(book.meta or {}),
                               code_guids=[c.guid for c in sorted(codes, key=lambda c: c.path) if c.codebook_id == book.id]))
    documents = list(session.scalars(select(Document).where(Document.project_id == project_id)
                                     .options(undefer(Document.text)).order_by(Document.id)))
    doc_guid = {d.id: d.guid for d in documents}
    sources = {d.id: QSource(guid=d.guid, name=d.title, text=d.text, kind=d.kind, language=d.language,
                             interviewer=d.interviewer_label, filename=d.original_filename, created=d.imported_at)
               for d in documents}
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


def export_project(session: Session, project_id: int, *, actor_id: int, profile: str = "standard") -> bytes:
    """The project as a ``.qdpx`` file (bytes), written for ``profile`` (``standard``, ``nvivo``,
    ``atlasti``, ``maxqda``: see ``qualcode.exchange.positions.PROFILES``)."""
    require(session, project_id, actor_id, "project.read")
    return write_qdpx(project_exchange(session, project_id), profile)


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
    """What an import did, for the page and the command line (:func:`report_lines` words it)."""

    project_id: int
    project_name: str
    origin: str
    filename: str = ""
    qde_name: str = "project.qde"
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[SkippedSource] = field(default_factory=list)
    dropped: list[DroppedSelection] = field(default_factory=list)
    duplicate_sources: list[str] = field(default_factory=list)
    dropped_codings: int = 0  # codings whose code is not in the file
    fresh_guids: dict[str, int] = field(default_factory=dict)
    description_memos: int = 0
    counting: dict[str, str] = field(default_factory=dict)  # source name -> how its positions were counted
    dropped_meta: list[DroppedMeta] = field(default_factory=list)  # codebook settings left out


MAX_USERS = 1_000
"""Most users (coders) one .qdpx may bring: each becomes a new coder identity."""


def may_import(session: Session, actor_id: int, *, accounts: bool) -> None:
    """With accounts on, only an administrator or the owner of a project may import into the server."""
    if not accounts:
        return
    user = session.get(User, actor_id)
    if user is None:
        raise NotFoundError("error.user_not_found", user_id=actor_id)
    owns = session.scalar(select(ProjectMember.project_id).where(ProjectMember.user_id == actor_id,
                                                                ProjectMember.role == "owner").limit(1))
    if not user.is_admin and owns is None:
        raise PermissionDenied("qdpx.import_forbidden", user=user.display_name)


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


def _import_users(session: Session, users: list[QUser], filename: str) -> dict[str, int]:
    """Each user of the file as a new coder identity: never an existing account, never a member."""
    if len(users) > MAX_USERS:
        raise ImportFileError("qdpx.too_many_users", file=filename, count=len(users), limit=MAX_USERS)
    by_guid: dict[str, int] = {}
    logins: set[str] = set()
    used = guids.taken(session, User.guid, [u.guid for u in users])
    for qu in users:
        user = project_service.create_user(session, _login(session, qu, logins), (qu.name or qu.login)[:200])
        user.guid = guids.claim(qu.guid, used)
        by_guid[qu.guid] = user.id
    session.flush()
    return by_guid


def _import_codes(session: Session, project_id: int, spec: QdpxProject) -> dict[str, int]:
    member_of: dict[str, QCodebook] = {}
    books: dict[str, Codebook] = {}
    used_books = guids.taken(session, Codebook.guid, [b.guid for b in spec.codebooks])
    used_keys: set[str] = set()
    for qb in spec.codebooks:
        key, n = qb.key, 1
        while key in used_keys:
            n += 1
            key = f"{qb.key}_{n}"
        used_keys.add(key)
        book = Codebook(project_id=project_id, key=key, name=qb.name, version=qb.version, authors=qb.authors,
                        source=qb.source, language=qb.language, description=qb.description, meta=qb.meta or None,
                        guid=guids.claim(qb.guid, used_books))
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
    used = guids.taken(session, Code.guid, [c.guid for _, c, _ in flat])
    by_guid: dict[str, Code] = {}
    for path, code, position in flat:
        member = member_of.get(code.guid or "")
        row = Code(project_id=project_id, codebook_id=books[member.guid].id if member else None, key=code.id, path=path,
                   name_id=code.name.id[:300], name_en=code.name.en[:300], colour=code.colour, definition=code.definition,
                   inclusion=code.inclusion, exclusion=code.exclusion, examples=list(code.examples),
                   indicators=list(code.indicators), sort_order=position, guid=guids.claim(code.guid, used))
        session.add(row)
        if code.guid:
            by_guid[code.guid] = row
    session.flush()
    return {guid: row.id for guid, row in by_guid.items()}


def _import_sources(session: Session, project_id: int, spec: QdpxProject, result: QdpxImport, *, actor_id: int,
                    users: dict[str, int], codes: dict[str, int], progress: Progress) -> tuple[dict[str, Document],
                                                                                              dict[str, int]]:
    """Documents through ``add_documents``, codings through ``add_codings``: the single writes' rules, in bulk."""
    added = document_service.add_documents(session, project_id, [
        NewDocument(title=source.name[:300] or "source", text=source.text, kind=source.kind,
                    original_filename=source.filename or f"{source.guid}.txt", language=source.language,
                    guid=source.guid)
        for source in spec.sources], actor_id=actor_id)
    documents: dict[str, Document] = {}
    seg_of_selection: dict[str, int] = {}
    memo_targets = {note.target_guid for note in spec.notes if note.target == "selection"}
    for number, (source, (document, new)) in enumerate(zip(spec.sources, added, strict=True)):
        progress(0.2 + 0.6 * number / max(1, len(spec.sources)), source.name)
        result.counting[source.name] = source.counting
        documents[source.guid] = document
        if not new:
            result.duplicate_sources.append(source.name)
        else:
            store_turns(session, document, source.interviewer)
        items = []
        for selection in source.selections:
            for coding in selection.codings:
                code_id = codes.get(coding.code_guid)
                if code_id is None:
                    result.dropped_codings += 1
                    continue
                items.append(SpanCoding(selection.start, selection.end, code_id,
                                        users.get(coding.user_guid or "", actor_id), guid=coding.guid,
                                        created_at=coding.created or selection.created, segment_guid=selection.guid,
                                        segment_created_at=selection.created))
        # a selection with a memo but no coding (an ATLAS.ti quotation with a comment) is still a segment
        with_memo = [(s.start, s.end) for s in source.selections if s.guid in memo_targets]
        done = coding_service.add_codings(session, document.id, items, actor_id=actor_id, spans=with_memo)
        result.counts["segments"] += done.new_segments
        result.counts["codings"] += done.codings
        for selection in source.selections:
            if (selection.start, selection.end) in done.segments:
                seg_of_selection[selection.guid] = done.segments[(selection.start, selection.end)]
    return documents, seg_of_selection


def import_project(session: Session, data: bytes, filename: str, *, actor_id: int, name: str | None = None,
                   progress: Progress = _quiet, accounts: bool | None = None) -> QdpxImport:
    """Import a ``.qdpx`` into a new project named ``name`` (default: the project's own name).

    The acting user owns the new project. The file's users become new coder identities, each with
    their own codings; they are not linked to existing accounts nor made members. What cannot be
    imported (sources outside the file or not text, selections outside their text) is listed in the
    result, everything else is imported. ``accounts`` (default: the server's setting): with accounts
    on, only an administrator or a project owner may import.
    """
    may_import(session, actor_id, accounts=get_settings().accounts if accounts is None else accounts)
    progress(0.0, filename)
    spec = read_qdpx(data, filename)
    project_name = (name or spec.name or Path(filename).stem).strip()
    project = project_service.create_project(session, project_name, owner_id=actor_id, description=spec.description)
    result = QdpxImport(project_id=project.id, project_name=project.name, origin=spec.origin, filename=filename,
                        qde_name=spec.qde_name,
                        skipped=list(spec.skipped), dropped=list(spec.dropped), fresh_guids=dict(spec.fresh_guids),
                        description_memos=spec.description_memos, dropped_meta=list(spec.dropped_meta),
                        counts={"users": 0, "codes": 0, "documents": 0, "segments": 0, "codings": 0, "cases": 0,
                                "memos": 0})
    progress(0.1, "users")
    users = _import_users(session, spec.users, filename)
    progress(0.15, "codes")
    codes = _import_codes(session, project.id, spec)
    documents, seg_of_selection = _import_sources(session, project.id, spec, result, actor_id=actor_id, users=users,
                                                  codes=codes, progress=progress)
    progress(0.85, "cases")
    _import_cases(session, project, spec.cases, documents)
    progress(0.9, "memos")
    used = guids.taken(session, Memo.guid, [n.guid for n in spec.notes])
    for note in spec.notes:
        memo = Memo(project_id=project.id, author_id=users.get(note.author_guid or "", actor_id), title=note.title[:300],
                    body=note.body, guid=guids.claim(note.guid, used))
        if note.created:
            memo.created_at = note.created
        target = note.target_guid or ""
        if note.target == "selection" and target in seg_of_selection:
            memo.segment_id = seg_of_selection[target]
        elif note.target == "code" and target in codes:
            memo.code_id = codes[target]
        elif note.target == "source" and target in documents:
            memo.document_id = documents[target].id
        session.add(memo)
    session.flush()
    result.counts.update({"users": len(users), "codes": len(codes), "documents": len(documents) - len(
        result.duplicate_sources), "cases": len(spec.cases), "memos": len(spec.notes)})
    audit.record(session, action="project.import_qdpx", entity_type="project", entity_id=project.id,
                 project_id=project.id, user_id=actor_id,
                 after={"file": filename, "origin": spec.origin, **result.counts,
                        "skipped_sources": [s.name for s in result.skipped],
                        "dropped_selections": len(result.dropped)})
    progress(1.0, "")
    return result


def _reading(counting: str, lang: str) -> str:
    parts = counting.split("+")
    words = [t(f"qdpx.reading_{parts[0]}", lang)] + [t(f"qdpx.reading_{part}", lang) for part in parts[1:]]
    return "; ".join(words)


def _wheres(items: list[DroppedSelection], most: int = 8) -> str:
    shown = ", ".join(item.where for item in items[:most])
    return shown + (f", … (+{len(items) - most})" if len(items) > most else "")


def report_lines(result: QdpxImport, lang: str) -> list[tuple[str, str]]:
    """The import report as ``(level, text)`` lines (``info`` or ``warning``), for the page and the CLI.

    Every source left out is named with the codings it carried; every selection left out is listed
    by position; nothing is dropped silently.
    """
    lines = [("info", t("qdpx.report_imported", lang, file=result.filename or result.qde_name, origin=result.origin or "-",
                        project=result.project_name, **result.counts))]
    if result.qde_name.lower() != "project.qde":
        lines.append(("info", t("qdpx.report_qde_name", lang, name=result.qde_name)))
    if result.counts.get("users"):
        lines.append(("info", t("qdpx.report_users", lang, count=result.counts["users"])))
    for skipped in result.skipped:
        lines.append(("warning", t(f"qdpx.report_skipped_{skipped.reason}", lang, source=skipped.name,
                                   kind=t(f"qdpx.kind_{skipped.kind}", lang), path=skipped.path or "-",
                                   codings=skipped.codings)))
    groups: dict[tuple[str, str], list[DroppedSelection]] = {}
    for dropped in result.dropped:
        groups.setdefault((dropped.source, dropped.reason), []).append(dropped)
    for (source, reason), items in groups.items():
        lines.append(("warning", t(f"qdpx.report_dropped_{reason}", lang, source=source, count=len(items),
                                   where=_wheres(items), codings=sum(i.codings for i in items))))
    for source in result.duplicate_sources:
        lines.append(("info", t("qdpx.report_duplicate", lang, source=source)))
    if result.dropped_codings:
        lines.append(("warning", t("qdpx.report_unknown_code", lang, count=result.dropped_codings)))
    for element, count in sorted(result.fresh_guids.items()):
        lines.append(("warning", t("qdpx.report_fresh_guids", lang, count=count, element=element)))
    for dropped_meta in result.dropped_meta:
        if dropped_meta.reason == "unknown_code":
            lines.append(("warning", t("qdpx.report_meta_unknown_code", lang, codebook=dropped_meta.codebook,
                                       field=dropped_meta.field, code=dropped_meta.value)))
        else:
            lines.append(("warning", t("qdpx.report_meta_unreadable", lang, codebook=dropped_meta.codebook)))
    if result.description_memos:
        lines.append(("info", t("qdpx.report_description_memos", lang, count=result.description_memos)))
    for source, counting in result.counting.items():
        lines.append(("info", t("qdpx.report_counting", lang, source=source, counting=_reading(counting, lang))))
    return lines


def _import_cases(session: Session, project: Project, cases: list[QCase], documents: dict[str, Document]) -> None:
    used = guids.taken(session, Case.guid, [c.guid for c in cases])
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
                    guid=guids.claim(qc.guid, used))
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
