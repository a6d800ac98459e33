"""REFI-QDA codebooks (``.qdc``, QDA-XML codebook 1.0): write a ``CodebookSpec``, read any tool's file.

What goes where is in ``docs/refi-qda.md``. In short: a ``Code`` element per code, nested like the
codes; ``name`` is the Indonesian name; everything REFI has no field for (English name, id,
criteria, examples, indicators) goes into the ``Description`` as labelled plain text that other
tools show to people and that ``qdc_to_codebook`` reads back exactly::

    <definition>

    Inclusion: <inclusion>

    Exclusion: <exclusion>

    Examples:
    - <example>
      <continuation line of a multi-line example>

    Indicators: <term>; <term>; <term>

    qualcode: id=<snake_case id>; en=<English name>

Empty sections are left out. The labelled layout is only read from a Description whose last line
is the ``qualcode:`` line; any other Description is a foreign one and becomes the definition whole.
A paragraph of free text that would read as a label is escaped with a leading backslash.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from pydantic import ValidationError

from qualcode import __version__, limits
from qualcode.codebooks import FORMAT, ID_RE, CodebookMeta, CodebookSpec, CodeNames, CodeSpec
from qualcode.errors import ImportFileError, Part
from qualcode.exchange import DEFAULT_COLOUR, IdAllocator, normalise_colour, snake_id
from qualcode.exchange.xmlerrors import schema_refusals, syntax_refusal

NS = "urn:QDA-XML:codebook:1.0"
_GUID_RE = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
# Characters XML 1.0 cannot carry at all (C0 controls other than tab, LF, CR; surrogates; FFFE/FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

INCLUSION, EXCLUSION, EXAMPLES, INDICATORS, MARKER = "Inclusion: ", "Exclusion: ", "Examples:", "Indicators:", "qualcode: "
_LABELISH = ("Inclusion:", "Exclusion:", "Examples:", "Indicators:", "qualcode:")
_MARKER_RE = re.compile(r"^qualcode: id=([^;]*); en=(.*)$")


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


# ---------------------------------------------------------------- the Description layout


@dataclass
class DescriptionFields:
    """What a qualcode Description carries besides the definition."""

    id: str
    en: str
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    examples: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)


def _is_labelish(line: str) -> bool:
    return line.lstrip("\\").startswith(_LABELISH)


def _escape(text: str, first_is_boundary: bool) -> str:
    """Backslash-escape lines of free text that would be read as a section label."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        boundary = (i == 0 and first_is_boundary) or (i > 0 and lines[i - 1] == "")
        if boundary and _is_labelish(line):
            lines[i] = "\\" + line
    return "\n".join(lines)


def _items(items: list[str]) -> str:
    """A ``- `` list; lines after an item's first are indented by two spaces."""
    return "\n".join("- " + item.replace("\n", "\n  ") for item in items)


def render_description(code: CodeSpec) -> str:
    """The Description text of a code in the layout of the module docstring."""
    blocks: list[str] = []
    if code.definition:
        blocks.append(_escape(code.definition, first_is_boundary=True))
    if code.inclusion:
        blocks.append(INCLUSION + _escape(code.inclusion, first_is_boundary=False))
    if code.exclusion:
        blocks.append(EXCLUSION + _escape(code.exclusion, first_is_boundary=False))
    if code.examples:
        blocks.append(EXAMPLES + "\n" + _items(code.examples))
    if code.indicators:
        inline = all(i and i == i.strip() and ";" not in i and "\n" not in i for i in code.indicators)
        blocks.append(INDICATORS + (" " + "; ".join(code.indicators) if inline else "\n" + _items(code.indicators)))
    english = code.name.en.replace("\n", " ")
    blocks.append(f"{MARKER}id={code.id}; en={english}")
    return "\n\n".join(blocks)


def _parse_items(lines: list[str]) -> list[str]:
    items: list[str] = []
    for line in lines:
        if line.startswith("- ") or line == "-":
            items.append(line[2:])
        elif line.startswith("  ") and items:
            items[-1] += "\n" + line[2:]
        elif items:  # edited by hand in another tool: keep the text rather than drop it
            items[-1] += "\n" + line
        else:
            items.append(line)
    return items


def parse_description(text: str) -> DescriptionFields | None:
    """Read a Description written by ``render_description``; ``None`` when it is not one of ours."""
    lines = text.rstrip().split("\n")
    marker = _MARKER_RE.match(lines[-1])
    if marker is None or (len(lines) > 1 and lines[-2] != ""):
        return None
    order = ["definition", INCLUSION, EXCLUSION, EXAMPLES, INDICATORS]
    sections: dict[str, list[str]] = {name: [] for name in order}
    current = 0
    for i, line in enumerate(lines[:-1]):
        boundary = i == 0 or lines[i - 1] == ""
        if boundary:
            label = next((n for n in order[current + 1:] if line.startswith(n) or line == n.rstrip()), None)
            if label is not None:
                current = order.index(label)
                sections[label].append(line[len(label):])
                continue
            if line.startswith("\\") and _is_labelish(line):
                line = line[1:]
        sections[order[current]].append(line)
    for name, body in sections.items():
        if body and body[-1] == "":  # the blank line that separates it from the next section
            body.pop()
        if name in (EXAMPLES, INDICATORS) and body and body[0].strip() == "":
            body.pop(0)  # the empty rest of the "Examples:" line
    indicators = sections[INDICATORS]
    if len(indicators) == 1 and not indicators[0].startswith("- "):
        terms = [t.strip() for t in indicators[0].split(";") if t.strip()]
    else:
        terms = _parse_items(indicators)
    return DescriptionFields(
        id=marker.group(1).strip(),
        en=marker.group(2).strip(),
        definition="\n".join(sections["definition"]),
        inclusion="\n".join(sections[INCLUSION]),
        exclusion="\n".join(sections[EXCLUSION]),
        examples=_parse_items(sections[EXAMPLES]),
        indicators=terms,
    )


# ---------------------------------------------------------------- writing


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _guid(value: str | None) -> str:
    return value if value and _GUID_RE.match(value) else str(uuid.uuid4())


def codebook_to_qdc(spec: CodebookSpec) -> bytes:
    """The codebook as a REFI-QDA ``.qdc`` document (UTF-8 XML that validates against Codebook.xsd).

    Codes keep the spec's GUIDs; a code without one (or with a malformed one) gets a new random
    GUID. Codebook-level metadata (id, name, version, source...) has no place in the schema and is
    not written; the ``origin`` attribute names qualcode.
    """
    root = etree.Element(_q("CodeBook"), nsmap={None: NS})
    root.set("origin", f"qualcode {__version__}")
    codes = etree.SubElement(root, _q("Codes"))

    def add(parent: etree._Element, code: CodeSpec) -> None:
        element = etree.SubElement(parent, _q("Code"))
        element.set("guid", _guid(code.guid))
        element.set("name", _xml_text(code.name.id))
        element.set("isCodable", "true")
        element.set("color", code.colour.upper())
        etree.SubElement(element, _q("Description")).text = _xml_text(render_description(code))
        for child in code.children:
            add(element, child)

    for code in spec.codes:
        add(codes, code)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8", pretty_print=True)


# ---------------------------------------------------------------- reading


class _RefuseDoctype:
    """Parser target for a first, cheap pass: stops at a DOCTYPE or at the root element."""

    class Found(Exception):
        def __init__(self, doctype: str | None) -> None:
            self.doctype = doctype

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise self.Found(name or "?")

    def start(self, tag: str, attrib: object) -> None:
        raise self.Found(None)

    def close(self) -> None:
        return None


def _safe_parser(target: object | None = None) -> etree.XMLParser:
    return etree.XMLParser(target=target, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=True, remove_pis=True)


def parse_xml(data: bytes, filename: str) -> etree._Element:
    """Parse untrusted XML bytes: no DTD, no entities, no network, default size limits.

    A document with a DOCTYPE is refused before anything in it is read, so neither internal
    entity expansion (billion laughs) nor external entities can happen.
    """
    try:
        etree.fromstring(data, _safe_parser(_RefuseDoctype()))
    except _RefuseDoctype.Found as found:
        if found.doctype is not None:
            raise ImportFileError("exchange.doctype", file=filename, doctype=found.doctype)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise syntax_refusal(exc, filename) from exc
    try:
        return etree.fromstring(data, _safe_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise syntax_refusal(exc, filename) from exc


@dataclass
class _Node:
    element: etree._Element
    name: str
    label: str
    guid: str | None
    colour: str
    description: str
    ours: DescriptionFields | None
    children: list[_Node]


def _read_code(element: etree._Element, filename: str, trail: str, guids: set[str]) -> _Node:
    line = element.sourceline or 0
    name = element.get("name")
    if name is None or not name.strip():
        raise ImportFileError("exchange.code_no_name", file=filename, line=line, parent=trail or "Codes")
    label = f"{trail} > {name}" if trail else name
    guid = element.get("guid")
    if guid is not None:
        match = _GUID_RE.match(guid.strip())
        if match is None:
            raise ImportFileError("exchange.bad_guid", file=filename, line=line, code=label, guid=guid)
        guid = match.group(1).lower()
        if guid in guids:
            raise ImportFileError("exchange.duplicate_guid", file=filename, line=line, code=label, guid=guid)
        guids.add(guid)
    raw_colour = element.get("color")
    colour = DEFAULT_COLOUR if raw_colour is None or not raw_colour.strip() else normalise_colour(raw_colour)
    if colour is None:
        raise ImportFileError("exchange.bad_colour", file=filename, line=line, code=label, colour=raw_colour)
    described = element.find(_q("Description"))
    description = "".join(described.itertext()) if described is not None else ""
    description = description.replace("\r\n", "\n").replace("\r", "\n")
    children = [_read_code(child, filename, label, guids) for child in element.iterfind(_q("Code"))]
    return _Node(element, name, label, guid, colour, description, parse_description(description), children)


def check_tree(elements: list[etree._Element], filename: str) -> None:
    """Refuse a code tree with more codes or deeper paths than ``qualcode.limits`` allows,
    walking it without recursion before anything is built from it."""
    stack = [(element, 1) for element in elements]
    count = 0
    while stack:
        element, depth = stack.pop()
        count += 1
        if count > limits.MAX_CODEBOOK_CODES:
            raise ImportFileError("limit.codebook_codes", file=filename, limit=f"{limits.MAX_CODEBOOK_CODES:,}")
        if depth > limits.MAX_CODE_DEPTH:
            raise ImportFileError("limit.code_depth", file=filename, where=Part("where.line", line=element.sourceline or 0),
                                  limit=limits.MAX_CODE_DEPTH)
        stack.extend((child, depth + 1) for child in element.iterfind(_q("Code")))


def _walk(nodes: list[_Node]) -> list[_Node]:
    return [n for node in nodes for n in (node, *_walk(node.children))]


def _to_spec(node: _Node, ids: IdAllocator, filename: str) -> CodeSpec:
    ours = node.ours
    code_id = ids.claim(ours.id) if ours is not None and ours.id else ids.derive(snake_id(node.name))
    children = [_to_spec(child, ids, filename) for child in node.children]
    try:
        if ours is None:
            return CodeSpec(id=code_id, name=CodeNames(id=node.name, en=node.name), colour=node.colour,
                            definition=node.description, children=children, guid=node.guid)
        return CodeSpec(
            id=code_id, name=CodeNames(id=node.name, en=ours.en or node.name), colour=node.colour,
            definition=ours.definition, inclusion=ours.inclusion, exclusion=ours.exclusion,
            examples=ours.examples, indicators=ours.indicators, children=children, guid=node.guid,
        )
    except ValidationError as exc:
        problem = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise ImportFileError("exchange.bad_code", file=filename, line=node.element.sourceline or 0, code=node.label,
                              problem=problem)


def qdc_to_codebook(data: bytes, filename: str, *, codebook_id: str | None = None, name: str | None = None) -> CodebookSpec:
    """Read a REFI-QDA codebook written by qualcode or any other tool.

    The ``.qdc`` format has no codebook id or name: they come from ``codebook_id`` and ``name``,
    or else from the file name. Foreign codes get ids made from their names (unique within the
    codebook), both names set to the REFI name, the whole Description as definition, the colour
    or a grey default; GUIDs are kept (lower case, without braces). Codes that are not codable
    (folders) become ordinary parent codes; ``Sets`` are not read.
    """
    root = parse_xml(data, filename)
    if root.tag != _q("CodeBook"):
        raise ImportFileError("exchange.wrong_root", file=filename, found=root.tag)
    codes_element = root.find(_q("Codes"))
    elements = list(codes_element.iterfind(_q("Code"))) if codes_element is not None else []
    if not elements:
        raise ImportFileError("exchange.no_codes", file=filename)
    check_tree(elements, filename)
    guids: set[str] = set()
    nodes = [_read_code(element, filename, "", guids) for element in elements]
    ids = IdAllocator({n.ours.id for n in _walk(nodes) if n.ours is not None and ID_RE.match(n.ours.id)})
    codes = [_to_spec(node, ids, filename) for node in nodes]
    stem = Path(filename).stem
    meta = CodebookMeta(id=codebook_id or snake_id(stem, fallback="codebook"), name=name or stem or "codebook")
    return CodebookSpec(format=FORMAT, codebook=meta, codes=codes)


def validate_qdc(data: bytes, xsd_path: str | Path, *, filename: str = "codebook.qdc", lang: str = "en") -> list[str]:
    """Schema errors of a ``.qdc`` document against ``Codebook.xsd``, each naming the file, the line
    and the problem in ``lang`` (an empty list when valid)."""
    schema = etree.XMLSchema(etree.parse(str(xsd_path), _safe_parser()))
    try:
        document = parse_xml(data, filename)
    except ImportFileError as exc:
        return [exc.message(lang)]
    if schema.validate(document):
        return []
    return [refusal.message(lang) for refusal in schema_refusals(schema.error_log, filename)]
