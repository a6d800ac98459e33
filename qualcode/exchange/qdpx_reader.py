"""Reading any tool's ``.qdpx`` (NVivo, ATLAS.ti, MAXQDA, QualCoder, qualcode) into a ``QdpxProject``.

Pure: bytes in, the exchange model out; nothing is stored here. What cannot be imported is not
refused wholesale but listed on the project (``skipped`` sources, ``dropped`` selections,
``fresh_guids``) for the import report; what makes the file unreadable is refused with the file named.

- The project XML is the single ``*.qde`` at the archive's root (``project.qde`` in the standard,
  ``<project name>.qde`` from current ATLAS.ti); several are refused by name.
- Sources: plain text (inline or ``internal://``), PDF (its text representation, or the text layer
  read with pypdf); a source outside the archive (``relative://``, an absolute path, a ``basePath``)
  or missing from it is skipped with the number of codings it carried; pictures, audio and video
  are listed as not supported.
- Positions: ``qualcode.exchange.positions`` chooses the reading per source; selections outside the
  text or of zero length are listed, never moved.
- Hardened: at most ``MAX_MEMBERS`` files, the zip guard (bombs, unsafe names), a size limit per
  member, at most ``MAX_ELEMENTS`` XML elements, the safe XML parser (no DOCTYPE, no
  entities), GUIDs repeated inside the file renewed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import uuid
import zipfile
from collections import Counter
from pathlib import PurePosixPath
from typing import Any

from lxml import etree
from pydantic import ValidationError as SchemaError

from qualcode.codebooks import CodebookUse, CodeSpec
from qualcode.errors import ImportFileError
from qualcode.exchange import snake_id
from qualcode.exchange.positions import convert_positions
from qualcode.exchange.qdc import NS as QDC_NS
from qualcode.exchange.qdc import parse_xml, qdc_to_codebook
from qualcode.exchange.qdpx import (
    CASE_FIELDS,
    CODEBOOK_MARKER,
    MAX_MEMBER_BYTES,
    NS,
    DroppedMeta,
    DroppedSelection,
    QCase,
    QCodebook,
    QCoding,
    QdpxProject,
    QNote,
    QSelection,
    QSource,
    QUser,
    SkippedSource,
    guid_of,
)
from qualcode.importers.zipguard import check_zip
from qualcode.text import normalise_text

MAX_ELEMENTS = 1_000_000
"""Most XML elements a project file may hold (a 50,000-coding project has about 150,000)."""
MAX_MEMBERS = 5_000
"""Most files a project archive may hold (sources, their rich-text twins, notes)."""
MEDIA = {"PictureSource": "picture", "AudioSource": "audio", "VideoSource": "video"}
MAX_FILENAME = 500
"""Most characters of a document's original file name (``Document.original_filename``)."""
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_BLANKS = re.compile(r"\s+")


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _parse_stamp(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "\ufeff" + data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _codings_in(element: etree._Element) -> int:
    return sum(1 for _ in element.iter(_q("Coding")))


def _open_archive(data: bytes, filename: str) -> zipfile.ZipFile:
    try:
        members = len(zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        members = 0  # not a zip: the zip guard says so
    if members > MAX_MEMBERS:
        raise ImportFileError("qdpx.too_many_members", file=filename, count=members, limit=MAX_MEMBERS)
    # Members are bounded below (MAX_MEMBER_BYTES each): one within that is read however tightly it
    # is packed (a transcript of one long repeated line packs 400:1).
    check_zip(filename, data, ".qdpx", member_limit=MAX_MEMBER_BYTES)
    archive = zipfile.ZipFile(io.BytesIO(data))
    for member in archive.infolist():
        if member.file_size > MAX_MEMBER_BYTES:
            raise ImportFileError("export.member_too_large", file=filename, member=member.filename,
                                  size=member.file_size // (1024 * 1024), limit=MAX_MEMBER_BYTES // (1024 * 1024))
    return archive


def find_qde(archive: zipfile.ZipFile, filename: str) -> zipfile.ZipInfo:
    """The one ``*.qde`` at the archive's root; none or several are refused, the several by name."""
    found = [m for m in archive.infolist()
             if "/" not in m.filename.replace("\\", "/").strip("/") and m.filename.lower().endswith(".qde")]
    if not found:
        raise ImportFileError("export.no_qde", file=filename)
    if len(found) > 1:
        raise ImportFileError("qdpx.several_qde", file=filename, names=", ".join(sorted(m.filename for m in found)))
    return found[0]


def _parse(data: bytes, filename: str, member: str) -> etree._Element:
    # Every element opens with "<" (closing tags, comments and declarations do not count):
    # an upper bound on the elements, taken before the parser builds anything.
    elements = data.count(b"<") - data.count(b"</") - data.count(b"<!") - data.count(b"<?")
    if elements > MAX_ELEMENTS:
        raise ImportFileError("qdpx.too_many_elements", file=filename, member=member, count=elements,
                              limit=MAX_ELEMENTS)
    root = parse_xml(data, f"{filename}: {member}")
    if root.tag != _q("Project"):
        raise ImportFileError("export.wrong_root", file=filename, found=root.tag)
    return root


class _Reader:
    def __init__(self, data: bytes, filename: str) -> None:
        self.filename = filename
        self.archive = _open_archive(data, filename)
        self.members = {m.filename.replace("\\", "/").lower(): m for m in self.archive.infolist()}
        qde = find_qde(self.archive, filename)
        self.root = _parse(self.archive.read(qde), filename, qde.filename)
        origin = self.root.get("origin") or ""
        described = self.root.find(_q("Description"))
        self.project = QdpxProject(name=(self.root.get("name") or "").strip(), origin=origin, qde_name=qde.filename,
                                   description=(described.text or "") if described is not None else "")
        self.qualcode = origin.startswith("qualcode")
        # NVivo writes the exporting user on every Coding; who coded is the selection's creatingUser.
        self.by_selection = origin.lower().startswith("nvivo")
        self.seen: dict[str, set[str]] = {}
        self.fresh: Counter[str] = Counter()
        self.note_targets: dict[str, tuple[str, str]] = {}
        self.variables: dict[str, str] = {}

    def member(self, path: str) -> zipfile.ZipInfo | None:
        """The archive member an ``internal://`` path names (in ``sources/``, any letter case)."""
        return self.members.get(("sources/" + path.removeprefix("internal://")).replace("\\", "/").lower())

    # ------------------------------------------------------------ GUIDs

    def guid(self, element: str, value: str | None) -> str:
        """The element's GUID; a fresh one when it has none or repeats one already read in the file."""
        guid = guid_of(value)
        seen = self.seen.setdefault(element, set())
        if guid is None or guid in seen:
            if guid is not None:
                self.fresh[element] += 1
            guid = str(uuid.uuid4())
        seen.add(guid)
        return guid

    # ------------------------------------------------------------ the parts

    def read(self) -> QdpxProject:
        project = self.project
        users = self.root.find(_q("Users"))
        for element in users.iterfind(_q("User")) if users is not None else []:
            if guid_of(element.get("guid")):
                project.users.append(QUser(guid=self.guid("User", element.get("guid")),
                                           name=(element.get("name") or "").strip(),
                                           login=(element.get("id") or "").strip()))
        project.codes, code_notes = self._codes()
        self.note_targets.update({n: ("code", c) for n, c in code_notes.items()})
        project.codebooks = self._codebooks()
        if not project.codebooks and project.codes and not self.qualcode:
            key = snake_id(project.name or self.filename.rsplit(".", 1)[0], "imported")
            project.codebooks = [QCodebook(guid=str(uuid.uuid4()), key=key, name=project.name or key,
                                           code_guids=_all_guids(project.codes))]
        declared = self.root.find(_q("Variables"))
        for element in declared.iterfind(_q("Variable")) if declared is not None else []:
            if (guid := guid_of(element.get("guid"))) and element.get("name"):
                self.variables[guid] = element.get("name").strip()
        sources = self.root.find(_q("Sources"))
        for element in sources if sources is not None else []:
            if isinstance(element.tag, str):
                self._source(element)
        cases = self.root.find(_q("Cases"))
        for element in cases.iterfind(_q("Case")) if cases is not None else []:
            project.cases.append(self._case(element))
        for ref in self.root.iterfind(_q("NoteRef")):
            if note := guid_of(ref.get("targetGUID")):
                self.note_targets[note] = ("project", "")
        notes = self.root.find(_q("Notes"))
        for element in notes.iterfind(_q("Note")) if notes is not None else []:
            self._note(element)
        project.fresh_guids = dict(self.fresh)
        return project

    def _codes(self) -> tuple[list[CodeSpec], dict[str, str]]:
        """The code tree (through the .qdc reader, which refuses a repeated code GUID by name)."""
        book = self.root.find(_q("CodeBook"))
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
        spec = qdc_to_codebook(wrapper, f"{self.filename}: {self.project.qde_name}", codebook_id="imported",
                               name="imported")
        return spec.codes, note_targets

    def _codebooks(self) -> list[QCodebook]:
        books = []
        keys = {code.guid: code.id for code in _walk(self.project.codes) if code.guid}
        sets = self.root.find(_q("Sets"))
        for element in sets.iterfind(_q("Set")) if sets is not None else []:
            described = element.find(_q("Description"))
            try:
                meta = json.loads(described.text or "")[CODEBOOK_MARKER] if described is not None else None
            except (ValueError, TypeError, KeyError):
                meta = None
            if not isinstance(meta, dict) or not meta.get("key"):
                continue
            book = QCodebook(
                guid=self.guid("Set", element.get("guid")), key=snake_id(str(meta["key"]), "codebook"),
                name=str(meta.get("name") or meta["key"]), version=str(meta.get("version") or ""),
                authors=[str(a) for a in meta.get("authors") or []], source=str(meta.get("source") or ""),
                language=str(meta.get("language") or "id"), description=str(meta.get("description") or ""),
                code_guids=[g for ref in element.iterfind(_q("MemberCode")) if (g := guid_of(ref.get("targetGUID")))],
            )
            book.meta = self._book_meta(book.name, meta.get("meta"), {keys[g] for g in book.code_guids if g in keys})
            books.append(book)
        return books

    def _book_meta(self, name: str, raw: Any, code_keys: set[str]) -> dict[str, Any]:
        """A codebook's ``meta`` (directions, codes never suggested, the cross-framework partner) as
        qualcode wrote it; what does not fit is left out and listed (``dropped_meta``), never refused."""
        if not raw:
            return {}
        try:
            use = CodebookUse.model_validate(raw)
        except SchemaError:
            self.project.dropped_meta.append(DroppedMeta(codebook=name, reason="unreadable"))
            return {}
        kept: dict[str, list[str]] = {}
        for field in ("directions", "never_suggested"):  # codes of this codebook, as in a YAML file
            kept[field] = [key for key in getattr(use, field) if key in code_keys]
            self.project.dropped_meta += [DroppedMeta(codebook=name, reason="unknown_code", field=field, value=key)
                                          for key in getattr(use, field) if key not in code_keys]
        return use.model_copy(update=kept).model_dump(exclude_defaults=True)

    # ------------------------------------------------------------ sources

    def _skip(self, element: etree._Element, kind: str, reason: str, path: str = "") -> None:
        name = (element.get("name") or element.get("guid") or etree.QName(element).localname).strip()
        self.project.skipped.append(SkippedSource(name=name, kind=kind, reason=reason,
                                                  codings=_codings_in(element), path=path))

    def _text_of(self, element: etree._Element) -> tuple[str | None, str, str]:
        """A text source's raw text, or ``None`` with why (``missing`` / ``external``) and its path."""
        inline = element.find(_q("PlainTextContent"))
        if inline is not None and inline.text:
            return inline.text, "", ""
        path = (element.get("plainTextPath") or "").strip()
        if path.startswith("internal://"):
            member = self.member(path)
            if member is None:
                return None, "missing", path
            return _decode(self.archive.read(member)), "", path
        if not path:
            return None, "missing", element.get("richTextPath") or "-"
        return None, "external", self._external(path)

    def _external(self, path: str) -> str:
        """Where an outside source lives, as the file says (``relative://`` resolved against basePath)."""
        if path.startswith("relative://"):
            base = (self.root.get("basePath") or "").rstrip("/\\")
            return f"{base}/{path.removeprefix('relative://')}" if base else path
        return path

    def _source(self, element: etree._Element) -> None:
        tag = etree.QName(element).localname
        if tag == "TextSource":
            raw, reason, path = self._text_of(element)
            if raw is None:
                self._skip(element, "text", reason, path)
            else:
                self._text_source(element, element, raw)
        elif tag == "PDFSource":
            self._pdf_source(element)
        else:
            self._skip(element, MEDIA.get(tag, tag), "not_supported", element.get("path") or "")

    def _pdf_source(self, element: etree._Element) -> None:
        """A PDF: its text representation (with the codings on it), else the text layer of the PDF file."""
        name = (element.get("name") or "").strip()
        for region in element.iterfind(_q("PDFSelection")):
            self.project.dropped.append(DroppedSelection(source=name, reason="pdf_region",
                                                         where=f"page {region.get('page', '?')}",
                                                         codings=_codings_in(region)))
        representation = element.find(_q("Representation"))
        if representation is not None:
            raw, _, _ = self._text_of(representation)
            if raw is not None:
                self._text_source(element, representation, raw)
                return
        path = (element.get("path") or "").strip()
        if not path.startswith("internal://"):
            self._skip(element, "pdf", "external" if path else "missing", self._external(path) if path else "-")
            return
        member = self.member(path)
        if member is None:
            self._skip(element, "pdf", "missing", path)
            return
        from qualcode.importers import pdf

        try:
            raw = pdf.read(name or member.filename, self.archive.read(member))
        except ImportFileError:
            self._skip(element, "pdf", "unreadable", path)
            return
        self._text_source(element, element, raw)

    def _text_source(self, element: etree._Element, holder: etree._Element, raw: str) -> None:
        """A source with text: ``element`` names it, ``holder`` (itself or a PDF's Representation) has the selections."""
        project = self.project
        name = (element.get("name") or element.get("guid") or "source").strip()
        guid = self.guid("Source", element.get("guid"))
        selections = list(holder.iterfind(_q("PlainTextSelection")))
        spans = []
        for sel in selections:
            try:
                spans.append((int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))))
            except ValueError:
                raise ImportFileError("export.bad_position", file=self.filename, source=name, line=sel.sourceline or 0)
        trusted = self.qualcode and "\r" not in raw and not raw.startswith("\ufeff")
        text, mapped, counting = convert_positions(raw, spans, trusted)
        if not text.strip():
            self._skip(element, "text", "empty")
            return
        values = self._values(element)
        source = QSource(guid=guid, name=name, text=text, user_guid=guid_of(element.get("creatingUser")),
                         created=_parse_stamp(element.get("creationDateTime")), counting=counting)
        kind = values.get("qualcode:kind", (None, None))[1]
        source.kind = kind if kind in ("interview", "observation", "document") else "document"
        source.language = str(values.get("qualcode:language", (None, "id"))[1] or "id")
        source.interviewer = values.get("qualcode:interviewer", (None, None))[1]
        source.filename = _filename(element, name, values.get("qualcode:filename", (None, None))[1])
        for sel, (start, end), span in zip(selections, spans, mapped, strict=True):
            if span is None:
                reason = "zero_length" if start == end else "outside"
                project.dropped.append(DroppedSelection(source=name, reason=reason, where=f"{start}-{end}",
                                                        codings=_codings_in(sel)))
                continue
            self._selection(source, sel, span)
        whole = [c for c in holder.iterfind(_q("Coding"))]  # codings of the whole source
        if whole:
            selection = QSelection(guid=str(uuid.uuid4()), start=0, end=len(text), user_guid=source.user_guid)
            selection.codings = [c for coding in whole if (c := self._coding(coding, source.user_guid))]
            source.selections.append(selection)
        for ref in element.iterfind(_q("NoteRef")):
            if note := guid_of(ref.get("targetGUID")):
                self.note_targets[note] = ("source", guid)
        described = element.find(_q("Description"))
        if described is not None and (described.text or "").strip():
            project.notes.append(QNote(guid=str(uuid.uuid4()), title=name, body=normalise_text(described.text),
                                       author_guid=source.user_guid, target="source", target_guid=guid))
        project.sources.append(source)

    def _coding(self, coding: etree._Element, user: str | None) -> QCoding | None:
        ref = coding.find(_q("CodeRef"))
        code_guid = guid_of(ref.get("targetGUID")) if ref is not None else None
        if not code_guid:
            return None
        return QCoding(guid=self.guid("Coding", coding.get("guid")), code_guid=code_guid,
                       user_guid=(user if self.by_selection else None) or guid_of(coding.get("creatingUser")) or user,
                       created=_parse_stamp(coding.get("creationDateTime")))

    def _selection(self, source: QSource, sel: etree._Element, span: tuple[int, int]) -> None:
        sel_guid = self.guid("PlainTextSelection", sel.get("guid"))
        user = guid_of(sel.get("creatingUser"))
        selection = QSelection(guid=sel_guid, start=span[0], end=span[1], user_guid=user,
                               created=_parse_stamp(sel.get("creationDateTime")))
        for coding in sel.iterfind(_q("Coding")):
            if found := self._coding(coding, user):
                found.created = found.created or selection.created
                selection.codings.append(found)
        for ref in sel.iterfind(_q("NoteRef")):
            if note := guid_of(ref.get("targetGUID")):
                self.note_targets[note] = ("selection", sel_guid)
        described = sel.find(_q("Description"))
        if described is not None and (described.text or "").strip():
            # ATLAS.ti writes a quotation's comment as the selection's Description: a segment memo
            self.project.notes.append(QNote(
                guid=str(uuid.uuid4()), title=(sel.get("name") or "").strip(), body=normalise_text(described.text),
                author_guid=user, target="selection", target_guid=sel_guid, created=selection.created))
            self.project.description_memos += 1
        source.selections.append(selection)

    # ------------------------------------------------------------ cases, notes, variables

    def _values(self, element: etree._Element) -> dict[str, tuple[str, Any]]:
        out = {}
        for holder in element.iterfind(_q("VariableValue")):
            ref = holder.find(_q("VariableRef"))
            name = self.variables.get(guid_of(ref.get("targetGUID")) or "") if ref is not None else None
            kind, value = _variable_value(holder)
            if name and kind:
                out[name] = (kind, value)
        return out

    def _case(self, element: etree._Element) -> QCase:
        case = QCase(guid=self.guid("Case", element.get("guid")), name=(element.get("name") or "").strip())
        for name, (kind, value) in self._values(element).items():
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

    def _note(self, element: etree._Element) -> None:
        original = guid_of(element.get("guid"))
        guid = self.guid("Note", element.get("guid"))
        content = element.find(_q("PlainTextContent"))
        body = content.text or "" if content is not None else ""
        if not body and (path := element.get("plainTextPath", "")).startswith("internal://"):
            found = self.member(path)
            body = _decode(self.archive.read(found)).lstrip("\ufeff") if found is not None else ""
        target, target_guid = self.note_targets.get(original or "", ("project", ""))
        self.project.notes.append(QNote(
            guid=guid, title=(element.get("name") or "").strip(), body=normalise_text(body),
            author_guid=guid_of(element.get("creatingUser")), target=target, target_guid=target_guid or None,
            created=_parse_stamp(element.get("creationDateTime"))))


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


def _filename(element: etree._Element, name: str, written: Any) -> str:
    """The file a source's document came from: the name qualcode wrote (``qualcode:filename``), else
    the source file's own name in the archive unless it is just a GUID, else the source's name with
    that file's suffix (``Wawancara 1`` read from ``<guid>.txt``: ``Wawancara 1.txt``)."""
    if isinstance(written, str) and written.strip():
        return _BLANKS.sub(" ", written).strip()[:MAX_FILENAME]
    path = (element.get("plainTextPath") or element.get("path") or "").strip()
    if (representation := element.find(_q("Representation"))) is not None and not path:
        path = (representation.get("plainTextPath") or "").strip()
    stored = PurePosixPath(path.split("://", 1)[-1].replace("\\", "/")).name
    if stored and guid_of(PurePosixPath(stored).stem) is None:
        return _BLANKS.sub(" ", stored).strip()[:MAX_FILENAME]
    name = _BLANKS.sub(" ", name).strip()
    suffix = PurePosixPath(stored).suffix if _SUFFIX.search(stored) else ".txt"
    return (name if _SUFFIX.search(name) else f"{name[:MAX_FILENAME - len(suffix)]}{suffix}")[:MAX_FILENAME]


def _walk(codes: list[CodeSpec]) -> list[CodeSpec]:
    return [found for code in codes for found in (code, *_walk(code.children))]


def _all_guids(codes: list[CodeSpec]) -> list[str]:
    return [g for code in codes for g in ([code.guid] if code.guid else []) + _all_guids(code.children)]


def read_qdpx(data: bytes, filename: str) -> QdpxProject:
    """Read a ``.qdpx`` from qualcode, NVivo, ATLAS.ti, MAXQDA or QualCoder (text and PDF sources)."""
    return _Reader(data, filename).read()
