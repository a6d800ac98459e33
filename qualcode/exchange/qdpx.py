"""REFI-QDA projects (``.qdpx``, QDA-XML project 1.0): write a ``QdpxProject``, read any tool's file.

Pure functions between plain dataclasses and bytes; storing a project is ``qualcode.services.exchange``.
What goes where, and how positions are counted, is in ``docs/refi-qda.md`` ("Project exchange").

This module holds the exchange model and the writer; reading is ``qualcode.exchange.qdpx_reader``,
position counting ``qualcode.exchange.positions``.

- Writing: ``project.qde`` plus ``sources/<guid>.txt``. The standard profile writes the stored text
  (UTF-8, LF, no BOM) and selection positions in **Unicode code points**, end exclusive; the
  ``nvivo``, ``atlasti`` and ``maxqda`` profiles write line breaks, BOM and positions as those tools
  write their own exports.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
import zipfile
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from qualcode import __version__
from qualcode.codebooks import CodeNames, CodeSpec
from qualcode.errors import ValidationError
from qualcode.exchange.positions import PROFILES
from qualcode.exchange.qdc import _GUID_RE, _NOT_XML, parse_xml, render_description
from qualcode.exchange.xmlerrors import schema_refusals

NS = "urn:QDA-XML:project:1.0"
ORIGIN = f"qualcode {__version__}"
CODEBOOK_MARKER = "qualcode-codebook"
MAX_MEMBER_BYTES = 100 * 1024 * 1024
"""Most that one member of a .qdpx (project.qde or a source text) may unpack to."""
# Variables qualcode writes for its own fields (cases and sources).
CASE_FIELDS = ("stakeholder_group", "organisation", "position", "interview_date", "interview_place")
SOURCE_VARIABLES = {"qualcode:kind": "kind", "qualcode:language": "language", "qualcode:interviewer": "interviewer",
                    "qualcode:filename": "filename"}


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


# ---------------------------------------------------------------- the exchange model


@dataclass
class QUser:
    guid: str
    name: str
    login: str = ""


@dataclass
class QCodebook:
    """A qualcode codebook: carried as a REFI ``Set`` of its codes."""

    guid: str
    key: str
    name: str
    code_guids: list[str] = field(default_factory=list)
    version: str = ""
    authors: list[str] = field(default_factory=list)
    source: str = ""
    language: str = "id"
    description: str = ""
    meta: dict[str, Any] = field(default_factory=dict)  # the codebook's ``meta:`` (qualcode.codebooks.CodebookUse)


@dataclass
class QCoding:
    guid: str
    code_guid: str
    user_guid: str | None = None
    created: dt.datetime | None = None


@dataclass
class QSelection:
    """A coded span; ``start``/``end`` are code points into the source's (normalised) text."""

    guid: str
    start: int
    end: int
    codings: list[QCoding] = field(default_factory=list)
    user_guid: str | None = None
    created: dt.datetime | None = None


@dataclass
class QSource:
    guid: str
    name: str
    text: str
    kind: str = "interview"
    language: str = "id"
    interviewer: str | None = None
    filename: str = ""  # the file the document was imported from (``Document.original_filename``)
    selections: list[QSelection] = field(default_factory=list)
    user_guid: str | None = None
    created: dt.datetime | None = None
    counting: str = "codepoints"  # how the file counted positions (reported on import)


@dataclass
class QCase:
    guid: str
    name: str
    fields: dict[str, Any] = field(default_factory=dict)  # CASE_FIELDS (interview_date as dt.date)
    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)  # {"name": {"type", "value"}}
    source_guids: list[str] = field(default_factory=list)


@dataclass
class QNote:
    """A memo; ``target`` is ``project``, ``source``, ``code`` or ``selection`` (with its GUID)."""

    guid: str
    title: str
    body: str
    author_guid: str | None = None
    target: str = "project"
    target_guid: str | None = None
    created: dt.datetime | None = None


@dataclass
class QdpxProject:
    name: str
    description: str = ""
    origin: str = ORIGIN
    users: list[QUser] = field(default_factory=list)
    codes: list[CodeSpec] = field(default_factory=list)  # the code tree (guid set on every code)
    codebooks: list[QCodebook] = field(default_factory=list)
    cases: list[QCase] = field(default_factory=list)
    sources: list[QSource] = field(default_factory=list)
    notes: list[QNote] = field(default_factory=list)
    qde_name: str = "project.qde"  # the XML member the project was read from
    skipped: list[SkippedSource] = field(default_factory=list)  # sources not imported, with why
    dropped: list[DroppedSelection] = field(default_factory=list)  # selections not imported, with why
    fresh_guids: dict[str, int] = field(default_factory=dict)  # element -> GUIDs repeated in the file, renewed
    description_memos: int = 0  # selection Descriptions (ATLAS.ti) read as segment memos
    dropped_meta: list[DroppedMeta] = field(default_factory=list)  # codebook settings not imported, with why


@dataclass
class SkippedSource:
    """A source left out of the import: ``reason`` is ``missing`` (its file is not in the archive),
    ``external`` (it lives outside the archive), ``not_supported`` (picture, audio, video),
    ``empty`` (no text) or ``unreadable`` (a PDF without a text layer)."""

    name: str
    kind: str  # text, pdf, picture, audio, video
    reason: str
    codings: int  # codings it carried, lost with it
    path: str = ""


@dataclass
class DroppedSelection:
    """A selection left out: ``outside`` its text, ``zero_length``, or a ``pdf_region`` (page coordinates)."""

    source: str
    reason: str
    where: str  # "start-end" as written in the file, or "page N"
    codings: int


@dataclass
class DroppedMeta:
    """Codebook settings (``meta``) left out: ``unreadable`` (not the shape qualcode writes: all of
    them), or ``unknown_code`` (``field`` names ``value``, a code that is not in the codebook)."""

    codebook: str
    reason: str
    field: str = ""
    value: str = ""


# ---------------------------------------------------------------- small helpers


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _stamp(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def guid_of(value: str | None) -> str | None:
    """A GUID in lower case without braces, or ``None`` when ``value`` is not one."""
    if not value:
        return None
    match = _GUID_RE.match(value.strip())
    return match.group(1).lower() if match else None


def _variable_guid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"qualcode:variable:{name}"))


def _sub(parent: etree._Element, tag: str, **attrs: str | None) -> etree._Element:
    element = etree.SubElement(parent, _q(tag))
    for key, value in attrs.items():
        if value is not None:
            element.set(key, _text(value))
    return element


# ---------------------------------------------------------------- writing


def _value_element(parent: etree._Element, name: str, kind: str, value: Any) -> None:
    holder = _sub(parent, "VariableValue")
    _sub(holder, "VariableRef", targetGUID=_variable_guid(name))
    tag = {"Text": "TextValue", "Boolean": "BooleanValue", "Integer": "IntegerValue", "Float": "FloatValue",
           "Date": "DateValue"}[kind]
    if kind == "Boolean":
        text = "true" if value else "false"
    elif kind == "Float":
        text = repr(float(value))
    else:
        text = str(value)
    _sub(holder, tag).text = _text(text)


def _attribute_kind(attribute: dict[str, Any]) -> tuple[str, Any]:
    kind, value = attribute.get("type", "text"), attribute.get("value")
    if kind == "boolean" and isinstance(value, bool):
        return "Boolean", value
    if kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return ("Integer", value) if isinstance(value, int) else ("Float", value)
    if kind == "date" and value:
        try:
            return "Date", dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            pass
    return "Text", "" if value is None else str(value)


def _code_element(parent: etree._Element, code: CodeSpec, notes_on: dict[str, list[str]]) -> None:
    element = _sub(parent, "Code", guid=code.guid, name=code.name.id, isCodable="true", color=code.colour.upper())
    _sub(element, "Description").text = _text(render_description(code))
    for note_guid in notes_on.get(code.guid or "", []):
        _sub(element, "NoteRef", targetGUID=note_guid)
    for child in code.children:
        _code_element(element, child, notes_on)


def project_to_qde(project: QdpxProject, profile: str = "standard") -> bytes:
    """The ``project.qde`` XML (valid against Project.xsd); sources are referenced as ``internal://``.

    ``profile`` (``qualcode.exchange.positions.PROFILES``) says how positions are counted.
    """
    how = PROFILES[profile]
    root = etree.Element(_q("Project"), nsmap={None: NS})
    root.set("name", _text(project.name))
    root.set("origin", ORIGIN)
    notes_on: dict[str, list[str]] = {}
    for note in project.notes:
        notes_on.setdefault(note.target_guid or "", []).append(note.guid)
    if project.users:
        users = _sub(root, "Users")
        for user in project.users:
            _sub(users, "User", guid=user.guid, name=user.name, id=user.login or None)
    if project.codes:
        codes = _sub(_sub(root, "CodeBook"), "Codes")
        for code in project.codes:
            _code_element(codes, code, notes_on)

    variables: dict[str, str] = {}
    case_values: list[list[tuple[str, str, Any]]] = []
    for case in project.cases:
        values: list[tuple[str, str, Any]] = []
        for name in CASE_FIELDS:
            value = case.fields.get(name)
            if value in (None, ""):
                continue
            values.append((name, "Date", value.isoformat()) if name == "interview_date" else (name, "Text", str(value)))
        for name, attribute in sorted(case.attributes.items()):
            kind, value = _attribute_kind(attribute)
            values.append((name, kind, value))
        for name, kind, _ in values:
            variables.setdefault(name, kind)
        case_values.append(values)
    source_values = []
    for source in project.sources:
        values = [("qualcode:kind", "Text", source.kind), ("qualcode:language", "Text", source.language)]
        if source.interviewer:
            values.append(("qualcode:interviewer", "Text", source.interviewer))
        if source.filename:
            values.append(("qualcode:filename", "Text", source.filename))
        for name, kind, _ in values:
            variables.setdefault(name, kind)
        source_values.append(values)
    if variables:
        holder = _sub(root, "Variables")
        for name, kind in variables.items():
            _sub(holder, "Variable", guid=_variable_guid(name), name=name, typeOfVariable=kind)
    if project.cases:
        holder = _sub(root, "Cases")
        for case, values in zip(project.cases, case_values, strict=True):
            element = _sub(holder, "Case", guid=case.guid, name=case.name)
            for name, kind, value in values:
                _value_element(element, name, kind, value)
            for source_guid in case.source_guids:
                _sub(element, "SourceRef", targetGUID=source_guid)
    if project.sources:
        holder = _sub(root, "Sources")
        for source, values in zip(project.sources, source_values, strict=True):
            element = _sub(holder, "TextSource", guid=source.guid, name=source.name,
                           plainTextPath=f"internal://{source.guid}.txt", creatingUser=source.user_guid,
                           creationDateTime=_stamp(source.created))
            written = how.offsets(source.text, [p for s in source.selections for p in (s.start, s.end)])
            for number, selection in enumerate(source.selections):
                sel = _sub(element, "PlainTextSelection", guid=selection.guid, startPosition=str(written[2 * number]),
                           endPosition=str(written[2 * number + 1]), creatingUser=selection.user_guid,
                           creationDateTime=_stamp(selection.created))
                for coding in selection.codings:
                    coded = _sub(sel, "Coding", guid=coding.guid, creatingUser=coding.user_guid,
                                 creationDateTime=_stamp(coding.created))
                    _sub(coded, "CodeRef", targetGUID=coding.code_guid)
                for note_guid in notes_on.get(selection.guid, []):
                    _sub(sel, "NoteRef", targetGUID=note_guid)
            for note_guid in notes_on.get(source.guid, []):
                _sub(element, "NoteRef", targetGUID=note_guid)
            for name, kind, value in values:
                _value_element(element, name, kind, value)
    if project.notes:
        holder = _sub(root, "Notes")
        for note in project.notes:
            element = _sub(holder, "Note", guid=note.guid, name=note.title, creatingUser=note.author_guid,
                           creationDateTime=_stamp(note.created))
            _sub(element, "PlainTextContent").text = _text(note.body)
    if project.codebooks:
        holder = _sub(root, "Sets")
        for book in project.codebooks:
            element = _sub(holder, "Set", guid=book.guid, name=book.name)
            meta: dict[str, Any] = {"key": book.key, "name": book.name, "version": book.version,
                                    "authors": book.authors, "source": book.source, "language": book.language,
                                    "description": book.description}
            if book.meta:  # directions, codes never suggested, the cross-framework partner
                meta["meta"] = book.meta
            _sub(element, "Description").text = _text(json.dumps({CODEBOOK_MARKER: meta}, ensure_ascii=False))
            for code_guid in book.code_guids:
                _sub(element, "MemberCode", targetGUID=code_guid)
    if project.description:
        _sub(root, "Description").text = _text(project.description)
    for note_guid in notes_on.get("", []):
        _sub(root, "NoteRef", targetGUID=note_guid)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8", pretty_print=True)


def write_qdpx(project: QdpxProject, profile: str = "standard") -> bytes:
    """The ``.qdpx`` zip: ``project.qde`` and one ``sources/<guid>.txt`` per source, written for ``profile``."""
    if profile not in PROFILES:
        raise ValidationError("qdpx.unknown_profile", profile=profile, profiles=", ".join(PROFILES))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_to_qde(project, profile))
        for source in project.sources:
            archive.writestr(f"sources/{source.guid}.txt", PROFILES[profile].text(source.text))
    return buffer.getvalue()


def code_spec(key: str, name_id: str, name_en: str, colour: str, guid: str, **details: Any) -> CodeSpec:
    """A ``CodeSpec`` for writing, built without validation (project code keys are not checked as ids)."""
    return CodeSpec.model_construct(id=key, name=CodeNames.model_construct(id=name_id, en=name_en or name_id),
                                    colour=colour, guid=guid, children=[],
                                    definition=details.get("definition", ""), inclusion=details.get("inclusion", ""),
                                    exclusion=details.get("exclusion", ""), examples=list(details.get("examples", [])),
                                    indicators=list(details.get("indicators", [])))


def validate_qde(data: bytes, xsd_path: str, *, filename: str = "project.qde", lang: str = "en") -> list[str]:
    """Schema errors of a ``project.qde`` against ``Project.xsd``, each naming the file, the line and
    the problem in ``lang`` (an empty list when valid; XML that is not well-formed is refused)."""
    schema = etree.XMLSchema(etree.parse(str(xsd_path)))
    document = parse_xml(data, filename)
    if schema.validate(document):
        return []
    return [refusal.message(lang) for refusal in schema_refusals(schema.error_log, filename)]
