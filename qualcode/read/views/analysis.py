"""What the three Analysis pages (condensation, display, conclusions) share: the project's codes
with labels in the UI language, codebooks, coders, documents, stakeholder groups, pattern codes."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.analysis import displays, register
from qualcode.models import Document
from qualcode.read.views import common


@dataclass(frozen=True)
class AnalysisContext:
    books: list[common.BookInfo]
    codes: pd.DataFrame  # displays.code_frame: code_id, key, path, label, codebook_id, dimension_id, ...
    people: list[common.Member]
    documents: dict[int, str]  # id -> title, by title
    groups: list[str]  # stakeholder groups of linked cases
    patterns: pd.DataFrame  # register.pattern_code_table: pattern_code_id, name, codes, definition, memo

    @property
    def code_labels(self) -> dict[int, str]:
        """Code id -> "label · key", in tree order."""
        return {int(i): f"{label} · {key}" for i, label, key in
                zip(self.codes["code_id"], self.codes["label"], self.codes["key"], strict=True)}

    @property
    def book_names(self) -> dict[int, str]:
        return {b.id: b.name for b in self.books}

    @property
    def pattern_names(self) -> dict[int, str]:
        return {int(i): n for i, n in zip(self.patterns["pattern_code_id"], self.patterns["name"], strict=True)}


def analysis_context(session: Session, project_id: int, lang: str) -> AnalysisContext:
    documents = session.execute(select(Document.id, Document.title).where(Document.project_id == project_id)
                                .order_by(Document.title)).all()
    return AnalysisContext(
        books=common.codebooks(session, project_id),
        codes=displays.code_frame(session, project_id, lang),
        people=common.members(session, project_id),
        documents={i: t for i, t in documents},
        groups=sorted(set(displays.case_frame(session, project_id)["group"])),
        patterns=register.pattern_code_table(session, project_id, lang),
    )
