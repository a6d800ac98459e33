"""Code helpers, one of each: a code's label in a language, descendants by path, tree order, and
the code frame (one row per code with its codebook and dimension).

A code's hierarchy is its ``path`` (keys joined by ``/``); a *dimension* is a top-level code of a
codebook, and a coding of any of its descendants counts for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.models import Code, Codebook

CODE_FRAME_COLUMNS = ["code_id", "key", "path", "name_id", "name_en", "codebook_id", "codebook", "sort_order",
                      "label", "top_key", "dimension_id"]


def label(name_id: str | None, name_en: str | None, key: str, lang: str = "id") -> str:
    """A code's name in ``lang``: the English name in English when there is one, else the
    Indonesian name, else the English one, else the key. ``Code.label`` says the same."""
    if lang == "en" and name_en:
        return name_en
    return name_id or name_en or key


def is_within(path: str, ancestor: str) -> bool:
    """Whether the code at ``path`` is the code at ``ancestor`` or one of its descendants."""
    return path == ancestor or path.startswith(ancestor + "/")


def descendant_ids(codes: pd.DataFrame, code_ids: Iterable[int]) -> list[int]:
    """The ids of these codes and of every code under them, from a :func:`code_frame`."""
    paths = codes.loc[codes["code_id"].isin(list(code_ids)), "path"].tolist()
    keep = codes["path"].isin(paths)
    for path in paths:
        keep |= codes["path"].str.startswith(path + "/")
    return codes.loc[keep, "code_id"].tolist()


class _Pathed(Protocol):
    path: str
    key: str
    sort_order: int


P = TypeVar("P", bound=_Pathed)


def tree_keys(rows: Iterable[tuple[str, str, int]]) -> dict[str, tuple[tuple[int, str], ...]]:
    """A sort key per code path from ``(path, key, sort_order)`` rows: the codebook's own order
    (sort order, then key) at every level of the tree, so each parent comes before its children."""
    rows = list(rows)
    order = {key: (sort_order or 0, key) for _, key, sort_order in rows}
    return {path: tuple(order.get(k, (0, k)) for k in path.split("/")) for path, _, _ in rows}


def tree_sorted(codes: Sequence[P]) -> list[P]:
    """Codes in tree order: each parent before its children, siblings by their codebook order."""
    keys = tree_keys((c.path, c.key, c.sort_order) for c in codes)
    return sorted(codes, key=lambda c: keys[c.path])


def tree_order(session: Session, project_id: int) -> dict[str, tuple[tuple[int, str], ...]]:
    """:func:`tree_keys` for every code of the project, keyed by path."""
    return tree_keys(session.execute(select(Code.path, Code.key, Code.sort_order)
                                     .where(Code.project_id == project_id)).all())


def code_frame(session: Session, project_id: int, lang: str = "id") -> pd.DataFrame:
    """One row per code: id, key, path, names, label in ``lang``, codebook id and key (NaN/None for
    inductive codes), sort order, and its dimension (the top-level code above it)."""
    rows = session.execute(
        select(Code.id, Code.key, Code.path, Code.name_id, Code.name_en, Code.codebook_id, Codebook.key, Code.sort_order)
        .outerjoin(Codebook, Code.codebook_id == Codebook.id)
        .where(Code.project_id == project_id)
    ).all()
    frame = pd.DataFrame(rows, columns=CODE_FRAME_COLUMNS[:8])
    frame["label"] = [label(i, e, k, lang) for i, e, k in zip(frame["name_id"], frame["name_en"], frame["key"],
                                                              strict=True)]
    by_path = dict(zip(frame["path"], frame["code_id"], strict=True))
    frame["top_key"] = [p.split("/", 1)[0] for p in frame["path"]]
    frame["dimension_id"] = [by_path.get(k, i) for k, i in zip(frame["top_key"], frame["code_id"], strict=True)]
    return frame.sort_values(["codebook", "path"], na_position="last").reset_index(drop=True)


def dimensions(codes: pd.DataFrame, codebook_id: int | None) -> pd.DataFrame:
    """The top-level codes of a codebook (or of every codebook), in codebook order."""
    top = codes[~codes["path"].str.contains("/")]
    if codebook_id is not None:
        top = top[top["codebook_id"] == codebook_id]
    return top.sort_values(["codebook", "sort_order", "path"], na_position="last")


def codebook_code_ids(codes: pd.DataFrame, codebook_ids: Iterable[int]) -> list[int]:
    """Ids of the codes in these codebooks; 0 stands for the codes outside any codebook."""
    wanted = set(codebook_ids)
    books = codes["codebook_id"].fillna(0).astype(int)
    return codes.loc[books.isin(wanted), "code_id"].tolist()


def descendants(session: Session, code: Code) -> list[Code]:
    """Every code under ``code`` (not the code itself), in path order."""
    return list(session.scalars(
        select(Code).where(Code.project_id == code.project_id, Code.path.startswith(code.path + "/", autoescape=True))
        .order_by(Code.path)
    ))


def code_colours(session: Session, project_id: int) -> dict[int, str]:
    """Each code's stored colour (``#RRGGBB``), by code id: charts and the network draw codes in it."""
    return {code_id: colour for code_id, colour in session.execute(select(Code.id, Code.colour)
                                                                .where(Code.project_id == project_id))}
