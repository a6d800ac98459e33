"""What a reading is restricted to: one :class:`Filters` for displays, exports, measures and agreement."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Any

INDUCTIVE = 0  # in ``Filters.codebook_ids``: the project's codes outside any codebook


def _tuple(value: Iterable[Any] | None) -> tuple[Any, ...]:
    return () if value is None else tuple(value)


@dataclass(frozen=True)
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

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, _tuple(getattr(self, f.name)))

    def but(self, **changes: Any) -> Filters:
        """A copy with some restrictions replaced (``filters.but(code_ids=())``)."""
        return replace(self, **changes)

    @property
    def selects_documents(self) -> bool:
        """Whether the filters narrow which documents are read (not only which codings)."""
        return bool(self.kinds or self.groups or self.case_ids or self.document_ids)


NO_FILTERS = Filters()
