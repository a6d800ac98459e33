"""Codes in a project: create (inductive, in vivo), edit, recolour, move, merge, delete."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import cast

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from qualcode import limits
from qualcode.codebooks import COLOUR_RE, ID_RE
from qualcode.errors import ConflictError, NotFoundError, ValidationError
from qualcode.models import Code, Coding, Memo
from qualcode.read.codes import descendants, is_within
from qualcode.services import audit
from qualcode.services.auth import require
from qualcode.services.base import load, record_change
from qualcode.services.codings import prune_segments

EDITABLE = ("name_id", "name_en", "colour", "definition", "inclusion", "exclusion", "examples", "indicators")
SNAPSHOT = ("key", "path", *EDITABLE)
PALETTE = ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7",
           "#9C755F", "#BAB0AC")


def get_code(session: Session, code_id: int) -> Code:
    return load(session, Code, code_id)


def find_code(session: Session, project_id: int, key: str) -> Code:
    code = session.scalar(select(Code).where(Code.project_id == project_id, Code.key == key))
    if code is None:
        raise NotFoundError("error.code_not_found", code=key)
    return code


def slugify(name: str) -> str:
    """A snake_case id from a name: accents dropped, other characters to ``_``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:60].strip("_")
    if not slug or not slug[0].isalpha():
        slug = f"code_{slug}" if slug else "code"
    return slug


def unique_key(session: Session, project_id: int, base: str) -> str:
    taken = set(session.scalars(select(Code.key).where(Code.project_id == project_id, Code.key.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


def _check_colour(colour: str) -> str:
    if not COLOUR_RE.match(colour or ""):
        raise ValidationError("codes.bad_colour", colour=colour)
    return colour.upper()


def create_code(
    session: Session,
    project_id: int,
    name: str,
    *,
    actor_id: int,
    parent_id: int | None = None,
    key: str | None = None,
    name_en: str = "",
    colour: str | None = None,
    definition: str = "",
    codebook_id: int | None = None,
) -> Code:
    """A new code, e.g. an in vivo code made from the selected words while coding."""
    require(session, project_id, actor_id, "codebook.write")
    name = " ".join(name.split())
    if not name:
        raise ValidationError("codes.name_empty")
    _check_name_length(name, name_en)
    if key is not None and not ID_RE.match(key):
        raise ValidationError("codes.bad_key", key=key)
    key = key or unique_key(session, project_id, slugify(name))
    if session.scalar(select(Code.id).where(Code.project_id == project_id, Code.key == key)) is not None:
        raise ConflictError("codes.key_taken", key=key)
    parent = get_code(session, parent_id) if parent_id is not None else None
    if parent is not None and parent.project_id != project_id:
        raise ValidationError("error.code_other_project", code=parent.path)
    _check_sibling_name(session, project_id, name, parent.path if parent else None)
    path = f"{parent.path}/{key}" if parent else key
    count = session.scalar(select(func.count()).select_from(Code).where(Code.project_id == project_id)) or 0
    code = Code(
        project_id=project_id,
        codebook_id=parent.codebook_id if parent else codebook_id,
        key=key,
        path=path,
        name_id=name,
        name_en=name_en.strip(),
        colour=_check_colour(colour) if colour else PALETTE[count % len(PALETTE)],
        definition=definition.strip(),
        sort_order=count,
    )
    session.add(code)
    session.flush()
    record_change(session, "code.add", code, actor_id=actor_id, after=audit.snapshot(code, SNAPSHOT))
    return code


def sibling_named(session: Session, project_id: int, name: str, parent_path: str | None,
                  exclude: int | None = None) -> Code | None:
    """The code under ``parent_path`` (None: the top level) whose Indonesian name is ``name``,
    ignoring case and spacing."""
    wanted = " ".join(name.split()).casefold()
    for code in session.scalars(select(Code).where(Code.project_id == project_id, func.lower(Code.name_id) == wanted.lower())):
        if code.id != exclude and code.parent_path == parent_path and " ".join(code.name_id.split()).casefold() == wanted:
            return code
    return None


def _check_sibling_name(session: Session, project_id: int, name: str, parent_path: str | None,
                        exclude: int | None = None) -> None:
    """Two codes of one name side by side cannot be told apart in the tree, the code panel or a
    merge message; under different parents they can (the path tells)."""
    twin = sibling_named(session, project_id, name, parent_path, exclude)
    if twin is not None:
        raise ConflictError("codes.name_taken", name=twin.name_id, key=twin.key)


def _check_name_length(*names: str) -> None:
    """A name longer than its column holds is refused, not cut (PostgreSQL would refuse it late,
    SQLite would keep it whole)."""
    longest = max((len(n.strip()) for n in names), default=0)
    if longest > limits.MAX_NAME_CHARS:
        raise ValidationError("codes.name_too_long", limit=limits.MAX_NAME_CHARS, length=longest)


def update_code(session: Session, code_id: int, *, actor_id: int, **changes: object) -> Code:
    """Rename, recolour or edit the definition, criteria, examples and indicators of a code."""
    code = get_code(session, code_id)
    require(session, code.project_id, actor_id, "codebook.write")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError("codes.unknown_field", field=", ".join(sorted(unknown)))
    if "name_id" in changes and not str(changes["name_id"]).strip():
        raise ValidationError("codes.name_empty")
    _check_name_length(str(changes.get("name_id", "")), str(changes.get("name_en", "")))
    if "name_id" in changes:
        _check_sibling_name(session, code.project_id, str(changes["name_id"]), code.parent_path, exclude=code.id)
    if "colour" in changes:
        changes["colour"] = _check_colour(str(changes["colour"]))
    for list_field in ("examples", "indicators"):
        if list_field in changes:
            values = cast("Iterable[object]", changes[list_field])  # a list, from the form or a codebook file
            changes[list_field] = [str(x).strip() for x in values if str(x).strip()]
    before = audit.snapshot(code, SNAPSHOT)
    for key, value in changes.items():
        setattr(code, key, value.strip() if isinstance(value, str) else value)
    session.flush()
    record_change(session, "code.update", code, actor_id=actor_id, before=before, after=audit.snapshot(code, SNAPSHOT))
    return code


def move_code(session: Session, code_id: int, new_parent_id: int | None, *, actor_id: int) -> Code:
    """Put a code (with its subtree) under another parent, or at the top level."""
    code = get_code(session, code_id)
    require(session, code.project_id, actor_id, "codebook.write")
    parent = get_code(session, new_parent_id) if new_parent_id is not None else None
    if parent is not None:
        if parent.project_id != code.project_id:
            raise ValidationError("error.code_other_project", code=parent.path)
        if is_within(parent.path, code.path):
            raise ValidationError("codes.move_into_itself", code=code.path)
    old_path = code.path
    new_path = f"{parent.path}/{code.key}" if parent else code.key
    if new_path == old_path:
        return code
    clash = session.scalar(select(Code.id).where(Code.project_id == code.project_id, Code.path == new_path))
    if clash is not None:
        raise ConflictError("codes.path_taken", path=new_path)
    subtree = descendants(session, code)
    code.path = new_path
    for child in subtree:
        child.path = new_path + child.path[len(old_path):]
    if parent is not None:
        code.codebook_id = parent.codebook_id
        for child in subtree:
            child.codebook_id = parent.codebook_id
    session.flush()
    record_change(session, "code.move", code, actor_id=actor_id, before={"path": old_path},
                  after={"path": new_path, "moved": 1 + len(subtree)})
    return code


def merge_codes(session: Session, source_id: int, target_id: int, *, actor_id: int) -> Code:
    """Merge ``source`` into ``target``: its codings and memos move over, its children move under
    the target, and the source code is removed. Nothing is dropped: a coding the same coder
    already has on the same segment with the target is the only thing not duplicated."""
    source, target = get_code(session, source_id), get_code(session, target_id)
    require(session, source.project_id, actor_id, "codebook.write")
    if source.id == target.id:
        raise ValidationError("codes.merge_same")
    if source.project_id != target.project_id:
        raise ValidationError("error.code_other_project", code=target.path)
    if is_within(target.path, source.path):
        raise ValidationError("codes.merge_into_child", source=source.path, target=target.path)
    before = audit.snapshot(source, SNAPSHOT)
    moved = merged = 0
    for coding in list(session.scalars(select(Coding).where(Coding.code_id == source.id))):
        twin = session.scalar(select(Coding.id).where(
            Coding.segment_id == coding.segment_id, Coding.code_id == target.id, Coding.coder_id == coding.coder_id))
        if twin is None:
            coding.code_id = target.id
            moved += 1
        else:
            session.delete(coding)
            merged += 1
    session.flush()
    session.execute(update(Memo).where(Memo.code_id == source.id).values(code_id=target.id))
    for child in [c for c in descendants(session, source) if c.parent_path == source.path]:
        move_code(session, child.id, target.id, actor_id=actor_id)
    session.delete(source)
    session.flush()
    record_change(session, "code.merge", target, actor_id=actor_id, before=before,
                  after={"into": target.path, "codings_moved": moved, "codings_already_there": merged})
    return target


def delete_code(session: Session, code_id: int, *, actor_id: int, delete_codings: bool = False) -> None:
    """Delete a code. Refused while it has children; refused while it has codings unless the
    researcher has confirmed that they (and memos on the code) go too (``delete_codings=True``)."""
    code = get_code(session, code_id)
    require(session, code.project_id, actor_id, "codebook.write")
    if descendants(session, code):
        raise ConflictError("codes.has_children", code=code.path)
    segment_ids = list(session.scalars(select(Coding.segment_id).where(Coding.code_id == code.id)))
    memo_count = session.scalar(select(func.count()).select_from(Memo).where(Memo.code_id == code.id)) or 0
    if (segment_ids or memo_count) and not delete_codings:
        raise ConflictError("codes.has_codings", code=code.path, count=len(segment_ids), memos=memo_count)
    before = {**audit.snapshot(code, SNAPSHOT), "codings_deleted": len(segment_ids), "memos_deleted": memo_count}
    session.delete(code)
    session.flush()
    prune_segments(session, segment_ids)
    record_change(session, "code.delete", code, actor_id=actor_id, before=before, entity_id=code_id)
