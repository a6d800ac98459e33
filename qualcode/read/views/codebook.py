"""The Codebook page's view: the codebooks, every code in tree order with its coding count, and
each codebook's exportable form."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.codebooks import CodebookSpec
from qualcode.frameworks import Framework, shipped_frameworks
from qualcode.models import Code
from qualcode.read import entities as read_entities
from qualcode.read import tables as queries
from qualcode.read.codes import tree_sorted
from qualcode.read.views import common
from qualcode.services.codes import slugify

__all__ = ["CodeView", "CodebookView", "codebook_view", "slugify"]


@dataclass(frozen=True)
class CodeView:
    id: int
    key: str
    path: str
    depth: int
    codebook_id: int | None
    name_id: str
    name_en: str
    colour: str
    definition: str
    inclusion: str
    exclusion: str
    examples: list[str]
    indicators: list[str]
    codings: int
    with_subcodes: int = 0  # codings of the code and every code under it

    def label(self, lang: str) -> str:
        if lang == "en" and self.name_en:
            return self.name_en
        return self.name_id or self.name_en or self.key

    def is_under(self, other: CodeView) -> bool:
        return self.path.startswith(other.path + "/")


@dataclass(frozen=True)
class CodebookView:
    books: list[common.BookInfo]
    codes: list[CodeView]  # tree order: each parent before its children
    by_id: dict[int, CodeView] = field(default_factory=dict)
    specs: dict[int, CodebookSpec] = field(default_factory=dict)  # codebook id -> its exchange form
    frameworks: list[Framework] = field(default_factory=list)  # shipped codebooks not applied here yet


def codebook_view(session: Session, project_id: int) -> CodebookView:
    codes = tree_sorted(list(session.scalars(select(Code).where(Code.project_id == project_id))))
    table = queries.code_table(session, project_id)
    counts = dict(zip(table["id"], table["codings"], strict=True))
    below: dict[str, int] = {}  # codings of a code and of every code under it, by path
    for c in codes:
        parts = c.path.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            below[prefix] = below.get(prefix, 0) + int(counts.get(c.id, 0))
    views = [CodeView(c.id, c.key, c.path, c.depth, c.codebook_id, c.name_id, c.name_en or "", c.colour,
                      c.definition or "", c.inclusion or "", c.exclusion or "", list(c.examples or []),
                      list(c.indicators or []), int(counts.get(c.id, 0)), int(below.get(c.path, 0))) for c in codes]
    books = common.codebooks(session, project_id)
    applied = {b.key for b in books}
    return CodebookView(books, views, {v.id: v for v in views}, {b.id: codebook_spec(session, b.id) for b in books},
                        [f for f in shipped_frameworks() if f.id not in applied])


def codebook_spec(session: Session, codebook_id: int) -> CodebookSpec:
    """One codebook in the exchange form every codebook file format is written from."""
    return read_entities.codebook_spec(session, codebook_id, with_guids=True)
