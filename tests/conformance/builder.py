"""Build small ``.qdpx`` files the way other tools write them, one quirk at a time.

No vendor file is copied: each project is made here from what the tools are documented or reported
to write (``docs/refi-qda.md``). Positions are computed independently of qualcode's own conversion:
from the bytes the "tool" writes, counted the way that tool counts.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass, field

from lxml import etree

NS = "urn:QDA-XML:project:1.0"


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


@dataclass
class Sel:
    """A selection of ``phrase`` (its ``occurrence``-th appearance) coded with ``codes`` by ``user``."""

    phrase: str
    codes: list[str]
    user: str
    occurrence: int = 0
    description: str = ""
    raw: tuple[int, int] | None = None  # positions written as they are, for broken selections
    guid: str | None = None
    coding_guids: list[str] | None = None


@dataclass
class Source:
    name: str
    text: str = ""  # the text as the reader sees it (LF line breaks)
    selections: list[Sel] = field(default_factory=list)
    crlf: bool = False  # the file holds Windows line breaks
    bom: bool = False  # the file starts with a UTF-8 byte order mark
    counting: str = "codepoints"  # codepoints | utf16 | crlf1 | utf16+crlf1
    where: str = "internal"  # internal | inline | missing | relative | absolute
    kind: str = "TextSource"  # TextSource | PDFSource | PictureSource | AudioSource | VideoSource
    pdf: bytes | None = None  # a PDF source's file
    representation: bool = False  # a PDF source's text goes in a Representation
    regions: int = 0  # PDF page regions, each with one coding
    media_codings: int = 0  # codings on a picture, audio or video
    guid: str = field(default_factory=lambda: str(uuid.uuid4()))
    file: str | None = None  # the name of its file in sources/ (default: its GUID)


class Project:
    """A project as a tool would export it."""

    def __init__(self, *, origin: str, name: str = "Uji", qde_name: str = "project.qde", upper_guids: bool = False,
                 base_path: str | None = None) -> None:
        self.origin, self.name, self.qde_name, self.upper, self.base_path = origin, name, qde_name, upper_guids, base_path
        self.users: dict[str, str] = {}
        self.codes: dict[str, tuple[str, str | None]] = {}  # name -> (guid, parent name)
        self.sources: list[Source] = []
        self.cases: list[tuple[str, str, dict[str, str], list[str]]] = []  # guid, name, variables, source names
        self.notes: list[tuple[str, str, str]] = []  # guid, title, body (project notes)
        self.extra_members: dict[str, bytes] = {}
        self.extra_qde: list[str] = []

    def g(self, guid: str) -> str:
        return "{" + guid.upper() + "}" if self.upper else guid

    def user(self, name: str, guid: str | None = None) -> str:
        self.users.setdefault(name, guid or str(uuid.uuid4()))
        return self.users[name]

    def code(self, name: str, parent: str | None = None, guid: str | None = None) -> str:
        self.codes.setdefault(name, (guid or str(uuid.uuid4()), parent))
        return self.codes[name][0]

    def source(self, source: Source) -> Source:
        self.sources.append(source)
        return source

    # ------------------------------------------------------------ positions as the tool counts them

    @staticmethod
    def file_text(source: Source) -> str:
        return source.text.replace("\n", "\r\n") if source.crlf else source.text

    @staticmethod
    def count(prefix: str, counting: str) -> int:
        """The length of ``prefix`` (file text, CRLFs included, no BOM) as the tool counts it."""
        if "crlf1" in counting:
            prefix = prefix.replace("\r\n", "\n")
        return len(prefix.encode("utf-16-le")) // 2 if "utf16" in counting else len(prefix)

    def positions(self, source: Source, sel: Sel) -> tuple[int, int]:
        if sel.raw is not None:
            return sel.raw
        text = source.text
        at = -1
        for _ in range(sel.occurrence + 1):
            at = text.index(sel.phrase, at + 1)
        written = self.file_text(source)
        start_written = len(self.file_text(Source("", text[:at], crlf=source.crlf)))
        end_written = len(self.file_text(Source("", text[:at + len(sel.phrase)], crlf=source.crlf)))
        return (self.count(written[:start_written], source.counting),
                self.count(written[:end_written], source.counting))

    # ------------------------------------------------------------ writing

    def _selections(self, parent: etree._Element, source: Source) -> None:
        for sel in source.selections:
            start, end = self.positions(source, sel)
            element = etree.SubElement(parent, q("PlainTextSelection"), guid=self.g(sel.guid or str(uuid.uuid4())),
                                       name=sel.phrase[:20], startPosition=str(start), endPosition=str(end),
                                       creatingUser=self.g(self.users[sel.user]))
            if sel.description:
                etree.SubElement(element, q("Description")).text = sel.description
            for number, code in enumerate(sel.codes):
                guid = sel.coding_guids[number] if sel.coding_guids else str(uuid.uuid4())
                coding = etree.SubElement(element, q("Coding"), guid=self.g(guid),
                                          creatingUser=self.g(self.users[sel.user]))
                etree.SubElement(coding, q("CodeRef"), targetGUID=self.g(self.codes[code][0]))

    def _text_path(self, source: Source, element: etree._Element, members: dict[str, bytes], ext: str = "txt") -> None:
        if source.where == "inline":
            etree.SubElement(element, q("PlainTextContent")).text = source.text
            return
        name = f"{source.file or source.guid}.{ext}"
        path = {"internal": f"internal://{name}", "missing": f"internal://{name}",
                "relative": f"relative://{name}", "absolute": f"C:\\Users\\peneliti\\Documents\\{name}"}[source.where]
        element.set("plainTextPath" if ext == "txt" else "path", path)
        if source.where == "internal":
            data = (source.pdf or b"") if ext == "pdf" else self.file_text(source).encode("utf-8")
            members[f"sources/{name}"] = (b"\xef\xbb\xbf" + data) if source.bom and ext == "txt" else data

    def _any_coding(self, parent: etree._Element, code: str, user: str) -> etree._Element:
        coding = etree.SubElement(parent, q("Coding"), guid=self.g(str(uuid.uuid4())),
                                  creatingUser=self.g(self.users[user]))
        etree.SubElement(coding, q("CodeRef"), targetGUID=self.g(self.codes[code][0]))
        return coding

    def build(self) -> bytes:
        root = etree.Element(q("Project"), nsmap={None: NS}, name=self.name, origin=self.origin)
        if self.base_path is not None:
            root.set("basePath", self.base_path)
        users = etree.SubElement(root, q("Users"))
        for name, guid in self.users.items():
            etree.SubElement(users, q("User"), guid=self.g(guid), name=name)
        if self.codes:
            codes = etree.SubElement(etree.SubElement(root, q("CodeBook")), q("Codes"))
            made: dict[str, etree._Element] = {}
            for name, (guid, parent) in self.codes.items():
                holder = made[parent] if parent else codes
                made[name] = etree.SubElement(holder, q("Code"), guid=self.g(guid), name=name, isCodable="true",
                                              color="#3366CC")
        members: dict[str, bytes] = {}
        if self.sources:
            holder = etree.SubElement(root, q("Sources"))
            for source in self.sources:
                element = etree.SubElement(holder, q(source.kind), guid=self.g(source.guid), name=source.name)
                if source.kind == "TextSource":
                    self._text_path(source, element, members)
                    self._selections(element, source)
                elif source.kind == "PDFSource":
                    self._text_path(source, element, members, ext="pdf")
                    first_code, first_user = next(iter(self.codes)), next(iter(self.users))
                    for page in range(source.regions):
                        region = etree.SubElement(element, q("PDFSelection"), guid=self.g(str(uuid.uuid4())),
                                                  page=str(page + 1), firstX="10", firstY="10", secondX="90",
                                                  secondY="40")
                        self._any_coding(region, first_code, first_user)
                    if source.representation:
                        rep = etree.SubElement(element, q("Representation"), guid=self.g(str(uuid.uuid4())),
                                               name=source.name)
                        rep_source = Source(source.name, source.text, source.selections, source.crlf, source.bom,
                                            source.counting, guid=str(uuid.uuid4()))
                        self._text_path(rep_source, rep, members)
                        self._selections(rep, rep_source)
                else:
                    element.set("path", f"internal://{source.guid}.bin")
                    members[f"sources/{source.guid}.bin"] = b"\x00binary"
                    first_code, first_user = next(iter(self.codes)), next(iter(self.users))
                    for _ in range(source.media_codings):
                        self._any_coding(element, first_code, first_user)
        if self.cases:
            variables = sorted({v for _, _, values, _ in self.cases for v in values})
            declared = etree.SubElement(root, q("Variables"))
            var_guid = {v: str(uuid.uuid4()) for v in variables}
            for v in variables:
                etree.SubElement(declared, q("Variable"), guid=self.g(var_guid[v]), name=v, typeOfVariable="Text")
            holder = etree.SubElement(root, q("Cases"))
            by_name = {s.name: s.guid for s in self.sources}
            for guid, name, values, source_names in self.cases:
                case = etree.SubElement(holder, q("Case"), guid=self.g(guid), name=name)
                for v, value in values.items():
                    vv = etree.SubElement(case, q("VariableValue"))
                    etree.SubElement(vv, q("VariableRef"), targetGUID=self.g(var_guid[v]))
                    etree.SubElement(vv, q("TextValue")).text = value
                for source_name in source_names:
                    etree.SubElement(case, q("SourceRef"), targetGUID=self.g(by_name[source_name]))
        if self.notes:
            holder = etree.SubElement(root, q("Notes"))
            for guid, title, body in self.notes:
                note = etree.SubElement(holder, q("Note"), guid=self.g(guid), name=title)
                etree.SubElement(note, q("PlainTextContent")).text = body
            for guid, _, _ in self.notes:
                etree.SubElement(root, q("NoteRef"), targetGUID=self.g(guid))
        qde = b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(root, encoding="utf-8")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(self.qde_name, qde)
            for extra in self.extra_qde:
                archive.writestr(extra, qde)
            for name, data in {**members, **self.extra_members}.items():
                archive.writestr(name, data)
        return buffer.getvalue()

    def expected(self) -> set[tuple[str, str, str, str]]:
        """Every coding the import must give: (source name, covered text, code name, user name)."""
        return {(source.name, sel.phrase, code, sel.user)
                for source in self.sources for sel in source.selections if sel.raw is None for code in sel.codes}
