"""The codebook YAML format (``codebooks/README.md``): parse, validate, write.

Pure functions over text and plain data; storing a codebook in a project is
``qualcode.services.codebooks``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from qualcode import limits
from qualcode.errors import ImportFileError, Part
from qualcode.files import yamlload

FORMAT = "qualcode-codebook/1"
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


class CodeNames(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    en: str = Field(min_length=1)


class CodeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: CodeNames
    colour: str = "#999999"
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    examples: list[str] = Field(default_factory=list)
    indicators: list[str] = Field(default_factory=list)
    children: list[CodeSpec] = Field(default_factory=list)
    # Optional stable identity (REFI-QDA exchange keeps it); YAML files usually leave it out.
    guid: str | None = None

    @field_validator("id")
    @classmethod
    def _snake_case(cls, value: str) -> str:
        if not ID_RE.match(value):
            raise ValueError(f"id {value!r} is not snake_case (a-z, 0-9 and _, starting with a letter)")
        return value

    @field_validator("colour")
    @classmethod
    def _colour(cls, value: str) -> str:
        if not COLOUR_RE.match(value):
            raise ValueError(f"colour {value!r} is not #RRGGBB")
        return value.upper()

    @field_validator("definition", "inclusion", "exclusion")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class CodebookMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str = Field(min_length=1)
    version: str = ""
    authors: list[str] = Field(default_factory=list)
    source: str = ""
    language: str = "id"
    description: str = ""
    guid: str | None = None

    @field_validator("id")
    @classmethod
    def _snake_case(cls, value: str) -> str:
        if not ID_RE.match(value):
            raise ValueError(f"codebook id {value!r} is not snake_case")
        return value

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) else value


class CodebookUse(BaseModel):
    """What analysis and suggestions need to know about a codebook's codes (``meta:`` in the YAML).

    Knowledge about a particular framework lives here, in its file, not in code: which codes are
    directions (a 5C factor is coded with a C and one direction on the same segment), which codes
    are never suggested on their own, and which codebook's factors the cross-framework matrix pairs
    this codebook's dimensions with by default."""

    model_config = ConfigDict(extra="forbid")

    directions: list[str] = Field(default_factory=list)
    never_suggested: list[str] = Field(default_factory=list)
    cross_framework_factors: str | None = None  # the id of another codebook

    @field_validator("cross_framework_factors")
    @classmethod
    def _snake_case(cls, value: str | None) -> str | None:
        if value is not None and not ID_RE.match(value):
            raise ValueError(f"codebook id {value!r} is not snake_case")
        return value

    def is_empty(self) -> bool:
        return not (self.directions or self.never_suggested or self.cross_framework_factors)


class CodebookSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: str
    codebook: CodebookMeta
    meta: CodebookUse = Field(default_factory=CodebookUse)
    codes: list[CodeSpec] = Field(default_factory=list)

    @field_validator("format")
    @classmethod
    def _format(cls, value: str) -> str:
        if value != FORMAT:
            raise ValueError(f"format must be {FORMAT!r}, not {value!r}")
        return value

    def walk(self) -> Iterator[tuple[str, CodeSpec, int]]:
        """Every code with its path and its position among its siblings, parents first."""

        def rec(codes: list[CodeSpec], prefix: str) -> Iterator[tuple[str, CodeSpec, int]]:
            for position, code in enumerate(codes):
                path = f"{prefix}/{code.id}" if prefix else code.id
                yield path, code, position
                yield from rec(code.children, path)

        return rec(self.codes, "")


def _code_path_of(data: Any, loc: tuple[Any, ...]) -> Part:
    """Turn a pydantic error location into the code path a researcher recognises."""
    ids: list[str] = []
    node = data
    trail: list[str] = []
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            if isinstance(node, dict):
                ids.append(str(node.get("id", f"#{part + 1}")))
                continue
        else:
            trail.append(str(part))
            continue
        if part not in ("codes", "children"):
            trail.append(str(part))
    where = "/".join(ids)
    field = ".".join(trail)
    if where and field:
        return Part("where.code_field", code=where, field=field)
    if where:
        return Part("where.code", code=where)
    return Part("where.field", field=field) if field else Part("where.top")


def _problem(error: Any) -> Part | str:
    """A pydantic error as a researcher reads it: the usual kinds in the UI language, the rest as
    pydantic words it (the field is named beside it)."""
    kind, context = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return Part("problem.missing")
    if kind in ("string_type", "list_type", "dict_type", "model_type", "int_type", "bool_type"):
        return Part(f"problem.{kind}")
    if kind == "string_too_long":
        return Part("problem.too_long", limit=context.get("max_length", ""))
    if kind == "extra_forbidden":
        return Part("problem.unknown_field")
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    colour = re.fullmatch(r"colour (.*) is not #RRGGBB", message)
    if colour:
        return Part("problem.colour", value=colour.group(1))
    return message


def check_tree(data: dict[str, Any], filename: str) -> None:
    """Refuse a parsed codebook with more codes or deeper paths than ``qualcode.limits`` allows.

    Walks the plain data without recursion, before pydantic builds (recursively) the models."""
    stack: list[tuple[Any, str]] = [(data.get("codes"), "")]
    count = 0
    while stack:
        codes, parent = stack.pop()
        if not isinstance(codes, list):
            continue
        for position, code in enumerate(codes):
            count += 1
            if count > limits.MAX_CODEBOOK_CODES:
                raise ImportFileError("limit.codebook_codes", file=filename, limit=f"{limits.MAX_CODEBOOK_CODES:,}")
            if not isinstance(code, dict):
                continue
            path = f"{parent}/{code.get('id', f'#{position + 1}')}" if parent else str(code.get("id", f"#{position + 1}"))
            if path.count("/") + 1 > limits.MAX_CODE_DEPTH:
                raise ImportFileError("limit.code_depth", file=filename, where=Part("where.code", code=path[:200]),
                                      limit=limits.MAX_CODE_DEPTH)
            stack.append((code.get("children"), path))


def parse_codebook(text: str, filename: str) -> CodebookSpec:
    """Parse and validate YAML text; errors name the file and the code path.

    The YAML is loaded within bounds (``qualcode.files.yamlload``: no anchors or aliases, limited
    nesting), and the code tree is checked against ``qualcode.limits`` before it is validated."""
    try:
        # A code is two mappings (the code and its names), the file two more: refuse a file with
        # more before it is even constructed; check_tree counts the codes exactly afterwards.
        too_many = ImportFileError("limit.codebook_codes", file=filename, limit=f"{limits.MAX_CODEBOOK_CODES:,}")
        data = yamlload.load(text, filename, max_mappings=(2 * limits.MAX_CODEBOOK_CODES + 2, too_many))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = Part("where.line", line=mark.line + 1) if mark is not None else Part("where.unknown_line")
        raise ImportFileError("error.codebook_yaml", file=filename, where=where, problem=str(exc).splitlines()[0])
    if not isinstance(data, dict):
        raise ImportFileError("error.codebook_invalid", file=filename, where=Part("where.top"),
                              problem=Part("problem.not_mapping"))
    check_tree(data, filename)
    try:
        spec = CodebookSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ImportFileError(
            "error.codebook_invalid",
            file=filename,
            where=_code_path_of(data, tuple(first["loc"])),
            problem=_problem(first),
        )
    seen: dict[str, str] = {}
    for path, code, _ in spec.walk():
        if code.id in seen:
            raise ImportFileError(
                "error.codebook_invalid",
                file=filename,
                where=Part("where.code", code=path),
                problem=Part("problem.id_twice", id=code.id, other=seen[code.id]),
            )
        seen[code.id] = path
    for field in ("directions", "never_suggested"):
        unknown = [key for key in getattr(spec.meta, field) if key not in seen]
        if unknown:
            raise ImportFileError("error.codebook_invalid", file=filename, where=Part("where.field", field=f"meta.{field}"),
                                  problem=Part("problem.no_such_code", id=unknown[0]))
    return spec


def parse_codebook_bytes(data: bytes, filename: str) -> CodebookSpec:
    """A YAML codebook file's bytes, decoded by ``qualcode.files.decode`` (UTF-8, UTF-16,
    Windows-1252...), parsed and validated."""
    from qualcode.files.decode import decode_text

    return parse_codebook(decode_text(filename, data), filename)


def load_codebook_file(path: str | Path) -> CodebookSpec:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError("error.file_unreadable", file=path.name, problem=exc.strerror or str(exc))
    return parse_codebook_bytes(data, path.name)


def dump_codebook(spec: CodebookSpec) -> str:
    """YAML text in the documented format (empty optional fields left out)."""

    def code_dict(code: CodeSpec) -> dict[str, Any]:
        out: dict[str, Any] = {"id": code.id, "name": {"id": code.name.id, "en": code.name.en}, "colour": code.colour}
        if code.guid:
            out["guid"] = code.guid
        for key in ("definition", "inclusion", "exclusion"):
            if getattr(code, key):
                out[key] = getattr(code, key)
        if code.examples:
            out["examples"] = list(code.examples)
        if code.indicators:
            out["indicators"] = list(code.indicators)
        if code.children:
            out["children"] = [code_dict(c) for c in code.children]
        return out

    meta = spec.codebook.model_dump(exclude_none=True)
    data: dict[str, Any] = {"format": FORMAT, "codebook": meta}
    if not spec.meta.is_empty():
        data["meta"] = spec.meta.model_dump(exclude_defaults=True)
    data["codes"] = [code_dict(c) for c in spec.codes]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
