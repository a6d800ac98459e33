"""lxml's refusals in the researcher's words.

lxml (libxml2) says what is wrong with an XML file in English written for programmers ("Opening
and ending tag mismatch: Code line 4 and Codes"). Here each common kind of error becomes a message
of the catalogue (``locale/*/xml.yaml``) that names the file, the place (line and column) and the
problem, in the language the message is read in; a kind not mapped here still says where.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from qualcode.errors import ImportFileError, Part

_ERR = etree.ErrorTypes

# Syntax errors (the file is not well-formed XML): lxml's error code -> how to say it, from the
# parser's message (the names it quotes: tags, attributes, entities).
_Reading = Callable[[str], Part]


def _named(pattern: str, key: str, plain: str, *names: str) -> _Reading:
    """A problem that names what lxml's message quotes (``pattern``'s groups, as ``names``); the
    plain message when the message is worded otherwise."""
    compiled = re.compile(pattern)

    def read(message: str) -> Part:
        found = compiled.search(message)
        return Part(key, **dict(zip(names, found.groups(), strict=True))) if found else Part(plain)

    return read


def _plain(key: str) -> _Reading:
    return lambda message: Part(key)


SYNTAX: dict[int, _Reading] = {
    _ERR.ERR_TAG_NAME_MISMATCH: _named(r"mismatch: (\S+) line (\d+) and (\S+)", "xml.tag_mismatch",
                                       "xml.tag_not_closed", "tag", "opened", "closing"),
    _ERR.ERR_TAG_NOT_FINISHED: _named(r"in tag (\S+) line (\d+)", "xml.premature_end", "xml.premature_end_plain",
                                      "tag", "opened"),
    _ERR.ERR_DOCUMENT_END: _plain("xml.extra_content"),
    _ERR.ERR_DOCUMENT_EMPTY: lambda message: Part("xml.empty" if "empty" in message else "xml.no_start_tag"),
    _ERR.ERR_INVALID_CHAR: _plain("xml.invalid_char"),
    _ERR.ERR_INVALID_CHARREF: _plain("xml.invalid_char"),
    _ERR.ERR_INVALID_ENCODING: _plain("xml.invalid_encoding"),
    _ERR.ERR_UNSUPPORTED_ENCODING: _plain("xml.invalid_encoding"),
    _ERR.ERR_ATTRIBUTE_NOT_STARTED: _plain("xml.attribute_quotes"),
    _ERR.ERR_ATTRIBUTE_REDEFINED: _named(r"Attribute (\S+) redefined", "xml.attribute_twice",
                                         "xml.attribute_twice_plain", "attribute"),
    _ERR.ERR_GT_REQUIRED: _plain("xml.tag_unfinished"),
    _ERR.ERR_NAME_REQUIRED: lambda message: Part("xml.stray_ampersand" if "EntityRef" in message else "xml.bad_name"),
    _ERR.ERR_ENTITYREF_SEMICOL_MISSING: _plain("xml.stray_ampersand"),
    _ERR.ERR_UNDECLARED_ENTITY: _named(r"Entity '([^']+)' not defined", "xml.unknown_entity", "xml.other", "name"),
    _ERR.NS_ERR_UNDEFINED_NAMESPACE: _named(r"prefix (\S+) on", "xml.unknown_prefix", "xml.other", "prefix"),
}

# Schema errors (well-formed XML that the REFI-QDA schema does not allow): lxml's type name -> how
# to say it. Each message starts "Element '{namespace}Name'" (", attribute 'x'").
_ELEMENT = re.compile(r"Element '(?:\{[^}]*\})?([^']+)'(?:, attribute '([^']+)')?")
_REQUIRED = re.compile(r"attribute '([^']+)' is required")


def _schema_problem(type_name: str, message: str) -> Part:
    found = _ELEMENT.match(message)
    element, attribute = (found.group(1), found.group(2) or "") if found else ("?", "")
    if type_name == "SCHEMAV_ELEMENT_CONTENT":
        return Part("xml.missing_child" if "Missing child" in message else "xml.not_expected", element=element)
    if type_name == "SCHEMAV_CVC_COMPLEX_TYPE_4" and (required := _REQUIRED.search(message)):
        return Part("xml.missing_attribute", element=element, attribute=required.group(1))
    if type_name == "SCHEMAV_CVC_COMPLEX_TYPE_3_2_1" and attribute:
        return Part("xml.attribute_not_allowed", element=element, attribute=attribute)
    if type_name.startswith(("SCHEMAV_CVC_DATATYPE", "SCHEMAV_CVC_PATTERN", "SCHEMAV_CVC_ENUMERATION",
                             "SCHEMAV_CVC_MIN", "SCHEMAV_CVC_MAX", "SCHEMAV_CVC_LENGTH")):
        return (Part("xml.bad_attribute_value", element=element, attribute=attribute) if attribute
                else Part("xml.bad_value", element=element))
    if type_name == "SCHEMAV_CVC_ELT_1":
        return Part("xml.wrong_root", element=element)
    return Part("xml.schema_other", element=element)


def where(line: int | None, column: int | None = None) -> Part:
    """The place of an error: line and column when lxml knows the column, else the line."""
    if not line:
        return Part("where.unknown_line")
    return Part("xml.line_column", line=line, column=column) if column else Part("where.line", line=line)


def syntax_refusal(exc: etree.XMLSyntaxError | ValueError, filename: str) -> ImportFileError:
    """The refusal of a file that is not well-formed XML: the file, where, and what is wrong."""
    if not isinstance(exc, etree.XMLSyntaxError):  # lxml refused the input before parsing
        return ImportFileError("xml.broken", file=filename, where=where(None), problem=Part("xml.other"))
    line, column = exc.position if exc.position else (exc.lineno, 0)
    message = re.sub(r", line \d+, column \d+$", "", (exc.msg or "").strip())
    read = SYNTAX.get(exc.code)
    return ImportFileError("xml.broken", file=filename, where=where(line, column),
                           problem=read(message) if read else Part("xml.other"))


def schema_refusals(log: etree._ListErrorLog, filename: str) -> list[ImportFileError]:
    """One refusal per schema error: the file, the line, and what the schema does not allow."""
    return [ImportFileError("xml.schema", file=filename, where=where(entry.line, entry.column),
                            problem=_schema_problem(entry.type_name, entry.message)) for entry in log]
