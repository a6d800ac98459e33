"""Undo and redo for the coding workspace.

Each action leaves an entry saying how to reverse it. Reversing is itself an audited change by
the same user, and returns the entry that reverses *it*: that entry is what redo applies, so
undo and redo are one mechanism.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from qualcode.models import Coding, Memo
from qualcode.services import codings, memos


@dataclass(frozen=True)
class UndoEntry:
    kind: str  # "added", "removed", "memo", "memo_deleted", "resized"
    data: dict[str, Any]

    @property
    def size(self) -> int:
        """How many codings (or memos) the entry touches: for the message that names it."""
        for key in ("codings", "items"):
            if key in self.data:
                return len(self.data[key])
        return 1


def added(coding_ids: list[int]) -> UndoEntry:
    return UndoEntry("added", {"codings": list(coding_ids)})


def _coding_item(coding: Coding) -> dict[str, int]:
    seg = coding.segment
    return {"document_id": seg.document_id, "start": seg.start, "end": seg.end, "code_id": coding.code_id,
            "coder_id": coding.coder_id}


def removed(*removed_codings: Coding) -> UndoEntry:
    return UndoEntry("removed", {"items": [_coding_item(c) for c in removed_codings]})


def memo_added(memo: Memo) -> UndoEntry:
    return UndoEntry("memo", {"memo": memo.id})


def resized(coding_id: int, start: int, end: int) -> UndoEntry:
    """The entry for a resize: ``start``/``end`` are the boundaries *before* it."""
    return UndoEntry("resized", {"items": [{"coding": coding_id, "start": start, "end": end}]})


def resized_many(items: list[tuple[int, int, int]]) -> UndoEntry:
    return UndoEntry("resized", {"items": [{"coding": c, "start": s, "end": e} for c, s, e in items]})


def apply_undo(session: Session, entry: UndoEntry, *, actor_id: int) -> UndoEntry:
    """Reverse one action, as a new audited change by the same user; returns the entry that
    reverses this reversal (what redo applies)."""
    if entry.kind == "added":
        gone = []
        for coding_id in entry.data["codings"]:
            coding = session.get(Coding, coding_id)
            if coding is not None:
                gone.append(_coding_item(coding))
                codings.remove_coding(session, coding_id, actor_id=actor_id)
        return UndoEntry("removed", {"items": gone})
    if entry.kind == "removed":
        items = entry.data["items"] if "items" in entry.data else [entry.data]
        made = [codings.restore_coding(session, d["document_id"], d["start"], d["end"], d["code_id"], d["coder_id"],
                                       actor_id=actor_id).id for d in items]
        return added(made)
    if entry.kind == "memo":
        memo = session.get(Memo, entry.data["memo"])
        if memo is None:
            return UndoEntry("memo_deleted", {"memo": None})
        kept = {"project_id": memo.project_id, "body": memo.body, "title": memo.title,
                "segment_id": memo.segment_id, "document_id": memo.document_id, "code_id": memo.code_id}
        memos.delete_memo(session, memo.id, actor_id=actor_id)
        return UndoEntry("memo_deleted", kept)
    if entry.kind == "memo_deleted":
        d = entry.data
        if d.get("project_id") is None:
            return UndoEntry("memo", {"memo": None})
        targets = {k: d[k] for k in ("segment_id", "document_id", "code_id") if d.get(k) is not None}
        memo = memos.add_memo(session, d["project_id"], d["body"], actor_id=actor_id, title=d.get("title") or "",
                              **targets)
        return memo_added(memo)
    if entry.kind == "resized":
        items = entry.data["items"] if "items" in entry.data else [entry.data]
        back = []
        for d in items:
            coding = session.get(Coding, d["coding"])
            if coding is None:
                continue
            back.append((coding.id, coding.segment.start, coding.segment.end))
            codings.resize_coding(session, d["coding"], d["start"], d["end"], actor_id=actor_id)
        return resized_many(back)
    raise ValueError(entry.kind)  # pragma: no cover - entries are made by this module only
