"""Codebooks as spreadsheets (CSV): a full layout that round-trips, and a minimal ``path, description``.

Full layout, one row per code in tree order (what ``codebook_to_csv`` writes)::

    path, id, name_id, name_en, colour, definition, inclusion, exclusion, examples, indicators

``path`` is the code's ids joined by ``/``; examples are joined with `` | ``, indicators with ``; ``.
The minimal layout is just ``path, description``: path segments may be names with spaces
(``Kondisi awal/Asimetri kekuasaan``); ids are made from them, parents that have no row of their
own are created, and the description becomes the definition. Any subset of the full columns
works too (``color`` and ``description`` are accepted for ``colour`` and ``definition``, ``name``
for both names). Codebook metadata is not carried: id and name come from the caller or the file name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from qualcode import limits
from qualcode.codebooks import FORMAT, ID_RE, CodebookMeta, CodebookSpec, CodeNames, CodeSpec
from qualcode.errors import ImportFileError, Part
from qualcode.exchange import DEFAULT_COLOUR, IdAllocator, normalise_colour, snake_id
from qualcode.files import writer
from qualcode.files.csvfile import read_csv
from qualcode.files.writer import restore

COLUMNS = ("path", "id", "name_id", "name_en", "colour", "definition", "inclusion", "exclusion", "examples", "indicators")
ALIASES = {"color": "colour", "description": "definition", "name": "name"}
EXAMPLE_SEPARATOR = " | "
INDICATOR_SEPARATOR = "; "


def codebook_to_csv(spec: CodebookSpec) -> bytes:
    """The full layout, UTF-8 with a byte order mark so that Excel reads Indonesian text correctly;
    formula-safe (``qualcode.files.writer``), which the reader undoes."""
    rows = (
        [path, code.id, code.name.id, code.name.en, code.colour, code.definition, code.inclusion, code.exclusion,
         EXAMPLE_SEPARATOR.join(code.examples), INDICATOR_SEPARATOR.join(code.indicators)]
        for path, code, _ in spec.walk()
    )
    return writer.csv_rows(COLUMNS, rows)


# ---------------------------------------------------------------- reading


def _column(header: str) -> str:
    name = header.strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(name, name)


@dataclass
class _Row:
    number: int
    segments: tuple[str, ...]
    values: dict[str, str]


@dataclass
class _Node:
    segment: str
    first_row: int
    row: _Row | None = None
    children: list[_Node] = field(default_factory=list)


def _read_rows(data: bytes, filename: str) -> list[_Row]:
    sheet = read_csv(filename, data, wanted=("path",), normalise=_column, corrupt_key="exchange.csv_malformed")
    reader = iter(sheet.rows)
    header = next(reader, None)
    if header is None:
        raise ImportFileError("exchange.csv_empty", file=filename)
    columns = [_column(c) for c in header]
    known = {*COLUMNS, "name"}
    if "path" not in columns:
        raise ImportFileError("exchange.csv_no_path", file=filename, columns=", ".join(h.strip() for h in header))
    for column in columns:
        if column and column not in known:
            raise ImportFileError("exchange.csv_unknown_column", file=filename, column=column,
                                  known=", ".join(COLUMNS))
        if column and columns.count(column) > 1:
            raise ImportFileError("exchange.csv_duplicate_column", file=filename, column=column)
    rows: list[_Row] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            raise ImportFileError("exchange.csv_extra_cells", file=filename, row=number)
        values = {col: restore(cell.replace("\r\n", "\n")) for col, cell in zip(columns, cells, strict=False) if col}
        path = values.get("path", "").strip()
        if not path:
            raise ImportFileError("exchange.csv_empty_path", file=filename, row=number)
        segments = tuple(s.strip() for s in path.split("/", limits.MAX_CODE_DEPTH))
        if len(segments) > limits.MAX_CODE_DEPTH:
            raise ImportFileError("limit.code_depth", file=filename, where=Part("where.row", row=number),
                                  limit=limits.MAX_CODE_DEPTH)
        if not all(segments):
            raise ImportFileError("exchange.csv_bad_path", file=filename, row=number, path=path)
        rows.append(_Row(number, segments, values))
    return rows


def _tree(rows: list[_Row], filename: str) -> list[_Node]:
    """Nodes in order of first mention; parents without a row of their own are created."""
    roots: list[_Node] = []
    nodes: dict[tuple[str, ...], _Node] = {}
    for row in rows:
        for depth in range(1, len(row.segments) + 1):
            key = row.segments[:depth]
            if key not in nodes:
                nodes[key] = _Node(key[-1], row.number)
                (nodes[key[:-1]].children if depth > 1 else roots).append(nodes[key])
        node = nodes[row.segments]
        if node.row is not None:
            raise ImportFileError("exchange.csv_duplicate_path", file=filename, row=row.number,
                                  path="/".join(row.segments), first=node.row.number)
        node.row = row
    return roots


def _nodes(roots: list[_Node]) -> Iterator[_Node]:
    """Every node, without recursion."""
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _explicit_ids(rows: list[_Row], filename: str) -> set[str]:
    seen: dict[str, int] = {}
    for row in rows:
        code_id = row.values.get("id", "").strip()
        if not code_id:
            continue
        if not ID_RE.match(code_id):
            raise ImportFileError("exchange.csv_bad_id", file=filename, row=row.number, id=code_id)
        if code_id in seen:
            raise ImportFileError("exchange.csv_duplicate_id", file=filename, row=row.number, id=code_id,
                                  first=seen[code_id])
        seen[code_id] = row.number
    return set(seen)


def _split(cell: str, separator: str) -> list[str]:
    return [item.strip() for item in cell.split(separator) if item.strip()]


def _to_spec(node: _Node, ids: IdAllocator, filename: str) -> CodeSpec:
    values = node.row.values if node.row is not None else {}
    explicit = values.get("id", "").strip()
    code_id = ids.claim(explicit) if explicit else ids.derive(node.segment)

    def get(key: str) -> str:
        return values.get(key, "").strip()

    name_id = get("name_id") or get("name") or get("name_en") or node.segment
    name_en = get("name_en") or get("name") or get("name_id") or node.segment
    colour = DEFAULT_COLOUR
    row_number = node.row.number if node.row is not None else node.first_row
    if get("colour"):
        colour = normalise_colour(get("colour")) or ""
        if not colour:
            raise ImportFileError("exchange.csv_bad_colour", file=filename, row=row_number, colour=get("colour"))
    children = [_to_spec(child, ids, filename) for child in node.children]
    try:
        return CodeSpec(
            id=code_id, name=CodeNames(id=name_id, en=name_en), colour=colour,
            definition=values.get("definition", ""), inclusion=values.get("inclusion", ""),
            exclusion=values.get("exclusion", ""), examples=_split(values.get("examples", ""), EXAMPLE_SEPARATOR),
            indicators=_split(values.get("indicators", ""), ";"), children=children,
        )
    except ValidationError as exc:
        problem = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise ImportFileError("exchange.csv_bad_row", file=filename, row=row_number, problem=problem)


def csv_to_codebook(data: bytes, filename: str, *, codebook_id: str | None = None, name: str | None = None) -> CodebookSpec:
    """Read a codebook sheet in the full or the minimal layout (module docstring).

    Read by ``qualcode.files.csvfile``: any encoding the decoder knows, the delimiter (``,``, ``;``
    or tab) sniffed from the header. Errors name the file and the row (the header is row 1, as in a
    spreadsheet); sheets beyond ``qualcode.limits`` (rows, codes, path depth) are refused.
    """
    rows = _read_rows(data, filename)
    if not rows:
        raise ImportFileError("exchange.no_codes", file=filename)
    roots = _tree(rows, filename)
    if sum(1 for _ in _nodes(roots)) > limits.MAX_CODEBOOK_CODES:
        raise ImportFileError("limit.codebook_codes", file=filename, limit=f"{limits.MAX_CODEBOOK_CODES:,}")
    ids = IdAllocator(_explicit_ids(rows, filename))
    codes = [_to_spec(node, ids, filename) for node in roots]
    stem = Path(filename).stem
    meta = CodebookMeta(id=codebook_id or snake_id(stem, fallback="codebook"), name=name or stem or "codebook")
    return CodebookSpec(format=FORMAT, codebook=meta, codes=codes)
