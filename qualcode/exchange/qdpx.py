"""REFI-QDA projects (``.qdpx``, QDA-XML project 1.0): write a ``QdpxProject``, read any tool's file.

Pure functions between plain dataclasses and bytes; storing a project is ``qualcode.services.exchange``.
What goes where, and how positions are counted, is in ``docs/refi-qda.md`` ("Project exchange").

- Writing: ``project.qde`` plus ``sources/<guid>.txt`` (UTF-8, LF, no BOM: the stored text).
  Selection positions are **Unicode code points** of that text, end exclusive.
- Reading: codes go through the ``.qdc`` reader (same Description layout); positions of files
  qualcode wrote are code points; for other tools' files the counting (UTF-16 units or code points,
  with or without the byte order mark) is detected per source by how many selections begin and end
  on word boundaries, then converted to the normalised text qualcode stores.
- Hardened: the zip guard (bombs, unsafe member names), a size limit per member, and the safe XML
  parser (no DOCTYPE, no entities).
"""

from __future__ import annotations

import bisect
import datetime as dt
import io
import json
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from qualcode import __version__
from qualcode.codebooks import CodeNames, CodeSpec
from qualcode.errors import ImportFileError
from qualcode.exchange import snake_id
from qualcode.exchange.qdc import _GUID_RE, _NOT_XML, parse_xml, qdc_to_codebook, render_description
from qualcode.exchange.qdc import NS as QDC_NS
from qualcode.importers.zipguard import check_zip
from qualcode.text import normalise_text

NS = "urn:QDA-XML:project:1.0"
ORIGIN = f"qualcode {__version__}"
CODEBOOK_MARKER = "qualcode-codebook"
MAX_MEMBER_BYTES = 100 * 1024 * 1024
"""Most that one member of a .qdpx (project.qde or a source text) may unpack to."""
# Variables qualcode writes for its own fields (cases and sources).
CASE_FIELDS = ("stakeholder_group", "organisation", "position", "interview_date", "interview_place")
SOURCE_VARIABLES = {"qualcode:kind": "kind", "qualcode:language": "language", "qualcode:interviewer": "interviewer"}


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
    skipped_sources: list[str] = field(default_factory=list)  # pictures, PDFs, audio, video
    dropped_selections: int = 0  # selections outside their text or empty


# ---------------------------------------------------------------- small helpers


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _stamp(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_stamp(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


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


def project_to_qde(project: QdpxProject) -> bytes:
    """The ``project.qde`` XML (valid against Project.xsd); sources are referenced as ``internal://``."""
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
            for selection in source.selections:
                sel = _sub(element, "PlainTextSelection", guid=selection.guid, startPosition=str(selection.start),
                           endPosition=str(selection.end), creatingUser=selection.user_guid,
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
            meta = {"key": book.key, "name": book.name, "version": book.version, "authors": book.authors,
                    "source": book.source, "language": book.language, "description": book.description}
            _sub(element, "Description").text = _text(json.dumps({CODEBOOK_MARKER: meta}, ensure_ascii=False))
            for code_guid in book.code_guids:
                _sub(element, "MemberCode", targetGUID=code_guid)
    if project.description:
        _sub(root, "Description").text = _text(project.description)
    for note_guid in notes_on.get("", []):
        _sub(root, "NoteRef", targetGUID=note_guid)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8", pretty_print=True)


def write_qdpx(project: QdpxProject) -> bytes:
    """The ``.qdpx`` zip: ``project.qde`` and one ``sources/<guid>.txt`` per source."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_to_qde(project))
        for source in project.sources:
            archive.writestr(f"sources/{source.guid}.txt", source.text.encode("utf-8"))
    return buffer.getvalue()


# ---------------------------------------------------------------- positions


def _astral_starts(text: str) -> list[int]:
    """UTF-16 offsets at which the characters outside the BMP (two units each) begin."""
    starts, extra = [], 0
    for index, char in enumerate(text):
        if ord(char) > 0xFFFF:
            starts.append(index + extra)
            extra += 1
    return starts


def utf16_to_codepoints(text: str, offsets: list[int]) -> list[int]:
    """Many UTF-16 offsets to code-point offsets of ``text`` at once (one pass over the text)."""
    starts = _astral_starts(text)
    return [o - bisect.bisect_left(starts, o) for o in offsets]


class _NormalisedIndex:
    """Maps code-point offsets of a raw text to offsets of ``normalise_text(raw)``."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.removed = [i for i, c in enumerate(raw) if c in "\ufeff\x00" or (c == "\r" and raw[i + 1:i + 2] == "\n")]
        kept = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").replace("\x00", "")
        self.simple = unicodedata.is_normalized("NFC", kept)
        self.text = kept if self.simple else unicodedata.normalize("NFC", kept)

    def __call__(self, offset: int) -> int:
        offset = max(0, min(offset, len(self.raw)))
        if self.simple:
            return offset - bisect.bisect_left(self.removed, offset)
        return len(normalise_text(self.raw[:offset]))


def _on_boundary(text: str, start: int, end: int) -> bool:
    if not 0 <= start < end <= len(text):
        return False
    inside_start = start > 0 and text[start - 1].isalnum() and text[start].isalnum()
    inside_end = end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return not inside_start and not inside_end


def convert_positions(raw: str, spans: list[tuple[int, int]], trusted: bool) -> tuple[str, list[tuple[int, int]], str]:
    """Normalised text, spans in its code points, and the counting used.

    ``raw`` is the source text as decoded (a leading BOM kept). ``trusted`` (a file qualcode wrote):
    positions are code points of the text without BOM. Otherwise each counting is tried (UTF-16
    units or code points; the BOM counted or not) and the one that puts most selections on word
    boundaries wins; ties go to code points, as the standard says.
    """
    bom = raw.startswith("\ufeff")
    body = raw[1:] if bom else raw
    index = _NormalisedIndex(raw)
    flat = [p for span in spans for p in span]
    candidates: list[tuple[str, list[int]]] = [("codepoints", [p + int(bom) for p in flat])]
    if not trusted:
        candidates.append(("utf16", [p + int(bom) for p in utf16_to_codepoints(body, flat)]))
        if bom:
            candidates.append(("codepoints+bom", list(flat)))
            candidates.append(("utf16+bom", utf16_to_codepoints(raw, flat)))
    best: tuple[int, str, list[tuple[int, int]]] | None = None
    for name, points in candidates:
        mapped = [(index(points[i]), index(points[i + 1])) for i in range(0, len(points), 2)]
        score = sum(_on_boundary(index.text, s, e) for s, e in mapped)
        if best is None or score > best[0]:
            best = (score, name, mapped)
    assert best is not None
    return index.text, best[2], best[1]


# ---------------------------------------------------------------- reading


def _open_archive(data: bytes, filename: str) -> zipfile.ZipFile:
    check_zip(filename, data, ".qdpx")
    archive = zipfile.ZipFile(io.BytesIO(data))
    for member in archive.infolist():
        if member.file_size > MAX_MEMBER_BYTES:
            raise ImportFileError("export.member_too_large", file=filename, member=member.filename,
                                  size=member.file_size // (1024 * 1024), limit=MAX_MEMBER_BYTES // (1024 * 1024))
    return archive


def _member(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    wanted = name.replace("\\", "/").lower()
    for member in archive.infolist():
        if member.filename.replace("\\", "/").lower() == wanted:
            return member
    return None


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "\ufeff" + data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _codes_from(root: etree._Element, filename: str) -> tuple[list[CodeSpec], dict[str, str]]:
    """The code tree (through the .qdc reader) and which note GUIDs hang on which code GUID."""
    book = root.find(_q("CodeBook"))
    codes = book.find(_q("Codes")) if book is not None else None
    if codes is None or codes.find(_q("Code")) is None:
        return [], {}
    note_targets = {}
    for code in codes.iter(_q("Code")):
        for ref in code.iterfind(_q("NoteRef")):
            note_guid, code_guid = guid_of(ref.get("targetGUID")), guid_of(code.get("guid"))
            if note_guid and code_guid:
                note_targets[note_guid] = code_guid
    # The project's Codes element has the codebook's structure: re-read it as a .qdc document.
    inner = etree.tostring(codes).replace(NS.encode(), QDC_NS.encode())
    wrapper = f'<CodeBook xmlns="{QDC_NS}">'.encode() + inner + b"</CodeBook>"
    spec = qdc_to_codebook(wrapper, f"{filename}: project.qde", codebook_id="imported", name="imported")
    return spec.codes, note_targets


def _variable_value(element: etree._Element) -> tuple[str | None, Any]:
    for tag, kind in (("TextValue", "text"), ("BooleanValue", "boolean"), ("IntegerValue", "number"),
                      ("FloatValue", "number"), ("DateValue", "date"), ("DateTimeValue", "date")):
        found = element.find(_q(tag))
        if found is not None:
            text = (found.text or "").strip()
            if kind == "boolean":
                return kind, text.lower() in ("true", "1")
            if kind == "number":
                try:
                    number = float(text)
                except ValueError:
                    return "text", text
                return kind, int(number) if number.is_integer() else number
            if kind == "date":
                return kind, text[:10]
            return kind, text
    return None, None


def _values(element: etree._Element, variables: dict[str, str]) -> dict[str, tuple[str, Any]]:
    out = {}
    for holder in element.iterfind(_q("VariableValue")):
        ref = holder.find(_q("VariableRef"))
        name = variables.get(guid_of(ref.get("targetGUID")) or "") if ref is not None else None
        kind, value = _variable_value(holder)
        if name and kind:
            out[name] = (kind, value)
    return out


def _case_from(element: etree._Element, variables: dict[str, str]) -> QCase:
    case = QCase(guid=guid_of(element.get("guid")) or str(uuid.uuid4()), name=(element.get("name") or "").strip())
    for name, (kind, value) in _values(element, variables).items():
        key = snake_id(name, fallback="")
        if key in CASE_FIELDS and key != "interview_date":
            case.fields[key] = str(value)
        elif key == "interview_date":
            try:
                case.fields[key] = dt.date.fromisoformat(str(value)[:10])
            except ValueError:
                case.attributes[name] = {"type": "text", "value": str(value)}
        else:
            case.attributes[name] = {"type": kind, "value": value}
    case.source_guids = [g for ref in element.iterfind(_q("SourceRef")) if (g := guid_of(ref.get("targetGUID")))]
    return case


def _source_from(element: etree._Element, archive: zipfile.ZipFile, filename: str, trusted: bool,
                 variables: dict[str, str], project: QdpxProject, note_targets: dict[str, tuple[str, str]]) -> QSource:
    guid = guid_of(element.get("guid")) or str(uuid.uuid4())
    name = (element.get("name") or guid).strip()
    inline = element.find(_q("PlainTextContent"))
    path = element.get("plainTextPath") or ""
    if inline is not None and inline.text:
        raw = inline.text
    elif path.startswith("internal://"):
        member = _member(archive, "sources/" + path.removeprefix("internal://"))
        if member is None:
            raise ImportFileError("export.source_missing", file=filename, source=name, path=path)
        raw = _decode(archive.read(member))
    else:
        raise ImportFileError("export.source_missing", file=filename, source=name, path=path or "-")
    selections = list(element.iterfind(_q("PlainTextSelection")))
    spans = []
    for sel in selections:
        try:
            spans.append((int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))))
        except ValueError:
            raise ImportFileError("export.bad_position", file=filename, source=name, line=sel.sourceline or 0)
    text, mapped, counting = convert_positions(raw, spans, trusted)
    # NVivo writes the exporting user on every Coding; who coded is the selection's creatingUser.
    by_selection = project.origin.lower().startswith("nvivo")
    values = _values(element, variables)
    source = QSource(guid=guid, name=name, text=text, user_guid=guid_of(element.get("creatingUser")),
                     created=_parse_stamp(element.get("creationDateTime")), counting=counting)
    kind = values.get("qualcode:kind", (None, None))[1]
    source.kind = kind if kind in ("interview", "observation", "document") else "document" if not trusted else "interview"
    source.language = str(values.get("qualcode:language", (None, "id"))[1] or "id")
    source.interviewer = values.get("qualcode:interviewer", (None, None))[1]
    for sel, (start, end) in zip(selections, mapped, strict=True):
        if not 0 <= start < end <= len(text):
            project.dropped_selections += 1
            continue
        sel_guid = guid_of(sel.get("guid")) or str(uuid.uuid4())
        user = guid_of(sel.get("creatingUser"))
        selection = QSelection(guid=sel_guid, start=start, end=end, user_guid=user,
                               created=_parse_stamp(sel.get("creationDateTime")))
        for coding in sel.iterfind(_q("Coding")):
            ref = coding.find(_q("CodeRef"))
            code_guid = guid_of(ref.get("targetGUID")) if ref is not None else None
            if code_guid:
                selection.codings.append(QCoding(
                    guid=guid_of(coding.get("guid")) or str(uuid.uuid4()), code_guid=code_guid,
                    user_guid=(user if by_selection else None) or guid_of(coding.get("creatingUser")) or user,
                    created=_parse_stamp(coding.get("creationDateTime")) or selection.created))
        for ref in sel.iterfind(_q("NoteRef")):
            if note := guid_of(ref.get("targetGUID")):
                note_targets[note] = ("selection", sel_guid)
        source.selections.append(selection)
    for ref in element.iterfind(_q("NoteRef")):
        if note := guid_of(ref.get("targetGUID")):
            note_targets[note] = ("source", guid)
    return source


def _codebooks_from(root: etree._Element) -> list[QCodebook]:
    books = []
    sets = root.find(_q("Sets"))
    for element in sets.iterfind(_q("Set")) if sets is not None else []:
        described = element.find(_q("Description"))
        try:
            meta = json.loads(described.text or "")[CODEBOOK_MARKER] if described is not None else None
        except (ValueError, TypeError, KeyError):
            meta = None
        if not isinstance(meta, dict) or not meta.get("key"):
            continue
        books.append(QCodebook(
            guid=guid_of(element.get("guid")) or str(uuid.uuid4()), key=snake_id(str(meta["key"]), "codebook"),
            name=str(meta.get("name") or meta["key"]), version=str(meta.get("version") or ""),
            authors=[str(a) for a in meta.get("authors") or []], source=str(meta.get("source") or ""),
            language=str(meta.get("language") or "id"), description=str(meta.get("description") or ""),
            code_guids=[g for ref in element.iterfind(_q("MemberCode")) if (g := guid_of(ref.get("targetGUID")))],
        ))
    return books


def _all_guids(codes: list[CodeSpec]) -> list[str]:
    return [g for code in codes for g in ([code.guid] if code.guid else []) + _all_guids(code.children)]


def read_qdpx(data: bytes, filename: str) -> QdpxProject:
    """Read a ``.qdpx`` from qualcode, NVivo, ATLAS.ti, MAXQDA or QualCoder (text sources only)."""
    archive = _open_archive(data, filename)
    member = _member(archive, "project.qde")
    if member is None:
        raise ImportFileError("export.no_qde", file=filename)
    root = parse_xml(archive.read(member), f"{filename}: project.qde")
    if root.tag != _q("Project"):
        raise ImportFileError("export.wrong_root", file=filename, found=root.tag)
    origin = root.get("origin") or ""
    trusted = origin.startswith("qualcode")
    described = root.find(_q("Description"))
    project = QdpxProject(name=(root.get("name") or "").strip(), origin=origin,
                          description=(described.text or "") if described is not None else "")
    users = root.find(_q("Users"))
    for element in users.iterfind(_q("User")) if users is not None else []:
        guid = guid_of(element.get("guid"))
        if guid:
            project.users.append(QUser(guid=guid, name=(element.get("name") or "").strip(),
                                       login=(element.get("id") or "").strip()))
    project.codes, code_notes = _codes_from(root, filename)
    note_targets: dict[str, tuple[str, str]] = {n: ("code", c) for n, c in code_notes.items()}
    project.codebooks = _codebooks_from(root)
    if not project.codebooks and project.codes and not trusted:
        key = snake_id(project.name or filename.rsplit(".", 1)[0], "imported")
        project.codebooks = [QCodebook(guid=str(uuid.uuid4()), key=key, name=project.name or key,
                                       code_guids=_all_guids(project.codes))]
    variables = {}
    declared = root.find(_q("Variables"))
    for element in declared.iterfind(_q("Variable")) if declared is not None else []:
        if (guid := guid_of(element.get("guid"))) and element.get("name"):
            variables[guid] = element.get("name").strip()
    sources = root.find(_q("Sources"))
    for element in sources if sources is not None else []:
        if not isinstance(element.tag, str):
            continue
        if element.tag == _q("TextSource"):
            project.sources.append(_source_from(element, archive, filename, trusted, variables, project, note_targets))
        else:
            project.skipped_sources.append(element.get("name") or etree.QName(element).localname)
    cases = root.find(_q("Cases"))
    for element in cases.iterfind(_q("Case")) if cases is not None else []:
        project.cases.append(_case_from(element, variables))
    for ref in root.iterfind(_q("NoteRef")):
        if note := guid_of(ref.get("targetGUID")):
            note_targets[note] = ("project", "")
    notes = root.find(_q("Notes"))
    for element in notes.iterfind(_q("Note")) if notes is not None else []:
        guid = guid_of(element.get("guid")) or str(uuid.uuid4())
        content = element.find(_q("PlainTextContent"))
        body = content.text or "" if content is not None else ""
        if not body and (path := element.get("plainTextPath", "")).startswith("internal://"):
            found = _member(archive, "sources/" + path.removeprefix("internal://"))
            body = _decode(archive.read(found)).lstrip("\ufeff") if found is not None else ""
        target, target_guid = note_targets.get(guid, ("project", ""))
        project.notes.append(QNote(guid=guid, title=(element.get("name") or "").strip(), body=normalise_text(body),
                                   author_guid=guid_of(element.get("creatingUser")), target=target,
                                   target_guid=target_guid or None, created=_parse_stamp(element.get("creationDateTime"))))
    return project


def code_spec(key: str, name_id: str, name_en: str, colour: str, guid: str, **details: Any) -> CodeSpec:
    """A ``CodeSpec`` for writing, built without validation (project code keys are not checked as ids)."""
    return CodeSpec.model_construct(id=key, name=CodeNames.model_construct(id=name_id, en=name_en or name_id),
                                    colour=colour, guid=guid, children=[],
                                    definition=details.get("definition", ""), inclusion=details.get("inclusion", ""),
                                    exclusion=details.get("exclusion", ""), examples=list(details.get("examples", [])),
                                    indicators=list(details.get("indicators", [])))


def validate_qde(data: bytes, xsd_path: str) -> list[str]:
    """Schema errors of a ``project.qde`` against ``Project.xsd`` (an empty list when valid)."""
    schema = etree.XMLSchema(etree.parse(str(xsd_path)))
    document = parse_xml(data, "project.qde")
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]
