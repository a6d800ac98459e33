"""Cases (informants) and their metadata; linking cases to documents; case sheets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.errors import ConflictError, ValidationError
from qualcode.models import Case, Document, Project
from qualcode.services import audit
from qualcode.services.auth import require
from qualcode.services.base import load, record_change

CASE_FIELDS = ("pseudonym", "stakeholder_group", "organisation", "position", "interview_date", "interview_place")
# Sheet column names (lower-case) accepted for each field.
COLUMN_ALIASES = {
    "pseudonym": ("pseudonym", "case", "kasus", "informan", "informant", "pseudonim"),
    "stakeholder_group": ("stakeholder_group", "stakeholder", "group", "kelompok", "kelompok_pemangku"),
    "organisation": ("organisation", "organization", "organisasi", "instansi", "lembaga"),
    "position": ("position", "jabatan", "posisi", "role"),
    "interview_date": ("interview_date", "date", "tanggal", "tanggal_wawancara"),
    "interview_place": ("interview_place", "place", "tempat", "lokasi", "tempat_wawancara"),
}
# Columns that describe the document, not the case.
DOCUMENT_COLUMNS = ("file", "berkas", "title", "judul", "kind", "jenis", "interviewer_label", "text", "teks",
                    "transcript", "transkrip", "isi", "content", "name", "nama")


def get_case(session: Session, case_id: int) -> Case:
    return load(session, Case, case_id)


def parse_date(value: Any, *, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError("cases.bad_date", value=text, where=where)


def typed_attribute(value: str) -> dict[str, Any]:
    """A free attribute with its type inferred: number, date, boolean or text."""
    text = value.strip()
    lowered = text.lower()
    if lowered in ("ya", "yes", "true", "tidak", "no", "false"):
        return {"type": "boolean", "value": lowered in ("ya", "yes", "true")}
    try:
        number = float(text.replace(",", "."))
        return {"type": "number", "value": int(number) if number.is_integer() else number}
    except ValueError:
        pass
    try:
        return {"type": "date", "value": parse_date(text, where="").isoformat()}  # type: ignore[union-attr]
    except ValidationError:
        return {"type": "text", "value": text}


def _check_group(project: Project, group: str) -> str:
    group = group.strip()
    if group and group.lower() in [g.lower() for g in project.groups]:
        return next(g for g in project.groups if g.lower() == group.lower())
    if group:
        raise ValidationError("cases.bad_group", group=group, groups=", ".join(project.groups))
    return ""


def save_case(
    session: Session,
    project_id: int,
    *,
    actor_id: int,
    case_id: int | None = None,
    attributes: dict[str, Any] | None = None,
    **fields: Any,
) -> Case:
    """Create a case, or update the given fields of ``case_id``."""
    require(session, project_id, actor_id, "document.write")
    project = load(session, Project, project_id)
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise ValidationError("cases.unknown_field", field=", ".join(sorted(unknown)))
    case = load(session, Case, case_id, project_id=project_id) if case_id is not None else None
    before = audit.snapshot(case, CASE_FIELDS + ("attributes",)) if case else None
    if "pseudonym" in fields or case is None:
        pseudonym = str(fields.get("pseudonym", "")).strip()
        if not pseudonym:
            raise ValidationError("cases.pseudonym_empty")
        clash = session.scalar(select(Case.id).where(Case.project_id == project_id, Case.pseudonym == pseudonym))
        if clash is not None and (case is None or clash != case.id):
            raise ConflictError("cases.exists", pseudonym=pseudonym)
        fields["pseudonym"] = pseudonym
    if "stakeholder_group" in fields:
        fields["stakeholder_group"] = _check_group(project, str(fields["stakeholder_group"] or ""))
    if "interview_date" in fields:
        fields["interview_date"] = parse_date(fields["interview_date"], where=str(fields.get("pseudonym", "")))
    for key in ("organisation", "position", "interview_place"):
        if key in fields:
            fields[key] = str(fields[key] or "").strip()
    if case is None:
        case = Case(project_id=project_id, **fields)
        session.add(case)
    else:
        for key, value in fields.items():
            setattr(case, key, value)
    if attributes is not None:
        case.attributes = dict(attributes)
    session.flush()
    record_change(session, "case.update" if before else "case.add", case, actor_id=actor_id, before=before,
                  after=audit.snapshot(case, CASE_FIELDS + ("attributes",)))
    return case


def link_case(session: Session, case_id: int, document_id: int, *, actor_id: int) -> None:
    case = get_case(session, case_id)
    document = load(session, Document, document_id, project_id=case.project_id)
    require(session, case.project_id, actor_id, "document.write")
    if document not in case.documents:
        case.documents.append(document)
        record_change(session, "case.link", case, actor_id=actor_id, after={"document_id": document_id})
    session.flush()


def unlink_case(session: Session, case_id: int, document_id: int, *, actor_id: int) -> None:
    case = get_case(session, case_id)
    require(session, case.project_id, actor_id, "document.write")
    document = session.get(Document, document_id)
    if document is not None and document in case.documents:
        case.documents.remove(document)
        record_change(session, "case.unlink", case, actor_id=actor_id, before={"document_id": document_id})
    session.flush()


def case_fields_from_row(row: dict[str, str]) -> tuple[dict[str, str], dict[str, Any]]:
    """Split a sheet row (lower-case headers) into case fields and typed free attributes."""
    fields: dict[str, str] = {}
    used: set[str] = set()
    for field, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if alias in row:
                used.add(alias)
                if str(row[alias]).strip() and field not in fields:
                    fields[field] = str(row[alias]).strip()
    attributes = {
        key: typed_attribute(str(value))
        for key, value in row.items()
        if key not in used and key not in DOCUMENT_COLUMNS and str(value).strip()
    }
    return fields, attributes


def upsert_case_from_row(session: Session, project_id: int, row: dict[str, str], *, actor_id: int) -> Case | None:
    """The case a sheet row describes (created, or updated by pseudonym); None if it names none."""
    fields, attributes = case_fields_from_row(row)
    pseudonym = fields.get("pseudonym")
    if not pseudonym:
        return None
    existing = session.scalar(select(Case).where(Case.project_id == project_id, Case.pseudonym == pseudonym))
    merged = {**(existing.attributes if existing else {}), **attributes}
    return save_case(session, project_id, actor_id=actor_id, case_id=existing.id if existing else None,
                     attributes=merged, **fields)


def import_case_sheet(session: Session, project_id: int, filename: str, data: bytes, *, actor_id: int) -> int:
    """Create or update cases from a CSV sheet (one row per case; a ``file`` column, if present,
    links the case to the document imported from that file). Returns the number of rows used."""
    from pathlib import PurePath

    from qualcode import sheets
    from qualcode.errors import ImportFileError

    _, sheet_rows = sheets.read_rows(filename, data, wanted=("pseudonym", "case", "file", "stakeholder_group"))
    documents = {
        PurePath(d.original_filename).name.lower(): d.id
        for d in session.scalars(select(Document).where(Document.project_id == project_id))
    }
    used = 0
    for number, row in sheet_rows:
        try:
            case = upsert_case_from_row(session, project_id, row, actor_id=actor_id)
        except ValidationError as exc:
            raise ImportFileError("cases.sheet_row_invalid", file=filename, row=number, problem=exc.message("en"))
        if case is None:
            raise ImportFileError("cases.sheet_row_no_case", file=filename, row=number)
        used += 1
        name = PurePath((row.get("file") or row.get("berkas") or "").replace("\\", "/")).name.lower()
        if name and name in documents:
            link_case(session, case.id, documents[name], actor_id=actor_id)
    return used
