"""The frameworks qualcode ships: the codebooks in ``codebooks/*.yaml``, offered by name to a new
study and to the Codebook page, so nobody has to reach the server's disk to use one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qualcode.codebooks import CodebookSpec, load_codebook_file
from qualcode.config import CODEBOOKS_DIR
from qualcode.errors import NotFoundError


@dataclass(frozen=True)
class Framework:
    """One shipped codebook as a chooser shows it."""

    id: str
    name: str
    description: str
    source: str
    codes: int


def _specs(directory: Path) -> dict[str, CodebookSpec]:
    specs = (load_codebook_file(path) for path in sorted(directory.glob("*.yaml")))
    return {spec.codebook.id: spec for spec in specs}


def shipped_frameworks(directory: Path = CODEBOOKS_DIR) -> list[Framework]:
    """Every shipped codebook, in file-name order, with its description and number of codes."""
    return [Framework(spec.codebook.id, spec.codebook.name, spec.codebook.description, spec.codebook.source,
                      sum(1 for _ in spec.walk()))
            for spec in _specs(directory).values()]


def shipped_framework(framework_id: str, directory: Path = CODEBOOKS_DIR) -> CodebookSpec:
    """The shipped codebook ``framework_id`` (its ``codebook.id``), parsed and validated."""
    spec = _specs(directory).get(framework_id)
    if spec is None:
        raise NotFoundError("error.framework_not_found", framework=framework_id)
    return spec
