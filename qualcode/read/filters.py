"""What a reading is restricted to: one :class:`Filters` for displays, exports, measures and agreement."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

INDUCTIVE = 0  # in ``Filters.codebook_ids``: the project's codes outside any codebook

_T = TypeVar("_T")


def _tuple(value: Iterable[_T] | None) -> tuple[_T, ...]:
    return () if value is None else tuple(value)


@dataclass(frozen=True, init=False)
class Filters:
    """An empty tuple (or ``None``, or an empty list: they are normalised) means no restriction.

    - ``codebook_ids``: codes of these codebooks; :data:`INDUCTIVE` (0) stands for the codes
      outside any codebook.
    - ``code_ids``: these codes and all their sub-codes (descendants by path).
    - ``coder_ids``: codings by these coders.
    - ``kinds``: documents of these kinds (interview, observation, document).
    - ``groups``: documents linked to a case of one of these stakeholder groups.
    - ``case_ids``: documents linked to one of these cases.
    - ``document_ids``: these documents.
    """

    codebook_ids: tuple[int, ...] = ()
    code_ids: tuple[int, ...] = ()
    coder_ids: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    case_ids: tuple[int, ...] = ()
    document_ids: tuple[int, ...] = ()

    def __init__(self, *, codebook_ids: Iterable[int] | None = None, code_ids: Iterable[int] | None = None,
                 coder_ids: Iterable[int] | None = None, kinds: Iterable[str] | None = None,
                 groups: Iterable[str] | None = None, case_ids: Iterable[int] | None = None,
                 document_ids: Iterable[int] | None = None) -> None:
        # Callers pass lists (widget values), tuples or None; the fields always hold tuples, so the
        # filters stay hashable and compare equal however they were given.
        set_field = object.__setattr__  # the dataclass is frozen
        set_field(self, "codebook_ids", _tuple(codebook_ids))
        set_field(self, "code_ids", _tuple(code_ids))
        set_field(self, "coder_ids", _tuple(coder_ids))
        set_field(self, "kinds", _tuple(kinds))
        set_field(self, "groups", _tuple(groups))
        set_field(self, "case_ids", _tuple(case_ids))
        set_field(self, "document_ids", _tuple(document_ids))

    def but(self, **changes: Any) -> Filters:
        """A copy with some restrictions replaced (``filters.but(code_ids=())``)."""
        return replace(self, **changes)

    @property
    def selects_documents(self) -> bool:
        """Whether the filters narrow which documents are read (not only which codings)."""
        return bool(self.kinds or self.groups or self.case_ids or self.document_ids)


NO_FILTERS = Filters()
