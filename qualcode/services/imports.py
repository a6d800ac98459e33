"""Importing files into a project: extract, pseudonymise, store, parse turns, attach cases.

Each file gets a savepoint, so a refused file leaves nothing behind while the others are kept.
Everything slow about a file (extraction, pseudonyms, normalisation, turn splitting) is done
before its write begins; the write is a few lookups and bulk inserts. With ``commit_each_file``
(the app and the command line) each file's documents are committed as soon as the file is done,
so a long import holds the write lock a few milliseconds per 5,000-word file and none between files:
coders working meanwhile wait tens of milliseconds (``bench/import_contention_bench.py``);
otherwise the caller commits once at the end. A file the database refuses (locked past the busy
timeout, disk full) stops the import with a ``StorageError`` naming it and what stays stored.
At most ``limits.MAX_IMPORT_DOCUMENTS`` documents are added by one import: the files past the
limit are refused, each named, and the report says so. A text the project already holds is not
stored twice: a file that is one document is reported as a duplicate, and a sheet's row (.csv,
.xlsx: a document per row) is reported as a duplicate on its own, naming the row, while the
sheet's other rows are imported.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from qualcode import limits, sheets
from qualcode.db import DATABASE_ERRORS, DatabaseBusy, DiskFull, StorageError, storage_error
from qualcode.errors import ConflictError, ImportFileError, QualcodeError, ValidationError
from qualcode.importers import ExtractedText
from qualcode.models import DOCUMENT_KINDS, Base, Document, Memo, Segment, Turn
from qualcode.pseudonyms import pseudonymise
from qualcode.services import audit, cases
from qualcode.services import documents as document_service
from qualcode.services.auth import require
from qualcode.text import checksum, normalise_text
from qualcode.turns import ParsedTurn, join_wrapped_lines, parse_turns, speaker_labels

Progress = Callable[[int, int, str], None]
FILE_COLUMNS = ("file", "berkas", "filename", "nama_berkas")


@dataclass
class FileOutcome:
    """What became of a file, or of one row of a sheet that the project already holds (a
    "duplicate" whose message names the row; the sheet's other rows are the file's outcome)."""

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
                speakers: Collection[str] | None = None, *, parsed: list[ParsedTurn] | None = None) -> list[ParsedTurn]:
    """(Re)build the document's turns; only interviews have speaker turns. ``speakers`` names the
    labels that are speakers (the researcher's choice); without it they are found from the text.
    ``parsed``: the turns already parsed from the document's text (an import parses them before
    its write begins). The turns go in as one bulk insert."""
    session.execute(delete(Turn).where(Turn.document_id == document.id))
    if document.kind != "interview":
        document.interviewer_label = None
        return []
    if parsed is None:
        parsed = parse_turns(document.text, interviewer_label, speakers)
    labels = speaker_labels(parsed)
    chosen = next((t.speaker for t in parsed if t.is_interviewer), None)
    document.interviewer_label = chosen if labels else None
    session.expire(document, ["turns"])
    if parsed:  # one executemany (the ORM's bulk insert would split the rows into many statements)
        session.execute(insert(Base.metadata.tables[Turn.__tablename__]), [
            {"document_id": document.id, "number": t.number, "start": t.start, "end": t.end,
             "text_start": t.text_start, "speaker": t.speaker, "is_interviewer": t.is_interviewer,
             "timestamp": t.timestamp} for t in parsed])
    return parsed


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
                     interviewer: str | None, actor_id: int) -> list[ParsedTurn]:
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
    speakers and interviewer it had. Refused while memos, condensations, comments or evidence links
    rest on its (uncoded) segments, which would go with the old text."""
    document = document_service.get_document(session, document_id)
    require(session, document.project_id, actor_id, "document.write")
    found = document_service.require_uncoded(session, document)
    resting = found.condensations + found.comments + found.evidence + int(session.scalar(
        select(func.count(Memo.id)).join(Segment, Memo.segment_id == Segment.id)
        .where(Segment.document_id == document.id)) or 0)
    if resting:  # their segments would go with the old text: never silently
        raise ConflictError("error.document_text_has_analysis", document=document.title, count=resting)
    text = normalise_text(text)
    if not text.strip():
        raise ValidationError("error.document_text_empty", document=document.title)
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


@dataclass
class _ReadyText:
    """One text of a file, ready to store: everything slow (extraction, pseudonyms, normalisation,
    turn splitting) is done before the file's write begins."""

    item: ExtractedText
    row: dict[str, str]
    kind: str
    text: str
    turns: list[ParsedTurn]


def _prepare_file(items: list[ExtractedText], *, kind: str, metadata: dict[str, str],
                  pseudonyms: dict[str, str] | None) -> list[_ReadyText]:
    """A file's texts made ready to store, with no database work (no lock held meanwhile)."""
    ready = []
    for item in items:
        row = {**metadata, **item.metadata}
        doc_kind = (row.get("kind") or row.get("jenis") or kind).strip().lower()
        if doc_kind not in DOCUMENT_KINDS:
            raise ImportFileError("documents.bad_kind", file=item.location, kind=doc_kind,
                                  kinds=", ".join(DOCUMENT_KINDS))
        raw = item.text
        if doc_kind == "interview" and item.source_name.lower().endswith(".pdf"):
            raw = join_wrapped_lines(normalise_text(raw))  # a PDF's text layer wraps lines inside turns
        text = normalise_text(pseudonymise(raw, pseudonyms)[0] if pseudonyms else raw)
        turns = parse_turns(text, row.get("interviewer_label") or None) if doc_kind == "interview" else []
        ready.append(_ReadyText(item, row, doc_kind, text, turns))
    return ready


def _store_file(session: Session, project_id: int, texts: list[_ReadyText], outcome: FileOutcome, *,
                actor_id: int, language: str) -> list[FileOutcome]:
    """Store one file's prepared texts under a savepoint: all of them, or none and ``outcome``
    says why. Only inserts and a few lookups happen here: this is all the write lock covers.

    A sheet's row whose text the project already holds is passed over and gets an outcome of its
    own ("duplicate", naming the row); the other rows are stored. Returns the outcomes to report:
    ``outcome`` (left out when every row of a sheet was such a duplicate) and those rows'."""
    savepoint = session.begin_nested()
    rows: list[FileOutcome] = []
    try:
        for ready in texts:
            try:
                document = document_service.add_document(
                    session, project_id, title=ready.row.get("title") or ready.row.get("judul") or ready.item.title,
                    text=ready.text, kind=ready.kind, original_filename=ready.item.stored_name, language=language,
                    actor_id=actor_id,
                )
            except ConflictError as exc:  # refused before anything of the row is written
                if exc.key != "error.document_duplicate" or ready.item.row is None:
                    raise
                rows.append(FileOutcome(file=outcome.file, status="duplicate", error=ConflictError(
                    exc.key, **{**exc.params, "file": ready.item.location})))
                continue
            store_turns(session, document, parsed=ready.turns)
            case = cases.upsert_case_from_row(session, project_id, ready.row, actor_id=actor_id)
            if case is not None:
                cases.link_case(session, case.id, document.id, actor_id=actor_id)
            outcome.document_ids.append(document.id)
        savepoint.commit()
    except ConflictError as exc:
        savepoint.rollback()
        outcome.status = "duplicate" if exc.key == "error.document_duplicate" else "refused"
        outcome.error, outcome.document_ids, rows = exc, [], []
    except QualcodeError as exc:
        savepoint.rollback()
        outcome.status, outcome.error, outcome.document_ids, rows = "refused", exc, [], []
    return rows if rows and not outcome.document_ids and outcome.error is None else [outcome, *rows]


def _file_refused(session: Session, filename: str, exc: BaseException, imported: list[str]) -> QualcodeError:
    """The database refused a file's write (locked past the busy timeout, disk full...): roll the
    file back and say so naming it, with what stays stored."""
    try:
        session.rollback()
    except DATABASE_ERRORS:  # the connection may be gone (disk full): closing the session ends it
        pass
    cause = storage_error(exc)
    if not isinstance(cause, StorageError):  # an integrity error: the file clashes with what is stored
        return ConflictError("import.file_clash", file=filename, detail=cause.params.get("detail", ""))
    return refused_during_import(cause, filename, imported)


def refused_during_import(cause: StorageError, filename: str, imported: Sequence[str] = ()) -> StorageError:
    """``cause`` said naming the file being imported and, if any, the files before it that stay
    imported; of the same kind (``DatabaseBusy``, ``DiskFull``...)."""
    kind = {DatabaseBusy: "busy", DiskFull: "disk_full"}.get(type(cause), "storage")
    if imported:
        return cause.during(f"import.{kind}_kept", file=filename, count=len(imported), last=imported[-1])
    return cause.during(f"import.{kind}_nothing", file=filename)


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
    before a crash stay imported, and the report lists each file's outcome. A file whose write the
    database refuses (another action held the lock past the busy timeout, the disk is full)
    raises a ``StorageError`` naming it; with ``commit_each_file`` the message also says how
    many files before it stay imported."""
    from qualcode.importers import extract

    files = list(files)
    metadata = metadata or {}
    report = ImportReport()
    added = 0
    current = files[0][0] if files else ""
    try:
        require(session, project_id, actor_id, "document.write")
        if commit_each_file:
            session.commit()  # end the permission check's read before the first, slow extraction
        for index, (filename, data) in enumerate(files):
            current = filename
            if progress:
                progress(index, len(files), filename)
            outcome = FileOutcome(file=filename, status="imported")
            try:
                # Extraction, pseudonyms and turn splitting (the slow part) run before the file's
                # write begins, so the write lock is held only for the inserts.
                items = [] if added >= limits.MAX_IMPORT_DOCUMENTS else extract(filename, data)
                if added + max(len(items), 1) > limits.MAX_IMPORT_DOCUMENTS:
                    raise ImportFileError("limit.import_documents", file=filename,
                                          limit=f"{limits.MAX_IMPORT_DOCUMENTS:,}")
                texts = _prepare_file(items, kind=kind, metadata=metadata.get(PurePath(filename).name.lower(), {}),
                                      pseudonyms=pseudonyms)
            except QualcodeError as exc:
                outcome.status, outcome.error = "refused", exc
                texts = []
            outcomes = [outcome]
            if texts:
                outcomes = _store_file(session, project_id, texts, outcome, actor_id=actor_id, language=language)
            if commit_each_file:
                session.commit()
            added += len(outcome.document_ids)
            report.outcomes.extend(outcomes)
    except DATABASE_ERRORS as exc:
        imported = [o.file for o in report.imported] if commit_each_file else []  # else nothing stays
        raise _file_refused(session, current, exc, imported) from exc
    if progress:
        progress(len(files), len(files), "")
    return report
