"""Codebooks in a project: apply a parsed codebook, and read one back as a spec."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.codebooks import CodebookSpec
from qualcode.errors import ConflictError
from qualcode.frameworks import shipped_framework
from qualcode.models import Code, Codebook
from qualcode.services import audit
from qualcode.services.auth import require

CODE_FIELDS = ("key", "path", "name_id", "name_en", "colour", "definition", "inclusion", "exclusion",
               "examples", "indicators")


def apply_codebook(session: Session, project_id: int, spec: CodebookSpec, *, actor_id: int) -> Codebook:
    """Add the codebook's codes to the project, or refresh them if it is applied already.

    Refreshing updates names, colours, definitions, criteria, examples and indicators of codes
    with the same id and adds new ones; codes the file no longer lists are kept, with their
    codings (nothing is silently dropped). An id or path already used by another codebook's
    code is refused with the code named.
    """
    require(session, project_id, actor_id, "codebook.write")
    meta = spec.codebook
    book = session.scalar(select(Codebook).where(Codebook.project_id == project_id, Codebook.key == meta.id))
    created = book is None
    if book is None:
        book = Codebook(project_id=project_id, key=meta.id, name=meta.name)
        if meta.guid and session.scalar(select(Codebook.id).where(Codebook.guid == meta.guid)) is None:
            book.guid = meta.guid
        session.add(book)
    book.name = meta.name
    book.version = meta.version
    book.authors = list(meta.authors)
    book.source = meta.source
    book.language = meta.language
    book.description = meta.description
    if not spec.meta.is_empty():  # CSV and .qdc carry no meta: section; a refresh from them keeps it
        book.meta = spec.meta.model_dump(exclude_defaults=True)
    session.flush()

    existing = {c.key: c for c in session.scalars(select(Code).where(Code.project_id == project_id))}
    by_path = {c.path: c for c in existing.values()}
    added = updated = 0
    for path, code_spec, position in spec.walk():
        code = existing.get(code_spec.id)
        if code is not None and code.codebook_id != book.id:
            raise ConflictError("error.code_id_taken", code=code_spec.id, codebook=meta.id)
        clash = by_path.get(path)
        if clash is not None and clash.key != code_spec.id:
            raise ConflictError("error.code_path_taken", path=path, codebook=meta.id)
        values = dict(
            key=code_spec.id,
            path=path,
            name_id=code_spec.name.id,
            name_en=code_spec.name.en,
            colour=code_spec.colour,
            definition=code_spec.definition,
            inclusion=code_spec.inclusion,
            exclusion=code_spec.exclusion,
            examples=list(code_spec.examples),
            indicators=list(code_spec.indicators),
            sort_order=position,
        )
        if code is None:
            code = Code(project_id=project_id, codebook_id=book.id, **values)
            if code_spec.guid and session.scalar(select(Code.id).where(Code.guid == code_spec.guid)) is None:
                code.guid = code_spec.guid  # keep the exchange identity unless another code has it
            session.add(code)
            existing[code.key] = code
            by_path[path] = code
            added += 1
        else:
            changed = any(getattr(code, k) != v for k, v in values.items())
            for key, value in values.items():
                setattr(code, key, value)
            updated += int(changed)
    audit.record(
        session,
        action="codebook.apply" if created else "codebook.refresh",
        entity_type="codebook",
        entity_id=book.id,
        project_id=project_id,
        user_id=actor_id,
        after={"key": meta.id, "name": meta.name, "codes_added": added, "codes_updated": updated},
    )
    session.flush()
    return book


def apply_framework(session: Session, project_id: int, framework_id: str, *, actor_id: int) -> Codebook:
    """Apply one of the shipped frameworks (``codebooks/*.yaml``, by its id) to the project."""
    return apply_codebook(session, project_id, shipped_framework(framework_id), actor_id=actor_id)


# Reads live in qualcode.read.entities; this name stays for services/exchange.py until it imports from there.
from qualcode.read.entities import codebook_spec  # noqa: E402, F401
