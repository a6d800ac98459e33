"""YAML from files other people made, within bounds: no anchors or aliases, limited nesting.

A YAML codebook never needs anchors and aliases (``&a`` / ``*a``), and expanding them is how a
916-byte file asks for gigabytes; deep nesting makes the composer recurse until Python gives up.
So the event stream is read first (libyaml's parser when present: linear, not recursive) and the
document is refused at the first anchor, alias or the level past ``limits.MAX_YAML_NESTING``;
only then is it composed and constructed, with the safe loader.
"""

from __future__ import annotations

from typing import Any

import yaml

from qualcode import limits
from qualcode.errors import ImportFileError

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _line(event: yaml.Event) -> int:
    mark = event.start_mark
    return mark.line + 1 if mark is not None else 0


def check_bounds(text: str, filename: str, max_mappings: tuple[int, ImportFileError] | None = None) -> None:
    """Refuse ``text`` (``limit.yaml_alias`` / ``limit.yaml_nesting``) before it is composed.

    ``max_mappings``: (most mappings allowed, the error to raise past it), for callers whose
    format bounds the number of mappings (a codebook has two per code)."""
    depth = mappings = 0
    for event in yaml.parse(text, Loader=_Loader):
        if max_mappings is not None and isinstance(event, yaml.MappingStartEvent):
            mappings += 1
            if mappings > max_mappings[0]:
                raise max_mappings[1]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise ImportFileError("limit.yaml_alias", file=filename, line=_line(event))
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > limits.MAX_YAML_NESTING:
                raise ImportFileError("limit.yaml_nesting", file=filename, line=_line(event),
                                      limit=limits.MAX_YAML_NESTING)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def load(text: str, filename: str, max_mappings: tuple[int, ImportFileError] | None = None) -> Any:
    """The YAML document in ``text``; yaml.YAMLError for a syntax error, ImportFileError past a bound."""
    check_bounds(text, filename, max_mappings)
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - the safe loader (C or Python)
