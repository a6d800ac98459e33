"""Importing files into a project: extract, pseudonymise, store, parse turns, attach cases.

Each file gets a savepoint, so a refused file leaves nothing behind while the others are kept.
With ``commit_each_file`` (the app and the command line) each file's documents are committed as
soon as the file is done, so a long import holds the write lock for one file at a time and
coders working meanwhile wait about a second at most; otherwise the caller commits once at the
end. At most ``limits.MAX_IMPORT_DOCUMENTS`` documents are added by one import: the files past
the limit are refused, each named, and the report says so.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from sqlalchemy import delete
from sqlalchemy.orm import Session

from qualcode import limits, sheets
from qualcode.errors import ConflictError, ImportFileError, QualcodeError, ValidationError
from qualcode.importers import ExtractedText
from qualcode.models import DOCUMENT_KINDS, Document, Segment, Turn
from qualcode.pseudonyms import pseudonymise
from qualcode.services import audit, cases
from qualcode.services import documents as document_service
from qualcode.services.auth import require
from qualcode.text import checksum, normalise_text
from qualcode.turns import join_wrapped_lines, parse_turns, speaker_labels

Progress = Callable[[int, int, str], None]
FILE_COLUMNS = ("file", "berkas", "filename", "nama_berkas")


@dataclass
class FileOutcome:
    file: str
    status: str  # "imported", "duplicate" or "refused"
    document_ids: list[int] = field(default_factory=list)
    error: QualcodeError | None = None

    def message(self, lang: str = "en") -> str:
        """The reason, always naming the file."""
        if self.error is None:
            return ""
        text = self.error.message(lang)
        return text if isinstance(self.error, ImportFileError) or text.startswith(self.file) else f"{self.file}: {text}"


@dataclass
class ImportReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def imported(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "imported"]

    @property
    def refused(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "refused"]

    @property
    def duplicates(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "duplicate"]

    @property
    def document_ids(self) -> list[int]:
        return [i for o in self.outcomes for i in o.document_ids]


def read_metadata_sheet(filename: str, data: bytes) -> dict[str, dict[str, str]]:
    """A metadata sheet (CSV: ``file,title,kind,case,stakeholder_group,...``) keyed by file name.

    Keys are the lower-cased base names of the ``file`` column, so ``interviews/W01.txt`` in the
    sheet matches an uploaded ``W01.txt``.
    """
    headers, sheet_rows = sheets.read_rows(filename, data, wanted=FILE_COLUMNS)
    file_column = next((h for h in headers if h in FILE_COLUMNS), None)
    if file_column is None:
        raise ImportFileError("cases.sheet_no_file_column", file=filename, columns=", ".join(headers))
    rows: dict[str, dict[str, str]] = {}
    for number, row in sheet_rows:
        name = PurePath(row.get(file_column, "").replace("\\", "/")).name.lower()
        if not name:
            raise ImportFileError("cases.sheet_row_no_file", file=filename, row=number)
        rows[name] = row
    return rows


def store_turns(session: Session, document: Document, interviewer_label: str | None = None,
                speakers: Collection[str] | None = None) -> list[Turn]:
    """(Re)build the document's turns; only interviews have speaker turns. ``speakers`` names the
    labels that are speakers (the researcher's choice); without it they are found from the text."""
    session.execute(delete(Turn).where(Turn.document_id == document.id))
    if document.kind != "interview":
        document.interviewer_label = None
        return []
    parsed = parse_turns(document.text, interviewer_label, speakers)
    labels = speaker_labels(parsed)
    chosen = next((t.speaker for t in parsed if t.is_interviewer), None)
    document.interviewer_label = chosen if labels else None
    turns = [
        Turn(document_id=document.id, number=t.number, start=t.start, end=t.end, text_start=t.text_start,
             speaker=t.speaker, is_interviewer=t.is_interviewer, timestamp=t.timestamp)
        for t in parsed
    ]
    session.add_all(turns)
    session.flush()
    return turns


def set_interviewer(session: Session, document_id: int, label: str | None, *, actor_id: int) -> Document:
    """The researcher confirms or corrects which speaker label is the interviewer."""
    document = document_service.get_document(session, document_id)
    require(session, document.project_id, actor_id, "document.write")
    before = document.interviewer_label
    turns = list(document.turns)
    known = {t.speaker for t in turns}
    if label is not None and label not in known:
        raise ConflictError("documents.unknown_label", label=label, labels=", ".join(sorted(known)))
    for turn in turns:
        turn.is_interviewer = turn.speaker == label
    document.interviewer_label = label
    audit.record(session, action="document.interviewer", entity_type="document", entity_id=document.id,
                 project_id=document.project_id, user_id=actor_id, before={"interviewer_label": before},
                 after={"interviewer_label": label})
    session.flush()
    return document


def reparse_document(session: Session, document_id: int, *, speakers: Collection[str] | None,
                     interviewer: str | None, actor_id: int) -> list[Turn]:
    """Parse the document's turns again with the labels the researcher says are speakers and the
    one that is the interviewer; refused once the document carries codings."""
    document = document_service.get_document(session, document_id)
    require(session, document.project_id, actor_id, "document.write")
    document_service.require_uncoded(session, document)
    before = {"speakers": sorted({t.speaker for t in document.turns}), "interviewer_label": document.interviewer_label}
    turns = store_turns(session, document, interviewer, speakers)
    session.expire(document, ["turns"])
    audit.record(session, action="document.reparse", entity_type="document", entity_id=document.id,
                 project_id=document.project_id, user_id=actor_id, before=before,
                 after={"speakers": sorted({t.speaker for t in turns}), "interviewer_label": document.interviewer_label,
                        "turns": len(turns)})
    return turns


def edit_text(session: Session, document_id: int, text: str, *, actor_id: int) -> Document:
    """Replace the text of a document that carries no codings; its turns are parsed again with the
    speakers and interviewer it had. Segments without codings (and their memos) go."""
    document = document_service.get_document(session, document_id)
    require(session, document.project_id, actor_id, "document.write")
    found = document_service.require_uncoded(session, document)
    text = normalise_text(text)
    if not text.strip():
        raise ValidationError("error.document_empty", file=document.title)
    duplicate = document_service.find_duplicate(session, document.project_id, text)
    if duplicate is not None and duplicate.id != document.id:
        raise ConflictError("error.document_duplicate", file=document.title, existing=duplicate.title)
    speakers = sorted({t.speaker for t in document.turns}) or None
    before = {"length": document.length, "checksum": document.checksum, "segments": found.segments}
    session.execute(delete(Segment).where(Segment.document_id == document.id))
    document.text, document.length, document.checksum = text, len(text), checksum(text)
    store_turns(session, document, document.interviewer_label, speakers)
    session.expire(document, ["turns", "segments"])
    audit.record(session, action="document.edit", entity_type="document", entity_id=document.id,
                 project_id=document.project_id, user_id=actor_id, before=before,
                 after={"length": document.length, "checksum": document.checksum})
    session.flush()
    return document


def _store_file(session: Session, project_id: int, items: list[ExtractedText], outcome: FileOutcome, *,
                actor_id: int, kind: str, language: str, metadata: dict[str, str],
                pseudonyms: dict[str, str] | None) -> None:
    """Store one file's texts under a savepoint: all of them, or none and ``outcome`` says why."""
    savepoint = session.begin_nested()
    try:
        for item in items:
            row = {**metadata, **item.metadata}
            doc_kind = (row.get("kind") or row.get("jenis") or kind).strip().lower()
            if doc_kind not in DOCUMENT_KINDS:
                raise ImportFileError("documents.bad_kind", file=item.source_name, kind=doc_kind,
                                      kinds=", ".join(DOCUMENT_KINDS))
            raw = item.text
            if doc_kind == "interview" and item.source_name.lower().endswith(".pdf"):
                raw = join_wrapped_lines(normalise_text(raw))  # a PDF's text layer wraps lines inside turns
            text, _ = pseudonymise(raw, pseudonyms) if pseudonyms else (raw, [])
            document = document_service.add_document(
                session, project_id, title=row.get("title") or row.get("judul") or item.title, text=text,
                kind=doc_kind, original_filename=item.source_name, language=language, actor_id=actor_id,
            )
            store_turns(session, document, row.get("interviewer_label") or None)
            case = cases.upsert_case_from_row(session, project_id, row, actor_id=actor_id)
            if case is not None:
                cases.link_case(session, case.id, document.id, actor_id=actor_id)
            outcome.document_ids.append(document.id)
        savepoint.commit()
    except ConflictError as exc:
        savepoint.rollback()
        outcome.status = "duplicate" if exc.key == "error.document_duplicate" else "refused"
        outcome.error, outcome.document_ids = exc, []
    except QualcodeError as exc:
        savepoint.rollback()
        outcome.status, outcome.error, outcome.document_ids = "refused", exc, []


def import_files(
    session: Session,
    project_id: int,
    files: Iterable[tuple[str, bytes]],
    *,
    actor_id: int,
    kind: str = "interview",
    language: str = "id",
    metadata: dict[str, dict[str, str]] | None = None,
    pseudonyms: dict[str, str] | None = None,
    progress: Progress | None = None,
    commit_each_file: bool = False,
) -> ImportReport:
    """Import files; each is imported whole or not at all, and the report says which and why.

    ``commit_each_file``: commit after each file (see the module docstring); the files imported
    before a crash stay imported, and the report lists each file's outcome."""
    from qualcode.importers import extract

    require(session, project_id, actor_id, "document.write")
    files = list(files)
    metadata = metadata or {}
    report = ImportReport()
    added = 0
    if commit_each_file:
        session.commit()  # end the permission check's read before the first, slow extraction
    for index, (filename, data) in enumerate(files):
        if progress:
            progress(index, len(files), filename)
        outcome = FileOutcome(file=filename, status="imported")
        try:
            # Extraction (the slow part: PDF, Word...) runs before the file's transaction begins.
            items = [] if added >= limits.MAX_IMPORT_DOCUMENTS else extract(filename, data)
            if added + max(len(items), 1) > limits.MAX_IMPORT_DOCUMENTS:
                raise ImportFileError("limit.import_documents", file=filename, limit=f"{limits.MAX_IMPORT_DOCUMENTS:,}")
        except QualcodeError as exc:
            outcome.status, outcome.error = "refused", exc
            items = []
        if items:
            _store_file(session, project_id, items, outcome, actor_id=actor_id, kind=kind, language=language,
                        metadata=metadata.get(PurePath(filename).name.lower(), {}), pseudonyms=pseudonyms)
        added += len(outcome.document_ids)
        report.outcomes.append(outcome)
        if commit_each_file:
            session.commit()
    if progress:
        progress(len(files), len(files), "")
    return report
