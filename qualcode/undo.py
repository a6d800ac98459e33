"""Undo for the coding workspace: each action leaves an entry saying how to reverse it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from qualcode.models import Coding, Memo
from qualcode.services import codings, memos


@dataclass(frozen=True)
class UndoEntry:
    kind: str  # "added", "removed", "memo", "resized"
    data: dict[str, Any]


def added(coding_ids: list[int]) -> UndoEntry:
    return UndoEntry("added", {"codings": list(coding_ids)})


def removed(coding: Coding) -> UndoEntry:
    seg = coding.segment
    return UndoEntry("removed", {"document_id": seg.document_id, "start": seg.start, "end": seg.end,
                                 "code_id": coding.code_id, "coder_id": coding.coder_id})


def memo_added(memo: Memo) -> UndoEntry:
    return UndoEntry("memo", {"memo": memo.id})


def resized(coding_id: int, start: int, end: int) -> UndoEntry:
    return UndoEntry("resized", {"coding": coding_id, "start": start, "end": end})


def apply_undo(session: Session, entry: UndoEntry, *, actor_id: int) -> None:
    """Reverse one action, as a new audited change by the same user."""
    if entry.kind == "added":
        for coding_id in entry.data["codings"]:
            if session.get(Coding, coding_id) is not None:
                codings.remove_coding(session, coding_id, actor_id=actor_id)
    elif entry.kind == "removed":
        d = entry.data
        codings.restore_coding(session, d["document_id"], d["start"], d["end"], d["code_id"], d["coder_id"],
                               actor_id=actor_id)
    elif entry.kind == "memo":
        if session.get(Memo, entry.data["memo"]) is not None:
            memos.delete_memo(session, entry.data["memo"], actor_id=actor_id)
    elif entry.kind == "resized":
        d = entry.data
        codings.resize_coding(session, d["coding"], d["start"], d["end"], actor_id=actor_id)
    else:  # pragma: no cover - entries are made by this module only
        raise ValueError(entry.kind)
